"""Atom feeds: every bulletin, 本期更新, and the cases of each month, region, category and kind of disposition.

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
from generator.render.changes import ChangeReport
from generator.render.facets import Facet, FacetValue
from generator.render.markup import render_restricted_markdown
from generator.model.records import Archive, BulletinRecord, Case
from generator.render.site_info import SiteInfo
from generator.urls import id_path
from generator import urls

TEMPLATES_DIR = resources.TEMPLATES_DIR / "feeds"
MAX_ENTRIES = 50  # the newest, in a facet's feed; the archive pages and downloads hold the rest
FEED_FACETS = ("month", "region", "category", "kind")
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
    complete: bool = False  # every entry there is (RFC 5005 complete feed), not only the newest


def feed_path(facet_key: str, value: FacetValue) -> str:
    return f"{urls.FEEDS}/{facet_key}/{value.slug}.xml"


ALL_BULLETINS_PATH = f"{urls.FEEDS}/bulletins.xml"
CHANGES_PATH = f"{urls.FEEDS}/changes.xml"
CHANGES_LISTED = 20  # projects or bulletins of each kind an entry of the changes feed names


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
            complete=True,
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


def render_changes_feed(archive: Archive, site: SiteInfo, reports: tuple[ChangeReport, ...]) -> dict[str, str]:
    """本期更新 as a feed: one entry per release, its change report in short."""
    env = xml_environment()
    content = env.get_template("_changes_content.html.j2")
    entries = []
    for report in reports:
        url = f"{site.site_url}{urls.CHANGES}/{id_path(report.release_id)}/"
        entries.append(
            FeedEntry(
                entry_id=url,
                title=f"{report.release_id} 期更新",
                url=url,
                author=next(r.issuer for r in archive.releases if r.release_id == report.release_id),
                published=_stamp(report.published),
                updated=_stamp(report.published),
                categories=(),
                summary=_changes_summary(report),
                content_html=content.render(report=report, site_url=site.site_url, page_url=url, limit=CHANGES_LISTED),
            )
        )
    titles = ("码上监督 · 本期更新", "每期数据发布时新增、撤下和变更的项目，首次发布的二维码，新增和更正的通报")
    feed = _feed(archive, site, CHANGES_PATH, titles, f"{urls.CHANGES}/", entries, complete=True)
    return {feed.rel_path: env.get_template("atom.xml.j2").render(feed=feed)}


def _changes_summary(report: ChangeReport) -> str:
    counts = (
        ("新增项目", len(report.added)),
        ("撤下项目", len(report.dropped)),
        ("变更项目", len(report.changed)),
        ("首次发布二维码", len(report.new_codes)),
        ("新增通报", len(report.bulletins_added)),
        ("更正通报", len(report.bulletins_corrected)),
    )
    return "、".join(f"{label} {count}" for label, count in counts if count) or "本期没有变化"


def _feed(
    archive: Archive,
    site: SiteInfo,
    rel_path: str,
    titles: tuple[str, str],
    page_path: str,
    entries: list[FeedEntry],
    complete: bool = False,
) -> Feed:
    entries = sorted(entries, key=lambda e: (e.updated, e.entry_id), reverse=True)
    entries = entries if complete else entries[:MAX_ENTRIES]
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
        complete=complete,
    )
