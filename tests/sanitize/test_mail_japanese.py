"""Japanese mail comes out without 文字化け: each fixture's body text equals its expected text exactly."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from mamori.sanitize import Policy
from mamori.sanitize.mail import sanitize_message

FIXTURES = Path(__file__).resolve().parent / "japanese"
CASES = sorted(path.stem for path in FIXTURES.glob("*.eml"))
NOTICE_END = "─" * 30 + "\n\n"


def _sanitized(name: str) -> tuple[EmailMessage, dict[str, object]]:
    result = sanitize_message((FIXTURES / f"{name}.eml").read_bytes(), Policy())
    message = email.message_from_bytes(result.output, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message, result.report


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text = part.get_content()
    assert isinstance(text, str)
    return text


def test_corpus_has_the_promised_cases() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("name", CASES)
def test_body_text_equals_expected_text(name: str) -> None:
    message, _ = _sanitized(name)
    expected = (FIXTURES / f"{name}.expected.txt").read_text(encoding="utf-8")
    notice, _, text = _body(message).partition(NOTICE_END)
    assert notice.startswith("【無害化のお知らせ】")
    assert text == expected
    assert "\ufffd" not in text


@pytest.mark.parametrize(
    ("name", "subject", "sender"),
    [
        ("iso2022jp_plain", "会議資料の送付", "山田太郎 <yamada@example.jp>"),
        ("iso2022jp_cp50220", "①髙﨑様へ", "sender@example.jp"),
        ("shiftjis_8bit", "請求書（①）", "髙橋 <takahashi@example.jp>"),
        ("eucjp_qp", "訓練のお知らせ", "soumu@example.lg.jp"),
        ("utf8_base64", "【重要】資料の場所", "情報政策課 <seisaku@example.lg.jp>"),
        (
            "phishing_alternative",
            "【至急】アカウントの確認をお願いします",
            "サポート窓口 <support@evil.example.net>",
        ),
        ("forwarded_rfc822", "Fwd: 打ち合わせ", "suzuki@example.jp"),
        ("html_iso2022jp_meta_sjis", "防災訓練", "bousai@example.lg.jp"),
        ("raw_iso2022jp_headers", "【連絡】庁舎停電", "総務課 <soumu@example.lg.jp>"),
        ("shiftjis_filename_word", "請求書", "keiri@example.co.jp"),
    ],
)
def test_subject_and_sender_are_decoded_and_re_encoded(name: str, subject: str, sender: str) -> None:
    message, report = _sanitized(name)
    assert message["Subject"] == subject
    assert str(message["From"]) == sender
    assert report["subject"] == subject


def test_headers_of_the_output_are_pure_ascii() -> None:
    for name in CASES:
        raw = sanitize_message((FIXTURES / f"{name}.eml").read_bytes(), Policy()).output
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert head.isascii(), name


def test_rfc2231_and_rfc2047_attachment_names_are_decoded() -> None:
    _, report = _sanitized("rfc2231_filenames")
    attachments = report["attachments"]
    assert isinstance(attachments, list)
    names = [item["filename"] for item in attachments]
    assert names == ["議事録（第１回）.pdf", "名簿.exe"]
    assert attachments[1]["verdict"] == "removed"


def test_phishing_link_reveals_real_domain_and_is_flagged() -> None:
    message, report = _sanitized("phishing_alternative")
    body = _body(message)
    assert "evil[.]example[.]net" in body
    assert "https://" not in body.partition(NOTICE_END)[2]
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [f["code"] for f in findings if f["code"] == "phishing_link"] == ["phishing_link"]
    assert "隠し文字" not in body
    assert message["X-Mamori-Sanitized"] == (
        "TEXTIZED, LINKS_DEFANGED, ATTACHMENT_REMOVED, TRACKING_IMAGES_REMOVED, HIDDEN_TEXT_REMOVED"
    )


def test_notice_lists_each_attachment_with_its_fate() -> None:
    message, _ = _sanitized("rfc2231_filenames")
    notice = _body(message).partition(NOTICE_END)[0]
    assert "・添付ファイル 2 件:" in notice
    assert "  - 名簿.exe: 削除（実行される可能性のある形式（.exe）のため削除しました。）" in notice
    assert "  - 議事録（第１回）.pdf: " in notice


def test_shift_jis_encoded_word_file_name_is_decoded() -> None:
    _, report = _sanitized("shiftjis_filename_word")
    attachments = report["attachments"]
    assert isinstance(attachments, list)
    assert [item["filename"] for item in attachments] == ["請求書①.pdf"]
