"""The archive as download files (CSV and JSON), with the description of every column.

The same rows feed the CSV and the JSON, so the two can never disagree: a JSON
value is written to CSV as text by one rule (`csv_cell`). Every column is
described once here; the data page prints these descriptions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from generator.render import exact_json
from generator.render.exact_json import number_literal
from generator.render.facets import disposition_kinds
from generator.render.formulas import neutralise_formula
from generator.model.records import Archive, Project
from generator.render.site_info import SiteInfo
from generator import urls

LICENCE_NAME = "知识共享署名 4.0 国际许可协议（CC BY 4.0）"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LIST_SEPARATOR = ";"  # a list in a CSV cell; ids never contain it


@dataclass(frozen=True)
class Column:
    key: str
    kind: str  # 文本, 日期, 数字, 列表, 是/否, 网址
    meaning: str


@dataclass(frozen=True)
class Download:
    """A download as the data page lists it: its bytes went to content/ the moment they were made."""

    file_name: str  # in data/
    title: str
    format: str  # CSV or JSON
    columns: tuple[Column, ...]  # the fields of one row (record)
    size: int  # bytes


EmitFile = Callable[[str, bytes], None]


def offer(
    emit_file: EmitFile, file_name: str, title: str, kind: str, columns: tuple[Column, ...], data: bytes
) -> Download:
    """The file handed on at once (the downloads of 10× the sample are 95 MB), its listing kept."""
    emit_file(f"{urls.DATA}/{file_name}", data)
    return Download(file_name, title, kind, columns, len(data))


CASE_COLUMNS = (
    Column("case_id", "文本", "案例编号，固定不变，也是案例页面地址的一部分"),
    Column("bulletin_id", "文本", "所属通报的编号"),
    Column("number_in_bulletin", "数字", "在所属通报中的顺序（从 1 开始）"),
    Column("title", "文本", "案例标题"),
    Column("person", "文本", "当事人（通报中的写法），未写明时为空"),
    Column("position", "文本", "当事人职务，未写明时为空"),
    Column("region", "文本", "问题发生地区"),
    Column("category", "文本", "问题类别（营商环境负面清单中的条目）"),
    Column("disposition", "文本", "处理结果（通报原文）"),
    Column("disposition_kinds", "列表", "由处理结果归纳的处理方式，可有多个：开除党籍、开除公职、移送司法机关、党纪处分、政务处分、诫勉、组织处理、其他处理、未注明"),
    Column("published", "日期", "通报发布日期（YYYY-MM-DD）"),
    Column("issuer", "文本", "通报发布单位"),
    Column("bulletin_title", "文本", "所属通报标题"),
    Column("source_url", "网址", "通报原文链接，未提供时为空"),
    Column("corrected", "是/否", "所属通报是否经过更正（true 或 false）"),
    Column("data_release", "文本", "现行文本所在的数据期（YYYY-MM）"),
    Column("project_ids", "列表", "案例中点名的本站重大项目编号"),
    Column("url", "网址", "案例的固定页面地址"),
    Column("text", "文本", "案例正文（Markdown，仅段落、列表、强调和链接）"),
)  # fmt: skip
BULLETIN_COLUMNS = (
    Column("bulletin_id", "文本", "通报编号，固定不变"),
    Column("title", "文本", "通报标题"),
    Column("issuer", "文本", "发布单位"),
    Column("region", "文本", "发布单位所在地区"),
    Column("published", "日期", "发布日期（YYYY-MM-DD）"),
    Column("source_url", "网址", "原文链接，未提供时为空"),
    Column("summary", "文本", "通报导语（Markdown），未提供时为空"),
    Column("case_ids", "列表", "所含案例编号，按通报中的顺序"),
    Column("data_release", "文本", "现行文本所在的数据期（YYYY-MM）"),
    Column("corrected", "是/否", "是否经过更正"),
    Column("earlier_releases", "列表", "更正前文本所在的数据期，从早到晚"),
    Column("url", "网址", "通报页面地址"),
)  # fmt: skip
PROJECT_COLUMNS = (
    Column("project_id", "文本", "项目编号，固定不变"),
    Column("name", "文本", "项目名称"),
    Column("region", "文本", "所属地区"),
    Column("category", "文本", "项目类别"),
    Column("status", "文本", "项目状态：前期、在建、停工、竣工"),
    Column("owner", "文本", "建设单位"),
    Column("contractor", "文本", "施工单位，未填报时为空"),
    Column("supervisor", "文本", "监理单位，未填报时为空"),
    Column("department", "文本", "责任部门"),
    Column("leader", "文本", "包联领导，未填报时为空"),
    Column("total_investment", "数字", "总投资（万元）"),
    Column("annual_plan", "数字", "年度计划投资（万元），未填报时为空"),
    Column("completed_investment", "数字", "累计完成投资（万元），未填报时为空"),
    Column("start_date", "日期", "开工日期，未填报时为空"),
    Column("planned_completion", "日期", "计划竣工日期，未填报时为空"),
    Column("progress", "数字", "形象进度（百分点，0–100），未填报时为空"),
    Column("progress_note", "文本", "进展情况"),
    Column("scope", "文本", "建设内容及规模"),
    Column("location", "文本", "建设地点"),
    Column("longitude", "数字", "经度（WGS-84）"),
    Column("latitude", "数字", "纬度（WGS-84）"),
    Column("hotline", "文本", "项目监督电话"),
    Column("updated", "日期", "平台上最后更新日期"),
    Column("is_current", "是/否", "是否列在最新一期数据中（false：已不再更新）"),
    Column("first_release", "文本", "首次列出的数据期"),
    Column("last_release", "文本", "最后列出的数据期"),
    Column("code_ids", "列表", "项目二维码编号"),
    Column("case_ids", "列表", "点名本项目的典型案例编号"),
    Column("url", "网址", "项目页面地址"),
)  # fmt: skip


def json_number(value: Decimal | None) -> int | Decimal | None:
    """A Decimal for JSON: an int when whole, else the Decimal itself, written digit for digit (`exact_json`)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return value


