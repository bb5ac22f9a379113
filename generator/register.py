"""The portal's own register of every code it has published.

A printed sign stays up for years, so a code must keep pointing at its
project even if the data root loses an old release. The register is read
before validation and rewritten after every successful build.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from . import fields
from .model import CodeRecord
from .problems import Problem, error
from .validate import PublishedCode

REGISTER_COLUMNS = ("code_id", "project_id", "first_release", "last_release")


def read_register(path: Path) -> tuple[dict[str, PublishedCode], list[Problem]]:
    if not path.exists():
        return {}, []
    problems: list[Problem] = []
    codes: dict[str, PublishedCode] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [error(str(path), f"无法读取二维码登记册：{exc}")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for number, row in enumerate(reader, start=2):
        try:
            code_id = fields.parse_id(row.get("code_id"))
            project_id = fields.parse_id(row.get("project_id"))
            first_release = fields.parse_month(row.get("first_release"))
        except fields.FieldError as exc:
            problems.append(error(str(path), f"二维码登记册已损坏：应为{exc.expected}", row=number))
            continue
        codes[code_id.casefold()] = PublishedCode(code_id, project_id, first_release)
    return codes, problems


def render_register(codes: tuple[CodeRecord, ...], register: dict[str, PublishedCode]) -> str:
    """The register after this build: every code ever published, this build's and earlier ones."""
    rows = {
        key: (published.code_id, published.project_id, published.first_release, "")
        for key, published in register.items()
    }
    for code in codes:
        earlier = register.get(code.code_id.casefold())
        first = earlier.first_release if earlier else code.first_release
        rows[code.code_id.casefold()] = (code.code_id, code.project_id, first, code.last_release)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REGISTER_COLUMNS)
    for key in sorted(rows):
        writer.writerow(rows[key])
    return out.getvalue()
