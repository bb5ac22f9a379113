"""The data root's layout: which entries are releases, which files of a release are the export's, and in which order.

Only ASCII `YYYY-MM` folders are releases; every other entry is named in a warning
(hidden ones aside). Inside a release each file of the contract is found by its name
in any case, but two names that differ only in case are refused: which one a reader
saw would depend on the order the system lists them in.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from generator.errors import error, warning
from generator.contract.schema import TABLES, TableSpec
from generator.read.files import Reading, is_utf8_name, kind_of, name_encoding_note, os_error_text, shown_name
from generator.read.raw import RawDataRoot, RawRelease, RawTable, RawYaml
from generator.read.tables import read_table
from generator.read.yaml_files import read_yaml

# [0-9], not \d: \d matches every script's digits (２０２１-１１, ٢٠٢١-١١), and a release id
# is compared, sorted and put into URLs as ASCII.
RELEASE_DIR = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_BULLETINS = "bulletins"


def read_data_root(data_root: Path) -> RawDataRoot:
    reading = Reading(data_root)
    problems = reading.problems
    releases: list[RawRelease] = []
    kind = kind_of(data_root)
    if kind != "dir":
        if isinstance(kind, FileNotFoundError):
            why = "数据目录不存在"
        else:
            why = f"数据目录无法打开：{os_error_text(kind)}" if isinstance(kind, OSError) else "数据目录不是文件夹"
        problems.append(error(shown_name(str(data_root)), why))
        return RawDataRoot([], problems)
    entries = reading.entries(data_root)
    for entry in entries or ():
        if not RELEASE_DIR.fullmatch(entry.name):
            problems.append(warning(reading.rel(entry), _not_a_release(entry.name)))
            continue
        kind = kind_of(entry)
        if isinstance(kind, OSError):
            problems.append(error(entry.name, f"无法打开发布文件夹：{os_error_text(kind)}"))
        elif kind != "dir":
            problems.append(warning(entry.name, "名称是发布期号，但不是文件夹，已忽略"))
        else:
            release = read_release(reading, entry)
            if release is not None:
                releases.append(release)
    if entries is not None and not releases and not any(p.is_error for p in problems):
        problems.append(error(".", "数据目录中没有 YYYY-MM 形式的发布文件夹，如 2021-11"))
    return RawDataRoot(releases, problems, dict(sorted(reading.sources.items())))


def _not_a_release(name: str) -> str:
    if not is_utf8_name(name):
        return f"{name_encoding_note(name)}，不是 YYYY-MM 形式的发布文件夹，已忽略"
    if RELEASE_DIR.fullmatch(_ascii_digits(unicodedata.normalize("NFKC", name))):
        return "不是 YYYY-MM 形式的发布文件夹，已忽略：名称中的数字应为半角数字 0–9，如 2021-11"
    return "不是 YYYY-MM 形式的发布文件夹，已忽略"


def _ascii_digits(name: str) -> str:
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in name)


class _ReleaseFolder:
    """A release folder's entries by name in any case, and which of them the export's files took."""

    def __init__(self, reading: Reading, folder: Path, entries: list[Path]) -> None:
        self.reading = reading
        self.folder = folder
        self.by_name: dict[str, list[Path]] = defaultdict(list)
        for path in entries:
            self.by_name[path.name.casefold()].append(path)
        self.used: set[str] = set()

    def all_named(self, name: str) -> list[Path]:
        self.used.add(name)
        return self.by_name.get(name, [])

    def take(self, name: str) -> Path | None:
        """The entry of this name in any case; None, with a problem, when two names differ only in case."""
        found = self.all_named(name)
        if len(found) > 1:
            self.reading.problems.append(
                error(
                    f"{self.folder.name}/{name}",
                    f"同时存在 {'、'.join(p.name for p in found)}：文件名只差大小写，只能保留其中一个",
                )
            )
            return None
        return found[0] if found else None

    def one_of(self, names: tuple[str, ...], label: str) -> tuple[Path | None, bool]:
        """The one entry among alternative names, and whether any was there; two are refused under `label`."""
        there = any(self.by_name.get(n) for n in names)
        present = [p for p in (self.take(n) for n in names) if p is not None]
        if len(present) > 1:
            self.reading.problems.append(
                error(
                    f"{self.folder.name}/{label}",
                    f"同时存在 {present[0].name} 和 {present[1].name}，只能保留其中一个",
                )
            )
        clash = any(len(self.by_name.get(n, [])) > 1 for n in names)
        return (present[0] if len(present) == 1 and not clash else None), there

    def unused(self) -> list[Path]:
        return [path for name in sorted(self.by_name) if name not in self.used for path in self.by_name[name]]


def read_release(reading: Reading, folder: Path) -> RawRelease | None:
    """The release's files, or None when the folder cannot be listed (a problem says so)."""
    entries = reading.entries(folder)
    if entries is None:
        return None
    release = RawRelease(folder.name)
    files = _ReleaseFolder(reading, folder, entries)

    yaml_path, there = files.one_of(("release.yaml", "release.yml"), "release.yaml")
    if yaml_path is not None:
        release.release_yaml = read_yaml(reading, yaml_path)
    elif not there:
        reading.problems.append(error(f"{folder.name}/release.yaml", "缺少必需的文件 release.yaml"))

    for spec in TABLES:
        table = _read_table_of(spec, files)
        if table is not None:
            release.tables[spec.name] = table
        elif any(files.by_name.get(f"{spec.name}.{ext}") for ext in ("csv", "xlsx", "xls", "et")):
            release.unreadable.add(spec.name)

    bulletins_dir = files.take(_BULLETINS)
    if bulletins_dir is not None:
        release.bulletins = _read_bulletins(reading, bulletins_dir)

    for path in files.unused():
        note = f"{name_encoding_note(path.name)}，" if not is_utf8_name(path.name) else ""
        reading.problems.append(warning(reading.rel(path), f"{note}不是导出格式中的文件，已忽略"))
    return release


