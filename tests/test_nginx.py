"""The deployed configuration under a real nginx: every code URL, every page, the headers, and the CSP in Chromium."""

from __future__ import annotations

import gzip
import http.client
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import sync_playwright

from generator.publish import nginx

from .conftest import CHROMIUM_ARGS, REPO

POLICY = nginx.content_security_policy() + "; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.fixture(scope="module")
def served(sample_build):
    with nginx.serve(sample_build.site_dir) as url:
        yield url


class Client:
    """One keep-alive connection that never follows redirects, so each hop is counted."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def get_following_once(self, path: str) -> tuple[int, dict[str, str], bytes, int]:
        status, headers, body = self.get(path)
        if status in (301, 302, 307, 308):
            status, headers, body = self.get(urljoin(path, headers["location"]))
            return status, headers, body, 1
        return status, headers, body, 0


def assert_security_headers(headers: dict[str, str], where: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (where, name, headers.get(name))


def test_committed_server_block_is_the_rendered_one():
    committed = (REPO / "deploy" / "nginx" / "jd.example.org.conf").read_text(encoding="utf-8")
    assert committed == nginx.render_server_config("/srv/jd/site", "80", "jd.example.org"), "run make nginx-conf"


def test_every_code_url_reaches_its_page_without_redirect(sample_build, served):
    client = Client(served)
    projects = {r.project.key: r.project for r in sample_build.archive.projects}
    assert (sample_build.site_dir / "q").is_dir(), "the lowercase alias pages are part of the site"
    for code in sample_build.archive.codes:
        status, headers, body, hops = client.get_following_once(f"/Q/{code.code_id}")
        assert (status, hops) == (200, 0), code.code_id
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["cache-control"] == "no-cache"
        assert_security_headers(headers, code.code_id)
        html = body.decode("utf-8")
        assert f'编号 <span class="nw">{code.code_id}</span>' in html
        assert f'<link rel="canonical" href="https://jd.example.org/Q/{code.code_id}/">' in html
        project_id = projects[code.project_id.casefold()].project_id
        assert f"p/{project_id}/" in html or project_id.replace("-", "&#45;") in html
        # The lowercase alias: one real redirect (the build's map), then the page itself.
        status, headers, body, hops = client.get_following_once(f"/q/{code.code_id.lower()}")
        assert (status, hops) == (200, 1), code.code_id
        assert f'<link rel="canonical" href="https://jd.example.org/Q/{code.code_id}/">' in body.decode("utf-8")


def test_every_page_of_the_sitemap_is_served_with_headers(sample_build, served):
    client = Client(served)
    tree = ET.parse(sample_build.site_dir / "sitemap.xml")
    locations = [e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locations) >= 2000
    for location in locations:
        path = urlsplit(location).path
        status, headers, body = client.get(path, **{"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert headers["content-type"] == "text/html; charset=utf-8", path
        assert headers["content-encoding"] == "gzip", path
        assert headers["cache-control"] == "no-cache", path
        assert_security_headers(headers, path)
        assert gzip.decompress(body) == (sample_build.site_dir / path.lstrip("/") / "index.html").read_bytes()


def test_assets_are_cached_by_kind_and_missing_pages_get_the_chinese_404(sample_build, served):
    client = Client(served)
    bundle = next((sample_build.site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    status, headers, _ = client.get(f"/assets/javascripts/{bundle.name}")
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert_security_headers(headers, bundle.name)
    for path in ("/assets/stylesheets/portal.css", "/assets/qr/BT000101.svg"):
        status, headers, _ = client.get(path)
        assert (status, headers["cache-control"]) == (200, "public, max-age=3600"), path
    status, headers, body = client.get("/p/no-such-project/")
    assert status == 404
    assert_security_headers(headers, "404")
    assert "页面不存在" in body.decode("utf-8") and 'href="/lookup/"' in body.decode("utf-8")
    status, headers, _ = client.get("/p/BT-0001")
    assert (status, headers["location"]) == (301, "/p/BT-0001/")  # relative: keeps host and scheme
    for path, kind in (
        ("/SHA256SUMS", "text/plain"),
        ("/changes.json", "application/json"),
        ("/qr/register.csv", "text/csv"),
    ):
        status, headers, _ = client.get(path)
        assert (status, headers["content-type"]) == (200, f"{kind}; charset=utf-8"), path


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.inline.append("<script> without src")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.inline.append(f"{tag} {name}={value}")
            if name in ("href", "src") and value:
                self.links.append(value)


def test_no_page_has_inline_script_or_style(sample_build):
    """What the CSP would block, checked on every page; Chromium below confirms it on a sample."""
    for page in sorted(sample_build.site_dir.rglob("*.html")):
        parser = _Scripts()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.inline == [], page


def test_code_page_links_resolve_the_same_with_or_without_the_slash(sample_build):
    for page in sorted((sample_build.site_dir / "Q").glob("*/index.html")):
        parser = _Scripts()
        parser.feed(page.read_text(encoding="utf-8"))
        code_id = page.parent.name
        for target in parser.links:
            with_slash = urljoin(f"https://h/Q/{code_id}/", target)
            without = urljoin(f"https://h/Q/{code_id}", target)
            if not target.startswith("#"):
                assert with_slash == without, (code_id, target)


BROWSER_PAGES = (
    "/",
    "/projects/",
    "/lookup/",
    "/bulletins/",
    "/releases/",
    "/changes/",
    "/quality/2021-11/",
    "/Q/BT000101",
    "/p/BT-0001/",
    "/changes/2021-10/",
    "/no-such-page",
)


def test_pages_do_not_violate_the_csp_in_chromium(sample_build, served):
    first_case = min((sample_build.site_dir / "cases").iterdir()).name
    first_bulletin = min(p.name for p in (sample_build.site_dir / "bulletins").iterdir() if p.is_dir())
    pages = (*BROWSER_PAGES, f"/cases/{first_case}/", f"/bulletins/{first_bulletin}/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        messages: list[str] = []
        failed: list[str] = []
        page.on(
            "console",
            lambda m: (messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None),
        )
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on(
            "response",
            lambda r: (failed.append(f"{r.status} {r.url}") if r.status >= 400 and "no-such" not in r.url else None),
        )
        for path in pages:
            response = page.goto(served + path, wait_until="load")
            assert response.status == (404 if "no-such" in path else 200), path
            assert response.headers["content-security-policy"] == POLICY
            page.wait_for_timeout(100)
            violations = page.evaluate("window.__violations")
            assert violations == [], (path, violations)
            # No page loads the theme's bundle: its scripts would have defined these helpers.
            assert page.evaluate("typeof __md_get") == "undefined", path
            assert page.title(), path
        browser.close()
    assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []
    assert failed == []


def test_nginx_stops_when_the_preview_ends(sample_build):
    with nginx.serve(sample_build.site_dir) as url:
        assert Client(url).get("/")[0] == 200
    with pytest.raises(OSError):
        Client(url).get("/")
