"""Feeds and downloads on the built sample, through the shipped nginx: XML gzipped, CSV files downloaded
under their names, feeds per month, per kind of disposition and for 本期更新, the whole bulletins feed,
and bulletin pages whose titles tell them apart."""

from __future__ import annotations

import gzip
import http.client
import re
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import urlsplit

import pytest

from generator.publish import nginx
from generator.render.facets import build_facets

ATOM = "{http://www.w3.org/2005/Atom}"
HISTORY = "{http://purl.org/syndication/history/1.0}"


@pytest.fixture(scope="module")
def served(sample_build):
    with nginx.serve(sample_build.site_dir) as url:
        yield url


def _get(base: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize("path", ["/feeds/bulletins.xml", "/feeds/changes.xml", "/sitemap.xml"])
def test_xml_is_sent_gzipped_to_a_client_that_asks(served, sample_build, path):
    status, headers, body = _get(served, path, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip", headers
    on_disk = (sample_build.site_dir / path.lstrip("/")).read_bytes()
    assert gzip.decompress(body) == on_disk and len(body) < len(on_disk) / 4


@pytest.mark.parametrize("name", ["projects.csv", "cases.csv"])
def test_csv_downloads_are_files_with_their_names(served, sample_build, name):
    status, headers, body = _get(served, f"/data/{name}")
    assert status == 200
    assert headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"] == f'attachment; filename="{name}"'
    assert headers["x-content-type-options"] == "nosniff"
    assert body == (sample_build.site_dir / "data" / name).read_bytes()


def _entries(path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall(f"{ATOM}entry")


def test_feeds_per_month_and_per_kind_of_disposition_hold_their_cases(sample_build):
    site = sample_build.site_dir
    for facet in build_facets(sample_build.archive):
        for value in facet.values:
            path = site / "feeds" / facet.key / f"{value.slug}.xml"
            links = [e.find(f"{ATOM}link").get("href") for e in _entries(path)]
            expected = [f"https://jd.example.org/cases/{entry.case_id}/" for entry in value.entries]
            if len(expected) <= 50:
                assert sorted(links) == sorted(expected), (facet.key, value.label)
            else:  # the newest 50
                assert len(links) == 50 and set(links) <= set(expected), (facet.key, value.label)
            page = (site / "facets" / facet.key / value.slug / "index.html").read_text(encoding="utf-8")
            assert f"feeds/{facet.key}/{value.slug}.xml" in page  # the facet page links its feed


def test_the_bulletins_feed_is_complete_and_the_changes_feed_has_each_release(sample_build):
    site = sample_build.site_dir
    root = ET.parse(site / "feeds" / "bulletins.xml").getroot()
    assert root.find(f"{HISTORY}complete") is not None  # RFC 5005: nothing older to page through
    ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)) == len(sample_build.archive.bulletins) > 50
    changes = _entries(site / "feeds" / "changes.xml")
    releases = [release.release_id for release in sample_build.archive.releases]
    assert sorted(e.find(f"{ATOM}title").text for e in changes) == sorted(f"{r} 期更新" for r in releases)
    assert "feeds/changes.xml" in (site / "changes" / "index.html").read_text(encoding="utf-8")


def test_no_two_bulletin_pages_share_a_title(sample_build):
    titles = Counter()
    for page in (sample_build.site_dir / "bulletins").glob("*/index.html"):
        titles[re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S).group(1).strip()] += 1
    assert len(titles) == len(sample_build.archive.bulletins)
    assert [title for title, count in titles.items() if count > 1] == []
    record = sample_build.archive.bulletins[0]
    b = record.bulletin
    page = (sample_build.site_dir / "bulletins" / b.bulletin_id / "index.html").read_text(encoding="utf-8")
    day = f"{b.published.year}年{b.published.month}月{b.published.day}日"
    assert f"<title>{b.title}（{b.issuer}，{day}）" in page
