"""The code register: a published code resolves for ever and never moves to another project."""

from __future__ import annotations

import csv
import io
import shutil

from generator import cli

from .conftest import MINIMAL, SMALL


def _build(data_root, work):
    return cli.main(["build", str(data_root), "--out", str(work / "site"), "--work", str(work)])


def test_register_remembers_codes_after_their_release_is_gone(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    assert _build(data, tmp_path) == 0
    register = (tmp_path / "qr" / "register.csv").read_text(encoding="utf-8")
    rows = [row[:5] for row in csv.reader(io.StringIO(register))]
    assert rows == [
        ["code_id", "project_id", "first_release", "last_release", "label"],
        ["BT000101", "BT-0001", "2021-11", "2021-11", "东门"],
        ["BT000201", "BT-0002", "2021-11", "2021-11", ""],
    ]
    # The next month's export moves a code, and the old release folder has been lost.
    december = data / "2021-12"
    shutil.move(data / "2021-11", december)
    (december / "release.yaml").write_text("release: 2021-12\npublished: 2021-12-20\nissuer: 包头市纪委监委\n")
    (december / "qrcodes.csv").write_text("二维码编号,项目编号\nBT000101,BT-0002\nBT000201,BT-0002\n")
    site_before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*"))
    assert _build(data, tmp_path) == 1
    err = capsys.readouterr().err
    assert "2021-12/qrcodes.csv:2:项目编号: 二维码“BT000101”已于 2021-11 发布，属于项目“BT-0001”" in err
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "site").rglob("*")) == site_before


def test_dropped_code_keeps_resolving(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    december = data / "2021-12"
    shutil.copytree(data / "2021-11", december)
    (december / "release.yaml").write_text("release: 2021-12\npublished: 2021-12-20\nissuer: 包头市纪委监委\n")
    (december / "qrcodes.csv").write_text("二维码编号,项目编号\nBT000101,BT-0001\n")
    assert _build(data, tmp_path) == 0
    page = (tmp_path / "site" / "Q" / "BT000201" / "index.html").read_text(encoding="utf-8")
    assert "九原区某某学校新建工程" in page
    assert "已停用，仍可访问" in page


def test_a_project_and_a_window_known_only_to_the_register_may_be_referred_to(tmp_path):
    """The contract lets a release refer to a project or window "listed in an earlier release":
    one whose release has left the data root is known to the register, and still referable."""
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    assert _build(data, tmp_path) == 0
    december = data / "2021-12"
    shutil.copytree(data / "2021-11", december)
    for old in ("2021-10", "2021-11"):
        shutil.rmtree(data / old)
    (december / "release.yaml").write_text("release: 2021-12\npublished: 2021-12-20\nissuer: 包头市纪委监委\n")
    # BT-0004 and CK-0001 are listed no more; their codes stay, and new rows name them.
    projects = (december / "projects.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (december / "projects.csv").write_text(
        "".join(r for r in projects if not r.startswith("BT-0004,")), encoding="utf-8"
    )
    windows = (december / "windows.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (december / "windows.csv").write_text("".join(r for r in windows if not r.startswith("CK-0001,")), encoding="utf-8")
    (december / "progress.csv").write_text(
        "项目编号,报告日期,形象进度（%）,进展情况\nbt-0004,2021-12-18,12,基坑开挖完成\n"
    )
    with (december / "window_stats.csv").open("a", encoding="utf-8") as stats:
        stats.write("CK-0001,2021-12,7,6,6,8,4,4\n")
    assert _build(data, tmp_path) == 0
    project = (tmp_path / "site" / "p" / "BT-0004" / "index.html").read_text(encoding="utf-8")
    assert '基坑开挖完成（<span class="nw">2021&#45;12</span> 期）' in project and "2021年12月18日" in project
    window = (tmp_path / "site" / "w" / "CK-0001" / "index.html").read_text(encoding="utf-8")
    assert "2021&#45;12：收到反映 <strong>7</strong> 件" in window  # the newest month, from the new row
