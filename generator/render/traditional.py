"""Traditional → simplified characters for the search page: a small table the browser applies to a query.

A reader may type 鄂爾多斯 for 鄂尔多斯. OpenCC's character table (its `t2s` configuration, pinned
in requirements.txt) is applied here, at build time, to every CJK ideograph; only the pairs
whose simplified character occurs in the site's searchable text are kept, since no other
could match anything. The browser maps a query character by character, so nothing depends on
its own dictionaries.
"""

from __future__ import annotations

import functools

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
    """Traditional and simplified characters, two by two, for the simplified ones in `characters`."""
    return "".join(t + s for t, s in _character_table() if s in characters)
