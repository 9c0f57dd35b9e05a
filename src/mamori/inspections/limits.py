"""Named limits of the inspections app, each saying what it protects against."""

from __future__ import annotations

# Evidence files are screenshots, scanned records and exports; anything larger fills the data dir.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Files per answer: a long list is a sign of dumping a folder instead of choosing the proof.
MAX_EVIDENCE_PER_ANSWER = 5
# Only document and image types people can open safely; executables and archives are refused because
# evidence is opened by reviewers on their own terminals. Each suffix lists the leading bytes it must have
# (None: plain text, checked for NUL bytes instead).
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".csv": ("text/csv", None),
    ".txt": ("text/plain", None),
}
# A comment longer than this is a pasted document, which belongs in an evidence file.
MAX_COMMENT_CHARS = 4000
# Days before the due date when the owner of a corrective action is reminded.
ACTION_REMINDER_DAYS = 7
