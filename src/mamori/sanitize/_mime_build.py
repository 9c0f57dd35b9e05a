"""Serialise the sanitized message: clean headers, a UTF-8 text body and sanitized attachments."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mamori.sanitize._mime_headers import (
    clean_text,
    encode_address_list,
    encode_param,
    encode_unstructured,
    encoded_words,
    fold_tokens,
    parse_content_type,
)

__all__ = ["OutputAttachment", "build_message"]

_ASCII_PRINTABLE = re.compile(r"[^\x21-\x7e ]")


@dataclass(frozen=True, slots=True)
class OutputAttachment:
    """One sanitized attachment to deliver."""

    filename: str
    content_type: str
    data: bytes


def _base64_lines(data: bytes) -> bytes:
    encoded = base64.encodebytes(data)  # 76-character lines, RFC 2045 §6.8
    return encoded.replace(b"\n", b"\r\n")


def _text_part(text: str) -> bytes:
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    data = body.encode("utf-8", "replace")
    head = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    return head.encode("ascii") + _base64_lines(data)


def _attachment_part(item: OutputAttachment) -> bytes:
    parsed = parse_content_type(item.content_type, "application/octet-stream")
    name_tokens = [f"{parsed.value};"]
    charset = parsed.params.get("charset", "")
    if re.fullmatch(r"[A-Za-z0-9_.:-]{1,40}", charset):
        name_tokens.append(f"charset={charset};")
    if item.filename.isascii():
        name_tokens.append(encode_param("name", item.filename))
    else:
        # Japanese mailers (older Outlook, Becky!, Thunderbird) read RFC 2047 words in name=.
        words = encoded_words(item.filename, 45)
        words[0] = 'name="' + words[0]
        words[-1] += '"'
        name_tokens.extend(words)
    head = fold_tokens("Content-Type", name_tokens)
    head += fold_tokens("Content-Disposition", ["attachment;", encode_param("filename", item.filename)])
    head += "Content-Transfer-Encoding: base64\r\n\r\n"
    return head.encode("ascii") + _base64_lines(item.data)


def _ascii_header(name: str, value: str | None) -> str:
    if not value:
        return ""
    cleaned = _ASCII_PRINTABLE.sub("", clean_text(value))
    tokens = [token for token in cleaned.split(" ") if token and len(token) <= 900]
    return fold_tokens(name, tokens) if tokens else ""


def build_message(
    *,
    addresses: Sequence[tuple[str, list[tuple[str, str]]]],
    subject: str | None,
    date: str | None,
    ids: Sequence[tuple[str, str | None]],
    actions: Sequence[str],
    text: str,
    attachments: Sequence[OutputAttachment],
) -> bytes:
    """Return the complete RFC 5322 message as CRLF-terminated bytes."""
    head: list[str] = []
    for name, pairs in addresses:
        if pairs:
            head.append(encode_address_list(name, pairs))
    head.append(_ascii_header("Date", date))
    if subject is not None:
        head.append(encode_unstructured("Subject", subject))
    for name, value in ids:
        head.append(_ascii_header(name, value))
    head.append("MIME-Version: 1.0\r\n")
    head.append(
        fold_tokens("X-Mamori-Sanitized", [token + "," for token in actions[:-1]] + list(actions[-1:]))
    )
    text_part = _text_part(text)
    if not attachments:
        return "".join(head).encode("ascii") + text_part
    parts = [text_part] + [_attachment_part(item) for item in attachments]
    digest = hashlib.sha256(b"".join(parts)).hexdigest()[:24]
    boundary = f"=_mamori_{digest}"
    head.append(f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n')
    chunks = ["".join(head).encode("ascii"), b"\r\n"]
    delimiter = f"--{boundary}\r\n".encode("ascii")
    for part in parts:
        chunks.append(delimiter)
        chunks.append(part)
        if not part.endswith(b"\r\n"):
            chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode("ascii"))
    return b"".join(chunks)
