"""Sanitize one file: the single entry point for attachments and standalone files."""

from __future__ import annotations

import hashlib

from mamori.sanitize.policy import Policy
from mamori.sanitize.results import FileResult, Verdict


def sanitize_file(data: bytes, filename: str, policy: Policy) -> FileResult:
    """Make one file harmless according to the policy; never pass the original through."""
    return FileResult(
        filename=filename,
        detected_type="unknown",
        content_type="application/octet-stream",
        sha256=hashlib.sha256(data).hexdigest(),
        verdict=Verdict.REMOVED,
        reason="未対応の形式のため削除しました。",
        output=None,
        output_filename=None,
    )
