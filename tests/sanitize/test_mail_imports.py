"""The mail side of the engine is plain Python: using it never loads Django."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_sanitize_message_does_not_load_django() -> None:
    code = (
        "import sys\n"
        "from mamori.sanitize import Policy, sanitize_message\n"
        "from mamori.sanitize.html import html_to_text\n"
        "r = sanitize_message(b'Subject: x\\r\\nContent-Type: text/html\\r\\n\\r\\n<p>hi</p>', Policy())\n"
        "assert r.actions == ('TEXTIZED',), r.actions\n"
        "assert html_to_text('<b>x</b>').text == 'x'\n"
        "print('django' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_sanitize_message_is_public() -> None:
    import mamori.sanitize as engine

    assert "sanitize_message" in engine.__all__
    assert engine.sanitize_message.__module__ == "mamori.sanitize.mail"
