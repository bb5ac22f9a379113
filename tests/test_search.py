"""Search in headless Chromium on the built sample: every generated query finds exactly the pages the
rule of issue #14 names, in the expected order; the page shows them all, marked; filters combine;
no page but the search page loads any search bytes."""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import opencc
import pytest
from playwright.sync_api import sync_playwright

from generator.render.facets import case_entries, disposition_kinds

from .conftest import CHROMIUM_ARGS
from .search_queries import KIND_ORDER, make_queries, matches, pages_of

PHONE = {"width": 390, "height": 844}


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


# Every query through the page's own engine module, in one evaluate: (document, pieces) of each result in order.
RUN_ALL = """async (queries) => {
  const { SearchEngine } = await import(new URL("../assets/javascripts/search-engine.js", location.href).href);
  const form = document.getElementById("portal-search");
  const engine = new SearchEngine(new URL(form.dataset.index, location.href).href, Number(form.dataset.shards),
    form.dataset.kinds.split(" ").map(Number));
  const found = [];
  for (const query of queries) found.push((await engine.search(query)).results.map((r) => [r.document, r.pieces.length]));
  return found;
}"""


def _document_urls(site) -> dict[int, str]:
    """Each document's page, from the index's own fragments as built (d/<number>.json)."""
    (folder,) = (site / "search-index").iterdir()
    return {
        int(path.stem): "/" + json.loads(path.read_text(encoding="utf-8"))["u"] for path in (folder / "d").iterdir()
    }


def test_every_generated_query_finds_exactly_the_pages_the_rule_names(sample_build, served, browser):
    archive = sample_build.archive
    queries = make_queries(archive)
    assert len(queries) >= 200
    pages = pages_of(archive)
    kind_of = {page.url: page.kind for page in pages}
    simplified = opencc.OpenCC("t2s")
    page = browser.new_page()
    page.goto(f"{served}/search/")
    found = page.evaluate(RUN_ALL, [q.text for q in queries])
    page.close()
    url_of = _document_urls(sample_build.site_dir)
    answers = [[(url_of[document], count) for document, count in results] for results in found]
    failures = []
    first_named = 0
    for query, results in zip(queries, answers):
        expected = matches(query.text, pages, simplified)
        got = {url: count for url, count in results}
        order = [(KIND_ORDER.index(kind_of[url]), count) for url, count in results]
        exact_cases = [url for url, count in expected.items() if count == 1 and kind_of[url] == "案例"]
        problems = []
        if query.target not in got:
            problems.append(f"misses {query.target}")
        if got != expected:
            problems.append(f"{len(set(expected) - set(got))} missing, {len(set(got) - set(expected))} extra")
        if order != sorted(order):
            problems.append("not cases first, then fewest pieces")
        if len(exact_cases) == 1:
            first_named += 1
            if results[0][0] != exact_cases[0]:
                problems.append(f"the one case naming it, {exact_cases[0]}, is not first")
        if problems:
            failures.append(f"{query.family} {query.text!r}: {'; '.join(problems)}")
    families = Counter(q.family for q in queries)
    assert not failures, f"{len(failures)} of {len(queries)} queries ({dict(families)}):\n" + "\n".join(failures[:30])
    assert first_named >= 40  # enough queries name exactly one case to test that rule
    assert len(families) >= 15


def _facet_labels(site, name: str) -> list[str]:
    """A filter's labels in the order of the search page's options."""
    (folder,) = (site / "search-index").iterdir()
    return json.loads((folder / "facets.json").read_text(encoding="utf-8"))[name]


def _facet_keys(site, name: str) -> list[str]:
    """A filter's option values (the facet slugs), in the order of its labels."""
    (folder,) = (site / "search-index").iterdir()
    return json.loads((folder / "facets.json").read_text(encoding="utf-8"))["keys"][name]


def _submit(page, query: str) -> None:
    page.fill("#portal-search-query", query)
    page.press("#portal-search-query", "Enter")
    # A selector wait, not a predicate: the page's CSP (rightly) forbids the eval a predicate needs.
    page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)


def _results(page) -> list[tuple[str, str]]:
    return [
        tuple(r)
        for r in page.eval_on_selector_all(
            ".sr-group li a", "links => links.map(a => [a.closest('.sr-group').dataset.kind, a.getAttribute('href')])"
        )
    ]


def test_joined_region_and_name_shows_the_case_first_with_marks_and_an_excerpt_from_its_text(
    sample_build, served, browser
):
    entries = case_entries(sample_build.archive)
    entry = next(e for e in entries if e.case.region == "土默特右旗" and e.case.person)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{served}/search/")
    _submit(page, f"{entry.case.region}{entry.case.person}")
    assert _results(page)[0] == ("案例", f"/cases/{entry.case_id}/")
    first = page.locator(".sr-result").first
    assert entry.case.person in first.locator("mark").all_text_contents()
    excerpt = first.locator(".sr-excerpt").text_content()
    assert entry.case.person in excerpt and not excerpt.startswith(("项目", "内容", "案例编号"))
    assert "q=" in page.url and quote(entry.case.region) in page.url  # the search is in the URL
    page.close()
    assert errors == []


def test_every_result_is_reachable_with_more_on_request(sample_build, served, browser):
    query = "自然资源局"
    expected = matches(query, pages_of(sample_build.archive), opencc.OpenCC("t2s"))
    assert len(expected) > 10
    page = browser.new_page()
    page.goto(f"{served}/search/?q={quote(query)}")
    page.wait_for_selector("#portal-search-status:text-matches('^找到')", timeout=30_000)
    assert len(_results(page)) == 8
    while page.locator(".sr-more").count():
        shown = len(_results(page))
        page.click(".sr-more")
        page.wait_for_selector(f".sr-result >> nth={min(shown + 7, len(expected) - 1)}")
    assert {href for _, href in _results(page)} == set(expected)
    page.close()


