"""The validated export as frozen dataclasses: one release, and the archive of all releases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Project:
    project_id: str
    name: str
    region: str
    category: str
    status: str  # 前期 在建 停工 竣工
    owner: str
    contractor: str
    supervisor: str
    department: str
    leader: str
    total_investment: Decimal  # 万元
    annual_plan: Decimal | None
    completed_investment: Decimal | None
    start_date: date | None
    planned_completion: date | None
    progress: Decimal | None  # percentage points, 0–100
    progress_note: str
    scope: str
    location: str
    longitude: Decimal | None
    latitude: Decimal | None
    hotline: str | None  # None when the cell is blank: the data files publish it as null
    updated: date

    @property
    def key(self) -> str:
        return self.project_id.casefold()


@dataclass(frozen=True)
class QrCode:
    code_id: str
    project_id: str  # as written in qrcodes; compare with `.casefold()`
    label: str

    @property
    def key(self) -> str:
        return self.code_id.casefold()


@dataclass(frozen=True)
class ProgressReport:
    project_id: str
    date: date
    progress: Decimal | None
    completed_investment: Decimal | None
    note: str


@dataclass(frozen=True)
class Window:
    """A service window of a government service hall (码上监督马上办, format 1.1)."""

    window_id: str
    hall: str
    name: str
    window_no: str
    region: str
    department: str
    services: str  # matters handled, separated by 、；;
    promise: str
    hours: str
    address: str
    hotline: str | None
    updated: date

    @property
    def key(self) -> str:
        return self.window_id.casefold()


@dataclass(frozen=True)
class WindowCode:
    """A code at a service window: a row of qrcodes naming a window instead of a project."""

    code_id: str
    window_id: str  # as written in qrcodes; compare with `.casefold()`
    label: str

    @property
    def key(self) -> str:
        return self.code_id.casefold()


@dataclass(frozen=True)
class WindowMonth:
    """How the reports made at one window in one month were handled: counts only, never a person."""

    window_id: str
    month: str  # YYYY-MM
    received: int
    resolved: int
    resolved_on_time: int | None
    median_hours: Decimal | None
    evaluated: int | None
    satisfied: int | None


@dataclass(frozen=True)
class Case:
    case_id: str
    title: str
    person: str
    position: str
    region: str
    category: str
    disposition: str
    text: str  # restricted Markdown


@dataclass(frozen=True)
class Bulletin:
    bulletin_id: str
    title: str
    issuer: str
    region: str
    published: date
    source_url: str
    summary: str  # restricted Markdown
    cases: tuple[Case, ...]

    @property
    def key(self) -> str:
        return self.bulletin_id.casefold()


@dataclass(frozen=True)
class Release:
    release_id: str  # YYYY-MM, the folder's name
    published: date
    issuer: str
    notes: str
    projects: tuple[Project, ...]
    codes: tuple[QrCode, ...]
    progress: tuple[ProgressReport, ...]
    bulletins: tuple[Bulletin, ...]
    source_files: tuple[tuple[str, str], ...]  # (file relative to the data root, encoding)
    windows: tuple[Window, ...] = ()  # by window id
    window_codes: tuple[WindowCode, ...] = ()  # by code id
    window_stats: tuple[WindowMonth, ...] = ()  # by window id, then month


# The archive: every release folded into what the site shows ---------------------------------


@dataclass(frozen=True)
class ProgressPoint:
    """One point of a project's history: a release's snapshot or a row of the progress file."""

    date: date
    progress: Decimal | None
    completed_investment: Decimal | None
    note: str
    source: str  # the release id it was published in


@dataclass(frozen=True)
class CodeRecord:
    code_id: str
    project_id: str  # the project's own spelling
    label: str
    first_release: str
    last_release: str
    is_current: bool  # listed in the newest release


@dataclass(frozen=True)
class ProjectRecord:
    project: Project  # the data of the last release that listed it
    first_release: str
    last_release: str
    is_current: bool  # False: a later release dropped it; its page stays, marked
    history: tuple[ProgressPoint, ...]
    codes: tuple[CodeRecord, ...]

    @property
    def project_id(self) -> str:
        return self.project.project_id


@dataclass(frozen=True)
class WindowCodeRecord:
    code_id: str  # the spelling first published: its URL
    window_id: str  # the window's own spelling
    label: str
    first_release: str
    last_release: str
    is_current: bool  # listed in the newest release


@dataclass(frozen=True)
class WindowFigures:
    """A window's month as it stands: the newest release's row for that month."""

    figures: WindowMonth
    source: str  # the release the standing row came from
    replaced: tuple[tuple[str, WindowMonth], ...] = ()  # (release, row) an older release held, different


@dataclass(frozen=True)
class WindowRecord:
    window: Window  # the data of the last release that listed it
    first_release: str
    last_release: str
    is_current: bool  # False: no longer in service; its page and codes stay
    months: tuple[WindowFigures, ...]  # by month, oldest first; months not reported are absent
    codes: tuple[WindowCodeRecord, ...]

    @property
    def window_id(self) -> str:
        return self.window.window_id


@dataclass(frozen=True)
class BulletinVersion:
    bulletin: Bulletin
    release_id: str
    release_published: date


@dataclass(frozen=True)
class BulletinRecord:
    current: BulletinVersion
    earlier: tuple[BulletinVersion, ...]  # replaced texts, oldest first; non-empty: a correction

    @property
    def bulletin(self) -> Bulletin:
        return self.current.bulletin

    @property
    def is_corrected(self) -> bool:
        return bool(self.earlier)


@dataclass(frozen=True)
class Archive:
    releases: tuple[Release, ...]  # oldest first
    projects: tuple[ProjectRecord, ...]  # by project id
    codes: tuple[CodeRecord, ...]  # by code id
    bulletins: tuple[BulletinRecord, ...]  # newest first
    is_sample: bool
    windows: tuple[WindowRecord, ...] = ()  # by window id
    window_codes: tuple[WindowCodeRecord, ...] = ()  # by code id

    @property
    def newest(self) -> Release:
        return self.releases[-1]
