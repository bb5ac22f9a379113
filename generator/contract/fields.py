"""Cell values as exported, normalised and parsed into Python values.

Every parser takes what a reader found (text from CSV, or a typed cell from
xlsx) and returns the value or raises `FieldError` saying what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Callable

# Leading and trailing spaces include the ideographic space U+3000 and the
# invisible characters spreadsheets leave behind.
_SPACES = " \t\r\n\u3000\u00a0\ufeff\u200b"

ID_PATTERN = re.compile(r"[A-Za-z0-9-]{3,32}")
MAX_CELL_CHARS = 20_000


@dataclass(frozen=True)
class SheetPercent:
    """A number from an xlsx cell formatted as percent: it holds a fraction (0.85 is 85 %)."""

    fraction: float | int


class FieldError(ValueError):
    """A cell that does not fit its type; `expected` says what would have."""

    def __init__(self, expected: str, found: object) -> None:
        super().__init__(expected)
        self.expected = expected
        self.found = found


def clean_text(value: object) -> str:
    """The cell as text with outer spaces removed; a spreadsheet's typed cell becomes its text."""
    if value is None:
        return ""
    if isinstance(value, SheetPercent):
        value = value.fraction
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    return str(value).strip(_SPACES)


# Characters that show nothing: format characters (zero-width spaces and joiners, bidi marks,
# the BOM), every kind of space (em, ideographic…), controls, the Hangul fillers, the braille
# blank, the combining grapheme joiner, variation selectors and Khmer's invisible vowels. A
# required text made only of these would publish an empty title: it is blank.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")


def is_invisible(char: str) -> bool:
    if char in _INVISIBLE_EXTRA or "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return True
    return unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def is_blank(value: object) -> bool:
    """Empty, or nothing but characters that show nothing."""
    text = clean_text(value)
    # A letter, digit or Han character shows (the Hangul fillers, letters that show nothing, aside):
    # most texts are answered by their first character.
    if text and text[0].isalnum() and text[0] not in _INVISIBLE_EXTRA:
        return False
    return all(is_invisible(char) for char in text)


def blank_message(value: object) -> str:
    """What a required field that `is_blank` says: empty, or what invisible characters it holds."""
    text = clean_text(value)
    if not text:
        return "必填，不能为空"
    codes = "、".join(dict.fromkeys(f"U+{ord(char):04X}" for char in text[:60]))
    return f"必填，不能为空：实际只有不可见字符（{codes}）"


def _halfwidth(text: str) -> str:
    """Full-width digits and punctuation as their ASCII forms (numbers and dates only)."""
    return unicodedata.normalize("NFKC", text).replace("。", ".").replace("，", ",")


# Control characters have no visible form, and XML (feeds, sitemaps) cannot carry them at all:
# a text holding one is refused rather than published altered. Tabs and line breaks are text.
# The C1 controls (U+0080–U+009F) are refused like the C0 ones: a terminal obeys them too.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A letter carries a few combining marks at most (Vietnamese two, Tibetan stacks four or five);
# a hundred on one letter ("Zalgo" text) spill over the lines around it and widen the page.
MAX_COMBINING_MARKS = 5


def _combining_run(text: str) -> tuple[int, int] | None:
    """Start and length of the first run of more than MAX_COMBINING_MARKS combining marks, of any script."""
    run = 0
    for index, char in enumerate(text):
        run = run + 1 if unicodedata.category(char) in ("Mn", "Me") else 0
        if run > MAX_COMBINING_MARKS:
            start = index - run + 1
            while start + run < len(text) and unicodedata.category(text[start + run]) in ("Mn", "Me"):
                run += 1
            return start, run
    return None


def parse_text(value: object, max_chars: int | None = None) -> str:
    text = clean_text(value)
    limit = max_chars or MAX_CELL_CHARS
    if len(text) > limit:
        raise FieldError(f"不超过 {limit} 个字符，实际为 {len(text)} 个字符", text)
    if control := _CONTROL.search(text):
        raise FieldError(f"不含控制字符的文字（第 {control.start() + 1} 个字符是 U+{ord(control.group()):04X}）", text)
    if run := _combining_run(text):
        raise FieldError(
            f"每个字符最多带 {MAX_COMBINING_MARKS} 个组合符号的文字（第 {run[0] + 1} 个字符起连续 {run[1]} 个组合符号）",
            text,
        )
    return text


def parse_id(value: object) -> str:
    text = clean_text(value)
    if not ID_PATTERN.fullmatch(text):
        raise FieldError("编号，由 3–32 个英文字母、数字或“-”组成", text)
    return text


_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_GROUPED_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def parse_decimal(value: object, minimum: Decimal | None = Decimal(0)) -> Decimal:
    if isinstance(value, SheetPercent):
        value = value.fraction
    if isinstance(value, bool):
        raise FieldError("数字", value)
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        text = _halfwidth(clean_text(value))
        if not (_PLAIN_NUMBER.fullmatch(text) or _GROUPED_NUMBER.fullmatch(text)):
            raise FieldError("数字，如 1234.5 或 1,234.5", clean_text(value))
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
            raise FieldError("数字", clean_text(value)) from exc
    if not number.is_finite():
        raise FieldError("数字", clean_text(value))
    if number.is_zero():
        number = abs(number)  # "-0" is zero: shown and published as 0
    if minimum is not None and number < minimum:
        raise FieldError(f"不小于 {minimum} 的数字", clean_text(value))
    return number


