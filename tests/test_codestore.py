"""The code image cache and the drawing pool: same bytes as drawing directly, keyed by content, nothing redrawn."""

from __future__ import annotations

import os

import pytest
import segno

from generator.codes import drawing as codes
from generator.publish import code_cache as codestore
from generator import pipeline
from generator.publish.code_cache import PendingCodes, cache_key

from .conftest import SMALL

BASE = "https://JD.EXAMPLE.ORG/Q/"
IDS = [f"BT{n:06d}" for n in range(101, 111)]


def _bytes(images):
    return {code_id: (image.svg, image.png, image.version, image.error) for code_id, image in images.items()}


def _drawn(ids):
    return _bytes({code_id: codes.draw_code(code_id, BASE) for code_id in ids})


def test_cached_images_are_the_drawn_ones_and_are_not_drawn_again(tmp_path, monkeypatch):
    first = PendingCodes(IDS, BASE, tmp_path, workers=1)
    assert first.missing == IDS
    assert _bytes(first.result()) == _drawn(IDS)
    assert len(os.listdir(tmp_path)) == len(IDS)

    def refuse(code_id, base):
        raise AssertionError(f"{code_id} drawn again")

    monkeypatch.setattr(codes, "draw_code", refuse)
    second = PendingCodes(IDS, BASE, tmp_path, workers=1)
    assert second.missing == []
    monkeypatch.undo()
    assert _bytes(second.result()) == _drawn(IDS)


def test_pool_draws_the_same_bytes_as_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(codestore, "POOL_THRESHOLD", 4)
    monkeypatch.setattr(codestore, "BATCH", 3)
    with PendingCodes(IDS, BASE, tmp_path, workers=2) as pending:
        assert pending._pool is not None
        images = pending.result()
    assert list(images) == IDS  # the caller's order, whichever worker finished first
    assert _bytes(images) == _drawn(IDS)


def test_the_site_svgs_leave_the_images_in_the_cache_and_the_pool_closed(tmp_path, monkeypatch):
    """mkdocs runs after svgs(): by then nothing is drawing and nothing drawn is held in memory."""
    monkeypatch.setattr(codestore, "POOL_THRESHOLD", 4)
    monkeypatch.setattr(codestore, "BATCH", 3)
    expected = _drawn(IDS)
    pending = PendingCodes(IDS, BASE, tmp_path, workers=2)
    svgs = pending.svgs()
    assert pending._pool is None and pending.missing == []
    assert list(svgs) == IDS and svgs == {code_id: image[0] for code_id, image in expected.items()}
    assert sorted(os.listdir(tmp_path)) == sorted(f"{cache_key(BASE + i)}.qr" for i in IDS)

    def refuse(code_id, base):
        raise AssertionError(f"{code_id} drawn again")

    monkeypatch.setattr(codes, "draw_code", refuse)  # the print files come from the cache
    assert _bytes(pending.result()) == expected


def test_key_covers_payload_drawing_settings_and_segno(monkeypatch):
    key = cache_key(BASE + "BT000101")
    assert cache_key(BASE + "BT000102") != key
    assert cache_key("https://OTHER.EXAMPLE.ORG/Q/BT000101") != key
    monkeypatch.setattr(codestore, "DRAWING_SOURCE", "edited codes.py")
    assert cache_key(BASE + "BT000101") != key
    monkeypatch.undo()
    monkeypatch.setattr(segno, "__version__", "0.0.1")
    assert cache_key(BASE + "BT000101") != key


@pytest.mark.parametrize("damage", [lambda b: b[: len(b) // 2], lambda b: b"", lambda b: b"x" + b[1:]])
def test_a_damaged_entry_is_drawn_again_and_rewritten(tmp_path, damage):
    PendingCodes(IDS[:2], BASE, tmp_path, workers=1).result()
    entry = tmp_path / f"{cache_key(BASE + IDS[0])}.qr"
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert _bytes(PendingCodes(IDS[:2], BASE, tmp_path, workers=1).result()) == _drawn(IDS[:2])
    assert entry.read_bytes() == good


def test_prune_keeps_only_the_entries_of_this_build(tmp_path):
    PendingCodes(IDS, BASE, tmp_path, workers=1).result()
    pending = PendingCodes(IDS[:3], BASE, tmp_path, workers=1)
    pending.result()
    assert pending.prune() == len(IDS) - 3
    assert sorted(os.listdir(tmp_path)) == sorted(f"{cache_key(BASE + i)}.qr" for i in IDS[:3])


def _stats(work):
    return {
        path.relative_to(work).as_posix(): (path.stat().st_mtime_ns, path.stat().st_ino)
        for folder in ("content", "qr", ".cache")
        for path in (work / folder).rglob("*")
        # The replaced site's register, kept for a rollback: the second build replaces the first site.
        if path.is_file() and path.name != "register.previous.csv"
    }


def test_a_rebuild_with_nothing_changed_draws_no_code_and_rewrites_no_file(tmp_path, monkeypatch):
    pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url="https://jd.example.org/")
    before = _stats(tmp_path)
    assert any(name.startswith(".cache/qr/") for name in before)

    def refuse(code_id, base):
        raise AssertionError(f"{code_id} drawn again")

    monkeypatch.setattr(codes, "draw_code", refuse)
    report = pipeline.build(SMALL, tmp_path / "site", tmp_path, base_url="https://jd.example.org/")
    assert report.written == 0
    assert _stats(tmp_path) == before
