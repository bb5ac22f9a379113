"""A scanner for a built site: what in its HTML, XML and JSON files could run, leak or mislead.

It knows nothing about the portal's pages: it reads every `.html`, `.xml` and `.json`
file under the site, so pages, feeds, search indexes and downloads added later are
covered the day they appear. Strings inside XML and JSON are read as HTML fragments,
since feeds and search indexes hand them to a browser as markup.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from generator.settings import citizen_icon_uri, citizen_stylesheet

# Our own scripts, by file name under assets/javascripts/ (no page loads the theme's bundle).
KNOWN_SCRIPTS = re.compile(r"(lookup|search)\.js")
SAFE_SCHEMES = {"http", "https", "tel"}
# The project page's "open in a map app" link: geo: with nothing but the two coordinates.
GEO_LINK = re.compile(r"geo:\d{1,3}(\.\d+)?,\d{1,3}(\.\d+)?")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "data",
    "background",
    "cite",
    "ping",
    "manifest",
    "codebase",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "srcset",
    "imagesrcset",
}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "svg", "math"}
# Inline style attributes allowed: none (tables use `align`, the CSP allows no inline style).
ALLOWED_STYLES: set[str] = set()
# JSON files whose strings are plain data (downloads, the change report, the code list), not markup.
# The search index is data too: search.js puts its strings into the page as text nodes only
# (tests/test_hostile.py searches the hostile site and checks nothing of it became markup).
RAW_DATA_FILES: tuple[str, ...] = (
    "changes.json",
    "data/*.json",
    "assets/codes.json",
    "search-index/*/*.json",
    "search-index/*/*/*.json",
)
# The one refresh the site has: a lowercase alias page sends the reader to its code's page.
_ALIAS_REFRESH = re.compile(r"0; url=\.\./\.\./Q/[A-Za-z0-9-]+/")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True)
class Finding:
    rel_path: str
    what: str

    def __str__(self) -> str:
        return f"{self.rel_path}: {self.what}"


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, after it drops the spaces and controls it ignores."""
    match = _SCHEME.match(_INVISIBLE.sub("", value).lower())
    return match.group(1) if match else None


class _Scanner(HTMLParser):
    def __init__(self, rel_path: str, fragment: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.rel_path = rel_path
        self.fragment = fragment
        self.findings: list[Finding] = []
        self.text: list[str] = []
        self._skip = 0  # inside <script> or <style>: not visible text
        self._script_attrs: dict[str, str] | None = None
        self._script_body: list[str] = []
        self._style_body: list[str] | None = None
        self.csp: list[str] = []
        self.title = ""
        self._in_title = False

    def found(self, what: str) -> None:
        self.findings.append(Finding(self.rel_path, what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.found(f"event-handler attribute <{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                candidates = [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in name else [value]
                for candidate in candidates:
                    # The citizen pages' icon, ours and inline (site_templates/citizen/icon.svg).
                    if tag == "link" and values.get("rel") == "icon" and candidate == citizen_icon_uri():
                        continue
                    scheme = url_scheme(candidate)
                    if scheme == "geo" and GEO_LINK.fullmatch(candidate):
                        continue
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        self.found(f"{scheme}: link <{tag} {name}={value[:80]!r}>")
            if name == "style" and value.strip() not in ALLOWED_STYLES:
                self.found(f"inline style <{tag} style={value[:80]!r}>")
            if (
                name == "http-equiv"
                and value.lower() == "refresh"
                and not _ALIAS_REFRESH.fullmatch(values.get("content", ""))
            ):
                self.found("meta refresh")
        if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(values.get("content", ""))
        # The one <style> a page may hold: the citizen stylesheet, exactly (its hash is in the CSP).
        if tag == "style" and not self.fragment:
            self._style_body = []
        elif tag in FORBIDDEN_TAGS and not (self.fragment is False and tag == "svg" and _is_theme_icon(values)):
            self.found(f"<{tag}> element")
        if tag == "script":
            self._script_attrs = values
            self._script_body = []
            if self.fragment:
                self.found("<script> element in markup carried by XML or JSON")
        if tag in ("script", "style"):
            self._skip += 1
        self._in_title = tag == "title"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._style_body is not None:
            if "".join(self._style_body) != citizen_stylesheet():
                self.found("<style> element other than the citizen stylesheet")
            self._style_body = None
        if tag == "script" and self._script_attrs is not None:
            self._check_script(self._script_attrs, "".join(self._script_body))
            self._script_attrs = None
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._style_body is not None:
            self._style_body.append(data)
        if self._script_attrs is not None:
            self._script_body.append(data)
            return
        if self._in_title:
            self.title += data
        if not self._skip:
            self.text.append(data)

    def _check_script(self, attrs: dict[str, str], body: str) -> None:
        if attrs.get("type") == "application/json" and attrs.get("id") == "__config":
            for string in _strings(json.loads(body)):
                self.findings.extend(scan_fragment(self.rel_path, string))
            return
        src = attrs.get("src", "")
        name = PurePosixPath(src).name
        if not src or body.strip() or "/assets/javascripts/" not in f"/{src}" or not KNOWN_SCRIPTS.fullmatch(name):
            self.found(f"script not known to be the theme's: src={src!r} body={body[:80]!r}")


def _is_theme_icon(attrs: dict[str, str]) -> bool:
    return attrs.get("xmlns") == "http://www.w3.org/2000/svg" and "viewbox" in attrs


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def scan_fragment(rel_path: str, markup: str) -> list[Finding]:
    scanner = _Scanner(rel_path, fragment=True)
    scanner.feed(markup)
    scanner.close()
    return scanner.findings


@dataclass
class ScannedPage:
    rel_path: str
    text: str  # visible text, whitespace as found
    title: str
    csp: list[str]


def scan_html(rel_path: str, markup: str) -> tuple[list[Finding], ScannedPage]:
    scanner = _Scanner(rel_path, fragment=False)
    scanner.feed(markup)
    scanner.close()
    return scanner.findings, ScannedPage(rel_path, "".join(scanner.text), scanner.title, scanner.csp)


def scan_site(site_dir: Path) -> tuple[list[Finding], dict[str, ScannedPage]]:
    """Every finding in every HTML, XML and JSON file, and the scanned HTML pages by path."""
    findings: list[Finding] = []
    pages: dict[str, ScannedPage] = {}
    for path in sorted(site_dir.rglob("*")):
        rel_path = path.relative_to(site_dir).as_posix()
        suffix = path.suffix.lower()
        if suffix == ".html":
            page_findings, page = scan_html(rel_path, path.read_text(encoding="utf-8"))
            findings += page_findings
            pages[rel_path] = page
        elif suffix == ".xml":
            # Atom text constructs are plain text unless typed html/xhtml: only those are markup.
            for element in ElementTree.parse(path).iter():
                if element.get("type") in ("html", "xhtml") and element.text:
                    findings += scan_fragment(rel_path, element.text)
                for name, value in element.attrib.items():
                    if name in URL_ATTRIBUTES and value.strip():
                        findings += scan_fragment(rel_path, f'<a href="{html.escape(value)}">x</a>')
        elif suffix == ".json" and not any(PurePosixPath(rel_path).match(g) for g in RAW_DATA_FILES):
            for string in _strings(json.loads(path.read_text(encoding="utf-8"))):
                findings += scan_fragment(rel_path, string)
    return findings, pages
