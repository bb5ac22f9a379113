"""The monthly routine: releases in a row, the change report, a site never half-published, and its manifest."""

from __future__ import annotations

import csv
import errno
import hashlib
import html
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.publish.locks import build_lock
from generator.settings import load_settings
from generator import cli
from generator.publish import manifest
from generator import pipeline
from generator.publish import site

from .conftest import REPO, SMALL


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def add_release(root: Path, release_id: str, edit) -> None:
    """A new release folder: the previous one copied, then `edit(projects, codes)` applied to its rows."""
    previous = max(p for p in root.iterdir() if p.is_dir())
    folder = root / release_id
    shutil.copytree(previous, folder)
    projects, codes = _rows(folder / "projects.csv"), _rows(folder / "qrcodes.csv")
    edit(projects, codes)
    _write_rows(folder / "projects.csv", projects)
    _write_rows(folder / "qrcodes.csv", codes)
    (folder / "release.yaml").write_text(
        f"release: {release_id}\npublished: {release_id}-20\nissuer: 包头市纪委监委\n",
        encoding="utf-8",
    )


def add_project(projects, codes):
    new = dict(projects[0], 项目编号="BT-0009", 项目名称="九原区某某新建工程")
    projects.append(new)
    codes.append({"code_id": "BT000901", "project_id": "BT-0009", "label": "南门"})


def drop_project_and_move_progress(projects, codes):
    projects[:] = [p for p in projects if p["项目编号"] != "BT-0002"]
    codes[:] = [c for c in codes if c["code_id"] != "BT000201"]
    for row in projects:
        if row["项目编号"] == "BT-0003":
            row["形象进度（%）"] = "90"


def move_code(projects, codes):
    for row in codes:
        if row["code_id"] == "BT000101":
            row["project_id"] = "BT-0003"


@pytest.fixture
def data_root(tmp_path) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    shutil.copytree(SMALL / "2021-10", root / "2021-10")
    return root


def build(root: Path, work: Path) -> int:
    return cli.main(["build", str(root), "--out", str(work / "site"), "--work", str(work)])


