"""Run the gateway: take the locks, recover the spool, start the worker pool and the SMTP listener.

On SIGTERM the listener stops accepting, workers finish the message in hand, and the process exits.
After ``kill -9`` the next start waits until every old worker is gone (they hold a shared lock the new
gateway takes exclusively), then returns their claimed files to the queues: nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import multiprocessing
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.process import BaseProcess
from pathlib import Path

from mamori.gateway.config import ConfigError, GatewayConfig
from mamori.gateway.smtp import start_listener
from mamori.gateway.spool import Spool
from mamori.gateway.worker import WORKERS_LOCK, worker_main

logger = logging.getLogger("mamori.gateway")

LISTEN_FILE = "gateway.listen"


def _take_locks(config: GatewayConfig, wait_seconds: float = 30.0) -> object:
    """Hold the gateway lock (one gateway per data dir) and wait for old workers to be gone."""
    main_lock = open(config.data_dir / "gateway.lock", "a+b")  # noqa: SIM115 - held while running
    try:
        fcntl.flock(main_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        raise ConfigError(
            f"このデータディレクトリ（{config.data_dir}）では既にゲートウェイが動いています。"
        ) from exc
    deadline = time.monotonic() + wait_seconds
    with open(config.data_dir / WORKERS_LOCK, "a+b") as workers_lock:
        while True:
            try:
                fcntl.flock(workers_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(workers_lock, fcntl.LOCK_UN)
                break
            except BlockingIOError as exc:
                if time.monotonic() > deadline:
                    raise ConfigError("前回のゲートウェイのワーカーが終了しません。") from exc
                time.sleep(0.1)
    return main_lock


class Pool:
    """The worker processes, restarted when one dies (its claimed files go back first)."""

    def __init__(self, config: GatewayConfig, spool: Spool, log_level: str) -> None:
        self.config = config
        self.spool = spool
        self.log_level = log_level
        self.context = multiprocessing.get_context("spawn")
        self.processes: list[BaseProcess] = []

    def _start_one(self) -> BaseProcess:
        process = self.context.Process(
            target=worker_main, args=(self.config, os.getpid(), self.log_level), name="mamori-gateway-worker"
        )
        process.start()
        return process

    def start(self) -> None:
        self.processes = [self._start_one() for _ in range(self.config.workers)]

    def supervise(self) -> None:
        for index, process in enumerate(self.processes):
            if process.is_alive():
                continue
            pid = process.pid
            logger.error("worker died; restarting", extra={"event": "worker_died", "code": process.exitcode})
            if pid is not None:
                self.spool.recover([pid])
            self.processes[index] = self._start_one()

    def stop(self, timeout: float = 30.0) -> None:
        for process in self.processes:
            if process.is_alive() and process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            process.join(max(0.1, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(5)


def ensure_tables() -> None:
    """Create or update the database tables (the gateway may start before the web app ever did)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


async def _serve(config: GatewayConfig, spool: Spool, pool: Pool) -> None:
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="spool")
    server, handler = await start_listener(config, spool, executor)
    host, port = server.sockets[0].getsockname()[:2]  # type: ignore[attr-defined]  # asyncio.Server
    listen_file = config.data_dir / LISTEN_FILE
    listen_file.write_text(json.dumps({"host": host, "port": port, "pid": os.getpid()}), encoding="utf-8")
    logger.info(f"listening on {host}:{port}", extra={"event": "listening"})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1.0)
            pool.supervise()
    finally:
        logger.info("stopping", extra={"event": "stopping"})
        server.close()
        await server.wait_closed()
        handler.refresher.cancel()  # type: ignore[attr-defined]
        executor.shutdown(wait=True)
        listen_file.unlink(missing_ok=True)


def run(config: GatewayConfig, *, log_level: str = "INFO") -> int:
    """Run the gateway until SIGTERM or SIGINT; return the exit code."""
    lock = _take_locks(config)
    try:
        spool = Spool(config.spool_dir)
        recovered = spool.recover()
        if recovered:
            logger.warning(f"recovered {recovered} claimed messages", extra={"event": "recovered"})
        ensure_tables()
        pool = Pool(config, spool, log_level)
        pool.start()
        try:
            asyncio.run(_serve(config, spool, pool))
        finally:
            pool.stop()
    finally:
        lock.close()  # type: ignore[attr-defined]
    return 0


def read_listen_file(data_dir: Path) -> tuple[str, int] | None:
    """Return where a running gateway listens (written after binding), or None."""
    try:
        data = json.loads((data_dir / LISTEN_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return str(data["host"]), int(data["port"])
