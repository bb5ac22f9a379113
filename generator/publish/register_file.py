"""The work folder's register file, and its agreement with the published site.

The register (qr/register.csv) and the site published with it must never
disagree: the register is written right after the swap, a build stopped in
between is caught up by the next one (the register it was about to write waits
in `.portal-publishing`), and a build whose register does not hold every code
the published site holds, as published, is refused.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from generator.errors import BuildFailed
from generator.model.register import REGISTER_COLUMNS, Register, parse_register
from generator.publish import manifest, outdir
from generator.render.formulas import neutralise_formula
from generator.settings import Settings

PUBLIC_COLUMNS = ("code_id", "project_id", "window_id", "first_release", "last_release", "label")
PENDING_NAME = ".portal-publishing"  # in the work folder while a swap's register is not yet written
PREVIOUS_REGISTER = "register.previous.csv"  # in the cache folder: the register of the previous site


def public_register(text: str) -> str:
    """The copy a site publishes: every code and its project or window, without the kept records.

    The records stay in the work folder, so a withdrawn page's data is never published through
    them; and the copy is a CSV file a journalist may open in a spreadsheet, so a label that one
    would run as a formula starts with `'` (the work folder's register keeps the label exactly).
    """
    # Which of a project or a window a code belongs to comes first, the label (free text) last.
    kept = [REGISTER_COLUMNS.index(name) for name in PUBLIC_COLUMNS]
    label = PUBLIC_COLUMNS.index("label")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
        cells = [row[index] if index < len(row) else "" for index in kept]
        if number:
            cells[label] = neutralise_formula(cells[label])
        writer.writerow(cells)
    return out.getvalue()


def write_register(path: Path, text: str) -> None:
    """Replace the register in one step: a reader never sees half of it; unchanged, it is left alone."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def keep_previous_register(settings: Settings) -> None:
    """Before a new register is written: keep the one the replaced site published, for a rollback."""
    try:
        text = settings.register_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    write_register(settings.cache_dir / PREVIOUS_REGISTER, text)


def note_pending(settings: Settings, register_text: str) -> None:
    """Said before the swap: should the build die before the register's write, the next one knows it."""
    (settings.work_dir / PENDING_NAME).write_text(register_text, encoding="utf-8")


def publish_register(settings: Settings, text: str) -> None:
    """Right after the swap: the register of the site now live, the replaced one kept for a rollback."""
    keep_previous_register(settings)
    write_register(settings.register_path, text)
    (settings.work_dir / PENDING_NAME).unlink()


def catch_up_register(settings: Settings) -> None:
    """A build here stopped between the swap and the register's write: write the register it published."""
    pending = settings.work_dir / PENDING_NAME
    try:
        text = pending.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    marker = outdir.read_site_marker(settings.site_dir)
    if marker is not None and marker.get("register_sha256") == outdir.sha256_text(text):
        keep_previous_register(settings)
        write_register(settings.register_path, text)
    pending.unlink()  # the swap never happened, or the register is now the published one's


def refuse_register_behind_site(settings: Settings, register: Register) -> None:
    """Another work folder published this site: its register must hold every published code as published.

    check_site_out has made sure the site is ours (marked, or a verified legacy site), so its copy
    of the register is the truth about what its signs say.
    """
    copy = settings.site_dir / manifest.SITE_REGISTER
    try:
        text = copy.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildFailed(f"无法读取已发布网站的二维码登记册 {copy}：{exc}") from None
    site_codes, _ = parse_register(text, str(copy))
    differing = sorted(
        code.code_id
        for key, code in site_codes.items()
        if key not in register
        or register[key].code_id != code.code_id
        or register[key].project_id.casefold() != code.project_id.casefold()
        or register[key].window_id.casefold() != code.window_id.casefold()
    )
    if differing:
        shown = "、".join(differing[:10]) + (f" 等 {len(differing)} 个" if len(differing) > 10 else "")
        raise BuildFailed(
            f"{settings.site_dir} 已发布的二维码 {shown} 在本工作目录的登记册 {settings.register_path} 中"
            "缺失，或写法、所属项目不同：该网站是用另一个工作目录构建的。请在构建它的原工作目录中构建"
            "（那里的 qr/register.csv 是完整的登记册）"
        )
