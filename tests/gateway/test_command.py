"""The ``mamori gateway`` command refuses to start as an open relay and purges on request."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.gateway.smtp_harness import REPO


def _run(tmp_path, *args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("MAMORI_", "DJANGO_"))}
    environment.update({"PYTHONPATH": str(REPO / "src"), "MAMORI_DATA_DIR": str(tmp_path)}, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "mamori.gateway", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_gateway_without_domains_refuses_to_start(tmp_path):
    result = _run(tmp_path, "--listen", "127.0.0.1:0")
    assert result.returncode == 2
    assert "受け付けるメールドメインがありません" in result.stderr
    assert "Traceback" not in result.stderr


def test_gateway_rejects_a_malformed_relay_address(tmp_path):
    result = _run(tmp_path, "--domain", "city.example.jp", "--relay", "lgwan-mx")
    assert result.returncode == 2
    assert "--relay は ホスト:ポート の形で指定してください" in result.stderr


def test_purge_command_reports_in_japanese(tmp_path):
    result = _run(tmp_path, "purge", env={"MAMORI_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    # A fresh data dir has no tables yet: the command must still not show a traceback.
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0
    assert "原本 0 件を削除しました" in result.stdout