def test_three_releases_in_a_row(data_root, tmp_path, capsys):
    work = tmp_path / "work"
    assert build(data_root, work) == 0
    start = (work / "site" / "p" / "BT-0003" / "index.html").read_text(encoding="utf-8")
    assert "变更记录" in start

    # 1: one project (and its code) added.
    add_release(data_root, "2021-11", add_project)
    capsys.readouterr()
    assert build(data_root, work) == 0
    out = capsys.readouterr()
    changes = json.loads((work / "site" / "changes.json").read_text(encoding="utf-8"))
    assert changes["release"] == "2021-11" and changes["previous_release"] == "2021-10"
    assert [p["project_id"] for p in changes["projects_added"]] == ["BT-0009"]
    assert changes["projects_dropped"] == [] and changes["projects_changed"] == []
    assert changes["codes_first_published"] == [
        {
            "code_id": "BT000901",
            "project_id": "BT-0009",
            "label": "南门",
            "url": "https://JD.EXAMPLE.ORG/Q/BT000901",
        }
    ]
    assert changes["bulletins_added"] == [] and changes["bulletins_corrected"] == []
    assert "新增项目 1 个" in out.out and "BT000901 → BT-0009（南门）" in out.out
    total = pipeline.STEP_COUNT
    assert f"[1/{total}] 读取导出数据" in out.err and f"[{total}/{total}] 发布到" in out.err
    assert "已发布 2021-11 期" in out.out and "SHA256SUMS" in out.out

    # 2: one project dropped, one progress changed.
    add_release(data_root, "2021-12", drop_project_and_move_progress)
    assert build(data_root, work) == 0
    out = capsys.readouterr().out
    changes = json.loads((work / "site" / "changes.json").read_text(encoding="utf-8"))
    assert changes["projects_added"] == [] and changes["codes_first_published"] == []
    assert [p["project_id"] for p in changes["projects_dropped"]] == ["BT-0002"]
    [changed] = changes["projects_changed"]
    progress_of = (changed["project_id"], changed["changes"])
    assert progress_of == (
        "BT-0003",
        [{"field": "progress", "label": "形象进度", "old": "60", "new": "90"}],
    )
    assert "形象进度：60% → 90%" in out
    # The archive keeps every release's report, and the project page its own history.
    for release in ("2021-10", "2021-11", "2021-12"):
        assert (work / "site" / "changes" / release / "index.html").is_file()
        assert (work / "site" / "quality" / release / "index.html").is_file()
    index = (work / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "本期更新" in index and 'href="2021-11/"' in index and 'href="2021-10/"' in index
    history = html.unescape((work / "site" / "p" / "BT-0003" / "index.html").read_text(encoding="utf-8"))
    assert "形象进度：60% → 90%" in history and "首次发布" in history
    assert "本期数据中不再列出" in (work / "site" / "p" / "BT-0002" / "index.html").read_text(encoding="utf-8")
    assert cli.main(["verify", str(work / "site"), "--work", str(work)]) == 0

    # 3: a published code moved to another project: refused, nothing changes.
    published, generated, printed = (tree_digest(work / f) for f in ("site", "content", "qr"))
    add_release(data_root, "2022-01", move_code)
    capsys.readouterr()
    assert build(data_root, work) == 1
    err = capsys.readouterr().err
    assert "2022-01/qrcodes.csv:2:project_id: 二维码“BT000101”已于 2021-10 发布" in err
    assert err.rstrip().endswith("保持不变。") and "未发布任何内容" in err.splitlines()[-1]
    assert tree_digest(work / "site") == published
    assert tree_digest(work / "content") == generated
    assert tree_digest(work / "qr") == printed


def test_the_first_release_reports_everything_as_new(data_root, tmp_path):
    assert build(data_root, tmp_path) == 0
    changes = json.loads((tmp_path / "site" / "changes.json").read_text(encoding="utf-8"))
    assert changes["previous_release"] is None
    assert [p["project_id"] for p in changes["projects_added"]] == ["BT-0001", "BT-0002", "BT-0003"]
    assert len(changes["codes_first_published"]) == 4


def test_validate_json_lists_the_refused_release_by_file(data_root, tmp_path, capsys):
    assert build(data_root, tmp_path) == 0
    add_release(data_root, "2021-11", move_code)
    capsys.readouterr()
    assert cli.main(["validate", str(data_root), "--work", str(tmp_path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["valid"], report["errors"]) == (False, 1)
    assert [(p["file"], p["row"], p["severity"]) for p in report["problems"]] == [("2021-11/qrcodes.csv", "2", "error")]


def test_two_builds_give_identical_site_and_manifest(tmp_path):
    assert build(SMALL, tmp_path / "a") == 0
    assert build(SMALL, tmp_path / "b") == 0
    sums = (tmp_path / "a" / "site" / manifest.MANIFEST_NAME).read_bytes()
    assert sums == (tmp_path / "b" / "site" / manifest.MANIFEST_NAME).read_bytes()
    assert tree_digest(tmp_path / "a" / "site") == tree_digest(tmp_path / "b" / "site")
    # The manifest is what `sha256sum -c` reads, and lists every other file but the marker (which holds its hash).
    listed = [line.split("  ", 1)[1] for line in sums.decode().splitlines()]
    assert listed == sorted(listed) and len(listed) == len(tree_digest(tmp_path / "a" / "site")) - 2
    check = subprocess.run(["sha256sum", "--check", "--quiet", "SHA256SUMS"], check=False, cwd=tmp_path / "a" / "site")
    assert check.returncode == 0


def test_verify_finds_a_changed_page_an_extra_file_and_a_code_without_page(tmp_path, capsys):
    assert build(SMALL, tmp_path) == 0
    site_dir = tmp_path / "site"
    assert cli.main(["verify", str(site_dir)]) == 0
    assert "个二维码都有页面" in capsys.readouterr().out
    page = site_dir / "p" / "BT-0001" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("友谊大街", "友谊小街"), encoding="utf-8")
    (site_dir / "extra.html").write_text("x")
    shutil.rmtree(site_dir / "Q" / "BT000102")
    assert cli.main(["verify", str(site_dir), "--work", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "p/BT-0001/index.html: 内容与清单中的 SHA-256 不符" in err
    assert "extra.html: 网站中有此文件，清单中却没有" in err
    assert "Q/BT000102/index.html: 二维码 BT000102 没有对应的页面" in err
    assert "核对未通过" in err


def test_disk_full_while_building_publishes_nothing(tmp_path, monkeypatch, capsys):
    assert build(SMALL, tmp_path) == 0
    published = tree_digest(tmp_path / "site")

    def disk_full(root):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(manifest, "write_manifest", disk_full)
    assert build(SMALL, tmp_path) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert tree_digest(tmp_path / "site") == published
    assert not site.staging_dir(tmp_path / "site").exists()


def test_a_second_build_of_the_same_data_root_is_stopped(tmp_path, capsys):
    assert build(SMALL, tmp_path / "a") == 0
    published = tree_digest(tmp_path / "a" / "site")
    # Another build holds the data root (with its own work folder and site).
    with build_lock(load_settings(tmp_path / "other", SMALL, tmp_path / "other" / "site")):
        assert build(SMALL, tmp_path / "a") == 1
    err = capsys.readouterr().err
    assert f"数据目录 {SMALL} 正在由另一个构建使用" in err and "未发布任何内容" in err
    assert tree_digest(tmp_path / "a" / "site") == published
    assert build(SMALL, tmp_path / "a") == 0  # the lock went with the holder


def _run_build(root: Path, work: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            str(root),
            "--out",
            str(work / "site"),
            "--work",
            str(work),
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killing_the_build_never_leaves_the_site_missing_or_mixed(data_root, tmp_path):
    base = tmp_path / "base"
    assert build(data_root, base) == 0
    before = tree_digest(base / "site")
    add_release(data_root, "2021-11", add_project)
    add_release(data_root, "2021-12", drop_project_and_move_progress)

    reference = tmp_path / "reference"
    shutil.copytree(base, reference)
    started = time.monotonic()
    assert _run_build(data_root, reference).wait() == 0
    duration = time.monotonic() - started
    after = tree_digest(reference / "site")
    assert after != before

    outcomes = set()
    for seed in range(6):
        work = tmp_path / f"killed-{seed}"
        shutil.copytree(base, work)
        process = _run_build(data_root, work)
        time.sleep(random.Random(seed).uniform(0.0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = tree_digest(work / "site")
        assert found in (before, after), f"seed {seed}: the site is mixed"
        outcomes.add("after" if found == after else "before")
        # The next build is not blocked by the killed one and cleans what it left.
        assert _run_build(data_root, work).wait() == 0
        assert tree_digest(work / "site") == after
        assert not site.staging_dir(work / "site").exists()
        assert sorted(os.listdir(work)) == sorted(os.listdir(reference))
    assert "before" in outcomes, "no kill landed before the publication"


def test_a_long_report_prints_counts_and_the_non_routine_changes(tmp_path):
    from datetime import date
    from decimal import Decimal

    from generator.render.changes import ChangeReport, FieldChange, ProjectChange, render_report_text

    routine = FieldChange("progress", "形象进度", Decimal(10), Decimal(20))
    status = FieldChange("status", "项目状态", "在建", "竣工")
    changed = tuple(
        ProjectChange(f"BT-{n:04d}", f"项目{n}", (routine, status) if n == 7 else (routine,)) for n in range(1, 41)
    )
    report = ChangeReport("2021-12", date(2021, 12, 20), "2021-11", (), (), changed, (), (), ())
    text = render_report_text(report, "https://JD.EXAMPLE.ORG/Q/", tmp_path / "qr", tmp_path / "site")
    assert "信息有变化的项目 40 个（按字段：项目状态 1，形象进度 40）" in text
    assert "* BT-0007 项目7\n        项目状态：在建 → 竣工\n" in text
    assert "BT-0008" not in text and "形象进度：10% → 20%" not in text
