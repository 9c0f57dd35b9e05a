"""The durable spool: every accepted message is a file, and every state change is one atomic rename.

Layout under ``<data dir>/spool``::

    tmp/        being written (never read; cleared at start)
    incoming/   accepted, fsync'd before the SMTP 250 reply; waiting to be sanitized
    work/       claimed by a worker for sanitizing: ``<pid>.<id>``
    outgoing/   sanitized, waiting for delivery: ``<id>.<attempts>.<not before, epoch s>``
    sending/    claimed by a worker for delivery: ``<pid>.<id>.<attempts>.<not before>``
    failed/     permanently undeliverable (recorded and reported; kept for the operator)

A spool file is one line of JSON (the envelope) followed by the message bytes. A claim is a rename
from a shared directory into a per-process name, so two workers can never take the same file; after a
crash the files left under ``work/`` and ``sending/`` by dead processes go back to their queue.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

STAGES = ("tmp", "incoming", "work", "outgoing", "sending", "failed")


@dataclass(frozen=True)
class Envelope:
    """The SMTP envelope and bookkeeping that travel with one spooled message."""

    id: str
    mail_from: str
    rcpt_tos: tuple[str, ...]
    received_at: float
    peer: str = ""
    helo: str = ""
    kind: str = "inbound"  # inbound | release | notice
    relay: str = ""  # host:port when not the default downstream relay
    reference: str = ""  # quarantine reference of the inbound message
    message_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """Return the envelope as one line of JSON."""
        data = {
            "id": self.id,
            "mail_from": self.mail_from,
            "rcpt_tos": list(self.rcpt_tos),
            "received_at": self.received_at,
            "peer": self.peer,
            "helo": self.helo,
            "kind": self.kind,
            "relay": self.relay,
            "reference": self.reference,
            "message_id": self.message_id,
            "extra": self.extra,
        }
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")

    @classmethod
    def from_json(cls, line: bytes) -> Envelope:
        """Parse the envelope line written by :meth:`to_json`."""
        data = json.loads(line)
        return cls(
            id=str(data["id"]),
            mail_from=str(data["mail_from"]),
            rcpt_tos=tuple(str(r) for r in data["rcpt_tos"]),
            received_at=float(data["received_at"]),
            peer=str(data.get("peer", "")),
            helo=str(data.get("helo", "")),
            kind=str(data.get("kind", "inbound")),
            relay=str(data.get("relay", "")),
            reference=str(data.get("reference", "")),
            message_id=str(data.get("message_id", "")),
            extra={str(k): str(v) for k, v in dict(data.get("extra", {})).items()},
        )


@dataclass(frozen=True)
class SpoolItem:
    """One claimed spool file."""

    path: Path
    envelope: Envelope
    data: bytes
    attempts: int = 0


def new_id() -> str:
    """Return a new spool id: time-ordered, unique across processes."""
    return f"{time.time_ns():016x}{secrets.token_hex(4)}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _read(path: Path) -> tuple[Envelope, bytes]:
    raw = path.read_bytes()
    line, _, data = raw.partition(b"\n")
    return Envelope.from_json(line), data


class Spool:
    """The spool directories of one data dir."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for stage in STAGES:
            (root / stage).mkdir(parents=True, exist_ok=True)

    def dir(self, stage: str) -> Path:
        return self.root / stage

    # --- writing --------------------------------------------------------------------------------

    def _write_durably(self, target: Path, envelope: Envelope, data: bytes) -> None:
        tmp = self.dir("tmp") / f"{os.getpid()}.{secrets.token_hex(6)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, envelope.to_json() + b"\n")
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, target)
        _fsync_dir(target.parent)

    def accept(self, envelope: Envelope, data: bytes) -> None:
        """Store an accepted message durably (file and directory fsync'd) in ``incoming/``."""
        self._write_durably(self.dir("incoming") / envelope.id, envelope, data)

    def enqueue_outgoing(
        self, envelope: Envelope, data: bytes, *, attempts: int = 0, not_before: float = 0
    ) -> Path:
        """Store a ready-to-deliver (already sanitized) message durably in ``outgoing/``."""
        target = self.dir("outgoing") / f"{envelope.id}.{attempts}.{int(not_before)}"
        self._write_durably(target, envelope, data)
        return target

    # --- claiming -------------------------------------------------------------------------------

    def claim_incoming(self, limit: int = 1) -> Iterator[SpoolItem]:
        """Yield up to ``limit`` incoming messages, each moved to ``work/`` under this process's name."""
        taken = 0
        for name in sorted(os.listdir(self.dir("incoming"))):
            if taken >= limit:
                return
            target = self.dir("work") / f"{os.getpid()}.{name}"
            try:
                os.rename(self.dir("incoming") / name, target)
            except FileNotFoundError:
                continue  # another worker took it
            envelope, data = _read(target)
            taken += 1
            yield SpoolItem(target, envelope, data)

    def claim_outgoing(self, limit: int = 20, now: float | None = None) -> list[SpoolItem]:
        """Claim up to ``limit`` outgoing messages whose retry time has come, oldest first."""
        moment = time.time() if now is None else now
        ready: list[tuple[str, str]] = []
        for name in os.listdir(self.dir("outgoing")):
            parts = name.split(".")
            if len(parts) != 3 or not parts[2].isdigit():
                continue
            if int(parts[2]) <= moment:
                ready.append((parts[0], name))
        ready.sort()
        items: list[SpoolItem] = []
        for _, name in ready:
            if len(items) >= limit:
                break
            target = self.dir("sending") / f"{os.getpid()}.{name}"
            try:
                os.rename(self.dir("outgoing") / name, target)
            except FileNotFoundError:
                continue
            envelope, data = _read(target)
            items.append(SpoolItem(target, envelope, data, attempts=int(name.split(".")[1])))
        return items

    # --- finishing ------------------------------------------------------------------------------

    def done(self, item: SpoolItem) -> None:
        """Forget a claimed message (delivered, or dropped as a duplicate)."""
        item.path.unlink(missing_ok=True)

    def defer(self, item: SpoolItem, not_before: float, rcpt_tos: Sequence[str] | None = None) -> None:
        """Put a claimed outgoing message back with one more attempt, not before ``not_before``."""
        name = f"{item.envelope.id}.{item.attempts + 1}.{int(not_before)}"
        target = self.dir("outgoing") / name
        if rcpt_tos is not None and tuple(rcpt_tos) != item.envelope.rcpt_tos:
            # Only some recipients still wait: rewrite the envelope (rare, so a copy is fine).
            self._write_durably(target, replace(item.envelope, rcpt_tos=tuple(rcpt_tos)), item.data)
            item.path.unlink()
            return
        os.rename(item.path, target)

    def fail(self, item: SpoolItem) -> None:
        """Move a claimed message to ``failed/`` (permanent failure, kept for the operator)."""
        os.rename(item.path, self.dir("failed") / item.envelope.id)

    # --- recovery and accounting -----------------------------------------------------------------

    def recover(self, dead_pids: Sequence[int] | None = None) -> int:
        """Return claimed files of dead processes (all, when ``dead_pids`` is None) to their queues."""
        moved = 0
        wanted = None if dead_pids is None else {str(pid) for pid in dead_pids}
        for stage, queue in (("work", "incoming"), ("sending", "outgoing")):
            for name in os.listdir(self.dir(stage)):
                pid, _, rest = name.partition(".")
                if wanted is not None and pid not in wanted:
                    continue
                try:
                    os.rename(self.dir(stage) / name, self.dir(queue) / rest)
                except FileNotFoundError:
                    continue
                moved += 1
        if dead_pids is None:
            for name in os.listdir(self.dir("tmp")):
                (self.dir("tmp") / name).unlink(missing_ok=True)
        return moved

    def claimed_incoming(self, pid: int) -> list[str]:
        """Return the spool ids this process has claimed for sanitizing."""
        prefix = f"{pid}."
        return sorted(name[len(prefix) :] for name in os.listdir(self.dir("work")) if name.startswith(prefix))

    def set_aside(self, pid: int, spool_id: str) -> None:
        """Move a claimed incoming message to failed/ (kept for the operator, no longer retried)."""
        os.rename(self.dir("work") / f"{pid}.{spool_id}", self.dir("failed") / spool_id)

    def has_delivery(self, spool_id: str) -> bool:
        """Tell whether a sanitized copy of ``spool_id`` already waits for (or is in) delivery."""
        prefix = f"{spool_id}."
        if any(name.startswith(prefix) for name in os.listdir(self.dir("outgoing"))):
            return True
        return any(name.partition(".")[2].startswith(prefix) for name in os.listdir(self.dir("sending")))

    def depth(self) -> dict[str, int]:
        """Return the number of files in each queue."""
        return {stage: len(os.listdir(self.dir(stage))) for stage in STAGES if stage != "tmp"}

    def pending(self) -> int:
        """Return how many messages are accepted but not yet delivered or failed."""
        depth = self.depth()
        return depth["incoming"] + depth["work"] + depth["outgoing"] + depth["sending"]

    def free_bytes(self) -> int:
        """Return the free space of the file system holding the spool."""
        return shutil.disk_usage(self.root).free
