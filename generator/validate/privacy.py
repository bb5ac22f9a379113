"""Private numbers that must never be published: mainland resident ID numbers and mobile numbers."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Between the digits of a number a writer may put spaces, hyphens or dashes of any kind, dots or
# slashes, in any grouping (138-1234-5678, 110105 1949 1231 002X, 138.1234/5678): all are the
# same number to a reader, so all are the same number here. Dashes are read as "-" (_as_read).
_SEPARATOR = r"[\s\-./]{0,6}"
# 18 characters, the last a digit or X.
_ID_NUMBER = re.compile(rf"(?<![\d])((?:\d{_SEPARATOR}){{17}}[\dXx])(?![\dXx])")
# 11 digits from 13–19, or after +86.
_MOBILE = re.compile(rf"(?<![\d+])(?:\+?86{_SEPARATOR})?1{_SEPARATOR}[3-9](?:{_SEPARATOR}\d){{9}}(?!\d)")
_DIGITS_ONLY = re.compile(r"[^\dXx]")
# The 15-digit ID number of before 1999 has no check digit: a run of 15 digits is one only where
# its 7th–12th digits are a birth date (YYMMDD of the 1900s), and even then it may be an account
# or a serial number, so it is a warning to check, not a refusal.
_OLD_ID_NUMBER = re.compile(r"(?<!\d)\d{6}(\d{2})(\d{2})(\d{2})\d{3}(?!\d)")
# Invisible characters (zero-width spaces, joiners, direction marks) hide nothing from a
# reader's eye, so they hide nothing from this check either.
_INVISIBLE = re.compile(r"[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Markdown a reader never sees: emphasis marks, backslash escapes, code marks, a link's brackets and its
# target (`**138**1234-5678`, `137\-1234`, `[136](https://…)12345678` all read as the digits they show).
_MARKDOWN_UNSEEN = re.compile(r"\]\([^)\s]*\)|[*_~`\\\[\]]")
# Hyphens, dashes, minus signs and the long-vowel mark written as a dash in CJK text.
_DASHES = re.compile(r"[\u2010-\u2015\u2043\u2212\u2e3a\u2e3b\u301c\u30fc\ufe58\ufe63\uff70]")


def is_valid_id_number(candidate: str) -> bool:
    total = sum(int(d) * w for d, w in zip(candidate[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == candidate[17].upper()


# Digits of other scripts (Arabic-Indic, Devanagari…); NFKC has already made full-width ones ASCII.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


@functools.lru_cache(maxsize=4096)  # both checks below read the same text
def _as_read(text: str) -> str:
    """The text as a reader reads it: full-width and other digits as ASCII, invisibles gone."""
    folded = _DASHES.sub("-", _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))
    if folded.isascii() or not _OTHER_DIGIT.search(folded):
        return folded
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group())), folded)


def find_private_number(text: str) -> str | None:
    """The kind of private number the text contains ("身份证号码" or "手机号码"), if any."""
    if not text:
        return None
    written = _as_read(text)
    # As written (a number in a link's target) and as a reader sees it once Markdown is rendered.
    for folded in (written, _MARKDOWN_UNSEEN.sub("", written)):
        for match in _ID_NUMBER.finditer(folded):
            if is_valid_id_number(_DIGITS_ONLY.sub("", match.group(1))):
                return "身份证号码"
        if _MOBILE.search(folded):
            return "手机号码"
    return None


def find_possible_old_id_number(text: str) -> bool:
    """Whether the text holds 15 digits whose 7th–12th are a valid date: maybe an old ID number."""
    if not text:
        return False
    for match in _OLD_ID_NUMBER.finditer(_as_read(text)):
        year, month, day = (int(g) for g in match.groups())
        try:
            date(1900 + year, month, day)
        except ValueError:
            continue
        return True
    return False
