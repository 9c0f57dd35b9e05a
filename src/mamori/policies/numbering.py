"""Recognise the section numbers of Japanese official documents: 第1章 / 1 / (1) / ア / （ア） / ①.

Municipal policies number their headings in the style of official documents (公用文): chapters 第1章,
then 1, (1), ア, (ア), ①. Which style sits at which depth differs between municipalities, so depth is
taken from the order in which the styles first appear (the first style met is the top level; a style
seen again closes every deeper level), not from a fixed table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LevelTracker", "NumberMatch", "match_number"]

_KANJI_NUM = "0-9０-９一二三四五六七八九十百〇"
_KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
_IROHA_ORDER = (
    "イロハニホヘトチリヌルヲワカヨタレソツネナラムウヰノオクヤマケフコエテアサキユメミシヱヒモセス"
)
_SEP = r"(?:[\s\u3000]+|[.．、:：](?:[\s\u3000]*)|(?=[（(「]))"

# (kind, pattern); the pattern's group 1 is the number label as written. Order matters: the more
# specific forms come first (第1章 before 1, （ア） before ア).
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^(第[{_KANJI_NUM}]+章)[\s\u3000]*")),
    ("part", re.compile(rf"^(第[{_KANJI_NUM}]+節)[\s\u3000]*")),
    ("article", re.compile(rf"^(第[{_KANJI_NUM}]+条(?:の[{_KANJI_NUM}]+)?)[\s\u3000]*")),
    ("dotted", re.compile(rf"^([0-9０-９]+(?:[.．][0-9０-９]+)+){_SEP}")),
    ("paren_digit", re.compile(r"^([（(][0-9０-９]+[）)])[\s\u3000]*")),
    ("paren_katakana", re.compile(rf"^([（(][{_KATAKANA}][）)])[\s\u3000]*")),
    ("paren_latin", re.compile(r"^([（(][a-zａ-ｚ][）)])[\s\u3000]*")),
    ("circled", re.compile(r"^([\u2460-\u2473\u3251-\u325f\u32b1-\u32bf])[\s\u3000]*")),
    ("digit", re.compile(rf"^([0-9０-９]+){_SEP}")),
    ("katakana", re.compile(rf"^([{_KATAKANA}])[\s\u3000]+")),
    ("latin", re.compile(r"^([a-zａ-ｚ])[.．)）][\s\u3000]*")),
)


@dataclass(frozen=True)
class NumberMatch:
    """A section number found at the start of a line."""

    kind: str
    label: str
    rest: str


def match_number(line: str) -> NumberMatch | None:
    """Return the number at the start of ``line`` and the text after it, or None."""
    stripped = line.strip()
    for kind, pattern in _PATTERNS:
        found = pattern.match(stripped)
        if found is None:
            continue
        label = found.group(1)
        rest = stripped[found.end() :].strip()
        if kind == "dotted":
            kind = f"dotted{label.count('.') + label.count('．')}"
        if kind in ("digit", "katakana") and not rest:
            # A bare "1" or "ア" on its own line is text (a table cell, a page number), not a heading.
            return None
        return NumberMatch(kind, label, rest)
    return None


class LevelTracker:
    """Assign depths to number kinds in order of first appearance, like a reader of the document does."""

    def __init__(self) -> None:
        self._stack: list[str] = []

    def level_for(self, kind: str) -> int:
        """Return the 1-based depth of a heading of ``kind`` and remember it."""
        if kind in self._stack:
            del self._stack[self._stack.index(kind) + 1 :]
        else:
            self._stack.append(kind)
        return len(self._stack)

    def place(self, kind: str, level: int) -> int:
        """Put ``kind`` at ``level`` (a Word heading style says so) and forget the deeper kinds."""
        del self._stack[level - 1 :]
        while len(self._stack) < level - 1:
            self._stack.append(f"(level {len(self._stack) + 1})")
        if kind in self._stack:
            # The same numbering style higher up would make two levels share it; keep the style's level.
            return self.level_for(kind)
        self._stack.append(kind)
        return level


def katakana_label(index: int, *, iroha: bool = False) -> str:
    """Return the index-th (1-based) katakana label: ア, イ, ウ ... (or イ, ロ, ハ ...)."""
    letters = _IROHA_ORDER if iroha else _KATAKANA
    return letters[(index - 1) % len(letters)]


def kanji_number(value: int) -> str:
    """Write 1..99 in kanji numerals as official documents do (十二, 二十)."""
    digits = "〇一二三四五六七八九"
    if value < 10:
        return digits[value]
    tens, ones = divmod(value, 10)
    return f"{'' if tens == 1 else digits[tens]}十{digits[ones] if ones else ''}"


def circled(value: int) -> str:
    """Return ① .. ⑳ for 1..20, then ㉑ .. ㊿; other values as (n)."""
    if 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if 21 <= value <= 35:
        return chr(0x3251 + value - 21)
    if 36 <= value <= 50:
        return chr(0x32B1 + value - 36)
    return f"({value})"
