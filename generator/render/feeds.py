"""Atom feeds: every bulletin, and the cases of each region and each category.

Feeds are XML, not Markdown, so they have their own jinja environment with
XML autoescaping instead of the Markdown `finalize` of the pages. Entry ids are
the permanent page URLs, so an entry keeps its id from one build to the next;
dates come from the data (the bulletin's date, or the release that corrected it).
"""

from __future__ import annotations

import functools

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
from markupsafe import Markup

from generator import resources
from generator.render.facets import Facet, FacetValue
from generator.render.markup import render_restricted_markdown
from generator.model.records import Archive, BulletinRecord, Case
from generator.render.site_info import SiteInfo
from generator.urls import id_path
from generator import urls

TEMPLATES_DIR = resources.TEMPLATES_DIR / "feeds"
MAX_ENTRIES = 50  # the newest; the archive pages and downloads hold the rest
FEED_FACETS = ("region", "category")
# Characters XML 1.0 cannot hold at all, even escaped: dropped from feed text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    entry_id: str
    title: str
    url: str
    author: str
    published: str  # RFC 3339
    updated: str
    categories: tuple[str, ...]
    summary: str
    content_html: str  # HTML as text: the template escapes it into the element


@dataclass(frozen=True)
class Feed:
    rel_path: str  # e.g. feeds/region/0123456789.xml
    feed_id: str
    title: str
    subtitle: str
    self_url: str
    page_url: str
    author: str
    updated: str
    entries: tuple[FeedEntry, ...]


def feed_path(facet_key: str, value: FacetValue) -> str:
    return f"{urls.FEEDS}/{facet_key}/{value.slug}.xml"


ALL_BULLETINS_PATH = f"{urls.FEEDS}/bulletins.xml"


def _drop_non_xml(value: object) -> object:
    if isinstance(value, Markup):  # made from checked parts (restricted Markdown): kept as it is
        return value
    return _NOT_XML.sub("", value) if isinstance(value, str) else value


@functools.cache
def xml_environment(templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """jinja for XML output (feeds, SVG charts): every value XML-escaped, characters XML cannot hold dropped."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        finalize=_drop_non_xml,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(markdown=render_restricted_markdown, id_path=id_path)
    return env


def _stamp(value: date) -> str:
    return f"{value.isoformat()}T00:00:00+08:00"


def _updated(record: BulletinRecord) -> date:
    """A corrected bulletin changed when the correcting release was published."""
    if record.is_corrected:
        return max(record.bulletin.published, record.current.release_published)
    return record.bulletin.published


def render_feeds(archive: Archive, site: SiteInfo, facets: tuple[Facet, ...]) -> dict[str, str]:
    """Every feed's XML, by path relative to the site."""
    env = xml_environment()
    entries = _Entries(env, site)
    feeds = [
        _feed(
            archive,
            site,
            ALL_BULLETINS_PATH,
            ("码上监督 · 典型案例通报", "全部典型案例通报，最新的在前"),
            f"{urls.BULLETINS}/",
            [entries.bulletin(record) for record in archive.bulletins],
        )
    ]
    for facet in facets:
        if facet.key not in FEED_FACETS:
            continue
        for value in facet.values:
            titles = (
                f"码上监督 · {facet.field_name}：{value.label}",
                f"{facet.field_name}为“{value.label}”的典型案例，最新的在前",
            )
            cases = [entries.case(entry.record, entry.case) for entry in value.entries]
            feeds.append(
                _feed(archive, site, feed_path(facet.key, value), titles, f"facets/{facet.key}/{value.slug}/", cases)
            )
    atom = env.get_template("atom.xml.j2")
    return {f.rel_path: atom.render(feed=f) for f in feeds}


class _Entries:
    """Feed entries of cases and bulletins, their content drawn from the feed templates."""

    def __init__(self, env: jinja2.Environment, site: SiteInfo) -> None:
        self.site = site
        self.case_html = env.get_template("_case_content.html.j2")
        self.bulletin_html = env.get_template("_bulletin_content.html.j2")

    def case(self, record: BulletinRecord, case: Case) -> FeedEntry:
        b = record.bulletin
        return FeedEntry(
            entry_id=urls.page_url(self.site.site_url, urls.CASES, case.case_id),
            title=case.title,
            url=urls.page_url(self.site.site_url, urls.CASES, case.case_id),
            author=b.issuer,
            published=_stamp(b.published),
            updated=_stamp(_updated(record)),
            categories=(case.region, case.category),
            summary=f"{case.region} · {case.category}" + (f" · {case.disposition}" if case.disposition else ""),
            content_html=self.case_html.render(case=case, record=record),
        )

    def bulletin(self, record: BulletinRecord) -> FeedEntry:
        b = record.bulletin
        return FeedEntry(
            entry_id=urls.page_url(self.site.site_url, urls.BULLETINS, b.bulletin_id),
            title=b.title,
            url=urls.page_url(self.site.site_url, urls.BULLETINS, b.bulletin_id),
            author=b.issuer,
            published=_stamp(b.published),
            updated=_stamp(_updated(record)),
            categories=(b.region,),
            summary=f"{b.issuer}通报 {len(b.cases)} 起典型案例",
            content_html=self.bulletin_html.render(record=record, site_url=self.site.site_url),
        )


def _feed(
    archive: Archive, site: SiteInfo, rel_path: str, titles: tuple[str, str], page_path: str, entries: list[FeedEntry]
) -> Feed:
    entries = sorted(entries, key=lambda e: (e.updated, e.entry_id), reverse=True)[:MAX_ENTRIES]
    updated = max((e.updated for e in entries), default=_stamp(archive.newest.published))
    return Feed(
        rel_path=rel_path,
        feed_id=f"{site.site_url}{rel_path}",
        title=titles[0],
        subtitle=titles[1],
        self_url=f"{site.site_url}{rel_path}",
        page_url=f"{site.site_url}{page_path}",
        author=archive.newest.issuer,
        updated=updated,
        entries=tuple(entries),
    )
