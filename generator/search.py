"""Build the search index of the staged site with Pagefind (extended build: it segments Chinese).

Runs after mkdocs on the staging folder, before the swap, so a failed index
publishes nothing. Only pages marked `data-pagefind-body` (cases, bulletins,
projects) are indexed. The index is fetched in small chunks by the search
page alone; no other page loads any of it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

from .problems import BuildFailed

OUTPUT_SUBDIR = "pagefind"
INDEXED_PAGES = "{p,bulletins,cases}/**/*.html"
# Pagefind's ready-made interfaces: the search page uses its own script and the plain API.
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
TIMEOUT_SECONDS = 600


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:
        raise BuildFailed("找不到 Pagefind（扩展版）：请安装 requirements.txt 中的 pagefind[extended]") from exc
    try:
        return get_executable()
    except FileNotFoundError as exc:
        raise BuildFailed(f"找不到 Pagefind 程序：{exc}") from exc


def build_index(site_dir: Path, cache_dir: Path | None = None) -> None:
    """Write `site_dir/pagefind/`, the index of every page that asks to be indexed.

    The index is a function of the built pages alone, so with `cache_dir` it is taken from the
    last build when every page is byte-identical (a rebuild with nothing changed), keyed by
    their sha256, never by a time.
    """
    if cache_dir is None:
        _run_pagefind(site_dir)
        return
    cached = cache_dir / _pages_key(site_dir)
    if (cached / "pagefind.js").is_file():
        shutil.copytree(cached, site_dir / OUTPUT_SUBDIR)
        return
    _run_pagefind(site_dir)
    shutil.rmtree(cache_dir, ignore_errors=True)  # keep only the latest index
    partial = cache_dir / ".partial"
    shutil.copytree(site_dir / OUTPUT_SUBDIR, partial)
    os.replace(partial, cached)  # a cache entry is whole or absent


def _pages_key(site_dir: Path) -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(version("pagefind-bin-extended").encode())
    for path in sorted(site_dir.rglob("*.html")):
        digest.update(path.relative_to(site_dir).as_posix().encode() + b"\n")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _run_pagefind(site_dir: Path) -> None:
    command = [
        str(pagefind_executable()),
        "--site",
        str(site_dir),
        "--output-subdir",
        OUTPUT_SUBDIR,
        # Only project, bulletin and case pages ask to be indexed (their templates' front matter
        # `pagefind:`); reading no other page gives the same index sooner.
        "--glob",
        INDEXED_PAGES,
        # The whole site is Simplified Chinese: one index, segmented as Chinese.
        "--force-language",
        "zh",
        "--silent",
    ]
    # Pagefind reads PAGEFIND_* settings from the environment; none of the caller's apply here.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAGEFIND_")}
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildFailed(f"生成搜索索引失败：{exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BuildFailed("生成搜索索引失败：" + " / ".join(detail))
    bundle = site_dir / OUTPUT_SUBDIR
    if not (bundle / "pagefind.js").is_file():
        raise BuildFailed(f"生成搜索索引失败：{bundle} 中没有 pagefind.js")
    for name in UNUSED_FILES:
        (bundle / name).unlink(missing_ok=True)
