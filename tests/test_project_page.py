"""The page behind every sign, in a real chromium at 390×844 against a gzip-serving static host.

Essentials before any scrolling, one redirect from scan to content, the page's
weight on a cold cache, no other host, the lowercase alias, the lookup form with
and without JavaScript, and no serious or critical axe-core violation.
"""

from __future__ import annotations

import gzip
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.urls import alias_path
from generator.model.records import ProgressPoint
from generator.render.progress_chart import PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, progress_chart
from generator.errors import BuildFailed
from generator.render.pages import fill_complaint_url

from generator.contract.fields import tel_uri

from .browser import PHONE, chromium, serve
from .conftest import TESTS

ARTIFACTS = TESTS / "artifacts"
AXE = TESTS / "js" / "node_modules" / "axe-core" / "axe.min.js"
BUDGET_BYTES = 80 * 1024
DEFAULT_HOTLINE = "0472-5190000"  # the sample site folder's extra.hotline (mkdocs.yml)


@pytest.fixture(scope="module")
def site(sample_build):
    with serve(sample_build.site_dir) as (base, server):
        yield base, server, sample_build


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def _archive(site):
    return site[2].archive


def _longest_name_code(archive):
    return max(
        (c for c in archive.codes if c.label),
        key=lambda c: (len(_project(archive, c).project.name) + len(c.label), c.code_id),
    )


def _overdue_code(archive):
    for code in archive.codes:
        p = _project(archive, code).project
        if p.planned_completion and p.status != "竣工" and p.planned_completion < archive.newest.published:
            return code
    raise AssertionError("the sample has an overdue project")


def _dropped_code(archive):
    return next(c for c in archive.codes if not _project(archive, c).is_current)


def _own_hotline_code(archive):
    return next(c for c in archive.codes if _project(archive, c).project.hotline)


def _project(archive, code):
    return next(r for r in archive.projects if r.project.key == code.project_id.casefold())


def _heaviest_code(site_dir: Path, archive):
    """The code page heaviest compressed, with its QR images: the budget holds for the worst case."""

    def weight(code) -> int:
        files = [site_dir / "Q" / code.code_id / "index.html"]
        files += [site_dir / "assets" / "qr" / f"{c.code_id}.svg" for c in _project(archive, code).codes]
        return sum(len(gzip.compress(f.read_bytes(), 6, mtime=0)) for f in files)

    return max(archive.codes, key=weight)


@pytest.mark.parametrize(
    "choose", [_longest_name_code, _overdue_code, _dropped_code, _own_hotline_code], ids=lambda f: f.__name__[1:]
)
def test_scan_shows_the_essentials_before_any_scrolling(site, browser, choose):
    base, _, _ = site
    archive = _archive(site)
    code = choose(archive)
    record = _project(archive, code)
    p = record.project
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    response = page.goto(f"{base}/Q/{code.code_id}")  # the QR payload's path: no trailing slash
    assert response.status == 200
    assert _redirects(response) == 1
    assert urlsplit(page.url).path == f"/Q/{code.code_id}/"

    glance = page.locator(".pj-glance")
    above = {
        "name": page.locator("h1"),
        "scanned": page.locator(".pj-scanned"),
        "status": glance.locator(".pj-status"),
        "progress bar": glance.locator(".pj-meter progress"),
        "progress value": glance.locator(".pj-meter-value"),
        "planned completion": glance.locator(".pj-due"),
        "department and leader": glance.locator(".pj-answerable"),
    }
    if not record.is_current:
        above["stale notice"] = page.locator(".pj-stale")
    if p.planned_completion and p.status != "竣工" and p.planned_completion < archive.newest.published:
        above["overdue flag"] = glance.locator(".pj-overdue")
    for what, locator in above.items():
        box = locator.bounding_box()
        assert box is not None, what
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{what} is below the fold: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    assert page.locator("h1").inner_text() == p.name
    assert p.department in above["department and leader"].inner_text()
    if p.leader:
        assert p.leader in above["department and leader"].inner_text()
    if p.progress is not None:
        assert above["progress value"].inner_text() == f"{p.progress.normalize():f}%"
        assert Decimal(above["progress bar"].get_attribute("value")) == p.progress
    label = code.label or p.name
    assert f"您扫描的是：{label}" in above["scanned"].inner_text()
    # 我要监督 with numbers to tap, before any scrolling: the project's own, else the commission's and 12388.
    numbers = glance.locator(".pj-act a[href^='tel:']")
    wanted = [tel_uri(p.hotline)] if p.hotline else [tel_uri(DEFAULT_HOTLINE), "tel:12388"]
    assert [numbers.nth(i).get_attribute("href") for i in range(numbers.count())] == wanted
    for i in range(numbers.count()):
        box = numbers.nth(i).bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"], f"number {i} is below the fold: {box}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"project-page-{choose.__name__[1:]}-390x844.png"))
    context.close()


