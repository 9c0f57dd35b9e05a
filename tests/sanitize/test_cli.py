"""The ``mamori sanitize`` command, run for real in a subprocess."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from file_samples import docm_with_macro, encrypted_zip, malicious_pdf

REPOSITORY = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # The top-level dispatcher imports every engine's CLI; until all exist on this branch the sanitize
    # command is started on its own, through the same add_parser().
    if importlib.util.find_spec("mamori.netcheck") is not None:
        command = [sys.executable, "-m", "mamori", "sanitize", *args]
    else:
        command = [sys.executable, "-m", "mamori.sanitize.cli", *args]
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY / "src")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_file_writes_the_cleaned_document_and_a_report(tmp_path: Path) -> None:
    (tmp_path / "請求書.docm").write_bytes(docm_with_macro())
    done = run("file", "請求書.docm", "--output", "out.docx", "--report", "r.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"vbaProject" not in (tmp_path / "out.docx").read_bytes()
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["verdict"] == "cleaned"
    assert report["output_filename"] == "請求書.docx"
    assert "vba_macro" in [f["code"] for f in report["findings"]]


def test_file_refusal_exits_1_writes_nothing_and_explains_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "ppap.zip").write_bytes(encrypted_zip())
    done = run("file", "ppap.zip", "--output", "out.zip", "--report", "r.json", cwd=tmp_path)
    assert done.returncode == 1
    assert not (tmp_path / "out.zip").exists()
    assert "保留" in done.stderr and "パスワード付き" in done.stderr
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["verdict"] == "held"


def test_file_render_mode_converts_pdf_to_pixels(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(malicious_pdf())
    done = run("file", "a.pdf", "--output", "b.pdf", "--mode", "render", "--report", "r.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["verdict"] == "converted"


def test_usage_and_io_errors_exit_2_in_japanese(tmp_path: Path) -> None:
    missing_output = run("file", "x.pdf", cwd=tmp_path)
    assert missing_output.returncode == 2
    assert "次の引数が必要です" in missing_output.stderr
    missing_input = run("file", "nothing.pdf", "--output", "o.pdf", cwd=tmp_path)
    assert missing_input.returncode == 2
    assert "読めません" in missing_input.stderr and "Traceback" not in missing_input.stderr
    (tmp_path / "p.toml").write_text('pdff = "render"\n', "utf-8")
    (tmp_path / "a.pdf").write_bytes(malicious_pdf())
    bad_policy = run("file", "a.pdf", "--output", "o.pdf", "--policy", "p.toml", cwd=tmp_path)
    assert bad_policy.returncode == 2
    assert "不明なキー「pdff」" in bad_policy.stderr
    assert not (tmp_path / "o.pdf").exists()


def test_mail_writes_the_sanitized_message_and_exits_0(tmp_path: Path) -> None:
    raw = (
        b"From: a@example.jp\r\nTo: b@example.lg.jp\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nhttps://evil.example/login\r\n"
    )
    (tmp_path / "in.eml").write_bytes(raw)
    done = run("mail", "in.eml", "--output", "out.eml", "--report", "r.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.eml").stat().st_size > 0
    assert "verdict" in json.loads((tmp_path / "r.json").read_text("utf-8"))


def test_mail_with_unreadable_input_exits_2_without_output(tmp_path: Path) -> None:
    done = run("mail", "missing.eml", "--output", "out.eml", cwd=tmp_path)
    assert done.returncode == 2
    assert not (tmp_path / "out.eml").exists()


def test_batch_sanitizes_a_folder_with_reports_and_summary(tmp_path: Path) -> None:
    indir = tmp_path / "in"
    (indir / "sub").mkdir(parents=True)
    (indir / "sub" / "a.docm").write_bytes(docm_with_macro())
    (indir / "b.exe").write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    (indir / "c.eml").write_bytes(b"Subject: hi\r\n\r\nhello\r\n")
    done = run("batch", "in", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    assert (out / "sub" / "a.docx").exists()
    assert not (out / "b.exe").exists()
    assert (out / "c.eml").exists()
    assert (out / "_reports" / "sub" / "a.docm.json").exists()
    summary = json.loads((out / "_reports" / "summary.json").read_text("utf-8"))
    verdicts = {row["input"]: row["verdict"] for row in summary["files"]}
    assert verdicts["b.exe"] == "removed" and verdicts[str(Path("sub") / "a.docm")] == "cleaned"
    assert "無害化の結果" in done.stderr
