"""`make bench-search`: bytes a search moves, through the shipped nginx with gzip, measured in Chromium.

    python bench/search_bytes.py [--site SITE_DIR] [--scale N] [--out bench/results/search_bytes.json]

Without --site, N times the sample (default 1) is built into build/bench-search/ first. Then,
for each query below, a fresh browser profile (a cold cache) opens the search page and runs
the query, and the same profile runs every other query after it. Bytes are what crossed the
wire, as Chromium's network layer counts them: response headers plus the encoded (gzipped)
body, from CDP's Network.loadingFinished. Printed and saved:

- first query: the search page's scripts and everything the query fetched, from a cold cache;
- later queries: what each further query fetched with the browser's cache as the first left it;
- project and code pages: bytes of any search request they made (the budget is none).

Budgets (issue #14): first query ≤ 60 KB, later ≤ 30 KB, project and code pages 0. Medians
and maxima are reported; nothing here asserts them: the numbers are for people to read.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from scaled import REPO, scaled_root

sys.path.insert(0, str(REPO))
from generator import pipeline  # noqa: E402
from generator.publish import nginx  # noqa: E402
from tests.conftest import CHROMIUM_ARGS  # noqa: E402

QUERIES = (
    "土默特右旗张某民",
    "东河区万某丽",
    "鄂尔多斯市某某局",
    "九原区自然资源局",
    "违规收受礼金",
    "局原副局长",
    "包头市",
    "BT-0038",
    "鄂爾多斯",
    "施工总承包",
    "2021年9月",
)
SEARCH_SCRIPTS = ("/assets/javascripts/search.js", "/assets/javascripts/search-engine.js")
IS_SEARCH = ("/search-index/", *SEARCH_SCRIPTS)
OTHER_PAGES = ("/p/BT-0038/", "/Q/BT003801/", "/")
KB = 1024


class Ledger:
    """Bytes per URL of one page, from CDP: headers plus encoded body of every finished response."""

    def __init__(self, context, page) -> None:
        self.session = context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.entries: list[tuple[str, int]] = []
        self.session.on("Network.responseReceived", self._response)
        self.session.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict) -> None:
        self.urls[event["requestId"]] = event["response"]["url"]

    def _finished(self, event: dict) -> None:
        url = self.urls.get(event["requestId"], "")
        self.entries.append((url, int(event["encodedDataLength"])))

    def mark(self) -> int:
        return len(self.entries)

    def since(self, mark: int, only: tuple[str, ...] = ()) -> int:
        return sum(size for url, size in self.entries[mark:] if not only or any(part in url for part in only))


def _run_query(page, query: str) -> None:
    page.fill("#portal-search-query", query)
    page.evaluate("() => { document.getElementById('portal-search-status').textContent = '' }")
    page.press("#portal-search-query", "Enter")
    page.wait_for_selector("#portal-search-status:text-matches('^(找到|没有)')", timeout=60_000)
    page.wait_for_load_state("networkidle")


def measure(base: str) -> dict:
    first: dict[str, int] = {}
    later: list[int] = []
    others: dict[str, int] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for query in QUERIES:
            context = browser.new_context()  # an empty cache
            page = context.new_page()
            ledger = Ledger(context, page)
            page.goto(f"{base}/search/")
            page.wait_for_load_state("networkidle")
            scripts = ledger.since(0, SEARCH_SCRIPTS)
            mark = ledger.mark()
            _run_query(page, query)
            first[query] = scripts + ledger.since(mark)
            for other in QUERIES:
                if other != query:
                    mark = ledger.mark()
                    _run_query(page, other)
                    later.append(ledger.since(mark))
            context.close()
        for path in OTHER_PAGES:
            context = browser.new_context()
            page = context.new_page()
            ledger = Ledger(context, page)
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            others[path] = ledger.since(0, IS_SEARCH)
            context.close()
        browser.close()
    return {
        "first_query_bytes": first,
        "first_query_median_kb": round(statistics.median(first.values()) / KB, 1),
        "first_query_max_kb": round(max(first.values()) / KB, 1),
        "later_query_median_kb": round(statistics.median(later) / KB, 1),
        "later_query_max_kb": round(max(later) / KB, 1),
        "later_queries": len(later),
        "search_bytes_of_other_pages": others,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the sample first)")
    parser.add_argument("--scale", type=int, default=1, help="times the sample, when building")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "search_bytes.json")
    args = parser.parse_args(argv)
    site_dir = args.site
    if site_dir is None:
        work = REPO / "build" / "bench-search"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
        root = scaled_root(work / "data", args.scale) if args.scale > 1 else REPO / "data" / "sample"
        pipeline.build(root, work / "site", work, base_url="https://jd.example.org/")
        site_dir = work / "site"
    with nginx.serve(site_dir) as base:
        results = measure(base)
    results["scale"] = args.scale if args.site is None else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"首次搜索（冷缓存）：中位数 {results['first_query_median_kb']} KB，最多 {results['first_query_max_kb']} KB（预算 60 KB）"
    )
    print(
        f"之后的搜索：中位数 {results['later_query_median_kb']} KB，最多 {results['later_query_max_kb']} KB"
        f"（{results['later_queries']} 次，预算 30 KB）"
    )
    print(f"项目页、二维码页与首页的搜索字节：{results['search_bytes_of_other_pages']}（预算 0）")
    print(f"已保存：{args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
