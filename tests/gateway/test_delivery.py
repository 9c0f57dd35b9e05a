"""Mail sent with smtplib through the gateway process arrives at the downstream sink sanitized."""

from __future__ import annotations

import json
import smtplib
import sqlite3
import time

from tests.gateway.messages import EXE_BYTES, JAPANESE_SUBJECT, JAPANESE_TEXT, iso2022jp_mail, malicious_mail


def _send(port: int, rcpts: list[str], data: bytes) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.sendmail("sender@example.com", rcpts, data)


def test_japanese_mail_arrives_readable_with_the_sanitized_header(shared_sink, shared_gateway):
    _send(shared_gateway.port, ["staff@city.example.jp"], iso2022jp_mail("<jp-1@example.com>"))
    [received] = shared_sink.wait_for_id("<jp-1@example.com>")
    message = received.message
    assert message["X-Mamori-Sanitized"] is not None
    assert message["Subject"] == JAPANESE_SUBJECT
    # RFC 5321 §4.4: the gateway adds its trace field, naming the spool id of the accepted message.
    assert message["Received"].startswith("from ") and "(Mamori) with ESMTP id " in message["Received"]
    body = message.get_body(("plain",)).get_content()
    assert JAPANESE_TEXT in body
    assert received.rcpt_tos == ["staff@city.example.jp"]
    # Every JSON log line about the message names it, from the 250 to the delivery.
    # (The worker logs "delivered" just after the sink's 250, so allow it a moment.)
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in shared_gateway.log().splitlines() if line.startswith("{")]
        ours = [line for line in lines if line["message_id"] == "<jp-1@example.com>"]
        events = {line["event"] for line in ours}
        if "delivered" in events or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert {"accepted", "sanitized", "delivered"} <= events
    assert len({line["spool_id"] for line in ours}) == 1


def test_malicious_mail_arrives_without_script_executable_or_live_link(shared_sink, shared_gateway):
    _send(shared_gateway.port, ["staff@city.example.jp"], malicious_mail("<evil-1@attacker.example>"))
    [received] = shared_sink.wait_for_id("<evil-1@attacker.example>")
    message = received.message
    tokens = {token.strip() for token in message["X-Mamori-Sanitized"].split(",")}
    assert {"TEXTIZED", "LINKS_DEFANGED", "ATTACHMENT_REMOVED"} <= tokens
    assert b"pwned-script-marker" not in received.data
    assert b"malicious-payload-marker" not in received.data
    assert not list(message.iter_attachments())
    body = message.get_body(("plain",)).get_content()
    assert "https://evil.example" not in body
    assert "evil[.]example" in body  # the real destination is shown, defanged
    assert "請求書をご確認ください。" in body


def test_notice_carries_the_reference_of_the_encrypted_original(shared_sink, shared_gateway):
    _send(shared_gateway.port, ["Staff@City.Example.JP"], malicious_mail("<evil-2@attacker.example>"))
    [received] = shared_sink.wait_for_id("<evil-2@attacker.example>")
    reference = received.message["X-Mamori-Reference"]
    body = received.message.get_body(("plain",)).get_content()
    assert reference in body
    assert f"https://mamori.city.example.jp/quarantine/r/{reference}/" in body
    with sqlite3.connect(shared_gateway.data_dir / "mamori.sqlite3") as db:
        address, message_id = db.execute(
            "SELECT original_address, message_id FROM quarantine_quarantinedmessage WHERE reference = ?",
            (reference,),
        ).fetchone()
        [rcpt] = db.execute(
            "SELECT address FROM quarantine_messagerecipient r JOIN quarantine_quarantinedmessage m "
            "ON r.message_id = m.id WHERE m.reference = ?",
            (reference,),
        ).fetchall()
    assert message_id == "<evil-2@attacker.example>"
    assert rcpt == ("staff@city.example.jp",)
    stored = (shared_gateway.data_dir / "vault" / address[:2] / address[2:4] / address).read_bytes()
    # Encrypted at rest: neither the payload nor the text is readable in the vault file.
    assert b"malicious-payload-marker" not in stored
    assert EXE_BYTES[:40] not in stored
    assert "請求書".encode() not in stored
