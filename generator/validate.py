"""Validate raw releases against the export contract and turn them into model objects.

Every independent problem is collected, each with its file, row and column.
Cross-record checks (duplicate ids, references, codes that move) skip records
that already failed, so one bad cell does not cause a cascade of messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import fields
from .model import Bulletin, Case, ProgressReport, Project, QrCode, Release
from .privacy import find_private_number
from .problems import Problem, error, quote, warning
from .readers import Located, RawDataRoot, RawRelease, RawRow, RawTable, RawYaml
from .schema import PROGRESS, PROJECTS, QRCODES, TableSpec


@dataclass(frozen=True)
class PublishedCode:
    """What the register knows of a code: whose it is and since when."""

    code_id: str
    project_id: str
    first_release: str


def validate_data_root(
    raw: RawDataRoot, register: dict[str, PublishedCode]
) -> tuple[tuple[Release, ...], tuple[Problem, ...]]:
    """All releases, oldest first, checked in order: references may name earlier releases."""
    problems = list(raw.problems)
    known_projects: set[str] = set()
    owners = dict(register)  # code key → published code, grows release by release
    releases = []
    for raw_release in raw.releases:
        release = _ReleaseValidator(raw_release, known_projects, owners, problems).run()
        if release is not None:
            releases.append(release)
            known_projects.update(p.key for p in release.projects)
    return tuple(releases), tuple(problems)


def _row_problem(table: RawTable, row: RawRow, key: str, message: str) -> Problem:
    return error(table.rel_path, message, row=row.number, column=table.headers.get(key, key))


def _row_warning(table: RawTable, row: RawRow, key: str, message: str) -> Problem:
    return warning(table.rel_path, message, row=row.number, column=table.headers.get(key, key))


def expected_found(expected: str, found: object) -> str:
    return f"应为{expected}，实际为{quote(found)}"


class _ReleaseValidator:
    def __init__(
        self,
        raw: RawRelease,
        known_projects: set[str],
        owners: dict[str, PublishedCode],
        problems: list[Problem],
    ) -> None:
        self.raw = raw
        self.known_projects = known_projects
        self.owners = owners
        self.problems = problems
        self.errors_before = sum(p.is_error for p in problems)

    def run(self) -> Release | None:
        header = self._release_yaml()
        projects = self._projects()
        # When the projects file itself is unreadable, references to it cannot be judged.
        referable = None
        if PROJECTS.name in self.raw.tables:
            referable = {p.key for p in projects} | self._ids_in_rows(PROJECTS) | self.known_projects
        codes = self._codes(referable)
        progress = self._progress(referable)
        bulletins = self._bulletins()
        if header is None or sum(p.is_error for p in self.problems) > self.errors_before:
            return None
        published, issuer, notes = header
        return Release(
            release_id=self.raw.name,
            published=published,
            issuer=issuer,
            notes=notes,
            projects=tuple(sorted(projects, key=lambda p: p.key)),
            codes=tuple(sorted(codes, key=lambda c: c.key)),
            progress=tuple(sorted(progress, key=lambda r: (r.project_id.casefold(), r.date))),
            bulletins=tuple(sorted(bulletins, key=lambda b: b.key)),
            source_files=tuple((t.rel_path, t.encoding) for _, t in sorted(self.raw.tables.items())),
        )

    # release.yaml ---------------------------------------------------------------------------

    def _release_yaml(self):
        document = self.raw.release_yaml
        if document is None:
            return None
        reader = _YamlFields(document, self.problems)
        mapping = reader.mapping(document.root, "")
        if mapping is None:
            return None
        known = {"release", "published", "issuer", "notes"}
        reader.warn_unknown(mapping, known, "")
        month = reader.field(mapping, "", "release", fields.parse_month, required=True)
        if month is not None and month != self.raw.name:
            reader.problem(mapping["release"], "release", f"应与文件夹名 {self.raw.name} 一致，实际为{quote(month)}")
        published = reader.field(mapping, "", "published", fields.parse_date, required=True)
        issuer = reader.text(mapping, "", "issuer", required=True)
        notes = reader.text(mapping, "", "notes")
        if published is None or issuer is None:
            return None
        return published, issuer, notes or ""

    # tables -------------------------------------------------------------------------------

    def _rows(self, spec: TableSpec) -> list[tuple[RawRow, dict[str, object]]]:
        """Each row parsed cell by cell; rows with a bad cell are reported and left out."""
        table = self.raw.tables.get(spec.name)
        if table is None:
            return []
        parsed = []
        for row in table.rows:
            values: dict[str, object] = {}
            ok = True
            for column in spec.columns:
                raw_value = row.cells.get(column.key)
                if fields.is_blank(raw_value):
                    if column.required:
                        self.problems.append(_row_problem(table, row, column.key, "必填，不能为空"))
                        ok = False
                    values[column.key] = "" if column.is_text else None
                    continue
                try:
                    value = column.parse(raw_value)
                except fields.FieldError as exc:
                    self.problems.append(_row_problem(table, row, column.key, expected_found(exc.expected, exc.found)))
                    ok = False
                    continue
                if column.is_text and (kind := find_private_number(value)):
                    self.problems.append(
                        _row_problem(table, row, column.key, f"含有{kind}，个人号码不得公开，请删除后重新导出")
                    )
                    ok = False
                values[column.key] = value
            if ok:
                parsed.append((row, values))
        return parsed

    def _ids_in_rows(self, spec: TableSpec) -> set[str]:
        """Well-formed ids of every row, failed rows too, so references to them raise nothing more."""
        table = self.raw.tables.get(spec.name)
        if table is None:
            return set()
        ids = set()
        for row in table.rows:
            try:
                ids.add(fields.parse_id(row.cells.get("project_id")).casefold())
            except fields.FieldError:
                pass
        return ids

    def _first_seen(self, table: RawTable, row: RawRow, key: str, value: str, seen: dict[str, int], what: str) -> bool:
        earlier = seen.setdefault(value.casefold(), row.number)
        if earlier != row.number:
            self.problems.append(
                _row_problem(table, row, key, f"{what}{quote(value)}与第 {earlier} 行重复（编号不区分大小写）")
            )
            return False
        return True

    def _projects(self) -> list[Project]:
        table = self.raw.tables.get(PROJECTS.name)
        if table is None:
            return []
        if not table.rows:
            self.problems.append(error(table.rel_path, "没有任何项目：一次发布至少应列出一个项目"))
            return []
        projects = []
        seen: dict[str, int] = {}
        for row, values in self._rows(PROJECTS):
            if not self._first_seen(table, row, "project_id", values["project_id"], seen, "项目编号"):
                continue
            start, finish = values["start_date"], values["planned_completion"]
            if start and finish and finish < start:
                self.problems.append(
                    _row_problem(
                        table,
                        row,
                        "planned_completion",
                        f"计划竣工日期 {finish.isoformat()} 早于开工日期 {start.isoformat()}",
                    )
                )
                continue
            done, total = values["completed_investment"], values["total_investment"]
            if done is not None and done > total:
                self.problems.append(
                    _row_warning(
                        table,
                        row,
                        "completed_investment",
                        f"累计完成投资 {done} 万元超过总投资 {total} 万元，请核实",
                    )
                )
            projects.append(Project(**values))
        return projects

    def _codes(self, referable: set[str] | None) -> list[QrCode]:
        table = self.raw.tables.get(QRCODES.name)
        if table is None:
            return []
        codes = []
        seen: dict[str, int] = {}
        for row, values in self._rows(QRCODES):
            code = QrCode(**values)
            if not self._first_seen(table, row, "code_id", code.code_id, seen, "二维码编号"):
                continue
            if referable is not None and code.project_id.casefold() not in referable:
                self.problems.append(
                    _row_problem(
                        table,
                        row,
                        "project_id",
                        f"项目编号{quote(code.project_id)}在本次及以前的发布中都不存在",
                    )
                )
                continue
            published = self.owners.get(code.key)
            if published and published.project_id.casefold() != code.project_id.casefold():
                self.problems.append(
                    _row_problem(
                        table,
                        row,
                        "project_id",
                        f"二维码{quote(code.code_id)}已于 {published.first_release} 发布，属于项目"
                        f"{quote(published.project_id)}，不能改属项目{quote(code.project_id)}："
                        "已印制的标识会指向错误的项目。请为新项目申请新的二维码编号",
                    )
                )
                continue
            if published is None:
                self.owners[code.key] = PublishedCode(code.code_id, code.project_id, self.raw.name)
            codes.append(code)
        return codes

    def _progress(self, referable: set[str] | None) -> list[ProgressReport]:
        table = self.raw.tables.get(PROGRESS.name)
        reports = []
        for row, values in self._rows(PROGRESS):
            if referable is not None and values["project_id"].casefold() not in referable:
                self.problems.append(
                    _row_problem(
                        table,
                        row,
                        "project_id",
                        f"项目编号{quote(values['project_id'])}在本次及以前的发布中都不存在",
                    )
                )
                continue
            reports.append(ProgressReport(**values))
        return reports

    # bulletins ----------------------------------------------------------------------------

    def _bulletins(self) -> list[Bulletin]:
        bulletins = []
        seen_bulletins: dict[str, str] = {}
        seen_cases: dict[str, str] = {}
        for document in self.raw.bulletins:
            bulletin = _bulletin(document, self.problems)
            if bulletin is None:
                continue
            reader = _YamlFields(document, self.problems)
            root = document.root.value
            other = seen_bulletins.setdefault(bulletin.key, document.rel_path)
            if other != document.rel_path:
                reader.problem(
                    root["bulletin_id"], "bulletin_id", f"通报编号{quote(bulletin.bulletin_id)}与 {other} 重复"
                )
                continue
            duplicate = False
            for index, case in enumerate(bulletin.cases):
                where = f"{document.rel_path} cases[{index}]"
                first = seen_cases.setdefault(case.case_id.casefold(), where)
                if first != where:
                    node = root["cases"].value[index].value["case_id"]
                    reader.problem(
                        node,
                        "case_id",
                        f"案例编号{quote(case.case_id)}与 {first} 重复",
                        path=f"cases[{index}].case_id",
                    )
                    duplicate = True
            if not duplicate:
                bulletins.append(bulletin)
        return bulletins


_BULLETIN_KEYS = {"bulletin_id", "title", "issuer", "region", "published", "source_url", "summary", "cases"}
_CASE_KEYS = {"case_id", "title", "person", "position", "region", "category", "disposition", "text"}
MAX_MARKDOWN_CHARS = 50_000


def _bulletin(document: RawYaml, problems: list[Problem]) -> Bulletin | None:
    reader = _YamlFields(document, problems)
    mapping = reader.mapping(document.root, "")
    if mapping is None:
        return None
    errors_before = reader.errors
    reader.warn_unknown(mapping, _BULLETIN_KEYS, "")
    bulletin_id = reader.field(mapping, "", "bulletin_id", fields.parse_id, required=True)
    title = reader.text(mapping, "", "title", required=True)
    issuer = reader.text(mapping, "", "issuer", required=True)
    region = reader.text(mapping, "", "region", required=True)
    published = reader.field(mapping, "", "published", fields.parse_date, required=True)
    source_url = reader.field(mapping, "", "source_url", fields.parse_url)
    summary = reader.text(mapping, "", "summary", max_chars=MAX_MARKDOWN_CHARS)
    cases_node = mapping.get("cases")
    cases = []
    if cases_node is None or cases_node.value is None:
        reader.problem(cases_node or document.root, "cases", "必填：至少一个案例", path="cases")
    elif not isinstance(cases_node.value, list) or not cases_node.value:
        reader.problem(cases_node, "cases", "应为至少包含一个案例的列表", path="cases")
    else:
        for index, item in enumerate(cases_node.value):
            case = _case(reader, item, f"cases[{index}]")
            if case is not None:
                cases.append(case)
    if reader.errors > errors_before:
        return None
    return Bulletin(
        bulletin_id=bulletin_id,
        title=title,
        issuer=issuer,
        region=region,
        published=published,
        source_url=source_url or "",
        summary=summary or "",
        cases=tuple(cases),
    )


def _case(reader: "_YamlFields", item: Located, path: str) -> Case | None:
    mapping = reader.mapping(item, path)
    if mapping is None:
        return None
    reader.warn_unknown(mapping, _CASE_KEYS, path)
    values = {
        "case_id": reader.field(mapping, path, "case_id", fields.parse_id, required=True),
        "title": reader.text(mapping, path, "title", required=True),
        "person": reader.text(mapping, path, "person"),
        "position": reader.text(mapping, path, "position"),
        "region": reader.text(mapping, path, "region", required=True),
        "category": reader.text(mapping, path, "category", required=True),
        "disposition": reader.text(mapping, path, "disposition"),
        "text": reader.text(mapping, path, "text", required=True, max_chars=MAX_MARKDOWN_CHARS),
    }
    if values["case_id"] is None or any(values[k] is None for k in ("title", "region", "category", "text")):
        return None
    return Case(**{k: v or "" for k, v in values.items()})


class _YamlFields:
    """Reads the fields of one YAML document, reporting each problem with its path and line."""

    def __init__(self, document: RawYaml, problems: list[Problem]) -> None:
        self.document = document
        self.problems = problems
        self.errors = 0

    def problem(self, node: Located, key: str, message: str, path: str | None = None) -> None:
        where = f"{path if path is not None else key}（第{node.line}行）"
        self.problems.append(error(self.document.rel_path, message, row=where, column=key))
        self.errors += 1

    def mapping(self, node: Located, path: str) -> dict[str, Located] | None:
        if not isinstance(node.value, dict):
            where = f"{path or '文件'}（第{node.line}行）"
            self.problems.append(error(self.document.rel_path, "应为“键: 值”形式的映射", row=where))
            self.errors += 1
            return None
        return node.value

    def warn_unknown(self, mapping: dict[str, Located], known: set[str], path: str) -> None:
        for key, node in mapping.items():
            if key not in known:
                where = f"{_join(path, key)}（第{node.line}行）"
                self.problems.append(warning(self.document.rel_path, "未知的键，不会发布", row=where, column=key))

    def field(
        self,
        mapping: dict[str, Located],
        path: str,
        key: str,
        parse: Callable[[object], object],
        required: bool = False,
    ):
        node = mapping.get(key)
        full_path = _join(path, key)
        if node is None or node.value is None or (isinstance(node.value, str) and not node.value.strip()):
            if required:
                line_node = node or Located(None, _first_line(mapping))
                self.problem(line_node, key, "必填，不能为空", path=full_path)
            return None
        if not isinstance(node.value, str):
            self.problem(node, key, "应为一段文字，不能是列表或映射", path=full_path)
            return None
        try:
            return parse(node.value)
        except fields.FieldError as exc:
            self.problem(node, key, expected_found(exc.expected, exc.found), path=full_path)
            return None

    def text(
        self,
        mapping: dict[str, Located],
        path: str,
        key: str,
        required: bool = False,
        max_chars: int | None = None,
    ) -> str | None:
        value = self.field(mapping, path, key, lambda v: fields.parse_text(v, max_chars), required)
        if value is None:
            return None if required else ""
        if kind := find_private_number(value):
            self.problem(mapping[key], key, f"含有{kind}，个人号码不得公开，请删除后重新导出", path=_join(path, key))
            return None
        return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _first_line(mapping: dict[str, Located]) -> int:
    return min((node.line for node in mapping.values()), default=1)
