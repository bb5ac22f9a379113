"""The page behind a service window's code: every code decoded to its page, the page in chromium at 390×844,
the halls and statistics, and the print kit's desk cards and stickers decoded from poppler's rendering."""

from __future__ import annotations

import gzip
import re
from html import unescape
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from generator import cli, pipeline
from generator.codes import window_kit

from .browser import PHONE, chromium, serve
from .conftest import SAMPLE, TESTS

ARTIFACTS = TESTS / "artifacts"
BUDGET_BYTES = 80 * 1024  # the page behind a sign (README); the first-flight template will tighten it


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def _windows(build):
    return {r.window.key: r for r in build.archive.windows}


def test_every_window_code_decodes_to_its_page_naming_its_window_and_hall(sample_build):
    site_dir = sample_build.site_dir
    qr_dir = site_dir.parent / "qr"  # the print images of the work folder
    windows = _windows(sample_build)
    codes = sample_build.archive.window_codes
    assert len([c for c in codes if c.is_current]) == 1110
    for code in codes:
        (url,) = decode(Image.open(qr_dir / f"{code.code_id}.png"))
        path = urlsplit(url).path
        assert path == f"/Q/{code.code_id}", url
        html = unescape((site_dir / path.strip("/") / "index.html").read_text(encoding="utf-8"))
        window = windows[code.window_id.casefold()].window
        title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        assert title.strip() == window.name, code.code_id
        assert window.hall in html and f"{window.window_no} 号窗口" in html, code.code_id
        assert f"您扫描的是：{code.label or window.name}" in html, code.code_id


@pytest.fixture(scope="module")
def site(sample_build):
    with serve(sample_build.site_dir) as (base, server):
        yield base, server, sample_build


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def _longest(build):
    windows = _windows(build)

    def size(code):
        w = windows[code.window_id.casefold()].window
        return (len(w.name) + len(w.hall) + len(w.department) + len(code.label), code.code_id)

    return max((c for c in build.archive.window_codes if c.is_current), key=size)


def _closed(build):
    return next(c for c in build.archive.window_codes if not c.is_current)


@pytest.mark.parametrize("choose", [_longest, _closed], ids=["longest", "closed"])
def test_window_page_at_the_counter_shows_where_and_how_to_report_before_scrolling(site, browser, choose):
    base, server, build = site
    code = choose(build)
    record = _windows(build)[code.window_id.casefold()]
    w = record.window
    context = browser.new_context(viewport=PHONE)  # a cold cache
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    server.ledger.clear()
    response = page.goto(f"{base}/Q/{code.code_id}")
    assert response.status == 200
    glance = page.locator(".pj-glance")
    above = {
        "name": page.locator("h1"),
        "scanned": page.locator(".pj-scanned"),
        "hall and window number": glance.locator(".pj-line").first,
        "department": glance.locator(".pj-answerable"),
        "我要反映": glance.locator("a", has_text="我要反映"),
        "12345": glance.locator('a[href="tel:12345"]'),
        "12388": glance.locator('a[href="tel:12388"]'),
    }
    if w.hotline:
        above["window's own number"] = glance.locator("a", has_text="窗口监督电话")
    if not record.is_current:
        above["no longer in service"] = page.locator(".pj-stale")
    for what, locator in above.items():
        box = locator.bounding_box()
        assert box is not None, what
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{what} is below the fold: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    assert page.locator("h1").inner_text() == w.name
    assert f"{w.window_no} 号窗口" in above["hall and window number"].inner_text()
    assert w.hall in above["hall and window number"].inner_text()
    report = above["我要反映"].get_attribute("href")
    assert report == f"https://jd.example.org/sample-complaint/?project=&window={w.window_id}&code={code.code_id}"
    assert page.locator(".wc-chart svg").count() == 1, "the twelve months drawn at build time"
    months = page.locator("table").nth(1).locator("tbody tr")
    assert months.count() == 12
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"window-page-{choose.__name__[1:]}-390x844.png"))
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the lazy code images too
    page.wait_for_load_state("networkidle")
    context.close()
    hosts = {urlsplit(url).netloc for url in requested if not url.startswith("data:")}
    assert hosts == {urlsplit(base).netloc}
    assert not [url for url in requested if url.endswith(".js")], "a window page loads no script"
    sent = sum(size for _, _, size in server.ledger)
    html = (build.site_dir / "Q" / code.code_id / "index.html").read_bytes()
    print(f"\n{code.code_id}: {sent} bytes transferred cold; the HTML {len(gzip.compress(html, 6, mtime=0))} gzip")
    assert sent <= BUDGET_BYTES


def test_a_month_not_reported_is_shown_as_such_never_as_zero(sample_build):
    missing = next(
        (r, m)
        for r in sample_build.archive.windows
        if r.is_current
        for m in ("2021-0" + str(n) for n in range(1, 10))
        if m not in {f.figures.month for f in r.months}
    )
    record, month = missing
    html = (sample_build.site_dir / "w" / record.window_id / "index.html").read_text(encoding="utf-8")
    row = re.search(
        rf'<tr>\s*<td><span class="nw">{re.escape(month)}</span></td>(.*?)</tr>', html.replace("&#45;", "-"), re.S
    )
    assert row, month
    assert "未报送" in row.group(1) and ">0<" not in row.group(1)


