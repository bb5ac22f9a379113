"""The case archive cut four ways (month, region, category, kind of disposition), with safe page slugs.

Facet values come from the export and are free text, so they never become a
path as written: months are `YYYY-MM` from a date, kinds of disposition have
fixed ASCII slugs, and regions and categories get a short hash of their name,
which is stable from one release to the next and can hold nothing but hex digits.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass

from generator.validate.lookalikes import facet_key
from generator.model.records import Archive, BulletinRecord, Case

# Kinds of disposition, in the order of their weight, with the words that name them in a
# disposition text. A case can have several (开除党籍、开除公职，移送检察机关 has three).
DISPOSITION_KINDS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("开除党籍", "party-expulsion", re.compile(r"开除党籍")),
    ("开除公职", "dismissal", re.compile(r"开除公职")),
    ("移送司法机关", "judicial-transfer", re.compile(r"移送(?:司法|检察|公安|审查起诉)")),
    ("党纪处分", "party-discipline", re.compile(r"党内(?:严重)?警告|撤销党内职务|留党察看")),
    ("政务处分", "administrative-sanction", re.compile(r"政务(?:警告|记过|记大过|降级|撤职)|撤职|降级|记大?过")),
    ("诫勉", "admonition", re.compile(r"诫勉")),
    ("组织处理", "organisational", re.compile(r"免职|停职|调离|责令(?:检查|辞职)|通报批评|批评教育|谈话提醒")),
)
OTHER_KIND = ("其他处理", "other")  # a disposition that names none of the kinds above
NO_KIND = ("未注明", "unstated")  # no disposition given


@dataclass(frozen=True)
class CaseEntry:
    """A case with the bulletin it was published in: what every list of cases shows."""

    record: BulletinRecord
    case: Case

    @property
    def case_id(self) -> str:
        return self.case.case_id


@dataclass(frozen=True)
class FacetValue:
    label: str  # as shown, e.g. 违规收受礼金 or 2021年11月: the facet key that its spellings share
    slug: str  # the page's file name: [a-z0-9-] only
    entries: tuple[CaseEntry, ...]  # newest bulletin first, then in bulletin order


@dataclass(frozen=True)
class Facet:
    key: str  # month, region, category, kind
    title: str  # 按月份 …
    field_name: str  # what the value is, for headings: 月份, 地区 …
    values: tuple[FacetValue, ...]
    single_valued: bool  # every case has exactly one value (kinds: one or more)


def disposition_kinds(disposition: str) -> tuple[tuple[str, str], ...]:
    """The kinds (label, slug) a disposition text names, in the order of DISPOSITION_KINDS."""
    if not disposition.strip():
        return (NO_KIND,)
    wording = facet_key(disposition)  # 开除\u200b党籍 names the kind as plainly as 开除党籍
    found = tuple((label, slug) for label, slug, pattern in DISPOSITION_KINDS if pattern.search(wording))
    return found or (OTHER_KIND,)


def hashed_slug(name: str) -> str:
    """A stable, path-safe slug for a name from the data: 10 hex digits of its SHA-256."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]


def case_entries(archive: Archive) -> tuple[CaseEntry, ...]:
    """Every current case, newest bulletin first, then in the bulletin's order."""
    return tuple(CaseEntry(record, case) for record in archive.bulletins for case in record.bulletin.cases)


def build_facets(archive: Archive) -> tuple[Facet, ...]:
    entries = case_entries(archive)
    months: dict[str, list[CaseEntry]] = defaultdict(list)
    regions: dict[str, list[CaseEntry]] = defaultdict(list)
    categories: dict[str, list[CaseEntry]] = defaultdict(list)
    kinds: dict[tuple[str, str], list[CaseEntry]] = defaultdict(list)
    for entry in entries:
        published = entry.record.bulletin.published
        months[f"{published.year:04d}-{published.month:02d}"].append(entry)
        # Look-alike spellings (invisible characters, NFD, full-width, radicals) share one value.
        regions[facet_key(entry.case.region)].append(entry)
        categories[facet_key(entry.case.category)].append(entry)
        for kind in disposition_kinds(entry.case.disposition):
            kinds[kind].append(entry)
    kind_order = [(label, slug) for label, slug, _ in DISPOSITION_KINDS] + [OTHER_KIND, NO_KIND]
    return (
        Facet(
            "month",
            "按月份",
            "月份",
            tuple(
                FacetValue(f"{month[:4]}年{int(month[5:])}月", month, tuple(months[month]))
                for month in sorted(months, reverse=True)
            ),
            True,
        ),
        Facet("region", "按地区", "发生地区", _hashed_values(regions), True),
        Facet("category", "按问题类别", "问题类别", _hashed_values(categories), True),
        Facet(
            "kind",
            "按处理方式",
            "处理方式",
            tuple(
                FacetValue(label, slug, tuple(kinds[(label, slug)]))
                for label, slug in kind_order
                if (label, slug) in kinds
            ),
            False,
        ),
    )


def _hashed_values(groups: dict[str, list[CaseEntry]]) -> tuple[FacetValue, ...]:
    """Values with hashed slugs, most cases first, then by name; two names on one slug is an error."""
    values = tuple(
        FacetValue(name, hashed_slug(name), tuple(groups[name]))
        for name in sorted(groups, key=lambda name: (-len(groups[name]), name))
    )
    slugs = [value.slug for value in values]
    if len(set(slugs)) != len(slugs):
        raise ValueError("two facet values share a slug")  # 1 in 10^12 for a few hundred names
    return values


def facet_value_of(facets: tuple[Facet, ...], key: str, label: str) -> FacetValue:
    """The value of facet `key` named `label` or a look-alike of it (for links from a case page to its facet pages)."""
    wanted = facet_key(label)
    for facet in facets:
        if facet.key == key:
            for value in facet.values:
                if value.label == wanted:
                    return value
    raise KeyError((key, label))