_PLAIN_INTEGER = re.compile(r"\d+")
_GROUPED_INTEGER = re.compile(r"\d{1,3}(,\d{3})+")


def parse_integer(value: object) -> int:
    """A whole number ≥ 0: `12`, `１２`, `1,234`, or a spreadsheet's number cell without a fraction."""
    if isinstance(value, bool) or isinstance(value, SheetPercent):
        raise FieldError("不小于 0 的整数", clean_text(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise FieldError("不小于 0 的整数", clean_text(value))
        return value
    text = _halfwidth(clean_text(value))
    if not (_PLAIN_INTEGER.fullmatch(text) or _GROUPED_INTEGER.fullmatch(text)):
        raise FieldError("不小于 0 的整数，如 12 或 1,234", clean_text(value))
    return int(text.replace(",", ""))


def parse_bounded_decimal(value: object, low: Decimal, high: Decimal, what: str) -> Decimal:
    number = parse_decimal(value, minimum=None)
    if not low <= number <= high:
        raise FieldError(f"介于 {low} 到 {high} 之间的{what}", clean_text(value))
    return number


_DATE_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
DATE_EXPECTED = "日期，如 2021-11-15、2021/11/15、2021.11.15 或 2021年11月15日"


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return _in_range(value.date(), str(value.date()))  # a time of day in a spreadsheet cell is dropped
    if isinstance(value, date):
        return _in_range(value, str(value))
    text = _halfwidth(clean_text(value))
    match = _DATE_SEPARATED.fullmatch(text) or _DATE_CHINESE.fullmatch(text)
    if not match:
        raise FieldError(DATE_EXPECTED, clean_text(value))
    year, month, day = (int(g) for g in match.groups() if g not in "-/.")
    try:
        parsed = date(year, month, day)
    except ValueError as exc:
        raise FieldError("有效的日期（该日期不存在）", clean_text(value)) from exc
    return _in_range(parsed, clean_text(value))


# Dates of this platform's data lie in this span; one far outside it is a typing error (0999 for
# 1999), and the site's own dates (feeds, the sitemap, gzip headers) cannot hold every year.
FIRST_YEAR, LAST_YEAR = 1900, 2099


def _in_range(parsed: date, found: str) -> date:
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        raise FieldError(f"{FIRST_YEAR}–{LAST_YEAR} 年之间的日期", found)
    return parsed


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(value: object) -> str:
    text = _halfwidth(clean_text(value))
    match = _MONTH.fullmatch(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise FieldError("年月，格式 YYYY-MM，如 2021-11", clean_text(value))
    return text


def parse_percent(value: object) -> Decimal:
    """Percentage points 0–100: `85`, `85%`, `８５％`, or 0.85 in a percent-formatted xlsx cell."""
    if isinstance(value, SheetPercent):
        number = parse_decimal(value.fraction, minimum=None) * 100
    else:
        text = _halfwidth(clean_text(value))
        number = parse_decimal(text[:-1] if text.endswith("%") else text, minimum=None)
    if not Decimal(0) <= number <= Decimal(100):
        raise FieldError("介于 0 到 100 之间的百分数，如 85 或 85%", clean_text(value))
    return number.normalize() if number == number.to_integral() else number


_PHONE = re.compile(r"\+?[0-9()\- ]+")


def parse_phone(value: object) -> str:
    text = _halfwidth(clean_text(value))
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.fullmatch(text) or not 3 <= digits <= 20:
        raise FieldError("电话号码：3–20 位数字，可含 +、-、括号和空格", clean_text(value))
    return text


def tel_uri(phone: str) -> str:
    """The `tel:` target of a phone as written: its digits and a leading plus."""
    return "tel:" + ("+" if phone.startswith("+") else "") + "".join(c for c in phone if c.isdigit())


def parse_url(value: object) -> str:
    text = clean_text(value)
    # A direction mark or other invisible character inside a URL breaks the link it makes and
    # can show one address while going to another.
    if hidden := next((i for i, char in enumerate(text) if is_invisible(char) and not char.isspace()), None):
        raise FieldError(f"不含不可见字符的网址（第 {hidden + 1} 个字符是 U+{ord(text[hidden]):04X}）", text)
    if not re.fullmatch(r"https?://[^\s<>\"'`]+", text, flags=re.IGNORECASE):
        raise FieldError("以 http:// 或 https:// 开头的网址", text)
    return text


def choice_parser(options: dict[str, str]) -> Callable[[object], str]:
    """A parser for an enum: `options` maps every accepted spelling to the canonical value."""

    folded = {key.casefold(): value for key, value in options.items()}
    expected = "、".join(dict.fromkeys(options))

    def parse_choice(value: object) -> str:
        text = clean_text(value)
        try:
            return folded[text.casefold()]
        except KeyError:
            raise FieldError(f"其中之一：{expected}", text) from None

    return parse_choice
