"""Escaping of export data for Markdown pages, and the restricted Markdown of summaries and case texts.

Data is text, never markup. jinja's autoescape knows only HTML, while the
Markdown engine and its extensions give meaning to ASCII punctuation (`*`, `|`,
`{`, `--8<--`, `!!!`, `---`), so every value is written with its HTML- and
Markdown-significant characters as numeric character references: both the
Markdown engine and the browser then show them as the literal characters.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

# Every ASCII punctuation character some Markdown syntax or extension gives a meaning to.
_SIGNIFICANT = set("\\`*_{}[]()#+-.!|<>&\"'~^=:$%@/;?,")
_REFERENCES = {ord(ch): f"&#{ord(ch)};" for ch in _SIGNIFICANT}
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def escape_text(value: object) -> str:
    """A value as inert text for Markdown and HTML alike, on one line."""
    return _LINE_BREAKS.sub(" ", str(value)).translate(_REFERENCES)


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

    def handleMatch(self, m, data):  # noqa: N802 - Python-Markdown's API
        return _text_span(m.group(0)), m.start(0), m.end(0)


def _text_span(text: str) -> etree.Element:
    span = etree.Element("span")
    span.text = markdown.util.AtomicString(text)
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
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 1)


_ENGINE = markdown.Markdown(extensions=[_RestrictedMarkdown()], output_format="html")
_HTML_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def render_restricted_markdown(source: str) -> Markup:
    """Paragraphs, lists, emphasis and http(s) links; everything else shows as written."""
    _ENGINE.reset()
    # Raw HTML and entities are text: escaping `&`, `<`, `>` first means the engine never
    # sees a tag, and `&lt;b&gt;` shows as those eight characters.
    html = _ENGINE.convert(source.translate(_HTML_SPECIAL))
    # The fragment lands inside an HTML block of a Markdown page: a blank line would end that
    # block and hand the rest back to the Markdown engine, so none may remain.
    return Markup(re.sub(r"\n\s*\n", "\n", html))
