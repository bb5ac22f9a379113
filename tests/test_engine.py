"""The engine can be swapped: ProperDocs, the maintained MkDocs 1.x fork, builds the same pages (docs/engine.md).

The portal builds with mkdocs; here the very content/ it generated is built again with ProperDocs
(installed beside mkdocs by requirements-test.txt: it ships only the `properdocs` module), from
the exact configuration the portal builds with, with our Material theme and overrides. The pages
a citizen and a journalist reach must carry the same visible text and the same CSP meta tag.
ProperDocs runs in a process of its own: it aliases every `mkdocs` import to itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator import pipeline, settings
from generator.publish import site

from .conftest import SMALL

BASE_URL = "https://jd.example.org/"
SKIPPED = frozenset({"script", "style", "template"})


class _Page(HTMLParser):
    """A page's visible text (whitespace collapsed), its CSP meta tags as written, its generator meta."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.csp: list[str] = []  # the tags as written
        self.csp_content: list[str] = []
        self.generator: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skipping += 1
        if tag == "meta":
            named = {k.lower(): v or "" for k, v in attrs}
            if named.get("http-equiv", "").lower() == "content-security-policy":
                self.csp.append(self.get_starttag_text())
                self.csp_content.append(named.get("content", ""))
            if named.get("name") == "generator":
                self.generator.append(named.get("content", ""))

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _html_pages(site_dir: Path) -> set[str]:
    return {p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html")}


def _source_date_env(report: pipeline.BuildReport) -> dict[str, str]:
    """The environment run_mkdocs builds in: the data's date, never the clock's."""
    day = report.archive.newest.published
    epoch = int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
    return {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "NO_MKDOCS_2_WARNING": "1"}


def _build_with_properdocs(data_root: Path, work: Path) -> tuple[pipeline.BuildReport, Path, Path]:
    """The portal's build of `data_root`, then ProperDocs' CLI on its content/ with the dumped configuration."""
    report = pipeline.build(data_root, work / "site", work, base_url=BASE_URL)
    out = work / "properdocs-site"
    config = site.mkdocs_config(settings.load_settings(work, base_url=BASE_URL), out)
    config_file = work / "properdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--config-file", str(config_file)],
        capture_output=True,
        text=True,
        env=_source_date_env(report),
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return report, out, config_file


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    return _build_with_properdocs(SMALL, tmp_path_factory.mktemp("engine"))


def test_properdocs_is_a_module_of_its_own_beside_mkdocs():
    """Installed in the same venv, it leaves the `mkdocs` package the portal builds with alone."""
    import mkdocs
    import properdocs

    assert Path(mkdocs.__file__).parent.name == "mkdocs"
    assert Path(properdocs.__file__).parent.name == "properdocs"
    assert "mkdocs" not in {Path(p).name for p in properdocs.__path__}


def test_properdocs_builds_every_page_with_the_same_text_and_csp(both):
    report, out, _ = both
    mkdocs_pages, properdocs_pages = _html_pages(report.site_dir), _html_pages(out)
    assert mkdocs_pages == properdocs_pages
    reached = [
        "index.html",  # home page
        min(p for p in mkdocs_pages if p.startswith("p/")),  # a project page p/<id>/
        min(p for p in mkdocs_pages if p.startswith("Q/")),  # a code page Q/<code>/
        "bulletins/index.html",
        min(p for p in mkdocs_pages if p.startswith("bulletins/") and p != "bulletins/index.html"),
        min(p for p in mkdocs_pages if p.startswith("cases/")),
        "search/index.html",
        "lookup/index.html",
    ]
    assert set(reached) <= mkdocs_pages
    csp = settings.load_settings(report.site_dir.parent, base_url=BASE_URL).content_security_policy
    for rel in sorted(mkdocs_pages):
        ours, theirs = _page(report.site_dir / rel), _page(out / rel)
        # Each engine really ran: the theme names it in the generator meta tag, the one difference
        # (content/'s own HTML files, the q/ redirects, are copied as they are and name none).
        if ours.generator or rel in reached:
            assert [g.split(",")[0] for g in ours.generator] == ["mkdocs-1.6.1"], rel
            assert [g.split(",")[0] for g in theirs.generator] == ["mkdocs-ProperDocs 1.6.7"], rel
        else:
            assert not theirs.generator, rel
        assert theirs.text == ours.text, rel
        assert theirs.csp == ours.csp, rel
        if rel in reached:
            assert ours.text, rel
            assert ours.csp_content == [csp], rel


def test_properdocs_writes_the_same_sitemap(both):
    """The only date in the output is the data's, with either engine."""
    report, out, _ = both
    assert (out / "sitemap.xml").read_bytes() == (report.site_dir / "sitemap.xml").read_bytes()


def test_ids_named_like_site_files_need_the_data_page_plugin(tmp_path):
    """A project `README`: plain ProperDocs puts its page at p/README_/; run_mkdocs' plugin, under ProperDocs, fixes it.

    The portal adds two plugins in run_mkdocs: one frees each page's Markdown (memory only: the
    CLI build above lacks it and its pages are the same), one gives ids named `index`/`README`
    their id's URL. That one a ProperDocs build needs: run_mkdocs itself runs on ProperDocs
    once `properdocs.replacement` has aliased the `mkdocs` imports.
    """
    data_root = tmp_path / "data"
    shutil.copytree(SMALL, data_root)
    project_id = "BT-0001"
    for path in data_root.rglob("*"):
        if path.is_file():
            text = re.sub(re.escape(project_id), "README", path.read_text(encoding="utf-8"), flags=re.IGNORECASE)
            path.write_text(text, encoding="utf-8")
    report, out, _ = _build_with_properdocs(data_root, tmp_path / "work")
    assert (report.site_dir / "p/README/index.html").is_file()
    assert not (out / "p/README/index.html").exists()
    assert (out / "p/README_/index.html").is_file()

    aliased = tmp_path / "aliased-site"
    driver = (
        "import sys, datetime, pathlib\n"
        "import properdocs.replacement  # noqa: F401 - every mkdocs import from here on is ProperDocs\n"
        "from generator import settings\n"
        "from generator.publish import site\n"
        "work, out, day = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]\n"
        "config = settings.load_settings(work, base_url=sys.argv[4])\n"
        "site.run_mkdocs(config, out, datetime.date.fromisoformat(day))\n"
        "import mkdocs\n"
        "assert mkdocs.__name__ == 'properdocs', mkdocs.__name__\n"
    )
    day = report.archive.newest.published.isoformat()
    run = subprocess.run(
        [sys.executable, "-c", driver, str(tmp_path / "work"), str(aliased), day, BASE_URL],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert _html_pages(aliased) == _html_pages(report.site_dir)
    for rel in ("p/README/index.html", "index.html", "projects/index.html"):
        ours, theirs = _page(report.site_dir / rel), _page(aliased / rel)
        assert theirs.generator[0].startswith("mkdocs-ProperDocs 1.6.7"), rel
        assert theirs.text == ours.text, rel
        assert theirs.csp == ours.csp, rel
