"""Read a data root: its release folders, their CSV/xlsx tables and YAML files, as raw rows.

Readers only turn bytes into rows and YAML trees that remember where each value
came from; they judge no value. Anything unreadable becomes a file-level problem,
never an exception: a staff member must see which file is wrong and why.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import fields
from .problems import Problem, error, warning
from .schema import TABLES, TableSpec

MAX_FILE_BYTES = 32 * 1024 * 1024  # a month's export is about 1 MB; far larger is a wrong file
MAX_YAML_BYTES = 2 * 1024 * 1024  # one bulletin is a few kB; a parsed YAML node costs ~100× its text
MAX_YAML_DEPTH = 12
# An xlsx is a zip: its members are checked before openpyxl inflates them, so a small file
# cannot unpack into gigabytes (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 128 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000
# A month lists about a thousand projects; far more rows or columns are a wrong file, and
# stopping early keeps memory bounded whatever the file holds.
MAX_ROWS = 100_000
MAX_COLUMNS = 256
MAX_CSV_CELL_CHARS = 1_000_000
RELEASE_DIR = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class RawRow:
    number: int  # the row a person sees in a spreadsheet, or the CSV line the record starts on
    cells: dict[str, object]  # column key → cell as found


@dataclass(frozen=True)
class RawTable:
    rel_path: str
    encoding: str
    headers: dict[str, str]  # column key → header as written in the file
    rows: tuple[RawRow, ...]


@dataclass(frozen=True)
class Located:
    """A YAML value with the line (1-based) it stands on.

    Scalars stay the text that was written: YAML's own typing would turn
    `2021-11-15` into a date and `0012` into a number before we could judge it.
    """

    value: object  # str | None | dict[str, Located] | list[Located]
    line: int


@dataclass(frozen=True)
class RawYaml:
    rel_path: str
    root: Located


@dataclass
class RawRelease:
    name: str  # YYYY-MM
    release_yaml: RawYaml | None = None
    tables: dict[str, RawTable] = field(default_factory=dict)
    bulletins: list[RawYaml] = field(default_factory=list)


@dataclass
class RawDataRoot:
    releases: list[RawRelease]
    problems: list[Problem]
    is_sample: bool


SAMPLE_MARKER = ".sample-data"


def read_data_root(data_root: Path) -> RawDataRoot:
    problems: list[Problem] = []
    releases: list[RawRelease] = []
    if not data_root.is_dir():
        problems.append(error(str(data_root), "数据目录不存在或不是文件夹"))
        return RawDataRoot([], problems, False)
    for entry in sorted(data_root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and RELEASE_DIR.fullmatch(entry.name):
            releases.append(read_release(data_root, entry, problems))
        else:
            problems.append(warning(entry.name, "不是 YYYY-MM 形式的发布文件夹，已忽略"))
    if not releases:
        problems.append(error(".", "数据目录中没有 YYYY-MM 形式的发布文件夹，如 2021-11"))
    return RawDataRoot(releases, problems, (data_root / SAMPLE_MARKER).exists())


def read_release(data_root: Path, folder: Path, problems: list[Problem]) -> RawRelease:
    release = RawRelease(folder.name)
    entries = {p.name.casefold(): p for p in folder.iterdir() if not p.name.startswith(".")}
    used: set[str] = set()

    yaml_path = entries.get("release.yaml") or entries.get("release.yml")
    if yaml_path is None:
        problems.append(error(f"{folder.name}/release.yaml", "缺少必需的文件 release.yaml"))
    else:
        used.add(yaml_path.name.casefold())
        release.release_yaml = read_yaml(data_root, yaml_path, problems)

    for spec in TABLES:
        table = _read_table_of(spec, data_root, folder, entries, used, problems)
        if table is not None:
            release.tables[spec.name] = table

    bulletins_dir = entries.get("bulletins")
    if bulletins_dir is not None:
        used.add("bulletins")
        if not bulletins_dir.is_dir():
            problems.append(error(_rel(data_root, bulletins_dir), "bulletins 应为文件夹"))
        else:
            for path in sorted(bulletins_dir.iterdir(), key=lambda p: p.name):
                if path.name.startswith("."):
                    continue
                if path.suffix.casefold() not in (".yaml", ".yml") or not path.is_file():
                    problems.append(warning(_rel(data_root, path), "不是 .yaml 通报文件，已忽略"))
                    continue
                document = read_yaml(data_root, path, problems)
                if document is not None:
                    release.bulletins.append(document)

    for name, path in sorted(entries.items()):
        if name not in used:
            problems.append(warning(_rel(data_root, path), "不是导出格式中的文件，已忽略"))
    return release


def _read_table_of(
    spec: TableSpec,
    data_root: Path,
    folder: Path,
    entries: dict[str, Path],
    used: set[str],
    problems: list[Problem],
) -> RawTable | None:
    found = [entries[n] for n in (f"{spec.name}.csv", f"{spec.name}.xlsx") if n in entries]
    for legacy in (f"{spec.name}.xls", f"{spec.name}.et"):
        if legacy in entries:
            used.add(legacy)
            problems.append(
                error(
                    _rel(data_root, entries[legacy]),
                    "不支持此文件格式，请在表格软件中另存为 .xlsx 或 .csv",
                )
            )
    used.update(p.name.casefold() for p in found)
    if len(found) > 1:
        problems.append(
            error(
                f"{folder.name}/{spec.name}",
                f"同时存在 {found[0].name} 和 {found[1].name}，只能保留其中一个",
            )
        )
        return None
    if not found:
        if spec.required:
            problems.append(
                error(
                    f"{folder.name}/{spec.name}.csv",
                    f"缺少必需的文件 {spec.name}.csv 或 {spec.name}.xlsx",
                )
            )
        return None
    return read_table(data_root, found[0], spec, problems)


def _rel(data_root: Path, path: Path) -> str:
    return path.relative_to(data_root).as_posix()


def _read_bytes(data_root: Path, path: Path, problems: list[Problem], limit: int = MAX_FILE_BYTES) -> bytes | None:
    rel_path = _rel(data_root, path)
    try:
        size = path.stat().st_size
        if size > limit:
            problems.append(
                error(
                    rel_path,
                    f"文件过大（{_size_text(size)}），应不超过 {_size_text(limit)}，请检查是否选错了文件",
                )
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(error(rel_path, f"无法读取文件：{exc.strerror or exc}"))
        return None
    if not data.strip():
        problems.append(error(rel_path, "文件是空的"))
        return None
    return data


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def read_table(data_root: Path, path: Path, spec: TableSpec, problems: list[Problem]) -> RawTable | None:
    rel_path = _rel(data_root, path)
    data = _read_bytes(data_root, path, problems)
    if data is None:
        return None
    if path.suffix.casefold() == ".xlsx":
        grid = _xlsx_rows(rel_path, data, problems)
        encoding = "xlsx"
    else:
        decoded = _decode_csv(rel_path, data, problems)
        if decoded is None:
            return None
        text, encoding = decoded
        grid = _csv_rows(rel_path, text, problems)
    if grid is None:
        return None
    return _table_from_grid(rel_path, encoding, grid, spec, problems)


def _decode_csv(rel_path: str, data: bytes, problems: list[Problem]) -> tuple[str, str] | None:
    if data.startswith(b"PK\x03\x04"):
        problems.append(error(rel_path, "这是一个 xlsx（压缩）文件，却以 .csv 命名；请改为 .xlsx 扩展名"))
        return None
    if _is_utf16_or_32(data):
        problems.append(
            error(
                rel_path,
                "文件是 UTF-16/UTF-32（Unicode 文本）编码，应为 UTF-8 或 GB18030："
                "请在表格软件中另存为“CSV UTF-8（逗号分隔）”",
            )
        )
        return None
    if b"\x00" in data:
        problems.append(error(rel_path, "不是文本文件（含有二进制内容），应为 UTF-8 或 GB18030 编码的 CSV"))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = (("utf-8-sig", "UTF-8（带 BOM）"),)
    else:
        candidates = (("utf-8", "UTF-8"), ("gb18030", "GB18030"))
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "gb18030" and not _plausible_chinese(text):
            problems.append(
                error(
                    rel_path,
                    "按 GB18030 解码后大多是生僻字或符号，文件可能是 Big5 等其他编码；"
                    "请在表格软件中另存为“CSV UTF-8（逗号分隔）”",
                )
            )
            return None
        return text, label
    problems.append(error(rel_path, "无法识别文件编码，应为 UTF-8 或 GB18030（GBK）编码的 CSV"))
    return None


def _is_utf16_or_32(data: bytes) -> bool:
    """A byte-order mark, or the NUL byte every other byte that ASCII text in UTF-16 has."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    sample = data[:4096]
    if len(sample) < 16:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0), odd.count(0)) > len(sample) // 4 and min(even.count(0), odd.count(0)) < len(sample) // 64


