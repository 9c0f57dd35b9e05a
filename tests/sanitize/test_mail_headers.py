"""Header values decode from every form Japanese mailers send and re-encode so any reader gets them back."""

from __future__ import annotations

import base64
import email
import email.policy

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.sanitize._mime_headers import (
    clean_text,
    decode_address_header,
    decode_encoded_words,
    encode_address_list,
    encode_unstructured,
    parse_content_type,
    parse_params,
)


def _reread(header: str, name: str) -> str:
    message = email.message_from_string(header + "\r\n", policy=email.policy.default)
    return str(message[name])


def test_multibyte_characters_split_across_encoded_words_are_joined() -> None:
    raw = "日本語".encode()
    words = (
        "=?UTF-8?B?"
        + base64.b64encode(raw[:4]).decode()
        + "?= =?UTF-8?B?"
        + base64.b64encode(raw[4:]).decode()
    )
    assert decode_encoded_words(words + "?=") == "日本語"


def test_iso2022jp_words_and_q_encoding_decode() -> None:
    word = base64.b64encode("件名".encode("iso2022_jp")).decode()
    assert decode_encoded_words(f"Re: =?ISO-2022-JP?B?{word}?=") == "Re: 件名"
    assert decode_encoded_words("=?utf-8?q?caf=C3=A9_au_lait?=") == "café au lait"


def test_rfc2231_continuations_with_charset_are_joined() -> None:
    encoded = "".join(f"%{b:02X}" for b in "報告書.pdf".encode("iso2022_jp"))
    params = parse_params(f"; filename*0*=ISO-2022-JP'ja'{encoded[:12]}; filename*1*={encoded[12:]}")
    assert params["filename"] == "報告書.pdf"


def test_rfc2231_wins_over_the_plain_parameter() -> None:
    assert parse_params("; name=\"fallback.txt\"; name*=UTF-8''%E6%9C%AC.txt")["name"] == "本.txt"


def test_unquoted_names_with_spaces_and_encoded_words_are_kept_whole() -> None:
    assert parse_params("; name=This is a test.txt")["name"] == "This is a test.txt"
    word = base64.b64encode("見積.pdf".encode()).decode()
    assert parse_params(f"; filename==?utf-8?B?{word}?=")["filename"] == "見積.pdf"


def test_invalid_content_type_falls_back_to_the_default() -> None:
    assert parse_content_type("garbage", "text/plain").value == "text/plain"
    assert parse_content_type("Text/HTML; charset=Shift_JIS").params == {"charset": "Shift_JIS"}


def test_address_headers_decode_display_names() -> None:
    word = base64.b64encode("山田".encode("iso2022_jp")).decode()
    pairs = decode_address_header(f"=?ISO-2022-JP?B?{word}?= <yamada@example.jp>, b@example.jp")
    assert pairs == [("山田", "yamada@example.jp"), ("", "b@example.jp")]


def test_address_list_round_trips_through_the_standard_library() -> None:
    header = encode_address_list(
        "To", [("山田 太郎", "yamada@example.jp"), ("Doe, John", "john@example.com")]
    )
    assert header.isascii()
    assert _reread(header, "To") == '山田 太郎 <yamada@example.jp>, "Doe, John" <john@example.com>'


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_subject_round_trips_through_the_standard_library(subject: str) -> None:
    header = encode_unstructured("Subject", subject)
    assert header.isascii()
    assert all(len(line) <= 998 for line in header.split("\r\n"))
    expected = clean_text(subject)
    assert _reread(header, "Subject") == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_header_text_decodes_without_error(value: str) -> None:
    assert isinstance(decode_encoded_words(value), str)
    assert isinstance(parse_params(value), dict)
    assert isinstance(decode_address_header(value), list)