def test_halls_statistics_lookup_and_home_lead_to_windows(sample_build):
    site_dir = sample_build.site_dir
    halls = sorted((site_dir / "windows" / "halls").glob("*/index.html"))
    assert len(halls) == 11
    city = next(p for p in halls if "<h1" in (text := p.read_text(encoding="utf-8")) and "包头市政务服务中心" in text)
    assert city.read_text(encoding="utf-8").count('href="../../../w/') >= 300
    stats = (site_dir / "windows" / "stats" / "index.html").read_text(encoding="utf-8")
    assert "按地区" in stats and "按办事大厅" in stats and "按进驻部门" in stats
    assert "中间值" in stats and "（n=" in stats
    assert "windows-received-by-region.svg" in stats
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="windows/"' in home
    lookup = (site_dir / "lookup" / "index.html").read_text(encoding="utf-8")
    assert "MS000101" in lookup
    codes = (site_dir / "assets" / "codes.json").read_text(encoding="utf-8")
    assert '"MS000101"' in codes
    data = (site_dir / "data" / "index.html").read_text(encoding="utf-8")
    assert 'id="windows-figures"' in data and "用时中位数的中间值" in data
    for name in ("windows.csv", "windows.json", "window-stats.csv", "window-stats.json"):
        assert (site_dir / "data" / name).stat().st_size > 1000, name
    feed = (site_dir / "feeds" / "windows.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 12


def test_lookup_form_finds_a_window_code(site, browser):
    base, _, _ = site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/lookup/")
    page.wait_for_load_state("networkidle")
    page.locator("#lookup-code").fill("ms000101")
    page.locator("#lookup button[type=submit]").click()
    page.wait_for_url("**/Q/MS000101/")
    assert "您扫描的是" in page.locator(".pj-scanned").inner_text()
    context.close()


def test_the_change_report_lists_the_new_window_codes_to_print(sample_build, capsys, tmp_path):
    report = sample_build.changes
    new = [c.code_id for c in report.windows.new_codes]
    assert new == [f"MS00{n:04d}" for n in range(311, 317)]
    assert len(report.windows.closed) == 6 and report.windows.months_changed
    page = (sample_build.site_dir / "changes" / "2021-11" / "index.html").read_text(encoding="utf-8")
    assert "首次发布的窗口二维码" in page and all(code in page for code in new)
    changes_json = (sample_build.site_dir / "changes.json").read_text(encoding="utf-8")
    assert all(f'"code_id": "{code}"' in changes_json for code in new)


@pytest.fixture(scope="module")
def new_kit(tmp_path_factory):
    root = tmp_path_factory.mktemp("window-kit")
    code = cli.main(["signs", str(SAMPLE), "--out", str(root / "kit"), "--only-new", "--work", str(root / "w")])
    assert code == 0
    return root / "kit"


def _pages(pdf: Path, folder: Path) -> list[list[str]]:
    subprocess.run(["pdftoppm", "-r", "150", "-gray", str(pdf), str(folder / pdf.stem)], check=True)
    return [decode(Image.open(p)) for p in sorted(folder.glob(f"{pdf.stem}-*.pgm"))]


def test_only_new_kit_has_a_desk_card_and_a_sticker_per_new_window_code_that_scan(new_kit, tmp_path):
    manifest = (new_kit / window_kit.WINDOW_MANIFEST_NAME).read_text(encoding="utf-8-sig").splitlines()
    rows = [line.split(",") for line in manifest[1:]]
    urls = [row[6] for row in rows]
    assert [row[0] for row in rows] == [f"MS00{n:04d}" for n in range(311, 317)]
    cards = _pages(new_kit / window_kit.DESK_CARDS_NAME, tmp_path)
    assert cards == [[url, url] for url in urls], "both panels of the tent scan"
    stickers = _pages(new_kit / window_kit.STICKERS_NAME, tmp_path)
    assert stickers == [[url] for url in urls]
    text = subprocess.run(
        ["pdftotext", str(new_kit / window_kit.STICKERS_NAME), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count(window_kit.WINDOW_SLOGAN) == 6 and "MS000311" in text and "号窗口" in text


def test_a_desk_card_folds_into_two_a6_panels(new_kit):
    info = subprocess.run(
        ["pdfinfo", str(new_kit / window_kit.DESK_CARDS_NAME)], capture_output=True, text=True, check=True
    ).stdout
    width, height = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert round(width / 72 * 25.4) == 148 and round(height / 72 * 25.4) == 210, "A5, folded at half height"


def test_build_counts_window_pages(sample_build):
    assert isinstance(sample_build, pipeline.BuildReport)
    assert (sample_build.site_dir / "w" / "CK000001" / "index.html").is_file()
