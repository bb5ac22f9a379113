"""Everything content/ holds but the code images, rendered in one call: the render stage's front door."""

from __future__ import annotations

from collections.abc import Callable

from generator.errors import Problem
from generator.model.records import Archive
from generator.model.withdrawals import WithdrawnPage
from generator.render import changes, feeds, quality
from generator.render.archive_pages import render_archive
from generator.render.changes import ChangeReport
from generator.render.code_files import render_code_files
from generator.render.environment import make_environment
from generator.render.nginx_maps import render_nginx_maps
from generator.render.pages import render_pages
from generator.render.site_info import SiteInfo
from generator.render.window_pages import render_window_pages


# Where each rendered file goes (the pipeline's writer, which writes it at once): by path in content/.
Emit = Callable[[str, str | bytes], None]


def render_content(
    archive: Archive,
    site_info: SiteInfo,
    problems: tuple[Problem, ...],
    reports: tuple[ChangeReport, ...],
    complaint_url: str,
    notices: tuple[WithdrawnPage, ...],
    emit: Emit,
) -> None:
    """Pages, alias pages, feeds, downloads, charts, nginx maps and the withdrawal notices, each handed to `emit`.

    Handed on as they are made, never gathered: the project, code and window pages of 10× the
    sample are 250 MB. `emit` refuses a path given twice.
    """
    render_pages(archive, site_info, complaint_url, emit, project_changes=changes.project_histories(reports))
    render_window_pages(archive, site_info, complaint_url, emit)
    env = make_environment()
    for group in (
        changes.render_change_pages(env, reports, site_info),
        feeds.render_changes_feed(archive, site_info, reports),
        quality.render_quality_pages(env, quality.quality_pages(archive, problems), site_info),
        render_code_files(archive, site_info),
        render_nginx_maps(archive, site_info.content_security_policy),
    ):
        for rel_path, data in group.items():
            emit(rel_path, data)
    render_archive(archive, site_info, emit)
    emit("changes.json", changes.report_json(reports[-1], site_info.code_base_url))
    for notice in notices:  # withdrawn records left the archive: their URLs get the notice
        emit(notice.rel_path, env.get_template("withdrawn.md.j2").render(page=notice))