def _read_table_of(spec: TableSpec, files: _ReleaseFolder) -> RawTable | None:
    reading = files.reading
    for legacy in (f"{spec.name}.xls", f"{spec.name}.et"):
        for path in files.all_named(legacy):
            reading.problems.append(error(reading.rel(path), "不支持此文件格式，请在表格软件中另存为 .xlsx 或 .csv"))
    found, there = files.one_of((f"{spec.name}.csv", f"{spec.name}.xlsx"), spec.name)
    if found is not None:
        return read_table(reading, found, spec)
    if not there and spec.required:
        reading.problems.append(
            error(
                f"{files.folder.name}/{spec.name}.csv",
                f"缺少必需的文件 {spec.name}.csv 或 {spec.name}.xlsx",
            )
        )
    return None


def _read_bulletins(reading: Reading, folder: Path) -> list[RawYaml]:
    kind = kind_of(folder)
    if isinstance(kind, OSError):
        reading.problems.append(error(reading.rel(folder), f"无法打开 bulletins 文件夹：{os_error_text(kind)}"))
        return []
    if kind != "dir":
        reading.problems.append(error(reading.rel(folder), "bulletins 应为文件夹"))
        return []
    bulletins = []
    seen: dict[str, str] = {}
    for path in reading.entries(folder) or []:
        rel_path = reading.rel(path)
        if path.suffix.casefold() not in (".yaml", ".yml") or kind_of(path) == "dir":
            note = f"{name_encoding_note(path.name)}，" if not is_utf8_name(path.name) else ""
            reading.problems.append(warning(rel_path, f"{note}不是 .yaml 通报文件，已忽略"))
            continue
        if not is_utf8_name(path.name):
            # Most likely a bulletin named in Chinese whose name was mangled on unpacking: left
            # unread it would be silently missing from the archive.
            reading.problems.append(
                error(rel_path, f"{name_encoding_note(path.name)}，未读取：请把文件改名为 UTF-8 编码的名称后重新导出")
            )
            continue
        other = seen.setdefault(path.name.casefold(), path.name)
        if other != path.name:
            reading.problems.append(
                warning(
                    rel_path,
                    f"与 {other} 的文件名只差大小写：复制到 Windows 或 macOS 时其中一个会覆盖另一个，请改名",
                )
            )
        document = read_yaml(reading, path)  # a pipe, a device or an unreadable file: reported by the read
        if document is not None:
            bulletins.append(document)
    return bulletins
