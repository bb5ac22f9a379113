"""The export contract's tables: every column's key, Chinese header, type and whether it is required."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from generator.contract import fields

STATUS_NAMES = {"前期": "前期", "在建": "在建", "停工": "停工", "竣工": "竣工"}
STATUS_ALIASES = {"planned": "前期", "building": "在建", "suspended": "停工", "completed": "竣工"}
STATUSES = tuple(STATUS_NAMES)  # display order: a project's life from plan to completion


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Callable[[object], object]
    required: bool = False
    is_text: bool = False  # free text: scanned for private numbers, never markup


def _text(max_chars: int | None = None) -> Callable[[object], str]:
    return lambda value: fields.parse_text(value, max_chars)


def _longitude(value: object) -> Decimal:
    return fields.parse_bounded_decimal(value, Decimal(97), Decimal(126), "经度")


def _latitude(value: object) -> Decimal:
    return fields.parse_bounded_decimal(value, Decimal(37), Decimal(54), "纬度")


@dataclass(frozen=True)
class TableSpec:
    name: str  # file stem: projects, qrcodes, progress, windows, window_stats
    required: bool
    columns: tuple[Column, ...]
    one_of: tuple[str, ...] = ()  # the file must have at least one of these columns

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def key_for_header(self, header: str) -> str | None:
        """The column key a header names, in Chinese or English, brackets either width."""
        wanted = normalise_header(header)
        for column in self.columns:
            if wanted in (normalise_header(column.header), column.key.casefold()):
                return column.key
        return None


def normalise_header(header: str) -> str:
    text = fields.clean_text(header).replace("(", "（").replace(")", "）").replace("％", "%")
    return re.sub(r"\s+", "", text).casefold()


PROJECTS = TableSpec(
    "projects",
    True,
    (
        Column("project_id", "项目编号", fields.parse_id, required=True),
        Column("name", "项目名称", _text(120), required=True, is_text=True),
        Column("region", "所属地区", _text(), required=True, is_text=True),
        Column("category", "项目类别", _text(), required=True, is_text=True),
        Column(
            "status",
            "项目状态",
            fields.choice_parser({**STATUS_NAMES, **STATUS_ALIASES}),
            required=True,
        ),
        Column("owner", "建设单位", _text(), required=True, is_text=True),
        Column("contractor", "施工单位", _text(), is_text=True),
        Column("supervisor", "监理单位", _text(), is_text=True),
        Column("department", "责任部门", _text(), required=True, is_text=True),
        Column("leader", "包联领导", _text(), is_text=True),
        Column("total_investment", "总投资（万元）", fields.parse_decimal, required=True),
        Column("annual_plan", "年度计划投资（万元）", fields.parse_decimal),
        Column("completed_investment", "累计完成投资（万元）", fields.parse_decimal),
        Column("start_date", "开工日期", fields.parse_date),
        Column("planned_completion", "计划竣工日期", fields.parse_date),
        Column("progress", "形象进度（%）", fields.parse_percent),
        Column("progress_note", "进展情况", _text(), is_text=True),
        Column("scope", "建设内容及规模", _text(), is_text=True),
        Column("location", "建设地点", _text(), is_text=True),
        Column("longitude", "经度", _longitude),
        Column("latitude", "纬度", _latitude),
        Column("hotline", "监督电话", fields.parse_phone),
        Column("updated", "更新日期", fields.parse_date, required=True),
    ),
)

QRCODES = TableSpec(
    "qrcodes",
    True,
    (
        Column("code_id", "二维码编号", fields.parse_id, required=True),
        # Exactly one of the two in each row (format 1 files have no window_id column): checked
        # by validation, which can say which of the two a row lacks.
        Column("project_id", "项目编号", fields.parse_id),
        Column("window_id", "窗口编号", fields.parse_id),
        Column("label", "标识位置", _text(200), is_text=True),
    ),
    one_of=("project_id", "window_id"),
)

PROGRESS = TableSpec(
    "progress",
    False,
    (
        Column("project_id", "项目编号", fields.parse_id, required=True),
        Column("date", "报告日期", fields.parse_date, required=True),
        Column("progress", "形象进度（%）", fields.parse_percent),
        Column("completed_investment", "累计完成投资（万元）", fields.parse_decimal),
        Column("note", "进展情况", _text(), is_text=True),
    ),
)

# Format 1.1: the service windows of 码上监督马上办 and how the reports at each were handled.
WINDOWS = TableSpec(
    "windows",
    False,
    (
        Column("window_id", "窗口编号", fields.parse_id, required=True),
        Column("hall", "办事大厅", _text(), required=True, is_text=True),
        Column("name", "窗口名称", _text(60), required=True, is_text=True),
        Column("window_no", "窗口号", _text(), is_text=True),
        Column("region", "所属地区", _text(), required=True, is_text=True),
        Column("department", "进驻部门", _text(), required=True, is_text=True),
        Column("services", "办理事项", _text(), is_text=True),
        Column("promise", "服务承诺", _text(), is_text=True),
        Column("hours", "办公时间", _text(), is_text=True),
        Column("address", "地址", _text(), is_text=True),
        Column("hotline", "监督电话", fields.parse_phone),
        Column("updated", "更新日期", fields.parse_date, required=True),
    ),
)

WINDOW_STATS = TableSpec(
    "window_stats",
    False,
    (
        Column("window_id", "窗口编号", fields.parse_id, required=True),
        Column("month", "统计月份", fields.parse_month, required=True),
        Column("received", "收到反映（件）", fields.parse_integer, required=True),
        Column("resolved", "已办结（件）", fields.parse_integer, required=True),
        Column("resolved_on_time", "按时办结（件）", fields.parse_integer),
        Column("median_hours", "办结用时中位数（小时）", fields.parse_decimal),
        Column("evaluated", "参与评价（件）", fields.parse_integer),
        Column("satisfied", "满意（件）", fields.parse_integer),
    ),
)

TABLES = (PROJECTS, QRCODES, PROGRESS, WINDOWS, WINDOW_STATS)
