"""Malformed and hostile MIME structure still gives a readable, well-formed message and a report."""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import hashlib
from email.message import EmailMessage

import pytest

from mamori.sanitize import Limits, Policy
from mamori.sanitize.mail import sanitize_message

NOTICE_END = "─" * 30 + "\n\n"
HEAD = b"From: sender@example.jp\r\nTo: staff@example.lg.jp\r\nSubject: test\r\nMIME-Version: 1.0\r\n"


def _parse(output: bytes) -> EmailMessage:
    message = email.message_from_bytes(output, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _text(output: bytes) -> str:
    part = _parse(output).get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def _body(output: bytes) -> str:
    return _text(output).partition(NOTICE_END)[2]


def _limits(report: dict[str, object]) -> list[str]:
    hits = report["limits"]
    assert isinstance(hits, list)
    return [str(hit["limit"]) for hit in hits]


def _nested_multipart(levels: int) -> bytes:
    opening = b"".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n'.encode() for i in range(levels)
    )
    closing = b"".join(f"\r\n--b{i}--\r\n".encode() for i in reversed(range(levels)))
    return HEAD + opening + b"Content-Type: text/plain\r\n\r\ndeep text\r\n" + closing


def test_thousand_level_multipart_nesting_stops_at_the_depth_limit() -> None:
    result = sanitize_message(_nested_multipart(1000), Policy())
    assert _limits(result.report) == ["max_mime_depth"]
    assert "LIMIT_EXCEEDED" in result.actions
    assert "MIME の入れ子が上限（20 段）を超えたため" in _text(result.output)
    assert "deep text" not in _body(result.output)


def test_thousand_level_enclosed_messages_stop_at_the_depth_limit() -> None:
    inner = b"Subject: innermost\r\n\r\ninnermost text\r\n"
    for _ in range(1000):
        inner = b"Content-Type: message/rfc822\r\n\r\n" + inner
    result = sanitize_message(HEAD + inner, Policy())
    assert _limits(result.report) == ["max_mime_depth"]
    assert "innermost text" not in _body(result.output)


def test_three_thousand_part_bomb_stops_at_the_part_limit() -> None:
    parts = b"".join(b"--B\r\nContent-Type: text/plain\r\n\r\npart %d\r\n" % i for i in range(3000))
    raw = HEAD + b"Content-Type: multipart/mixed; boundary=B\r\n\r\n" + parts + b"--B--\r\n"
    result = sanitize_message(raw, Policy(limits=Limits(max_mime_parts=100)))
    assert _limits(result.report) == ["max_mime_parts"]
    body = _body(result.output)
    assert "part 0\n" in body
    assert "part 98" in body
    assert "part 99\n" not in body


def test_broken_base64_decodes_as_far_as_it_is_valid() -> None:
    good = base64.b64encode("壊れたBase64でも読める部分は表示します。".encode()).decode()
    raw = (
        HEAD
        + (
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            f"{good[:40]}!!**\r\n{good[40:]}"
        ).encode()
    )
    assert _body(sanitize_message(raw, Policy()).output) == "壊れたBase64でも読める部分は表示します。\n"


def test_multipart_without_any_boundary_line_is_shown_as_text() -> None:
    raw = HEAD + b"Content-Type: multipart/mixed; boundary=NOPE\r\n\r\nonly a preamble\r\n"
    result = sanitize_message(raw, Policy())
    assert "only a preamble" in _body(result.output)
    assert "MALFORMED_REPAIRED" in result.actions


def test_missing_final_boundary_keeps_the_last_part() -> None:
    raw = (
        HEAD
        + b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nfirst\r\n--B\r\n\r\nlast part\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert _body(result.output) == "first\n\nlast part\n"
    assert "multipart の終端の区切り行がありません" in result.report["defects"]  # type: ignore[operator]


@pytest.mark.parametrize("encoding", ["utf-8", "cp932", "euc_jp"])
def test_raw_eight_bit_subject_is_decoded(encoding: str) -> None:
    raw = b"From: a@example.jp\r\nSubject: " + "件名の確認".encode(encoding) + b"\r\n\r\nbody\r\n"
    result = sanitize_message(raw, Policy())
    assert _parse(result.output)["Subject"] == "件名の確認"


def test_huge_subject_is_decoded_and_folded() -> None:
    words = "\r\n ".join(
        "=?UTF-8?B?" + base64.b64encode("長い件名".encode()).decode() + "?=" for _ in range(6500)
    )
    raw = f"From: a@example.jp\r\nSubject: {words}\r\n\r\nbody\r\n".encode()
    assert len(raw) > 200_000
    result = sanitize_message(raw, Policy())
    message = _parse(result.output)
    assert message["Subject"] == "長い件名" * 6500
    assert _limits(result.report) == []
    assert max(len(line) for line in result.output.split(b"\r\n")) <= 78


def test_header_block_beyond_the_limit_is_cut_and_reported() -> None:
    raw = b"From: a@example.jp\r\nX-Junk: " + b"x" * 5000 + b"\r\nSubject: s\r\n\r\nbody\r\n"
    result = sanitize_message(raw, Policy(limits=Limits(max_header_bytes=1000)))
    assert _limits(result.report) == ["max_header_bytes"]
    assert _parse(result.output)["From"] == "a@example.jp"


def test_attachment_named_only_by_content_type_name_is_an_attachment() -> None:
    word = base64.b64encode("高橋.exe".encode("iso2022_jp")).decode()
    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nbody\r\n"
        b'--B\r\nContent-Type: application/octet-stream; name="=?ISO-2022-JP?B?'
        + word.encode()
        + b'?="\r\n\r\nMZ\r\n--B--\r\n'
    )
    report = sanitize_message(raw, Policy()).report
    assert [(a["filename"], a["verdict"]) for a in report["attachments"]] == [("高橋.exe", "removed")]  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding", ["utf-8", "cp932"])
