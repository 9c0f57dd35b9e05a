"""When sanitizing fails, nothing of the original passes: only a notice with the reference goes out."""

from __future__ import annotations

import os
import time

import pytest

from mamori.gateway.config import GatewayConfig
from mamori.gateway.spool import Envelope, new_id
from mamori.gateway.worker import Context, drain
from mamori.quarantine.models import QuarantinedMessage
from tests.gateway.messages import malicious_mail


@pytest.mark.django_db
def test_engine_failure_holds_the_whole_message(tmp_path, sink):
    config = GatewayConfig(data_dir=tmp_path, domains=("city.example.jp",), relay=("127.0.0.1", sink.port))
    ctx = Context.build(config)
    ctx.policy = "not a policy"  # the engine raises on a policy it cannot use
    envelope = Envelope(
        id=new_id(),
        mail_from="billing@attacker.example",
        rcpt_tos=("staff@city.example.jp",),
        received_at=time.time(),
    )
    ctx.spool.accept(envelope, malicious_mail("<broken@attacker.example>"))
    drain(ctx)
    ctx.close()
    [received] = sink.wait_for(1)
    assert received.message["X-Mamori-Sanitized"] == "MESSAGE_HELD"
    assert b"malicious-payload-marker" not in received.data
    assert b"pwned-script-marker" not in received.data
    assert not list(received.message.iter_attachments())
    record = QuarantinedMessage.objects.get(spool_id=envelope.id)
    assert record.has_held is True
    assert record.reference in received.message.get_body(("plain",)).get_content()
    assert ctx.vault.get(record.original_address) == malicious_mail("<broken@attacker.example>")


@pytest.mark.django_db
def test_a_message_that_keeps_failing_alone_is_set_aside_not_blocking_the_queue(tmp_path):
    from collections import Counter

    from mamori.gateway.worker import POISON_ATTEMPTS, _set_aside_poison

    ctx = Context.build(GatewayConfig(data_dir=tmp_path, domains=("city.example.jp",)))
    poison = Envelope(id=new_id(), mail_from="", rcpt_tos=("staff@city.example.jp",), received_at=time.time())
    ctx.spool.accept(poison, b"Subject: x\r\n\r\nx")
    failures: Counter[str] = Counter()
    for _ in range(POISON_ATTEMPTS):
        assert len(list(ctx.spool.claim_incoming(limit=1))) == 1
        _set_aside_poison(ctx, 1, failures)
        ctx.spool.recover([os.getpid()])
    assert [p.name for p in ctx.spool.dir("failed").iterdir()] == [poison.id]
    assert ctx.spool.pending() == 0
    # In a batch round nothing is set aside: the failing message is not known yet.
    other = Envelope(id=new_id(), mail_from="", rcpt_tos=("staff@city.example.jp",), received_at=time.time())
    ctx.spool.accept(other, b"x")
    for _ in range(POISON_ATTEMPTS + 1):
        list(ctx.spool.claim_incoming(limit=8))
        _set_aside_poison(ctx, 8, Counter())
        ctx.spool.recover([os.getpid()])
    assert ctx.spool.depth()["incoming"] == 1
