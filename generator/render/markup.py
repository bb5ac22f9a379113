"""Escaping of export data for Markdown pages, and the restricted Markdown of summaries and case texts.

Data is text, never markup. jinja's autoescape knows only HTML, while the
Markdown engine and its extensions give meaning to ASCII punctuation (`*`, `|`,
`{`, `--8<--`, `!!!`, `---`), so every value is written with its HTML- and
Markdown-significant characters as numeric character references: both the
Markdown engine and the browser then show them as the literal characters.
"""

from __future__ import annotations

import functools
import re
from html import escape as html_escape
import xml.etree.ElementTree as etree

import markdown
from markdown.inlinepatterns import LINK_RE, InlineProcessor, LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

# Every ASCII punctuation character some Markdown syntax or extension gives a meaning to.
_SIGNIFICANT = set("\\`*_{}[]()#+-.!|<>&\"'~^=:$%@/;?,")
_REFERENCES = {ord(ch): f"&#{ord(ch)};" for ch in _SIGNIFICANT}
# Line and paragraph separators, the bidi algorithm's included (U+001C–U+001E, U+0085).
_LINE_BREAKS = re.compile(r"[\r\n\x1c-\x1e\x85\u2028\u2029]+")

# Right-to-left letters and the explicit direction controls (LRM/RLM, embeddings,
# overrides, isolates): text holding any of them is set apart with an isolate.
_RIGHT_TO_LEFT = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_ISOLATE_OPENERS = "\u2066\u2067\u2068"  # LRI, RLI, FSI
_FSI, _PDI = "\u2068", "\u2069"


def escape_text(value: object) -> str:
    """A value as inert text for Markdown and HTML alike, on one line, its direction isolated."""
    return _escaped(str(value))


# The same names, regions and dates stand on hundreds of pages: each is escaped once.
@functools.lru_cache(maxsize=1 << 16)
def _escaped(value: str) -> str:
    text = isolate_direction(_LINE_BREAKS.sub(" ", value)).translate(_REFERENCES)
    # Leading blanks would indent a line the value starts into a code block.
    stripped = text.lstrip(" \t")
    return "".join(f"&#{ord(c)};" for c in text[: len(text) - len(stripped)]) + stripped


def isolate_direction(text: str) -> str:
    """Text that cannot reorder the page around it, wherever it lands (body, <title>, attributes).

    A right-to-left override in a name (`\u202e`) would otherwise flip the rest of the line it
    stands in. Wrapping the value in FSI…PDI ends every embedding, override and isolate the
    value opens (UAX #9, X6a); only a PDI of the value that closes nothing of its own could
    close the wrapper early, so such strays are dropped. Plain text is returned unchanged.
    """
    if not _RIGHT_TO_LEFT.search(text):
        return text
    kept = []
    open_isolates = 0
    for char in text:
        if char in _ISOLATE_OPENERS:
            open_isolates += 1
        elif char == _PDI:
            if not open_isolates:
                continue
            open_isolates -= 1
        kept.append(char)
    return _FSI + "".join(kept) + _PDI


def finalize(value: object) -> object:
    """jinja's finalize hook: every `{{ }}` is escaped unless it is a reviewed trusted fragment."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise TypeError("a template printed None: a missing value must be handled in the template")
    return escape_text(value)


# Restricted Markdown ---------------------------------------------------------------------------

_ALLOWED_SCHEMES = ("http://", "https://")
_KEPT_BLOCKS = {"empty", "indent", "olist", "ulist", "paragraph"}
_KEPT_INLINE = {"escape", "link", "not_strong", "em_strong", "em_strong2", "linebreak", "entity"}


# `![alt](target)` or `![alt][ref]`, whole, so no part of it is read as a link.
_IMAGE = r"!\[(?:[^\]\\]|\\.)*\](?:\([^)\n]*\)|\[[^\]\n]*\])?"


class _LiteralImage(InlineProcessor):
    """An image is not allowed: it stays the literal text that was written."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # noqa: N802 - Markdown's API
        return _text_span(self.unescape(m.group(0))), m.start(0), m.end(0)


