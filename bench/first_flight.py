"""The pages behind a sign on a weak mobile link: bytes, requests, first contentful paint and load.

    python bench/first_flight.py [--site SITE_DIR] [--runs 5] [--out bench/results/first-flight.json]

Builds the sample (unless --site names a built one), serves it with the shipped
nginx configuration (generator/publish/nginx.py) and loads pages in Debian's
Chromium with a cold cache each time, the link throttled by CDP
`Network.emulateNetworkConditions` to two profiles: 400 kbit/s with 400 ms
round trips, and 250 kbit/s with 800 ms. Per page and profile: the bytes
transferred (encodedDataLength, headers included), the requests, first
contentful paint and the load event, medians over the runs. The project index
is measured beside them: a page that keeps the theme's stylesheets.
Nothing here asserts a time; the byte and request budget is under test
(tests/test_first_flight.py).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator import pipeline  # noqa: E402
from generator.publish import nginx  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROFILES = {
    "400 kbit/s, 400 ms RTT": {"kbit": 400, "rtt_ms": 400},
    "250 kbit/s, 800 ms RTT": {"kbit": 250, "rtt_ms": 800},
}
PAGES = {
    "code page /Q/BT000101": "/Q/BT000101",
    "code page /Q/BT053501 (heaviest)": "/Q/BT053501",
    "project page /p/BT-0001/": "/p/BT-0001/",
    "project index /projects/ (theme)": "/projects/",
}
PHONE = {"width": 390, "height": 844}


def measure_once(browser, url: str, profile: dict[str, int]) -> dict[str, float]:
    context = browser.new_context(viewport=PHONE)  # a fresh context: a cold cache
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": profile["rtt_ms"],
            "downloadThroughput": profile["kbit"] * 1000 / 8,
            "uploadThroughput": profile["kbit"] * 1000 / 8,
        },
    )
    transferred: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="load")
    # The paint entry may be reported after the load event: wait for it (buffered).
    timing = page.evaluate(
        """() => new Promise(resolve => {
            const done = (fcp) => resolve({fcp, load: performance.getEntriesByType('navigation')[0].loadEventEnd});
            new PerformanceObserver(list => {
                const paint = list.getEntriesByName('first-contentful-paint')[0];
                if (paint) done(paint.startTime);
            }).observe({type: 'paint', buffered: true});
            setTimeout(() => done(null), 10000);
        })"""
    )
    page.wait_for_timeout(200)  # late loadingFinished events
    context.close()
    return {
        "bytes": sum(transferred.values()),
        "requests": len(requests),
        "fcp_ms": timing["fcp"],
        "load_ms": timing["load"],
    }


def run(site_dir: Path, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, dict[str, float]]] = {}
    with nginx.serve(site_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for page_name, path in PAGES.items():
            for profile_name, profile in PROFILES.items():
                samples = [measure_once(browser, base + path, profile) for _ in range(runs)]
                results.setdefault(page_name, {})[profile_name] = {
                    key: statistics.median(s[key] for s in samples) for key in samples[0]
                }
        browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site; default: build the sample into a temporary folder")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "first-flight.json")
    args = parser.parse_args(argv)
    work = None
    site_dir = args.site
    if site_dir is None:
        work = Path(tempfile.mkdtemp(prefix="first-flight-"))
        shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
        pipeline.build(REPO / "data" / "sample", work / "site", work, base_url="https://jd.example.org/")
        site_dir = work / "site"
    try:
        results = run(site_dir.resolve(), args.runs)
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"medians of {args.runs} cold loads through the shipped nginx:")
    print(f"{'page':36} {'profile':24} {'bytes':>7} {'req':>4} {'FCP ms':>7} {'load ms':>8}")
    for page_name, by_profile in results.items():
        for profile_name, m in by_profile.items():
            print(
                f"{page_name:36} {profile_name:24} {m['bytes']:>7.0f} {m['requests']:>4.0f} "
                f"{m['fcp_ms']:>7.0f} {m['load_ms']:>8.0f}"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"runs": args.runs, "pages": results}, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
