"""Readers: both file kinds, every encoding the contract names, row numbers a person sees."""

from __future__ import annotations

import datetime
import io

import openpyxl

from generator import pipeline
from generator.read import read_data_root

HEADER = "项目编号,项目名称,所属地区,项目类别,项目状态,建设单位,责任部门,总投资(万元),形象进度（%）,更新日期\n"
XLSX_HEADER = [
    "project_id",
    "name",
    "region",
    "category",
    "status",
    "owner",
    "department",
    "total_investment",
    "progress",
    "updated",
]
ROW = "BT-0001,友谊大街改造工程,昆都仑区,基础设施,在建,某某公司,某某局,12500,45%,2021-11-15\n"


def _release(root, projects_name, projects_bytes):
    folder = root / "2021-11"
    folder.mkdir(parents=True)
    (folder / "release.yaml").write_text("release: 2021-11\npublished: 2021-11-20\nissuer: 包头市纪委监委\n")
    (folder / projects_name).write_bytes(projects_bytes)
    (folder / "qrcodes.csv").write_text("code_id,project_id\nBT000101,bt-0001\n")
    return root


def test_gb18030_csv_is_read_and_reported(tmp_path):
    root = _release(tmp_path, "projects.csv", (HEADER + ROW).encode("gb18030"))
    checked = pipeline.check_export(root, tmp_path / "none.csv")
    assert checked.errors == ()
    assert checked.archive.newest.projects[0].name == "友谊大街改造工程"
    assert ("2021-11/projects.csv", "GB18030") in checked.archive.newest.source_files


def test_utf8_bom_csv_is_read_and_reported(tmp_path):
    root = _release(tmp_path, "projects.csv", b"\xef\xbb\xbf" + (HEADER + ROW).encode())
    checked = pipeline.check_export(root, tmp_path / "none.csv")
    assert checked.errors == ()
    assert ("2021-11/projects.csv", "UTF-8（带 BOM）") in checked.archive.newest.source_files


def test_csv_rows_are_the_lines_records_start_on(tmp_path):
    text = (
        HEADER
        + '\n,,,,\nBT-0001,"两行\n名称",昆都仑区,基础设施,在建,某某公司,某某局,12500,45%,2021-11-15\nBT-0002,x,昆都仑区,基础设施,在建,某某公司,某某局,bad,45%,2021-11-15\n'
    )
    root = _release(tmp_path, "projects.csv", text.encode())
    checked = pipeline.check_export(root, tmp_path / "none.csv")
    assert [str(p) for p in checked.errors] == [
        "2021-11/projects.csv:6:总投资(万元): 应为数字，如 1234.5 或 1,234.5，实际为“bad”"
    ]


def test_xlsx_typed_cells_percent_format_and_row_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*XLSX_HEADER, "start_date"])
    sheet.append([])  # a blank row is skipped but still counts in row numbers
    sheet.append(
        [
            "BT-0001",
            "友谊大街改造工程",
            "昆都仑区",
            "基础设施",
            "building",
            "某某公司",
            "某某局",
            12500.5,
            0.85,
            datetime.datetime(2021, 11, 15, 9, 30),
            "2021年4月2日",
        ]
    )
    sheet.append(["BT-0002", "x", "昆都仑区", "基础设施", "在建", "某某公司", "某某局", 1, 0.5, "2021-02-30", None])
    sheet["I3"].number_format = "0%"
    data = io.BytesIO()
    workbook.save(data)
    root = _release(tmp_path, "projects.xlsx", data.getvalue())
    checked = pipeline.check_export(root, tmp_path / "none.csv")
    assert [str(p) for p in checked.errors] == [
        "2021-11/projects.xlsx:4:updated: 应为有效的日期（该日期不存在），实际为“2021-02-30”"
    ]
    raw = read_data_root(root)
    row = raw.releases[0].tables["projects"].rows[0]
    assert row.number == 3


def test_xlsx_percent_cell_is_a_fraction_plain_number_is_points(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(XLSX_HEADER)
    sheet.append(["BT-0001", "a", "昆都仑区", "基础设施", "在建", "o", "d", 1, 0.85, "2021-11-15"])
    sheet.append(["BT-0002", "b", "昆都仑区", "基础设施", "在建", "o", "d", 1, 85, "2021-11-15"])
    sheet["I2"].number_format = "0.0%"
    data = io.BytesIO()
    workbook.save(data)
    root = _release(tmp_path, "projects.xlsx", data.getvalue())
    (root / "2021-11" / "qrcodes.csv").write_text("code_id,project_id\nBT000101,bt-0001\nBT000201,BT-0002\n")
    checked = pipeline.check_export(root, tmp_path / "none.csv")
    assert checked.errors == ()
    assert [str(p.progress) for p in checked.archive.newest.projects] == ["85", "85"]


def test_non_release_entries_are_warned_hidden_files_ignored(tmp_path):
    root = _release(tmp_path, "projects.csv", (HEADER + ROW).encode())
    (root / "notes.txt").write_text("x")
    (root / ".git").mkdir()
    (root / "2021-13").mkdir()
    checked = pipeline.check_export(root, tmp_path / "none.csv")
    assert checked.errors == ()
    assert sorted(str(p) for p in checked.warnings) == [
        "2021-13: 警告：不是 YYYY-MM 形式的发布文件夹，已忽略",
        "notes.txt: 警告：不是 YYYY-MM 形式的发布文件夹，已忽略",
    ]
