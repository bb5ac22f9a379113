"""Private numbers that must never be published: mainland resident ID numbers and mobile numbers."""

from __future__ import annotations

import re
import unicodedata

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_NUMBER = re.compile(r"(?<!\d)(\d{17}[\dXx])(?!\d)")
# 11 digits from 13–19, written whole, as 3-4-4 groups with spaces or hyphens, or after +86.
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[ \-]?)?(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?!\d)")


def is_valid_id_number(candidate: str) -> bool:
    total = sum(int(d) * w for d, w in zip(candidate[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == candidate[17].upper()


def find_private_number(text: str) -> str | None:
    """The kind of private number the text contains ("身份证号码" or "手机号码"), if any."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text)
    for match in _ID_NUMBER.finditer(folded):
        if is_valid_id_number(match.group(1)):
            return "身份证号码"
    if _MOBILE.search(folded):
        return "手机号码"
    return None
