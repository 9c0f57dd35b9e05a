"""Outlook .msg items (as the input or as an attachment) are opened like forwarded messages."""

from __future__ import annotations

import base64
import email
import email.policy
import os
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.sanitize import Policy
from mamori.sanitize._mime_msg import OLE_MAGIC, MsgError, read_msg
from mamori.sanitize.mail import sanitize_message


def _corpora() -> Path:
    configured = os.environ.get("MAMORI_CORPORA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"


MSG = _corpora() / "email-misc" / "mail-parser" / "mail_outlook_1"
needs_corpus = pytest.mark.skipif(not MSG.is_file(), reason=f"Outlook sample not found at {MSG}")


def _body(output: bytes) -> str:
    message = email.message_from_bytes(output, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


@needs_corpus
def test_reader_finds_headers_body_and_attachments() -> None:
    item = read_msg(MSG.read_bytes())
    assert item.subject == "Newsletter Prüfung Personalwesen / Prüfung Eröffnungsbilanz"
    assert item.date == "Mon, 18 Sep 2017 12:00:18 +0200"
    assert b"<html" in item.body_html.lower()
    assert [a.filename for a in item.attachments][:2] == ["newsletter.png", "spacer.gif"]
    assert item.attachments[0].data.startswith(b"\x89PNG")


@needs_corpus
def test_msg_attached_to_a_mail_is_textized_with_its_attachments() -> None:
    raw = (
        b"From: a@example.jp\r\nTo: b@example.lg.jp\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nsee the item\r\n"
        b'--B\r\nContent-Type: application/vnd.ms-outlook; name="item.msg"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(MSG.read_bytes()) + b"--B--\r\n"
    )
    result = sanitize_message(raw, Policy())
    body = _body(result.output)
    assert "item.msg（Outlook のメッセージ）を開き" in body
    assert "件名: Newsletter Prüfung Personalwesen / Prüfung Eröffnungsbilanz" in body
    assert "hxxp://www[.]w-vwa[.]de" in body
    assert len(result.attachments) == 5


def test_non_ole_bytes_are_refused() -> None:
    with pytest.raises(MsgError) as caught:
        read_msg(b"From: not an outlook item")
    assert caught.value.code == "msg_malformed"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_after_the_ole_signature_read_or_fail_cleanly(data: bytes) -> None:
    try:
        item = read_msg(OLE_MAGIC + data)
    except MsgError as exc:
        assert exc.message.startswith("Outlook の .msg ファイルを読めません")
    else:
        assert isinstance(item.subject, str)
