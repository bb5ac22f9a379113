"""Browser-test helpers: a gzip-capable static server of the built site, and a phone-sized chromium.

nginx comes later; until then this server stands in for a plain static host:
it redirects a folder URL without its slash (`/Q/X` → `/Q/X/`, one 301, as
nginx does), serves `index.html`, gzips text when the client asks for it, and
counts the bytes it sends per path so a test can sum what a page cost.
"""

from __future__ import annotations

import gzip
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from playwright.sync_api import Browser, sync_playwright

from .conftest import CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """A plain static host: folder redirect, index.html, gzip on request, a ledger of sent bytes."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".json": "application/json",
        ".svg": "image/svg+xml",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
    }

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's API
        before = self.wfile.count
        status = self._respond()
        self.server.ledger.append((self.path, status, self.wfile.count - before))

    def _respond(self) -> int:
        url_path = urlsplit(self.path).path
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", url_path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return 301
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return 404
        data = path.read_bytes()
        content_type = self.guess_type(str(path))
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if "gzip" in self.headers.get("Accept-Encoding", "") and content_type.startswith(COMPRESSED_TYPES):
            # mtime=0: the same file gives the same bytes, as nginx's gzip_static would.
            data = gzip.compress(data, compresslevel=6, mtime=0)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return 200


class _CountingWriter:
    """The socket writer of one connection, counting what passes through it."""

    def __init__(self, target) -> None:
        self.target = target
        self.count = 0

    def write(self, data) -> int:
        self.count += len(data)
        return self.target.write(data)

    def flush(self) -> None:
        self.target.flush()

    def close(self) -> None:
        self.target.close()

    @property
    def closed(self) -> bool:
        return self.target.closed


class SiteServer(http.server.ThreadingHTTPServer):
    ledger: list[tuple[str, int, int]]  # (path, status, bytes sent)


@contextmanager
def serve(site_dir: Path) -> Iterator[tuple[str, SiteServer]]:
    """The site at http://127.0.0.1:<free port>/, for the duration of the block."""

    def handler(*args, **kwargs):
        return GzipHandler(*args, directory=str(site_dir), **kwargs)

    server = SiteServer(("127.0.0.1", 0), handler)
    server.ledger = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
