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


def sanitize_item(ctx: Context, item: SpoolItem) -> str:
    """Sanitize one claimed incoming message, keep its original, queue the result; return its reference."""
    from mamori.quarantine import services
    from mamori.sanitize import sanitize_message

    envelope = item.envelope
    with about_message(envelope.id, ""):
        if services.is_finished(envelope.id) or ctx.spool.has_delivery(envelope.id):
            # Reprocessed after a crash that came after this step had already finished.
            logger.info("duplicate dropped", extra={"event": "duplicate"})
            ctx.spool.done(item)
            return ""
        started = time.perf_counter()
        output: bytes | None
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
        headers = compose.header_summary(item.data)
        address = ctx.vault.put(item.data)
        recorded = services.record_message(
            spool_id=envelope.id,
            envelope_from=envelope.mail_from,
            rcpt_tos=envelope.rcpt_tos,
            received_at=dt.datetime.fromtimestamp(envelope.received_at, tz=dt.UTC),
            peer=envelope.peer,
            headers=headers,
            report=report,
            original_address=address,
            original_size=len(item.data),
            sanitize_ms=elapsed_ms,
        )
        base_url = ctx.config.base_url
        if output is None:
            stamped = compose.fallback_message(item.data, recorded.reference, base_url)
        else:
            stamped = compose.stamp_reference(output, recorded.reference, base_url)
        ready = dataclasses.replace(
            envelope, reference=recorded.reference, message_id=headers.get("message-id", "")
        )
        logger.info(
            "sanitized",
            extra={
                "event": "sanitized",
                "message_id": ready.message_id,
                "reference": recorded.reference,
                "verdict": str(report.get("verdict", "")),
                "elapsed_ms": elapsed_ms,
            },
        )
        # Deliver at once: the durable copy is still the spooled original, so a crash before the
        # downstream 250 just means sanitizing again. Only a deferred message gets its sanitized
        # version written to outgoing/ (fsync'd before the original is let go).
        with about_message(envelope.id, ready.message_id):
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
        return recorded.reference


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


def run_once(ctx: Context, *, deliver_limit: int = 20) -> int:
    """Do one round of work (deliveries due, then one message to sanitize); return how many items."""
    done = 0
    for item in ctx.spool.claim_outgoing(limit=deliver_limit):
        deliver_item(ctx, item)
        done += 1
    for item in ctx.spool.claim_incoming(limit=1):
        sanitize_item(ctx, item)
        done += 1
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
    while not stopping:
        if os.getppid() != parent_pid:
            break
        try:
            did = run_once(ctx)
        except Exception:  # outermost loop: log, give the claimed items back, pause, go on
            logger.exception("worker round failed", extra={"event": "worker_error"})
            ctx.close()
            ctx.spool.recover([os.getpid()])
            did = 0
            time.sleep(1.0)
        if did:
            idle_since = time.monotonic()
            continue
        if time.monotonic() - idle_since > 10:
            ctx.close()  # do not hold idle downstream connections open
        time.sleep(0.02)
    ctx.close()
