"""Downstream trouble: messages wait while the LGWAN server is down; permanent refusals are reported."""

from __future__ import annotations

import smtplib
import sqlite3
import time

from tests.gateway.messages import iso2022jp_mail, malicious_mail
from tests.gateway.smtp_harness import Sink


def test_messages_wait_during_an_outage_and_arrive_when_the_server_returns(sink, gateway_factory):
    gateway = gateway_factory().start()
    sink.stop()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=30) as client:
        for i in range(5):
            client.sendmail(
                "sender@example.com", ["staff@city.example.jp"], iso2022jp_mail(f"<outage-{i}@example.com>")
            )
    # Wait until every message has been tried at least once, deferred, and is waiting in outgoing/.
    spool = gateway.data_dir / "spool"
    deadline = time.monotonic() + 20
    deferred = waiting = 0
    while time.monotonic() < deadline:
        with sqlite3.connect(gateway.data_dir / "mamori.sqlite3") as db:
            deferred = db.execute(
                "SELECT COUNT(*) FROM quarantine_quarantinedmessage WHERE deferrals > 0"
            ).fetchone()[0]
        waiting = len(list((spool / "outgoing").iterdir())) + len(list((spool / "sending").iterdir()))
        if deferred == 5 and waiting == 5:
            break
        time.sleep(0.2)
    assert (deferred, waiting) == (5, 5)
    assert list((spool / "incoming").iterdir()) == []
    assert sink.messages() == []
    sink.start()  # the same port again
    received = sink.wait_for(5, timeout=30)
    assert sorted(r.message["Message-ID"] for r in received) == [
        f"<outage-{i}@example.com>" for i in range(5)
    ]
    with sqlite3.connect(gateway.data_dir / "mamori.sqlite3") as db:
        statuses = {row[0] for row in db.execute("SELECT status FROM quarantine_quarantinedmessage")}
    assert statuses == {"delivered"}


def test_permanent_refusal_notifies_the_administrator_and_never_the_sender(sink, gateway_factory):
    notices = Sink().start()
    try:
        sink.reject_with = "550 5.1.1 No such user"
        gateway = gateway_factory(
            env={
                "MAMORI_GATEWAY_POSTMASTER": "postmaster@city.example.jp",
                "MAMORI_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "MAMORI_SMTP_HOST": "127.0.0.1",
                "MAMORI_SMTP_PORT": str(notices.port),
            }
        ).start()
        with smtplib.SMTP("127.0.0.1", gateway.port, timeout=30) as client:
            client.sendmail("billing@attacker.example", ["gone@city.example.jp"], malicious_mail())
        [notice] = notices.wait_for(1, timeout=30)
        assert notice.rcpt_tos == ["postmaster@city.example.jp"]
        body = notice.message.get_body(("plain",)).get_content()
        assert "gone@city.example.jp" in body and "550" in body
        assert all("billing@attacker.example" not in r.rcpt_tos for r in notices.messages() + sink.messages())
        with sqlite3.connect(gateway.data_dir / "mamori.sqlite3") as db:
            status = db.execute("SELECT status FROM quarantine_quarantinedmessage").fetchone()[0]
        assert status == "failed"
        assert len(list((gateway.data_dir / "spool" / "failed").iterdir())) == 1
    finally:
        notices.close()
