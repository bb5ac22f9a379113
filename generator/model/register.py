"""The portal's own register of every code it has published: the truth about codes.

A printed sign stays up for years, so a code keeps, for ever, the spelling it was
first published under (its URL) and its project, and keeps resolving when the
data root loses the releases that listed it. The register therefore holds, per
code, its first spelling, its project, its label and the last published record
of that project: a code whose release has left the data root is rebuilt from
the data root and the register alone. Registers written before those columns
existed stay readable (the missing columns are empty).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from generator.contract import fields
from generator.model.records import CodeRecord, Project, ProjectRecord, Window, WindowCodeRecord, WindowRecord
from generator.errors import Problem, error
from generator.validate.codes import PublishedCode

# A window's code (format 1.1) leaves project_id and project empty and fills window_id and window;
# registers written before windows existed have neither column, and hold project codes only.
REGISTER_COLUMNS = ("code_id", "project_id", "first_release", "last_release", "label", "project", "window_id", "window")
_PROJECT_TYPES = typing.get_type_hints(Project)
_WINDOW_TYPES = typing.get_type_hints(Window)


@dataclass(frozen=True)
class RegisteredCode:
    code_id: str  # the first published spelling: the URL on the sign
    project_id: str  # "" for a window's code
    first_release: str
    last_release: str  # "" in registers written before it was kept
    label: str
    project: Project | None  # the project's last published record; None in older registers
    window_id: str = ""  # "" for a project's code
    window: Window | None = None  # a window code's window, its last published record

    @property
    def published(self) -> PublishedCode:
        return PublishedCode(self.code_id, self.project_id, self.first_release, self.window_id)


Register = dict[str, RegisteredCode]  # by code id casefolded


def read_register(path: Path) -> tuple[Register, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [error(str(path), f"无法读取二维码登记册：{exc}")]
    return parse_register(text, str(path))


def parse_register(text: str, where: str) -> tuple[Register, list[Problem]]:
    """The one parser of register.csv (the work folder's, and the copy a site publishes)."""
    problems: list[Problem] = []
    codes: Register = {}
    for number, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
        try:
            code_id = fields.parse_id(row.get("code_id"))
            window_id = fields.parse_id(row["window_id"]) if row.get("window_id") else ""
            project_id = "" if window_id else fields.parse_id(row.get("project_id"))
            first_release = fields.parse_month(row.get("first_release"))
            last_release = fields.parse_month(row["last_release"]) if row.get("last_release") else ""
            project = _record_from_json(Project, row["project"]) if row.get("project") else None
            window = _record_from_json(Window, row["window"]) if row.get("window") else None
        except fields.FieldError as exc:
            problems.append(error(where, f"二维码登记册已损坏：应为{exc.expected}", row=number))
            continue
        except (ValueError, TypeError, KeyError):
            problems.append(
                error(where, "二维码登记册已损坏：project、window 列应为项目、窗口记录（JSON）", row=number)
            )
            continue
        label = row.get("label") or ""
        codes[code_id.casefold()] = RegisteredCode(
            code_id, project_id, first_release, last_release, label, project, window_id, window
        )
    return codes, problems


def published_codes(register: Register) -> dict[str, PublishedCode]:
    return {key: code.published for key, code in register.items()}


def render_register(
    codes: tuple[CodeRecord, ...],
    projects: tuple[ProjectRecord, ...],
    register: Register,
    window_codes: tuple[WindowCodeRecord, ...] = (),
    windows: tuple[WindowRecord, ...] = (),
) -> str:
    """The register after this build: every code ever published, with its last published record."""
    by_project = {record.project.key: record.project for record in projects}
    by_window = {record.window.key: record.window for record in windows}
    rows: dict[str, tuple[str, ...]] = {}
    for key, known in register.items():
        rows[key] = _row(known)
    for code in codes:
        earlier = register.get(code.code_id.casefold())
        first = earlier.first_release if earlier else code.first_release
        spelling = earlier.code_id if earlier else code.code_id
        project = by_project.get(code.project_id.casefold())
        rows[code.code_id.casefold()] = _row(
            RegisteredCode(spelling, code.project_id, first, code.last_release, code.label, project)
        )
    for window_code in window_codes:  # their records keep the first spelling and release already
        window = by_window.get(window_code.window_id.casefold())
        rows[window_code.code_id.casefold()] = _row(
            RegisteredCode(
                window_code.code_id,
                "",
                window_code.first_release,
                window_code.last_release,
                window_code.label,
                None,
                window_code.window_id,
                window,
            )
        )
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for key in sorted(rows):
        writer.writerow(rows[key])
    return out.getvalue()


def _row(code: RegisteredCode) -> tuple[str, ...]:
    project = _record_json(code.project) if code.project else ""
    window = _record_json(code.window) if code.window else ""
    return (
        code.code_id,
        code.project_id,
        code.first_release,
        code.last_release,
        code.label,
        project,
        code.window_id,
        window,
    )


def _record_json(record: Project | Window) -> str:
    values = {}
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        values[item.name] = str(value) if isinstance(value, (Decimal, date)) else value
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_Record = typing.TypeVar("_Record", Project, Window)


def _record_from_json(kind_of_record: type[_Record], text: str) -> _Record:
    values = json.loads(text)
    parsed = {}
    types = _PROJECT_TYPES if kind_of_record is Project else _WINDOW_TYPES
    for name, kind in types.items():
        value = values[name]
        if value is not None and (kind is Decimal or kind == Decimal | None):
            value = Decimal(value)
        elif value is not None and (kind is date or kind == date | None):
            value = date.fromisoformat(value)
        parsed[name] = value
    return kind_of_record(**parsed)
