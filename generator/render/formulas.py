"""Text cells a spreadsheet would run as a formula, made inert for the CSV files people open in Excel or WPS.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
(`=HYPERLINK(...)`, `=cmd|...`); OWASP's advice is to put a `'` before it, which the
spreadsheet shows as text and hides. Used for the free-text columns of the site's downloads
and for the print kit's manifest; ids, numbers and phone numbers are never changed.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(text: str) -> str:
    """`text`, with a `'` before it when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
