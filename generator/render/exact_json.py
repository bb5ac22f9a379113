"""JSON text for the downloads in which every number is written exactly as the export gave it.

A JSON number has no limit of digits, but a float has 15–17: a coordinate such as
109.840123456789012 would come out of `float` as another number. So numbers stay
`Decimal` up to the file and are written as their decimal digits; the layout is that
of `json.dumps(value, ensure_ascii=False, indent=indent)`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal


def number_literal(value: Decimal | int) -> str:
    """A number as JSON (and CSV) writes it: plain digits, no exponent, no trailing zeros."""
    if isinstance(value, int):
        return str(value)
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    if value == value.to_integral_value():
        return str(int(value))  # also turns -0 into 0
    return f"{value.normalize():f}"


# A Decimal goes through the C encoder as a placeholder string and is put back as its digits. NUL
# cannot stand in data (validation refuses control characters), and the encoder writes it as
# `\u0000`, so a placeholder is never a text of the export.
_PLACEHOLDER = re.compile(r'"\\u0000(\d+)\\u0000"')


def dumps(value: object, indent: int = 1) -> str:
    """`value` as JSON text, laid out as `json.dumps(indent=indent)`; `Decimal` numbers digit for digit."""
    literals: list[str] = []

    def swap(item: object) -> object:
        if isinstance(item, Decimal):
            literals.append(number_literal(item))
            return f"\x00{len(literals) - 1}\x00"
        if isinstance(item, dict):
            return {key: swap(v) for key, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [swap(v) for v in item]
        return item

    text = json.dumps(swap(value), ensure_ascii=False, indent=indent)
    return _PLACEHOLDER.sub(lambda m: literals[int(m.group(1))], text)


def dumps_document(head: Mapping[str, object], key: str, items: Iterable[object], indent: int = 1) -> bytes:
    """`dumps({**head, key: [*items]}, indent) + "\\n"` as UTF-8, each item dumped as it comes.

    The list is the last member and the bulk of a download (7,150 projects at 10× the sample):
    dumped whole, the document, its copy with placeholders and its text were held at once.
    """
    head_text = dumps({**head, key: None}, indent)
    before, null, after = head_text.rpartition("null")  # the last: only the closing brace follows it
    assert null and after == "\n}", head_text[-20:]
    pad = "\n" + " " * (2 * indent)
    chunks = [before.encode("utf-8")]
    for number, item in enumerate(items):
        text = dumps(item, indent).replace("\n", pad)  # JSON strings hold no raw line breaks
        chunks.append(("[" if number == 0 else ",").encode("utf-8") + (pad + text).encode("utf-8"))
    chunks.append(b"[]" if len(chunks) == 1 else ("\n" + " " * indent + "]").encode("utf-8"))
    chunks.append(b"\n}\n")
    return b"".join(chunks)
