"""Real SMTP on loopback for the gateway tests: a downstream sink and a gateway run as a real process."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.smtp import SMTP

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class Sink:
    """A downstream SMTP server that keeps what it receives; it can be stopped and started on one port."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    reject_with: str | None = None  # e.g. "451 4.3.0 try later": refuse DATA with this reply

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server: asyncio.AbstractServer | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.reject_with:
            return self.reject_with
        with self._lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 OK"

    def start(self) -> Sink:
        async def create() -> asyncio.AbstractServer:
            return await self._loop.create_server(
                lambda: SMTP(self, enable_SMTPUTF8=True, decode_data=False, hostname="sink.test"),
                host=self.host,
                port=self.port,
                reuse_address=True,
            )

        self._server = asyncio.run_coroutine_threadsafe(create(), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        server, self._server = self._server, None

        async def close() -> None:
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def wait_for_id(self, message_id: str, timeout: float = 60.0) -> list[Received]:
        """Return the messages with this Message-ID once at least one has arrived."""
        deadline = time.monotonic() + timeout
        while True:
            found = [r for r in self.messages() if r.message["Message-ID"] == message_id]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def wait_for(self, count: int, timeout: float = 60.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.messages()
            if len(current) >= count:
                return current
            time.sleep(0.05)
        return self.messages()


class GatewayProcess:
    """``python -m mamori gateway`` in its own data dir, listening on a port chosen by the OS."""

    def __init__(self, data_dir: Path, relay_port: int, *, domains=("city.example.jp",), env=None, workers=2):
        self.data_dir = data_dir
        self.relay_port = relay_port
        self.domains = domains
        self.workers = workers
        self.extra_env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log_path = data_dir / "gateway.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAMORI_", "DJANGO_"))}
        env.update(
            {
                "PYTHONPATH": str(REPO / "src"),
                "MAMORI_DATA_DIR": str(self.data_dir),
                "MAMORI_DATABASE_URL": f"sqlite:///{self.data_dir / 'mamori.sqlite3'}",
                "MAMORI_GATEWAY_RETRY_FIRST_SECONDS": "1",
                "MAMORI_GATEWAY_RETRY_MAX_SECONDS": "2",
                "MAMORI_BASE_URL": "https://mamori.city.example.jp",
                "MAMORI_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60.0) -> GatewayProcess:
        listen_file = self.data_dir / "gateway.listen"
        listen_file.unlink(missing_ok=True)
        args = [
            sys.executable, "-m", "mamori.gateway",
            "--listen", "127.0.0.1:0",
            "--relay", f"127.0.0.1:{self.relay_port}",
            "--data-dir", str(self.data_dir),
            "--workers", str(self.workers),
        ]  # fmt: skip
        for domain in self.domains:
            args += ["--domain", domain]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(args, env=self.env(), stdout=log, stderr=log, cwd=REPO)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gateway exited: {self.log_path.read_text(errors='replace')[-3000:]}")
            try:
                data = json.loads(listen_file.read_text())
            except (FileNotFoundError, ValueError):
                time.sleep(0.05)
                continue
            if data["pid"] == self.process.pid:
                self.port = int(data["port"])
                return self
            time.sleep(0.05)
        raise RuntimeError("gateway did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
