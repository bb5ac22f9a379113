"""CSV tables: which encoding the bytes are in (UTF-8, with or without BOM, or GB18030), and their records."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from generator.errors import Problem, error
from generator.read.limits import MAX_COLUMNS, MAX_CSV_CELL_CHARS, MAX_ROWS

Grid = list[tuple[int, Sequence[object]]]  # (row number, cells)


def decode_csv(rel_path: str, data: bytes, problems: list[Problem]) -> tuple[str, str] | None:
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
    candidates: tuple[tuple[str, str], ...]  # (codec, what the report calls it)
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = (("utf-8-sig", "UTF-8（带 BOM）"),)
    else:
        candidates = (("utf-8", "UTF-8"), ("gb18030", "GB18030"))
    for codec, label in candidates:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "gb18030" and not plausible_chinese(text):
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


def plausible_chinese(text: str) -> bool:
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


def csv_rows(rel_path: str, text: str, problems: list[Problem]) -> Grid | None:
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
