"""``mamori sanitize mail`` run for real in a subprocess: message in, sanitized message and report out."""

from __future__ import annotations

import base64
import email
import email.policy
import importlib.util
import json
import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
JAPANESE = Path(__file__).resolve().parent / "japanese"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The top-level dispatcher imports every engine's CLI; until all exist on this branch the sanitize
    # command is started on its own, through the same add_parser().
    if importlib.util.find_spec("mamori.netcheck") is not None:
        command = [sys.executable, "-m", "mamori", "sanitize", *args]
    else:
        command = [sys.executable, "-m", "mamori.sanitize.cli", *args]
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _mail_with_attachments() -> bytes:
    png = base64.encodebytes(_png())
    subject = base64.b64encode("写真".encode("iso2022_jp")).decode()
    return (
        (
            "From: =?UTF-8?B?5bqD5aCx6Kqy?= <kouhou@example.lg.jp>\r\nTo: staff@example.lg.jp\r\n"
            f"Subject: =?ISO-2022-JP?B?{subject}?=\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
            "--B\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            '<p>写真です。<a href="https://evil.example.net/">https://www.city.example.lg.jp/</a></p>\r\n'
            "--B\r\nContent-Type: image/png\r\n"
            "Content-Disposition: attachment; filename*=UTF-8''%E5%86%99%E7%9C%9F.png\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + png
        + (
            b'--B\r\nContent-Type: application/octet-stream; name="update.exe"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n"
            b"TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAA\r\n--B--\r\n"
        )
    )


def _parse(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_mail_writes_text_message_with_cleaned_attachment_and_report(tmp_path: Path) -> None:
    (tmp_path / "in.eml").write_bytes(_mail_with_attachments())
    done = run("mail", "in.eml", "--output", "out.eml", "--report", "r.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    message = _parse(tmp_path / "out.eml")
    assert message["Subject"] == "写真"
    assert str(message["From"]) == "広報課 <kouhou@example.lg.jp>"
    tokens = [token.strip() for token in str(message["X-Mamori-Sanitized"]).split(",")]
    assert tokens == ["TEXTIZED", "LINKS_DEFANGED", "ATTACHMENT_REMOVED", "ATTACHMENT_CLEANED"]
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "  - 写真.png: 無害化して添付" in text
    assert "  - update.exe: 削除（実行される可能性のある形式（.exe）のため削除しました。）" in text
    assert "evil[.]example[.]net" in text
    attachments = list(message.iter_attachments())
    assert [part.get_filename() for part in attachments] == ["写真.png"]
    assert attachments[0].get_content_type() == "image/png"
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["verdict"] == "converted"
    assert [(a["filename"], a["verdict"]) for a in report["attachments"]] == [
        ("写真.png", "cleaned"),
        ("update.exe", "removed"),
    ]
    assert report["attachments"][0]["output_filename"] == "写真.png"
    assert len(report["attachments"][0]["sha256"]) == 64
    assert report["findings"][0]["code"] == "phishing_link"


def test_mail_keeps_japanese_fixture_text(tmp_path: Path) -> None:
    done = run("mail", str(JAPANESE / "iso2022jp_cp50220.eml"), "--output", "out.eml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    body = _parse(tmp_path / "out.eml").get_body(("plain",))
    assert body is not None
    assert "株式会社髙﨑製作所\n①議題　②日程　③場所\n㈱㈲№℡　ｶﾀｶﾅﾃｽﾄ" in body.get_content()


def test_mail_turns_garbage_bytes_into_a_valid_message(tmp_path: Path) -> None:
    (tmp_path / "junk.eml").write_bytes(bytes(range(256)) * 4 + b"\r\n\r\n--x--\x00\xff")
    done = run("mail", "junk.eml", "--output", "out.eml", "--report", "r.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    message = _parse(tmp_path / "out.eml")
    assert message.get_content_type() == "text/plain"
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["verdict"] == "cleaned"


def test_mail_with_missing_input_exits_2_in_japanese_without_traceback(tmp_path: Path) -> None:
    done = run("mail", "missing.eml", "--output", "out.eml", cwd=tmp_path)
    assert done.returncode == 2
    assert "エラー: 「missing.eml」を読めません" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.eml").exists()
