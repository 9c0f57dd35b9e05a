"""Measure the peak resident memory of sanitizing a 25 MB mail, against a bare stdlib parse of it.

Run: PYTHONPATH=src python benchmarks/sanitize_memory.py
Each measurement runs in a fresh child process; its peak RSS is the child's rusage (os.wait4).
Target: sanitizing stays under 300 MB resident.
"""

from __future__ import annotations

import base64
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

_SANITIZE = """
import sys
from mamori.sanitize import Policy
from mamori.sanitize.mail import sanitize_message
raw = open(sys.argv[1], "rb").read()
result = sanitize_message(raw, Policy())
print(len(result.output), result.report["actions"], len(result.report["attachments"]))
"""

_BARE = """
import email, email.policy, sys
raw = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(raw, policy=email.policy.default)
print(sum(1 for _ in message.walk()))
"""


def build_mail(target_bytes: int = 25 * 1024 * 1024) -> bytes:
    """Build a Japanese HTML mail with large attachments, about ``target_bytes`` long."""
    rng = random.Random(25)
    paragraph = (
        "<p>来年度の予算編成について、各課の要求額を取りまとめました。詳細は添付資料をご確認ください。</p>"
    )
    html = ("<html><body>" + paragraph * 3000 + "</body></html>").encode("utf-8")
    parts = [
        b"--B\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(html)
    ]
    # A large CSV that is kept (cleaned) so the output carries a big sanitized attachment too.
    rows = "\n".join(f"{i},東京都千代田区{i}丁目,{rng.randint(0, 10**6)},=SUM(A{i})" for i in range(90_000))
    parts.append(
        b'--B\r\nContent-Type: text/csv; charset=utf-8; name="meibo.csv"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(rows.encode())
    )
    remaining = target_bytes - sum(len(part) for part in parts)
    names = ["setup.exe", "tool.js", "data.bin", "archive.scr"]
    index = 0
    while remaining > 1024:
        size = min(remaining * 3 // 4, 6 * 1024 * 1024)
        payload = rng.randbytes(size)
        encoded = base64.encodebytes(payload)
        name = names[index % len(names)]
        parts.append(
            f'--B\r\nContent-Type: application/octet-stream; name="{name}"\r\n'.encode()
            + b"Content-Transfer-Encoding: base64\r\n\r\n"
            + encoded
        )
        remaining -= len(parts[-1])
        index += 1
    head = (
        "From: =?UTF-8?B?" + base64.b64encode("財政課".encode()).decode() + "?= <zaisei@example.lg.jp>\r\n"
        "To: all@example.lg.jp\r\nSubject: =?UTF-8?B?"
        + base64.b64encode("予算資料".encode()).decode()
        + "?=\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
    ).encode()
    return head + b"".join(parts) + b"--B--\r\n"


def _peak_rss_of(script: str, path: Path) -> tuple[int, str]:
    """Run script in a fresh interpreter and return its peak RSS in bytes (from wait4) and its output."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, env=os.environ.copy()
    )
    assert process.stdout is not None
    output = process.stdout.read().decode().strip()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"child failed with exit code {process.returncode}")
    return usage.ru_maxrss * 1024, output  # Linux reports kilobytes


def main() -> None:
    raw = build_mail()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.eml"
        path.write_bytes(raw)
        bare, bare_out = _peak_rss_of(_BARE, path)
        mamori, mamori_out = _peak_rss_of(_SANITIZE, path)
    mib = 1024 * 1024
    print(f"mail: {len(raw) / mib:.1f} MiB")
    print(f"bare email.message_from_bytes(policy.default): peak RSS {bare / mib:7.1f} MiB ({bare_out} parts)")
    print(f"mamori sanitize_message:                       peak RSS {mamori / mib:7.1f} MiB ({mamori_out})")
    verdict = "OK" if mamori < 300 * mib else "OVER"
    print(f"ratio: {mamori / bare:.2f}x of the bare parse; target < 300 MiB: {verdict}")


if __name__ == "__main__":
    main()
