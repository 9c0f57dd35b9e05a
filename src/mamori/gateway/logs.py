"""JSON log lines, each carrying the spool id and Message-ID of the message being handled."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator

_message: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "mamori_gateway_msg", default=("", "")
)

logger = logging.getLogger("mamori.gateway")


@contextlib.contextmanager
def about_message(spool_id: str, message_id: str) -> Iterator[None]:
    """Tag every log line inside the block with the message's spool id and Message-ID."""
    token = _message.set((spool_id, message_id))
    try:
        yield
    finally:
        _message.reset(token)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        spool_id, message_id = _message.get()
        data: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "msg": record.getMessage(),
            "spool_id": getattr(record, "spool_id", spool_id),
            "message_id": getattr(record, "message_id", message_id),
        }
        for key in ("event", "peer", "rcpt", "attempts", "code", "elapsed_ms", "verdict", "reference"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure(level: str = "INFO") -> None:
    """Send the gateway's logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("mamori.gateway", "mamori.quarantine", "mail.log"):
        log = logging.getLogger(name)
        log.handlers = [handler]
        log.propagate = False
        log.setLevel(level)
    logging.getLogger("mail.log").setLevel("WARNING")
