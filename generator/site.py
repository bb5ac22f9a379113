"""Run the mkdocs build on content/ and put the result in SITE_DIR in one step.

The build goes into a sibling folder; only when it has fully succeeded is it
exchanged with SITE_DIR, so a failed or interrupted build leaves the published
site exactly as it was. This is the only module that runs mkdocs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
import threading
from datetime import date, datetime, timezone
from pathlib import Path

from .problems import BuildFailed

PROJECT_DIR = Path(__file__).resolve().parent.parent
MKDOCS_CONFIG = PROJECT_DIR / "mkdocs.yml"


def _settings() -> dict:
    import yaml

    return yaml.safe_load(MKDOCS_CONFIG.read_text(encoding="utf-8"))


def configured_site_url() -> str:
    return _settings()["site_url"]


def configured_extra() -> dict:
    return _settings().get("extra", {})


def site_base_url(base_url: str | None) -> str:
    """The URL the site and its codes live under: the one given, else mkdocs.yml's, ending in /."""
    base_url = base_url or configured_site_url()
    return base_url if base_url.endswith("/") else base_url + "/"


def run_mkdocs(
    content_dir: Path, out_dir: Path, site_url: str, is_sample: bool, data_date: date, plugins: dict | None = None
) -> None:
    """Build content_dir into out_dir (which must not be the published folder), with `plugins` added by name."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # The only date in the output (sitemap, gzip header) is the data's, never the clock's.
    os.environ["SOURCE_DATE_EPOCH"] = str(
        int(datetime(data_date.year, data_date.month, data_date.day, tzinfo=timezone.utc).timestamp())
    )
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(
            str(MKDOCS_CONFIG),
            docs_dir=str(content_dir),
            site_dir=str(out_dir),
            site_url=site_url,
        )
        config.extra["sample_data"] = is_sample
        own = {"portal-release-sources": _release_sources(), "portal-data-page-files": _data_page_files()}
        for name, plugin in {**own, **(plugins or {})}.items():
            config.plugins[name] = plugin  # registers its on_* events
        build(config)
    except MkDocsException as exc:
        raise BuildFailed(f"mkdocs 构建失败：{exc}") from exc
    except OSError as exc:
        raise BuildFailed(f"写入站点时出错：{exc}") from exc


def _release_sources():
    """A plugin that lets go of each page's Markdown once mkdocs has converted it.

    mkdocs keeps every page's source until the end of the build, though only the HTML is used
    after conversion; at ten times the sample that is some 100 MB held for nothing.
    """
    from mkdocs.plugins import BasePlugin

    class ReleaseSources(BasePlugin):
        def on_page_content(self, html, *, page, config, files):
            page.markdown = ""  # not None: mkdocs reads None as "not read yet" and gives no title
            return html

    return ReleaseSources()


def _data_page_files():
    """A plugin that gives the page of an id named like mkdocs' own files (`index`, `README`) its id's URL."""
    from mkdocs.plugins import BasePlugin

    from .render import data_page_dest

    class DataPageFiles(BasePlugin):
        def on_files(self, files, *, config):
            for file in files.documentation_pages():
                if dest := data_page_dest(file.src_uri):
                    file.dest_uri = dest  # url and abs_dest_path follow from it
            return files

    return DataPageFiles()


def staging_dir(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}.building")


def previous_dir(site_dir: Path) -> Path:
    """Where the site a build replaced stays until the next build: a copy to roll back to."""
    return site_dir.with_name(f".{site_dir.name}.previous")


def publish(staged: Path, site_dir: Path) -> None:
    """Put the staged build in place of SITE_DIR; at no moment is SITE_DIR missing or mixed.

    The replaced site is kept as `previous_dir` rather than deleted here: deleting thousands
    of files would hold up the end of the build, so the next build removes it while it reads.
    """
    previous = previous_dir(site_dir)
    shutil.rmtree(previous, ignore_errors=True)  # normally gone already (remove_previous)
    if site_dir.exists() and _exchange(staged, site_dir):
        os.rename(staged, previous)  # staged now holds the site that was published
        return
    if site_dir.exists():
        os.rename(site_dir, previous)
    os.rename(staged, site_dir)


def remove_previous(site_dir: Path) -> threading.Thread:
    """Delete the site the last build replaced, on a thread of its own: join it before publishing."""
    remover = threading.Thread(target=shutil.rmtree, args=(previous_dir(site_dir),), kwargs={"ignore_errors": True})
    remover.start()
    return remover


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
