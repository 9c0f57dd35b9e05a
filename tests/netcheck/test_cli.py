"""End-to-end ``mamori netcheck`` runs in a subprocess: exit codes, Japanese messages, report formats."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
LEAKY = """\
*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -p tcp --dport 443 -j ACCEPT
COMMIT
"""
CLEAN = """\
*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.20.0.0/16 -d 10.20.0.0/16 -j ACCEPT
COMMIT
"""
DEVICE = """
devices:
  - id: fw-core
    vendor: iptables
    config: configs/fw-core.rules
"""


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "mamori.netcheck", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_verify_exits_0_when_nothing_leaks(write_model: Callable[..., Path]) -> None:
    model = write_model(DEVICE, {"configs/fw-core.rules": CLEAN})
    result = _run("verify", str(model), "--as-of", "2026-11-25")
    assert result.returncode == 0, result.stderr
    assert "違反はありません" in result.stdout


def test_verify_exits_1_and_quotes_the_config_line(write_model: Callable[..., Path]) -> None:
    model = write_model(DEVICE, {"configs/fw-core.rules": LEAKY})
    result = _run("verify", str(model))
    assert result.returncode == 1
    assert "■ 機器 fw-core" in result.stdout
    assert "マイナンバー利用事務系（mynumber） → LGWAN接続系（lgwan）" in result.stdout
    assert "> -A FORWARD -s 10.10.0.0/16 -d 10.20.0.0/16 -p tcp --dport 443 -j ACCEPT" in result.stdout
    assert result.stderr == ""


def test_verify_json_output_to_file(write_model: Callable[..., Path], tmp_path: Path) -> None:
    model = write_model(DEVICE, {"configs/fw-core.rules": LEAKY})
    out = tmp_path / "report.json"
    result = _run("verify", str(model), "--format", "json", "--output", str(out))
    assert result.returncode == 1
    assert result.stdout == ""
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(v["device"], v["rule"], v["line"], v["certainty"]) for v in data["violations"]] == [
        ("fw-core", "FORWARD #1", 3, "definite")
    ]


def test_verify_html_report_is_self_contained(write_model: Callable[..., Path]) -> None:
    model = write_model(DEVICE, {"configs/fw-core.rules": LEAKY})
    result = _run("verify", str(model), "--format", "html")
    assert result.returncode == 1
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "三層分離 検証レポート" in result.stdout
    assert "http" not in result.stdout.lower().replace('lang="ja"', "")


def test_invalid_model_exits_2_with_japanese_message_and_line(write_model: Callable[..., Path]) -> None:
    flows = "allowed_flows:\n  - id: x\n    from: {zone: nowhere}\n    to: {zone: lgwan}\n    services: any\n"
    model = write_model(flows + DEVICE)
    result = _run("verify", str(model))
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        "MODEL.yaml 16行目: ゾーンモデルが不正です: from.zone「nowhere」は定義されていません" in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_missing_config_file_exits_2(write_model: Callable[..., Path]) -> None:
    model = write_model(DEVICE)
    result = _run("verify", str(model))
    assert result.returncode == 2
    assert "configs/fw-core.rules を開けません" in result.stderr


def test_unsupported_vendor_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "x.conf"
    config.write_text("set security policies\n", encoding="utf-8")
    result = _run("parse", str(config), "--vendor", "juniper")
    assert result.returncode == 2
    assert "対応していない機器種別" in result.stderr


def test_usage_error_exits_2_in_japanese() -> None:
    result = _run("verify")
    assert result.returncode == 2
    assert "次の引数が必要です" in result.stderr


def test_bad_as_of_date_exits_2(write_model: Callable[..., Path]) -> None:
    model = write_model(DEVICE, {"configs/fw-core.rules": CLEAN})
    result = _run("verify", str(model), "--as-of", "2026/11/25")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_parse_prints_rules(tmp_path: Path) -> None:
    config = tmp_path / "fw.rules"
    config.write_text(LEAKY, encoding="utf-8")
    result = _run("parse", str(config), "--vendor", "iptables")
    assert result.returncode == 0
    assert "FORWARD #1（3 行目）permit: 10.10.0.0/16 → 10.20.0.0/16 [6 dport 443]" in result.stdout
    as_json = _run("parse", str(config), "--vendor", "iptables", "--format", "json")
    assert json.loads(as_json.stdout)["chains"][0]["rules"][0]["rule_id"] == "FORWARD #1"


def test_explain_names_the_deciding_rule(write_model: Callable[..., Path]) -> None:
    model = write_model(DEVICE, {"configs/fw-core.rules": LEAKY})
    result = _run(
        "explain", str(model), "--src", "10.10.1.1", "--dst", "10.20.1.1", "--proto", "tcp", "--port", "443"
    )
    assert result.returncode == 0
    assert "送信元ゾーン: mynumber　宛先ゾーン: lgwan" in result.stdout
    assert "forward FORWARD #1（3 行目）→ permit" in result.stdout
    assert "違反" in result.stdout
    denied = _run(
        "explain", str(model), "--src", "10.10.1.1", "--dst", "10.20.1.1", "--proto", "tcp", "--port", "22"
    )
    assert "FORWARD policy DROP（2 行目）→ deny" in denied.stdout
