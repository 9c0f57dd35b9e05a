"""Results of sanitizing a file or a message: verdicts, actions, findings and their JSON reports."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(enum.StrEnum):
    """What became of a file."""

    CLEANED = "cleaned"  # same format, active content removed
    CONVERTED = "converted"  # another, safer format (pixels, text)
    REMOVED = "removed"  # nothing delivered
    HELD = "held"  # nothing delivered; the original waits in quarantine (e.g. encrypted)


class Action(enum.StrEnum):
    """Tokens of the ``X-Mamori-Sanitized:`` header; extend, never rename."""

    TEXTIZED = "TEXTIZED"
    LINKS_DEFANGED = "LINKS_DEFANGED"
    LINKS_REMOVED = "LINKS_REMOVED"
    ATTACHMENT_REMOVED = "ATTACHMENT_REMOVED"
    ATTACHMENT_CONVERTED = "ATTACHMENT_CONVERTED"
    ATTACHMENT_CLEANED = "ATTACHMENT_CLEANED"
    ATTACHMENT_HELD = "ATTACHMENT_HELD"
    ENCRYPTED_HELD = "ENCRYPTED_HELD"
    TRACKING_IMAGES_REMOVED = "TRACKING_IMAGES_REMOVED"
    HIDDEN_TEXT_REMOVED = "HIDDEN_TEXT_REMOVED"
    HIDDEN_TEXT_FLAGGED = "HIDDEN_TEXT_FLAGGED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    MALFORMED_REPAIRED = "MALFORMED_REPAIRED"
    MESSAGE_HELD = "MESSAGE_HELD"  # the message could not be processed; the original waits in quarantine
    CHECKED = "CHECKED"  # rebuilt and inspected, nothing needed changing (the header is never empty)


@dataclass(frozen=True)
class Finding:
    """One thing found in a file: active content, a mismatch, a limit hit."""

    code: str
    message: str
    detail: str = ""

    def to_report(self) -> dict[str, str]:
        """Return the finding as JSON-serialisable data."""
        return {"code": self.code, "message": self.message, "detail": self.detail}


@dataclass(frozen=True)
class FileResult:
    """The outcome of sanitizing one file."""

    filename: str
    detected_type: str
    content_type: str
    sha256: str
    verdict: Verdict
    reason: str
    output: bytes | None
    output_filename: str | None
    findings: tuple[Finding, ...] = ()

    @property
    def is_delivered(self) -> bool:
        """Tell whether a sanitized copy exists to deliver."""
        return self.verdict in (Verdict.CLEANED, Verdict.CONVERTED) and self.output is not None

    @property
    def has_active_content(self) -> bool:
        """Tell whether any finding reports active content (macros, scripts, OLE, DDE, links ...)."""
        return any(finding.code in ACTIVE_CONTENT_CODES for finding in self.findings)

    def to_report(self) -> dict[str, object]:
        """Return the result as JSON-serialisable data (no output bytes)."""
        return {
            "filename": self.filename,
            "detected_type": self.detected_type,
            "content_type": self.content_type,
            "sha256": self.sha256,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "output_filename": self.output_filename,
            "output_size": None if self.output is None else len(self.output),
            "findings": [finding.to_report() for finding in self.findings],
        }


@dataclass(frozen=True)
class MessageResult:
    """The outcome of sanitizing one mail message."""

    output: bytes
    verdict: str
    actions: tuple[Action, ...]
    attachments: tuple[FileResult, ...]
    report: dict[str, object]


# Finding codes that mean "this file carried active or dangerous content".
ACTIVE_CONTENT_CODES: frozenset[str] = frozenset(
    {
        "vba_macro",
        "xlm_macro",
        "dde",
        "ole_object",
        "activex",
        "embedded_document",
        "external_relationship",
        "external_link",
        "remote_template",
        "pdf_javascript",
        "pdf_open_action",
        "pdf_additional_action",
        "pdf_launch",
        "pdf_embedded_file",
        "pdf_rich_media",
        "pdf_xfa",
        "pdf_form_action",
        "svg_script",
        "lnk",
        "executable",
        "script",
        "polyglot",
        "csv_formula",
        "rtf_object",
        "html_script",
    }
)
