"""The rendered pages of the last build, reused when nothing they are made from has changed.

The pages are a function of the data root's files as read, the generator's code, the
page templates, the site folder's settings and the libraries that format text. The cache is
keyed by the sha256 of all of those bytes, never by a file time: the same
inputs give the same pages, so a rebuild with nothing changed takes them from
here instead of rendering them again, and any change to any input misses.
Validation still runs on every build; only the rendering is skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import BinaryIO

from generator import resources
from generator.publish.writer import StreamingTree

GENERATOR_DIR = Path(__file__).resolve().parent.parent  # the whole package: every stage shapes the pages
CACHE_FORMAT = 4  # 4: each file named by path and size only (3 also said whether it was text)
# Libraries whose output is part of a page (templates, escaping, restricted Markdown).
LIBRARIES = ("Jinja2", "MarkupSafe", "Markdown", "opencc")  # opencc: the search page's traditional characters
# Caches of earlier versions of the tool, in .cache/: nothing reads them any more.
RETIRED = ("pagefind",)  # the Pagefind bundles, before the search index was our own (docs/search.md)


def inputs_key(sources: Mapping[str, str], settings: dict[str, str]) -> str:
    """The sha256 of every byte the pages depend on, plus the build's settings.

    `sources` is what the readers read: each file's path in the data root and the sha256 of
    exactly the bytes they parsed. A file behind a linked folder counts, a stray file the
    readers ignore does not, and no file is read a second time here.
    """
    digest = hashlib.sha256(json.dumps({"format": CACHE_FORMAT, "settings": settings}, sort_keys=True).encode())
    for library in LIBRARIES:
        digest.update(f"{library}=={version(library)}\n".encode())
    for rel_path, sha256 in sorted(sources.items()):
        digest.update(f"data/{rel_path}\n{sha256}\n".encode())
    for label, root in (("generator", GENERATOR_DIR), ("templates", resources.TEMPLATES_DIR)):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            data = path.read_bytes()
            digest.update(f"{label}/{path.relative_to(root).as_posix()}\n{len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


_FOOTER = 20  # the table's offset, as ASCII digits, ends the file


def cached_files(cache_file: Path, key: str) -> Iterator[tuple[str, bytes]] | None:
    """The cached files in the order stored, read one at a time, when rendered from the same inputs; else None.

    One at a time: at ten times the sample the pages are 470 MB, which the writer need not hold.
    """
    try:
        cached = open(cache_file, "rb")
    except OSError:
        return None  # absent: rendered again
    try:
        files = _table(cached, key)
    except (OSError, ValueError, TypeError, KeyError):
        files = None  # damaged: rendered again
    if files is None:
        cached.close()
        return None
    return _read(cached, files)


def _table(cached: BinaryIO, key: str) -> list[tuple[str, int]] | None:
    cached.seek(-_FOOTER, os.SEEK_END)
    table_at = int(cached.read(_FOOTER))
    cached.seek(table_at)
    table = json.loads(cached.read()[:-_FOOTER])
    if not isinstance(table, dict) or table.get("format") != CACHE_FORMAT or table.get("key") != key:
        return None
    files = [(str(rel_path), int(size)) for rel_path, size in table["files"]]
    # Every file's bytes there before the table: a cache cut short is known before any is handed out.
    return files if sum(size for _, size in files) == table_at else None


def _read(cached: BinaryIO, files: list[tuple[str, int]]) -> Iterator[tuple[str, bytes]]:
    with cached:
        cached.seek(0)
        for rel_path, size in files:
            data = cached.read(size)
            if len(data) != size:
                raise OSError(f"{cached.name} changed while it was read")
            yield rel_path, data


class CacheWriter:
    """The files' bytes one after another as they come, then one line of JSON naming each with its size, then its offset.

    Written file by file and put in place only by `commit`: a render that fails half-way
    leaves the previous cache as it was, and never half a cache under its real name.
    """

    def __init__(self, cache_file: Path) -> None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        self.cache_file = cache_file
        self.temporary = cache_file.with_name(f".{cache_file.name}.tmp")
        self.out: BinaryIO = open(self.temporary, "wb")
        self.files: list[tuple[str, int]] = []

    def add(self, rel_path: str, data: bytes) -> None:
        self.out.write(data)
        self.files.append((rel_path, len(data)))

    def commit(self, key: str) -> None:
        table_at = self.out.tell()
        self.out.write(
            json.dumps({"format": CACHE_FORMAT, "key": key, "files": self.files}, ensure_ascii=False).encode()
        )
        self.out.write(f"{table_at:>{_FOOTER}}".encode("ascii"))
        self.out.close()
        os.replace(self.temporary, self.cache_file)

    def __enter__(self) -> CacheWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.out.closed:  # not committed: what was written is not a cache
            self.out.close()
            self.temporary.unlink(missing_ok=True)


def fill(
    content: StreamingTree, cache_file: Path, key: str, render: Callable[[Callable[[str, str | bytes], None]], None]
) -> None:
    """`content` from the cache when it was rendered from the same inputs; else rendered, each file
    written to `content` and to a new cache as it comes."""
    cached = cached_files(cache_file, key)
    if cached is not None:
        for rel_path, data in cached:
            content.add(rel_path, data)
        return
    with CacheWriter(cache_file) as cache:

        def emit(rel_path: str, data: str | bytes) -> None:
            encoded = data.encode("utf-8") if isinstance(data, str) else data  # once, for both
            content.add(rel_path, encoded)
            cache.add(rel_path, encoded)

        render(emit)
        cache.commit(key)


def remove_retired(cache_dir: Path) -> None:
    """Delete what earlier versions of the tool cached and this one never reads."""
    for name in RETIRED:
        shutil.rmtree(cache_dir / name, ignore_errors=True)
