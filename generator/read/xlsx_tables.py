"""xlsx tables: the workbook's first sheet, its zip checked before it is opened, each cell as typed.

A cell is passed on as the value it holds, except the kinds that have no value to
publish: an error (`#N/A`, `#REF!`…), TRUE/FALSE, a formula whose result the file
does not hold. Those become a `RefusedCell` that the table reader reports with
its row and column.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from generator.contract import fields
from generator.errors import Problem, error, quote, warning
from generator.read.csv_tables import Grid
from generator.read.files import size_text
from generator.read.limits import MAX_COLUMNS, MAX_ROWS, MAX_XLSX_MEMBERS, MAX_XLSX_UNPACKED_BYTES


@dataclass(frozen=True)
class RefusedCell:
    """A cell whose value cannot be published, with what it shows and why it is refused."""

    shown: str  # as the spreadsheet shows it: a header or a row of these is not blank
    message: str

    def __str__(self) -> str:
        return self.shown


def xlsx_rows(rel_path: str, data: bytes, problems: list[Problem]) -> Grid | None:
    if not data.startswith(b"PK"):
        hint = "内容看起来是文本（可能是改了扩展名的 CSV）" if _looks_like_text(data) else "文件已损坏"
        problems.append(error(rel_path, f"不是有效的 xlsx 文件：{hint}"))
        return None
    refusal = _zip_refusal(data)
    if refusal:
        problems.append(error(rel_path, refusal))
        return None
    try:
        # Read once with the formulas: only a workbook that has some is read again for their
        # saved results (openpyxl gives one or the other, and most exports hold no formula).
        formulas: dict[tuple[int, int], str] = {}
        grid = _first_sheet_rows(rel_path, data, problems, formulas, data_only=False)
        if grid is not None and formulas:
            grid = _first_sheet_rows(rel_path, data, problems, formulas, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        problems.append(error(rel_path, f"不是有效的 xlsx 文件或文件已损坏（{type(exc).__name__}）"))
        return None
    except Exception as exc:  # openpyxl raises many kinds on broken XML; none may reach staff
        problems.append(error(rel_path, f"无法读取 xlsx 文件（{type(exc).__name__}）"))
        return None
    return grid


def _first_sheet_rows(
    rel_path: str, data: bytes, problems: list[Problem], formulas: dict[tuple[int, int], str], data_only: bool
) -> Grid | None:
    import openpyxl  # imported here: it is slow to import and CSV-only releases never need it

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        title = workbook.sheetnames[0]
        sheet = workbook[title]
        if not hasattr(sheet, "iter_rows"):
            problems.append(error(rel_path, f"第一个工作表{quote(title)}是图表，不是表格：导出格式只读取第一个工作表"))
            return None
        if sheet.sheet_state != "visible":
            problems.append(
                error(
                    rel_path,
                    f"第一个工作表{quote(title)}是隐藏的：导出格式只读取第一个工作表，应为要发布的表格。"
                    "请在表格软件中取消隐藏并确认它就是要发布的表，或把要发布的表移到最前面",
                )
            )
            return None
        problems.extend(_hidden_parts(rel_path, workbook, sheet))
        grid: Grid = []
        for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS + 1:
                problems.append(error(rel_path, f"行数过多（超过 {MAX_ROWS} 行），请检查是否选错了文件"))
                return None
            cells: list[object] = []
            for column, cell in enumerate(row, start=1):
                if not data_only and getattr(cell, "data_type", None) == "f":
                    formulas[number, column] = str(getattr(cell.value, "text", cell.value))
                    cells.append(None)
                else:
                    cells.append(_sheet_value(cell, title, number, column, formulas.get((number, column))))
            grid.append((number, cells))
        return grid
    finally:
        workbook.close()


_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_HIDDEN_COLUMN = re.compile(rb'<(?:\w+:)?col\b[^>]*?\bhidden="(?:1|true)"')
MAX_HIDDEN_ROWS_LISTED = 20


def _hidden_parts(rel_path: str, workbook: object, sheet: object) -> list[Problem]:
    """Hidden rows and columns, and further sheets: a person may think them private, but they are published.

    openpyxl's read-only sheets do not say which rows are hidden, so the sheet's XML (already
    inside the size limits checked before opening) is scanned for the attribute itself.
    """
    found: list[Problem] = []
    with workbook._archive.open(sheet._worksheet_path) as xml:  # type: ignore[attr-defined]
        data = xml.read()
    rows = [int(number) for number in _HIDDEN_ROW.findall(data)]
    for number in rows[:MAX_HIDDEN_ROWS_LISTED]:
        found.append(
            warning(
                rel_path, "这一行在表格中是隐藏的，但隐藏的行照样读取和发布：不应公开的行请从导出中删除", row=number
            )
        )
    if len(rows) > MAX_HIDDEN_ROWS_LISTED:
        found.append(warning(rel_path, f"另有 {len(rows) - MAX_HIDDEN_ROWS_LISTED} 个隐藏的行，同样照样发布"))
    if _HIDDEN_COLUMN.search(data):
        found.append(warning(rel_path, "表格中有隐藏的列，隐藏的列照样读取：不应公开的列请从导出中删除"))
    others = workbook.sheetnames[1:]  # type: ignore[attr-defined]
    if others:
        names = "、".join(quote(name) for name in others[:5])
        found.append(warning(rel_path, f"只读取第一个工作表；其余的工作表{names}没有读取"))
    return found


def _sheet_value(cell: object, title: str, number: int, column: int, formula: str | None) -> object:
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", None)
    if data_type == "e" or data_type == "b" or isinstance(value, bool):
        return _refused(value, data_type, title, number, column, None)
    if formula is not None and value is None and data_type != "str":  # "str": a formula whose result is ""
        return _refused(value, data_type, title, number, column, formula)
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return fields.SheetPercent(value)
    return value


def _refused(
    value: object, data_type: str | None, title: str, number: int, column: int, formula: str | None
) -> RefusedCell:
    from openpyxl.utils import get_column_letter

    where = f"单元格 {get_column_letter(column)}{number}（工作表{quote(title)}）"
    expected = "应为文字、数字或日期"
    if formula is not None:
        return RefusedCell(
            formula,
            f"{where}是公式{quote(formula)}，但文件中没有保存它的计算结果（文件可能由程序生成、未经表格软件保存），"
            f"{expected}：请用表格软件打开并保存，或把公式改为数值后重新导出",
        )
    if data_type == "e":
        return RefusedCell(
            str(value), f"{where}是错误值 {value}（公式或数据出错），{expected}：请在表格软件中改正后重新导出"
        )
    shown = "TRUE" if value else "FALSE"
    return RefusedCell(shown, f"{where}是逻辑值 {shown}，{expected}：请改为要发布的文字（如“是”“否”）后重新导出")


def _zip_refusal(data: bytes) -> str | None:
    """Why an xlsx must not be opened, judged from its zip directory alone, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "不是有效的 xlsx 文件或文件已损坏（压缩包不完整，可能未下载完）"
    if len(members) > MAX_XLSX_MEMBERS:
        return f"不是有效的 xlsx 文件：压缩包内有 {len(members)} 个文件，过多"
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        return (
            f"xlsx 解压后过大（{size_text(unpacked)}），应不超过 {size_text(MAX_XLSX_UNPACKED_BYTES)}，"
            "请检查是否选错了文件"
        )
    return None


def _looks_like_text(data: bytes) -> bool:
    try:
        data[:4096].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False