def csv_cell(value: object) -> str:
    """The one rule from a JSON value to CSV text (the data page states it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return number_literal(value) if isinstance(value, Decimal) else str(value)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def case_rows(archive: Archive, site: SiteInfo, projects_of_case: dict[str, tuple[str, ...]]) -> list[dict]:
    rows = []
    for record in archive.bulletins:
        b = record.bulletin
        for number, case in enumerate(b.cases, start=1):
            rows.append(
                {
                    "case_id": case.case_id,
                    "bulletin_id": b.bulletin_id,
                    "number_in_bulletin": number,
                    "title": case.title,
                    "person": case.person,
                    "position": case.position,
                    "region": case.region,
                    "category": case.category,
                    "disposition": case.disposition,
                    "disposition_kinds": [label for label, _ in disposition_kinds(case.disposition)],
                    "published": b.published.isoformat(),
                    "issuer": b.issuer,
                    "bulletin_title": b.title,
                    "source_url": b.source_url,
                    "corrected": record.is_corrected,
                    "data_release": record.current.release_id,
                    "project_ids": list(projects_of_case.get(case.case_id.casefold(), ())),
                    "url": urls.page_url(site.site_url, urls.CASES, case.case_id),
                    "text": case.text,
                }
            )
    return rows


def bulletin_rows(archive: Archive, site: SiteInfo) -> list[dict]:
    return [
        {
            "bulletin_id": record.bulletin.bulletin_id,
            "title": record.bulletin.title,
            "issuer": record.bulletin.issuer,
            "region": record.bulletin.region,
            "published": record.bulletin.published.isoformat(),
            "source_url": record.bulletin.source_url,
            "summary": record.bulletin.summary,
            "case_ids": [case.case_id for case in record.bulletin.cases],
            "data_release": record.current.release_id,
            "corrected": record.is_corrected,
            "earlier_releases": [version.release_id for version in record.earlier],
            "url": urls.page_url(site.site_url, urls.BULLETINS, record.bulletin.bulletin_id),
        }
        for record in archive.bulletins
    ]


def project_rows(archive: Archive, site: SiteInfo, cases_of_project: dict[str, tuple[str, ...]]) -> list[dict]:
    rows = []
    for record in archive.projects:
        p: Project = record.project
        rows.append(
            {
                "project_id": p.project_id,
                "name": p.name,
                "region": p.region,
                "category": p.category,
                "status": p.status,
                "owner": p.owner,
                "contractor": p.contractor,
                "supervisor": p.supervisor,
                "department": p.department,
                "leader": p.leader,
                "total_investment": json_number(p.total_investment),
                "annual_plan": json_number(p.annual_plan),
                "completed_investment": json_number(p.completed_investment),
                "start_date": _iso(p.start_date),
                "planned_completion": _iso(p.planned_completion),
                "progress": json_number(p.progress),
                "progress_note": p.progress_note,
                "scope": p.scope,
                "location": p.location,
                "longitude": json_number(p.longitude),
                "latitude": json_number(p.latitude),
                "hotline": p.hotline,
                "updated": p.updated.isoformat(),
                "is_current": record.is_current,
                "first_release": record.first_release,
                "last_release": record.last_release,
                "code_ids": [code.code_id for code in record.codes],
                "case_ids": list(cases_of_project.get(p.key, ())),
                "url": f"{site.site_url}p/{p.project_id}/",
            }
        )
    return rows


def to_json(archive: Archive, key: str, rows: list[dict]) -> bytes:
    document = {
        "data_release": archive.newest.release_id,
        "published": archive.newest.published.isoformat(),
        "publisher": archive.newest.issuer,
        "license": LICENCE_URL,
    }
    return exact_json.dumps_document(document, key, rows)


# The columns of free text from the export: in CSV, a `'` goes before such a text that a spreadsheet
# would run as a formula (`formulas`). Ids, numbers, dates, URLs, phones and our own words never change.
FREE_TEXT_KEYS = frozenset(
    {
        "window_no",
        "title",
        "person",
        "position",
        "region",
        "category",
        "disposition",
        "issuer",
        "bulletin_title",
        "text",
        "summary",
        "name",
        "owner",
        "contractor",
        "supervisor",
        "department",
        "leader",
        "progress_note",
        "scope",
        "location",
        "hall",
        "services",
        "promise",
        "hours",
        "address",
    }
)


def to_csv(columns: tuple[Column, ...], rows: list[dict]) -> bytes:
    """UTF-8 with a BOM (so Excel on Chinese Windows reads it as UTF-8) and CRLF rows, as RFC 4180 says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.key for column in columns])
    for row in rows:
        writer.writerow(
            [
                neutralise_formula(csv_cell(row[c.key])) if c.key in FREE_TEXT_KEYS else csv_cell(row[c.key])
                for c in columns
            ]
        )
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def build_downloads(
    archive: Archive,
    site: SiteInfo,
    projects_of_case: dict[str, tuple[str, ...]],
    cases_of_project: dict[str, tuple[str, ...]],
    emit_file: EmitFile,
) -> tuple[Download, ...]:
    """The case archive's and the projects' downloads, each handed to `emit_file` as it is made."""
    cases = case_rows(archive, site, projects_of_case)
    made: tuple[Download, ...] = (
        offer(emit_file, "cases.csv", "典型案例（表格）", "CSV", CASE_COLUMNS, to_csv(CASE_COLUMNS, cases)),
        offer(emit_file, "cases.json", "典型案例", "JSON", CASE_COLUMNS, to_json(archive, "cases", cases)),
    )
    del cases
    bulletins = to_json(archive, "bulletins", bulletin_rows(archive, site))
    made += (offer(emit_file, "bulletins.json", "典型案例通报", "JSON", BULLETIN_COLUMNS, bulletins),)
    del bulletins
    projects = project_rows(archive, site, cases_of_project)
    made += (
        offer(emit_file, "projects.csv", "重大项目（表格）", "CSV", PROJECT_COLUMNS, to_csv(PROJECT_COLUMNS, projects)),
        offer(emit_file, "projects.json", "重大项目", "JSON", PROJECT_COLUMNS, to_json(archive, "projects", projects)),
    )
    return made
