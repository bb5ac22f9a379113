"""Facets of the case archive: kinds of disposition, safe slugs, counts that add up, pages for every value."""

from __future__ import annotations

import re

import pytest

from generator.render.facets import build_facets, case_entries, disposition_kinds, hashed_slug

from .test_build import page_text


@pytest.mark.parametrize(
    ("disposition", "kinds"),
    [
        ("开除党籍、开除公职，移送检察机关", ["开除党籍", "开除公职", "移送司法机关"]),
        ("开除党籍，移送司法机关依法处理", ["开除党籍", "移送司法机关"]),
        ("党内严重警告、政务撤职", ["党纪处分", "政务处分"]),
        ("留党察看一年、政务降级", ["党纪处分", "政务处分"]),
        ("政务记大过", ["政务处分"]),
        ("诫勉谈话", ["诫勉"]),
        ("免职", ["组织处理"]),
        ("另案处理", ["其他处理"]),
        ("", ["未注明"]),
    ],
)
def test_kinds_of_disposition_come_from_the_text(disposition, kinds):
    assert [label for label, _ in disposition_kinds(disposition)] == kinds


@pytest.mark.parametrize("name", ["../../etc/passwd", "昆都仑区", "a/b", "<script>", "", "CON"])
def test_hashed_slugs_are_path_safe_and_stable(name):
    slug = hashed_slug(name)
    assert re.fullmatch(r"[0-9a-f]{10}", slug)
    assert slug == hashed_slug(name)


def test_facet_counts_add_up_to_the_number_of_cases(sample_build):
    archive = sample_build.archive
    entries = case_entries(archive)
    assert len(entries) == 385
    all_ids = {e.case_id for e in entries}
    for facet in build_facets(archive):
        ids = [e.case_id for value in facet.values for e in value.entries]
        if facet.single_valued:
            assert len(ids) == len(entries), facet.key
            assert set(ids) == all_ids, facet.key
        else:
            # A case can have several kinds, never none.
            assert set(ids) == all_ids
            assert len(ids) >= len(entries)
        slugs = [value.slug for value in facet.values]
        assert len(set(slugs)) == len(slugs)
        assert all(re.fullmatch(r"[a-z0-9-]+", slug) for slug in slugs)


def test_every_facet_value_has_a_page_with_its_count(sample_build):
    site = sample_build.site_dir
    browse = "".join(page_text(site / "facets" / "index.html").parts)
    for facet in build_facets(sample_build.archive):
        for value in facet.values:
            page = site / "facets" / facet.key / value.slug / "index.html"
            text = "".join(page_text(page).parts)
            assert f"共 {len(value.entries)} 起典型案例" in text
            assert value.label in text and value.label in browse
            for entry in value.entries[:3]:
                assert entry.case.title in text


def test_case_page_links_to_its_facets_projects_and_is_citable(sample_build):
    site = sample_build.site_dir
    html = (site / "cases" / "BT-2021-10-29-2-02" / "index.html").read_text(encoding="utf-8")
    text = "".join(page_text(site / "cases" / "BT-2021-10-29-2-02" / "index.html").parts)
    # The case names project BT-0038 by its id: the link goes both ways.
    assert 'href="../../p/BT-0038/"' in html
    project = (site / "p" / "BT-0038" / "index.html").read_text(encoding="utf-8")
    assert "../../cases/BT-2021-10-29-2-02/" in project
    assert f'href="../../facets/category/{hashed_slug("拖欠企业账款")}/"' in html
    assert f'href="../../facets/region/{hashed_slug("石拐区")}/"' in html
    assert 'href="../../facets/kind/party-discipline/"' in html
    assert 'href="../../facets/month/2021-10/"' in html
    assert "引用本案例" in text
    assert "https://jd.example.org/cases/BT-2021-10-29-2-02/" in text
    assert "2021-11 期数据" in text  # the release the current text came from
    assert "更正" in text  # its bulletin was corrected in 2021-11


def test_hostile_facet_values_cannot_leave_their_folder(sample_build):
    """Slugs never come from the text: a region named like a path still lands in facets/region/."""
    from dataclasses import replace

    archive = sample_build.archive
    record = archive.bulletins[0]
    hostile = replace(record.bulletin.cases[0], region="../../index", category="<script>alert(1)</script>")
    bulletin = replace(record.bulletin, cases=(hostile, *record.bulletin.cases[1:]))
    changed = replace(archive, bulletins=(replace(record, current=replace(record.current, bulletin=bulletin)),))
    from generator.render.archive_pages import render_archive
    from generator.render.site_info import SiteInfo

    files: dict[str, str | bytes] = {}
    render_archive(
        changed,
        SiteInfo(archive.newest, True, "https://JD.EXAMPLE.ORG/Q/", "https://jd.example.org/"),
        files.__setitem__,
    )
    for rel_path in files:
        assert ".." not in rel_path.split("/") and re.fullmatch(r"[A-Za-z0-9_./-]+", rel_path), rel_path
    assert f"facets/region/{hashed_slug('../../index')}.md" in files
    page = files[f"facets/category/{hashed_slug('<script>alert(1)</script>')}.md"]
    assert "<script>" not in page and "&#60;script&#62;" in page
