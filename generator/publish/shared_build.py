"""mkdocs' own build, with the pages shared among forked processes: one per core.

Converting and templating each page is independent of every other page once
the file list and the navigation exist, and that is nearly all of mkdocs'
time; mkdocs does it on one core. So this module does what
`mkdocs.commands.build.build` does (mkdocs 1.6.1, whose source it follows step
by step, and which is frozen), but after the navigation is made it forks:
each worker converts and writes its share of the pages, the first process
its own share and everything mkdocs writes once (theme assets, sitemap, 404).
The output is the same, byte for byte, as mkdocs' build (tested); only the
wall time differs.

What a worker knows that the first process needs comes home: its warnings
(strict mode counts them), its error if any, and its pages' anchors, so that
links to an anchor of a page converted elsewhere are still checked. The shares are dealt out in turn, so every worker gets as many
project pages, code pages and cases as the next. Plugins run in every
process; one may take part only if it keeps no state across pages, which is
why the caller says whether the build may be shared.

Workers are forked, not spawned: they start with the configuration, the
files and the navigation already built and share the parent's memory until
they write to it (the garbage collector's objects are frozen first so that
its passes do not copy every page); forked.py says how they report home.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import TYPE_CHECKING

from generator.publish import forked
from generator.publish.forked import Child

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.utils import CountHandler
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs")

# Below this many pages a fork costs more than it saves.
MIN_PAGES_TO_SHARE = 200


@dataclass
class _WorkerReport:
    """What a worker sends home: its warnings, its pages' anchors, or its error."""

    warnings: dict[int, int] = field(default_factory=dict)
    anchors: dict[str, tuple[set[str] | None, dict[str, dict[str, str]]]] = field(default_factory=dict)
    error: BaseException | None = None