def test_raw_eight_bit_file_name_is_decoded(encoding: str) -> None:
    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nbody\r\n"
        b'--B\r\nContent-Type: application/x-msdownload\r\nContent-Disposition: attachment; filename="'
        + "請求書.exe".encode(encoding)
        + b'"\r\n\r\nMZ\r\n--B--\r\n'
    )
    report = sanitize_message(raw, Policy()).report
    assert [a["filename"] for a in report["attachments"]] == ["請求書.exe"]  # type: ignore[attr-defined]


def test_encrypted_message_is_held_and_stamped() -> None:
    raw = HEAD + (
        b'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=B\r\n\r\n'
        b"--B\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
        b"--B\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n--B--\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert result.verdict == "held"
    assert "ENCRYPTED_HELD" in result.actions
    assert "ENCRYPTED_HELD" in str(_parse(result.output)["X-Mamori-Sanitized"])
    assert "情報政策課に取り出しを申請" in _text(result.output)


def test_smime_enveloped_attachment_is_held() -> None:
    raw = HEAD + (
        b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert [(a.filename, a.verdict.value) for a in result.attachments] == [("smime.p7m", "held")]


def test_external_body_reference_is_dropped_with_a_warning() -> None:
    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nsee below\r\n"
        b'--B\r\nContent-Type: message/external-body; access-type=URL; URL="http://evil.example/x"\r\n\r\n'
        b"--B--\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert "message/external-body" in _text(result.output)
    assert "evil" not in _body(result.output)


def test_oversized_input_is_removed_whole() -> None:
    raw = HEAD + b"\r\n" + b"a" * 5000
    result = sanitize_message(raw, Policy(limits=Limits(max_input_bytes=1000)))
    assert _limits(result.report) == ["max_input_bytes"]
    assert result.verdict == "removed"
    assert [a.verdict.value for a in result.attachments] == ["removed"]
    assert "aaaa" not in _body(result.output)


def test_nested_forward_is_textized_and_its_attachment_collected() -> None:
    inner = (
        b"From: inner@example.jp\r\nSubject: =?UTF-8?B?5YaF5YG0?=\r\n"
        b"Content-Type: multipart/mixed; boundary=I\r\n\r\n"
        b"--I\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>" + "内側の本文".encode() + b"</p>\r\n"
        b'--I\r\nContent-Type: application/octet-stream; name="run.bat"\r\n\r\n@echo off\r\n--I--\r\n'
    )
    raw = HEAD + b"Content-Type: message/rfc822\r\n\r\n" + inner
    result = sanitize_message(raw, Policy())
    body = _body(result.output)
    assert "件名: 内側" in body
    assert "内側の本文" in body
    assert [a.filename for a in result.attachments] == ["run.bat"]
    assert "TEXTIZED" in result.actions


@pytest.mark.parametrize("newline", [b"\r\n", b"\n", b"\r"])
def test_line_ending_style_does_not_change_the_text(newline: bytes) -> None:
    raw = (
        HEAD + b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + "一行目\r\n二行目\r\n".encode()
    ).replace(b"\r\n", newline)
    assert _body(sanitize_message(raw, Policy()).output) == "一行目\n二行目\n"


def test_encoded_newlines_cannot_inject_headers() -> None:
    evil = base64.b64encode(b"hello\r\nBcc: victim@example.jp").decode()
    raw = f"From: a@example.jp\r\nSubject: =?UTF-8?B?{evil}?=\r\n\r\nbody\r\n".encode()
    message = _parse(sanitize_message(raw, Policy()).output)
    assert message["Bcc"] is None
    assert message["Subject"] == "hello Bcc: victim@example.jp"


def test_non_ascii_local_part_becomes_a_readable_group() -> None:
    raw = "From: 山田 <やまだ@example.jp>\r\nSubject: s\r\n\r\nbody\r\n".encode()
    header = _parse(sanitize_message(raw, Policy()).output)["From"]
    assert [group.display_name for group in header.groups] == ["山田 <やまだ@example.jp>"]
    assert header.addresses == ()


def test_clean_message_is_stamped_checked() -> None:
    raw = HEAD + b"\r\nplain body\r\n"
    result = sanitize_message(raw, Policy())
    assert result.actions == ("CHECKED",)
    assert result.verdict == "cleaned"


def test_misuse_raises_type_errors() -> None:
    with pytest.raises(TypeError):
        sanitize_message("not bytes", Policy())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sanitize_message(b"", object())  # type: ignore[arg-type]


def test_right_to_left_override_in_a_file_name_is_removed_and_reported() -> None:
    name = "請求書\u202egpj.exe"
    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nbody\r\n"
        b"--B\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename*=UTF-8''"
        + "".join(f"%{b:02X}" for b in name.encode()).encode()
        + b"\r\n\r\nMZ\r\n--B--\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert [(a.filename, a.verdict.value) for a in result.attachments] == [("請求書gpj.exe", "removed")]
    assert "filename_bidi" in [f["code"] for f in result.report["findings"]]  # type: ignore[attr-defined]
    assert "\u202e" not in _text(result.output)


def test_password_protected_zip_is_held_and_stamped_encrypted_held() -> None:
    from file_samples import encrypted_zip

    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n"
        + "パスワードは別送します\r\n".encode()
        + b'--B\r\nContent-Type: application/zip; name="ppap.zip"\r\n'
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(encrypted_zip())
        + b"--B--\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert [(a.filename, a.verdict.value) for a in result.attachments] == [("ppap.zip", "held")]
    assert "ENCRYPTED_HELD" in result.actions
    notice = _text(result.output).partition(NOTICE_END)[0]
    assert "  - ppap.zip: 保留（原本は隔離）" in notice
    assert "情報政策課に取り出しを申請" in notice


def test_opaque_smime_signed_message_is_held_not_called_encrypted() -> None:
    raw = HEAD + (
        b'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert result.verdict == "held"
    assert result.actions == ("ATTACHMENT_HELD",)
    assert "S/MIME 署名データ" in result.attachments[0].reason


def test_oversized_html_body_is_shown_only_in_part_and_reported() -> None:
    html = "<p>先頭の段落</p>" + "<p>" + "長文" * 400_000 + "</p><p>末尾の段落</p>"
    raw = HEAD + b"Content-Type: text/html; charset=utf-8\r\n\r\n" + html.encode()
    assert len(raw) > 2 * 1024 * 1024
    result = sanitize_message(raw, Policy())
    body = _body(result.output)
    assert body.startswith("先頭の段落")
    assert "末尾の段落" not in body
    assert _limits(result.report) == ["max_html_bytes"]


def test_uuencoded_file_inside_a_text_body_is_taken_out_and_sanitized() -> None:
    payload = b"MZ" + bytes(100)
    lines = b"".join(binascii.b2a_uu(payload[i : i + 45]) for i in range(0, len(payload), 45))
    body = (
        b"see attached\r\n\r\nbegin 644 invoice.exe\r\n"
        + lines.replace(b"\n", b"\r\n")
        + b"`\r\nend\r\nbye\r\n"
    )
    result = sanitize_message(HEAD + b"Content-Type: text/plain\r\n\r\n" + body, Policy())
    text = _body(result.output)
    assert "begin 644" not in text
    assert (
        "［本文中に埋め込まれていたファイル「invoice.exe」を取り出し、添付ファイルとして処理しました］"
        in text
    )
    assert text.endswith("bye\n")
    assert [(a.filename, a.verdict.value, a.sha256) for a in result.attachments] == [
        ("invoice.exe", "removed", hashlib.sha256(payload).hexdigest())
    ]


def test_calendar_alternative_is_reported_as_an_attachment() -> None:
    raw = HEAD + (
        b"Content-Type: multipart/alternative; boundary=A\r\n\r\n"
        b"--A\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + "会議の招待です".encode() + b"\r\n"
        b"--A\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n"
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n--A--\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert _body(result.output) == "会議の招待です\n"
    assert [a.filename for a in result.attachments] == ["添付ファイル1.ics"]


def test_boundary_that_is_a_prefix_of_another_line_does_not_split() -> None:
    raw = HEAD + (
        b"Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\nfirst\r\n--BB not a delimiter\r\n"
        b"--B-- trailing text is not a close\r\nstill first\r\n--B \t\r\n\r\nsecond\r\n--B--\r\n"
    )
    result = sanitize_message(raw, Policy())
    assert _body(result.output) == (
        "first\n--BB not a delimiter\n--B-- trailing text is not a close\nstill first\n\nsecond\n"
    )
    assert result.report["defects"] == []
