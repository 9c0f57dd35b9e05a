"""Render Word's automatic list numbers (numbering.xml) as the text a reader sees: 第1章, (1), ア, ①.

Word stores "第%1章" and a number format per list level instead of the text (ECMA-376 Part 1, 17.9
Numbering). Only the formats municipal documents use are rendered; anything else falls back to digits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mamori.policies.numbering import circled, kanji_number, katakana_label

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def _format(value: int, fmt: str) -> str:
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(value).translate(_FULLWIDTH_DIGITS)
    if fmt in ("aiueoFullWidth", "aiueo"):
        return katakana_label(value)
    if fmt in ("irohaFullWidth", "iroha"):
        return katakana_label(value, iroha=True)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return circled(value)
    if fmt in ("japaneseCounting", "ideographTraditional", "japaneseLegal", "ideographDigital"):
        return kanji_number(value)
    if fmt == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    if fmt == "none":
        return ""
    return str(value)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class WordNumbering:
    """Counters for every list of one document, advanced paragraph by paragraph."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    abstract_of: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    counters: dict[str, list[int]] = field(default_factory=dict)  # abstractNumId -> counters

    @classmethod
    def from_document(cls, document: object) -> WordNumbering:
        result = cls()
        try:
            part = document.part.numbering_part  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            return result
        root = part.element
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in node.iter(f"{_W}lvl"):
                level = _Level()
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                if fmt is not None:
                    level.fmt = fmt.get(f"{_W}val", "decimal")
                if text is not None:
                    level.text = text.get(f"{_W}val", "")
                if start is not None and (start.get(f"{_W}val") or "").isdigit():
                    level.start = int(start.get(f"{_W}val") or 1)
                ilvl = lvl.get(f"{_W}ilvl") or "0"
                if ilvl.isdigit():
                    levels[int(ilvl)] = level
            abstract[node.get(f"{_W}abstractNumId") or ""] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is None:
                continue
            abstract_id = ref.get(f"{_W}val") or ""
            num_id = num.get(f"{_W}numId") or ""
            result.abstract_of[num_id] = abstract_id
            result.levels[num_id] = abstract.get(abstract_id, {})
        return result

    def label_for(self, paragraph: object) -> tuple[str, int] | None:
        """Return (rendered number, 0-based list level) for a paragraph with list numbering, or None."""
        ppr = paragraph._p.pPr  # type: ignore[attr-defined]
        numpr = ppr.numPr if ppr is not None else None
        if numpr is None:
            style = getattr(paragraph, "style", None)
            style_ppr = getattr(getattr(style, "element", None), "pPr", None)
            numpr = style_ppr.numPr if style_ppr is not None else None
        if numpr is None or numpr.numId is None:
            return None
        num_id = str(numpr.numId.val)
        ilvl = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        levels = self.levels.get(num_id)
        if not levels or num_id == "0":
            return None
        abstract_id = self.abstract_of.get(num_id, num_id)
        counters = self.counters.setdefault(abstract_id, [0] * 9)
        if not 0 <= ilvl < 9:
            return None
        level = levels.get(ilvl, _Level())
        if level.fmt == "bullet":
            return None
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else level.start
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        text = level.text
        for n in range(ilvl + 1):
            value = counters[n] or levels.get(n, _Level()).start
            text = text.replace(f"%{n + 1}", _format(value, levels.get(n, _Level()).fmt))
        return text.strip(), ilvl