def _redirects(response) -> int:
    count, request = 0, response.request
    while request.redirected_from is not None:
        count, request = count + 1, request.redirected_from
    return count


def test_project_page_fits_the_budget_and_asks_no_other_host(site, browser):
    base, server, build = site
    code = _heaviest_code(build.site_dir, build.archive)
    context = browser.new_context(viewport=PHONE)  # a fresh context: a cold cache
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    server.ledger.clear()
    page.goto(f"{base}/Q/{code.code_id}", wait_until="load")
    # Everything the page may fetch, lazy images included.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    context.close()

    hosts = {urlsplit(url).netloc for url in requested if not url.startswith("data:")}
    assert hosts == {urlsplit(base).netloc}, f"requests to other hosts: {hosts}"
    assert not [url for url in requested if url.endswith(".js")], "a project page loads no script"
    sent = sum(size for _, _, size in server.ledger)
    assert all(status in (200, 301) for _, status, _ in server.ledger), server.ledger
    html = [size for path, status, size in server.ledger if status == 200 and path.endswith(f"/{code.code_id}/")]
    assert html, server.ledger
    print(f"\n{code.code_id}: {len(server.ledger)} responses, {sent} bytes transferred (gzip, headers included)")
    (ARTIFACTS / "project-page-transfer.txt").write_text(
        "".join(f"{status} {size:>7} {path}\n" for path, status, size in server.ledger) + f"total {sent}\n",
        encoding="utf-8",
    )
    assert sent <= BUDGET_BYTES


def test_project_and_code_pages_run_nothing(sample_build):
    site_dir = sample_build.site_dir
    code = sample_build.archive.codes[0]
    for rel in (f"Q/{code.code_id}/index.html", f"p/{code.project_id}/index.html"):
        html = (site_dir / rel).read_text(encoding="utf-8")
        assert "<script" not in html, rel
        assert "<svg viewBox=" in html, "the progress chart is drawn into the page"
    lookup = (site_dir / "lookup" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*>", lookup) == ['<script src="../assets/javascripts/lookup.js" defer>']


def test_navigation_works_without_javascript(site, browser):
    base, _, build = site
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    # A citizen page's own header links on; the theme's pages have the drawer, a CSS checkbox.
    page.goto(f"{base}/p/{build.archive.projects[0].project_id}/")
    page.locator(".ct-nav a", has_text="查码").click()
    page.wait_for_url("**/lookup/")
    page.locator("label.md-header__button[for=__drawer]").click()
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="重大项目").click()
    page.wait_for_url("**/projects/")
    context.close()


@pytest.mark.parametrize(
    "typed",
    ["  ｂｔ０００１０１ ", "bt 0001 01", "HTTPS://JD.EXAMPLE.ORG/Q/BT000101", "https://JD.EXAMPLE.ORG/Q/BT000101"],
)
def test_lookup_form_normalises_and_goes_to_the_code(site, browser, typed):
    base, _, _ = site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/lookup/")
    page.wait_for_load_state("networkidle")  # the code list has arrived
    page.locator("#lookup-code").fill(typed)
    page.locator("#lookup button[type=submit]").click()
    page.wait_for_url("**/Q/BT000101/")
    assert "您扫描的是" in page.locator(".pj-scanned").inner_text()
    context.close()


