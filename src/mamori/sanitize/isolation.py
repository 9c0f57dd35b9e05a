"""Run untrusted parsing in worker processes with resource limits; only plain data comes back.

Each worker is forked from a forkserver that has the parsers preloaded, so starting one costs
milliseconds, and is reused for many files. Before each task the worker's CPU limit is moved to "used
so far + the per-task budget"; address space, file size and core dumps are limited once at start, and
the worker leaves the network namespace where the kernel allows it. The parent waits with a
wall-clock timeout, kills a worker that overruns and treats whatever comes back as untrusted: a JSON
header of bounded size plus raw output bytes, never a pickle.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import multiprocessing
import multiprocessing.connection
import os
import pickle
import resource
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from mamori.sanitize.errors import IsolationError
from mamori.sanitize.policy import Limits

# Modules the forkserver imports once so every worker starts with them loaded.
PRELOAD: Final = ["mamori.sanitize.files"]
# A worker is replaced after this many tasks to bound leaks in C parsers.
TASKS_PER_WORKER: Final = 200
# Upper bound of the JSON header a worker sends back (findings, reason, names).
MAX_HEADER_BYTES: Final = 256 * 1024
_CLONE_NEWUSER: Final = 0x10000000
_CLONE_NEWNET: Final = 0x40000000

Task = Callable[[bytes, str, object], tuple[dict[str, object], bytes | None]]


@dataclass(frozen=True)
class UntrustedReply:
    """What a worker sent back, not yet checked."""

    untrusted_header: dict[str, object]
    untrusted_output: bytes | None


def _leave_network() -> None:
    # Without a network namespace a compromised parser cannot reach out (Linux unshare(2)); failure
    # (no privilege, no user namespaces, another OS) is ignored: the rlimits still apply.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return
    unshare = getattr(libc, "unshare", None)
    if unshare is None:
        return
    if unshare(_CLONE_NEWNET) != 0:
        unshare(_CLONE_NEWUSER | _CLONE_NEWNET)


def _apply_static_limits(limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = limits.memory_bytes if hard == resource.RLIM_INFINITY else min(limits.memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    # Temporary files (LibreOffice, DDE scan) may not outgrow the output cap.
    fsize = limits.max_output_bytes + limits.max_input_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(
        resource.RLIMIT_FSIZE, (fsize if hard == resource.RLIM_INFINITY else min(fsize, hard), hard)
    )


def _set_cpu_budget(seconds: int) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    target = used + seconds
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (target, hard))


def _silence_output() -> None:
    # Parsers (qpdf, oletools, LibreOffice) write warnings about hostile input straight to fd 1/2; the
    # user must not see them, and the parent learns of failures through the reply instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)


def _worker_main(conn: multiprocessing.connection.Connection, limits: Limits) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _silence_output()
    _leave_network()
    _apply_static_limits(limits)
    while True:
        try:
            request = conn.recv_bytes()
        except (EOFError, OSError):
            return
        task, data, filename, policy = pickle.loads(request)  # noqa: S301  # sent by our own parent
        _set_cpu_budget(policy.limits.cpu_seconds)
        try:
            header, output = task(data, filename, policy)
        except Exception as exc:  # outermost loop of the worker: report, never die silently
            header, output = {"error": type(exc).__name__, "detail": str(exc)[:300]}, None
        conn.send_bytes(json.dumps(header, ensure_ascii=False).encode("utf-8"))
        conn.send_bytes(b"" if output is None else output)
        conn.send_bytes(b"1" if output is not None else b"0")


def _start_forkserver() -> None:
    # Python 3.11's forkserver accepts the parent's sys.path but never applies it, so a package found
    # through a sys.path entry added at run time (pytest's pythonpath, a wheelhouse) is missing in the
    # server. Hand the server this package's location through PYTHONPATH while it starts.
    from multiprocessing import forkserver

    package_root = str(Path(__file__).resolve().parents[2])
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = package_root if not previous else package_root + os.pathsep + previous
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = previous


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext, limits: Limits) -> None:
        parent, child = context.Pipe(duplex=True)
        self.conn = parent
        self.limits = limits
        self.process = context.Process(target=_worker_main, args=(child, limits), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.tasks = 0

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A small pool of isolated workers; one task at a time per worker."""

    def __init__(self, size: int | None = None) -> None:
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            self._context.set_forkserver_preload(PRELOAD)
            _start_forkserver()
        self._size = size or max(1, min(os.cpu_count() or 1, 4))
        self._idle: list[_Worker] = []
        self._available = threading.Condition()
        self._started = 0
        self._closed = False
        self.pid = os.getpid()

    def _acquire(self, limits: Limits) -> _Worker:
        worker: _Worker | None
        with self._available:
            while True:
                if self._closed:
                    raise IsolationError(detail="隔離プロセスは終了しています")
                if self._idle:
                    worker = self._idle.pop()
                    break
                if self._started < self._size:
                    self._started += 1
                    worker = None
                    break
                self._available.wait()
        if worker is None:
            try:
                return _Worker(self._context, limits)
            except OSError as exc:
                self._forget()
                raise IsolationError(detail="隔離プロセスを起動できません") from exc
        if worker.limits != limits or not worker.process.is_alive():
            self._discard(worker)
            return self._acquire(limits)
        return worker

    def _release(self, worker: _Worker) -> None:
        worker.tasks += 1
        if worker.tasks >= TASKS_PER_WORKER:
            self._discard(worker)
            return
        with self._available:
            self._idle.append(worker)
            self._available.notify()

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        self._forget()

    def _forget(self) -> None:
        with self._available:
            self._started -= 1
            self._available.notify()

    def run(self, task: Task, data: bytes, filename: str, policy: object, limits: Limits) -> UntrustedReply:
        """Run ``task(data, filename, policy)`` in a worker; raise IsolationError on crash or timeout."""
        worker = self._acquire(limits)
        try:
            worker.conn.send_bytes(pickle.dumps((task, data, filename, policy)))
            if not worker.conn.poll(limits.wall_seconds):
                raise IsolationError(detail=f"制限時間（{limits.wall_seconds} 秒）内に終わりませんでした")
            untrusted_header = worker.conn.recv_bytes(MAX_HEADER_BYTES)
            if not worker.conn.poll(limits.wall_seconds):
                raise IsolationError(detail="隔離プロセスの応答が途切れました")
            untrusted_output = worker.conn.recv_bytes(limits.max_output_bytes)
            if not worker.conn.poll(limits.wall_seconds):
                raise IsolationError(detail="隔離プロセスの応答が途切れました")
            untrusted_flag = worker.conn.recv_bytes(1)
        except (EOFError, OSError, BrokenPipeError) as exc:
            self._discard(worker)
            raise IsolationError(
                detail="隔離プロセスが異常終了しました（資源制限の超過または解析エラー）"
            ) from exc
        except IsolationError:
            self._discard(worker)
            raise
        self._release(worker)
        try:
            header = json.loads(untrusted_header.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IsolationError(detail="隔離プロセスの応答が不正です") from exc
        if not isinstance(header, dict):
            raise IsolationError(detail="隔離プロセスの応答が不正です")
        return UntrustedReply(header, untrusted_output if untrusted_flag == b"1" else None)

    def close(self) -> None:
        """Stop every idle worker and refuse new tasks."""
        with self._available:
            self._closed = True
            idle, self._idle = self._idle, []
            self._available.notify_all()
        for worker in idle:
            worker.kill()


_pool_lock = threading.Lock()
_pool: WorkerPool | None = None


def shared_pool() -> WorkerPool:
    """Return the process-wide worker pool, starting it on first use.

    The pool is the engine's one piece of process state: workers are expensive to start and cheap to
    reuse, and every caller (CLI, gateway, web) wants the same few of them.
    """
    global _pool  # see docstring
    with _pool_lock:
        # A pool inherited through fork() shares its pipes with the parent: start a fresh one.
        if _pool is None or _pool.pid != os.getpid():
            _pool = WorkerPool()
            atexit.register(_pool.close)
        return _pool
