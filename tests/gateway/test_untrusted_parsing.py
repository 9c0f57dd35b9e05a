"""Parsers of untrusted input in the gateway never raise on arbitrary bytes (hypothesis properties)."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.gateway.compose import header_summary
from mamori.gateway.unpack import _extract, _open_zip
from tests.gateway.messages import zipcrypto_zip


@given(st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_header_summary_accepts_any_bytes(raw):
    summary = header_summary(raw)
    assert set(summary) == {"from", "to", "subject", "message-id", "date", "references"}
    assert all(isinstance(v, str) and "\n" not in v for v in summary.values())


@given(st.binary(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_extract_finds_nothing_in_random_bytes_without_raising(raw):
    assert _extract(raw, "0" * 64) is None


@given(st.binary(max_size=2000), st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_open_zip_reports_a_code_for_any_bytes(raw, password):
    result = _open_zip(raw, password.encode())
    assert isinstance(result, str | list)


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=255))
@settings(max_examples=100, deadline=None)
def test_open_zip_survives_corrupted_encrypted_archives(position, value):
    archive = bytearray(zipcrypto_zip("a.txt", b"hello " * 20, b"pw"))
    archive[position % len(archive)] = value
    result = _open_zip(bytes(archive), b"pw")
    assert isinstance(result, str | list)


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * (20 * 1024 * 1024))
    assert _open_zip(buffer.getvalue(), b"") == "too_large"


def test_cp932_member_names_are_decoded():
    # Japanese Windows writes CP932 names without the UTF-8 flag: put those raw bytes in place of an
    # ASCII placeholder of the same length (the CRC does not cover names).
    raw_name = "見積書.txt".encode("cp932")
    placeholder = b"N" * len(raw_name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(placeholder.decode(), b"x")
    data = buffer.getvalue().replace(placeholder, raw_name)
    [(name, content)] = _open_zip(data, b"")
    assert name == "見積書.txt" and content == b"x"
