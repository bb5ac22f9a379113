"""JSON text for the downloads in which every number is written exactly as the export gave it.

A JSON number has no limit of digits, but a float has 15–17: a coordinate such as
109.840123456789012 would come out of `float` as another number. So numbers stay
`Decimal` up to the file and are written as their decimal digits; the layout is that
of `json.dumps(value, ensure_ascii=False, indent=indent)`.
"""

from __future__ import annotations

import json
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


def dumps(value: object, indent: int = 1) -> str:
    """`value` as JSON text; `Decimal` numbers are written digit for digit."""
    return _encode(value, indent, 0)


def _encode(value: object, indent: int, level: int) -> str:
    if isinstance(value, Decimal):
        return number_literal(value)
    if isinstance(value, dict):
        items = [
            f"{json.dumps(str(key), ensure_ascii=False)}: {_encode(v, indent, level + 1)}" for key, v in value.items()
        ]
        return _block("{", items, "}", indent, level)
    if isinstance(value, (list, tuple)):
        return _block("[", [_encode(v, indent, level + 1) for v in value], "]", indent, level)
    return json.dumps(value, ensure_ascii=False)


def _block(opening: str, items: list[str], closing: str, indent: int, level: int) -> str:
    if not items:
        return opening + closing
    inner = "\n" + " " * (indent * (level + 1))
    return opening + inner + ("," + inner).join(items) + "\n" + " " * (indent * level) + closing
