"""The search index is reused when every built page is byte-identical, and rebuilt when one is not."""

from __future__ import annotations

import shutil

from generator import pipeline

from .conftest import SMALL
from .test_build import tree_digest


def test_rebuild_takes_the_index_from_the_cache_and_a_change_rebuilds_it(tmp_path, monkeypatch):
    from generator import search

    work = tmp_path / "work"
    pipeline.build(SMALL, work / "site", work, base_url="https://jd.example.org/")
    first = tree_digest(work / "site" / "pagefind")
    entries = list((work / pipeline.SEARCH_CACHE).iterdir())
    assert len(entries) == 1 and tree_digest(entries[0]) == first

    runs = []
    real_run = search._run_pagefind
    monkeypatch.setattr(search, "_run_pagefind", lambda site_dir: (runs.append(site_dir), real_run(site_dir)))
    pipeline.build(SMALL, work / "site", work, base_url="https://jd.example.org/")
    assert runs == []  # nothing changed: taken from the cache, byte for byte
    assert tree_digest(work / "site" / "pagefind") == first

    changed = tmp_path / "changed"
    shutil.copytree(SMALL, changed)
    notes = changed / "2021-11" / "release.yaml"
    notes.write_text(notes.read_text(encoding="utf-8") + "notes: 本期新增说明。\n", encoding="utf-8")
    pipeline.build(changed, work / "site", work, base_url="https://jd.example.org/")
    assert len(runs) == 1  # a page changed: the index is built again
    assert len(list((work / pipeline.SEARCH_CACHE).iterdir())) == 1  # only the latest is kept
