"""Each search bundle is reused when its pages are byte-identical, and only the bundle holding a changed page is written again."""

from __future__ import annotations

import csv
import io
import shutil

from generator.settings import load_settings
from generator import pipeline
from generator.publish import search

from .conftest import SMALL
from .test_build import tree_digest


def _bundles(site):
    return {path.name: tree_digest(path) for path in site.iterdir() if path.name.startswith("pagefind")}


def test_unchanged_bundles_come_from_the_cache_and_a_change_rewrites_only_its_bundle(tmp_path, monkeypatch):
    written = []
    real_write = search.SearchIndex._write
    monkeypatch.setattr(
        search.SearchIndex, "_write", lambda self, shard: (written.append(shard.name), real_write(self, shard))
    )
    work = tmp_path / "work"
    work.mkdir()
    (work / "mkdocs.yml").write_text("extra:\n  search_shard_pages: 4\n", encoding="utf-8")
    pipeline.build(SMALL, work / "site", work, base_url="https://jd.example.org/")
    first = _bundles(work / "site")
    assert len(first) >= 3 and sorted(written) == sorted(first)
    entries = {frozenset(tree_digest(entry).items()) for entry in load_settings(work).search_cache.iterdir()}
    assert entries == {frozenset(digest.items()) for digest in first.values()}

    written.clear()
    pipeline.build(SMALL, work / "site", work, base_url="https://jd.example.org/")
    assert written == []  # nothing changed: every bundle from the cache, byte for byte
    assert _bundles(work / "site") == first

    # One project's progress note (shown on its own page only) changes: only its bundle is written again.
    changed = tmp_path / "changed"
    shutil.copytree(SMALL, changed)
    projects = changed / "2021-11" / "projects.csv"
    rows = list(csv.reader(io.StringIO(projects.read_text(encoding="utf-8"))))
    note = rows[0].index("进展情况")
    rows[1][note] += "（已复工）"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    projects.write_text(out.getvalue(), encoding="utf-8")
    pipeline.build(changed, work / "site", work, base_url="https://jd.example.org/")
    after = _bundles(work / "site")
    assert len(written) == 1 and after.keys() == first.keys()
    assert [name for name in first if first[name] != after[name]] == written
    assert len(list(load_settings(work).search_cache.iterdir())) == len(first)  # the replaced entry is gone
