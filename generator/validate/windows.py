"""The service windows of format 1.1 and their monthly handling figures, checked row by row.

A window's figures are counts the platform aggregates; the rules here are those
of the contract (resolved within received, a month not after the release, one
row per window and month), each reported at the cell that breaks it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from generator.contract.schema import WINDOW_STATS
from generator.errors import Problem, quote
from generator.model.records import Window, WindowMonth
from generator.read import RawRow, RawTable
from generator.validate.cells import Cells, row_problem, row_warning
from generator.validate.lookalikes import facet_key, is_lookalike
from generator.validate.yaml_fields import LOOKALIKE


def window_from(cells: Cells) -> Window:
    return Window(
        window_id=cells.get("window_id", str),
        hall=cells.get("hall", str),
        name=cells.get("name", str),
        window_no=cells.get("window_no", str),
        region=cells.get("region", str),
        department=cells.get("department", str),
        services=cells.get("services", str),
        promise=cells.get("promise", str),
        hours=cells.get("hours", str),
        address=cells.get("address", str),
        hotline=cells.optional("hotline", str),
        updated=cells.get("updated", date),
    )


def window_month_from(cells: Cells) -> WindowMonth:
    return WindowMonth(
        window_id=cells.get("window_id", str),
        month=cells.get("month", str),
        received=cells.get("received", int),
        resolved=cells.get("resolved", int),
        resolved_on_time=cells.optional("resolved_on_time", int),
        median_hours=cells.optional("median_hours", Decimal),
        evaluated=cells.optional("evaluated", int),
        satisfied=cells.optional("satisfied", int),
    )


def check_windows(table: RawTable, rows: list[tuple[RawRow, Cells]], problems: list[Problem]) -> list[Window]:
    """The windows of a release: ids unique in the file; look-alike regions, halls and departments warned."""
    windows = []
    seen: dict[str, int] = {}
    for row, cells in rows:
        window = window_from(cells)
        earlier = seen.setdefault(window.key, row.number)
        if earlier != row.number:
            problems.append(
                row_problem(
                    table,
                    row,
                    "window_id",
                    f"窗口编号{quote(window.window_id)}与第 {earlier} 行重复（编号不区分大小写）",
                )
            )
            continue
        # The hall pages and statistics group by these: a look-alike spelling would split a group.
        for key in ("region", "hall", "department"):
            value = cells.get(key, str)
            if is_lookalike(value):
                message = LOOKALIKE.format(found=quote(value), key=quote(facet_key(value)))
                problems.append(row_warning(table, row, key, message))
        windows.append(window)
    return windows


def check_window_stats(
    table: RawTable,
    rows: list[tuple[RawRow, Cells]],
    referable: set[str] | None,
    release_id: str,
    problems: list[Problem],
) -> list[WindowMonth]:
    """`referable`: window keys this row may name; None when the windows file could not be read."""
    months = []
    seen: dict[tuple[str, str], int] = {}
    for row, cells in rows:
        stat = window_month_from(cells)
        # Every independent problem of the row is reported, not only the first.
        found = []
        if referable is not None and stat.window_id.casefold() not in referable:
            message = f"窗口编号{quote(stat.window_id)}在本次及以前的发布中都不存在"
            found.append(row_problem(table, row, "window_id", message))
        if stat.month > release_id:
            message = f"统计月份 {stat.month} 晚于本次发布的月份 {release_id}：只能报送已经过去的月份"
            found.append(row_problem(table, row, "month", message))
        earlier = seen.setdefault((stat.window_id.casefold(), stat.month), row.number)
        if earlier != row.number:
            message = f"窗口{quote(stat.window_id)}的 {stat.month} 统计与第 {earlier} 行重复：每个窗口每月只能有一行"
            found.append(row_problem(table, row, "month", message))
        found.extend(_count_problems(table, row, stat))
        if found:
            problems.extend(found)
        else:
            months.append(stat)
    return months


def _count_problems(table: RawTable, row: RawRow, stat: WindowMonth) -> list[Problem]:
    """Each count within the one it is part of: resolved ≤ received, on time and evaluated ≤ resolved…"""
    found = []

    def header(key: str) -> str:
        return table.headers.get(key) or WINDOW_STATS.column(key).header

    limits = (
        ("resolved", stat.resolved, "received", stat.received),
        ("resolved_on_time", stat.resolved_on_time, "resolved", stat.resolved),
        ("evaluated", stat.evaluated, "resolved", stat.resolved),
        ("satisfied", stat.satisfied, "evaluated", stat.evaluated),
    )
    for key, value, whole_key, whole in limits:
        # A blank whole bounds nothing: the contract only asks that a part not exceed its whole.
        if value is None or whole is None:
            continue
        if value > whole:
            message = f"{value} 件，多于{header(whole_key)}的 {whole} 件：不能超过它"
            found.append(row_problem(table, row, key, message))
    return found
