"""The recall test's queries, made from an archive, and the rule each result list must follow.

The rule of issue #14, decided here in Python from the records themselves, independently
of the index: a page matches a query when the query, with everything but letters and digits
taken out (and traditional characters made simplified), can be cut into pieces of two or
more characters that each occur in one of the page's searchable fields. Fewer pieces rank
higher; a query occurring whole in exactly one case must show that case first.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from dataclasses import dataclass

import opencc

from generator.model.records import Archive

KIND_ORDER = ("案例", "通报", "项目")


@dataclass(frozen=True)
class Page:
    url: str  # site-relative, e.g. /cases/BT-2021-11-22-01/
    kind: str
    fields: tuple[str, ...]  # each normalised

    @functools.cached_property
    def text(self) -> str:
        """The fields joined by a character no normalised piece holds: a piece is in it iff in one field."""
        return "\x00".join(self.fields)


@dataclass(frozen=True)
class Query:
    text: str  # as a journalist types it
    family: str  # where it was taken from (for the figures)
    target: str  # the URL of the page it was taken from: must be found


# CJK ideographs are kept whatever Python's Unicode tables know of them (Extensions H, I, J).
IDEOGRAPHS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def normalised(text: str) -> str:
    """Letters and digits only, each character in NFKC and lower case (as the index keeps them)."""
    kept = []
    for ch in text:
        for part in unicodedata.normalize("NFKC", ch).lower():
            point = ord(part)
            ideograph = any(low <= point <= high for low, high in IDEOGRAPHS)
            if ideograph or unicodedata.category(part)[0] in "LN":
                kept.append(part)
    return "".join(kept)


def pages_of(archive: Archive) -> list[Page]:
    pages = []
    for record in archive.bulletins:
        for case in record.bulletin.cases:
            texts = (case.case_id, case.title, case.person, case.position, case.region, case.category)
            pages.append(Page(f"/cases/{case.case_id}/", "案例", _fields(*texts, case.disposition, case.text)))
    for record in archive.bulletins:
        b = record.bulletin
        pages.append(Page(f"/bulletins/{b.bulletin_id}/", "通报", _fields(b.bulletin_id, b.title, b.issuer, b.summary)))
    for project_record in archive.projects:
        p = project_record.project
        codes = tuple(code.code_id for code in project_record.codes)
        texts = (p.project_id, p.name, p.owner, p.contractor, p.supervisor, p.department, p.region, p.location)
        pages.append(Page(f"/p/{p.project_id}/", "项目", _fields(*texts, *codes)))
    return pages


def _fields(*texts: str) -> tuple[str, ...]:
    return tuple(n for n in (normalised(t) for t in texts) if n)


def pieces(query: str, text: str) -> int | None:
    """The fewest pieces (each ≥ 2 characters, each in one field of `text`) the normalised query cuts into, or None."""
    best: list[int | None] = [0] + [None] * len(query)
    for start in range(len(query)):
        if best[start] is None:
            continue
        for end in range(start + 2, len(query) + 1):
            piece = query[start:end]
            if piece not in text:
                break  # a longer piece from here cannot occur either
            if best[end] is None or best[start] + 1 < best[end]:
                best[end] = best[start] + 1
    return best[len(query)]


def matches(query_text: str, pages: list[Page], simplified: opencc.OpenCC) -> dict[str, int]:
    """URL → pieces of every page the query must find."""
    query = normalised(simplified.convert(query_text))
    if len(query) < 2:
        return {}
    found = {}
    for page in pages:
        text = page.text
        # The first and the last two characters are in every cut's first and last piece.
        if query[:2] in text and query[-2:] in text and (count := pieces(query, text)) is not None:
            found[page.url] = count
    return found


def make_queries(archive: Archive) -> list[Query]:
    """At least 200 queries of every family the issue names, the same ones for the same archive."""
    rng = random.Random(1237)  # Pagefind issue #1237: the reason for this test
    traditional = opencc.OpenCC("s2t")
    cases = [(r, c) for r in archive.bulletins for c in r.bulletin.cases]
    bulletins = [r.bulletin for r in archive.bulletins]
    projects = [r for r in archive.projects]
    queries: list[Query] = []

    def add(text: str, family: str, target: str) -> None:
        if len(normalised(text)) >= 2 and all(q.text != text for q in queries):
            queries.append(Query(text, family, target))

    for _, case in rng.sample(cases, 30):
        url = f"/cases/{case.case_id}/"
        add(case.person, "姓名", url)
        add(f"{case.region}{case.person}", "地区+姓名（连写）", url)
        unit = case.position.split("原", 1)[0]
        add(unit, "单位", url)
        add(_across(rng, case.title), "标题片段（跨词）", url)
        add(_across(rng, case.text), "正文片段", url)
    for _, case in rng.sample(cases, 10):
        add(f"{case.region} {case.person}", "地区 姓名（空格）", f"/cases/{case.case_id}/")
        add(case.case_id, "编号", f"/cases/{case.case_id}/")
        amounts = re.findall(r"\d+(?:\.\d+)?万元", case.text)
        if amounts:
            add(amounts[0], "数字", f"/cases/{case.case_id}/")
    for bulletin in rng.sample(bulletins, 15):
        url = f"/bulletins/{bulletin.bulletin_id}/"
        add(_across(rng, bulletin.title), "通报标题片段", url)
        add(bulletin.issuer, "通报机关", url)
        add(bulletin.bulletin_id.lower(), "编号", url)
    for record in rng.sample(projects, 25):
        p = record.project
        url = f"/p/{p.project_id}/"
        add(p.name, "项目名称", url)
        add(p.contractor, "施工单位", url)
        add(_across(rng, p.owner), "建设单位片段", url)
        add(p.project_id.replace("-", ""), "编号", url)
    for record in rng.sample(projects, 8):
        p = record.project
        url = f"/p/{p.project_id}/"
        add(_across(rng, p.location), "地点片段", url)
        if record.codes:
            add(record.codes[0].code_id, "二维码编号（拉丁字母+数字）", url)
        add(p.supervisor, "监理单位", url)
    for _, case in rng.sample(cases, 40):
        for text, family in ((case.position, "繁体：职务"), (case.region + case.person, "繁体：地区+姓名")):
            written = traditional.convert(text)
            if written != text:
                add(written, family, f"/cases/{case.case_id}/")
    for record in rng.sample(projects, 20):
        written = traditional.convert(record.project.name)
        if written != record.project.name:
            add(written, "繁体：项目名称", f"/p/{record.project.project_id}/")
    return queries


def _across(rng: random.Random, text: str) -> str:
    """A run of 4 to 8 characters from anywhere in one line of the text: it may cut words and punctuation."""
    lines = [line for line in text.splitlines() if len(line.strip()) >= 4]
    line = rng.choice(lines).strip()
    length = min(len(line), rng.randint(4, 8))
    start = rng.randint(0, len(line) - length)
    return line[start : start + length]
