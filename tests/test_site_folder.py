"""A commission's site folder: run from anywhere, outputs that are checked, locks, the register, rollback, install.

Every build here is a real mkdocs build of `tests/data/minimal` or `tests/data/small`, copied into tmp_path.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.publish import manifest
from generator.publish import outdir
from generator.publish import site
from generator.publish import register_file
from generator.publish.locks import build_lock
from generator.publish.register_file import public_register
from generator.settings import load_settings

from .conftest import MINIMAL, REPO, SMALL
from .test_build import tree_digest

RELEASE_YAML = "release: {release}\npublished: {release}-20\nissuer: 包头市纪委监委\n"
PROJECT_COLUMNS = (
    "项目编号,项目名称,所属地区,项目类别,项目状态,建设单位,责任部门,总投资（万元）,"
    "累计完成投资（万元）,开工日期,计划竣工日期,形象进度（%）,更新日期"
)


# --- helpers -----------------------------------------------------------------------------------------------------


def copy_data(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def build(data: Path, work: Path, out: Path | None = None) -> int:
    return cli.main(["build", str(data), "--out", str(out or work / "site"), "--work", str(work)])


def add_december(data: Path, codes: str | None = None, projects: str | None = None) -> Path:
    """A 2021-12 release: 2021-11 copied, with its own qrcodes.csv / projects.csv when given."""
    december = data / "2021-12"
    shutil.copytree(MINIMAL / "2021-11", december)
    (december / "release.yaml").write_text(RELEASE_YAML.format(release="2021-12"), encoding="utf-8")
    if codes is not None:
        (december / "qrcodes.csv").write_text(codes, encoding="utf-8")
    if projects is not None:
        (december / "projects.csv").write_text(projects, encoding="utf-8")
    return december


def add_december_with_new_code(data: Path) -> Path:
    """2021-12: MINIMAL's projects plus BT-0009, which has the new code BT000901."""
    projects = (MINIMAL / "2021-11" / "projects.csv").read_text(encoding="utf-8").rstrip("\n") + "\n"
    projects += (
        "BT-0009,九原区某某新建工程,九原区,社会民生,前期,包头市九原区教育局,包头市九原区教育局,800,,,,,2021-12-10\n"
    )
    codes = "二维码编号,项目编号,标识位置\nBT000101,BT-0001,东门\nBT000201,BT-0002,\nBT000901,BT-0009,南门\n"
    return add_december(data, codes, projects)


