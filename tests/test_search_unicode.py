"""Search beyond the BMP and beyond either side's Unicode tables, and filters whose labels the page's
markup changes: a tmp copy of tests/data/small with a person named 𠮷某平 (CJK Extension B, two
UTF-16 code units), a region holding right-to-left text and a category holding two spaces, built for
real and searched in headless Chromium through the search page (docs/search.md)."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from playwright.sync_api import sync_playwright

from generator import pipeline
from generator.render.facets import case_entries, disposition_kinds
from generator.render.search_index import normalised
from generator.validate.lookalikes import facet_key

from .conftest import CHROMIUM_ARGS, REPO, SMALL

NAME = "\U00020bb7某平"  # 𠮷某平
RTL_REGION = "达尔罕茂明安联合旗 שלום"
SPACED_CATEGORY = "违规收受  礼金"
CASE = "/cases/NMG-2021-11-15-01/"
# A title as copied out of a PDF: ⻓ (U+2ED3, CJK Radicals Supplement) where 长 is meant.
RADICAL_CASE = "/cases/BT-2021-10-08-01/"


def test_normalised_keeps_ideographs_its_unicode_tables_may_not_know():
    # U+2EBF0: CJK Extension I (Unicode 15.1), unassigned (Cn) to Python 3.11; U+3400: Extension A.
    assert normalised("\U0002ebf0\u3400") == ("\U0002ebf0\u3400", [0, 1])
    assert normalised("甲\U00031350、\U0002ebf0乙") == ("甲\U00031350\U0002ebf0乙", [0, 1, 3, 4])  # Ext. H
    assert normalised(f"{NAME}：") == (NAME, [0, 1, 2])  # positions in code points
    assert normalised("\U000e0001 \ufff0") == ("", [])  # not ideographs: still dropped


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def unicode_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("search-unicode")
    root = work / "data"
    shutil.copytree(SMALL, root)
    bulletin = root / "2021-11" / "bulletins" / "NMG-2021-11-15.yaml"
    text = bulletin.read_text(encoding="utf-8").replace("赵某平", NAME)
    text = text.replace("region: 达尔罕茂明安联合旗", f'region: "{RTL_REGION}"')
    text = text.replace("category: 违规收受礼金", f'category: "{SPACED_CATEGORY}"')
    bulletin.write_text(text, encoding="utf-8")
    other = root / "2021-11" / "bulletins" / "BT-2021-10-08.yaml"
    other.write_text(other.read_text(encoding="utf-8").replace("原副局长", "原副局\u2ed3"), encoding="utf-8")
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    report = pipeline.build(root, work / "site", work, base_url="https://jd.example.org/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(report.site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield report, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium.new_page()
        chromium.close()


def _wait(page) -> None:
    page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=30_000)


def _hrefs(page) -> list[str]:
    return page.eval_on_selector_all(".sr-group li a", "links => links.map(a => a.getAttribute('href'))")


def test_the_data_holds_what_the_tests_below_search(unicode_site):
    report, _ = unicode_site
    case = next(e.case for e in case_entries(report.archive) if e.case_id == CASE.split("/")[2])
    assert case.person == NAME and facet_key(case.region) == RTL_REGION and case.category == SPACED_CATEGORY


@pytest.mark.parametrize("query", [NAME, f"{NAME}违规", "𠮷某 平", "旗原副旗长𠮷某"])
def test_a_query_outside_the_bmp_finds_its_case_marked_on_its_characters(unicode_site, page, query):
    _, served = unicode_site
    page.goto(f"{served}/search/?q={quote(query)}")
    _wait(page)
    assert _hrefs(page)[:1] == [CASE], page.inner_text("#portal-search-status")
    title = page.locator(f".sr-group li a[href='{CASE}']")
    marks = title.locator("mark").all_inner_texts()
    wanted = "".join(ch for ch in query if ch != " ")
    assert "".join(marks) == wanted, marks  # the whole query marked, no character more or less
    assert NAME in title.inner_text()


@pytest.mark.parametrize(
    ("query", "case", "marked"),
    [("副旗\u2ed3", CASE, "副旗长"), ("原副局长李某华", RADICAL_CASE, "原副局\u2ed3李某华")],
    ids=["radical-in-the-query", "radical-in-the-text"],
)
def test_a_radical_finds_the_ideograph_it_stands_for(unicode_site, page, query, case, marked):
    _, served = unicode_site
    page.goto(f"{served}/search/?q={quote(query)}")
    _wait(page)
    assert _hrefs(page)[:1] == [case], page.inner_text("#portal-search-status")
    marks = page.locator(f".sr-group li a[href='{case}'] mark").all_inner_texts()
    assert "".join(marks) == marked  # the characters as written, radical or not


def test_the_browser_normalises_as_python_does(unicode_site, page):
    _, served = unicode_site
    page.goto(f"{served}/search/")
    samples = [
        f"{NAME}：BT-0038",
        "\U0002ebf0\u3400\U00031350、\U0002a6d6",
        "ＢＴ００３８ 鄂爾多斯",
        "\U000e0001\ufff0x",
    ]
    got = page.evaluate(
        """async (samples) => {
      const { normalise } = await import(new URL("../assets/javascripts/search-engine.js", location.href).href);
      return samples.map((s) => { const n = normalise(s, new Map()); return [n.chars, n.origin]; });
    }""",
        samples,
    )
    for sample, (chars, origin) in zip(samples, got):
        text, points = normalised(sample)
        assert chars == list(text), sample  # the same characters, one code point each
        # Python counts code points, the browser UTF-16 offsets (for marks): the same characters.
        units = [len(sample[:at].encode("utf-16-le")) // 2 for at in points]
        assert origin == [*units, len(sample.encode("utf-16-le")) // 2], sample


def _options(page, name: str) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        f"select[name={name}] option", "options => options.map((o) => [o.value, o.textContent])"
    )


@pytest.mark.parametrize("name", ["region", "category", "kind"])
def test_every_filter_option_lists_exactly_its_cases(unicode_site, page, name):
    report, served = unicode_site
    (folder,) = (report.site_dir / "search-index").iterdir()
    index = json.loads((folder / "facets.json").read_text(encoding="utf-8"))
    labels, keys = index[name], index["keys"][name]
    page.goto(f"{served}/search/")
    page.click("#portal-search-filters summary")  # the filters are folded away until asked for
    options = _options(page, name)[1:]  # the first: every value
    assert [value for value, _ in options] == list(keys)  # each option's value: its facet slug
    assert all(re.fullmatch("[a-z0-9-]+", key) for key in keys)
    if name != "kind":
        spelled = RTL_REGION if name == "region" else SPACED_CATEGORY
        assert spelled in labels  # the hostile spelling is one of the labels searched below
    entries = case_entries(report.archive)
    for value, shown in options:
        label = labels[keys.index(value)]
        assert re.sub("[\u2066-\u2069]", "", shown).split() == label.split()  # the option shows its label
        if name == "kind":
            expected = [e for e in entries if label in [k for k, _ in disposition_kinds(e.case.disposition)]]
        else:
            expected = [e for e in entries if facet_key(getattr(e.case, name)) == label]
        page.select_option(f"select[name={name}]", value)  # the page submits itself on a change
        page.wait_for_url(re.compile(rf"[?&]{name}={value}(&|$)"))
        _wait(page)
        got = _hrefs(page)
        assert expected and sorted(got) == sorted(f"/cases/{e.case_id}/" for e in expected), (label, got)
    # The address of a filter is the option's value, and it loads the same list.
    page.goto(f"{served}/search/?{name}={keys[-1]}")
    _wait(page)
    assert page.locator(f"select[name={name}]").input_value() == keys[-1]
    assert _hrefs(page)
    page.goto(f"{served}/search/?{name}=0")  # no such slug: no such option, no filter
    page.wait_for_timeout(300)
    assert page.locator(f"select[name={name}]").input_value() == ""


def test_each_facet_page_leads_to_the_search_filter_of_its_own_value(unicode_site):
    """The link from a facet page to the combined filters names the value by the option's own value."""
    report, _ = unicode_site
    (folder,) = (report.site_dir / "search-index").iterdir()
    keys = json.loads((folder / "facets.json").read_text(encoding="utf-8"))["keys"]
    linked = 0
    for name in ("region", "category", "kind"):
        for page in sorted((report.site_dir / "facets" / name).glob("*/index.html")):
            found = re.search(rf'search/\?{name}=([^"&]+)"', page.read_text(encoding="utf-8"))
            assert found, page
            assert found.group(1) == page.parent.name and found.group(1) in keys[name], page
            linked += 1
    assert linked >= 5
