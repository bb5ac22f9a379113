"""Pages are rendered again only when something they are made from changed, never because of a file time."""

from __future__ import annotations

import os
import shutil

import pytest

from generator import pagecache, pipeline
from generator.readers import read_data_root

from .conftest import SMALL

BASE = "https://jd.example.org/"


def _content(work):
    return {p.relative_to(work).as_posix(): p.read_bytes() for p in (work / "content").rglob("*.md")}


def test_a_rebuild_with_nothing_changed_renders_nothing(tmp_path, monkeypatch):
    first = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    before = _content(tmp_path)
    monkeypatch.setattr(pipeline, "render_pages", lambda *a, **k: pytest.fail("pages rendered again"))
    os.utime(SMALL / "2021-11" / "projects.csv")  # a new time alone changes nothing
    second = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    assert second.pages == first.pages
    assert _content(tmp_path) == before


def test_a_changed_data_file_renders_the_pages_again(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(SMALL, root)
    pipeline.build(root, tmp_path / "site", tmp_path, base_url=BASE)
    projects = root / "2021-11" / "projects.csv"
    text = projects.read_text(encoding="utf-8").replace("友谊大街改造工程", "友谊大街拓宽工程")
    projects.write_text(text, encoding="utf-8")
    pipeline.build(root, tmp_path / "site", tmp_path, base_url=BASE)
    assert "友谊大街拓宽工程" in (tmp_path / "content" / "p" / "BT-0001.md").read_text(encoding="utf-8")


def test_the_key_covers_data_and_settings(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(SMALL, root)
    sources = read_data_root(root).sources
    key = pagecache.inputs_key(sources, {"base_url": BASE})
    assert pagecache.inputs_key(read_data_root(root).sources, {"base_url": BASE}) == key
    assert pagecache.inputs_key(sources, {"base_url": "https://other.example.org/"}) != key
    (root / "2021-11" / "release.yaml").write_bytes((root / "2021-11" / "release.yaml").read_bytes() + b"\n")
    assert pagecache.inputs_key(read_data_root(root).sources, {"base_url": BASE}) != key


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"key": "x", "pages": {}}', b"[]"])
def test_a_damaged_or_foreign_cache_is_rendered_again(tmp_path, damage):
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    before = _content(tmp_path)
    (tmp_path / pipeline.PAGE_CACHE).write_bytes(damage)
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    assert _content(tmp_path) == before
    assert pagecache.load(tmp_path / pipeline.PAGE_CACHE, "x") is None  # rewritten with the real key


def test_a_cache_cut_short_is_rendered_again(tmp_path):
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    before = _content(tmp_path)
    cache = tmp_path / pipeline.PAGE_CACHE
    whole = cache.read_bytes()
    cache.write_bytes(whole[: len(whole) // 2] + whole[-20:])  # the table's offset kept, the files cut
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    assert _content(tmp_path) == before
    assert cache.read_bytes() == whole
