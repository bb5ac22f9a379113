"""What a release changed about the service windows: windows opened and closed, new codes to print, corrected months.

Part of each release's change report (`changes.ChangeReport.windows`). A month
counts as changed when the release holds a row for it that differs from the
row that stood before (an earlier release's): the newer row is what the site
now shows, and staff should know the platform corrected it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model.records import Release, Window, WindowMonth

FIGURES = (
    ("received", "收到反映"),
    ("resolved", "已办结"),
    ("resolved_on_time", "按时办结"),
    ("median_hours", "办结用时中位数（小时）"),
    ("evaluated", "参与评价"),
    ("satisfied", "满意"),
)


@dataclass(frozen=True)
class WindowRef:
    window_id: str
    name: str
    hall: str
    window_no: str


@dataclass(frozen=True)
class NewWindowCode:
    """A window's code published for the first time: a desk card and a sticker to print."""

    code_id: str
    window: WindowRef
    label: str


@dataclass(frozen=True)
class MonthChange:
    window: WindowRef
    month: str
    changes: tuple[tuple[str, str, str], ...]  # (figure, old, new) as text; "未报送" for no value


@dataclass(frozen=True)
class WindowChanges:
    added: tuple[WindowRef, ...] = ()
    closed: tuple[WindowRef, ...] = ()  # no longer in service: pages and codes stay
    new_codes: tuple[NewWindowCode, ...] = ()
    months_changed: tuple[MonthChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.closed or self.new_codes or self.months_changed)


def _ref(window: Window, spellings: dict[str, str]) -> WindowRef:
    # The id as first published: the window's page and URL keep that spelling (model/window_archive.py).
    return WindowRef(spellings.get(window.key, window.window_id), window.name, window.hall, window.window_no)


@dataclass
class WindowHistory:
    """What the releases before the one compared published: codes, windows and the months as they stood."""

    codes: set[str] = field(default_factory=set)
    windows: dict[str, Window] = field(default_factory=dict)
    months: dict[tuple[str, str], WindowMonth] = field(default_factory=dict)
    spellings: dict[str, str] = field(default_factory=dict)  # window key → the id as first published

    def compare(self, previous: Release | None, release: Release, first_published: dict[str, str]) -> WindowChanges:
        before = {w.key: w for w in previous.windows} if previous else {}
        after = {w.key: w for w in release.windows}
        known = {**self.windows, **after}
        for window_key, window in after.items():
            self.spellings.setdefault(window_key, window.window_id)
        spelt = self.spellings
        changed = []
        for row in release.window_stats:
            key = (row.window_id.casefold(), row.month)
            old = self.months.get(key)
            if old is None or row.window_id.casefold() not in known:
                continue
            # The figures, not the rows: a row re-spelling the window's id changes nothing.
            changes = tuple(
                (label, _text(getattr(old, name)), _text(getattr(row, name)))
                for name, label in FIGURES
                if getattr(old, name) != getattr(row, name)
            )
            if changes:
                changed.append(MonthChange(_ref(known[row.window_id.casefold()], spelt), row.month, changes))
        new_codes = tuple(
            NewWindowCode(c.code_id, _ref(known[c.window_id.casefold()], spelt), c.label)
            for c in release.window_codes
            if c.key not in self.codes
            and first_published.get(c.key, release.release_id) >= release.release_id
            and c.window_id.casefold() in known
        )
        self.codes.update(c.key for c in release.window_codes)
        self.windows.update(after)
        self.months.update(((r.window_id.casefold(), r.month), r) for r in release.window_stats)
        return WindowChanges(
            added=tuple(_ref(after[k], spelt) for k in sorted(after.keys() - before.keys())),
            closed=tuple(_ref(before[k], spelt) for k in sorted(before.keys() - after.keys())),
            new_codes=new_codes,
            months_changed=tuple(changed),
        )


def _text(value: object) -> str:
    return "未报送" if value is None else str(value)


def changes_json(changes: WindowChanges, code_base_url: str) -> dict[str, list[dict[str, object]]]:
    def ref(w: WindowRef) -> dict[str, object]:
        return {"window_id": w.window_id, "name": w.name, "hall": w.hall, "window_no": w.window_no}

    return {
        "windows_added": [ref(w) for w in changes.added],
        "windows_closed": [ref(w) for w in changes.closed],
        "window_codes_first_published": [
            {"code_id": c.code_id, **ref(c.window), "label": c.label, "url": code_base_url + c.code_id}
            for c in changes.new_codes
        ],
        "window_months_changed": [
            {
                **ref(m.window),
                "month": m.month,
                "changes": [{"figure": label, "old": old, "new": new} for label, old, new in m.changes],
            }
            for m in changes.months_changed
        ],
    }
