"""Broken and oversized files, too big to commit: a clear message, bounded time and memory.

Each case lays one generated file over tests/data/minimal and runs the real `portal build`
in a child process over an already published site. The child's peak memory comes from
wait4; the published site must be byte-for-byte what it was.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from generator.read import limits

from .conftest import MINIMAL, REPO
from .test_build import tree_digest

MAX_SECONDS = 30  # generous: two cores are shared with other builds
MAX_RSS_MB = 300


def _write_big_csv(path: Path) -> None:
    """100 MB of well-formed rows: refused by its size before a byte is read."""
    row = "BT-0001,友谊大街改造工程,昆都仑区,基础设施,在建,单位,部门,12500,2021-11-15\r\n".encode()
    with path.open("wb") as handle:
        handle.write(
            "项目编号,项目名称,所属地区,项目类别,项目状态,建设单位,责任部门,总投资（万元）,更新日期\r\n".encode()
        )
        for _ in range(100 * 1024 * 1024 // len(row) + 1):
            handle.write(row)


def _write_unclosed_quote(path: Path) -> None:
    """A quote that never closes turns 20 MB into one cell."""
    path.write_text(MINIMAL.joinpath("2021-11/projects.csv").read_text() + '"' + "x" * 20_000_000, encoding="utf-8")


def _write_many_rows(path: Path) -> None:
    lines = ["二维码编号,项目编号,标识位置"] + [f"C{i:07d},BT-0001," for i in range(limits.MAX_ROWS + 5)]
    path.write_text("\r\n".join(lines), encoding="utf-8")


def _write_alias_bomb(path: Path) -> None:
    """The "billion laughs": nine levels of ten aliases each would expand to 10⁹ strings."""
    lines = ['a0: &a0 "lol"'] + [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(10))}]" for i in range(1, 10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_big_yaml(path: Path) -> None:
    path.write_text("bulletin_id: BIG-1\nsummary: |\n" + "  很长的文字。\n" * 300_000, encoding="utf-8")


def _write_entity_bomb_xlsx(path: Path) -> None:
    """An xlsx whose sheet declares nested XML entities: a label of 3·10⁹ characters if expanded."""
    entities = '<!ENTITY l0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    sys.path.insert(0, str(REPO / "tools"))
    from make_sample import write_xlsx

    write_xlsx(path, "二维码", ["二维码编号", "项目编号", "标识位置"], [["BT000101", "BT-0001", "东门"]])
    sheet_name = "xl/worksheets/sheet1.xml"
    bomb = io.BytesIO()
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == sheet_name:
                text = data.decode("utf-8").replace("<t>东门</t>", "<t>&l9;</t>")
                data = f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>{text}'.encode()
            target.writestr(info, data)
    path.write_bytes(bomb.getvalue())


CASES = {
    # name: (file under 2021-11, writer, file to remove, expected message part)
    "100-MB-csv": ("projects.csv", _write_big_csv, None, "projects.csv: 文件过大（100 MB），应不超过 32 MB"),
    "20-MB-cell": ("projects.csv", _write_unclosed_quote, None, "projects.csv:4: 单元格过大（超过 1000000 个字符）"),
    "too-many-rows": ("qrcodes.csv", _write_many_rows, None, "qrcodes.csv: 行数过多（超过 100000 行）"),
    "alias-bomb": ("bulletins/bomb.yaml", _write_alias_bomb, None, "bomb.yaml:第1行: 不允许使用 YAML 锚点和别名"),
    "big-yaml": ("bulletins/big.yaml", _write_big_yaml, None, "big.yaml: 文件过大（6 MB），应不超过 2 MB"),
    "entity-bomb": ("qrcodes.xlsx", _write_entity_bomb_xlsx, "qrcodes.csv", "qrcodes.xlsx: 无法读取 xlsx 文件"),
}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("published")
    assert _portal("build", str(MINIMAL), "--out", str(work / "site"), "--work", str(work))[0] == 0
    return work


def _portal(*args: str) -> tuple[int, str, float, float]:
    """Exit status, standard error, seconds and peak memory (MB) of one `portal` run."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO,
    )
    stderr = child.stderr.read().decode("utf-8")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, stderr, time.perf_counter() - start, usage.ru_maxrss / 1024


@pytest.mark.parametrize("name", list(CASES))
def test_broken_file_is_refused_quickly_and_leaves_the_site(name, published, tmp_path):
    rel, write, remove, expected = CASES[name]
    data_root = tmp_path / "data"
    shutil.copytree(MINIMAL, data_root)
    target = data_root / "2021-11" / rel
    write(target)
    if remove:
        (data_root / "2021-11" / remove).unlink()
    work = tmp_path / "work"
    shutil.copytree(published, work)
    before = tree_digest(work / "site")

    status, stderr, seconds, peak_mb = _portal(
        "build", str(data_root), "--out", str(work / "site"), "--work", str(work)
    )

    print(f"{name}: {target.stat().st_size / 1e6:.1f} MB file, {seconds:.2f} s, peak {peak_mb:.0f} MB")
    assert status == 1, stderr
    assert expected in stderr
    assert "Traceback" not in stderr
    assert seconds < MAX_SECONDS
    assert peak_mb < MAX_RSS_MB
    assert tree_digest(work / "site") == before
