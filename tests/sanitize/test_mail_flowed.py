"""format=flowed text (RFC 3676) is shown as whole lines, as the sender's client intended."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from mamori.sanitize import Policy
from mamori.sanitize.mail import sanitize_message

NOTICE_END = "─" * 30 + "\n\n"


def _body(raw: bytes) -> str:
    message = email.message_from_bytes(sanitize_message(raw, Policy()).output, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).partition(NOTICE_END)[2]


def _mail(params: str, body: str) -> bytes:
    head = f"From: a@example.jp\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8; {params}\r\n\r\n"
    return (head + body).encode()


def test_delsp_yes_joins_japanese_without_spaces() -> None:
    body = "本日の会議は \r\n十五時からです。\r\n-- \r\n総務課\r\n"
    assert _body(_mail("format=flowed; delsp=yes", body)) == "本日の会議は十五時からです。\n-- \n総務課\n"


def test_flowed_without_delsp_keeps_the_space_between_words() -> None:
    body = "This is a \r\nflowed line.\r\n"
    assert _body(_mail("format=flowed", body)) == "This is a flowed line.\n"


def test_quoted_flowed_lines_join_within_their_depth_only() -> None:
    body = "> quoted \r\n> text\r\n>> deeper\r\nreply\r\n"
    assert _body(_mail("format=flowed", body)) == "> quoted text\n>> deeper\nreply\n"


def test_space_stuffed_lines_lose_the_stuffing() -> None:
    assert _body(_mail("format=flowed", " From here\r\n")) == "From here\n"


def test_fixed_text_keeps_its_trailing_spaces_as_line_breaks() -> None:
    assert _body(_mail("format=fixed", "a \r\nb\r\n")) == "a \nb\n"
