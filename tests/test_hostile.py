"""A hostile export, built for real: nothing runs, nothing leaks, every payload shows as written.

tests/data/hostile/ (made by tools/make_hostile.py) carries markup, script, link schemes,
template and Markdown-extension syntax and Unicode tricks in every text field. After a
real build, every HTML, XML and JSON file is scanned (tests/site_scan.py), and headless
Chromium visits every page as a phone would.
"""

from __future__ import annotations

import csv
import functools
import http.server
import re
import sys
import threading
from pathlib import Path

import openpyxl
import pytest
import yaml

from generator.settings import load_settings
from generator import pipeline
from generator.contract.schema import PROGRESS, PROJECTS, QRCODES, WINDOWS

from .conftest import CHROMIUM_ARGS, REPO, TESTS
from .site_scan import scan_site

sys.path.insert(0, str(REPO / "tools"))
from make_hostile import (  # noqa: E402
    ALLOWED_MARKDOWN,
    LONG_DECIMALS,
    LONG_WORD,
    PAYLOADS,
    RESERVED_BULLETINS,
    RESERVED_CODES,
    RESERVED_PROJECT,
    write_data_root,
)

HOSTILE = TESTS / "data" / "hostile"
PHONE_WIDTH = 390


def visible(text: str) -> str:
    """Text as a reader sees it: runs of white space as one space, direction isolates dropped."""
    return " ".join(re.sub("[\u2066-\u2069]", "", text).split())


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile-build")
    report = pipeline.build(HOSTILE, work / "site", work, base_url="https://jd.example.org/")
    findings, pages = scan_site(report.site_dir)
    return report, findings, pages


def test_committed_data_root_is_what_the_generator_writes(tmp_path):
    write_data_root(tmp_path / "hostile")
    committed = sorted(p.relative_to(HOSTILE) for p in HOSTILE.rglob("*") if p.is_file())
    assert committed == sorted(
        p.relative_to(tmp_path / "hostile") for p in (tmp_path / "hostile").rglob("*") if p.is_file()
    )
    for rel in committed:
        assert (HOSTILE / rel).read_bytes() == (tmp_path / "hostile" / rel).read_bytes(), rel


def test_every_text_field_of_the_export_carries_a_payload():
    folder = HOSTILE / "2021-11"
    payloads = set(PAYLOADS.values())

    def carries(value: object) -> bool:
        return any(p in str(value) for p in payloads)

    with (folder / "projects.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(PAYLOADS) + 1  # and the project of a reserved id
    for column in PROJECTS.columns:
        if column.is_text:
            assert all(carries(row[column.header]) for row in rows), column.header
    with (folder / "windows.csv").open(encoding="utf-8", newline="") as handle:
        windows = list(csv.DictReader(handle))
    assert len(windows) == len(PAYLOADS)
    for column in WINDOWS.columns:
        if column.is_text:  # a window's name is cut at its limit of 60 characters
            cut = {p[:60] for p in payloads}
            assert all(carries(row[column.header]) or row[column.header] in cut for row in windows), column.header
    for name, spec in (("qrcodes.xlsx", QRCODES), ("progress.xlsx", PROGRESS)):
        sheet = openpyxl.load_workbook(folder / name).worksheets[0]
        header = [c.value for c in sheet[1]]
        for column in spec.columns:
            if column.is_text:
                index = header.index(column.header)
                assert all(carries(row[index]) for row in sheet.iter_rows(min_row=2, values_only=True))
    release = yaml.safe_load((folder / "release.yaml").read_text(encoding="utf-8"))
    assert carries(release["issuer"]) and all(p in release["notes"] for p in payloads)
    for path in sorted((folder / "bulletins").glob("*.yaml")):
        bulletin = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert all(carries(bulletin[k]) for k in ("title", "issuer", "region", "summary"))
        for case in bulletin["cases"]:
            keys = ("title", "person", "position", "region", "category", "disposition", "text")
            assert all(carries(case[k]) for k in keys)


def test_scan_finds_nothing_live_in_any_file(hostile_site):
    report, findings, pages = hostile_site
    site_pages = {p.relative_to(report.site_dir).as_posix() for p in report.site_dir.rglob("*.html")}
    assert site_pages <= set(pages) and len(site_pages) > report.pages  # every page, 404 and aliases too
    assert [str(f) for f in findings] == []


def test_scan_does_find_what_it_looks_for(tmp_path):
    """The scanner itself: each kind of live content in a page, a feed and an index is found."""
    (tmp_path / "a.html").write_text(
        '<script>alert(1)</script><script src="https://evil.example/x.js"></script>'
        '<img src=x onerror=alert(1)><a href=" java\tscript:alert(1)">x</a><iframe></iframe>'
        '<p style="color:red">x</p><a href="data:text/html,x">d</a>',
        encoding="utf-8",
    )
    (tmp_path / "feed.xml").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        '<title type="text">&lt;b&gt;plain text, shown as written&lt;/b&gt;</title>'
        '<content type="html">&lt;script&gt;alert(1)&lt;/script&gt;</content></entry></feed>'
    )
    (tmp_path / "index.json").write_text('{"docs": [{"text": "<a href=\\"vbscript:x\\">v</a>"}]}')
    findings = [str(f) for f in scan_site(tmp_path)[0]]
    assert len([f for f in findings if f.startswith("a.html")]) == 7, findings
    assert any(f.startswith("feed.xml") and "<script>" in f for f in findings)
    assert any(f.startswith("index.json") and "vbscript" in f for f in findings)


