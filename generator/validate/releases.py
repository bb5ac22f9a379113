"""Validate raw releases against the export contract and turn them into model objects.

This module checks release.yaml and the tables (projects, progress) and runs the
releases in order; the codes are checked by `codes`, the windows and their figures by
`windows`, the bulletins by `validate_bulletins`, the fields of a YAML document read by
`yaml_fields`.

Every independent problem is collected, each with its file, row and column.
Cross-record checks (duplicate ids, references, codes that move) skip records
that already failed, so one bad cell does not cause a cascade of messages.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from generator.contract import fields
from generator.validate.lookalikes import facet_key, is_lookalike
from generator.model.records import ProgressReport, Project, QrCode, Release, Window, WindowCode, WindowMonth
from generator.validate.privacy import find_possible_old_id_number, find_private_number
from generator.errors import Problem, error, expected_found, quote
from generator.read import RawDataRoot
from generator.read import RawRelease
from generator.read import RawRow
from generator.read import RawTable
from generator.contract.schema import PROGRESS, PROJECTS, QRCODES, WINDOW_STATS, WINDOWS, TableSpec
from generator.validate.codes import PublishedCode, Referable, check_codes
from generator.validate.windows import check_window_stats, check_windows
from generator.validate.cells import Cells as _Cells
from generator.validate.cells import row_problem as _row_problem
from generator.validate.cells import row_warning as _row_warning
from generator.validate.bulletins import PublishedCase, validate_bulletins
from generator.validate.yaml_fields import LOOKALIKE, POSSIBLE_OLD_ID, PRIVATE_NUMBER, YamlFields


MAX_PLAUSIBLE_WAN = Decimal(10_000_000)  # 1000 亿元: more than any single project of the region


def _project(cells: _Cells) -> Project:
    return Project(
        project_id=cells.get("project_id", str),
        name=cells.get("name", str),
        region=cells.get("region", str),
        category=cells.get("category", str),
        status=cells.get("status", str),
        owner=cells.get("owner", str),
        contractor=cells.get("contractor", str),
        supervisor=cells.get("supervisor", str),
        department=cells.get("department", str),
        leader=cells.get("leader", str),
        total_investment=cells.get("total_investment", Decimal),
        annual_plan=cells.optional("annual_plan", Decimal),
        completed_investment=cells.optional("completed_investment", Decimal),
        start_date=cells.optional("start_date", date),
        planned_completion=cells.optional("planned_completion", date),
        progress=cells.optional("progress", Decimal),
        progress_note=cells.get("progress_note", str),
        scope=cells.get("scope", str),
        location=cells.get("location", str),
        longitude=cells.optional("longitude", Decimal),
        latitude=cells.optional("latitude", Decimal),
        hotline=cells.optional("hotline", str),
        updated=cells.get("updated", date),
    )


def _progress_report(cells: _Cells) -> ProgressReport:
    return ProgressReport(
        project_id=cells.get("project_id", str),
        date=cells.get("date", date),
        progress=cells.optional("progress", Decimal),
        completed_investment=cells.optional("completed_investment", Decimal),
        note=cells.get("note", str),
    )


def validate_data_root(
    raw: RawDataRoot, register: dict[str, PublishedCode]
) -> tuple[tuple[Release, ...], tuple[Problem, ...]]:
    """All releases, oldest first, checked in order: references may name earlier releases."""
    problems = list(raw.problems)
    # "Listed in an earlier release" includes releases that have left the data root: the register
    # keeps the project or window of every code it published, and the model its last record.
    known_projects = {code.project_id.casefold() for code in register.values() if code.project_id}
    known_windows = {code.window_id.casefold() for code in register.values() if code.window_id}
    owners = dict(register)  # code key → published code, grows release by release
    case_owners: dict[str, PublishedCase] = {}  # case key → its first publication, likewise
    releases = []
    for raw_release in raw.releases:
        known = (known_projects, known_windows)
        release = _ReleaseValidator(raw_release, known, owners, case_owners, problems).run()
        if release is not None:
            releases.append(release)
            known_projects.update(p.key for p in release.projects)
            known_windows.update(w.key for w in release.windows)
    return tuple(releases), tuple(problems)


class _ReleaseValidator:
    def __init__(
        self,
        raw: RawRelease,
        known: tuple[set[str], set[str]],
        owners: dict[str, PublishedCode],
        case_owners: dict[str, PublishedCase],
        problems: list[Problem],
    ) -> None:
        self.raw = raw
        self.known_projects, self.known_windows = known  # keys listed by earlier releases
        self.owners = owners
        self.case_owners = case_owners
        self.problems = problems
        self.errors_before = sum(p.is_error for p in problems)

    def run(self) -> Release | None:
        header = self._release_yaml()
        projects = self._projects()
        # When the projects file itself is unreadable, references to it cannot be judged.
        referable = None
        if PROJECTS.name in self.raw.tables:
            referable = {p.key for p in projects} | self._ids_in_rows(PROJECTS, "project_id") | self.known_projects
        windows = self._windows()
        referable_windows = None
        if WINDOWS.name not in self.raw.unreadable:
            referable_windows = {w.key for w in windows} | self._ids_in_rows(WINDOWS, "window_id") | self.known_windows
        codes, window_codes = self._codes(Referable(referable, referable_windows))
        progress = self._progress(referable)
        window_stats = self._window_stats(referable_windows)
        bulletins = validate_bulletins(self.raw, self.problems, self.case_owners)
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
            windows=tuple(sorted(windows, key=lambda w: w.key)),
            window_codes=tuple(sorted(window_codes, key=lambda c: c.key)),
            window_stats=tuple(sorted(window_stats, key=lambda m: (m.window_id.casefold(), m.month))),
        )

    # release.yaml ---------------------------------------------------------------------------

    def _release_yaml(self) -> tuple[date, str, str] | None:
        """The published date, issuer and notes of release.yaml."""
        document = self.raw.release_yaml
        if document is None:
            return None
        reader = YamlFields(document, self.problems)
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

    def _rows(self, spec: TableSpec) -> list[tuple[RawRow, _Cells]]:
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
                        self.problems.append(_row_problem(table, row, column.key, fields.blank_message(raw_value)))
                        ok = False
                    values[column.key] = "" if column.is_text else None
                    continue
                try:
                    value = column.parse(raw_value)
                except fields.FieldError as exc:
                    self.problems.append(_row_problem(table, row, column.key, expected_found(exc.expected, exc.found)))
                    ok = False
                    continue
                # Every text that can reach the site is checked, ids and URLs too; the hotline is
                # the one number the contract has published.
                if isinstance(value, str) and column.key != "hotline":
                    if kind := find_private_number(value):
                        self.problems.append(_row_problem(table, row, column.key, PRIVATE_NUMBER.format(kind=kind)))
                        ok = False
                    elif column.is_text and find_possible_old_id_number(value):
                        self.problems.append(_row_warning(table, row, column.key, POSSIBLE_OLD_ID))
                values[column.key] = value
            if ok:
                parsed.append((row, _Cells(values)))
        return parsed

    def _ids_in_rows(self, spec: TableSpec, key: str) -> set[str]:
        """Well-formed ids of every row, failed rows too, so references to them raise nothing more."""
        table = self.raw.tables.get(spec.name)
        if table is None:
            return set()
        ids = set()
        for row in table.rows:
            try:
                ids.add(fields.parse_id(row.cells.get(key)).casefold())
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
        for row, cells in self._rows(PROJECTS):
            project = _project(cells)
            if not self._first_seen(table, row, "project_id", project.project_id, seen, "项目编号"):
                continue
            start, finish = project.start_date, project.planned_completion
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
            amounts = {
                "total_investment": project.total_investment,
                "annual_plan": project.annual_plan,
                "completed_investment": project.completed_investment,
            }
            self._warn_implausible(table, row, amounts)
            for key, value in (("region", project.region), ("category", project.category)):
                if is_lookalike(value):
                    folded = facet_key(value)
                    self.problems.append(
                        _row_warning(table, row, key, LOOKALIKE.format(found=quote(value), key=quote(folded)))
                    )
            done, total = project.completed_investment, project.total_investment
            if done is not None and done > total:
                self.problems.append(
                    _row_warning(
                        table,
                        row,
                        "completed_investment",
                        f"累计完成投资 {done} 万元超过总投资 {total} 万元，请核实",
                    )
                )
            projects.append(project)
        return projects

    def _warn_implausible(self, table: RawTable, row: RawRow, amounts: dict[str, Decimal | None]) -> None:
        """An amount above what any project of a city costs is most likely in 元 rather than 万元."""
        for key, amount in amounts.items():
            if amount is not None and amount > MAX_PLAUSIBLE_WAN:
                self.problems.append(
                    _row_warning(
                        table,
                        row,
                        key,
                        f"金额 {amount} 万元超过 1000 亿元（{MAX_PLAUSIBLE_WAN} 万元），请核实单位是否为万元",
                    )
                )

    def _codes(self, referable: Referable) -> tuple[list[QrCode], list[WindowCode]]:
        table = self.raw.tables.get(QRCODES.name)
        if table is None:
            return [], []
        return check_codes(table, self._rows(QRCODES), referable, self.owners, self.raw.name, self.problems)

    def _windows(self) -> list[Window]:
        table = self.raw.tables.get(WINDOWS.name)
        return [] if table is None else check_windows(table, self._rows(WINDOWS), self.problems)

    def _window_stats(self, referable: set[str] | None) -> list[WindowMonth]:
        table = self.raw.tables.get(WINDOW_STATS.name)
        if table is None:
            return []
        return check_window_stats(table, self._rows(WINDOW_STATS), referable, self.raw.name, self.problems)

    def _progress(self, referable: set[str] | None) -> list[ProgressReport]:
        table = self.raw.tables.get(PROGRESS.name)
        if table is None:
            return []
        reports = []
        for row, cells in self._rows(PROGRESS):
            report = _progress_report(cells)
            if referable is not None and report.project_id.casefold() not in referable:
                self.problems.append(
                    _row_problem(
                        table,
                        row,
                        "project_id",
                        f"项目编号{quote(report.project_id)}在本次及以前的发布中都不存在",
                    )
                )
                continue
            self._warn_implausible(table, row, {"completed_investment": report.completed_investment})
            reports.append(report)
        return reports
