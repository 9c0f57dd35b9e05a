"""The gateway is never an open relay: only the configured domains are accepted."""

from __future__ import annotations

import smtplib

import pytest

from tests.gateway.messages import iso2022jp_mail


def test_mail_for_other_domains_is_refused_and_ours_delivered(sink, gateway_factory):
    gateway = gateway_factory(domains=("city.example.jp", "ed.city.example.jp")).start()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=30) as client:
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
            "sender@example.com", ["staff@city.example.jp", "victim@gmail.example"], iso2022jp_mail()
        )
        assert list(refused) == ["victim@gmail.example"]
    [received] = sink.wait_for(1)
    assert received.rcpt_tos == ["staff@city.example.jp"]
    assert len(sink.wait_for(2, timeout=1.5)) == 1
