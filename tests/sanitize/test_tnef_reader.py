"""The TNEF (winmail.dat) reader finds attachments and bodies, and refuses what is not TNEF."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.sanitize.tnef import TnefError, decompress_rtf, parse_tnef


def _corpora() -> Path:
    configured = os.environ.get("MAMORI_CORPORA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"


TNEF = _corpora() / "email-misc" / "tnef"
needs_corpus = pytest.mark.skipif(not TNEF.is_dir(), reason=f"TNEF samples not found at {TNEF}")


def _attribute(level: int, attr: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return bytes([level]) + struct.pack("<II", attr, len(data)) + data + struct.pack("<H", checksum)


def _unicode_prop(prop_id: int, text: str) -> bytes:
    value = text.encode("utf-16-le") + b"\x00\x00"
    padding = b"\x00" * (-len(value) % 4)
    return struct.pack("<HHII", 0x001F, prop_id, 1, len(value)) + value + padding


def _stream(name_attr: bytes, data: bytes, props: bytes = b"") -> bytes:
    body = struct.pack("<IH", 0x223E9F78, 1)
    body += _attribute(1, 0x00069007, struct.pack("<II", 932, 0))  # attOemCodepage: CP932
    body += _attribute(2, 0x00069002, b"\x01\x00\xff\xff\xff\xff" + bytes(8))  # attAttachRendData
    body += _attribute(2, 0x00018010, name_attr)  # attAttachTitle
    body += _attribute(2, 0x0006800F, data)  # attAttachData
    if props:
        body += _attribute(2, 0x00069005, props)  # attAttachment (MAPI properties)
    return body


def test_attachment_title_is_read_in_the_stream_codepage() -> None:
    content = parse_tnef(_stream("見積書.xls".encode("cp932") + b"\x00", b"PK\x03\x04data"))
    assert [(a.filename, a.data) for a in content.attachments] == [("見積書.xls", b"PK\x03\x04data")]


def test_unicode_long_filename_property_wins_over_the_short_title() -> None:
    props = struct.pack("<I", 1) + _unicode_prop(0x3707, "令和7年度_予算要求書.xlsx")
    content = parse_tnef(_stream(b"7E0A~1.XLS\x00", b"data", props))
    assert content.attachments[0].filename == "令和7年度_予算要求書.xlsx"


def test_stream_without_signature_is_refused() -> None:
    with pytest.raises(TnefError) as caught:
        parse_tnef(b"not a tnef stream at all")
    assert caught.value.code == "tnef_malformed"
    assert "TNEF" in caught.value.message


def test_truncated_stream_keeps_what_was_complete() -> None:
    stream = _stream(b"a.txt\x00", b"hello") + _attribute(2, 0x00069002, bytes(14))[:-7]
    content = parse_tnef(stream)
    assert content.is_truncated
    assert content.attachments[0].data == b"hello"


@needs_corpus
def test_corpus_attachment_names_are_found() -> None:
    content = parse_tnef((TNEF / "two-files.tnef").read_bytes())
    assert [a.filename for a in content.attachments] == ["AUTHORS", "README"]
    assert [len(a.data) for a in content.attachments] == [244, 893]


@needs_corpus
def test_unicode_attachment_names_from_the_corpus() -> None:
    content = parse_tnef((TNEF / "tnefparse__umlaut.tnef").read_bytes())
    assert "UmlautAnhang-äüö.txt" in [a.filename for a in content.attachments]


@needs_corpus
def test_compressed_rtf_body_decompresses_to_rtf() -> None:
    content = parse_tnef((TNEF / "rtf.tnef").read_bytes())
    assert decompress_rtf(content.body_rtf).startswith(b"{\\rtf1\\ansi")


@needs_corpus
def test_html_body_is_found() -> None:
    content = parse_tnef((TNEF / "body.tnef").read_bytes())
    assert b"<html" in content.body_html.lower()


@needs_corpus
def test_every_corpus_sample_parses_or_is_refused_cleanly() -> None:
    outcomes = {}
    for path in sorted(TNEF.glob("*.tnef")):
        try:
            outcomes[path.name] = len(parse_tnef(path.read_bytes()).attachments)
        except TnefError:
            outcomes[path.name] = -1
    assert outcomes["badchecksum.tnef"] == -1  # its signature is damaged too
    assert outcomes["panic.tnef"] == 3
    assert outcomes["MAPI_ATTACH_DATA_OBJ.tnef"] == 3


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_give_content_or_tnef_error(data: bytes) -> None:
    for candidate in (data, struct.pack("<IH", 0x223E9F78, 1) + data):
        try:
            content = parse_tnef(candidate)
        except TnefError as exc:
            assert exc.message.startswith("TNEF")
        else:
            assert all(isinstance(item.data, bytes) for item in content.attachments)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_after_an_rtf_header_decompress_or_fail_cleanly(data: bytes) -> None:
    header = struct.pack("<IIII", len(data) + 12, 4000, 0x75465A4C, 0)
    try:
        out = decompress_rtf(header + data)
    except TnefError:
        return
    assert len(out) <= 4000
