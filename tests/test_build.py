"""The real build: mkdocs on the sample, codes decoded with zxing-cpp, failures that publish nothing."""

from __future__ import annotations

import hashlib
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from generator import cli
from generator import pipeline

from .conftest import MINIMAL, SAMPLE, SMALL


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


class _Text(HTMLParser):
    """The visible text of a page's article, and its <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.parts.append(data)


def page_text(path: Path) -> _Text:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_sample_has_the_promised_size(sample_build):
    archive = sample_build.archive
    assert [r.release_id for r in archive.releases] == ["2021-09", "2021-10", "2021-11"]
    assert len(archive.newest.projects) == 714
    assert len(archive.newest.codes) == 766
    assert len(archive.bulletins) == 215
    assert sum(len(b.bulletin.cases) for b in archive.bulletins) == 385
    assert any(not r.is_current for r in archive.projects), "one project is dropped in 2021-11"
    assert any(b.is_corrected for b in archive.bulletins), "the sample has a corrected bulletin"
    encodings = {enc for r in archive.releases for _, enc in r.source_files}
    assert {"xlsx", "GB18030", "UTF-8（带 BOM）"} <= encodings


def test_every_code_decodes_to_its_url_and_reaches_its_project(sample_build):
    site = sample_build.site_dir
    work = site.parent
    projects = {r.project.key: r.project for r in sample_build.archive.projects}
    checked = 0
    for code in sample_build.archive.codes:
        results = zxingcpp.read_barcodes(Image.open(work / "qr" / f"{code.code_id}.png"))
        assert len(results) == 1, code.code_id
        result = results[0]
        assert result.format == zxingcpp.BarcodeFormat.QRCode
        assert result.text == f"https://JD.EXAMPLE.ORG/Q/{code.code_id}"
        # Scheme and host are case-insensitive; the path is what a static host looks up.
        path = re.sub(r"^https://[^/]+/", "", result.text)
        page = site / path / "index.html"
        assert page.is_file(), path
        project = projects[code.project_id.casefold()]
        text = page_text(page)
        assert project.name in text.title
        assert f"您扫描的是：{code.label or project.name}" in "".join(text.parts)
        checked += 1
    assert checked == 766 + sum(1 for c in sample_build.archive.codes if not c.is_current)


def test_codes_use_level_h_at_version_4(sample_build):
    svg = (sample_build.site_dir.parent / "qr" / "BT000101.svg").read_text()
    # 33 modules plus a quiet zone of 4 on each side, drawn at scale 4 (codes/drawing.py says why 4-H).
    assert 'width="164" height="164"' in svg
    results = zxingcpp.read_barcodes(Image.open(sample_build.site_dir.parent / "qr" / "BT000101.png"))
    assert results[0].ec_level == "H"
    assert results[0].symbology_identifier == "]Q1"


def test_every_page_says_the_data_are_sample_data(sample_build):
    pages = list(sample_build.site_dir.rglob("index.html"))
    assert len(pages) >= 2000
    for page in pages[::50]:
        assert "示例数据" in page.read_text(encoding="utf-8"), page


def test_dropped_project_keeps_its_page_marked(sample_build):
    dropped = [r for r in sample_build.archive.projects if not r.is_current]
    for record in dropped:
        text = "".join(page_text(sample_build.site_dir / "p" / record.project_id / "index.html").parts)
        assert "本项目信息已不再更新" in text
        assert f"{record.last_release} 期最后一次发布" in text


def _build(data_root: Path, work: Path) -> int:
    return cli.main(["build", str(data_root), "--out", str(work / "site"), "--work", str(work)])


def test_same_data_root_gives_byte_identical_output(tmp_path):
    assert _build(SMALL, tmp_path / "a") == 0
    assert _build(SMALL, tmp_path / "b") == 0
    for folder in ("site", "content", "qr"):
        assert tree_digest(tmp_path / "a" / folder) == tree_digest(tmp_path / "b" / folder), folder


def test_rebuild_with_nothing_changed_leaves_generated_files_untouched(tmp_path):
    assert _build(SMALL, tmp_path) == 0
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "content").rglob("*") if p.is_file()}
    assert _build(SMALL, tmp_path) == 0
    after = {p: p.stat().st_mtime_ns for p in (tmp_path / "content").rglob("*") if p.is_file()}
    assert before == after


def test_invalid_export_leaves_published_site_exactly_as_it_was(tmp_path, capsys):
    assert _build(MINIMAL, tmp_path) == 0
    published = tree_digest(tmp_path / "site")
    generated = tree_digest(tmp_path / "content")
    broken = tmp_path / "broken"
    shutil.copytree(MINIMAL, broken)
    (broken / "2021-11" / "projects.csv").write_bytes(b"\x00\x01garbage")
    assert _build(broken, tmp_path) == 1
    assert "未发布任何内容" in capsys.readouterr().err
    assert tree_digest(tmp_path / "site") == published
    assert tree_digest(tmp_path / "content") == generated


def test_failed_mkdocs_build_leaves_published_site(tmp_path, monkeypatch, capsys):
    assert _build(MINIMAL, tmp_path) == 0
    published = tree_digest(tmp_path / "site")
    from generator.publish import site

    def broken_mkdocs(content_dir, out_dir, *args, **kwargs):
        out_dir.mkdir(parents=True)
        (out_dir / "index.html").write_text("half a site")
        raise pipeline.BuildFailed("mkdocs 构建失败：磁盘已满")

    monkeypatch.setattr(site, "run_mkdocs", broken_mkdocs)
    assert _build(MINIMAL, tmp_path) == 1
    assert "磁盘已满" in capsys.readouterr().err
    assert tree_digest(tmp_path / "site") == published
    assert not site.staging_dir(tmp_path / "site").exists()


HOSTILE_NAME = "<script>alert(1)</script> *A* | B {{ 7*7 }}"


def test_hostile_project_name_shows_literally(tmp_path):
    assert _build(SMALL, tmp_path) == 0
    page = tmp_path / "site" / "p" / "BT-0002" / "index.html"
    html = page.read_text(encoding="utf-8")
    text = page_text(page)
    assert HOSTILE_NAME in text.title
    assert HOSTILE_NAME in "".join(text.parts)
    assert "<script>alert" not in html
    assert "49" not in "".join(text.parts).split("B ", 1)[1][:10]
    case = tmp_path / "site" / "cases" / "NMG-2021-11-15-01" / "index.html"
    case_html = case.read_text(encoding="utf-8")
    assert "<script>alert('x')" not in case_html
    assert 'href="javascript:' not in case_html
    assert "[坏链接](javascript:alert(1))" in "".join(page_text(case).parts)


def test_markdown_the_contract_allows_still_renders(tmp_path):
    assert _build(SMALL, tmp_path) == 0
    html = (tmp_path / "site" / "cases" / "BT-2021-10-08-01" / "index.html").read_text(encoding="utf-8")
    assert "<strong>BT-0001</strong>" in html
    assert "<li>收受财物折合人民币10万元；</li>" in html
    link = (tmp_path / "site" / "cases" / "BT-2021-10-08-02" / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/x" rel="nofollow noopener">通报</a>' in link


def test_project_page_shows_every_public_field(tmp_path):
    assert _build(SMALL, tmp_path) == 0
    page = tmp_path / "site" / "p" / "BT-0001" / "index.html"
    html = page.read_text(encoding="utf-8")
    text = "".join(page_text(page).parts)
    for shown in (
        "BT-0001",
        "包头市昆都仑区友谊大街改造工程",
        "昆都仑区",
        "基础设施",
        "在建",
        "包头市城市建设投资有限公司",
        "某某路桥集团有限公司",
        "某某监理有限公司",
        "包头市住房和城乡建设局",
        "张某某（副市长）",
        "12,500",
        "6,000",
        "5,200",
        "2021年4月2日",
        "2022年10月31日",
        "45%",
        "路面施工中",
        "改造道路3.2公里",
        "昆都仑区友谊大街",
        "0472-5123456",
        "2021年11月15日",
    ):
        assert shown in text, shown
    assert 'href="tel:04725123456"' in html
    assert "BT000101" in text and "BT000102" in text
    assert "../../assets/qr/BT000101.svg" in html
    # The case that names the project by its id links to it and back.
    assert "../../cases/BT-2021-10-08-01/" in html


def test_corrected_bulletin_keeps_earlier_text(tmp_path):
    assert _build(SMALL, tmp_path) == 0
    text = "".join(page_text(tmp_path / "site" / "bulletins" / "BT-2021-10-08" / "index.html").parts)
    assert "更正" in text
    assert "收受财物折合人民币10万元" in text and "收受财物折合人民币12万元" in text
    assert "2021年11月20日" in text and "2021年10月20日" in text


@pytest.mark.parametrize("argv", [[], ["build", "--frobnicate"], ["new"], ["frobnicate", "x"]])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(argv)
    assert stop.value.code == 2


def test_valid_export_exits_0_and_reports_encodings(capsys):
    assert cli.main(["validate", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "714 个项目、766 个二维码" in out
    assert "xlsx" in out


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def broken_internal_links(site: Path, pages: list[Path]) -> list[str]:
    from urllib.parse import unquote, urlsplit

    broken = []
    for page in pages:
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            path = unquote(parts.path)
            resolved = (site / path.lstrip("/") if path.startswith("/") else page.parent / path).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{page.relative_to(site)} → {target}")
    return broken


def test_every_internal_link_of_a_small_site_resolves(tmp_path):
    assert _build(SMALL, tmp_path) == 0
    site = tmp_path / "site"
    pages = sorted(site.rglob("*.html"))
    assert broken_internal_links(site, pages) == []
    html = (site / "projects" / "index.html").read_text(encoding="utf-8")
    assert 'href="../p/BT-0001/"' in html


def test_internal_links_of_the_sample_resolve(sample_build):
    site = sample_build.site_dir
    pages = sorted(site.rglob("*.html"))
    assert broken_internal_links(site, pages[::7]) == []


def test_an_internal_error_is_one_line_saying_what_to_report(tmp_path, monkeypatch, capsys):
    """A bug of ours (not bad input) must not show a staff member a traceback."""

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline.export, "render_content", broken)
    assert _build(SMALL, tmp_path) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("内部错误（ZeroDivisionError: division by zero）") and "维护者" in last
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()
