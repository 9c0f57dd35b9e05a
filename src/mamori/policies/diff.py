"""Word-level differences between two texts, Japanese aware.

Japanese has no spaces between words, so splitting on whitespace would turn a whole sentence into one
"word". Instead the text is cut into runs of one script (kanji, hiragana, katakana, latin, digits) and
single punctuation marks: 「情報資産を管理する。」 → 情報資産 / を / 管理 / する / 。. A change of
one compound then shows as that compound, not as the whole sentence. No dictionary is needed.
"""

from __future__ import annotations

import difflib
import enum
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Op", "Piece", "diff_texts", "split_sides", "tokenize"]


class Script(enum.Enum):
    KANJI = "kanji"
    HIRAGANA = "hiragana"
    KATAKANA = "katakana"
    LATIN = "latin"
    DIGIT = "digit"
    SPACE = "space"
    NEWLINE = "newline"
    PUNCT = "punct"


# Characters that read as part of a kanji compound: 々 (repeat), 〆, ヶ as in 霞ヶ関.
_KANJI_EXTRA = frozenset("々〆〇ヶ")


def script_of(char: str) -> Script:
    """Return the script run a character belongs to."""
    if char == "\n":
        return Script.NEWLINE
    if char.isspace():
        return Script.SPACE
    code = ord(char)
    if (
        char in _KANJI_EXTRA
        or 0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
    ):
        return Script.KANJI
    if 0x20000 <= code <= 0x2FFFF:
        return Script.KANJI
    if 0x3041 <= code <= 0x309F:
        return Script.HIRAGANA
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        # ー (U+30FC) is inside this block: it lengthens katakana words such as サーバー.
        return Script.KATAKANA
    if char.isdigit():
        return Script.DIGIT
    if char.isalpha():
        return Script.LATIN
    category = unicodedata.category(char)
    if category.startswith(("L", "M")):
        return Script.LATIN
    return Script.PUNCT


def tokenize(text: str) -> list[str]:
    """Split ``text`` into script runs and single punctuation marks; joining them gives ``text`` back."""
    tokens: list[str] = []
    current = ""
    current_script: Script | None = None
    for char in text:
        script = script_of(char)
        if script is Script.PUNCT or script is Script.NEWLINE or script != current_script:
            if current:
                tokens.append(current)
            current = char
            current_script = None if script in (Script.PUNCT, Script.NEWLINE) else script
            continue
        current += char
    if current:
        tokens.append(current)
    return tokens


class Op(enum.StrEnum):
    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


@dataclass(frozen=True)
class Piece:
    """A run of text that is the same in both versions, only in the new one, or only in the old one."""

    op: Op
    text: str


def _merge(pieces: list[Piece], op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].op is op:
        pieces[-1] = Piece(op, pieces[-1].text + text)
    else:
        pieces.append(Piece(op, text))


def diff_texts(old: str, new: str) -> list[Piece]:
    """Return the inline difference from ``old`` to ``new`` as equal / delete / insert pieces."""
    a, b = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _merge(pieces, Op.EQUAL, "".join(a[i1:i2]))
            continue
        # Deletions first, then insertions: reads like a correction (old struck through, new after).
        _merge(pieces, Op.DELETE, "".join(a[i1:i2]))
        _merge(pieces, Op.INSERT, "".join(b[j1:j2]))
    return pieces


def split_sides(pieces: Sequence[Piece]) -> tuple[list[Piece], list[Piece]]:
    """Return the old side (equal + deleted) and the new side (equal + inserted) for a side-by-side view."""
    left = [p for p in pieces if p.op is not Op.INSERT]
    right = [p for p in pieces if p.op is not Op.DELETE]
    return left, right


def old_text(pieces: Sequence[Piece]) -> str:
    return "".join(p.text for p in pieces if p.op is not Op.INSERT)


def new_text(pieces: Sequence[Piece]) -> str:
    return "".join(p.text for p in pieces if p.op is not Op.DELETE)
