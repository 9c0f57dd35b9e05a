"""The guided classification: plain-Japanese yes/no questions that propose the three levels.

Questions belong to levels of a scheme. For each axis the questions are asked in order; the first "yes"
proposes its level, and when every answer is "no" the axis' lowest level is proposed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mamori.assets.models import Axis, ClassificationQuestion, ClassificationScheme, Level


@dataclass(frozen=True)
class Proposal:
    """The level proposed for one axis and the question that decided it (None: every answer was no)."""

    axis: Axis
    level: Level
    because: ClassificationQuestion | None


def questions_by_axis(scheme: ClassificationScheme) -> dict[Axis, list[ClassificationQuestion]]:
    """Return the scheme's questions grouped by axis, in asking order."""
    grouped: dict[Axis, list[ClassificationQuestion]] = {axis: [] for axis in Axis}
    for question in ClassificationQuestion.objects.filter(level__scheme=scheme).select_related("level"):
        grouped[Axis(question.level.axis)].append(question)
    return grouped


def propose(scheme: ClassificationScheme, answers: Mapping[int, bool]) -> list[Proposal]:
    """Return one proposal per axis from ``answers`` ({question id: yes?}); unanswered counts as no."""
    proposals = []
    for axis, questions in questions_by_axis(scheme).items():
        chosen = next((q for q in questions if answers.get(q.pk)), None)
        if chosen is not None:
            proposals.append(Proposal(axis, chosen.level, chosen))
            continue
        lowest = Level.objects.filter(scheme=scheme, axis=axis.value).order_by("rank").first()
        if lowest is not None:
            proposals.append(Proposal(axis, lowest, None))
    return proposals