def test_lookup_form_says_when_a_code_is_unknown(site, browser):
    base, _, _ = site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/lookup/")
    page.wait_for_load_state("networkidle")
    page.locator("#lookup-code").fill("ZZ999999")
    page.locator("#lookup button[type=submit]").click()
    assert "没有找到编号“ZZ999999”" in page.locator("#lookup-message").inner_text()
    assert urlsplit(page.url).path == "/lookup/"
    context.close()


def test_lookup_without_javascript_is_the_list_by_code(site, browser):
    base, _, build = site
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/lookup/")
    assert not page.locator("#lookup").is_visible(), "a form that cannot work stays hidden"
    code = build.archive.codes[-1]
    page.get_by_role("link", name=code.code_id, exact=True).click()
    page.wait_for_url(f"**/Q/{code.code_id}/")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_lowercase_alias_resolves(site, browser, javascript):
    base, _, build = site
    code = build.archive.codes[0]
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    for typed in (f"/q/{code.code_id.lower()}/", f"/q/{code.code_id.lower()}"):
        page.goto(base + typed)
        page.wait_for_url(f"**/Q/{code.code_id}/")
        assert page.locator(".pj-scanned").is_visible()
    context.close()


def test_every_code_has_an_alias_and_is_in_the_lookup_list(sample_build):
    import json

    site_dir = sample_build.site_dir
    listed = json.loads((site_dir / "assets" / "codes.json").read_text(encoding="utf-8"))["codes"]
    archive = sample_build.archive
    assert listed == sorted([c.code_id for c in archive.codes] + [c.code_id for c in archive.window_codes])
    for code in (*archive.codes, *archive.window_codes):
        alias = (site_dir / alias_path(code.code_id)).read_text(encoding="utf-8")
        assert f'content="0; url=../../Q/{code.code_id}/"' in alias
        assert f'<a href="../../Q/{code.code_id}/">' in alias


@pytest.mark.parametrize("path", ["/", "/Q/BT000101/", "/lookup/"])
def test_no_serious_or_critical_accessibility_violation(site, browser, path):
    base, _, _ = site
    assert AXE.is_file(), "run `npm ci --prefix tests/js` (make test does)"
    # The page's CSP rightly refuses injected scripts; axe is the test's own, so let it in.
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    context.close()


# The parts under the page: chart geometry and the complaint link ------------------------------------


def _point(day: int, progress: str | None, invested: str | None = None) -> ProgressPoint:
    return ProgressPoint(
        date(2021, 9, day),
        None if progress is None else Decimal(progress),
        None if invested is None else Decimal(invested),
        "",
        "2021-09",
    )


