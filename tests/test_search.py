"""Search in headless Chromium on the built sample: unspaced Chinese queries find the right case first,
and no page but the search page loads any search bytes."""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import sync_playwright

from generator.facets import case_entries

from .conftest import CHROMIUM_ARGS


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def served(sample_build):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(sample_build.site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _search(browser, base: str, query: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(kind, href) of every result shown, in order, and the URLs the page requested."""
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base}/search/")
    page.fill("#portal-search-query", query)
    page.press("#portal-search-query", "Enter")
    # A selector wait, not a predicate: the page's CSP (rightly) forbids the eval a predicate needs.
    page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)
    results = page.eval_on_selector_all(
        ".sr-group li a", "links => links.map(a => [a.closest('.sr-group').dataset.kind, a.getAttribute('href')])"
    )
    page.close()
    return [tuple(r) for r in results], requested


def _unique_in_cases(entries, text_of) -> list:
    """Entries whose value (from text_of) appears in the text of exactly one case."""
    blobs = [f"{e.case.title}\n{e.case.position}\n{e.case.text}" for e in entries]
    found = []
    for entry in entries:
        value = text_of(entry)
        if value and sum(value in blob for blob in blobs) == 1:
            found.append(entry)
    return found


def test_unspaced_person_name_finds_the_case_first(sample_build, served, browser):
    entries = case_entries(sample_build.archive)
    entry = _unique_in_cases(entries, lambda e: e.case.person)[0]
    results, _ = _search(browser, served, entry.case.person)
    assert results[0] == ("案例", f"/cases/{entry.case_id}/"), (entry.case.person, results[:3])


def test_unspaced_unit_name_finds_the_case_first(sample_build, served, browser):
    entries = case_entries(sample_build.archive)
    # The unit is the position without the post: 东河区某某街道办事处原主任 → 东河区某某街道办事处.
    unit = lambda e: e.case.position.split("原", 1)[0] if "原" in e.case.position else ""  # noqa: E731
    entry = _unique_in_cases(entries, lambda e: unit(e) if len(unit(e)) >= 8 else "")[0]
    results, _ = _search(browser, served, unit(entry))
    assert results[0] == ("案例", f"/cases/{entry.case_id}/"), (unit(entry), results[:3])


def test_unspaced_category_finds_a_case_of_that_category_first(sample_build, served, browser):
    entries = case_entries(sample_build.archive)
    category = "违规收受礼金"
    expected = {f"/cases/{e.case_id}/" for e in entries if e.case.category == category}
    assert expected
    results, _ = _search(browser, served, category)
    assert results[0][0] == "案例" and results[0][1] in expected, results[:3]
    cases_shown = [href for kind, href in results if kind == "案例"]
    assert len(cases_shown) >= 5 and set(cases_shown[:5]) <= expected


def test_search_page_fetches_the_index_only_when_asked(served, browser):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{served}/search/")
    page.wait_for_load_state("networkidle")
    page.close()
    assert any(url.endswith("/assets/javascripts/search.js") for url in requested)
    assert not [url for url in requested if "/pagefind/" in url]


@pytest.mark.parametrize("path", ["/p/BT-0038/", "/Q/BT003801/", "/", "/cases/BT-2021-10-29-2-02/"])
def test_other_pages_make_no_search_request(sample_build, served, browser, path):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{served}{path}")
    assert response.ok
    page.wait_for_load_state("networkidle")
    page.close()
    search_bytes = [url for url in requested if re.search(r"/pagefind/|search\.js|search_index|lunr|worker", url)]
    assert search_bytes == []
    assert Counter(url.split("?")[0] for url in requested)  # the page did load


def test_search_index_is_byte_stable(sample_build, tmp_path):
    """Pagefind is run twice on the same pages: the index must come out byte for byte the same."""
    import shutil

    from generator.search import build_index

    from .test_build import tree_digest

    digests = []
    for name in ("a", "b"):
        site = tmp_path / name
        shutil.copytree(sample_build.site_dir, site, ignore=shutil.ignore_patterns("pagefind"))
        build_index(site)
        digests.append(tree_digest(site / "pagefind"))
    assert digests[0] == digests[1] == tree_digest(sample_build.site_dir / "pagefind")


def test_every_page_that_asks_to_be_indexed_is_within_the_indexed_folders(sample_build):
    from generator import search

    folders = set(search.INDEXED_PAGES.split("/")[0].strip("{}").split(","))
    site = sample_build.site_dir
    asking = {
        p.relative_to(site).parts[0]
        for p in site.rglob("*.html")
        if "data-pagefind-body" in p.read_text(encoding="utf-8")
    }
    assert asking == folders
