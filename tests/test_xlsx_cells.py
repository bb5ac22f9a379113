"""xlsx cells that hold no value to publish: a hidden first sheet, error values, TRUE/FALSE, formulas never calculated."""

from __future__ import annotations

import io

import openpyxl

from generator import pipeline

from .test_readers import XLSX_HEADER, _release

ROW = ["BT-0001", "友谊大街改造工程", "昆都仑区", "基础设施", "在建", "某某公司", "某某局", 12500, 45, "2021-11-15"]


def _xlsx(workbook: openpyxl.Workbook) -> bytes:
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def _messages(root) -> list[str]:
    return [str(p) for p in pipeline.check_export(root, root / "none.csv").problems]


def _workbook(*rows: list[object]) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "项目"
    sheet.append(XLSX_HEADER)
    for row in rows:
        sheet.append(row)
    return workbook


def test_a_hidden_first_sheet_is_refused(tmp_path):
    workbook = _workbook(ROW)
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("说明").append(["这里不是数据"])
    workbook.active = 1
    root = _release(tmp_path, "projects.xlsx", _xlsx(workbook))
    assert _messages(root) == [
        "2021-11/projects.xlsx: 第一个工作表“项目”是隐藏的：导出格式只读取第一个工作表，应为要发布的表格。"
        "请在表格软件中取消隐藏并确认它就是要发布的表，或把要发布的表移到最前面"
    ]


def test_error_boolean_and_uncalculated_formula_cells_are_refused_with_their_place(tmp_path):
    workbook = _workbook(
        [*ROW[:7], "=1/0", 45, "2021-11-15"],
        ["BT-0002", True, *ROW[2:]],
        ["BT-0003", *ROW[1:7], "=SUM(H2:H3)", "=H4/100", "2021-11-15"],
        ["BT-0004", *ROW[1:]],
    )
    sheet = workbook.active
    sheet["H2"].value = "#DIV/0!"
    sheet["H2"].data_type = "e"  # as a spreadsheet saves a formula that failed: its error value
    sheet["A5"] = "#N/A"
    sheet["A5"].data_type = "e"
    root = _release(tmp_path, "projects.xlsx", _xlsx(workbook))
    expected = "应为文字、数字或日期"
    formula = "但文件中没有保存它的计算结果（文件可能由程序生成、未经表格软件保存），"
    save = "请用表格软件打开并保存，或把公式改为数值后重新导出"
    assert _messages(root) == [
        f"2021-11/projects.xlsx:2:total_investment: 单元格 H2（工作表“项目”）是错误值 #DIV/0!（公式或数据出错），"
        f"{expected}：请在表格软件中改正后重新导出",
        f"2021-11/projects.xlsx:3:name: 单元格 B3（工作表“项目”）是逻辑值 TRUE，{expected}："
        "请改为要发布的文字（如“是”“否”）后重新导出",
        f"2021-11/projects.xlsx:4:total_investment: 单元格 H4（工作表“项目”）是公式“=SUM(H2:H3)”，{formula}{expected}：{save}",
        f"2021-11/projects.xlsx:4:progress: 单元格 I4（工作表“项目”）是公式“=H4/100”，{formula}{expected}：{save}",
        f"2021-11/projects.xlsx:5:project_id: 单元格 A5（工作表“项目”）是错误值 #N/A（公式或数据出错），"
        f"{expected}：请在表格软件中改正后重新导出",
        # The refused cells are left empty: required ones are reported as such, nothing else follows.
        "2021-11/projects.xlsx:2:total_investment: 必填，不能为空",
        "2021-11/projects.xlsx:3:name: 必填，不能为空",
        "2021-11/projects.xlsx:4:total_investment: 必填，不能为空",
        "2021-11/projects.xlsx:5:project_id: 必填，不能为空",
    ]


def test_formula_cells_with_their_saved_result_are_read_as_that_result(tmp_path):
    workbook = _workbook([*ROW[:7], "=12000+500", 45, "2021-11-15"])
    data = _xlsx(workbook)
    # openpyxl cannot save a formula's result; a spreadsheet program does: <f> with its <v>.
    import zipfile

    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(patched, "w") as target:
        for info in original.infolist():
            member = original.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                member = member.replace(b"<f>12000+500</f><v />", b"<f>12000+500</f><v>12500</v>")
                assert b"<v>12500</v>" in member
            target.writestr(info, member)
    root = _release(tmp_path, "projects.xlsx", patched.getvalue())
    checked = pipeline.check_export(root, root / "none.csv")
    assert checked.errors == ()
    assert str(checked.archive.newest.projects[0].total_investment) == "12500"


def test_hidden_rows_columns_and_further_sheets_are_published_with_a_warning(tmp_path):
    import openpyxl

    from generator.read.xlsx_tables import xlsx_rows

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (
        ["二维码编号", "项目编号", "标识位置"],
        ["BT000101", "BT-0001", "东门"],
        ["BT000102", "BT-0001", "西门"],
    ):
        sheet.append(row)
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["C"].hidden = True
    workbook.create_sheet("草稿")
    path = tmp_path / "qrcodes.xlsx"
    workbook.save(path)
    problems: list = []
    grid = xlsx_rows("2021-11/qrcodes.xlsx", path.read_bytes(), problems)
    assert grid is not None and [cells[0] for _, cells in grid] == ["二维码编号", "BT000101", "BT000102"]
    assert [str(p) for p in problems] == [
        "2021-11/qrcodes.xlsx:3: 警告：这一行在表格中是隐藏的，但隐藏的行照样读取和发布：不应公开的行请从导出中删除",
        "2021-11/qrcodes.xlsx: 警告：表格中有隐藏的列，隐藏的列照样读取：不应公开的列请从导出中删除",
        "2021-11/qrcodes.xlsx: 警告：只读取第一个工作表；其余的工作表“草稿”没有读取",
    ]
