"""Every public corpus message sanitizes into a well-formed message that the standard library reads."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
import textwrap
from email.message import EmailMessage
from pathlib import Path

import pytest

from mamori.sanitize import Limits, Policy
from mamori.sanitize.mail import sanitize_message


def _corpora() -> Path:
    configured = os.environ.get("MAMORI_CORPORA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"


CORPORA = _corpora()
pytestmark = pytest.mark.skipif(
    not (CORPORA / "email-misc").is_dir(),
    reason=f"public corpora not found at {CORPORA} (set MAMORI_CORPORA)",
)


def _messages() -> list[Path]:
    if not CORPORA.is_dir():
        return []
    cpython = sorted((CORPORA / "email-cpython").glob("msg_*.txt"))
    cpython.append(CORPORA / "email-cpython" / "mailbox_01.mbox")
    misc = sorted(
        path
        for path in (CORPORA / "email-misc").rglob("*")
        if path.is_file() and path.name != "SOURCES.md" and "tnef" not in path.parts
    )
    return cpython + misc


MESSAGES = _messages()
NOTICE_END = "─" * 30 + "\n\n"


def _reparse(output: bytes) -> EmailMessage:
    message = email.message_from_bytes(output, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _assert_well_formed(output: bytes) -> EmailMessage:
    message = _reparse(output)
    assert output.split(b"\r\n\r\n", 1)[0].isascii()
    assert message["X-Mamori-Sanitized"] is not None
    for part in message.walk():
        assert not [d for d in part.defects if "Header" not in type(d).__name__], part.defects
        if part.get_content_maintype() == "text":
            charset = part.get_content_charset()
            assert charset == "utf-8"
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            payload.decode(charset)  # strict: raises if the part is not valid in its charset
            assert isinstance(part.get_content(), str)
    return message


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    text = part.get_content()
    assert isinstance(text, str)
    return text


def test_corpora_hold_the_expected_files() -> None:
    assert len(MESSAGES) >= 140


@pytest.mark.parametrize("path", MESSAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_message_becomes_well_formed_text_message(path: Path) -> None:
    result = sanitize_message(path.read_bytes(), Policy())
    message = _assert_well_formed(result.output)
    assert _body(message).startswith("【無害化のお知らせ】")
    assert result.report["verdict"] in ("cleaned", "converted", "held")
    assert "error" not in result.report
    assert isinstance(result.report["attachments"], list)
    for item in result.report["attachments"]:
        assert set(item) >= {"filename", "content_type", "sha256", "verdict", "reason", "output_filename"}
        assert item["filename"]
        assert item["verdict"] in ("cleaned", "converted", "removed", "held")


@pytest.mark.parametrize("number", ["15", "17", "25", "31", "39", "41", "42"])
def test_stdlib_keyerror_cases_keep_their_text(number: str) -> None:
    raw = (CORPORA / "email-cpython" / f"msg_{number}.txt").read_bytes()
    message = _assert_well_formed(sanitize_message(raw, Policy()).output)
    body = _body(message).partition(NOTICE_END)[2]
    assert body.strip()


def test_nesting_bomb_stops_at_the_part_limit_and_says_so() -> None:
    raw = (CORPORA / "email-misc" / "flanker" / "enclosed-endless.eml").read_bytes()
    result = sanitize_message(raw, Policy())
    limits = result.report["limits"]
    assert isinstance(limits, list)
    assert [hit["limit"] for hit in limits] == ["max_mime_parts"]
    assert "LIMIT_EXCEEDED" in result.report["actions"]
    body = _body(_assert_well_formed(result.output))
    assert "MIME パート数が上限（500）を超えたため" in body


def test_torture_message_reports_depth_and_part_limits_when_set_low() -> None:
    raw = (CORPORA / "email-misc" / "flanker" / "torture.eml").read_bytes()
    policy = Policy(limits=Limits(max_mime_depth=3, max_mime_parts=20))
    result = sanitize_message(raw, policy)
    hit = {str(item["limit"]) for item in result.report["limits"]}  # type: ignore[attr-defined]
    assert hit == {"max_mime_depth", "max_mime_parts"}
    _assert_well_formed(result.output)


def test_bombs_finish_within_a_cpu_and_memory_budget() -> None:
    """Run both bombs in a child with 20 CPU seconds and 1 GiB of address space: they must finish."""
    script = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from mamori.sanitize import Policy
        from mamori.sanitize.mail import sanitize_message
        for path in sys.argv[1:]:
            result = sanitize_message(open(path, "rb").read(), Policy())
            print(path, [hit["limit"] for hit in result.report["limits"]])
        """
    )
    flanker = CORPORA / "email-misc" / "flanker"
    src = Path(__file__).resolve().parents[2] / "src"
    completed = subprocess.run(
        [sys.executable, "-c", script, str(flanker / "enclosed-endless.eml"), str(flanker / "torture.eml")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "['max_mime_parts']" in completed.stdout


JAPANESE_BOUNCES = {
    "bsd__lhost-domino-02.eml": "ディレクトリには見つかりません",
    "bsd__lhost-ezweb-07.eml": "次のあて先へのメッセージはエラーのため送信できませんでした",
    "bsd__lhost-ezweb-08.eml": "送信先メールサーバの事由により送信できませんでした",
    "bsd__lhost-kddi-01.eml": "送信先のメールボックスが一杯のため、送信できませんでした。",
    "bsd__lhost-mfilter-01.eml": "このメールは送信できませんでした",
    "bsd__lhost-office365-13.eml": "にゃーん",
    "bsd__lhost-postfix-49.eml": "エラーメッセージの原因や対処法については下記のサイトで",
    "bsd__lhost-sendmail-14.eml": "2009年4月28日",
    "mailbox__mbox-1": "警戒してても猫じゃらしを揺らせば寄って来る",
}


@pytest.mark.parametrize("name", sorted(JAPANESE_BOUNCES))
def test_japanese_bounce_keeps_its_japanese_text(name: str) -> None:
    raw = (CORPORA / "email-misc" / "sisimai" / name).read_bytes()
    body = _body(_assert_well_formed(sanitize_message(raw, Policy()).output))
    assert JAPANESE_BOUNCES[name] in body
    assert "\ufffd" not in body


def test_every_sisimai_bounce_is_free_of_replacement_characters() -> None:
    for path in sorted((CORPORA / "email-misc" / "sisimai").iterdir()):
        body = _body(_reparse(sanitize_message(path.read_bytes(), Policy()).output))
        assert "\ufffd" not in body, path.name


def test_japanese_subject_of_domino_bounce_is_decoded() -> None:
    raw = (CORPORA / "email-misc" / "sisimai" / "bsd__lhost-domino-02.eml").read_bytes()
    message = _reparse(sanitize_message(raw, Policy()).output)
    assert "Domino ディレクトリには見つかりません" in str(message["Subject"])


def test_undeclared_iso2022jp_body_is_detected() -> None:
    raw = (CORPORA / "email-misc" / "cyrus" / "iso-2022-jp.eml").read_bytes()
    body = _body(_reparse(sanitize_message(raw, Policy()).output))
    assert "シニアソフトウェアエンジニア" in body


def test_long_rfc2231_japanese_attachment_name_is_decoded() -> None:
    raw = (
        CORPORA / "email-misc" / "mikel-mail" / "multi_charset" / "japanese_attachment_long_name.eml"
    ).read_bytes()
    report = sanitize_message(raw, Policy()).report
    names = [item["filename"] for item in report["attachments"]]  # type: ignore[attr-defined]
    assert names == ["かきくけこ" * 5 + ".txt"]


def test_unquoted_encoded_word_file_name_is_decoded() -> None:
    path = (
        CORPORA
        / "email-misc"
        / "mikel-mail"
        / "attachment_emails"
        / "attachment_with_base64_encoded_name.eml"
    )
    report = sanitize_message(path.read_bytes(), Policy()).report
    assert [item["filename"] for item in report["attachments"]] == ["This is a test.pdf"]  # type: ignore[attr-defined]


def test_outlook_msg_file_is_opened_as_an_outlook_item() -> None:
    raw = (CORPORA / "email-misc" / "mail-parser" / "mail_outlook_1").read_bytes()
    result = sanitize_message(raw, Policy())
    message = _assert_well_formed(result.output)
    body = _body(message)
    assert "Outlook の .msg 形式" in body
    assert "件名: Newsletter Prüfung Personalwesen / Prüfung Eröffnungsbilanz" in body
    assert "Sehr geehrte Frau Gaiser-Schönenborn," in body
    assert message["Subject"] == "Newsletter Prüfung Personalwesen / Prüfung Eröffnungsbilanz"
    attachments = result.report["attachments"]
    assert isinstance(attachments, list)
    assert [item["filename"] for item in attachments] == [
        "newsletter.png",
        "spacer.gif",
        "image004.jpg",
        "image006.jpg",
        "image008.jpg",
    ]


def test_damaged_outlook_msg_goes_to_the_file_engine_whole() -> None:
    raw = (CORPORA / "email-misc" / "mail-parser" / "mail_outlook_1").read_bytes()[:4096]
    result = sanitize_message(raw, Policy())
    _assert_well_formed(result.output)
    attachments = result.report["attachments"]
    assert isinstance(attachments, list)
    assert [(item["filename"], item["verdict"]) for item in attachments] == [("message.msg", "removed")]


def _wrap_tnef(data: bytes) -> bytes:
    import base64

    encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (
        b"From: outlook@example.jp\r\nTo: staff@example.lg.jp\r\nSubject: winmail\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="T"\r\n\r\n'
        b"--T\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b'--T\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\n'
        b'Content-Disposition: attachment; filename="winmail.dat"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + encoded + b"--T--\r\n"
    )


TNEF_FILES = sorted((CORPORA / "email-misc" / "tnef").glob("*.tnef")) if CORPORA.is_dir() else []


@pytest.mark.parametrize("path", TNEF_FILES, ids=lambda p: p.name)
def test_tnef_attachment_is_unpacked_or_removed_with_a_report_entry(path: Path) -> None:
    result = sanitize_message(_wrap_tnef(path.read_bytes()), Policy())
    message = _assert_well_formed(result.output)
    body = _body(message)
    attachments = result.report["attachments"]
    assert isinstance(attachments, list)
    names = [item["filename"] for item in attachments]
    if "winmail.dat" in names:
        entry = attachments[names.index("winmail.dat")]
        assert entry["verdict"] == "removed"
        assert "TNEF" in entry["reason"]
    else:
        assert "winmail.dat（Outlook の TNEF 形式）を展開し" in body
    for name in names:
        assert f"  - {name}" in body


def test_tnef_names_come_out_of_the_stream() -> None:
    raw = _wrap_tnef((CORPORA / "email-misc" / "tnef" / "tnefparse__umlaut.tnef").read_bytes())
    report = sanitize_message(raw, Policy()).report
    names = [item["filename"] for item in report["attachments"]]  # type: ignore[attr-defined]
    assert names == [
        "TBZ PARIV GmbH.jpg",
        "image003.jpg",
        "UmlautAnhang-äüö.txt",
    ]


def test_tnef_rtf_only_body_becomes_body_text() -> None:
    raw = _wrap_tnef((CORPORA / "email-misc" / "tnef" / "rtf.tnef").read_bytes())
    result = sanitize_message(raw, Policy())
    body = _body(_reparse(result.output))
    assert "Senior Engineer/QADirector Team" in body
    assert "{\\rtf" not in body
    assert "TEXTIZED" in result.actions


def test_tnef_with_broken_signature_is_removed() -> None:
    raw = _wrap_tnef((CORPORA / "email-misc" / "tnef" / "badchecksum.tnef").read_bytes())
    report = sanitize_message(raw, Policy()).report
    assert [(i["filename"], i["verdict"]) for i in report["attachments"]] == [("winmail.dat", "removed")]  # type: ignore[attr-defined]


def test_signed_message_warns_that_the_signature_is_gone() -> None:
    raw = (CORPORA / "email-cpython" / "msg_45.txt").read_bytes()
    result = sanitize_message(raw, Policy())
    body = _body(_reparse(result.output))
    assert "署名は検証できなくなります" in body
    assert re.search(r"  - .*: 削除（電子署名", body)