def test_no_file_of_the_build_machine_is_included(hostile_site):
    report = hostile_site[0]
    passwd = [line for line in Path("/etc/passwd").read_text().splitlines() if line.count(":") >= 6]
    assert passwd
    for path in report.site_dir.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".csv"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not any(line in text for line in passwd), path


def test_no_template_is_evaluated(hostile_site):
    report, _, pages = hostile_site
    for path in report.site_dir.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "111105" not in text, path  # {{ 12345*9 }}
            assert "'site_name'" not in text and "mkdocs_version" not in text, path  # {{ config }}
    template = visible(PAYLOADS["template"])
    for page in ("p/HOS-11/index.html", "Q/HOS11A/index.html", "releases/2021-11/index.html"):
        assert template in visible(pages[page].text), page


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_each_payload_shows_as_written_on_every_page_of_its_project_and_bulletin(hostile_site, name):
    _, _, pages = hostile_site
    index = list(PAYLOADS).index(name) + 1
    payload = visible(PAYLOADS[name])
    project = visible(pages[f"p/HOS-{index:02d}/index.html"].text)
    # name (heading, table, code caption), region, category, owner, contractor, supervisor,
    # department twice, leader twice, progress note, scope, location, label, progress report
    assert project.count(payload) >= 15
    assert payload in visible(pages[f"Q/HOS{index:02d}A/index.html"].text)
    assert visible(pages[f"p/HOS-{index:02d}/index.html"].title).startswith(payload)
    bulletin = visible(pages[f"bulletins/HOS-B-{index:02d}/index.html"].text)
    case = visible(pages[f"cases/HOS-B-{index:02d}-01/index.html"].text)
    assert visible(pages[f"bulletins/HOS-B-{index:02d}/index.html"].title).startswith(payload)
    # title, issuer, region, person, position, category, disposition, case title, citation
    assert case.count(payload) >= 9
    assert bulletin.count(payload) >= 6
    if not set("*_\\") & set(PAYLOADS[name]):  # emphasis and escapes are Markdown that is allowed
        assert case.count(payload) >= 10, "the case text shows the payload as written"
        assert bulletin.count(payload) >= 8, "summary and case text show the payload as written"
    for page in (project, bulletin, case):
        assert visible(LONG_WORD) in page
    assert payload in visible(pages["releases/2021-11/index.html"].text)
    # A service window: hall and number (glance and table), department twice, region, promise,
    # hours, address, and its code's label on the code's page.
    window = visible(pages[f"w/HOSW-{index:02d}/index.html"].text)
    assert window.count(payload) >= 8
    assert payload in visible(pages[f"Q/HOS{index:02d}W/index.html"].text)


def test_ids_named_like_the_sites_own_files_have_their_pages(hostile_site):
    _, _, pages = hostile_site
    formula = visible(PAYLOADS["formula"])
    expected = [f"p/{RESERVED_PROJECT}/index.html"] + [f"Q/{code}/index.html" for code in RESERVED_CODES]
    expected += [f"bulletins/{b}/index.html" for b, _ in RESERVED_BULLETINS]
    expected += [f"cases/{c}/index.html" for _, c in RESERVED_BULLETINS]
    for rel_path in expected:
        assert formula in visible(pages[rel_path].text), rel_path
    assert visible(pages["bulletins/index.html"].title).startswith("典型案例通报")


