"""What a data root holds besides the export: names in another encoding, look-alike digits, pipes,
devices, unreadable files and names that differ only in case. Each is a located message, never a
traceback, a hang or a read without end.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys

import pytest

from generator import cli
from generator import pipeline

from .conftest import MINIMAL, REPO

GBK_ROOT = os.fsdecode("中文资料".encode("gbk"))  # a folder name as a zip unpacked on Chinese Windows leaves it
GBK_TABLE = os.fsdecode("项目.csv".encode("gbk"))
GBK_BULLETIN = os.fsdecode("通报.yaml".encode("gbk"))
GBK_NOTE = "文件名不是 UTF-8 编码（按 GBK 编码读作“{}”，可能是在中文 Windows 上打包或解压的）"


@pytest.fixture
def root(tmp_path):
    data_root = tmp_path / "data"
    shutil.copytree(MINIMAL, data_root)
    return data_root


@pytest.fixture(autouse=True)
def no_hang():
    """A read that blocks (a pipe) fails the test instead of hanging it."""

    def stop(signum, frame):
        raise TimeoutError("the read blocked")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _messages(root) -> list[str]:
    return sorted(str(p) for p in pipeline.check_export(root, root.parent / "none.csv").problems)


def _validate_in_child(root, *args: str) -> tuple[int, str, str]:
    """`portal validate` in a child with bounded memory and time: a read without end fails, not the machine."""

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    child = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(root), "--work", str(root.parent), *args],
        capture_output=True,
        cwd=REPO,
        timeout=60,
        preexec_fn=limit_memory,
    )
    return child.returncode, child.stdout.decode("utf-8"), child.stderr.decode("utf-8")


# 1. Names that are not UTF-8 ----------------------------------------------------------------------


def test_names_not_utf8_are_shown_escaped_stray_ones_warned(root, tmp_path, capsys):
    (root / GBK_ROOT).mkdir()
    (root / "2021-11" / GBK_TABLE).write_bytes(b"x")
    assert _messages(root) == [
        "2021-11/\\xcf\\xee\\xc4\\xbf.csv: 警告：" + GBK_NOTE.format("项目.csv") + "，不是导出格式中的文件，已忽略",
        "\\xd6\\xd0\\xce\\xc4\\xd7\\xca\\xc1\\xcf: 警告："
        + GBK_NOTE.format("中文资料")
        + "，不是 YYYY-MM 形式的发布文件夹，已忽略",
    ]
    assert cli.main(["validate", str(root), "--work", str(tmp_path)]) == 0
    report = pipeline.build(root, tmp_path / "site", tmp_path / "work")
    assert report.pages > 0
    # Names stay in the terminal: the quality page publishes how many warnings of each kind, never a name.
    assert any("\\xcf" in str(p) for p in report.problems)
    assert "xcf" not in (tmp_path / "site" / "quality" / "2021-11" / "index.html").read_text(encoding="utf-8")


def test_a_bulletin_whose_name_is_not_utf8_is_an_error(root, tmp_path, capsys):
    shutil.copyfile(
        root / "2021-11" / "bulletins" / "BT-2021-11-08.yaml", root / "2021-11" / "bulletins" / GBK_BULLETIN
    )
    assert _messages(root) == [
        "2021-11/bulletins/\\xcd\\xa8\\xb1\\xa8.yaml: "
        + GBK_NOTE.format("通报.yaml")
        + "，未读取：请把文件改名为 UTF-8 编码的名称后重新导出"
    ]
    assert cli.main(["validate", str(root), "--work", str(tmp_path)]) == 1
    assert "\\xcd\\xa8\\xb1\\xa8.yaml" in capsys.readouterr().err


# 2. Release folders: ASCII digits only ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["２０２１-１２", "٢٠٢١-١٢", "२०२१-१२"])
def test_a_release_folder_with_other_digits_is_a_stray_entry(root, name):
    shutil.copytree(root / "2021-11", root / name)
    (root / name / "release.yaml").write_text(f"release: {name}\npublished: 2021-12-20\nissuer: 包头市纪委监委\n")
    checked = pipeline.check_export(root, root.parent / "none.csv")
    assert [str(p) for p in checked.problems] == [
        f"{name}: 警告：不是 YYYY-MM 形式的发布文件夹，已忽略：名称中的数字应为半角数字 0–9，如 2021-11"
    ]
    assert [r.release_id for r in checked.archive.releases] == ["2021-11"]


# 3. Only regular files are read, within their limit -------------------------------------------------


def test_a_pipe_and_a_folder_are_refused_without_reading(root):
    release = root / "2021-11"
    (release / "projects.csv").unlink()
    os.mkfifo(release / "projects.csv")  # opened for reading, it would wait for a writer for ever
    (release / "release.yaml").unlink()
    (release / "release.yaml").mkdir()
    os.mkfifo(release / "bulletins" / "pipe.yaml")
    assert _messages(root) == [
        "2021-11/bulletins/pipe.yaml: 不是普通文件：是命名管道（FIFO），应为导出的数据文件",
        "2021-11/projects.csv: 不是普通文件：是命名管道（FIFO），应为导出的数据文件",
        "2021-11/release.yaml: 不是普通文件：是文件夹，应为导出的数据文件",
    ]


def test_reads_stop_at_the_limit_whatever_the_size_says(tmp_path, monkeypatch):
    """A file may grow while it is read, or say size 0 (as /proc files do): at most limit + 1 bytes are read."""
    from generator.read import files

    path = tmp_path / "projects.csv"
    path.write_bytes(b"x" * 10_000)
    real_fstat, real_read = files.os.fstat, files.os.read
    read_sizes = []
    monkeypatch.setattr(files.os, "fstat", lambda fd: os.stat_result((real_fstat(fd).st_mode, *[0] * 9)))
    monkeypatch.setattr(files.os, "read", lambda fd, n: read_sizes.append(n) or real_read(fd, n))
    reading = files.Reading(tmp_path)
    assert reading.read_bytes(path, limit=100) is None
    assert [str(p) for p in reading.problems] == [
        "projects.csv: 文件过大（超过 100 字节），应不超过 100 字节，请检查是否选错了文件"
    ]
    assert sum(read_sizes) == 101


def test_a_link_to_a_device_is_refused_without_reading(root):
    # In a child with bounded memory: read whole, /dev/zero would fill the memory.
    (root / "2021-11" / "projects.csv").unlink()
    (root / "2021-11" / "projects.csv").symlink_to("/dev/zero")
    status, out, err = _validate_in_child(root, "--format", "json")
    assert status == 1, err
    assert [p["message"] for p in json.loads(out)["problems"]] == [
        "不是普通文件：（符号链接指向的）是设备文件，应为导出的数据文件"
    ]


def _refuse(monkeypatch, module_attr: str, refused: str):
    """Make one path unreadable the way chmod 000 would for anyone but root (tests run as root)."""
    from generator.read import files

    real = getattr(files.os, module_attr)

    def guarded(path, *args, **kwargs):
        if os.fspath(path).endswith(refused):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(files.os, module_attr, guarded)


def test_an_unreadable_file_is_a_file_level_problem(root, monkeypatch):
    _refuse(monkeypatch, "open", "release.yaml")
    assert _messages(root) == ["2021-11/release.yaml: 无法读取文件：没有读取权限，请检查它的权限设置"]


@pytest.mark.parametrize(
    ("refused", "expected"),
    [
        ("2021-11", "2021-11: 无法读取文件夹：没有读取权限，请检查它的权限设置"),
        ("bulletins", "2021-11/bulletins: 无法读取文件夹：没有读取权限，请检查它的权限设置"),
        ("data", ".: 无法读取文件夹：没有读取权限，请检查它的权限设置"),
    ],
)
def test_an_unreadable_folder_is_a_problem_naming_it(root, monkeypatch, capsys, refused, expected):
    _refuse(monkeypatch, "scandir", refused)
    assert _messages(root) == [expected]
    assert cli.main(["validate", str(root), "--work", str(root.parent)]) == 1
    assert expected in capsys.readouterr().err


def test_a_link_to_nowhere_is_named(root):
    (root / "2021-11" / "projects.csv").unlink()
    (root / "2021-11" / "projects.csv").symlink_to(root / "gone.csv")
    (root / "2021-12").symlink_to(root / "gone")
    assert _messages(root) == [
        "2021-11/projects.csv: 无法读取文件：找不到（可能是指向不存在位置的符号链接）",
        "2021-12: 无法打开发布文件夹：找不到（可能是指向不存在位置的符号链接）",
    ]


# 4. Names that differ only in case --------------------------------------------------------------------


def test_export_files_differing_only_in_case_are_refused_naming_both(root):
    release = root / "2021-11"
    shutil.copyfile(release / "projects.csv", release / "PROJECTS.CSV")
    shutil.copyfile(release / "release.yaml", release / "Release.yaml")
    shutil.copytree(release / "bulletins", release / "Bulletins")
    assert _messages(root) == [
        "2021-11/bulletins: 同时存在 Bulletins、bulletins：文件名只差大小写，只能保留其中一个",
        "2021-11/projects.csv: 同时存在 PROJECTS.CSV、projects.csv：文件名只差大小写，只能保留其中一个",
        "2021-11/release.yaml: 同时存在 Release.yaml、release.yaml：文件名只差大小写，只能保留其中一个",
    ]


def test_release_yaml_and_yml_both_present_are_refused(root):
    shutil.copyfile(root / "2021-11" / "release.yaml", root / "2021-11" / "release.yml")
    assert _messages(root) == ["2021-11/release.yaml: 同时存在 release.yaml 和 release.yml，只能保留其中一个"]


def test_bulletins_differing_only_in_case_are_both_read_and_warned(root):
    bulletins = root / "2021-11" / "bulletins"
    text = (bulletins / "BT-2021-11-08.yaml").read_text(encoding="utf-8")
    (bulletins / "bt-2021-11-08.yaml").write_text(text.replace("BT-2021-11-08", "BT-2021-11-09"), encoding="utf-8")
    checked = pipeline.check_export(root, root.parent / "none.csv")
    assert [str(p) for p in checked.problems] == [
        "2021-11/bulletins/bt-2021-11-08.yaml: 警告：与 BT-2021-11-08.yaml 的文件名只差大小写："
        "复制到 Windows 或 macOS 时其中一个会覆盖另一个，请改名"
    ]
    assert len(checked.archive.bulletins) == 2


# 6. The JSON of validate is always whole and valid ---------------------------------------------------


def test_validate_json_is_valid_for_hostile_names_and_text(root):
    (root / GBK_ROOT).mkdir()
    (root / "2021-11" / "a\x1b[31m\nb.txt").write_text("x")
    shutil.copyfile(
        root / "2021-11" / "bulletins" / "BT-2021-11-08.yaml", root / "2021-11" / "bulletins" / GBK_BULLETIN
    )
    (root / "2021-11" / "bulletins" / "lone.yaml").write_text('bulletin_id: X-1\ntitle: "\\ud800"\n', encoding="utf-8")
    status, out, err = _validate_in_child(root, "--format", "json")
    assert status == 1, err
    report = json.loads(out)
    assert report["errors"] == 2 and report["warnings"] == 2
    files = [p["file"] for p in report["problems"]]
    assert "2021-11/bulletins/\\xcd\\xa8\\xb1\\xa8.yaml" in files
    assert "2021-11/a\x1b[31m\nb.txt" in files
    status, _, err = _validate_in_child(root)
    assert status == 1
    assert "2021-11/a<U+001B>[31m⏎b.txt: 警告：不是导出格式中的文件，已忽略" in err.splitlines()


def test_a_data_root_that_is_missing_or_a_file_is_named(tmp_path):
    (tmp_path / "file").write_text("x")
    assert _messages(tmp_path / "file") == [f"{tmp_path}/file: 数据目录不是文件夹"]
    assert _messages(tmp_path / "nothing") == [f"{tmp_path}/nothing: 数据目录不存在"]
    assert _messages(tmp_path / GBK_ROOT) == [f"{tmp_path}/\\xd6\\xd0\\xce\\xc4\\xd7\\xca\\xc1\\xcf: 数据目录不存在"]