def run_portal(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_register_agrees(work: Path, site_dir: Path) -> None:
    """The work folder's register is the one the site was published with: the marker holds its hash, and the site
    publishes its public copy (without the kept project records)."""
    register = (work / "qr" / "register.csv").read_text(encoding="utf-8")
    marker = outdir.read_site_marker(site_dir)
    assert marker is not None and marker["register_sha256"] == sha256_file(work / "qr" / "register.csv")
    assert (site_dir / "qr" / "register.csv").read_text(encoding="utf-8") == public_register(register)


# --- 1. run from another directory ------------------------------------------------------------------------------


def _files_changed_since(folder: Path, since_ns: int) -> list[str]:
    if not folder.exists():
        return []
    return [str(p) for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime_ns >= since_ns]


def test_build_with_relative_paths_from_another_directory(tmp_path):
    here = tmp_path / "elsewhere"
    here.mkdir()
    copy_data(SMALL, here / "data")
    repo_entries = sorted(os.listdir(REPO))
    started = time.time_ns()
    done = run_portal(["build", "data", "--out", "out"], cwd=here)
    assert done.returncode == 0, done.stderr
    out = here / "out"
    # The site of that data: SMALL's projects and codes, built with the cwd as work folder.
    assert (out / "p" / "BT-0003" / "index.html").is_file()
    assert (out / "Q" / "BT000101" / "index.html").is_file()
    assert (here / "content").is_dir() and (here / "qr" / "register.csv").is_file()
    assert "BT000102" in (here / "qr" / "register.csv").read_text(encoding="utf-8")
    # Nothing of it in the checkout.
    assert sorted(os.listdir(REPO)) == repo_entries
    for name in ("content", "qr", "site"):
        assert _files_changed_since(REPO / name, started) == [], name
    assert cli.main(["verify", str(out)]) == 0
    assert cli.main(["verify", str(out), "--work", str(here)]) == 0


def test_a_new_site_folder_builds_with_no_arguments(tmp_path):
    folder = tmp_path / "jd"
    assert cli.main(["new", str(folder)]) == 0
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_url"].startswith("https://")
    assert config["site_dir"] == "site" and config["extra"]["data_root"] == "data"
    assert sorted(os.listdir(folder)) == ["data", "mkdocs.yml"] and not any((folder / "data").iterdir())
    shutil.copytree(SMALL, folder / "data", dirs_exist_ok=True)
    done = run_portal(["build"], cwd=folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "site" / "index.html").is_file()
    assert (folder / "site" / "p" / "BT-0003" / "index.html").is_file()
    assert (folder / "qr" / "register.csv").is_file() and (folder / "content").is_dir()
    assert cli.main(["verify", str(folder / "site"), "--work", str(folder)]) == 0
    # `portal new` refuses a folder that is not empty.
    assert cli.main(["new", str(folder)]) == 2


# --- 2. --out is checked ------------------------------------------------------------------------------------------


@pytest.fixture
def built(tmp_path):
    """MINIMAL copied to tmp_path/data and built once with work folder tmp_path/w into tmp_path/w/site."""
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    assert build(data, work) == 0
    return data, work


def _refused(data: Path, work: Path, out: Path | str, watched: Path, capsys) -> str:
    before = tree_digest(watched)
    capsys.readouterr()
    assert cli.main(["build", str(data), "--out", str(out), "--work", str(work)]) == 2, out
    err = capsys.readouterr().err
    assert "未改动任何文件" in err
    assert tree_digest(watched) == before, out
    return err


def test_out_with_someones_files_is_refused(built, tmp_path, capsys):
    data, work = built
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    err = _refused(data, work, foreign, tmp_path, capsys)
    assert "不是本工具发布的网站" in err
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(os.listdir(foreign)) == ["notes.txt"]


def test_out_over_what_the_build_needs_is_refused(built, tmp_path, capsys):
    data, work = built
    for out in (data, data / "site", work / "content", work / "content" / "site", work / "qr" / "site", work):
        _refused(data, work, out, tmp_path, capsys)
    _refused(data, work, "/", tmp_path, capsys)
    _refused(data, work, tmp_path, tmp_path, capsys)  # holds the work folder and the data root


def test_out_too_wide_is_refused(built, tmp_path, monkeypatch, capsys):
    data, work = built
    cwd = tmp_path / "a" / "b"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    # `.` and `..` hold neither the work folder nor the data root: refused for being the current folder and its parent.
    for out in (".", ".."):
        err = _refused(data, work, out, tmp_path, capsys)
        assert "根目录、主目录、当前目录或其上级目录" in err
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert Path.home() == home
    err = _refused(data, work, home, tmp_path, capsys)
    assert "根目录、主目录、当前目录或其上级目录" in err
    _refused(data, work, "~", tmp_path, capsys)
    assert not any(home.iterdir())


def test_empty_absent_and_own_out_folders_are_accepted(built, tmp_path):
    data, work = built
    empty = tmp_path / "empty"
    empty.mkdir()
    assert build(data, work, empty) == 0
    assert (empty / "index.html").is_file()
    absent = tmp_path / "absent" / "deeper" / "site"
    assert build(data, work, absent) == 0
    assert (absent / "index.html").is_file()
    first = tree_digest(absent)
    assert build(data, work, absent) == 0  # a folder the tool published: accepted again
    assert tree_digest(absent) == first


def test_a_legacy_site_is_accepted_once_when_it_verifies(built, tmp_path, capsys):
    data, work = built
    out = work / "site"
    marker = out / ".portal-site.json"
    published = marker.read_bytes()
    marker.unlink()
    assert manifest.verify_site(out)[0] == ()
    assert build(data, work) == 0
    assert marker.read_bytes() == published
    # The same legacy site with one page changed after publication is not ours any more.
    marker.unlink()
    page = out / "p" / "BT-0001" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("友谊大街", "友谊小街"), encoding="utf-8")
    _refused(data, work, out, tmp_path, capsys)
    assert "友谊小街" in page.read_text(encoding="utf-8") and not marker.exists()