class _SafeLink(LinkInlineProcessor):
    """An http(s) link stays a link; any other is the literal text that was written, all of it.

    Rebuilding the text from the parsed link would lose what the parser took apart, such
    as a quoted "title" inside `javascript:alert("x")`; the source span loses nothing.
    """

    def handleMatch(  # noqa: N802 - Python-Markdown's API
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        link, start, end = super().handleMatch(m, data)
        if link is None or (link.get("href", "").lower().startswith(_ALLOWED_SCHEMES) and link.get("title") is None):
            return link, start, end
        return _text_span(self.unescape(data[start:end])), start, end


def _text_span(source: str) -> etree.Element:
    """A span showing `source`, which already holds `&`, `<`, `>` as references (see below)."""
    span = etree.Element("span")
    span.text = markdown.util.AtomicString(source)
    return span


class _SafeLinks(Treeprocessor):
    """Only http(s) links stay links; any other target is shown as the text that was written."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "a":
                    continue
                href = child.get("href", "")
                if href.lower().startswith(_ALLOWED_SCHEMES) and not child.get("title"):
                    child.set("rel", "nofollow noopener")
                    continue
                literal = _text_span(f"[{''.join(child.itertext())}]({href})")
                literal.tail = child.tail
                parent.remove(child)
                parent.insert(index, literal)


class _RestrictedMarkdown(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Python-Markdown's API
        md.preprocessors.deregister("html_block")
        for name in [p for p in md.parser.blockprocessors._priority if p.name not in _KEPT_BLOCKS]:
            md.parser.blockprocessors.deregister(name.name)
        for name in [p for p in md.inlinePatterns._priority if p.name not in _KEPT_INLINE]:
            md.inlinePatterns.deregister(name.name)
        md.inlinePatterns.register(_LiteralImage(_IMAGE, md), "literal_image", 165)
        md.inlinePatterns.register(_SafeLink(LINK_RE, md), "link", 160)
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 1)


def _new_engine() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_RestrictedMarkdown()], output_format="html")


_ENGINE = _new_engine()
_HTML_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


# The engine's inline patterns rescan the rest of a paragraph at each unmatched `[`, `(`, `<`…: a
# field full of them costs time growing with the square of its length (50 000 `[` take minutes).
# Prose has a handful; past this many, the text is shown as the plain paragraphs it was written as.
MAX_MARKUP_CHARACTERS = 1000
_MARKUP_CHARACTERS = re.compile(r"[\[\]()<>&!*_`\\]")


def render_restricted_markdown(source: str) -> Markup:
    """Paragraphs, lists, emphasis and http(s) links; everything else shows as written."""
    if len(_MARKUP_CHARACTERS.findall(source)) > MAX_MARKUP_CHARACTERS:
        return _plain_paragraphs(source)
    _ENGINE.reset()
    # Raw HTML and entities are text: escaping `&`, `<`, `>` first means the engine never
    # sees a tag, and `&lt;b&gt;` shows as those eight characters.
    try:
        html = _ENGINE.convert(source.translate(_HTML_SPECIAL))
    except RecursionError:  # lists nested hundreds deep: shown as written
        _replace_engine()  # one left half-way through a conversion renders every later text wrongly
        return _plain_paragraphs(source)
    # The fragment lands inside an HTML block of a Markdown page: a blank line would end that
    # block and hand the rest back to the Markdown engine, so none may remain.
    return Markup(re.sub(r"\n\s*\n", "\n", html))


def _replace_engine() -> None:
    global _ENGINE
    _ENGINE = _new_engine()


def _plain_paragraphs(source: str) -> Markup:
    """The text as written, paragraph by paragraph, every character escaped: no Markdown at all."""
    paragraphs = [block.strip() for block in re.split(r"\n\s*\n", source) if block.strip()]
    return Markup("\n".join(f"<p>{html_escape(block)}</p>" for block in paragraphs))
