"""無害化 (sanitize) engine: make mail and files from the internet zone harmless. No Django."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mamori.sanitize.errors import (
    EncryptedContent,
    IsolationError,
    LimitExceeded,
    MalformedContent,
    PolicyError,
    SanitizeError,
    UnsupportedContent,
)
from mamori.sanitize.files import sanitize_file
from mamori.sanitize.policy import EncryptedHandling, HiddenText, Limits, LinkHandling, Mode, Policy
from mamori.sanitize.results import Action, FileResult, Finding, MessageResult, Verdict

if TYPE_CHECKING:
    from mamori.sanitize.mail import sanitize_message

__all__ = [
    "Action",
    "EncryptedContent",
    "EncryptedHandling",
    "FileResult",
    "Finding",
    "HiddenText",
    "IsolationError",
    "LimitExceeded",
    "Limits",
    "LinkHandling",
    "MalformedContent",
    "MessageResult",
    "Mode",
    "Policy",
    "PolicyError",
    "SanitizeError",
    "UnsupportedContent",
    "Verdict",
    "sanitize_file",
    "sanitize_message",
]


def __getattr__(name: str) -> object:
    # sanitize_message lives in mail.py (written separately) and pulls in the whole MIME stack, so it
    # is imported on first use only.
    if name == "sanitize_message":
        from mamori.sanitize.mail import sanitize_message

        return sanitize_message
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
