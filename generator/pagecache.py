"""The rendered pages of the last build, reused when nothing they are made from has changed.

The pages are a function of the data root's files, the generator's code, the
page templates, mkdocs.yml and the libraries that format text. The cache is
keyed by the sha256 of all of those bytes, never by a file time: the same
inputs give the same pages, so a rebuild with nothing changed takes them from
here instead of rendering them again, and any change to any input misses.
Validation still runs on every build; only the rendering is skipped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from importlib.metadata import version
from pathlib import Path

GENERATOR_DIR = Path(__file__).resolve().parent
PROJECT_DIR = GENERATOR_DIR.parent
CACHE_FORMAT = 1
# Libraries whose output is part of a page (templates, escaping, restricted Markdown).
LIBRARIES = ("Jinja2", "MarkupSafe", "Markdown")


def inputs_key(data_root: Path, settings: dict[str, str]) -> str:
    """The sha256 of every byte the pages depend on, plus the build's settings."""
    digest = hashlib.sha256(json.dumps({"format": CACHE_FORMAT, "settings": settings}, sort_keys=True).encode())
    for library in LIBRARIES:
        digest.update(f"{library}=={version(library)}\n".encode())
    inputs = [("data", data_root), ("generator", GENERATOR_DIR), ("templates", PROJECT_DIR / "site_templates")]
    for label, root in inputs:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            data = path.read_bytes()
            digest.update(f"{label}/{path.relative_to(root).as_posix()}\n{len(data)}\n".encode())
            digest.update(data)
    digest.update((PROJECT_DIR / "mkdocs.yml").read_bytes())
    return digest.hexdigest()


def load(cache_file: Path, key: str) -> dict[str, str | bytes] | None:
    """The cached pages when they were rendered from the same inputs, else None."""
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        if not isinstance(cached, dict) or cached.get("key") != key or not isinstance(cached.get("pages"), dict):
            return None
        binary = set(cached.get("binary", ()))
        return {
            rel_path: base64.b64decode(data) if rel_path in binary else data
            for rel_path, data in cached["pages"].items()
        }
    except (OSError, ValueError, TypeError):
        return None  # absent or damaged: rendered again


def store(cache_file: Path, key: str, pages: dict[str, str | bytes]) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache_file.with_name(f".{cache_file.name}.tmp")
    # Files that are bytes (downloads with a BOM, say) travel as base64 in the JSON.
    binary = sorted(rel_path for rel_path, data in pages.items() if isinstance(data, bytes))
    texts = {
        rel_path: base64.b64encode(data).decode("ascii") if isinstance(data, bytes) else data
        for rel_path, data in pages.items()
    }
    payload = {"key": key, "binary": binary, "pages": texts}
    temporary.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, cache_file)  # never half a cache under its real name
