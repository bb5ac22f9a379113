"""Traditional → simplified characters for the search page: a small table the browser applies to a query.

A reader may type 鄂爾多斯 for 鄂尔多斯. OpenCC's character table (its `t2s` configuration, pinned
in requirements.txt) is applied here, at build time, to every CJK ideograph; only the pairs
whose simplified character occurs in the site's searchable text are kept, since no other
could match anything. The browser maps a query character by character, so nothing depends on
its own dictionaries. The same table carries the radicals of the CJK Radicals Supplement that
stand for an ideograph (`⻓` for `长`, as text copied out of a PDF often has): NFKC leaves them
as they are, so without a pair a query or a case holding one would miss.
"""

from __future__ import annotations

import functools

from generator.validate.lookalikes import RADICALS

# The CJK Unified Ideographs and Extension A: where OpenCC's traditional characters are.
_IDEOGRAPH_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


@functools.cache
def _character_table() -> tuple[tuple[str, str], ...]:
    """(traditional, simplified) for every ideograph OpenCC changes on its own."""
    import opencc

    converter = opencc.OpenCC("t2s")
    ideographs = [chr(c) for first, last in _IDEOGRAPH_RANGES for c in range(first, last + 1)]
    # One character a line: OpenCC's phrase table cannot join neighbours, and one call is fast.
    converted = converter.convert("\n".join(ideographs)).split("\n")
    if len(converted) != len(ideographs):
        raise ValueError("OpenCC changed the number of lines")
    return tuple((t, s) for t, s in zip(ideographs, converted) if len(s) == 1 and s != t)


def traditional_pairs(characters: set[str]) -> str:
    """Traditional and simplified characters (or radical and ideograph), two by two, for those of `characters`."""
    return "".join(t + s for t, s in _character_table() + tuple(RADICALS.items()) if s in characters)
