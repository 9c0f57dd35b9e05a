"""Isolation: workers are limited and killed on overrun; what they send back is checked."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from mamori.sanitize import IsolationError, Limits, Policy, Verdict
from mamori.sanitize.files import trusted_result
from mamori.sanitize.isolation import WorkerPool


def sleepy_task(data: bytes, filename: str, policy: object) -> tuple[dict[str, object], bytes | None]:
    time.sleep(30)
    return {}, None


def spinning_task(data: bytes, filename: str, policy: object) -> tuple[dict[str, object], bytes | None]:
    while True:
        pass


def hungry_task(data: bytes, filename: str, policy: object) -> tuple[dict[str, object], bytes | None]:
    hoard = bytearray(3 * 1024 * 1024 * 1024)
    return {"size": len(hoard)}, None


def probe_task(data: bytes, filename: str, policy: object) -> tuple[dict[str, object], bytes | None]:
    import resource

    try:
        with socket.create_connection(("127.0.0.1", int(data)), timeout=2):
            reached = True
    except OSError:
        reached = False
    return {
        "net": os.readlink("/proc/self/ns/net"),
        "reached": reached,
        "core": resource.getrlimit(resource.RLIMIT_CORE)[0],
        "as": resource.getrlimit(resource.RLIMIT_AS)[0],
    }, b"ok"


def test_a_hanging_worker_is_killed_at_the_wall_clock_limit() -> None:
    pool = WorkerPool(size=1)
    limits = Limits(wall_seconds=1)
    started = time.monotonic()
    with pytest.raises(IsolationError):
        pool.run(sleepy_task, b"", "x", Policy(limits=limits), limits)
    assert time.monotonic() - started < 10
    pool.close()


def test_a_spinning_worker_is_stopped_by_the_cpu_limit() -> None:
    pool = WorkerPool(size=1)
    limits = Limits(cpu_seconds=1, wall_seconds=30)
    started = time.monotonic()
    with pytest.raises(IsolationError):
        pool.run(spinning_task, b"", "x", Policy(limits=limits), limits)
    assert time.monotonic() - started < 15
    pool.close()


def test_memory_exhaustion_fails_inside_the_worker() -> None:
    pool = WorkerPool(size=1)
    limits = Limits(memory_bytes=1024 * 1024 * 1024)
    reply = pool.run(hungry_task, b"", "x", Policy(limits=limits), limits)
    assert reply.untrusted_header["error"] == "MemoryError"
    pool.close()


@pytest.mark.skipif(not Path("/proc/self/ns/net").exists(), reason="Linux network namespaces only")
def test_worker_runs_with_limits_and_without_the_network() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    pool = WorkerPool(size=1)
    limits = Limits()
    header = pool.run(probe_task, str(port).encode(), "x", Policy(), limits).untrusted_header
    pool.close()
    listener.close()
    assert header["core"] == 0
    assert header["as"] == limits.memory_bytes
    if header["net"] == os.readlink("/proc/self/ns/net"):
        pytest.skip("this kernel or user may not create network namespaces")
    assert header["reached"] is False


def test_worker_is_replaced_after_a_crash() -> None:
    pool = WorkerPool(size=1)
    limits = Limits(wall_seconds=1)
    with pytest.raises(IsolationError):
        pool.run(sleepy_task, b"", "x", Policy(limits=limits), limits)
    header = pool.run(probe_task, b"9", "x", Policy(), Limits()).untrusted_header
    assert header["core"] == 0
    pool.close()


def test_forged_replies_are_refused_by_the_parent() -> None:
    policy = Policy()
    good = {
        "detected_type": "pdf",
        "content_type": "application/pdf",
        "verdict": "cleaned",
        "reason": "ok",
        "output_filename": "a.pdf",
        "findings": [["pdf_javascript", "m", "d"]],
    }
    assert trusted_result(good, b"%PDF-1.7 ...", "a.pdf", "0" * 64, policy).verdict is Verdict.CLEANED
    forged = [
        ({**good}, b"MZ\x90\x00 not a pdf"),
        ({**good, "output_filename": "evil.exe"}, b"%PDF-1.7"),
        ({**good, "verdict": "trusted"}, b"%PDF-1.7"),
        ({**good, "content_type": "text/html\r\nX: y"}, b"%PDF-1.7"),
        ({**good, "content_type": "text/plain; charset=utf-8"}, b"\xff\xfe\x00bad"),
        ({**good}, None),
    ]
    for header, output in forged:
        result = trusted_result(header, output, "a.pdf", "0" * 64, policy)
        assert result.verdict is Verdict.REMOVED, header
        assert result.output is None
    oversized = Policy.from_mapping({"limits": {"max_output_bytes": 10}})
    assert trusted_result(good, b"%PDF-" + b"x" * 20, "a.pdf", "0" * 64, oversized).verdict is Verdict.REMOVED


def test_reply_text_loses_control_characters() -> None:
    header = {
        "detected_type": "<script>",
        "verdict": "removed",
        "reason": "悪意\x1b[31m\u202e",
        "findings": [["BAD CODE", "m\x00", "d"], "junk"],
    }
    result = trusted_result(header, None, "a.pdf", "0" * 64, Policy())
    assert result.detected_type == "unknown"
    assert result.reason == "悪意[31m"
    assert [f.code for f in result.findings] == ["unknown"]


def echo_task(data: bytes, filename: str, policy: object) -> tuple[dict[str, object], bytes | None]:
    if data == b"hang":
        time.sleep(30)
    return {"name": filename}, data


def test_threads_share_a_small_pool_even_when_workers_die() -> None:
    from concurrent.futures import ThreadPoolExecutor

    pool = WorkerPool(size=2)
    limits = Limits(wall_seconds=2)
    policy = Policy(limits=limits)

    def one(index: int) -> str:
        data = b"hang" if index % 5 == 0 else str(index).encode()
        try:
            reply = pool.run(echo_task, data, f"f{index}", policy, limits)
        except IsolationError:
            return "killed"
        assert reply.untrusted_output == data
        return "ok"

    with ThreadPoolExecutor(max_workers=6) as threads:
        outcomes = list(threads.map(one, range(12)))
    pool.close()
    assert outcomes.count("killed") == 3
    assert outcomes.count("ok") == 9
