"""The ``mamori sanitize`` command: ``mail``, ``file`` and ``batch``."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from mamori.sanitize.errors import SanitizeError
from mamori.sanitize.policy import Mode, Policy
from mamori.sanitize.report import file_report, verdict_label, write_bytes, write_json
from mamori.sanitize.results import FileResult, Verdict

# Tracebacks go to the log at INFO (hidden unless an operator configures logging); users read Japanese.
_log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

_ARGPARSE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (.*)"), "次の引数が必要です: {0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "不明な引数があります: {0}"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
        "引数 {0} の値 {1} は使えません（{2}）",
    ),
    (re.compile(r"argument (\S+): expected one argument"), "引数 {0} には値が必要です"),
)


class _JapaneseParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are Japanese."""

    def error(self, message: str) -> NoReturn:
        for pattern, template in _ARGPARSE_MESSAGES:
            match = pattern.search(message)
            if match:
                message = template.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"エラー: {message}\n")


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``sanitize`` command with its ``mail``, ``file`` and ``batch`` sub-commands."""
    parser = subparsers.add_parser(
        "sanitize",
        help="メールとファイルの無害化",
        description="インターネット系から受け取ったメールとファイルを無害化します。",
    )
    commands = parser.add_subparsers(
        dest="sanitize_command", metavar="SUBCOMMAND", title="サブコマンド", parser_class=_JapaneseParser
    )
    parser.set_defaults(func=_usage(parser))

    mail = commands.add_parser(
        "mail", help="メール（.eml）を無害化する", description="メール 1 通を無害化します。"
    )
    mail.add_argument("input", metavar="INPUT.eml", help="無害化するメール")
    mail.add_argument("--output", required=True, metavar="OUT.eml", help="無害化したメールの出力先")
    _add_common(mail)
    mail.set_defaults(func=run_mail)

    file = commands.add_parser(
        "file", help="ファイルを無害化する", description="ファイル 1 つを無害化します。"
    )
    file.add_argument("input", metavar="INPUT", help="無害化するファイル")
    file.add_argument("--output", required=True, metavar="OUTPUT", help="無害化したファイルの出力先")
    file.add_argument(
        "--mode",
        choices=("auto", "structural", "render"),
        default="auto",
        help="PDF と Office 文書の扱い: auto=ポリシーどおり, structural=構造的除去, render=画像化",
    )
    _add_common(file)
    file.set_defaults(func=run_file)

    batch = commands.add_parser(
        "batch",
        help="フォルダー内のファイルとメールをまとめて無害化する",
        description="フォルダーを一括で無害化します。",
    )
    batch.add_argument("indir", metavar="INDIR", help="入力フォルダー")
    batch.add_argument("outdir", metavar="OUTDIR", help="出力フォルダー（結果とレポートを書き込みます）")
    batch.add_argument(
        "--policy", metavar="POLICY.toml", help="ポリシーファイル（省略時は既定の厳格なポリシー）"
    )
    batch.set_defaults(func=run_batch)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--report", metavar="REPORT.json", help="JSON レポートの出力先")
    parser.add_argument(
        "--policy", metavar="POLICY.toml", help="ポリシーファイル（省略時は既定の厳格なポリシー）"
    )


def _usage(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    def show(_args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return EXIT_USAGE

    return show


def _error(message: str) -> int:
    print(f"エラー: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load_policy(path: str | None) -> Policy:
    return Policy() if path is None else Policy.from_toml(path)


def _with_mode(policy: Policy, mode: str) -> Policy:
    if mode == "auto":
        return policy
    chosen = Mode(mode)
    return dataclasses.replace(policy, pdf=chosen, office=chosen, legacy_office=Mode.RENDER)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise _IOProblem(f"「{path}」を読めません（{exc.strerror or type(exc).__name__}）") from exc


class _IOProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def run_file(args: argparse.Namespace) -> int:
    """Sanitize one file: 0 written, 1 refused (nothing written), 2 usage or I/O error."""
    try:
        policy = _with_mode(_load_policy(args.policy), args.mode)
        data = _read(args.input)
    except SanitizeError as exc:
        return _error(exc.message)
    except _IOProblem as exc:
        return _error(exc.message)
    from mamori.sanitize.files import sanitize_file

    try:
        result = sanitize_file(data, Path(args.input).name, policy)
    except Exception:  # outermost level of the command: log, answer in Japanese, write nothing
        _log.info("sanitize file failed", exc_info=True)
        return _error("無害化処理で予期しないエラーが発生しました。出力は書き込んでいません")
    try:
        if result.is_delivered:
            assert result.output is not None
            write_bytes(Path(args.output), result.output)
        if args.report:
            write_json(Path(args.report), file_report(result))
    except OSError as exc:
        return _error(f"出力を書き込めません（{exc.strerror or type(exc).__name__}）")
    if not result.is_delivered:
        print(f"無害化できませんでした（{verdict_label(result.verdict)}）: {result.reason}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def run_mail(args: argparse.Namespace) -> int:
    """Sanitize one message: 0 when the output was written, 2 for usage or I/O errors."""
    try:
        policy = _load_policy(args.policy)
        raw = _read(args.input)
    except SanitizeError as exc:
        return _error(exc.message)
    except _IOProblem as exc:
        return _error(exc.message)
    from mamori.sanitize import sanitize_message

    try:
        result = sanitize_message(raw, policy)
    except Exception:  # outermost level of the command: log, answer in Japanese, write nothing
        _log.info("sanitize mail failed", exc_info=True)
        return _error("無害化処理で予期しないエラーが発生しました。出力は書き込んでいません")
    try:
        write_bytes(Path(args.output), result.output)
        if args.report:
            write_json(Path(args.report), result.report)
    except OSError as exc:
        return _error(f"出力を書き込めません（{exc.strerror or type(exc).__name__}）")
    return EXIT_OK


def run_batch(args: argparse.Namespace) -> int:
    """Sanitize every file and .eml under INDIR into OUTDIR, with per-file reports and a summary."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    indir, outdir = Path(args.indir), Path(args.outdir)
    try:
        policy = _load_policy(args.policy)
    except SanitizeError as exc:
        return _error(exc.message)
    if not indir.is_dir():
        return _error(f"入力フォルダー「{indir}」がありません")
    if outdir.resolve().is_relative_to(indir.resolve()):
        return _error("出力フォルダーは入力フォルダーの外に指定してください")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        inputs = sorted(p for p in indir.rglob("*") if p.is_file() and not p.is_symlink())
    except OSError as exc:
        return _error(f"フォルダーを扱えません（{exc.strerror or type(exc).__name__}）")
    console = Console(stderr=True)
    rows: list[dict[str, object]] = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("無害化中", total=len(inputs))
        for path in inputs:
            relative = path.relative_to(indir)
            try:
                rows.append(_batch_one(path, relative, outdir, policy))
            except OSError as exc:
                rows.append(
                    {"input": str(relative), "verdict": "error", "reason": f"入出力エラー（{exc.strerror}）"}
                )
            except Exception:  # outermost loop: record the file as failed and go on with the next
                _log.info("sanitize batch item failed", exc_info=True)
                rows.append(
                    {"input": str(relative), "verdict": "error", "reason": "予期しないエラー（出力なし）"}
                )
            progress.advance(task)
    counts = Counter(str(row["verdict"]) for row in rows)
    table = Table(title="無害化の結果")
    for column in ("ファイル", "結果", "理由"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row["input"]), verdict_label(str(row["verdict"])), str(row["reason"])[:80])
    console.print(table)
    console.print("合計: " + "、".join(f"{verdict_label(k)} {v} 件" for k, v in sorted(counts.items())))
    try:
        write_json(outdir / "_reports" / "summary.json", {"files": rows, "counts": dict(counts)})
    except OSError as exc:
        return _error(f"集計を書き込めません（{exc.strerror}）")
    return EXIT_USAGE if counts.get("error") else EXIT_OK


