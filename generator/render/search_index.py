"""The search index of the site, as text: character bigrams with their positions, sharded by the bigram.

Why our own and not Pagefind: docs/search.md (the recall test's figures). Chinese is written
without spaces, so no word segmenter is trusted, neither at build time nor in the browser:
every pair of neighbouring characters of a searchable field is a token (the technique of
Lucene's CJK analyser), stored with the positions it occurs at. The browser cuts a query into
the same pairs, fetches only the shards those pairs hash to, and from the positions knows
exactly which pages hold the query, or pieces of it of two or more characters each:
`土默特右旗张某民` finds the case of 张某民 in 土默特右旗 although the page never writes them
together. Nothing is approximate, so nothing is missed.

Text is compared the same way on both sides (site_templates/overrides/assets/javascripts/
search-engine.js): each character in NFKC and lower case, traditional characters made
simplified (`traditional.py`), and only letters and digits kept, so `BT-0038`, `bt0038` and
`ＢＴ００３８` are one query and punctuation never separates what a reader sees as one name.

Documents are numbered cases first (newest bulletin first), then bulletins (newest first),
then projects (latest update first): the order of equal matches is the order of the numbers.
Every file's name is under one folder named by the digest of them all, so a browser may keep
them for ever and a new release is a new folder.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from html.parser import HTMLParser

from generator import urls
from generator.model.records import Archive
from generator.render.facets import Facet, case_entries, disposition_kinds
from generator.render.markup import render_restricted_markdown
from generator.render.traditional import traditional_pairs
from generator.validate.lookalikes import RADICALS, facet_key

KINDS = ("案例", "通报", "项目")
# Bytes of encoded postings per shard before gzip: about 0.7 KB gzip each, as much again in
# response headers; a query fetches one shard per distinct pair (bench/search_bytes.py).
SHARD_TARGET_BYTES = 1000
# Numbers are written as base-32 digits: the last digit of a number from TERMINAL, the others
# from CONTINUATION, so numbers need no separator. JSON-safe ASCII only.
TERMINAL = "0123456789abcdefghijklmnopqrstuv"
CONTINUATION = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
SMALL_NUMBERS = 32 * 32 * 32  # up to three digits
GAP = "\x00"  # between fields: `normalised` keeps only letters and digits, never this
# CJK ideographs (the unified blocks with Extension A, the compatibility block, planes 2 and 3):
# always kept, before the L/N category test, so an ideograph newer than the build's Python (3.11
# knows Unicode 14, not Extensions H, I, J) or than the browser is kept on both sides alike.
# search-engine.js IDEOGRAPHS.
IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _kept(ch: str) -> bool:
    point = ord(ch)
    return any(low <= point <= high for low, high in IDEOGRAPHS) or unicodedata.category(ch)[0] in "LN"


@dataclass(frozen=True)
class SearchDocument:
    """One page as search sees it: what it is called and shows, and the fields a query may match."""

    kind: int  # index into KINDS
    url: str  # site-relative, e.g. cases/BT-2021-11-22-01/
    title: str
    meta: str  # the line under the title: date, region, category
    fields: tuple[tuple[str, str], ...]  # (label, plain text), in the order excerpts prefer them last


@dataclass(frozen=True)
class SearchIndexInfo:
    """What the search page names: where the index is, how many shards, how many documents of each kind."""

    folder: str  # site-relative, ending in /
    shards: int
    kind_counts: tuple[int, ...]
    regions: tuple[str, ...]
    categories: tuple[str, ...]
    kinds: tuple[str, ...]
    months: tuple[str, ...]  # YYYY-MM, oldest first
    # The filters' values by filter, in the order of its labels: each value's facet slug, plain
    # ASCII and the same from one release to the next (a shared address keeps its meaning).
    keys: dict[str, tuple[str, ...]]


def normalised(text: str, simplified: dict[str, str] | None = None) -> tuple[str, list[int]]:
    """The text as the index compares it, and for each character kept the index of the one it came from.

    `simplified` maps traditional characters to simplified ones (traditional.py), after NFKC.
    Characters are code points (a character outside the BMP is one, as in the browser's engine).
    """
    table = simplified or {}
    kept: list[str] = []
    origin: list[int] = []
    for at, ch in enumerate(text):
        if ch.isascii():
            if ch.isalnum():
                kept.append(ch.lower())
                origin.append(at)
            continue
        for part in unicodedata.normalize("NFKC", ch).lower():
            part = table.get(part, part)
            if _kept(part):
                kept.append(part)
                origin.append(at)
    return "".join(kept), origin


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "li", "br"):
            self.parts.append("\n")


def plain_text(source: str) -> str:
    """Restricted Markdown as the reader sees it: the words, without emphasis marks or link targets."""
    parser = _TextOf()
    parser.feed(str(render_restricted_markdown(source)))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def search_documents(archive: Archive) -> tuple[SearchDocument, ...]:
    """Every searchable page, numbered in the order equal matches are shown."""
    documents = []
    for entry in case_entries(archive):
        c, b = entry.case, entry.record.bulletin
        fields: tuple[tuple[str, str], ...] = (
            ("标题", c.title),
            ("当事人", c.person),
            ("职务", c.position),
            ("地区", c.region),
            ("类别", c.category),
            ("处理", c.disposition),
            ("编号", c.case_id),
            ("案情", plain_text(c.text)),
        )
        meta = " · ".join(x for x in (_day(b.published), c.region, c.category, b.issuer) if x)
        documents.append(SearchDocument(0, f"{urls.CASES}/{urls.id_path(c.case_id)}/", c.title, meta, fields))
    for record in archive.bulletins:
        b = record.bulletin
        fields = (("标题", b.title), ("发布单位", b.issuer), ("编号", b.bulletin_id), ("摘要", plain_text(b.summary)))
        meta = " · ".join(x for x in (_day(b.published), b.issuer, f"{len(b.cases)} 起案例") if x)
        documents.append(SearchDocument(1, f"{urls.BULLETINS}/{urls.id_path(b.bulletin_id)}/", b.title, meta, fields))
    newest_first = sorted(archive.projects, key=lambda r: r.project.project_id)
    newest_first.sort(key=lambda r: r.project.updated, reverse=True)
    for project_record in newest_first:
        p = project_record.project
        fields = (
            ("名称", p.name),
            ("编号", p.project_id),
            ("二维码", " ".join(code.code_id for code in project_record.codes)),
            ("地区", p.region),
            ("主管部门", p.department),
            ("建设单位", p.owner),
            ("施工单位", p.contractor),
            ("监理单位", p.supervisor),
            ("地点", p.location),
        )
        meta = " · ".join(x for x in (p.region, p.status, p.project_id) if x)
        url = f"{urls.PROJECTS}/{urls.id_path(p.project_id)}/"
        documents.append(SearchDocument(2, url, p.name, meta, fields))
    return tuple(documents)


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def encode_numbers(numbers: list[int]) -> str:
    small = _small_numbers()
    return "".join([small[n] if n < SMALL_NUMBERS else _encode_number(n) for n in numbers])


def _encode_number(number: int) -> str:
    digits = [TERMINAL[number & 31]]
    number >>= 5
    while number:
        digits.append(CONTINUATION[number & 31])
        number >>= 5
    return "".join(reversed(digits))


@functools.cache
def _small_numbers() -> tuple[str, ...]:
    # Nearly every number of the index (a step, a count, a position) is below this: looked up, not encoded.
    return tuple(map(_encode_number, range(SMALL_NUMBERS)))


def shard_of(token: str, shards: int) -> int:
    """FNV-1a over the token's UTF-16 code units, as the browser computes it."""
    value = 0x811C9DC5
    units = token.encode("utf-16-le")
    for at in range(0, len(units), 2):
        value ^= units[at] | units[at + 1] << 8
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value % shards


def _translation(characters: set[str], simplified: dict[str, str]) -> dict[int, str | None]:
    """`normalised` as a table for str.translate: what each of `characters` becomes, None if dropped."""
    return {ord(ch): normalised(ch, simplified)[0] or None for ch in characters}


def _postings(documents: tuple[SearchDocument, ...], table: dict[int, str | None]) -> dict[str, str]:
    """Token → its encoded postings: per document, the number's step, how many positions, their steps."""
    by_token: dict[str, list[tuple[int, list[int]]]] = defaultdict(list)
    for number, document in enumerate(documents):
        # The fields joined by a gap, so no pair spans two of them and positions run on. Sorting the
        # pairs' positions by pair (stable, so each pair's positions stay in order) and grouping
        # them does per pair in C what a dict would do per position in Python.
        text = GAP.join(text.translate(table) for _, text in document.fields)
        pairs = list(map(str.__add__, text, text[1:]))
        for pair, positions in groupby(sorted(range(len(pairs)), key=pairs.__getitem__), key=pairs.__getitem__):
            if GAP not in pair:
                by_token[pair].append((number, list(positions)))
    encoded = {}
    for token, documents_found in by_token.items():
        numbers: list[int] = []
        previous = 0
        for number, found in documents_found:  # in document order, as they were numbered
            numbers += [number - previous, len(found), found[0]]
            numbers += map(int.__sub__, found[1:], found)
            previous = number
        encoded[token] = encode_numbers(numbers)
    return encoded


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def facet_index(
    archive: Archive, facets: tuple[Facet, ...]
) -> tuple[dict[str, object], tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """The filters' compact index of the cases (in document order), and the labels of each filter."""
    labels = {facet.key: tuple(value.label for value in facet.values) for facet in facets}
    months = tuple(sorted(value.slug for facet in facets if facet.key == "month" for value in facet.values))
    regions, categories, kinds = labels["region"], labels["category"], labels["kind"]
    rows = []
    for entry in case_entries(archive):
        published = entry.record.bulletin.published
        mask = 0
        for label, _ in disposition_kinds(entry.case.disposition):
            mask |= 1 << kinds.index(label)
        rows.append(
            [
                regions.index(facet_key(entry.case.region)),
                categories.index(facet_key(entry.case.category)),
                mask,
                months.index(f"{published.year:04d}-{published.month:02d}"),
            ]
        )
    keys = {key: tuple(value.slug for value in facet.values) for facet in facets for key in [facet.key]}
    index: dict[str, object] = {
        "keys": {name: keys[name] for name in ("region", "category", "kind")},
        "region": regions,
        "category": categories,
        "kind": kinds,
        "month": months,
        "cases": rows,
    }
    return index, (regions, categories, kinds, months)


def render_search_index(archive: Archive, facets: tuple[Facet, ...]) -> tuple[dict[str, str], SearchIndexInfo]:
    """Every file of the index by site-relative path, and what the search page must name."""
    documents = search_documents(archive)
    raw = set().union(*(text for document in documents for _, text in document.fields))
    as_is = _translation(raw, RADICALS)  # a radical in the text brings its ideograph's pairs
    pairs = traditional_pairs({ch for kept in as_is.values() if kept for ch in kept})
    postings = _postings(documents, _translation(raw, dict(zip(pairs[::2], pairs[1::2]))))
    shards = max(1, math.ceil(sum(len(t) * 3 + len(p) for t, p in postings.items()) / SHARD_TARGET_BYTES))
    by_shard: list[dict[str, str]] = [{} for _ in range(shards)]
    for token, encoded in postings.items():
        by_shard[shard_of(token, shards)][token] = encoded
    facet_data, (regions, categories, kinds, months) = facet_index(archive, facets)
    files = {f"s/{number}.json": _json(shard) for number, shard in enumerate(by_shard)}
    for number, document in enumerate(documents):
        fragment = {"u": document.url, "k": document.kind, "t": document.title, "m": document.meta}
        fragment["f"] = [[label, text] for label, text in document.fields if text]
        files[f"d/{number}.json"] = _json(fragment)
    files["facets.json"] = _json(facet_data)
    files["t2s.json"] = _json(pairs)
    digest = hashlib.sha256()
    for rel_path in sorted(files):
        digest.update(f"{rel_path}\n{len(files[rel_path])}\n{files[rel_path]}".encode())
    folder = f"{urls.SEARCH_INDEX}/{digest.hexdigest()[:12]}/"
    counts = tuple(sum(1 for d in documents if d.kind == kind) for kind in range(len(KINDS)))
    keys = facet_data["keys"]
    assert isinstance(keys, dict)
    info = SearchIndexInfo(folder, shards, counts, regions, categories, kinds, months, keys)
    return {folder + rel_path: data for rel_path, data in files.items()}, info
