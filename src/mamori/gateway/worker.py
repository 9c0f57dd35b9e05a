"""The workers: take spooled messages, sanitize them, keep the original, deliver with retries.

Each step is a plain function that tests call directly; :func:`worker_main` is the loop a worker
process runs. The catch-all below is the outermost loop of the gateway: a message the engine cannot
handle is held (only a notice goes out), the traceback is logged, and the loop goes on.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import fcntl
import logging
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mamori.gateway import compose
from mamori.gateway.config import GatewayConfig, parse_hostport
from mamori.gateway.logs import about_message
from mamori.gateway.relay import Relay
from mamori.gateway.spool import Envelope, Spool, SpoolItem
from mamori.gateway.vault import Vault

logger = logging.getLogger("mamori.gateway.worker")

WORKERS_LOCK = "gateway-workers.lock"
BATCH = 8  # messages sanitized per vault group commit and database transaction
POISON_ATTEMPTS = 5  # a message failing alone this often is set aside in failed/


@dataclass
class Context:
    """What a worker needs: configuration, spool, vault, policy and its downstream connections."""

    config: GatewayConfig
    spool: Spool
    vault: Vault
    policy: object
    relays: dict[tuple[str, int], Relay] = field(default_factory=dict)

    @classmethod
    def build(cls, config: GatewayConfig) -> Context:
        from mamori.sanitize import Policy

        policy = Policy.from_toml(config.policy_file) if config.policy_file else Policy()
        return cls(config, Spool(config.spool_dir), Vault(config.data_dir), policy)

    def relay_for(self, target: str) -> Relay:
        address = parse_hostport(target, option="relay") if target else self.config.relay
        if address not in self.relays:
            self.relays[address] = Relay(
                address[0], address[1], helo=self.config.hostname, timeout=self.config.relay_timeout_seconds
            )
        return self.relays[address]

    def close(self) -> None:
        for relay in self.relays.values():
            relay.close()


@dataclass
class _Sanitized:
    """One message between sanitizing and recording (a batch shares one vault commit)."""

    item: SpoolItem
    output: bytes | None
    report: dict[str, object]
    elapsed_ms: int
    headers: dict[str, str]
    address: str = ""


def _sanitize(ctx: Context, item: SpoolItem) -> _Sanitized | None:
    from mamori.quarantine import services
    from mamori.sanitize import sanitize_message

    envelope = item.envelope
    with about_message(envelope.id, ""):
        if services.is_finished(envelope.id) or ctx.spool.has_delivery(envelope.id):
            # Reprocessed after a crash that came after this step had already finished.
            logger.info("duplicate dropped", extra={"event": "duplicate"})
            ctx.spool.done(item)
            return None
        started = time.perf_counter()
        output: bytes | None
        report: dict[str, object]
        try:
            result = sanitize_message(item.data, ctx.policy)  # type: ignore[arg-type]
            output, report = result.output, dict(result.report)
        except Exception:  # outermost guard: hold the whole message, pass nothing
            logger.exception("sanitize failed; message held", extra={"event": "sanitize_error"})
            output = None
            report = {
                "verdict": "held",
                "actions": ["MESSAGE_HELD"],
                "attachments": [],
                "error": "sanitize_failed",
            }
        elapsed_ms = int((time.perf_counter() - started) * 1000)
        return _Sanitized(item, output, report, elapsed_ms, compose.header_summary(item.data))


def sanitize_items(ctx: Context, items: list[SpoolItem]) -> list[str]:
    """Sanitize claimed incoming messages, keep their originals, deliver them; return the references."""
    from django.db import transaction

    batch = [done for done in (_sanitize(ctx, item) for item in items) if done is not None]
    # The originals are durable in the vault before any spool file is let go (in _record_and_deliver).
    for done, address in zip(batch, ctx.vault.put_many([done.item.data for done in batch]), strict=True):
        done.address = address
    with transaction.atomic():  # one commit for the batch's quarantine records
        recorded = [_record(done) for done in batch]
    return [
        _stamp_and_deliver(ctx, done, record.reference)  # type: ignore[attr-defined]
        for done, record in zip(batch, recorded, strict=True)
    ]


def sanitize_item(ctx: Context, item: SpoolItem) -> str:
    """Sanitize, keep and deliver one claimed incoming message; return its reference ('' if a duplicate)."""
    references = sanitize_items(ctx, [item])
    return references[0] if references else ""


def _record(done: _Sanitized) -> object:
    from mamori.quarantine import services

    envelope = done.item.envelope
    with about_message(envelope.id, done.headers.get("message-id", "")):
        return services.record_message(
            spool_id=envelope.id,
            envelope_from=envelope.mail_from,
            rcpt_tos=envelope.rcpt_tos,
            received_at=dt.datetime.fromtimestamp(envelope.received_at, tz=dt.UTC),
            peer=envelope.peer,
            headers=done.headers,
            report=done.report,
            original_address=done.address,
            original_size=len(done.item.data),
            sanitize_ms=done.elapsed_ms,
        )


def _stamp_and_deliver(ctx: Context, done: _Sanitized, reference: str) -> str:
    item, envelope = done.item, done.item.envelope
    message_id = done.headers.get("message-id", "")
    with about_message(envelope.id, message_id):
        base_url = ctx.config.base_url
        if done.output is None:
            stamped = compose.fallback_message(item.data, reference, base_url)
        else:
            stamped = compose.stamp_reference(done.output, reference, base_url)
        # The same trace field as on the kept original (RFC 5321 §4.4); the engine builds a new message.
        stamped = envelope.extra.get("received", "").encode("utf-8") + stamped
        ready = dataclasses.replace(envelope, reference=reference, message_id=message_id, extra={})
        logger.info(
            "sanitized",
            extra={
                "event": "sanitized",
                "reference": reference,
                "verdict": str(done.report.get("verdict", "")),
                "elapsed_ms": done.elapsed_ms,
            },
        )
        # Deliver at once: the durable copy is still the spooled original, so a crash before the
        # downstream 250 just means sanitizing again. Only a deferred message gets its sanitized
        # version written to outgoing/ (fsync'd before the original is let go).
        outcome = _deliver(ctx, ready, stamped, attempts=0)
        if outcome.remaining:
            ctx.spool.enqueue_outgoing(
                dataclasses.replace(ready, rcpt_tos=outcome.remaining),
                stamped,
                attempts=1,
                not_before=outcome.not_before,
            )
            ctx.spool.done(item)
        elif outcome.all_failed:
            ctx.spool.fail(item)  # the original stays in failed/ for the operator
        else:
            ctx.spool.done(item)
        return reference


def backoff_seconds(config: GatewayConfig, attempts: int) -> int:
    """Return the wait before the next attempt: doubling from the first delay up to the maximum."""
    return int(min(config.retry_first_seconds * (2 ** min(attempts, 30)), config.retry_max_seconds))


@dataclass(frozen=True)
class Outcome:
    """What is left to do after one delivery attempt."""

    remaining: tuple[str, ...]  # recipients to retry
    not_before: float
    all_failed: bool  # nobody got it and nobody will


def _deliver(
    ctx: Context, envelope: Envelope, data: bytes, *, attempts: int, now: float | None = None
) -> Outcome:
    from mamori.quarantine import services

    moment = time.time() if now is None else now
    result = ctx.relay_for(envelope.relay).send(envelope.mail_from, envelope.rcpt_tos, data)
    is_inbound = envelope.kind == "inbound"
    if result.delivered:
        if is_inbound:
            services.mark_delivered(spool_id=envelope.id, rcpt_tos=result.delivered)
        logger.info("delivered", extra={"event": "delivered", "rcpt": list(result.delivered)})
    permanent = list(result.permanent)
    temporary = list(result.temporary)
    if temporary and moment - envelope.received_at > ctx.config.message_lifetime_seconds:
        permanent += [(rcpt, f"配送期限切れ（最後の応答: {reason}）") for rcpt, reason in temporary]
        temporary = []
    if permanent:
        logger.warning("delivery failed", extra={"event": "failed", "rcpt": [r for r, _ in permanent]})
        if is_inbound:
            services.mark_failed(spool_id=envelope.id, failures=permanent)
    if not is_inbound and "release_id" in envelope.extra:
        from mamori.quarantine import release

        release.delivery_finished(
            int(envelope.extra["release_id"]),
            delivered=bool(result.delivered),
            failure="; ".join(r for _, r in permanent),
            pending=bool(temporary),
        )
    if temporary:
        reason = temporary[0][1]
        logger.info("deferred", extra={"event": "deferred", "attempts": attempts + 1, "code": reason})
        if is_inbound:
            services.mark_deferred(spool_id=envelope.id, reason=reason)
        return Outcome(tuple(r for r, _ in temporary), moment + backoff_seconds(ctx.config, attempts), False)
    return Outcome((), 0, bool(permanent) and not result.delivered)


def deliver_item(ctx: Context, item: SpoolItem, now: float | None = None) -> None:
    """Deliver one claimed outgoing message; retry later on 4xx or connection failure."""
    envelope = item.envelope
    with about_message(envelope.id, envelope.message_id):
        outcome = _deliver(ctx, envelope, item.data, attempts=item.attempts, now=now)
        if outcome.remaining:
            ctx.spool.defer(item, outcome.not_before, rcpt_tos=outcome.remaining)
        elif outcome.all_failed:
            ctx.spool.fail(item)
        else:
            ctx.spool.done(item)


def run_once(ctx: Context, *, deliver_limit: int = 20, batch: int = BATCH) -> int:
    """Do one round of work (deliveries due, then a batch to sanitize); return how many items."""
    done = 0
    for item in ctx.spool.claim_outgoing(limit=deliver_limit):
        deliver_item(ctx, item)
        done += 1
    items = list(ctx.spool.claim_incoming(limit=batch))
    if items:
        sanitize_items(ctx, items)
        done += len(items)
    return done


def drain(ctx: Context, *, timeout: float = 30.0) -> None:
    """Work until nothing is due (tests and the release task use this to finish promptly)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run_once(ctx) == 0:
            return


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Linux prctl(2): the kernel sends SIGKILL to this worker when the gateway process dies, so a
    # `kill -9` of the gateway never leaves a worker running beside the next one.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def worker_main(config: GatewayConfig, parent_pid: int, log_level: str = "INFO") -> None:
    """Run a worker process until SIGTERM: deliver what is due, sanitize what arrives."""
    _die_with_parent()
    if os.getppid() != parent_pid:
        return
    lock = open(Path(config.data_dir) / WORKERS_LOCK, "a+b")  # noqa: SIM115 - held for the process lifetime
    fcntl.flock(lock, fcntl.LOCK_SH)
    from mamori.cli import setup_django
    from mamori.gateway import logs

    setup_django()
    logs.configure(log_level)
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctx = Context.build(config)
    idle_since = time.monotonic()
    batch = BATCH
    failures: Counter[str] = Counter()
    while not stopping:
        if os.getppid() != parent_pid:
            break
        try:
            did = run_once(ctx, batch=batch)
            batch = BATCH
        except Exception:  # outermost loop: log, give the claimed items back, pause, go on
            logger.exception("worker round failed", extra={"event": "worker_error"})
            ctx.close()
            _set_aside_poison(ctx, batch, failures)
            ctx.spool.recover([os.getpid()])
            batch = 1  # retry one message at a time to find the one that fails
            did = 0
            time.sleep(1.0)
        if did:
            idle_since = time.monotonic()
            continue
        if time.monotonic() - idle_since > 10:
            ctx.close()  # do not hold idle downstream connections open
        time.sleep(0.02)
    ctx.close()


def _database_answers() -> bool:
    from django.db import DatabaseError, connection

    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


def _set_aside_poison(ctx: Context, batch: int, failures: Counter[str]) -> None:
    """Move a message that alone keeps failing (while the database answers) to failed/.

    Without this, one such message at the head of the queue would block every message behind it;
    during a database outage nothing is set aside, everything simply waits.
    """
    claimed = ctx.spool.claimed_incoming(os.getpid())
    if batch != 1 or len(claimed) != 1 or not _database_answers():
        return
    spool_id = claimed[0]
    failures[spool_id] += 1
    if failures[spool_id] >= POISON_ATTEMPTS:
        logger.error(
            "message set aside after repeated failures",
            extra={"event": "poison", "spool_id": spool_id, "attempts": failures[spool_id]},
        )
        ctx.spool.set_aside(os.getpid(), spool_id)
        del failures[spool_id]
