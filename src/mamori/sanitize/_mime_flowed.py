"""Undo format=flowed (RFC 3676) so soft line breaks of iPhone and carrier mail do not split sentences."""

from __future__ import annotations

__all__ = ["unflow"]


def _quote_depth(line: str) -> tuple[int, str]:
    depth = len(line) - len(line.lstrip(">"))
    return depth, line[depth:]


def _prefix(depth: int) -> str:
    return ">" * depth + " " if depth else ""


def unflow(text: str, *, delete_space: bool) -> str:
    """Join soft-broken lines (ending in a space) into paragraphs, per RFC 3676 §4.1-4.5."""
    out: list[str] = []
    pending = ""
    pending_depth = -1
    for raw_line in text.split("\n"):
        depth, line = _quote_depth(raw_line)
        if line.startswith(" "):
            line = line[1:]  # space-stuffing (§4.4)
        if pending and depth != pending_depth:
            out.append(_prefix(pending_depth) + pending)  # a change of quote depth ends the paragraph (§4.5)
            pending = ""
        is_soft = line.endswith(" ") and line != "-- "  # the signature separator is always hard (§4.3)
        if is_soft:
            pending += line[:-1] if delete_space else line
            pending_depth = depth
            continue
        out.append(_prefix(depth) + pending + line)
        pending = ""
    if pending:
        out.append(_prefix(pending_depth) + pending)
    return "\n".join(out)
