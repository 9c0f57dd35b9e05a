"""JSON reports and Japanese labels for sanitize results."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from mamori.sanitize.results import FileResult, Verdict

VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.CLEANED: "無害化済み",
    Verdict.CONVERTED: "変換済み",
    Verdict.REMOVED: "削除",
    Verdict.HELD: "保留",
}
REPORT_VERSION = 1


def verdict_label(verdict: str) -> str:
    """Return the Japanese label of a verdict value (the value itself when unknown)."""
    try:
        return VERDICT_LABELS[Verdict(verdict)]
    except ValueError:
        return verdict


def file_report(result: FileResult) -> dict[str, object]:
    """Return the JSON report of one sanitized file."""
    return {
        "version": REPORT_VERSION,
        "kind": "file",
        "verdict_label": verdict_label(result.verdict),
        **result.to_report(),
    }


def write_json(path: Path, data: Mapping[str, object]) -> None:
    """Write JSON atomically (UTF-8, Japanese kept readable)."""
    write_bytes(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file atomically: a temporary file in the same folder, then a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".mamori-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