def test_long_decimals_and_formula_text_in_the_downloads(hostile_site):
    import json
    from decimal import Decimal

    data = hostile_site[0].site_dir / "data"
    projects = json.loads((data / "projects.json").read_text(encoding="utf-8"), parse_float=Decimal)["projects"]
    readme = next(p for p in projects if p["project_id"] == RESERVED_PROJECT)
    assert [readme["longitude"], readme["latitude"]] == [Decimal(d) for d in LONG_DECIMALS]
    assert readme["name"] == PAYLOADS["formula"]
    rows = list(csv.DictReader((data / "projects.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert next(r for r in rows if r["project_id"] == RESERVED_PROJECT)["name"] == "'" + PAYLOADS["formula"]


def test_allowed_markdown_still_renders(hostile_site):
    report = hostile_site[0]
    html = (report.site_dir / "bulletins" / "HOS-B-01" / "index.html").read_text(encoding="utf-8")
    assert html.count("<strong>加粗文字</strong>") == 2 and html.count("<em>强调文字</em>") == 2
    assert html.count("<li>列表第一项</li>") == 2 and html.count("<li>有序第一项</li>") == 2
    assert html.count('<a href="https://example.org/allowed-link" rel="nofollow noopener">官方网站</a>') == 2
    assert "允许的格式" in ALLOWED_MARKDOWN


def test_every_page_carries_the_configured_content_security_policy(hostile_site):
    _, _, pages = hostile_site
    policy = load_settings(REPO).content_security_policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy and "wasm" not in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert script_src == ["'self'"]  # scripts only from files of the site
    for rel_path, page in pages.items():
        assert page.csp == [policy], rel_path


# The browser -------------------------------------------------------------------------------

_WATCH_CSP = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


@pytest.fixture(scope="module")
def served_site(hostile_site):
    handler = functools.partial(_QuietHandler, directory=str(hostile_site[0].site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the standard library's name
        pass


def test_chromium_on_a_phone_sees_every_payload_and_nothing_runs(hostile_site, served_site):
    from playwright.sync_api import sync_playwright

    _, _, pages = hostile_site
    payloads = {name: visible(text) for name, text in PAYLOADS.items()}
    problems: list[str] = []
    visited = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, is_mobile=True)
        context.add_init_script(_WATCH_CSP)
        page = context.new_page()
        current = {"url": ""}
        page.on("dialog", lambda d: (problems.append(f"{current['url']}: dialog {d.message!r}"), d.dismiss()))
        page.on(
            "console",
            lambda m: m.type in ("error", "warning")
            and problems.append(f"{current['url']}: console {m.type} {m.text}"),
        )
        page.on("pageerror", lambda e: problems.append(f"{current['url']}: page error {e}"))
        # A favicon still loading when the next page is opened is aborted: not a failure.
        page.on(
            "requestfailed",
            lambda r: r.failure != "net::ERR_ABORTED"
            and problems.append(f"{current['url']}: request failed {r.url} {r.failure}"),
        )
        for rel_path in sorted(pages):
            if rel_path == "404.html" or rel_path.startswith("q/"):
                continue  # q/: lowercase aliases refresh to their Q/ page, which is visited itself
            url = served_site + rel_path.removesuffix("index.html")
            current["url"] = rel_path
            page.goto(url, wait_until="load")
            page.wait_for_timeout(30)  # let the page's own scripts run
            visited += 1
            state = page.evaluate(
                """() => ({violations: window.__violations,
                          overflow: document.documentElement.scrollWidth - %d,
                          text: document.body.innerText, title: document.title})"""
                % PHONE_WIDTH  # a phone widens its layout viewport to fit wide content: compare with the screen
            )
            problems += [f"{rel_path}: CSP violation {v}" for v in state["violations"]]
            if state["overflow"] > 0:
                problems.append(f"{rel_path}: {state['overflow']} px wider than a {PHONE_WIDTH} px phone")
            match = re.fullmatch(r"(p|cases|bulletins)/HOS-(?:B-)?(\d\d)(?:-01)?/index.html", rel_path)
            if match:
                payload = list(payloads.values())[int(match.group(2)) - 1]
                if payload not in visible(state["text"]):
                    problems.append(f"{rel_path}: payload not visible")
                if not visible(state["title"]).startswith(payload):
                    problems.append(f"{rel_path}: payload not the title: {state['title']!r}")
        browser.close()
    assert visited == len([p for p in pages if p != "404.html" and not p.startswith("q/")])
    assert problems == []


def test_search_results_show_hostile_text_as_text(hostile_site, served_site):
    """The search page builds its results from the index with text nodes: every element in them is one
    the script makes itself, and each payload a result shows reads as written."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context()
        context.add_init_script(_WATCH_CSP)
        page = context.new_page()
        page.on("dialog", lambda d: (problems.append(f"dialog {d.message!r}"), d.dismiss()))
        page.on("pageerror", lambda e: problems.append(f"page error {e}"))
        page.goto(served_site + "search/?q=alert")
        page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)
        while page.locator(".sr-more").count():
            shown = page.locator(".sr-result").count()
            page.click(".sr-more")
            page.wait_for_selector(f".sr-result >> nth={shown}")
        state = page.evaluate(
            """() => ({violations: window.__violations, results: document.querySelectorAll('.sr-result').length,
                       tags: [...new Set([...document.querySelectorAll('#portal-search-results *')].map(e => e.localName))],
                       text: document.getElementById('portal-search-results').innerText})"""
        )
        browser.close()
    assert problems == [] and state["violations"] == []
    assert state["results"] >= len(PAYLOADS)  # every hostile record holds "alert"
    assert set(state["tags"]) <= {"section", "h2", "ol", "li", "a", "p", "span", "mark", "button"}, state["tags"]
    assert 'alert("xss-script")' in state["text"] and "<script>" in state["text"]
