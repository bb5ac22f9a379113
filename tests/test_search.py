"""Search in headless Chromium on the built sample: unspaced Chinese queries find the right case first,
and no page but the search page loads any search bytes."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import sync_playwright

from generator.render.facets import case_entries

from .conftest import CHROMIUM_ARGS, SMALL


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
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"error: {error}"))
    page.goto(f"{base}/search/")
    page.fill("#portal-search-query", query)
    page.press("#portal-search-query", "Enter")
    # A selector wait, not a predicate: the page's CSP (rightly) forbids the eval a predicate needs.
    try:
        page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)
    except Exception as exc:
        status = page.text_content("#portal-search-status")
        raise AssertionError(f"search for {query!r} did not finish: {status!r}; console: {console}") from exc
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


def _fragments(bundle) -> set[str]:
    """Pagefind names each page's fragment by the hash of what it indexed of that page."""
    return {path.name for path in (bundle / "fragment").iterdir()}


def _pagefind_on_published_pages(site, out) -> set[str]:
    """What Pagefind's own CLI indexes of the published pages: every page that marks its article."""
    from generator.publish.search import pagefind_executable

    command = [str(pagefind_executable()), "--site", str(site), "--output-path", str(out), "--force-language", "zh"]
    subprocess.run([*command, "--silent"], check=True, timeout=300)
    return _fragments(out)


def test_the_streamed_index_holds_exactly_what_the_published_pages_mark(sample_build, tmp_path):
    """The index is made from each article while mkdocs converts it, not from the written pages: it
    must hold the same pages with the same text as Pagefind reading the published site itself."""
    site = sample_build.site_dir
    bundles = [path for path in site.iterdir() if re.fullmatch(r"pagefind(-\d+)?", path.name)]
    streamed = set().union(*(_fragments(bundle) for bundle in bundles))
    assert streamed == _pagefind_on_published_pages(site, tmp_path / "cli")
    kinds = Counter(
        path.relative_to(site).parts[0]
        for path in site.rglob("*.html")
        if "data-pagefind-body" in path.read_text(encoding="utf-8")
    )
    assert set(kinds) == {"p", "w", "windows", "bulletins", "cases"}  # windows/: the halls


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """The small data root built with bundles of at most 4 pages, served."""
    from generator import pipeline

    work = tmp_path_factory.mktemp("sharded")
    (work / "mkdocs.yml").write_text("extra:\n  search_shard_pages: 4\n", encoding="utf-8")  # the folder's setting
    pipeline.build(SMALL, work / "site", work, base_url="https://jd.example.org/")
    site = work / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_pages_are_split_into_bundles_that_together_hold_every_page(sharded, tmp_path):
    site, _ = sharded
    named = re.search(
        r'<meta name="portal-search-bundles" content="([^"]*)">',
        (site / "search" / "index.html").read_text(encoding="utf-8"),
    )
    bundles = named.group(1).split()
    assert (
        len(bundles) >= 3
        and bundles[0] == "pagefind"
        and bundles[1:] == [f"pagefind-{n}" for n in range(2, len(bundles) + 1)]
    )
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind")) == sorted(bundles)
    for name in bundles:  # every bundle whole: its entry readable, no file left empty
        assert json.loads((site / name / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
        assert all(path.stat().st_size > 0 for path in (site / name).rglob("*") if path.is_file())
    parts = [_fragments(site / name) for name in bundles]
    assert all(0 < len(part) <= 4 for part in parts)
    assert sum(len(part) for part in parts) == len(set().union(*parts))  # no page in two bundles
    assert set().union(*parts) == _pagefind_on_published_pages(site, tmp_path / "cli")


def test_search_merges_the_bundles(sharded, browser):
    """A project page indexed in the last bundle is found from the search page, which loads every bundle."""
    site, served = sharded
    last = sorted((site / "p").iterdir())[-1]
    name = re.search(r"<h1[^>]*>(.*?)</h1>", (last / "index.html").read_text(encoding="utf-8"), re.S).group(1).strip()
    results, requested = _search(browser, served, name)
    assert ("项目", f"/p/{last.name}/") in results[:3], (name, results[:5])
    loaded = {m.group(1) for url in requested if (m := re.search(r"/(pagefind(?:-\d+)?)/pagefind-entry\.json", url))}
    assert loaded == {p.name for p in site.iterdir() if p.name.startswith("pagefind")}