def _batch_one(path: Path, relative: Path, outdir: Path, policy: Policy) -> dict[str, object]:
    data = path.read_bytes()
    report_path = outdir / "_reports" / relative.parent / (relative.name + ".json")
    if path.suffix.lower() == ".eml":
        from mamori.sanitize import sanitize_message

        message = sanitize_message(data, policy)
        target = outdir / relative
        write_bytes(target, message.output)
        write_json(report_path, message.report)
        return {"input": str(relative), "verdict": message.verdict, "reason": "", "output": str(target)}
    from mamori.sanitize.files import sanitize_file

    result: FileResult = sanitize_file(data, path.name, policy)
    output = None
    if result.is_delivered and result.output is not None and result.output_filename:
        target = outdir / relative.parent / result.output_filename
        write_bytes(target, result.output)
        output = str(target)
    write_json(report_path, file_report(result))
    verdict = result.verdict.value if result.verdict in Verdict else "error"
    return {"input": str(relative), "verdict": verdict, "reason": result.reason, "output": output}


def main(argv: list[str] | None = None) -> int:
    """Run ``mamori sanitize`` on its own (``python -m mamori.sanitize.cli``)."""
    parser: argparse.ArgumentParser = _JapaneseParser(prog="mamori")
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=argparse.ArgumentParser
    )
    add_parser(subparsers)
    args = parser.parse_args(["sanitize", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
