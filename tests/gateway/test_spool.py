"""The spool: durable accept, one claimant per message, recovery of a dead worker's claims."""

from __future__ import annotations

import os
import time

from mamori.gateway.spool import Envelope, Spool, new_id


def _envelope(**kwargs) -> Envelope:
    values = {
        "id": new_id(),
        "mail_from": "a@example.com",
        "rcpt_tos": ("staff@city.example.jp",),
        "received_at": time.time(),
    }
    values.update(kwargs)
    return Envelope(**values)


def test_accepted_message_round_trips_with_its_envelope(tmp_path):
    spool = Spool(tmp_path)
    envelope = _envelope(rcpt_tos=("職員@city.example.jp", "b@city.example.jp"), peer="192.0.2.7")
    spool.accept(envelope, b"Subject: x\r\n\r\n\x00\xff body")
    [item] = list(spool.claim_incoming())
    assert item.envelope == envelope
    assert item.data == b"Subject: x\r\n\r\n\x00\xff body"
    assert item.path.parent.name == "work" and item.path.name.startswith(f"{os.getpid()}.")
    assert list(spool.claim_incoming()) == []


def test_a_claimed_message_cannot_be_claimed_again(tmp_path):
    first, second = Spool(tmp_path), Spool(tmp_path)
    for _ in range(3):
        first.accept(_envelope(), b"x")
    taken = [item.envelope.id for item in first.claim_incoming(limit=2)]
    others = [item.envelope.id for item in second.claim_incoming(limit=5)]
    assert len(taken) == 2 and len(others) == 1
    assert not set(taken) & set(others)


def test_recover_returns_only_dead_workers_claims(tmp_path):
    spool = Spool(tmp_path)
    envelope = _envelope()
    spool.accept(envelope, b"x")
    [item] = list(spool.claim_incoming())
    os.rename(item.path, spool.dir("work") / f"999999.{envelope.id}")
    spool.enqueue_outgoing(_envelope(), b"y")
    [sending] = spool.claim_outgoing()
    assert spool.recover([999999]) == 1
    assert (spool.dir("incoming") / envelope.id).exists()
    assert sending.path.exists()  # a live process's claim stays
    assert spool.recover() == 1  # at start-up every claim goes back
    assert spool.depth() == {"incoming": 1, "work": 0, "outgoing": 1, "sending": 0, "failed": 0}


def test_deferred_message_waits_until_its_time_and_keeps_remaining_recipients(tmp_path):
    spool = Spool(tmp_path)
    envelope = _envelope(rcpt_tos=("a@city.example.jp", "b@city.example.jp"))
    spool.enqueue_outgoing(envelope, b"data")
    [item] = spool.claim_outgoing(now=time.time())
    spool.defer(item, time.time() + 100, rcpt_tos=["b@city.example.jp"])
    assert spool.claim_outgoing(now=time.time()) == []
    [again] = spool.claim_outgoing(now=time.time() + 101)
    assert again.attempts == 1
    assert again.envelope.rcpt_tos == ("b@city.example.jp",)
    assert again.data == b"data"
    assert spool.has_delivery(envelope.id)


def test_log_lines_carry_the_message_id_from_the_header_block():
    from mamori.gateway.smtp import message_id_of

    assert (
        message_id_of(b"From: a\r\nMessage-ID:  <abc@example.com>\r\n\r\nMessage-ID: <body@x>")
        == "<abc@example.com>"
    )
    assert message_id_of(b"From: a\r\n\r\nMessage-ID: <only-in-body@x>\r\n") == ""


def test_trace_header_cannot_be_used_to_inject_header_lines():
    from mamori.gateway.smtp import trace_header

    field = trace_header(
        helo="evil\r\nBcc: victim@example.com",
        peer="192.0.2.1",
        hostname="mx.city.example.jp",
        protocol="ESMTP",
        spool_id="abc",
        rcpt_tos=["staff@city.example.jp"],
    )
    assert field.count("\r\n") == 3 and "\r\nBcc" not in field
    assert field.startswith(
        "Received: from evilBcc:victim@example.com ([192.0.2.1])\r\n\tby mx.city.example.jp"
    )
