"""The data-quality page of each release: what the export leaves out, and how many warnings of each kind the run gave.

The site publishes the counts, never the warnings themselves: a warning quotes what it found
(the name of a stray file or folder, an unknown column header or YAML key), and such names
may hold a private number or the name of an internal file. The operator reads them in full
from `portal validate` and `portal build`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import jinja2

from generator.model.records import Archive, Project, Release
from generator.errors import Problem
from generator import urls


@dataclass(frozen=True)
class Gap:
    """Projects of a release that leave one kind of information empty."""

    label: str
    projects: tuple[Project, ...]


@dataclass(frozen=True)
class WarningCount:
    """How many warnings of one kind the run gave (the kind's label is ours, never the data's)."""

    label: str
    count: int


@dataclass(frozen=True)
class QualityPage:
    """One release's data quality: the fields left empty and how many warnings of each kind."""

    release: Release  # the release the page is about
    exported: date  # the release's own publication date: the export carries no other
    gaps: tuple[Gap, ...]  # per field: how many projects left it empty
    warnings: tuple[WarningCount, ...]  # of this run about the release's files, and with the newest
    # release those about the data root itself; in the order of WARNING_KINDS
    is_newest: bool  # the current release

    @property
    def warning_total(self) -> int:
        return sum(w.count for w in self.warnings)


@dataclass(frozen=True)
class QualityIndexPage:
    """The data-quality pages of every release."""

    pages: tuple[QualityPage, ...]  # newest first


_GAPS: tuple[tuple[str, str], ...] = (
    ("缺少坐标（经度或纬度）", "coordinates"),
    ("缺少形象进度", "progress"),
    ("缺少开工日期", "start_date"),
    ("缺少计划竣工日期", "planned_completion"),
    ("缺少累计完成投资", "completed_investment"),
)


# The kinds of warning, by how their message starts; the site shows each kind's label and count.
WARNING_KINDS: tuple[tuple[str, str], ...] = (
    ("不是 YYYY-MM 形式的发布文件夹", "数据根目录中不是发布文件夹的条目（已忽略）"),
    ("不是导出格式中的文件", "发布文件夹中不属于导出格式的文件（已忽略）"),
    ("不是 .yaml 通报文件", "通报文件夹中不是通报的文件（已忽略）"),
    ("未知的列", "表格中未知的列（未发布）"),
    ("未知的键", "YAML 文件中未知的键（未发布）"),
    ("累计完成投资", "累计完成投资超过总投资"),
    ("金额", "金额超过合理范围（超过 1000 亿元）"),
    ("含有疑似 15 位旧身份证号码", "疑似 15 位旧身份证号码"),
    ("写法不规范", "分类写法不规范（已按规范写法归类）"),
)
OTHER_WARNINGS = "其他警告"


def warning_kind(problem: Problem) -> str:
    return next((label for start, label in WARNING_KINDS if problem.message.startswith(start)), OTHER_WARNINGS)


def _counts(warnings: list[Problem]) -> tuple[WarningCount, ...]:
    kinds = [warning_kind(p) for p in warnings]
    labels = [label for _, label in WARNING_KINDS] + [OTHER_WARNINGS]
    return tuple(WarningCount(label, kinds.count(label)) for label in labels if label in kinds)


def _lacks(project: Project, what: str) -> bool:
    if what == "coordinates":
        return project.longitude is None or project.latitude is None
    return getattr(project, what) is None


def quality_pages(archive: Archive, problems: tuple[Problem, ...]) -> tuple[QualityPage, ...]:
    """One page per release, oldest first."""
    warnings = [p for p in problems if not p.is_error]
    release_ids = {r.release_id for r in archive.releases}
    root_warnings = [p for p in warnings if p.file.split("/", 1)[0] not in release_ids]
    pages = []
    for release in archive.releases:
        is_newest = release is archive.newest
        pages.append(
            QualityPage(
                release=release,
                exported=release.published,
                gaps=tuple(Gap(label, tuple(p for p in release.projects if _lacks(p, what))) for label, what in _GAPS),
                warnings=_counts(
                    [p for p in warnings if p.file.split("/", 1)[0] == release.release_id]
                    + (root_warnings if is_newest else [])
                ),
                is_newest=is_newest,
            )
        )
    return tuple(pages)


def render_quality_pages(env: jinja2.Environment, pages: tuple[QualityPage, ...], site: object) -> dict[str, str]:
    """`quality/index.md` and `quality/<release>.md`."""
    rendered = {
        f"{urls.QUALITY}/index.md": env.get_template("quality_index.md.j2").render(
            page=QualityIndexPage(tuple(reversed(pages))), site=site
        )
    }
    for page in pages:
        rendered[f"{urls.QUALITY}/{page.release.release_id}.md"] = env.get_template("quality.md.j2").render(
            page=page, site=site
        )
    return rendered