def test_filters_combine_with_each_other_and_with_a_query_and_live_in_the_url(sample_build, served, browser):
    entries = case_entries(sample_build.archive)
    region = Counter(e.case.region for e in entries).most_common(1)[0][0]
    kind = Counter(k for e in entries if e.case.region == region for k, _ in disposition_kinds(e.case.disposition))
    kind_label = kind.most_common(1)[0][0]

    def allowed(e) -> bool:
        month = f"{e.record.bulletin.published:%Y-%m}"
        labels = [label for label, _ in disposition_kinds(e.case.disposition)]
        return e.case.region == region and kind_label in labels and "2021-01" <= month <= "2021-11"

    expected = [f"/cases/{e.case_id}/" for e in entries if allowed(e)]
    assert 0 < len(expected) < len(entries)
    page = browser.new_page()
    regions, kinds = _facet_labels(sample_build.site_dir, "region"), _facet_labels(sample_build.site_dir, "kind")
    # The options' values: the facet slugs, the same as in the facet pages' own addresses.
    region_value = _facet_keys(sample_build.site_dir, "region")[regions.index(region)]
    kind_value = _facet_keys(sample_build.site_dir, "kind")[kinds.index(kind_label)]
    address = f"{served}/search/?region={region_value}&kind={kind_value}&from=2021-01&to=2021-11"
    page.goto(address)
    page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)
    while page.locator(".sr-more").count():
        shown = len(_results(page))
        page.click(".sr-more")
        page.wait_for_selector(f".sr-result >> nth={min(shown + 7, len(expected) - 1)}")
    assert [href for _, href in _results(page)] == expected  # newest first, as the archive lists them
    assert page.locator("#portal-search-filters[open]").count() == 1
    page.select_option("select[name=sort]", "oldest")  # the same cases, oldest first
    assert len(expected) > 1
    page.wait_for_selector(f".sr-group ol > li:first-child > a[href='{expected[-1]}']")
    while page.locator(".sr-more").count():
        shown = len(_results(page))
        page.click(".sr-more")
        page.wait_for_selector(f".sr-result >> nth={min(shown + 7, len(expected) - 1)}")
    assert [href for _, href in _results(page)] == expected[::-1] and "sort=oldest" in page.url
    # With a query too: only the cases above that match it.
    person = next(e.case.person for e in entries if allowed(e) and e.case.person)
    _submit(page, person)
    got = [href for _, href in _results(page)]
    assert got and set(got) <= set(expected)
    assert f"region={region_value}" in page.url and "q=" in page.url
    page.close()


def test_traditional_characters_find_their_simplified_text(served, browser):
    page = browser.new_page()
    page.goto(f"{served}/search/")
    _submit(page, "鄂爾多斯")
    simplified_first = _results(page)
    _submit(page, "鄂尔多斯")
    assert simplified_first and simplified_first == _results(page)
    page.close()


def test_search_box_is_visible_and_tappable_on_a_phone(served, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{served}/search/")
    for selector in ("#portal-search-query", "#portal-search .sr-submit"):
        box = page.locator(selector).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (selector, box)
        assert box["y"] + box["height"] <= PHONE["height"], (selector, box)  # on the first screen
    style = page.eval_on_selector(
        "#portal-search-query",
        "e => { const s = getComputedStyle(e); return [s.borderTopWidth, s.fontSize, s.borderTopColor] }",
    )
    assert float(style[0].removesuffix("px")) >= 1 and float(style[1].removesuffix("px")) >= 16
    page.close()


def test_search_page_fetches_the_index_only_when_asked(served, browser):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{served}/search/")
    page.wait_for_load_state("networkidle")
    assert any(url.endswith("/assets/javascripts/search.js") for url in requested)
    assert not [url for url in requested if "/search-index/" in url]
    _submit(page, "违规收受礼金")
    shards = [url for url in requested if re.search(r"/search-index/[0-9a-f]{12}/s/\d+\.json$", url)]
    assert 0 < len(shards) <= 5  # five pairs of characters: at most five shards
    page.close()


@pytest.mark.parametrize("path", ["/p/BT-0038/", "/Q/BT003801/", "/", "/cases/BT-2021-10-29-2-02/"])
def test_other_pages_make_no_search_request(sample_build, served, browser, path):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{served}{path}")
    assert response.ok
    page.wait_for_load_state("networkidle")
    page.close()
    search_bytes = [url for url in requested if re.search(r"/search-index/|search(-engine)?\.js|lunr|worker", url)]
    assert search_bytes == []
    assert Counter(url.split("?")[0] for url in requested)  # the page did load


def test_a_build_removes_the_pagefind_cache_of_earlier_versions(tmp_path):
    from generator import pipeline
    from generator.settings import load_settings

    from .conftest import SMALL

    retired = load_settings(tmp_path).cache_dir / "pagefind" / "0123abcd"
    retired.mkdir(parents=True)
    (retired / "pagefind.js").write_text("old bundle", encoding="utf-8")
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url="https://jd.example.org/")
    assert not retired.parent.exists()
    assert list((tmp_path / "site" / "search-index").iterdir())  # the index of this version instead


def test_search_page_with_results_and_filters_has_no_serious_accessibility_violation(served, browser):
    from .conftest import TESTS

    axe = TESTS / "js" / "node_modules" / "axe-core" / "axe.min.js"
    assert axe.is_file(), "run `npm ci --prefix tests/js` (make test does)"
    # The page's CSP rightly refuses injected scripts; axe is the test's own, so let it in.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{served}/search/?q={quote('东河区')}&from=2020-01")
    page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)
    page.add_script_tag(path=str(axe))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert serious == []
