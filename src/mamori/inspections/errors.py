"""The errors the inspection services raise: a stable English code and a Japanese message for people."""

from __future__ import annotations


class InspectionError(Exception):
    """A business rule refused the change; ``message`` is shown to the user as is."""

    code = "inspection_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class NotAllowed(InspectionError):
    """The actor may not make this change."""

    code = "not_allowed"


class AuditorNotIndependent(InspectionError):
    """An auditor was assigned to a unit they belong to."""

    code = "auditor_not_independent"


class SheetNotEditable(InspectionError):
    """The answer sheet is submitted, accepted or its campaign is not open."""

    code = "sheet_not_editable"


class EvidenceRejected(InspectionError):
    """An evidence file is too large, empty or of a type that is not accepted."""

    code = "evidence_rejected"