def _plausible_chinese(text: str) -> bool:
    """Whether GB18030-decoded text reads as Chinese rather than as another encoding misread.

    Big5 (and Shift-JIS, EUC-KR) bytes are mostly valid GB18030 too, so decoding succeeds;
    but what comes out is largely kana, Cyrillic, box drawing and rare characters outside
    GB2312, where real exports are almost all common characters. Short texts are not judged.
    """
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if len(wide) < 20:
        return True
    common = 0
    for ch in wide:
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        # GB2312 rows 16–87 are hanzi; rows 1–3 are punctuation and full-width forms.
        if encoded[0] >= 0xB0 or encoded[0] <= 0xA3:
            common += 1
    return common >= 0.8 * len(wide)


Grid = list[tuple[int, list[object]]]  # (row number, cells)


def _csv_rows(rel_path: str, text: str, problems: list[Problem]) -> Grid | None:
    grid: Grid = []
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 0
    csv.field_size_limit(MAX_CSV_CELL_CHARS)
    try:
        for cells in reader:
            if len(grid) > MAX_ROWS:
                problems.append(error(rel_path, f"行数过多（超过 {MAX_ROWS} 行），请检查是否选错了文件"))
                return None
            grid.append((line + 1, cells[:MAX_COLUMNS]))
            line = reader.line_num
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            message = f"单元格过大（超过 {MAX_CSV_CELL_CHARS} 个字符），请检查是否有引号未闭合或选错了文件"
        else:
            message = f"CSV 格式错误：{exc}"
        problems.append(error(rel_path, message, row=line + 1))
        return None
    return grid


