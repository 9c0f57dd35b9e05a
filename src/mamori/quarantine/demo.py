"""Demo data for 青葉台市: a few quarantined mails for the demo staff member, one with a PPAP zip."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile

from django.conf import settings
from django.utils import timezone

DEMO_DOMAIN = "city.aobadai.example.jp"
_MAILS = (
    (
        "demo-quarantine-1",
        "staff",
        "見積書の送付",
        "見積書.exe",
        b"MZ" + b"\0" * 200,
        "application/octet-stream",
        2,
    ),
    (
        "demo-quarantine-2",
        "staff",
        "会議資料（パスワード aoba2026 は別送します）",
        "資料.zip",
        None,
        "application/zip",
        1,
    ),
    ("demo-quarantine-3", "shimin-kacho", "請求書のご確認", None, None, "", 0),
)


DEMO_ZIP_PASSWORD = "aoba2026"  # noqa: S105 - a demo secret, printed in the demo mail subject


def _encrypted_zip() -> bytes:
    import pyzipper

    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.setpassword(DEMO_ZIP_PASSWORD.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr("議事次第.txt", "1. 開会\n2. 報告\n".encode())
    return buffer.getvalue()


def _mail(
    spool_id: str, login: str, subject: str, filename: str | None, data: bytes | None, content_type: str
) -> bytes:
    to = f"{login}@{DEMO_DOMAIN}"
    subject_word = "=?UTF-8?B?" + base64.b64encode(subject.encode()).decode() + "?="
    head = (
        f"From: sender@example.com\r\nTo: {to}\r\nSubject: {subject_word}\r\n"
        f"Message-ID: <{spool_id}@example.com>\r\nMIME-Version: 1.0\r\n"
    )
    html = (
        '<p>いつもお世話になっております。</p><p>詳細は <a href="https://example.com/login">こちら</a>。</p>'
    )
    if filename is None:
        return (head + f"Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n").encode()
    payload = base64.encodebytes(data if data is not None else _encrypted_zip()).decode()
    return (
        head + 'Content-Type: multipart/mixed; boundary="d"\r\n\r\n'
        f"--d\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"
        f'--d\r\nContent-Type: {content_type}; name="{filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{payload}\r\n--d--\r\n"
    ).encode()


def load_demo() -> None:
    """Record the demo mails through the gateway's sanitize-and-keep path (idempotent)."""
    from pathlib import Path

    from mamori.gateway.compose import header_summary
    from mamori.gateway.vault import Vault
    from mamori.quarantine.models import QuarantinedMessage
    from mamori.quarantine.services import mark_delivered, record_message
    from mamori.sanitize import Policy, sanitize_message

    vault = Vault(Path(settings.DATA_DIR))
    for spool_id, login, subject, filename, data, content_type, days_ago in _MAILS:
        if QuarantinedMessage.objects.filter(spool_id=spool_id).exists():
            continue
        raw = _mail(spool_id, login, subject, filename, data, content_type)
        result = sanitize_message(raw, Policy())
        rcpt = f"{login}@{DEMO_DOMAIN}"
        record_message(
            spool_id=spool_id,
            envelope_from="sender@example.com",
            rcpt_tos=[rcpt],
            received_at=timezone.now() - dt.timedelta(days=days_ago),
            peer="192.0.2.25",
            headers=header_summary(raw),
            report=dict(result.report),
            original_address=vault.put(raw),
            original_size=len(raw),
            sanitize_ms=5,
        )
        mark_delivered(spool_id=spool_id, rcpt_tos=[rcpt])
