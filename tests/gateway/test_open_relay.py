"""The gateway is never an open relay: only the configured domains are accepted."""

from __future__ import annotations

import smtplib

import pytest

from tests.gateway.messages import iso2022jp_mail


def test_mail_for_other_domains_is_refused_and_ours_delivered(shared_sink, shared_gateway):
    with smtplib.SMTP("127.0.0.1", shared_gateway.port, timeout=30) as client:
        client.ehlo("mx.attacker.example")
        client.mail("spammer@attacker.example")
        for rcpt in (
            "victim@gmail.example",
            "x@example.jp",
            "user@sub.city.example.jp",
            "a@city.example.jp.evil",
        ):
            code, _ = client.rcpt(rcpt)
            assert code == 550, rcpt
        code, _ = client.rcpt("teacher@ED.city.example.jp")
        assert code == 250
        client.rset()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail(
                "spammer@attacker.example", ["victim@gmail.example"], b"Subject: spam\r\n\r\nspam\r\n"
            )
        refused = client.sendmail(
            "sender@example.com",
            ["staff@city.example.jp", "victim@gmail.example"],
            iso2022jp_mail("<relay-1@example.com>"),
        )
        assert list(refused) == ["victim@gmail.example"]
    [received] = shared_sink.wait_for_id("<relay-1@example.com>")
    assert received.rcpt_tos == ["staff@city.example.jp"]
    assert all(r.rcpt_tos != ["victim@gmail.example"] for r in shared_sink.messages())