def build_shared(config: MkDocsConfig, workers: int, min_pages: int | None = None) -> None:
    """Build as `mkdocs.commands.build.build(config)` would, the pages converted by `workers` processes.

    At most one worker for each `min_pages / 2` pages (MIN_PAGES_TO_SHARE unless told).
    """
    from mkdocs import utils
    from mkdocs.exceptions import Abort, BuildError

    min_pages = MIN_PAGES_TO_SHARE if min_pages is None else min_pages
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        log.addHandler(warning_counter)
    try:
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files, nav, env = _gather(config)
        doc_files = _documentation_pages(files)
        workers = max(1, min(workers, len(doc_files) // max(1, min_pages // 2)))
        shares = _deal(doc_files, {page.file.src_uri for page in nav.pages}, workers)
        for report in _convert_in_shares(shares, config, files, nav, env):
            if report.error is not None:
                raise report.error
            for level, count in report.warnings.items():
                warning_counter.counts[level] = warning_counter.counts.get(level, 0) + count
            _take_anchors(files, report.anchors)
        for file in doc_files:
            assert file.page is not None
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
        if counts := warning_counter.get_counts():
            raise Abort(f"Aborted with {', '.join(f'{v} {k.lower()}s' for k, v in counts)} in strict mode!")
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!")
        raise
    finally:
        log.removeHandler(warning_counter)


def _gather(config: MkDocsConfig) -> tuple[Files, Navigation, Environment]:
    """The files, the navigation and the theme's environment, as mkdocs makes them before reading a page."""
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.pages import Page

    files = get_files(config)
    env = config.theme.get_env()
    files.add_files_from_theme(env, config)
    files = config.plugins.on_files(files, config=config)
    set_exclusions(files, config)
    nav = get_navigation(files, config)
    nav = config.plugins.on_nav(nav, config=config, files=files)
    for file in _documentation_pages(files):
        if file.page is None and file.inclusion.is_not_in_nav():
            Page(None, file, config)
    return files, nav, env


def _convert_in_shares(
    shares: list[list[File]], config: MkDocsConfig, files: Files, nav: Navigation, env: Environment
) -> list[_WorkerReport]:
    """The first share converted here, every other one in a worker of its own; the workers' reports."""
    children = [_fork_worker(share, config, files, nav, env) for share in shares[1:]]
    try:
        _convert_and_write(shares[0], config, files, nav, env, write_once=True)
    except BaseException:
        for child in children:  # their work is lost anyway: not waited for
            child.stop()
        raise
    finally:
        reports = [_collect(child) for child in children]
    return reports


def _documentation_pages(files: Files) -> Sequence[File]:
    from mkdocs.structure.files import InclusionLevel

    return files.documentation_pages(inclusion=InclusionLevel.is_included)


def _deal(doc_files: Sequence[File], nav_pages: set[str], workers: int) -> list[list[File]]:
    """The pages in turn to each worker; the pages of the navigation to the first, with the assets it writes."""
    in_nav = [f for f in doc_files if f.src_uri in nav_pages]
    rest = [f for f in doc_files if f.src_uri not in nav_pages]
    shares: list[list[File]] = [list(in_nav)] + [[] for _ in range(workers - 1)]
    for i, file in enumerate(rest):
        shares[(i + len(in_nav)) % workers].append(file)
    return shares


def _convert_and_write(
    share: list[File], config: MkDocsConfig, files: Files, nav: Navigation, env: Environment, write_once: bool
) -> None:
    """The share's pages converted and written: those of the navigation as mkdocs does, the rest one by one.

    mkdocs converts every page before it writes any, so it holds every page's HTML at once
    (1.4 GB at 10× the sample). No page's output depends on another page's HTML, only on the
    navigation's, so each page outside the navigation is converted, written and let go.
    """
    from mkdocs.commands.build import _build_extra_template, _build_page, _build_theme_template, _populate_page
    from mkdocs.structure.files import InclusionLevel

    in_nav = {page.file.src_uri for page in nav.pages}
    navigation = [file.page for file in share if file.src_uri in in_nav and file.page is not None]
    others = [file.page for file in share if file.src_uri not in in_nav and file.page is not None]
    for page in navigation:
        _populate_page(page, config, files)
    env = config.plugins.on_env(env, config=config, files=files)
    # mkdocs writes the assets before the pages, so a page overrides an asset of the same path.
    if write_once:
        files.copy_static_files(inclusion=InclusionLevel.is_included)
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
    doc_files = _documentation_pages(files)
    for page in navigation:
        _build_page(page, config, doc_files, nav, env)
    for page in others:
        _populate_page(page, config, files)
        _build_page(page, config, doc_files, nav, env)
        page.content = None  # written: what the anchor check needs is kept apart


def _fork_worker(share: list[File], config: MkDocsConfig, files: Files, nav: Navigation, env: Environment) -> Child:
    # The parent's objects stay shared: a collection in the child would touch them all. They stay
    # frozen in the parent too (they live until the build ends; pipeline/build.py unfreezes after it),
    # since unfreezing would also thaw what the caller froze.
    gc.freeze()

    def work(send: forked.Send) -> None:
        counter = _count_warnings()
        _convert_and_write(share, config, files, nav, env, write_once=False)
        send(_WorkerReport(warnings=dict(counter.counts), anchors=_anchors(share)))

    return forked.fork(work)


def _count_warnings() -> CountHandler:
    from mkdocs import utils

    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    # The parent's counter was copied by the fork; the worker's warnings are counted afresh and sent home.
    for handler in list(log.handlers):
        if isinstance(handler, utils.CountHandler):
            log.removeHandler(handler)
    log.addHandler(counter)
    return counter


def _collect(child: Child) -> _WorkerReport:
    """The worker's report; its error as part of it, so that every worker is waited for first."""
    try:
        reports = list(child.messages())
    except Exception as exc:
        return _WorkerReport(error=exc)
    if len(reports) != 1 or not isinstance(reports[0], _WorkerReport):
        return _WorkerReport(error=forked.ChildFailed(f"a build worker sent {len(reports)} reports"))
    return reports[0]


def _anchors(share: list[File]) -> dict[str, tuple[set[str] | None, dict[str, dict[str, str]]]]:
    result = {}
    for file in share:
        page = file.page
        assert page is not None
        links = {to_file.src_uri: dict(found) for to_file, found in (page.links_to_anchors or {}).items()}
        result[file.src_uri] = (page.present_anchor_ids, links)
    return result


def _take_anchors(files: Files, anchors: dict[str, tuple[set[str] | None, dict[str, dict[str, str]]]]) -> None:
    for src_uri, (present, links) in anchors.items():
        file = files.get_file_from_path(src_uri)
        assert file is not None and file.page is not None
        file.page.present_anchor_ids = present
        targets = ((files.get_file_from_path(uri), found) for uri, found in links.items())
        file.page.links_to_anchors = {target: found for target, found in targets if target is not None}
