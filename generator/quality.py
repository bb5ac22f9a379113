"""The data-quality page of each release: what the export leaves out, and the warnings of the run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jinja2

from .model import Archive, Project, Release
from .problems import Problem


@dataclass(frozen=True)
class Gap:
    """Projects of a release that leave one kind of information empty."""

    label: str
    projects: tuple[Project, ...]


@dataclass(frozen=True)
class QualityPage:
    release: Release
    exported: date  # the release's own publication date: the export carries no other
    gaps: tuple[Gap, ...]
    warnings: tuple[Problem, ...]  # warnings of this run about the release's files
    root_warnings: tuple[Problem, ...]  # about the data root itself; shown with the newest release
    is_newest: bool


@dataclass(frozen=True)
class QualityIndexPage:
    pages: tuple[QualityPage, ...]  # newest first


_GAPS: tuple[tuple[str, str], ...] = (
    ("缺少坐标（经度或纬度）", "coordinates"),
    ("缺少形象进度", "progress"),
    ("缺少开工日期", "start_date"),
    ("缺少计划竣工日期", "planned_completion"),
    ("缺少累计完成投资", "completed_investment"),
)


def _lacks(project: Project, what: str) -> bool:
    if what == "coordinates":
        return project.longitude is None or project.latitude is None
    return getattr(project, what) is None


def quality_pages(archive: Archive, problems: tuple[Problem, ...]) -> tuple[QualityPage, ...]:
    """One page per release, oldest first."""
    warnings = [p for p in problems if not p.is_error]
    release_ids = {r.release_id for r in archive.releases}
    root_warnings = tuple(p for p in warnings if p.file.split("/", 1)[0] not in release_ids)
    pages = []
    for release in archive.releases:
        is_newest = release is archive.newest
        pages.append(
            QualityPage(
                release=release,
                exported=release.published,
                gaps=tuple(Gap(label, tuple(p for p in release.projects if _lacks(p, what))) for label, what in _GAPS),
                warnings=tuple(p for p in warnings if p.file.split("/", 1)[0] == release.release_id),
                root_warnings=root_warnings if is_newest else (),
                is_newest=is_newest,
            )
        )
    return tuple(pages)


def render_quality_pages(env: jinja2.Environment, pages: tuple[QualityPage, ...], site: object) -> dict[str, str]:
    """`quality/index.md` and `quality/<release>.md`."""
    rendered = {
        "quality/index.md": env.get_template("quality_index.md.j2").render(
            page=QualityIndexPage(tuple(reversed(pages))), site=site
        )
    }
    for page in pages:
        rendered[f"quality/{page.release.release_id}.md"] = env.get_template("quality.md.j2").render(
            page=page, site=site
        )
    return rendered