def _xlsx_rows(rel_path: str, data: bytes, problems: list[Problem]) -> Grid | None:
    import openpyxl  # imported here: it is slow to import and CSV-only releases never need it

    if not data.startswith(b"PK"):
        hint = "内容看起来是文本（可能是改了扩展名的 CSV）" if _looks_like_text(data) else "文件已损坏"
        problems.append(error(rel_path, f"不是有效的 xlsx 文件：{hint}"))
        return None
    refusal = _zip_refusal(data)
    if refusal:
        problems.append(error(rel_path, refusal))
        return None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            grid: Grid = []
            for number, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                if number > MAX_ROWS + 1:
                    problems.append(error(rel_path, f"行数过多（超过 {MAX_ROWS} 行），请检查是否选错了文件"))
                    return None
                grid.append((number, [_sheet_value(cell) for cell in row]))
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        problems.append(error(rel_path, f"不是有效的 xlsx 文件或文件已损坏（{type(exc).__name__}）"))
        return None
    except Exception as exc:  # openpyxl raises many kinds on broken XML; none may reach staff
        problems.append(error(rel_path, f"无法读取 xlsx 文件（{type(exc).__name__}）"))
        return None
    return grid


def _zip_refusal(data: bytes) -> str | None:
    """Why an xlsx must not be opened, judged from its zip directory alone, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "不是有效的 xlsx 文件或文件已损坏（压缩包不完整，可能未下载完）"
    if len(members) > MAX_XLSX_MEMBERS:
        return f"不是有效的 xlsx 文件：压缩包内有 {len(members)} 个文件，过多"
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        return (
            f"xlsx 解压后过大（{_size_text(unpacked)}），应不超过 {_size_text(MAX_XLSX_UNPACKED_BYTES)}，"
            "请检查是否选错了文件"
        )
    return None


def _looks_like_text(data: bytes) -> bool:
    try:
        data[:4096].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _sheet_value(cell: object) -> object:
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "%" in (getattr(cell, "number_format", "") or ""):
            return fields.SheetPercent(value)
    return value


def _table_from_grid(
    rel_path: str, encoding: str, grid: Grid, spec: TableSpec, problems: list[Problem]
) -> RawTable | None:
    if not grid:
        problems.append(error(rel_path, "文件是空的，缺少表头行"))
        return None
    header_number, header_cells = grid[0]
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header_cells):
        text = fields.clean_text(cell)
        if not text:
            continue
        key = spec.key_for_header(text)
        if key is None:
            unknown.append(text)
        elif key in headers:
            problems.append(
                error(rel_path, f"表头重复：“{headers[key]}”和“{text}”是同一列", row=header_number, column=text)
            )
            return None
        else:
            headers[key] = text
            positions[key] = index
    if unknown:
        problems.append(
            warning(rel_path, "未知的列，不会发布：" + "、".join(f"“{u}”" for u in unknown), row=header_number)
        )
    missing = [c for c in spec.columns if c.required and c.key not in headers]
    for column in missing:
        problems.append(
            error(
                rel_path,
                f"缺少必需的列“{column.header}”（或 {column.key}）",
                row=header_number,
            )
        )
    if missing:
        return None
    rows = []
    for number, cells in grid[1:]:
        if all(fields.is_blank(c) for c in cells):
            continue  # blank rows, or rows of separators only, are skipped
        values = {key: cells[pos] if pos < len(cells) else None for key, pos in positions.items()}
        rows.append(RawRow(number, values))
    return RawTable(rel_path, encoding, headers, tuple(rows))


# YAML -------------------------------------------------------------------------------------------


class _YamlShapeError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _compose(text: str) -> yaml.Node | None:
    """libyaml's parser where PyYAML has it (ten times faster on the bulletin files); a document it
    refuses is parsed again in Python, whose error messages are the ones staff are shown."""
    try:
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def read_yaml(data_root: Path, path: Path, problems: list[Problem]) -> RawYaml | None:
    rel_path = _rel(data_root, path)
    data = _read_bytes(data_root, path, problems, limit=MAX_YAML_BYTES)
    if data is None:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(error(rel_path, "YAML 文件应为 UTF-8 编码"))
        return None
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第{mark.line + 1}行" if mark else ""
        problems.append(error(rel_path, f"YAML 语法错误：{exc.problem or exc.context}", row=where))
        return None
    except yaml.YAMLError as exc:
        problems.append(error(rel_path, f"YAML 语法错误：{exc}"))
        return None
    except RecursionError:
        problems.append(error(rel_path, f"YAML 嵌套过深，最多 {MAX_YAML_DEPTH} 层"))
        return None
    if node is None:
        problems.append(error(rel_path, "文件是空的"))
        return None
    try:
        root = _located(node, depth=0, seen=set())
    except _YamlShapeError as exc:
        problems.append(error(rel_path, str(exc), row=f"第{exc.line}行"))
        return None
    return RawYaml(rel_path, root)


def _located(node: yaml.Node, depth: int, seen: set[int]) -> Located:
    line = node.start_mark.line + 1
    if depth > MAX_YAML_DEPTH:
        raise _YamlShapeError(f"YAML 嵌套过深，最多 {MAX_YAML_DEPTH} 层", line)
    if id(node) in seen:
        # An alias: refused so that no export can expand into a huge document.
        raise _YamlShapeError("不允许使用 YAML 锚点和别名（& 与 *）", line)
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" and not node.style:  # plain: None in PyYAML, "" in libyaml
            return Located(None, line)
        return Located(node.value, line)
    if isinstance(node, yaml.SequenceNode):
        return Located([_located(item, depth + 1, seen) for item in node.value], line)
    mapping: dict[str, Located] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _YamlShapeError("键必须是简单文字", key_node.start_mark.line + 1)
        if key_node.value in mapping:
            raise _YamlShapeError(f"键“{key_node.value}”重复", key_node.start_mark.line + 1)
        mapping[key_node.value] = _located(value_node, depth + 1, seen)
    return Located(mapping, line)
