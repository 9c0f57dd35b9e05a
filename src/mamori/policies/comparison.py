"""Compare two versions of a document section by section (sections match by their lineage)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from mamori.policies.diff import Piece, diff_texts, split_sides
from mamori.policies.models import Section


class Change(enum.StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


CHANGE_LABELS = {
    Change.ADDED: "追加",
    Change.REMOVED: "削除",
    Change.CHANGED: "変更",
    Change.UNCHANGED: "変更なし",
}


@dataclass(frozen=True)
class SectionChange:
    change: Change
    old: Section | None
    new: Section | None
    title: list[Piece]
    text: list[Piece]

    @property
    def label(self) -> str:
        return CHANGE_LABELS[self.change]

    @property
    def title_sides(self) -> tuple[list[Piece], list[Piece]]:
        return split_sides(self.title)

    @property
    def text_sides(self) -> tuple[list[Piece], list[Piece]]:
        return split_sides(self.text)


def _title(section: Section | None) -> str:
    if section is None:
        return ""
    return f"{section.full_number}　{section.heading}".strip("　 ")


def compare_sections(old: Sequence[Section], new: Sequence[Section]) -> list[SectionChange]:
    """Return the changes from ``old`` to ``new`` in reading order of the new text (removed ones in place)."""
    old_by_lineage = {s.lineage: s for s in old}
    new_lineages = {s.lineage for s in new}
    result: list[SectionChange] = []
    pending_removed = [s for s in old if s.lineage not in new_lineages]

    def flush_removed(before_order: int | None) -> None:
        while pending_removed and (before_order is None or pending_removed[0].order <= before_order):
            gone = pending_removed.pop(0)
            result.append(
                SectionChange(
                    Change.REMOVED, gone, None, diff_texts(_title(gone), ""), diff_texts(gone.text, "")
                )
            )

    for section in new:
        before = old_by_lineage.get(section.lineage)
        if before is not None:
            flush_removed(before.order)
        title = diff_texts(_title(before), _title(section))
        text = diff_texts(before.text if before else "", section.text)
        if before is None:
            change = Change.ADDED
        elif _title(before) == _title(section) and before.text == section.text:
            change = Change.UNCHANGED
        else:
            change = Change.CHANGED
        result.append(SectionChange(change, before, section, title, text))
    flush_removed(None)
    return result
