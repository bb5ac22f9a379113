"""Pages are rendered again only when something they are made from changed, never because of a file time."""

from __future__ import annotations

import os
import shutil

import pytest

from generator.settings import load_settings
from generator.publish import page_cache as pagecache
from generator import pipeline
from generator.read import read_data_root

from .conftest import SMALL

BASE = "https://jd.example.org/"


def _content(work):
    return {p.relative_to(work).as_posix(): p.read_bytes() for p in (work / "content").rglob("*.md")}


class RenderedAgain(AssertionError):
    """Raised in the build's export process, and raised again in the test's: an exception that pickles."""


def _render_refused(*args, **kwargs):
    raise RenderedAgain("pages rendered again")


def test_a_rebuild_with_nothing_changed_renders_nothing(tmp_path, monkeypatch):
    first = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    before = _content(tmp_path)
    # The one function the build renders content with: patched where the pipeline calls it.
    monkeypatch.setattr(pipeline.export, "render_content", _render_refused)
    os.utime(SMALL / "2021-11" / "projects.csv")  # a new time alone changes nothing
    second = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    assert second.pages == first.pages
    assert _content(tmp_path) == before


def test_without_the_cache_the_rebuild_renders_again(tmp_path, monkeypatch):
    """The test above could not pass by luck: with nothing stored, the same rebuild renders."""
    monkeypatch.setattr(pagecache.CacheWriter, "commit", lambda self, key: None)  # nothing put in place
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    monkeypatch.setattr(pipeline.export, "render_content", _render_refused)
    with pytest.raises(RenderedAgain, match="pages rendered again"):
        pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)


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
    load_settings(tmp_path).page_cache.write_bytes(damage)
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    assert _content(tmp_path) == before
    assert pagecache.cached_files(load_settings(tmp_path).page_cache, "x") is None  # rewritten with the real key


def test_a_cache_cut_short_is_rendered_again(tmp_path):
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    before = _content(tmp_path)
    cache = load_settings(tmp_path).page_cache
    whole = cache.read_bytes()
    cache.write_bytes(whole[: len(whole) // 2] + whole[-20:])  # the table's offset kept, the files cut
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url=BASE)
    assert _content(tmp_path) == before
    assert cache.read_bytes() == whole


# Edits that change no change report (that is part of the key by itself): a release's notes, a case's text.
LINKED_EDITS = {
    "2021-11": (
        "release.yaml",
        "issuer: 包头市纪委监委\n",
        "issuer: 包头市纪委监委\nnotes: 补发一条说明\n",
        "补发一条说明",
    ),
    "2021-11/bulletins": ("NMG-2021-11-15.yaml", "赵某平多次收受", "赵某平多次收受并索要", "赵某平多次收受并索要"),
}


@pytest.mark.parametrize("linked", list(LINKED_EDITS))
def test_an_edit_behind_a_linked_folder_is_published(tmp_path, linked):
    """The platform's drop folder linked into the data root: what the readers read is what the key covers."""
    root = tmp_path / "data"
    shutil.copytree(SMALL, root)
    drop = tmp_path / "drop"
    shutil.move(root / linked, drop)
    (root / linked).symlink_to(drop, target_is_directory=True)
    work = tmp_path / "work"
    pipeline.build(root, tmp_path / "site", work, base_url=BASE)
    name, old, new, shown = LINKED_EDITS[linked]
    text = (drop / name).read_text(encoding="utf-8")
    assert old in text
    (drop / name).write_text(text.replace(old, new), encoding="utf-8")
    pipeline.build(root, tmp_path / "site", work, base_url=BASE)
    assert any(shown in page.decode("utf-8") for page in _content(work).values())


def test_a_stray_entry_is_never_read(tmp_path, monkeypatch):
    """Stray entries are named in a warning and never opened: a pipe would block, a huge file would fill memory."""
    import io

    root = tmp_path / "data"
    shutil.copytree(SMALL, root)
    os.mkfifo(root / "pipe")
    os.mkfifo(root / "2021-11" / "notes.txt")
    for stray in (root / "dump.bin", root / "2021-11" / "backup.zip", root / "2021-11" / "bulletins" / "huge.bin"):
        with open(stray, "wb") as handle:
            handle.truncate(64 * 1024**3)  # sparse: 64 GB that take no disk
    strays = ("pipe", "notes.txt", "dump.bin", "backup.zip", "huge.bin")

    def guard(real):
        def opener(path, *args, **kwargs):
            name = path if isinstance(path, int) else os.fspath(path)  # open() also takes a descriptor
            assert not (isinstance(name, str) and name.endswith(strays)), f"a stray entry was opened: {path}"
            return real(path, *args, **kwargs)

        return opener

    monkeypatch.setattr(io, "open", guard(io.open))
    monkeypatch.setattr(os, "open", guard(os.open))
    report = pipeline.build(root, tmp_path / "site", tmp_path / "work", base_url=BASE)
    assert sorted(str(p) for p in report.problems if not p.is_error) == [
        "2021-11/backup.zip: 警告：不是导出格式中的文件，已忽略",
        "2021-11/bulletins/huge.bin: 警告：不是 .yaml 通报文件，已忽略",
        "2021-11/notes.txt: 警告：不是导出格式中的文件，已忽略",
        "dump.bin: 警告：不是 YYYY-MM 形式的发布文件夹，已忽略",
        "pipe: 警告：不是 YYYY-MM 形式的发布文件夹，已忽略",
    ]
