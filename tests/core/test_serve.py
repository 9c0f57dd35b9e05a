"""`mamori serve` as an operator runs it: waitress, the task worker beside it, a clean stop on SIGTERM."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return False
    return "State:\tZ" not in status.read_text()


def test_serve_answers_healthz_and_stops_its_worker_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORI_")}
    env["MAMORI_DATA_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    subprocess.run([sys.executable, "-m", "mamori", "manage", "migrate", "-v", "0"], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mamori", "serve", "--port", str(port)], env=env)
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = json.loads(response.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None and body["status"] == "ok"
        children = subprocess.run(
            ["ps", "--ppid", str(server.pid), "-o", "pid="], capture_output=True, text=True, check=False
        ).stdout.split()
        assert children, "the task worker was not started beside the web server"
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        deadline = time.monotonic() + 30
        while any(_alive(int(pid)) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(int(pid)) for pid in children)
    finally:
        if server.poll() is None:
            server.kill()
