"""The SMTP listener: accept mail for our domains only, spool it durably, answer 250 — nothing more.

The handler is deliberately thin: it checks the envelope, writes the spool file (fsync'd) on a thread so
the event loop keeps serving other clients, and replies. Sanitizing happens later, in the workers
(sanitization.md: "a gateway must sanitize from a queue, never inside the SMTP conversation").
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import re
import ssl
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.smtp import SMTP, Session
from aiosmtpd.smtp import Envelope as SmtpEnvelope

from mamori.gateway.config import GatewayConfig
from mamori.gateway.spool import Envelope, Spool, new_id

logger = logging.getLogger("mamori.gateway.smtp")

# RFC 5321 §4.5.3.1.8: recipients per message a server must accept is at least 100.
_TOO_MANY_RCPTS = "452 4.5.3 Too many recipients"
_RELAY_DENIED = "550 5.7.1 Relay access denied: this server accepts mail only for its own domains"
_SPOOL_FULL = "452 4.3.1 Insufficient system storage, try again later"
_LOCAL_ERROR = "451 4.3.0 Local error in processing, try again later"
_TOO_MANY_CONNECTIONS = b"421 4.7.0 Too many connections from your address, try again later\r\n"
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(<[^>\r\n]{1,250}>)", re.IGNORECASE | re.MULTILINE)


def message_id_of(untrusted_data: bytes) -> str:
    """Return the Message-ID from the header block, for log lines only (never trusted further)."""
    head = untrusted_data[:65536].split(b"\r\n\r\n", 1)[0]
    match = _MESSAGE_ID.search(head)
    return match.group(1).decode("ascii", "replace") if match else ""


_UNSAFE_IN_TRACE = re.compile(r"[^\x21-\x7e]")


def trace_header(
    *, helo: str, peer: str, hostname: str, protocol: str, spool_id: str, rcpt_tos: list[str]
) -> str:
    """Return the Received: trace field RFC 5321 §4.4 requires of a server accepting a message."""
    # The HELO name is untrusted: keep printable ASCII only, so it cannot inject header lines.
    name = _UNSAFE_IN_TRACE.sub("", helo)[:255] or "unknown"
    recipient = f"\r\n\tfor <{_UNSAFE_IN_TRACE.sub('', rcpt_tos[0])[:320]}>" if len(rcpt_tos) == 1 else ""
    return (
        f"Received: from {name} ([{peer}])\r\n\tby {hostname} (Mamori) with {protocol} id {spool_id}"
        f"{recipient}; {email.utils.formatdate(localtime=True)}\r\n"
    )


class SpoolGauge:
    """Remember how full the spool is, refreshed in the background rather than on every command."""

    def __init__(self, spool: Spool, config: GatewayConfig) -> None:
        self.spool = spool
        self.config = config
        self.pending = 0
        self.free_bytes = spool.free_bytes()
        self.refresh()

    def refresh(self) -> None:
        self.pending = self.spool.pending()
        self.free_bytes = self.spool.free_bytes()

    @property
    def is_near_full(self) -> bool:
        return (
            self.pending >= self.config.spool_max_messages
            or self.free_bytes < self.config.spool_min_free_bytes
        )


class GatewayHandler:
    """aiosmtpd handler: envelope checks and the durable hand-over to the spool."""

    def __init__(
        self, config: GatewayConfig, spool: Spool, gauge: SpoolGauge, executor: ThreadPoolExecutor
    ) -> None:
        self.config = config
        self.spool = spool
        self.gauge = gauge
        self.executor = executor
        self.accepted = 0

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: SmtpEnvelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        # RFC 2920: the reader processes commands strictly in order, so pipelined commands are safe.
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: SmtpEnvelope, address: str, mail_options: list[str]
    ) -> str:
        if self.gauge.is_near_full:
            logger.warning(
                "spool near full, deferring sender", extra={"event": "spool_full", "peer": str(session.peer)}
            )
            return _SPOOL_FULL
        if self.config.require_tls and session.ssl is None:
            return "530 5.7.0 Must issue a STARTTLS command first"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: SmtpEnvelope, address: str, rcpt_options: list[str]
    ) -> str:
        local, at, domain = address.rpartition("@")
        if not at or not local or not self.config.accepts_domain(domain):
            logger.info(
                "relay denied", extra={"event": "relay_denied", "peer": str(session.peer), "rcpt": address}
            )
            return _RELAY_DENIED
        if len(envelope.rcpt_tos) >= self.config.max_recipients:
            return _TOO_MANY_RCPTS
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: SmtpEnvelope) -> str:
        data = envelope.original_content or b""
        if self.gauge.is_near_full:
            return _SPOOL_FULL
        spool_id = new_id()
        peer = str(session.peer[0]) if isinstance(session.peer, tuple) else str(session.peer or "")
        received = trace_header(
            helo=session.host_name or "",
            peer=peer,
            hostname=self.config.hostname,
            protocol=("ESMTPS" if session.ssl else "ESMTP") if session.extended_smtp else "SMTP",
            spool_id=spool_id,
            rcpt_tos=envelope.rcpt_tos,
        )
        spooled = Envelope(
            id=spool_id,
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            received_at=time.time(),
            peer=peer,
            helo=session.host_name or "",
            extra={"received": received},
        )
        data = received.encode("utf-8") + data
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.executor, self.spool.accept, spooled, data)
        except OSError:
            logger.exception("spool write failed", extra={"event": "spool_error", "spool_id": spooled.id})
            return _LOCAL_ERROR
        self.accepted += 1
        self.gauge.pending += 1
        logger.info(
            "accepted",
            extra={
                "event": "accepted",
                "spool_id": spooled.id,
                "message_id": message_id_of(data),
                "peer": spooled.peer,
                "rcpt": list(spooled.rcpt_tos),
            },
        )
        return f"250 2.0.0 OK queued as {spooled.id}"


class GatewaySMTP(SMTP):
    """aiosmtpd's SMTP protocol with a per-client connection limit."""

    def __init__(self, handler: GatewayHandler, connections: Counter[str], **kwargs: object) -> None:
        super().__init__(handler, **kwargs)  # type: ignore[arg-type]
        self._connections = connections
        self._client = ""
        self._refused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._client:
            # aiosmtpd calls this again with the TLS transport after STARTTLS: same connection.
            super().connection_made(transport)
            return
        peer = transport.get_extra_info("peername")
        self._client = str(peer[0]) if isinstance(peer, tuple) else str(peer)
        handler: GatewayHandler = self.event_handler
        total = sum(self._connections.values())
        if (
            self._connections[self._client] >= handler.config.max_connections_per_client
            or total >= handler.config.max_connections
        ):
            self._refused = True
            transport.write(_TOO_MANY_CONNECTIONS)  # type: ignore[attr-defined]
            transport.close()
            logger.warning("too many connections", extra={"event": "connection_limit", "peer": self._client})
            return
        self._connections[self._client] += 1
        super().connection_made(transport)

    def connection_lost(self, error: Exception | None) -> None:
        if self._refused:
            return
        self._connections[self._client] -= 1
        if self._connections[self._client] <= 0:
            del self._connections[self._client]
        super().connection_lost(error)


