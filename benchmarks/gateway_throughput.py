"""Benchmark the mail gateway: SMTP accept rate and latency, and end-to-end rate, with a real SMTP client.

Runs a real gateway process (listener + worker pool) between smtplib senders and an aiosmtpd sink on
loopback, and reports each rate as a ratio to the engine's bare ``sanitize_message`` rate measured in the
same run on the same messages (one process, no SMTP, no spool, no database).

    python benchmarks/gateway_throughput.py [--messages 1000] [--connections 4] [--workers 2]

Targets (issue #6): at least 100 accepted messages/s and p99 accept latency under 100 ms.
"""

from __future__ import annotations

import argparse
import base64
import smtplib
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

from tests.gateway.smtp_harness import GatewayProcess, Sink  # noqa: E402


def _html_mail(i: int) -> bytes:
    html = (
        "<html><body><p>いつもお世話になっております。</p><p>来週の会議資料をお送りします。"
        f'詳細は <a href="https://example.jp/meeting?id={i}">こちら</a> をご覧ください。</p>'
        '<img src="https://tracker.example/p.gif" width="1" height="1"><table><tr><td>日時</td><td>11月30日</td></tr></table>'
        "</body></html>"
    )
    note = base64.encodebytes("議事メモ：資料は後日送付します。\n".encode()).decode().replace("\n", "\r\n")
    return (
        "From: =?UTF-8?B?" + base64.b64encode("山田 太郎".encode()).decode() + "?= <yamada@example.com>\r\n"
        "To: staff@city.example.jp\r\n"
        "Subject: =?UTF-8?B?" + base64.b64encode(f"会議資料の送付 {i}".encode()).decode() + "?=\r\n"
        f"Message-ID: <bench-{i}@example.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        f"--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{html}\r\n"
        '--b\r\nContent-Type: application/x-msdownload; name="setup.exe"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(b"MZ" + b"\0" * 300).decode().replace("\n", "\r\n")
        + "\r\n"
        '--b\r\nContent-Type: text/plain; charset=utf-8; name="memo.txt"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{note}\r\n--b--\r\n"
    ).encode("utf-8")


def _plain_mail(i: int) -> bytes:
    body = "お世話になっております。青葉台市役所 市民課の皆様へ、住民票の件でご連絡します。\r\n".encode(
        "iso-2022-jp"
    )
    return (
        f"From: sender@example.com\r\nTo: staff@city.example.jp\r\nSubject: plain {i}\r\n"
        f"Message-ID: <bench-{i}@example.com>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
    ).encode("ascii") + body


def messages(count: int) -> list[bytes]:
    return [_html_mail(i) if i % 2 == 0 else _plain_mail(i) for i in range(count)]


def bare_sanitize_rate(corpus: list[bytes]) -> float:
    from mamori.sanitize import Policy, sanitize_message

    policy = Policy()
    sample = corpus[: min(len(corpus), 200)]
    for raw in sample[:10]:
        sanitize_message(raw, policy)  # warm up (imports, isolation process)
    started = time.perf_counter()
    for raw in sample:
        sanitize_message(raw, policy)
    return len(sample) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    corpus = messages(args.messages)
    baseline = bare_sanitize_rate(corpus)

    sink = Sink().start()
    data_dir = Path(tempfile.mkdtemp(prefix="mamori-bench-"))
    gateway = GatewayProcess(data_dir, sink.port, workers=args.workers).start()
    latencies: list[float] = []
    lock = threading.Lock()
    try:
        # Warm up: the first message of each worker pays for imports and the engine's isolation process.
        with smtplib.SMTP("127.0.0.1", gateway.port) as client:
            client.sendmail(
                "sender@example.com", ["staff@city.example.jp"], _plain_mail(-1).replace(b"bench--1", b"warm")
            )
        sink.wait_for(1, timeout=120)
        before = len(sink.messages())

        def send(chunk: list[bytes]) -> None:
            own: list[float] = []
            with smtplib.SMTP("127.0.0.1", gateway.port, timeout=60) as client:
                for raw in chunk:
                    started = time.perf_counter()
                    client.sendmail("sender@example.com", ["staff@city.example.jp"], raw)
                    own.append(time.perf_counter() - started)
            with lock:
                latencies.extend(own)

        chunks = [corpus[i :: args.connections] for i in range(args.connections)]
        threads = [threading.Thread(target=send, args=(chunk,)) for chunk in chunks]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        accept_seconds = time.perf_counter() - started
        received = sink.wait_for(before + len(corpus), timeout=600)
        end_to_end_seconds = time.perf_counter() - started
    finally:
        gateway.stop()
        sink.close()

    delivered = len(received) - before
    accept_rate = len(corpus) / accept_seconds
    e2e_rate = delivered / end_to_end_seconds
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000
    print(f"messages: {len(corpus)} over {args.connections} SMTP connections, {args.workers} workers")
    print(f"engine bare sanitize_message rate (baseline, 1 process): {baseline:8.1f} msg/s")
    print(
        f"SMTP accept rate:            {accept_rate:8.1f} msg/s  ratio to baseline {accept_rate / baseline:5.2f}x"
    )
    print(f"accept latency:              p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    print(
        f"end-to-end rate (delivered): {e2e_rate:8.1f} msg/s  ratio to baseline {e2e_rate / baseline:5.2f}x  ({delivered} delivered)"
    )
    ok = accept_rate >= 100 and p99 < 100 and delivered == len(corpus)
    print("targets (>= 100 accepted/s, p99 < 100 ms, all delivered):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
