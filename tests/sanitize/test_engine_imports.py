"""The sanitize engine is plain Python: importing and using it never loads Django."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_sanitize_engine_does_not_load_django() -> None:
    code = (
        "import sys\n"
        "import mamori.sanitize as s\n"
        "import mamori.sanitize.cli\n"
        "r = s.sanitize_file(b'hello', 'a.txt', s.Policy())\n"
        "assert r.verdict == 'cleaned', r\n"
        "print('django' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_public_api_is_listed() -> None:
    import mamori.sanitize as engine

    for name in ("Policy", "sanitize_file", "FileResult", "Verdict", "Action", "MessageResult", "Mode"):
        assert name in engine.__all__
