"""Everything content/ holds but the code images, rendered in one call: the render stage's front door."""

from __future__ import annotations

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


def render_content(
    archive: Archive,
    site_info: SiteInfo,
    problems: tuple[Problem, ...],
    reports: tuple[ChangeReport, ...],
    complaint_url: str,
    notices: tuple[WithdrawnPage, ...] = (),
) -> dict[str, str | bytes]:
    """Pages, alias pages, feeds, downloads, charts, nginx maps and the withdrawal notices, by path in content/."""
    pages: dict[str, str | bytes] = dict(
        render_pages(archive, site_info, complaint_url, project_changes=changes.project_histories(reports))
    )
    for rel_path, text in render_window_pages(archive, site_info, complaint_url).items():
        if rel_path in pages:
            raise ValueError(f"two files for {rel_path}")
        pages[rel_path] = text
    env = make_environment()
    pages.update(changes.render_change_pages(env, reports, site_info))
    pages.update(feeds.render_changes_feed(archive, site_info, reports))
    pages.update(quality.render_quality_pages(env, quality.quality_pages(archive, problems), site_info))
    for rel_path, data in (
        *render_code_files(archive, site_info).items(),
        *render_archive(archive, site_info).items(),
        *render_nginx_maps(archive, site_info.content_security_policy).items(),
    ):
        if rel_path in pages:
            raise ValueError(f"two files for {rel_path}")
        pages[rel_path] = data
    pages["changes.json"] = changes.report_json(reports[-1], site_info.code_base_url)
    for notice in notices:  # withdrawn records left the archive: their URLs get the notice
        pages[notice.rel_path] = env.get_template("withdrawn.md.j2").render(page=notice)
    return pages
