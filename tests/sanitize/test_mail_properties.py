"""Hypothesis: any bytes in, a valid text message out; no exception escapes sanitize_message."""

from __future__ import annotations

import email
import email.policy
import importlib.util
from email.message import EmailMessage
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.sanitize import Policy
from mamori.sanitize.mail import sanitize_message

# Attachments are refused by type here, so the properties exercise the mail side, not file converters.
POLICY = Policy(allowed_types=frozenset())
REPOSITORY = Path(__file__).resolve().parents[2]


def _assert_valid(output: bytes) -> EmailMessage:
    head, separator, _ = output.partition(b"\r\n\r\n")
    assert separator
    assert head.isascii()
    assert all(len(line) <= 998 for line in output.split(b"\r\n"))
    message = email.message_from_bytes(output, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            payload.decode(part.get_content_charset() or "ascii")
    body = message.get_body(("plain",))
    assert body is not None
    assert str(body.get_content()).startswith("【無害化のお知らせ】")
    return message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_any_bytes_give_a_valid_message(data: bytes) -> None:
    result = sanitize_message(data, POLICY)
    _assert_valid(result.output)
    assert "error" not in result.report  # handled by the parser, not by the last-resort hold
    assert result.actions


_HEADER_NAMES = st.sampled_from(["From", "To", "Cc", "Subject", "Date", "Message-ID", "Content-Type", "X-A"])
_CHARSETS = st.sampled_from(["utf-8", "iso-2022-jp", "shift_jis", "euc-jp", "us-ascii", "bogus", ""])
_TYPES = st.sampled_from(
    [
        "text/plain",
        "text/html",
        "application/octet-stream",
        "message/rfc822",
        "application/ms-tnef",
        "image/png",
    ]
)
_ENCODINGS = st.sampled_from(["", "base64", "quoted-printable", "8bit", "x-uuencode", "bogus"])


@st.composite
def _entity(draw: st.DrawFn, depth: int = 0) -> bytes:
    text = draw(st.text(max_size=60))
    charset = draw(_CHARSETS)
    codec = {"iso-2022-jp": "iso2022_jp", "shift_jis": "cp932", "euc-jp": "euc_jp"}.get(charset, "utf-8")
    body = text.encode(codec, "replace")
    headers = [f"{draw(_HEADER_NAMES)}: {draw(st.text(max_size=30))}".encode("utf-8", "replace")]
    if depth < 3 and draw(st.booleans()):
        boundary = draw(st.sampled_from(["b", "=_x", "--", "a b", "B" * 70]))
        children = draw(st.lists(_entity(depth + 1), max_size=4))
        closing = draw(st.sampled_from([b"--", b""]))
        body = b"".join(b"--" + boundary.encode() + b"\r\n" + child + b"\r\n" for child in children)
        body += b"--" + boundary.encode() + closing + b"\r\n"
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "signed", "digest", "report"]))
        headers.append(f'Content-Type: multipart/{subtype}; boundary="{boundary}"'.encode())
    else:
        ctype = draw(_TYPES)
        name = draw(
            st.sampled_from(["", '; name="a.exe"', "; name*=UTF-8''%E6%97%A5.txt", "; name=\xe6\x97\xa5"])
        )
        headers.append(f"Content-Type: {ctype}; charset={charset}{name}".encode("utf-8", "replace"))
        encoding = draw(_ENCODINGS)
        if encoding:
            headers.append(f"Content-Transfer-Encoding: {encoding}".encode())
    separator = draw(st.sampled_from([b"\r\n\r\n", b"\n\n", b"\r\n"]))
    return b"\r\n".join(headers) + separator + body


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_entity())
def test_any_generated_mime_tree_gives_a_valid_message(raw: bytes) -> None:
    result = sanitize_message(raw, POLICY)
    _assert_valid(result.output)
    assert "error" not in result.report
    for item in result.report["attachments"]:  # type: ignore[attr-defined]
        assert item["verdict"] in ("cleaned", "converted", "removed", "held")


def test_fuzz_entry_point_accepts_hostile_inputs() -> None:
    spec = importlib.util.spec_from_file_location(
        "fuzz_sanitize_message", REPOSITORY / "fuzz" / "fuzz_sanitize_message.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for data in (
        b"",
        b"\x00\xff",
        bytes(range(256)),
        b"Content-Type: multipart/mixed; boundary=x\n\n--x\n--x--",
    ):
        module.test_one_input(data)