def test_chart_spans_the_plot_by_date_and_percent():
    chart = progress_chart((_point(1, "0", "0"), _point(11, "50"), _point(21, "100", "250")), Decimal(200))
    progress, invested = chart.series
    assert [(pt.x, pt.y) for pt in progress.points] == [
        (PLOT_LEFT, PLOT_BOTTOM),
        ((PLOT_LEFT + PLOT_RIGHT) // 2, PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) // 2),
        (PLOT_RIGHT, PLOT_TOP),
    ]
    # Investment above the total is drawn at 100 %, and a day without it has no point.
    assert [(pt.x, pt.y, pt.value) for pt in invested.points] == [
        (PLOT_LEFT, PLOT_BOTTOM, 0),
        (PLOT_RIGHT, PLOT_TOP, 100),
    ]


def test_chart_of_one_day_stands_in_the_middle_and_empty_history_has_none():
    chart = progress_chart((_point(5, "40"),), Decimal(0))
    assert [s.name for s in chart.series] == ["形象进度"]
    assert chart.series[0].points[0].x == (PLOT_LEFT + PLOT_RIGHT) // 2
    assert progress_chart((_point(5, None),), Decimal(0)) is None
    assert progress_chart((), Decimal(100)) is None


def test_complaint_link_fills_ids_as_encoded_query_values():
    template = "https://jd.example.org/complaint?project={project_id}&code={code_id}"
    assert fill_complaint_url(template, "BT-0001", "BT000101") == (
        "https://jd.example.org/complaint?project=BT-0001&code=BT000101"
    )
    assert fill_complaint_url(template, "BT-0001", "") == "https://jd.example.org/complaint?project=BT-0001&code="
    assert fill_complaint_url("", "BT-0001", "") == ""  # not configured: the page leaves the link out


@pytest.mark.parametrize(
    "template", ["https://x.example/c?p={project}", "https://x.example/c?p={0}", "javascript:alert({project_id})"]
)
def test_a_bad_complaint_url_setting_is_a_clear_build_error(template):
    with pytest.raises(BuildFailed, match="extra.complaint_url"):
        fill_complaint_url(template, "BT-0001", "BT000101")


def test_project_page_links_complaint_map_and_phones(sample_build):
    site_dir = sample_build.site_dir
    record = next(r for r in sample_build.archive.projects if r.project.longitude is not None and r.codes)
    p, code = record.project, record.codes[0]
    html = (site_dir / "Q" / code.code_id / "index.html").read_text(encoding="utf-8")
    # The sample's complaint entry is a page of the site itself, saying it is a sample.
    assert (
        f'href="https://jd.example.org/sample-complaint/?project={p.project_id}&amp;window=&amp;code={code.code_id}"'
        in html
    )
    complaint = (site_dir / "sample-complaint" / "index.html").read_text(encoding="utf-8")
    assert "这是示例站点" in complaint
    assert 'href="tel:12388"' in html
    lon, lat = f"{p.longitude.normalize():f}", f"{p.latitude.normalize():f}"
    assert f'href="https://uri.amap.com/marker?position={lon},{lat}&amp;name=' in html
    assert "&amp;coordinate=wgs84&amp;callnative=1" in html
    assert f'href="geo:{lat},{lon}"' in html
    without = next(r for r in sample_build.archive.projects if r.project.longitude is None)
    assert "uri.amap.com" not in (site_dir / "p" / without.project_id / "index.html").read_text(encoding="utf-8")


_ONE_LINE = "els => els.filter(e => e.getClientRects().length !== 1).map(e => e.textContent)"


@pytest.mark.parametrize("choose", [_longest_name_code, _overdue_code, _dropped_code], ids=lambda f: f.__name__[1:])
def test_ids_dates_and_amounts_never_break_across_lines(site, browser, choose):
    base, _, _ = site
    code = choose(_archive(site))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/Q/{code.code_id}/")
    unbreakable = page.locator(".nw")
    assert unbreakable.count() >= 5
    assert unbreakable.evaluate_all(_ONE_LINE) == [], "an id, date or amount broken across lines"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_home_page_bulletin_dates_fit_one_line_on_a_phone(site, browser):
    base, _, _ = site
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/")
    dates = page.locator("table td .nw")
    assert dates.count() >= 5, "the latest bulletins, each with its date"
    assert dates.evaluate_all(_ONE_LINE) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "no sideways scrolling"
    context.close()


def test_an_empty_field_reads_as_on_the_quality_page(sample_build):
    """The quality page promises that a field the export left empty shows as 未填报 on project pages."""
    quality = (sample_build.site_dir / "quality" / "2021-11" / "index.html").read_text(encoding="utf-8")
    assert "显示为“未填报”" in quality
    record = next(r for r in sample_build.archive.projects if not r.project.supervisor and r.is_current)
    html = (sample_build.site_dir / "p" / record.project_id / "index.html").read_text(encoding="utf-8")
    assert "<td>监理单位</td>\n<td>未填报</td>" in html
    assert "—" not in html
