"""The one place the site's paths and URLs are spelled.

A printed sign holds `https://HOST/Q/<CODE>` for years, and journalists cite
`cases/<id>/`: these spellings are promises. Every stage asks here where a
page, a code or a file lives; templates link with relative paths to what the
same names give.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup

from generator.contract import fields

PROJECTS = "p"  # p/<project id>/
CODES = "Q"  # Q/<code id>/: the path printed on the signs, upper case for QR alphanumeric mode
CODE_ALIASES = "q"  # q/<code id in lower case>/: a typed code, sent on to its page
WINDOWS = "w"  # w/<window id>/: a service window's page (its codes' pages are under Q/)
WINDOW_INDEX = "windows"  # windows/: the halls, windows/stats/, windows/halls/<hall slug>/
HALLS = f"{WINDOW_INDEX}/halls"
BULLETINS = "bulletins"
CASES = "cases"
RELEASES = "releases"
CHANGES = "changes"
QUALITY = "quality"
FEEDS = "feeds"
DATA = "data"
SEARCH_INDEX = "search-index"  # search-index/<digest>/: the search page's index, one folder per build of it
CODE_IMAGES = "assets/qr"
# nginx's map files, written by the build into the site (render/nginx_maps.py), read by the server block.
NGINX_MAPS = "_nginx"
NGINX_CODE_ALIASES = f"{NGINX_MAPS}/code-aliases.map"
NGINX_POLICY = f"{NGINX_MAPS}/content-security-policy.map"
SAMPLE_COMPLAINT = "sample-complaint"  # where a sample site's complaint links lead: it says it is a sample

# mkdocs reads `index.md` and `README.md` as the page of their folder, and a file system that ignores
# case cannot tell `INDEX.md` from `index.md`: the page of an id with such a name is written with a
# `_` after the id (never part of an id, so never another id's file) and keeps the id's URL, which
# `data_page_dest` gives it when mkdocs builds (publish/site.py).
_RESERVED_STEMS = frozenset({"index", "readme"})
_RESERVED_MARK = "_"


def id_path(value: str) -> Markup:
    """An id as a path segment: ids are `[A-Za-z0-9-]` by contract, checked again here."""
    if not fields.ID_PATTERN.fullmatch(value):
        raise ValueError(f"not an id: {value!r}")
    return Markup(value)


def page_file(value: str) -> Markup:
    """The Markdown file of the page of an id in its folder: `BT-0001.md`, but `index_.md` for `index`."""
    mark = _RESERVED_MARK if id_path(value).casefold() in _RESERVED_STEMS else ""
    return Markup(f"{value}{mark}.md")


def page_source(folder: str, record_id: str) -> str:
    """The page of an id in content/: `p/BT-0001.md`."""
    return f"{folder}/{page_file(record_id)}"


def page_url(site_url: str, folder: str, record_id: str) -> str:
    """The page of an id on the site: `https://host/cases/NMG-2021-11-15-01/`."""
    return f"{site_url}{folder}/{id_path(record_id)}/"


def hall_source(slug: str) -> str:
    """A service hall's page in content/: its slug is hex digits made from its region and name."""
    if not slug.isalnum() or not slug.isascii():
        raise ValueError(f"not a hall slug: {slug!r}")
    return f"{HALLS}/{slug}.md"


def code_page_html(code_id: str) -> str:
    """The file a code's URL serves in the built site."""
    return f"{CODES}/{id_path(code_id)}/index.html"


def code_base_url(base_url: str) -> str:
    """`https://jd.example.org/` → `https://JD.EXAMPLE.ORG/Q/`: the host in upper case for the QR code's
    alphanumeric mode; the scheme in lower case, since some scanners open no `HTTPS://` URL
    (codes/drawing.py); the path keeps its case."""
    parts = urlsplit(base_url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{parts.netloc.upper()}{path}{CODES}/"


def alias_path(code_id: str) -> str:
    """Where the lowercase alias of a code lives in the site: `q/<code in lowercase>/index.html`."""
    return f"{CODE_ALIASES}/{id_path(code_id).lower()}/index.html"


def code_image(code_id: str) -> str:
    return f"{CODE_IMAGES}/{id_path(code_id)}.svg"


def data_page_dest(src_uri: str) -> str | None:
    """Where the site holds a page `page_file` marked (`cases/index_.md` → `cases/index/index.html`)."""
    folder, _, name = src_uri.rpartition("/")
    stem = name.removesuffix(_RESERVED_MARK + ".md")
    if stem == name or stem.casefold() not in _RESERVED_STEMS or not fields.ID_PATTERN.fullmatch(stem):
        return None
    return f"{folder}/{stem}/index.html" if folder else f"{stem}/index.html"
