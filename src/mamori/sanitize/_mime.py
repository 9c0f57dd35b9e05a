"""Parse untrusted RFC 5322 / MIME bytes into a tree of parts, within limits, never raising.

The standard library parser is slow with ``policy.default`` and lets malformed structure through as
string payloads that crash later walkers (CPython's msg_15/17/25/31/39/41/42). This parser works on
bytes, keeps each part's body as a slice until it is needed, and stops at the configured nesting depth
and part count, recording that it did.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from mamori.sanitize._mime_headers import ContentType, decode_raw_header, parse_content_type, parse_params

__all__ = ["ParseBudget", "Part", "decode_transfer", "decode_uuencode", "is_mime_like", "parse_message"]

_HEADER_LINE = re.compile(rb"[!-9;-~]{1,200}[ \t]*:")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_NOT_BASE64 = bytes(byte for byte in range(256) if byte not in _BASE64_ALPHABET)
_MESSAGE_TYPES = frozenset({"rfc822", "global", "news"})


@dataclass
class ParseBudget:
    """Limits for one message and what was hit while parsing it."""

    max_parts: int
    max_depth: int
    max_header_bytes: int
    parts: int = 0
    parts_exceeded: bool = False
    depth_exceeded: bool = False
    headers_truncated: bool = False
    defects: list[str] = field(default_factory=list)

    def defect(self, text: str) -> None:
        """Record a structural defect (kept short: at most 50 distinct ones)."""
        if len(self.defects) < 50 and text not in self.defects:
            self.defects.append(text)


@dataclass
class Part:
    """One MIME entity: its raw headers, content type and either children or a raw body."""

    headers: list[tuple[str, bytes]]
    content_type: ContentType
    body: bytes
    depth: int
    children: list[Part] | None = None
    message: Part | None = None  # the enclosed message of message/rfc822
    is_truncated: bool = False  # children not parsed: a limit was hit

    def header(self, name: str) -> str | None:
        """Return the first header of that (lower-case) name, decoded, or None."""
        for key, value in self.headers:
            if key == name:
                return decode_raw_header(value)
        return None

    def all_headers(self, name: str) -> list[str]:
        """Return every header of that (lower-case) name, decoded."""
        return [decode_raw_header(value) for key, value in self.headers if key == name]

    @property
    def disposition(self) -> tuple[str, dict[str, str]]:
        """Return the Content-Disposition type (lower-case, may be empty) and its parameters."""
        value = self.header("content-disposition")
        if not value:
            return "", {}
        head, _, rest = value.partition(";")
        return head.strip().lower(), parse_params(rest)

    @property
    def filename(self) -> str:
        """Return the decoded file name from Content-Disposition, Content-Type or Content-Location."""
        _, params = self.disposition
        name = params.get("filename") or self.content_type.params.get("name")
        if not name:
            location = self.header("content-location")
            if location and "/" in location.strip().rstrip("/"):
                name = location.strip().rsplit("/", 1)[-1]
        return (name or "").strip()

    @property
    def transfer_encoding(self) -> str:
        """Return the Content-Transfer-Encoding, lower-case, or empty."""
        value = self.header("content-transfer-encoding")
        return value.strip().lower().strip("\"'") if value else ""


def is_mime_like(raw: bytes) -> bool:
    """Tell whether bytes look like a mail message rather than another file (an Outlook .msg)."""
    return not raw.startswith(_OLE_MAGIC)


def _normalise_newlines(raw: bytes) -> bytes:
    if b"\r" not in raw:
        return raw
    raw = raw.replace(b"\r\n", b"\n")
    # Old Mac mail uses bare CR; stray CRs elsewhere are line breaks too (RFC 5322 §2.3 forbids them).
    return raw.replace(b"\r", b"\n")


def _split_headers(data: bytes, budget: ParseBudget) -> tuple[list[tuple[str, bytes]], bytes]:
    """Split the header block from the body; a line that is not a header starts the body."""
    headers: list[tuple[str, bytes]] = []
    if data.startswith(b"\n"):
        return headers, data[1:]
    end = data.find(b"\n\n")
    head = data if end < 0 else data[: end + 1]
    body_start = len(data) if end < 0 else end + 2
    if len(head) > budget.max_header_bytes:
        budget.headers_truncated = True
        head = head[: budget.max_header_bytes]
        cut = head.rfind(b"\n")
        head = head[: cut + 1] if cut > 0 else head
    pos = 0
    name: str | None = None
    value: list[bytes] = []
    while pos < len(head):
        nl = head.find(b"\n", pos)
        line = head[pos:] if nl < 0 else head[pos:nl]
        next_pos = len(head) if nl < 0 else nl + 1
        if line[:1] in (b" ", b"\t") and name is not None:
            value.append(line)
        elif (match := _HEADER_LINE.match(line)) is not None:
            if name is not None:
                headers.append((name, b"".join(value).strip()))
            name = match.group(0)[:-1].strip().decode("ascii").lower()
            value = [line[match.end() :]]
        elif pos == 0 and line.startswith(b"From "):
            pass  # mbox separator line
        elif line.strip() == b"" and name is None:
            pass
        else:
            # Not a header: the body starts here (CPython msg_19/35/47 lack the blank line).
            budget.defect("ヘッダーと本文の区切りがありません")
            if name is not None:
                headers.append((name, b"".join(value).strip()))
            return headers, data[pos:]
        pos = next_pos
        if len(headers) > 2000:
            budget.headers_truncated = True
            break
    if name is not None:
        headers.append((name, b"".join(value).strip()))
    return headers, data[body_start:]


def _content_type(headers: list[tuple[str, bytes]], default: str, budget: ParseBudget) -> ContentType:
    values = [value for key, value in headers if key == "content-type"]
    if len(values) > 1:
        budget.defect("Content-Type ヘッダーが複数あります")
    return parse_content_type(decode_raw_header(values[0]) if values else None, default)


def decode_transfer(body: bytes, encoding: str) -> bytes:
    """Undo a Content-Transfer-Encoding leniently (broken base64 decodes as far as it is valid)."""
    if encoding == "base64":
        cleaned = body.translate(None, _NOT_BASE64)
        cleaned = cleaned[:-1] if len(cleaned) % 4 == 1 else cleaned
        cleaned += b"=" * (-len(cleaned) % 4)
        try:
            return base64.b64decode(cleaned)
        except (binascii.Error, ValueError):
            return b""
    if encoding in ("quoted-printable", "quoted_printable"):
        return binascii.a2b_qp(body)
    if encoding in ("x-uuencode", "uuencode", "x-uue"):
        return decode_uuencode(body)
    return body


def decode_uuencode(body: bytes) -> bytes:
    """Decode the first uuencoded file in body (from its ``begin`` line to ``end``), leniently."""
    out: list[bytes] = []
    started = False
    for line in body.split(b"\n"):
        if not started:
            started = line.startswith(b"begin ")
            continue
        if line.strip() in (b"end", b"`", b""):
            if line.strip() == b"end":
                break
            continue
        try:
            out.append(binascii.a2b_uu(line))
        except binascii.Error:
            break
    return b"".join(out)


def _delimiters(body: bytes, boundary: str) -> list[tuple[int, int, bool]]:
    """Find delimiter lines: (line start, line end, is closing) per RFC 2046 §5.1.1.

    A delimiter is ``--boundary`` (or ``--boundary--``) at the start of a line, followed only by
    linear white space; a longer boundary that merely starts with this one does not count.
    """
    delimiter = b"--" + boundary.encode("utf-8", "surrogateescape")
    found: list[tuple[int, int, bool]] = []
    position = body.find(delimiter)
    while position >= 0:
        if position == 0 or body[position - 1] == 0x0A:
            after = position + len(delimiter)
            is_closing = body.startswith(b"--", after)
            end = body.find(b"\n", after)
            end = len(body) if end < 0 else end
            if not body[after + 2 * is_closing : end].strip(b" \t"):
                found.append((position, end, is_closing))
        position = body.find(delimiter, position + 1)
    return found


def _parse_entity(data: bytes, depth: int, default: str, budget: ParseBudget) -> Part:
    budget.parts += 1
    headers, body = _split_headers(data, budget)
    content_type = _content_type(headers, default, budget)
    part = Part(headers=headers, content_type=content_type, body=body, depth=depth)
    if content_type.maintype == "multipart":
        _parse_multipart(part, budget)
    elif content_type.maintype == "message" and content_type.subtype in _MESSAGE_TYPES:
        if depth + 1 > budget.max_depth:
            budget.depth_exceeded = True
            part.is_truncated = True
        elif budget.parts >= budget.max_parts:
            budget.parts_exceeded = True
            part.is_truncated = True
        else:
            inner = decode_transfer(body, part.transfer_encoding)
            part.message = _parse_entity(inner, depth + 1, "text/plain", budget)
    return part


def _parse_multipart(part: Part, budget: ParseBudget) -> None:
    boundary = part.content_type.params.get("boundary", "").strip()
    if not boundary:
        budget.defect("multipart に boundary がありません")
        part.content_type = ContentType("text", "plain", part.content_type.params)
        return
    if part.depth + 1 > budget.max_depth:
        budget.depth_exceeded = True
        part.is_truncated = True
        return
    body = part.body
    matches = _delimiters(body, boundary)
    if not matches:
        budget.defect("multipart に区切り行がありません")
        part.content_type = ContentType("text", "plain", part.content_type.params)
        return
    default = "message/rfc822" if part.content_type.subtype == "digest" else "text/plain"
    children: list[Part] = []
    closed = False
    for index, (_, line_end, is_closing) in enumerate(matches):
        if is_closing:
            closed = True
            break
        start = line_end + 1
        end = matches[index + 1][0] - 1 if index + 1 < len(matches) else len(body)
        if budget.parts >= budget.max_parts:
            budget.parts_exceeded = True
            part.is_truncated = True
            break
        chunk = body[start:end] if end > start else b""
        children.append(_parse_entity(chunk, part.depth + 1, default, budget))
    if not closed and not part.is_truncated:
        budget.defect("multipart の終端の区切り行がありません")
    part.children = children
    part.body = b""


def parse_message(raw: bytes, budget: ParseBudget) -> Part:
    """Parse a whole message; malformed structure becomes defects in ``budget``, never an exception."""
    return _parse_entity(_normalise_newlines(raw), 0, "text/plain", budget)
