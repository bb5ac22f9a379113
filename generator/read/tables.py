"""One table file of a release, CSV or xlsx, as raw rows keyed by column, with the row numbers a person sees."""

from __future__ import annotations

from pathlib import Path

from generator.contract import fields
from generator.errors import Problem, error, warning
from generator.contract.schema import TableSpec
from generator.read.csv_tables import Grid, csv_rows, decode_csv
from generator.read.files import Reading
from generator.read.raw import RawRow, RawTable
from generator.read.xlsx_tables import RefusedCell, xlsx_rows


def read_table(reading: Reading, path: Path, spec: TableSpec) -> RawTable | None:
    rel_path = reading.rel(path)
    problems = reading.problems
    data = reading.read_bytes(path)
    if data is None:
        return None
    if path.suffix.casefold() == ".xlsx":
        grid = xlsx_rows(rel_path, data, problems)
        encoding = "xlsx"
    else:
        decoded = decode_csv(rel_path, data, problems)
        if decoded is None:
            return None
        text, encoding = decoded
        grid = csv_rows(rel_path, text, problems)
    if grid is None:
        return None
    return _table_from_grid(rel_path, encoding, grid, spec, problems)


def _table_from_grid(
    rel_path: str, encoding: str, grid: Grid, spec: TableSpec, problems: list[Problem]
) -> RawTable | None:
    if not grid:
        problems.append(error(rel_path, "文件是空的，缺少表头行"))
        return None
    header_number, header_cells = grid[0]
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header_cells):
        text = fields.clean_text(cell)
        if not text:
            continue
        key = spec.key_for_header(text)
        if key is None:
            unknown.append(text)
        elif key in headers:
            problems.append(
                error(rel_path, f"表头重复：“{headers[key]}”和“{text}”是同一列", row=header_number, column=text)
            )
            return None
        else:
            headers[key] = text
            positions[key] = index
    if unknown:
        problems.append(
            warning(rel_path, "未知的列，不会发布：" + "、".join(f"“{u}”" for u in unknown), row=header_number)
        )
    missing = [c for c in spec.columns if c.required and c.key not in headers]
    for column in missing:
        problems.append(
            error(
                rel_path,
                f"缺少必需的列“{column.header}”（或 {column.key}）",
                row=header_number,
            )
        )
    if spec.one_of and not any(key in headers for key in spec.one_of):
        names = "或".join(f"“{spec.column(key).header}”（或 {key}）" for key in spec.one_of)
        problems.append(error(rel_path, f"缺少列{names}：两列至少要有一列", row=header_number))
        return None
    if missing:
        return None
    rows = []
    for number, cells in grid[1:]:
        if all(fields.is_blank(c) for c in cells):
            continue  # blank rows, or rows of separators only, are skipped
        values = {key: cells[pos] if pos < len(cells) else None for key, pos in positions.items()}
        for key, value in values.items():
            if isinstance(value, RefusedCell):
                # Reported here, where the column is known; the row stays (its id still counts
                # for references) with the cell empty.
                problems.append(error(rel_path, value.message, row=number, column=headers[key]))
                values[key] = None
        rows.append(RawRow(number, values))
    return RawTable(rel_path, encoding, headers, tuple(rows))
