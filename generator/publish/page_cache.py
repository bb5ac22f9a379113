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
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path

from generator import resources

GENERATOR_DIR = Path(__file__).resolve().parent.parent  # the whole package: every stage shapes the pages
CACHE_FORMAT = 3
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


def load(cache_file: Path, key: str) -> dict[str, str | bytes] | None:
    """The cached pages when they were rendered from the same inputs, else None."""
    try:
        with open(cache_file, "rb") as cached:
            cached.seek(-_FOOTER, os.SEEK_END)
            table_at = int(cached.read(_FOOTER))
            cached.seek(table_at)
            table = json.loads(cached.read()[:-_FOOTER])
            if not isinstance(table, dict) or table.get("format") != CACHE_FORMAT or table.get("key") != key:
                return None
            cached.seek(0)
            pages: dict[str, str | bytes] = {}
            for rel_path, size, is_text in table["files"]:
                data = cached.read(size)
                if len(data) != size:
                    return None  # cut short
                pages[rel_path] = data.decode("utf-8") if is_text else data
            return pages
    except (OSError, ValueError, TypeError, KeyError):
        return None  # absent or damaged: rendered again


def store(cache_file: Path, key: str, pages: dict[str, str | bytes]) -> None:
    """The files' bytes one after another, then one line of JSON naming each with its size, then its offset.

    Written file by file, never as one string: at ten times the sample the pages are over
    100 MB, and one JSON document of them would hold that much memory twice more.
    """
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache_file.with_name(f".{cache_file.name}.tmp")
    files = []
    with open(temporary, "wb") as out:
        for rel_path, data in pages.items():
            encoded = data.encode("utf-8") if isinstance(data, str) else data
            out.write(encoded)
            files.append([rel_path, len(encoded), isinstance(data, str)])
        table_at = out.tell()
        out.write(json.dumps({"format": CACHE_FORMAT, "key": key, "files": files}, ensure_ascii=False).encode())
        out.write(f"{table_at:>{_FOOTER}}".encode("ascii"))
    os.replace(temporary, cache_file)  # never half a cache under its real name


def remove_retired(cache_dir: Path) -> None:
    """Delete what earlier versions of the tool cached and this one never reads."""
    for name in RETIRED:
        shutil.rmtree(cache_dir / name, ignore_errors=True)
