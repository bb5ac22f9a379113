"""Property-based tests: any text in a cell is read back as written and shown as written.

Readers: a string written into a CSV (UTF-8, GB18030) or xlsx cell comes back from the
real reader and field parser unchanged (outer spaces aside). Escaping: a string printed
by the real jinja environment into a heading, a table cell and a paragraph, then turned
into HTML by the Markdown engine with the extensions mkdocs.yml enables, shows the same
visible text. Restricted Markdown: whatever the input, only the allowed elements and
http(s) links come out.
"""

from __future__ import annotations

import csv
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import markdown
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import io

import yaml

from generator import resources
from generator.settings import load_settings
from generator.contract import fields
from generator.publish import site
from generator.render.markup import render_restricted_markdown
from generator.read.csv_tables import plausible_chinese
from generator.read.files import Reading
from generator.read.tables import read_table
from generator.render.environment import make_environment
from generator.contract.schema import QRCODES

from .site_scan import url_scheme
from .test_hostile import PAYLOADS, visible

SIGNIFICANT = list("<>&\"'`*_{}[]()#+-.!|~^=:$%@/;?,\\\n\t\u3000\u200b\u202e\u2069")
TEXT = st.lists(
    st.one_of(
        st.characters(exclude_categories=("Cs", "Cc")),
        st.sampled_from(SIGNIFICANT),
        st.sampled_from(list(PAYLOADS.values())),
    ),
    max_size=40,
).map("".join)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _label_read_back(path: Path) -> str:
    reading = Reading(path.parent)
    problems = reading.problems
    table = read_table(reading, path, QRCODES)
    assert table is not None and not [p for p in problems if p.is_error], [str(p) for p in problems]
    return fields.parse_text(table.rows[0].cells["label"])


def _expected_cell(text: str) -> str:
    return fields.clean_text(text)


@PROPERTY
@given(text=TEXT, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_any_csv_cell_reads_back_as_written(text, encoding):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qrcodes.csv"
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(["二维码编号", "项目编号", "标识位置"])
            writer.writerow(["BT000101", "BT-0001", text])
        raw = path.read_bytes()
        if encoding == "gb18030" and not plausible_chinese(raw.decode("gb18030")):
            return  # mostly rare characters: refused as a likely Big5 file, tested elsewhere
        assert _label_read_back(path) == _expected_cell(text)


@PROPERTY
@given(text=TEXT)
def test_any_xlsx_cell_reads_back_as_written(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "qrcodes.xlsx"
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["二维码编号", "项目编号", "标识位置"])
        sheet.append(["BT000101", "BT-0001", text])
        # Text, as a spreadsheet stores typed text: openpyxl would take "=0" for a formula.
        sheet["C2"].data_type = "s"
        workbook.save(path)
        assert _label_read_back(path) == _expected_cell(text)


def _site_markdown() -> markdown.Markdown:
    """The Markdown engine as mkdocs sets it up from mkdocs.yml."""
    from mkdocs.config import load_config

    # docs_dir must exist to load; the build sets its own, so any folder will do here.
    config = load_config(
        io.StringIO(yaml.safe_dump(site.mkdocs_config(SETTINGS, SETTINGS.work_dir / "site"), allow_unicode=True)),
        docs_dir=str(resources.TEMPLATES_DIR),
    )
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


SETTINGS = load_settings(Path(__file__).resolve().parent.parent)
MKDOCS_MARKDOWN = _site_markdown()
PAGE = make_environment().from_string("# {{ v }}\n\n| 项目 | 内容 |\n|---|---|\n| 名称 | {{ v }} |\n\n{{ v }}\n")


class _Parts(HTMLParser):
    """Visible text per top-level element, and every tag and attribute seen."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, list[str]] = {}
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str, str]] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        key = "td" if "td" in self._stack else (self._stack[0] if self._stack else "")
        self.texts.setdefault(key, []).append(data)


@PROPERTY
@given(text=TEXT)
def test_any_text_shows_as_written_in_heading_table_and_paragraph(text):
    MKDOCS_MARKDOWN.reset()
    html = MKDOCS_MARKDOWN.convert(PAGE.render(v=text))
    parts = _Parts()
    parts.feed(html)
    expected = visible(text)
    assert parts.tags <= {"h1", "table", "thead", "tbody", "tr", "th", "td", "p"}, html
    assert visible("".join(parts.texts.get("h1", []))) == expected, html
    cells = re.findall(r"<td>(.*?)</td>", html, flags=re.S)
    shown = _Parts()
    shown.feed(cells[1])
    assert visible("".join(sum(shown.texts.values(), []))) == expected, html
    assert visible("".join(parts.texts.get("p", []))) == expected, html


ALLOWED_TAGS = {"p", "ul", "ol", "li", "em", "strong", "a", "span", "br"}


MARKDOWN_PIECES = ["[x](", "](", "![", "javascript:", "https://e.org/", "\n\n", "\n- ", "\n1. ", "**", "&#"]
ANY_SOURCE = st.lists(
    st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(SIGNIFICANT + list(PAYLOADS.values()) + MARKDOWN_PIECES),
    ),
    max_size=60,
).map("".join)


@PROPERTY
@given(source=ANY_SOURCE)
def test_restricted_markdown_never_makes_more_than_it_allows(source):
    parts = _Parts()
    parts.feed(render_restricted_markdown(source))
    assert parts.tags <= ALLOWED_TAGS
    for tag, name, value in parts.attrs:
        assert (tag, name) in {("a", "href"), ("a", "rel")}
        if name == "href":
            assert url_scheme(value) in ("http", "https")


PLAIN = st.text(
    st.one_of(st.characters(categories=("L", "Zs")), st.sampled_from(list("<>&\"'{}|#:;?,$%@=~^/"))), max_size=60
)


@PROPERTY
@given(source=PLAIN)
def test_markdown_field_without_markdown_shows_as_written(source):
    parts = _Parts()
    parts.feed(render_restricted_markdown(source))
    assert visible("".join(sum(parts.texts.values(), []))) == visible(source)