def _signs(data: Path, out: Path, work: Path) -> int:
    return cli.main(["signs", str(data), "--out", str(out), "--work", str(work)])


def test_signs_into_a_folder_with_a_stray_manifest_is_refused(tmp_path, capsys):
    data = copy_data(MINIMAL, tmp_path / "data")
    out = tmp_path / "kit"
    out.mkdir()
    (out / "manifest.csv").write_text("code_id\nSOMEONE\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree_digest(tmp_path)
    assert _signs(data, out, tmp_path / "w") == 2
    assert "未改动任何文件" in capsys.readouterr().err
    assert tree_digest(tmp_path) == before
    assert sorted(os.listdir(out)) == ["manifest.csv", "notes.txt"]


def test_signs_twice_into_a_kit_removes_only_kit_files(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    work, out = tmp_path / "w", tmp_path / "kit"
    assert _signs(data, out, work) == 0
    assert (out / "masters" / "BT000201.svg").is_file() and (out / "masters" / "BT000201.pdf").is_file()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "masters" / "mine.svg").write_text("<svg/>", encoding="utf-8")
    # The next kit has one code less: its masters are the kit's stale files, removed; the others stay.
    (data / "2021-11" / "qrcodes.csv").write_text(
        "二维码编号,项目编号,标识位置\nBT000101,BT-0001,东门\n", encoding="utf-8"
    )
    assert _signs(data, out, work) == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "masters" / "mine.svg").is_file()
    assert not (out / "masters" / "BT000201.svg").exists() and not (out / "masters" / "BT000201.pdf").exists()
    assert (out / "masters" / "BT000101.svg").is_file() and (out / "manifest.csv").is_file()


# --- 3. two builds into one --out ---------------------------------------------------------------------------------


def test_two_builds_into_one_out_from_two_work_folders(tmp_path, capsys):
    data_a = copy_data(MINIMAL, tmp_path / "data-a")
    data_b = copy_data(MINIMAL, tmp_path / "data-b")
    work_a, work_b, out = tmp_path / "a", tmp_path / "b", tmp_path / "out"
    assert build(data_a, work_a, out) == 0
    published = tree_digest(out)
    # B starts from the published register, so only the lock stands in its way.
    (work_b / "qr").mkdir(parents=True)
    shutil.copyfile(out / "qr" / "register.csv", work_b / "qr" / "register.csv")
    capsys.readouterr()
    with build_lock(load_settings(work_a, data_a, out)):
        assert build(data_b, work_b, out) == 1
    err = capsys.readouterr().err
    assert f"输出目录 {out} 正在由另一个构建使用" in err and "未发布任何内容" in err
    assert tree_digest(out) == published
    assert not (work_b / "content").exists()
    assert build(data_b, work_b, out) == 0  # released: it builds
    assert cli.main(["verify", str(out), "--work", str(work_b)]) == 0


# --- 4. a code re-spelled in another letter case ------------------------------------------------------------------

RESPELLED = "二维码编号,项目编号,标识位置\nbt000101,BT-0001,东门\nBT000201,BT-0002,\n"


def _assert_first_spelling_kept(work: Path) -> None:
    assert (work / "site" / "Q" / "BT000101" / "index.html").is_file()
    register = (work / "qr" / "register.csv").read_text(encoding="utf-8")
    assert "\nBT000101,BT-0001," in register and "bt000101" not in register
    assert_register_agrees(work, work / "site")
    assert cli.main(["verify", str(work / "site"), "--work", str(work)]) == 0


