"""Run the mkdocs build on content/ and put the result in SITE_DIR in one step.

The build goes into a sibling folder; only when it has fully succeeded is it
exchanged with SITE_DIR, so a failed or interrupted build leaves the published
site exactly as it was. This is the only module that runs mkdocs.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import html
import io
import logging
import os
import shutil
import threading
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import yaml

from generator import resources
from generator.errors import BuildFailed
from generator.publish.code_cache import worker_count
from generator.publish.shared_build import build_shared
from generator.settings import Settings, citizen_icon_uri, citizen_stylesheet

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import BasePlugin
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def run_mkdocs(
    settings: Settings,
    out_dir: Path,
    data_date: date,
    plugins: dict[str, BasePlugin] | None = None,
    workers: int | None = None,
) -> None:
    """Build the settings' content/ into out_dir (never the published folder), with `plugins` added by name.

    The pages are converted by `workers` processes (one per core unless told), the output the same.
    """
    workers = worker_count() if workers is None else workers
    # The only date in the output (sitemap, gzip header) is the data's, never the clock's. Set for
    # this run only: reportlab reads the same variable, and the print files drawn after it must
    # not depend on whether mkdocs ran first in the process.
    epoch = int(datetime(data_date.year, data_date.month, data_date.day, tzinfo=timezone.utc).timestamp())
    with _environment(
        {"SOURCE_DATE_EPOCH": str(epoch), "NO_MKDOCS_2_WARNING": os.environ.get("NO_MKDOCS_2_WARNING", "1")}
    ):
        _build(settings, out_dir, plugins or {}, workers)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _build(settings: Settings, out_dir: Path, plugins: dict[str, BasePlugin], workers: int) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(io.StringIO(yaml.safe_dump(mkdocs_config(settings, out_dir), allow_unicode=True)))
        if settings.overrides_dir is not None:  # the site folder's own templates win over the tool's
            config.theme.dirs.insert(0, str(settings.overrides_dir))
        own = {"portal-release-sources": _release_sources(), "portal-data-page-files": _data_page_files()}
        for name, plugin in {**own, **plugins}.items():
            config.plugins[name] = plugin  # registers its on_* events
        # Pages are shared among the cores only when no plugin keeps state across pages.
        if workers > 1 and all(getattr(p, "stateless_per_page", False) for p in {**own, **plugins}.values()):
            build_shared(config, workers)
        else:
            build(config)
    except MkDocsException as exc:
        raise BuildFailed(f"mkdocs 构建失败：{exc}") from exc
    except OSError as exc:
        raise BuildFailed(f"写入站点时出错：{exc}") from exc


def mkdocs_config(settings: Settings, out_dir: Path) -> dict[str, Any]:
    """The whole mkdocs configuration of a build, every path in it absolute."""
    config = dict(settings.mkdocs)
    config["docs_dir"] = str(settings.content_dir)
    config["site_dir"] = str(out_dir)
    config["site_url"] = settings.site_url
    config["theme"] = {**config.get("theme", {}), "custom_dir": str(resources.OVERRIDES_DIR)}
    config["extra"] = {
        **config.get("extra", {}),
        "sample_data": settings.sample_data,
        # Every page's meta tag carries the policy with the citizen stylesheet's hash, which the
        # citizen pages inline from this very text (overrides/citizen.html).
        "content_security_policy": settings.content_security_policy,
        "citizen_stylesheet": citizen_stylesheet(),
        "citizen_icon": citizen_icon_uri(),
    }
    if settings.issuer and "copyright" not in config:
        # The theme prints `copyright` in every footer as HTML: the issuer goes in as text.
        config["copyright"] = html.escape(f"{settings.issuer} · {settings.site_name}")
    return config


def _release_sources() -> BasePlugin:
    """A plugin that lets go of each page's Markdown once mkdocs has converted it.

    mkdocs keeps every page's source until the end of the build, though only the HTML is used
    after conversion; at ten times the sample that is some 100 MB held for nothing.
    """
    from mkdocs.plugins import BasePlugin

    class ReleaseSources(BasePlugin):
        stateless_per_page = True

        def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
            page.markdown = ""  # not None: mkdocs reads None as "not read yet" and gives no title
            return html

    return ReleaseSources()


def _data_page_files() -> BasePlugin:
    """A plugin that gives the page of an id named like mkdocs' own files (`index`, `README`) its id's URL."""
    from mkdocs.plugins import BasePlugin

    from generator.urls import data_page_dest

    class DataPageFiles(BasePlugin):
        stateless_per_page = True

        def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
            for file in files.documentation_pages():
                if dest := data_page_dest(file.src_uri):
                    file.dest_uri = dest  # url and abs_dest_path follow from it
            return files

    return DataPageFiles()


def clear_staging(site_dir: Path) -> Path:
    """The staging folder of SITE_DIR, emptied of what an interrupted build left there."""
    staged = staging_dir(site_dir)
    remove_staging(staged)
    return staged


def remove_staging(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)


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


def exchange_with_previous(site_dir: Path) -> None:
    """Put the previous site in place of SITE_DIR, and SITE_DIR where the previous one was."""
    previous = previous_dir(site_dir)
    if _exchange(previous, site_dir):
        return
    parked = site_dir.with_name(f".{site_dir.name}.rollback")
    os.rename(site_dir, parked)
    os.rename(previous, site_dir)
    os.rename(parked, previous)


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
    result: int = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