def tls_context(config: GatewayConfig) -> ssl.SSLContext | None:
    """Return the server TLS context for STARTTLS, or None when no certificate is configured."""
    if config.tls_cert is None or config.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(config.tls_cert), str(config.tls_key))
    return context


async def start_listener(
    config: GatewayConfig, spool: Spool, executor: ThreadPoolExecutor
) -> tuple[asyncio.AbstractServer, GatewayHandler]:
    """Start listening; return the server and the handler (its counters and spool gauge)."""
    gauge = SpoolGauge(spool, config)
    handler = GatewayHandler(config, spool, gauge, executor)
    connections: Counter[str] = Counter()
    context = tls_context(config)
    loop = asyncio.get_running_loop()

    def factory() -> GatewaySMTP:
        return GatewaySMTP(
            handler,
            connections,
            data_size_limit=config.max_message_bytes,
            enable_SMTPUTF8=True,
            decode_data=False,
            hostname=config.hostname,
            ident="Mamori ESMTP",
            tls_context=context,
            require_starttls=config.require_tls,
            timeout=300,
            loop=loop,
        )

    server = await loop.create_server(
        factory, host=config.listen[0], port=config.listen[1], reuse_address=True
    )

    async def refresh_gauge() -> None:
        while True:
            await asyncio.sleep(1.0)
            await loop.run_in_executor(executor, gauge.refresh)

    handler.refresher = loop.create_task(refresh_gauge())  # type: ignore[attr-defined]
    return server, handler
