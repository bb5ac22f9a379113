"""The pages behind a sign arrive whole in the server's first flight, through the shipped nginx.

Every code page, project page and service window page of the sample: at most 14 KB on the wire
(status line, headers and gzip body: a TCP initial window of ten segments),
nothing else to fetch (no stylesheet, script, font or image; the icon a data:
URI), the inline stylesheet allowed by its hash in the meta tag and the header
alike, never by 'unsafe-inline'. In Chromium a code page costs one request.
The lowercase alias is one real redirect. Times are measured by
bench/first_flight.py, never here.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import socket
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from generator import urls
from generator.publish import nginx
from generator.settings import citizen_stylesheet, citizen_stylesheet_hash

from .browser import PHONE, chromium

FIRST_FLIGHT_BYTES = 14 * 1024
FIXED_PREFIX_BYTES = 3 * 1024  # gzip; then the page's name, the scanned sign and the glance


@pytest.fixture(scope="module")
def served(sample_build):
    with nginx.serve(sample_build.site_dir) as url:
        yield url


def fetch_raw(base: str, path: str) -> tuple[bytes, bytes]:
    """One GET as a phone sends it, on its own connection: the bytes of the header and of the body."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        request = f"GET {path} HTTP/1.1\r\nHost: jd.example.org\r\nAccept-Encoding: gzip, deflate, br\r\nConnection: close\r\n\r\n"
        connection.sendall(request.encode("ascii"))
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    return head + b"\r\n\r\n", body


def _dechunk(body: bytes) -> bytes:
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


class _Subresources(HTMLParser):
    """What a browser would fetch before or while it paints: stylesheets, scripts, images, icons, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.styles: list[str] = []
        self.policy = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "modulepreload", "manifest"):
            if not a.get("href", "").startswith("data:"):
                self.fetched.append(f"link {a.get('rel')} {a.get('href')}")
        if tag in ("script", "img", "iframe", "embed", "object", "source", "video", "audio") and (
            a.get("src") or a.get("data")
        ):
            self.fetched.append(f"{tag} {a.get('src') or a.get('data')}")
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.policy = a.get("content", "")
        self._in_style = tag == "style"
        if tag == "style":
            self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles[-1] += data


def _citizen_paths(sample_build) -> list[str]:
    archive = sample_build.archive
    codes = [f"/{urls.CODES}/{c.code_id}" for c in (*archive.codes, *archive.window_codes)]
    projects = [f"/{urls.PROJECTS}/{r.project_id}/" for r in archive.projects]
    windows = [f"/{urls.WINDOWS}/{r.window.window_id}/" for r in archive.windows]
    assert len(windows) >= 1110 and len(codes) >= 766 + 1110
    return codes + projects + windows


def test_every_code_project_and_window_page_arrives_whole_in_the_first_flight(sample_build, served):
    allowed = citizen_stylesheet_hash()
    heaviest = (0, "")
    for path in _citizen_paths(sample_build):
        head, body = fetch_raw(served, path)
        status = head.split(b"\r\n", 1)[0]
        assert status == b"HTTP/1.1 200 OK", (path, status)
        headers = head.decode("latin-1").lower()
        assert "content-encoding: gzip" in headers, path
        sent = len(head) + len(body)
        assert sent <= FIRST_FLIGHT_BYTES, f"{path}: {sent} bytes on the wire"
        heaviest = max(heaviest, (sent, path))
        html = gzip.decompress(_dechunk(body) if "transfer-encoding: chunked" in headers else body).decode("utf-8")
        # Whatever the data, the first screen starts early: what comes before <main> (head, the
        # inline stylesheet, the header) holds no data but the site's name and is a few KB.
        ahead = html[: html.index('<main class="ct-main">')]
        assert len(gzip.compress(ahead.encode("utf-8"), 6)) <= FIXED_PREFIX_BYTES, path
        parser = _Subresources()
        parser.feed(html)
        assert parser.fetched == [], (path, parser.fetched)
        # The one inline stylesheet, byte for byte the one the build hashed, allowed by that hash.
        assert parser.styles == [citizen_stylesheet()], path
        digest = base64.b64encode(hashlib.sha256(parser.styles[0].encode("utf-8")).digest()).decode("ascii")
        assert f"'sha256-{digest}'" == allowed
        header_policy = re.search(r"^content-security-policy: (.*)$", head.decode("latin-1"), re.M | re.I).group(1)
        for policy in (parser.policy, header_policy):
            assert allowed in re.split(r"[;\s]+", policy), (path, policy)
            assert "unsafe-inline" not in policy
        assert header_policy.strip() == parser.policy + "; frame-ancestors 'none'"
    print(f"\nheaviest citizen page: {heaviest[1]}, {heaviest[0]} bytes on the wire")


def test_other_pages_keep_the_theme(sample_build):
    html = (sample_build.site_dir / "projects" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="stylesheet" href="[./]*assets/stylesheets/main\.[0-9a-f]{8}\.min\.css">', html)
    assert "<style>" not in html


@pytest.mark.parametrize("path", ["/Q/BT000101", "/p/BT-0001/", "/Q/MS000001", "/w/CK000001/"])
def test_a_citizen_page_costs_one_request_in_chromium(served, path):
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)  # a fresh context: a cold cache
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(served + path, wait_until="load")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
        # The inline stylesheet applied: the header bar is the portal's red, not the browser's default.
        colour = page.evaluate("getComputedStyle(document.querySelector('.ct-head')).backgroundColor")
        context.close()
    assert requested == [served + path], requested
    assert violations == []
    assert colour == "rgb(163, 21, 21)"


def test_a_lowercase_code_is_one_redirect_on_nginx(sample_build, served):
    codes = (*sample_build.archive.codes, *sample_build.archive.window_codes)  # windows' codes too
    assert len(codes) >= 766 + 1110
    for code in codes:
        for typed in (f"/q/{code.code_id.lower()}", f"/q/{code.code_id.lower()}/", f"/q/{code.code_id}"):
            head, _ = fetch_raw(served, typed)
            lines = head.decode("latin-1").split("\r\n")
            assert lines[0] == "HTTP/1.1 301 Moved Permanently", (typed, lines[0])
            assert f"Location: /Q/{code.code_id}/" in lines, (typed, lines)
    # A code the site does not know is not found: the map sends on only what the build listed.
    head, _ = fetch_raw(served, "/q/zz999999/")
    assert head.startswith(b"HTTP/1.1 404")
    head, _ = fetch_raw(served, f"/{urls.NGINX_CODE_ALIASES}")
    assert head.startswith(b"HTTP/1.1 404"), "the build's maps are for nginx only"
