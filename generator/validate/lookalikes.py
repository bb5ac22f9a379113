"""One key for the spellings of a name that look alike: the region, category and disposition facets group by it.

`昆都仑区` typed on one computer and `昆都仑区` with a zero-width space, its decomposed
(NFD) form, a full-width letter, or a CJK radical in place of the ideograph (`⻓` U+2ED3 for
`长`, as PDF text often has) would otherwise become separate facet pages and feeds. The key
removes what shows nothing, maps the radicals to their ideographs and full-width letters and
digits to ASCII, and composes (NFC); everything else stays, so an ordinary name is its own key
and the facet URL of every existing value (a hash of the key) is what it was.
"""

from __future__ import annotations

import re
import unicodedata

from generator.contract.fields import is_invisible

# CJK Radicals Supplement (U+2E80–U+2EFF) that stand for a whole ideograph or a component that
# has its own code point (Unicode's EquivalentUnifiedIdeograph.txt); the Kangxi radicals
# (U+2F00–U+2FDF) are mapped by NFKC itself. The search index folds them the same way.
RADICALS: dict[str, str] = {
    "\u2e81": "厂", "\u2e89": "刂", "\u2e8a": "卜", "\u2e8c": "小", "\u2e92": "巳", "\u2e93": "幺",
    "\u2e96": "忄", "\u2e98": "扌", "\u2e9d": "月", "\u2ea0": "民", "\u2ea1": "氵", "\u2ea3": "灬",
    "\u2ea6": "丬", "\u2ea8": "犭", "\u2ea9": "王", "\u2eac": "示", "\u2ead": "礻", "\u2eaf": "糸",
    "\u2eb0": "纟", "\u2eb6": "羊", "\u2eb9": "耂", "\u2ebb": "聿", "\u2ebc": "月", "\u2ebd": "臼",
    "\u2ebe": "艹", "\u2ec1": "虎", "\u2ec2": "衤", "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角",
    "\u2ec8": "讠", "\u2ec9": "贝", "\u2ecb": "车", "\u2ecc": "辶", "\u2ecf": "阝", "\u2ed0": "钅",
    "\u2ed3": "长", "\u2ed4": "门", "\u2ed6": "阝", "\u2ed7": "雨", "\u2ed8": "青", "\u2ed9": "韦",
    "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞", "\u2edd": "食", "\u2ee0": "饣", "\u2ee2": "马",
    "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟", "\u2ee7": "卤", "\u2ee8": "麦",
    "\u2ee9": "黄", "\u2eea": "黾", "\u2eec": "齐", "\u2eee": "齿", "\u2ef0": "龙",
}  # fmt: skip
_RADICALS = str.maketrans(RADICALS)
# Full-width letters and digits are the ASCII ones in another width; full-width punctuation is how
# Chinese is written (`（`, `，`), so it is kept, and ASCII punctuation too: a name's key is the
# name itself unless it holds one of the look-alikes, and its facet's URL never changes.
_FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u2f00-\u2fdf]")


def _hidden(char: str, before: str) -> bool:
    """Invisible, except spaces, and the joiner and variation selectors that make an emoji what it is.

    After a Han character or a letter they make nothing: 青\u200d山区 reads as 青山区.
    """
    if not is_invisible(char) or char.isspace():
        return False
    if char == "\u200d" or "\ufe00" <= char <= "\ufe0f":
        return before.isalnum() or not before
    return True


def facet_key(text: str) -> str:
    """The spelling that every look-alike of `text` shares: NFC, radicals and full-width letters folded, invisibles gone."""
    shown = "".join(c for i, c in enumerate(text) if not _hidden(c, text[i - 1] if i else "")).translate(_RADICALS)
    folded = _FULL_WIDTH_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), shown)
    return unicodedata.normalize("NFC", folded).strip()


def is_lookalike(text: str) -> bool:
    """Whether `text` is not its own key (worth a warning where it was found)."""
    return facet_key(text) != text