def test_a_code_respelled_in_lower_case_keeps_its_first_spelling(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    assert build(data, work) == 0
    _assert_first_spelling_kept(work)
    add_december(data, codes=RESPELLED)
    assert build(data, work) == 0
    _assert_first_spelling_kept(work)
    # The release that first spelled it leaves the data root: only the re-spelled one remains.
    shutil.rmtree(data / "2021-11")
    assert build(data, work) == 0
    _assert_first_spelling_kept(work)


# --- 5. a registered code whose release has left the data root ----------------------------------------------------


def test_a_registered_code_keeps_its_page_when_its_release_is_gone(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    assert build(data, work) == 0
    shutil.rmtree(data)
    data.mkdir()
    december = data / "2021-12"
    december.mkdir()
    (december / "release.yaml").write_text(RELEASE_YAML.format(release="2021-12"), encoding="utf-8")
    (december / "projects.csv").write_text(
        PROJECT_COLUMNS + "\n"
        "BT-0001,友谊大街改造工程,昆都仑区,基础设施,在建,包头市城市建设投资有限公司,包头市住房和城乡建设局,"
        "12500,6100,2021-04-02,2022-10-31,55,2021-12-15\n"
        "BT-0003,青山区某某道路工程,青山区,基础设施,在建,包头市青山区住建局,包头市青山区住建局,"
        "3000,1000,2021-06-01,2022-06-30,30,2021-12-14\n",
        encoding="utf-8",
    )
    (december / "qrcodes.csv").write_text(
        "二维码编号,项目编号,标识位置\nBT000101,BT-0001,东门\nBT000301,BT-0003,北门\n", encoding="utf-8"
    )
    assert build(data, work) == 0
    page = work / "site" / "Q" / "BT000201" / "index.html"
    assert page.is_file()
    assert "九原区某某学校新建工程" in page.read_text(encoding="utf-8")
    assert (work / "site" / "Q" / "BT000301" / "index.html").is_file()
    assert "BT000201,BT-0002," in (work / "qr" / "register.csv").read_text(encoding="utf-8")
    first = tree_digest(work / "site")
    assert build(data, work) == 0
    assert tree_digest(work / "site") == first


# --- 6. a register behind the site --------------------------------------------------------------------------------


def test_a_fresh_work_folder_may_not_build_over_a_site_of_another(tmp_path, capsys):
    data = copy_data(MINIMAL, tmp_path / "data")
    out = tmp_path / "out"
    assert build(data, tmp_path / "a", out) == 0
    published = tree_digest(out)
    capsys.readouterr()
    assert build(data, tmp_path / "b", out) == 1
    err = capsys.readouterr().err
    assert "另一个工作目录" in err and "BT000101" in err and "未发布任何内容" in err
    assert tree_digest(out) == published


# --- 7. a failure after the swap ----------------------------------------------------------------------------------


def test_a_failure_after_the_swap_says_the_site_is_published(tmp_path, monkeypatch, capsys):
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    assert build(data, work) == 0
    old_register = (work / "qr" / "register.csv").read_bytes()
    add_december_with_new_code(data)
    real_write = register_file.write_register
    calls = []

    def disk_full_once(path, text):
        if path == work / "qr" / "register.csv" and not calls:  # the register itself, the first time
            calls.append(path)
            raise OSError(28, "No space left on device")
        real_write(path, text)

    monkeypatch.setattr(register_file, "write_register", disk_full_once)
    capsys.readouterr()
    assert build(data, work) == 1
    err = capsys.readouterr().err
    assert calls == [work / "qr" / "register.csv"]
    assert f"网站已发布到 {work / 'site'}" in err and "No space left on device" in err
    assert "未发布任何内容" not in err
    assert (work / "site" / "Q" / "BT000901" / "index.html").is_file()  # the new site is live
    assert (work / "qr" / "register.csv").read_bytes() == old_register
    assert (work / register_file.PENDING_NAME).is_file()
    monkeypatch.undo()
    # The next build takes the register the site published (else it would refuse: the site knows BT000901).
    assert build(data, work) == 0
    assert_register_agrees(work, work / "site")
    assert "BT000901" in (work / "qr" / "register.csv").read_text(encoding="utf-8")
    assert not (work / register_file.PENDING_NAME).exists()


# A build killed (SIGKILL) at the one moment that matters: the new site swapped in, the register not yet written.
KILLED_AT_THE_REGISTER = """
import os, signal, sys
from generator import cli, pipeline
from generator.publish import register_file
real_write = register_file.write_register
register_file.write_register = lambda path, text: (
    os.kill(os.getpid(), signal.SIGKILL) if path.name == "register.csv" else real_write(path, text)
)
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_build_killed_between_swap_and_register_is_caught_up(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    assert build(data, work) == 0
    old_register = (work / "qr" / "register.csv").read_bytes()
    add_december_with_new_code(data)
    args = ["build", str(data), "--out", str(work / "site"), "--work", str(work)]
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT_THE_REGISTER, *args], cwd=tmp_path, capture_output=True, check=False
    )
    assert killed.returncode == -9, killed.stderr.decode()
    # What the kill left: the new site live, the old register, the note of the pending register.
    assert (work / "site" / "Q" / "BT000901" / "index.html").is_file()
    assert (work / "qr" / "register.csv").read_bytes() == old_register
    assert (work / register_file.PENDING_NAME).is_file()
    assert build(data, work) == 0
    assert not (work / register_file.PENDING_NAME).exists()
    assert "BT000901" in (work / "qr" / "register.csv").read_text(encoding="utf-8")
    assert_register_agrees(work, work / "site")


def test_a_pending_note_that_does_not_match_the_site_restores_nothing(tmp_path, capsys):
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    assert build(data, work) == 0
    old_register = (work / "qr" / "register.csv").read_bytes()
    add_december_with_new_code(data)
    assert build(data, work) == 0
    published = tree_digest(work / "site")
    (work / "qr" / "register.csv").write_bytes(old_register)
    (work / register_file.PENDING_NAME).write_text("0" * 64, encoding="utf-8")
    capsys.readouterr()
    # Not this folder's swap: the register stays behind the site, and the build is refused as such.
    assert build(data, work) == 1
    assert "另一个工作目录" in capsys.readouterr().err
    assert (work / "qr" / "register.csv").read_bytes() == old_register
    assert tree_digest(work / "site") == published


# --- 8. the sample flag -------------------------------------------------------------------------------------------


def _html_with(site_dir: Path, text: str) -> list[str]:
    return [
        p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html") if text in p.read_text(encoding="utf-8")
    ]


def test_a_hidden_sample_file_does_not_label_the_pages(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    (data / ".sample-data").write_text("", encoding="utf-8")
    work = tmp_path / "w"
    assert build(data, work) == 0
    assert "示例数据" not in (work / "site" / "index.html").read_text(encoding="utf-8")
    assert _html_with(work / "site", "示例数据") == []


def test_the_site_folder_setting_labels_the_pages(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    work.mkdir()
    (work / "mkdocs.yml").write_text("extra:\n  sample_data: true\n", encoding="utf-8")
    assert build(data, work) == 0
    assert "示例数据" in (work / "site" / "index.html").read_text(encoding="utf-8")
    assert "示例数据" in (work / "site" / "p" / "BT-0001" / "index.html").read_text(encoding="utf-8")


# --- 9. the lock files are not tracked ----------------------------------------------------------------------------


def test_the_lock_files_are_not_tracked():
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)

    tracked = git("ls-files").stdout.splitlines()
    assert tracked, "not a git checkout"
    assert ".portal-build.lock" not in tracked and not [p for p in tracked if p.endswith(".portal-lock")]
    assert git("check-ignore", "-q", ".portal-build.lock").returncode == 0
    # The output folder's lock beside the checkout's site/ (locks.py: `.<site>.portal-lock`).
    assert git("check-ignore", "-q", ".site.portal-lock").returncode == 0


# --- 10. rollback -------------------------------------------------------------------------------------------------


def _rollback_twice(data: Path, work: Path) -> None:
    """Build A (MINIMAL), then B (a 2021-12 with a new code); roll back to A, then forward to B."""
    assert build(data, work) == 0
    first = tree_digest(work / "site")
    add_december_with_new_code(data)
    assert build(data, work) == 0
    second = tree_digest(work / "site")
    assert second != first
    second_register = (work / "qr" / "register.csv").read_bytes()

    rollback = ["rollback", "--work", str(work), "--out", str(work / "site")]
    assert cli.main(rollback) == 0
    assert tree_digest(work / "site") == first
    assert_register_agrees(work, work / "site")
    assert "BT000901" not in (work / "qr" / "register.csv").read_text(encoding="utf-8")
    assert cli.main(["verify", str(work / "site"), "--work", str(work)]) == 0

    assert cli.main(rollback) == 0  # a second rollback undoes the first
    assert tree_digest(work / "site") == second
    assert (work / "qr" / "register.csv").read_bytes() == second_register
    assert_register_agrees(work, work / "site")


def test_rollback_puts_back_the_previous_site_and_its_register(tmp_path):
    work = tmp_path / "w"
    _rollback_twice(copy_data(MINIMAL, work / "data"), work)  # the site folder's own data/


def test_rollback_of_a_work_folder_built_from_a_data_root_elsewhere(tmp_path):
    # `portal build DATA --out W/site --work W`: rollback has no DATA_ROOT and needs none.
    _rollback_twice(copy_data(MINIMAL, tmp_path / "data"), tmp_path / "w")


def test_rollback_with_nothing_to_put_back_changes_nothing(tmp_path, capsys):
    work = tmp_path / "w"
    data = copy_data(MINIMAL, work / "data")
    assert build(data, work) == 0
    shutil.rmtree(site.previous_dir(work / "site"), ignore_errors=True)
    published = tree_digest(work / "site")
    capsys.readouterr()
    assert cli.main(["rollback", "--work", str(work), "--out", str(work / "site")]) == 1
    assert "没有可换回的网站" in capsys.readouterr().err
    assert tree_digest(work / "site") == published


# --- 11. a non-editable install -----------------------------------------------------------------------------------


def test_an_installed_copy_builds_the_same_site(tmp_path):
    # The package as pip installs it (not editable): a wheel built in pip's isolated build environment,
    # installed into a folder of its own. From a copy of the sources, so the build leaves the checkout alone.
    source = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "generator", source / "generator", ignore=ignore)
    shutil.copytree(REPO / "site_templates", source / "site_templates", ignore=ignore)
    shutil.copy(REPO / "pyproject.toml", source / "pyproject.toml")
    lib = tmp_path / "lib"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps"]
        + ["--target", str(lib), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    assert (lib / "mashang_jiandu-0.1.0.dist-info" / "METADATA").is_file()  # installed from a wheel
    assert (lib / "generator" / "site_templates" / "mkdocs.base.yml").is_file()
    assert (lib / "generator" / "site_templates" / "site_folder" / "mkdocs.yml").is_file()
    assert (lib / "generator" / "site_templates" / "overrides" / "main.html").is_file()
    shipped = sorted(
        p.relative_to(REPO / "site_templates") for p in (REPO / "site_templates").rglob("*") if p.is_file()
    )
    installed_templates = lib / "generator" / "site_templates"
    assert [p for p in shipped if not (installed_templates / p).is_file()] == []

    outside = tmp_path / "outside"
    outside.mkdir()
    env = {**os.environ, "PYTHONPATH": str(lib)}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import generator, generator.resources as r; print(generator.__file__); print(r.TEMPLATES_DIR)",
        ],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert Path(where[0]).resolve() == (lib / "generator" / "__init__.py").resolve()
    assert Path(where[1]).resolve() == (lib / "generator" / "site_templates").resolve()

    installed, checkout = outside / "jd", tmp_path / "jd-checkout"
    for folder in (installed, checkout):
        assert cli.main(["new", str(folder)]) == 0
        shutil.copytree(SMALL, folder / "data", dirs_exist_ok=True)
    done = run_portal(["build"], cwd=installed, env=env)
    assert done.returncode == 0, done.stderr
    assert cli.main(["build", "--work", str(checkout)]) == 0
    assert (installed / "site" / "index.html").is_file()
    assert tree_digest(installed / "site") == tree_digest(checkout / "site")
    assert tree_digest(installed / "qr") == tree_digest(checkout / "qr")


def test_a_site_folder_overrides_theme_templates_in_its_own_overrides_folder(tmp_path):
    folder = tmp_path / "jd"
    assert cli.main(["new", str(folder)]) == 0
    shutil.copytree(SMALL, folder / "data", dirs_exist_ok=True)
    (folder / "overrides" / "partials").mkdir(parents=True)
    (folder / "overrides" / "partials" / "copyright.html").write_text(
        '<div class="md-copyright">本站由某某市纪委监委维护</div>\n', encoding="utf-8"
    )
    assert cli.main(["build", "--work", str(folder)]) == 0
    assert "本站由某某市纪委监委维护" in (folder / "site" / "index.html").read_text(encoding="utf-8")
    # The tool's own overrides still apply beneath it: the CSP meta tag of main.html.
    assert 'http-equiv="Content-Security-Policy"' in (folder / "site" / "index.html").read_text(encoding="utf-8")


def test_a_wrong_setting_names_its_key_and_builds_nothing(tmp_path, capsys):
    folder = tmp_path / "jd"
    assert cli.main(["new", str(folder)]) == 0
    shutil.copytree(SMALL, folder / "data", dirs_exist_ok=True)
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("sample_data: false", "sample_data: 是"), "utf-8")
    assert cli.main(["build", "--work", str(folder)]) == 1
    assert "extra.sample_data 应为 true 或 false" in capsys.readouterr().err
    assert not (folder / "site").exists() and not (folder / "content").exists()


# --- found in review: the paths a check sees are the paths written ------------------------------------------------


def test_an_out_through_a_missing_folder_and_dotdot_is_the_folder_it_names(built, tmp_path, capsys, monkeypatch):
    data, work = built
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "thesis.txt").write_text("precious", encoding="utf-8")
    monkeypatch.chdir(work)
    _refused(data, work, "../docs/nonexist/../sub", docs, capsys)
    assert not (docs / "nonexist").exists()


def test_an_out_that_is_a_link_publishes_into_its_target_and_keeps_the_link(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    work = tmp_path / "w"
    assert build(data, work, tmp_path / "link") == 0
    add_december_with_new_code(data)
    assert build(data, work, tmp_path / "link") == 0
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "Q" / "BT000901" / "index.html").is_file()
    assert_register_agrees(work, tmp_path / "real")


def test_a_settings_file_that_cannot_be_read_is_never_the_defaults(tmp_path, capsys):
    data = copy_data(MINIMAL, tmp_path / "w" / "data")
    (tmp_path / "w" / "mkdocs.yml").symlink_to(tmp_path / "gone.yml")
    assert build(data, tmp_path / "w") == 1
    assert "不是普通文件" in capsys.readouterr().err
    assert not (tmp_path / "w" / "site").exists()


def test_another_work_folder_may_not_respell_or_move_a_published_code(tmp_path, capsys):
    data = copy_data(MINIMAL, tmp_path / "d1")
    assert build(data, tmp_path / "w1", tmp_path / "site") == 0
    published = tree_digest(tmp_path / "site")
    other = copy_data(MINIMAL, tmp_path / "d2")
    codes = other / "2021-11" / "qrcodes.csv"
    codes.write_text(codes.read_text(encoding="utf-8").replace("BT000101", "bt000101"), encoding="utf-8")
    assert build(other, tmp_path / "w2", tmp_path / "site2") == 0  # w2's register now knows bt000101
    capsys.readouterr()
    assert build(other, tmp_path / "w2", tmp_path / "site") == 1
    assert "写法、所属项目不同" in capsys.readouterr().err
    assert tree_digest(tmp_path / "site") == published


def test_an_unmarked_site_still_guards_its_codes(tmp_path, capsys):
    data = copy_data(MINIMAL, tmp_path / "d1")
    add_december_with_new_code(data)
    assert build(data, tmp_path / "w1", tmp_path / "site") == 0
    (tmp_path / "site" / outdir.SITE_MARKER).unlink()  # e.g. copied with a tool that skips dotfiles
    older = copy_data(MINIMAL, tmp_path / "d11")
    capsys.readouterr()
    assert build(older, tmp_path / "w5", tmp_path / "site") == 1
    assert "BT000901" in capsys.readouterr().err
    assert (tmp_path / "site" / "Q" / "BT000901" / "index.html").is_file()


def test_signs_inside_a_published_site_are_refused(built, tmp_path, capsys):
    data, work = built
    before = tree_digest(work / "site")
    assert _signs(data, work / "site" / "kit", work) == 2
    assert "标牌文件包不能放在网站中" in capsys.readouterr().err
    assert tree_digest(work / "site") == before


def test_rollback_takes_the_print_images_back_with_the_register(tmp_path):
    data = copy_data(MINIMAL, tmp_path / "data")
    work = tmp_path / "w"
    assert build(data, work) == 0
    add_december_with_new_code(data)
    assert build(data, work) == 0
    assert (work / "qr" / "BT000901.png").is_file()
    assert cli.main(["rollback", "--work", str(work), "--out", str(work / "site")]) == 0
    assert not (work / "qr" / "BT000901.png").exists() and (work / "qr" / "BT000101.png").is_file()


def test_rollback_of_a_folder_that_is_not_a_work_folder_creates_nothing(tmp_path, capsys):
    assert cli.main(["rollback", "--work", str(tmp_path / "deep"), "--out", str(tmp_path / "deep" / "site")]) == 1
    assert "不是构建过网站的工作目录" in capsys.readouterr().err
    assert not (tmp_path / "deep").exists()


def test_a_registered_code_without_a_page_on_the_staged_site_is_never_published(built, monkeypatch, capsys):
    data, work = built
    published = tree_digest(work / "site")
    real_mkdocs = site.run_mkdocs

    def losing_a_code_page(settings, out_dir, *args, **kwargs):
        real_mkdocs(settings, out_dir, *args, **kwargs)
        (out_dir / "Q" / "BT000201" / "index.html").unlink()  # as a bug in the engine or a plugin would

    monkeypatch.setattr(site, "run_mkdocs", losing_a_code_page)
    capsys.readouterr()
    assert build(data, work) == 1
    assert "二维码 BT000201 没有对应的页面" in capsys.readouterr().err
    assert tree_digest(work / "site") == published


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("default-src 'none'; style-src 'self'", "default-src 'none'; style-src 'self' 'sha256-X'"),
        ("default-src 'self'", "default-src 'self'; style-src 'self' 'sha256-X'"),
        # Nothing restricts styles: adding a style-src would block every stylesheet of the theme.
        ("script-src 'self'; object-src 'none'", "script-src 'self'; object-src 'none'"),
        # Browsers read style-src-elem for <style> elements when it is there.
        (
            "default-src 'none'; style-src 'self'; style-src-elem 'self'",
            "default-src 'none'; style-src 'self' 'sha256-X'; style-src-elem 'self' 'sha256-X'",
        ),
        ("default-src 'none'; style-src-elem 'self'", "default-src 'none'; style-src-elem 'self' 'sha256-X'"),
    ],
)
def test_the_citizen_stylesheet_hash_goes_where_browsers_read_it(policy, expected):
    from generator.settings import with_style_hash

    assert with_style_hash(policy, "'sha256-X'") == expected
