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
from generator.model.records import CodeRecord, Project, ProjectRecord
from generator.errors import Problem, error
from generator.validate.releases import PublishedCode

REGISTER_COLUMNS = ("code_id", "project_id", "first_release", "last_release", "label", "project")
_PROJECT_TYPES = typing.get_type_hints(Project)


@dataclass(frozen=True)
class RegisteredCode:
    code_id: str  # the first published spelling: the URL on the sign
    project_id: str
    first_release: str
    last_release: str  # "" in registers written before it was kept
    label: str
    project: Project | None  # the project's last published record; None in older registers

    @property
    def published(self) -> PublishedCode:
        return PublishedCode(self.code_id, self.project_id, self.first_release)


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
            project_id = fields.parse_id(row.get("project_id"))
            first_release = fields.parse_month(row.get("first_release"))
            last_release = fields.parse_month(row["last_release"]) if row.get("last_release") else ""
            project = _project_from_json(row["project"]) if row.get("project") else None
        except fields.FieldError as exc:
            problems.append(error(where, f"二维码登记册已损坏：应为{exc.expected}", row=number))
            continue
        except (ValueError, TypeError, KeyError):
            problems.append(error(where, "二维码登记册已损坏：project 列应为项目记录（JSON）", row=number))
            continue
        label = row.get("label") or ""
        codes[code_id.casefold()] = RegisteredCode(code_id, project_id, first_release, last_release, label, project)
    return codes, problems


def published_codes(register: Register) -> dict[str, PublishedCode]:
    return {key: code.published for key, code in register.items()}


def render_register(codes: tuple[CodeRecord, ...], projects: tuple[ProjectRecord, ...], register: Register) -> str:
    """The register after this build: every code ever published, with its last published record."""
    by_project = {record.project.key: record.project for record in projects}
    rows: dict[str, tuple[str, ...]] = {}
    for key, known in register.items():
        rows[key] = _row(
            known.code_id, known.project_id, known.first_release, known.last_release, known.label, known.project
        )
    for code in codes:
        earlier = register.get(code.code_id.casefold())
        first = earlier.first_release if earlier else code.first_release
        spelling = earlier.code_id if earlier else code.code_id
        project = by_project.get(code.project_id.casefold())
        rows[code.code_id.casefold()] = _row(spelling, code.project_id, first, code.last_release, code.label, project)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for key in sorted(rows):
        writer.writerow(rows[key])
    return out.getvalue()


def _row(code_id: str, project_id: str, first: str, last: str, label: str, project: Project | None) -> tuple:
    return (code_id, project_id, first, last, label, _project_json(project) if project else "")


def _project_json(project: Project) -> str:
    values = {}
    for item in dataclasses.fields(project):
        value = getattr(project, item.name)
        values[item.name] = str(value) if isinstance(value, (Decimal, date)) else value
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _project_from_json(text: str) -> Project:
    values = json.loads(text)
    parsed = {}
    for name, kind in _PROJECT_TYPES.items():
        value = values[name]
        if value is not None and (kind is Decimal or kind == Decimal | None):
            value = Decimal(value)
        elif value is not None and (kind is date or kind == date | None):
            value = date.fromisoformat(value)
        parsed[name] = value
    return Project(**parsed)
