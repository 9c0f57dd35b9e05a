"""``mamori netcheck verify|parse|explain``: exit 0 no violation, 1 violation, 2 usage or input error."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import traceback
import types
from pathlib import Path
from typing import Any, NoReturn

from mamori.netcheck.errors import NetcheckError
from mamori.netcheck.ir import PROTOCOL_NUMBERS, ParsedConfig
from mamori.netcheck.vendors import VENDORS, decode_config, parse_config

__all__ = ["add_parser", "main", "run"]

EXIT_OK = 0
EXIT_VIOLATION = 1
EXIT_USAGE = 2


def _japanese_error(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    translations = (
        (r"the following arguments are required: (.*)", "次の引数が必要です: {0}"),
        (
            r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
            "引数 {0}: 使えない値 {1} です（選択肢: {2}）",
        ),
        (r"argument (\S+): expected one argument", "引数 {0} には値が一つ必要です"),
        (r"argument (\S+): invalid (\w+) value: (.*)", "引数 {0}: 不正な値 {2} です"),
        (r"unrecognized arguments: (.*)", "不明な引数です: {0}"),
    )
    text = f"引数が不正です: {message}"
    for pattern, template in translations:
        match = re.fullmatch(pattern, message)
        if match:
            text = template.format(*match.groups())
            break
    parser.print_usage(sys.stderr)
    sys.stderr.write(f"エラー: {text}\n")
    raise SystemExit(EXIT_USAGE)


def _localize(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.error = types.MethodType(_japanese_error, parser)  # type: ignore[method-assign]  # Japanese usage errors
    return parser


def add_parser(subparsers: Any) -> None:
    """Add ``netcheck`` with ``verify``, ``parse`` and ``explain`` to the ``mamori`` command."""
    netcheck = _localize(
        subparsers.add_parser(
            "netcheck",
            help="機器設定から三層分離（ゾーン分離）を検証します",
            description="ファイアウォール・ルータの設定を読み、禁止されたゾーン間通信を許すルールを見つけます。",
        )
    )
    netcheck.set_defaults(func=lambda args: (netcheck.print_help(), EXIT_USAGE)[1])
    commands = netcheck.add_subparsers(dest="netcheck_command", metavar="SUBCOMMAND", title="サブコマンド")

    verify = _localize(commands.add_parser("verify", help="MODEL.yaml の全機器を検証します"))
    verify.add_argument("model", metavar="MODEL.yaml", help="ゾーンモデル（version 1）")
    verify.add_argument("--format", choices=("text", "json", "html"), default="text", help="出力形式")
    verify.add_argument("--output", metavar="FILE", help="結果を書き出すファイル（省略時は標準出力）")
    verify.add_argument("--as-of", metavar="YYYY-MM-DD", help="例外の期限を判定する基準日（省略時は今日）")
    verify.add_argument("--backend", choices=("cudd", "python"), default="cudd", help=argparse.SUPPRESS)
    verify.set_defaults(func=run_verify)

    parse = _localize(commands.add_parser("parse", help="機器設定を解析してルールを表示します"))
    parse.add_argument("config", metavar="CONFIG", help="機器設定ファイル")
    parse.add_argument("--vendor", required=True, help=f"機器種別（{' | '.join(VENDORS)}）")
    parse.add_argument("--format", choices=("text", "json"), default="text", help="出力形式")
    parse.set_defaults(func=run_parse)

    explain = _localize(
        commands.add_parser("explain", help="一つのパケットをどの機器のどのルールが決めるかを示します")
    )
    explain.add_argument("model", metavar="MODEL.yaml", help="ゾーンモデル（version 1）")
    explain.add_argument("--src", required=True, help="送信元 IPv4 アドレス")
    explain.add_argument("--dst", required=True, help="宛先 IPv4 アドレス")
    explain.add_argument("--proto", required=True, help="プロトコル（tcp, udp, icmp または番号）")
    explain.add_argument("--port", type=int, default=0, help="宛先ポート（ICMP ではタイプ）")
    explain.add_argument("--as-of", metavar="YYYY-MM-DD", help="例外の期限を判定する基準日（省略時は今日）")
    explain.set_defaults(func=run_explain)


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise NetcheckError(f"--as-of「{value}」は YYYY-MM-DD 形式で指定してください") from None


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise NetcheckError(f"出力ファイル {output} に書き込めません（{exc.strerror}）") from None


def run(func: Any, args: argparse.Namespace) -> int:
    """Run a sub-command, turning every failure into a Japanese message and exit code 2."""
    try:
        return int(func(args))
    except NetcheckError as exc:
        sys.stderr.write(f"エラー: {exc.message}\n")
        return exc.exit_code
    except Exception:
        sys.stderr.write("エラー: 内部エラーが発生しました。開発者に連絡してください。\n")
        if "MAMORI_DEBUG" in __import__("os").environ:
            traceback.print_exc()
        return EXIT_USAGE


def run_verify(args: argparse.Namespace) -> int:
    """Handle ``mamori netcheck verify``."""
    return run(_verify, args)


def _verify(args: argparse.Namespace) -> int:
    from mamori.netcheck.headerset import Backend
    from mamori.netcheck.model import load_model
    from mamori.netcheck.report import render_html, render_text
    from mamori.netcheck.verify import verify

    as_of = _as_of(args.as_of)
    model = load_model(Path(args.model), source=args.model)
    report = verify(model, as_of=as_of, backend=Backend(args.backend))
    if args.format == "json":
        text = report.to_json() + "\n"
    elif args.format == "html":
        text = render_html(report)
    else:
        text = render_text(report)
    _emit(text, args.output)
    return EXIT_VIOLATION if report.violations else EXIT_OK


def run_parse(args: argparse.Namespace) -> int:
    """Handle ``mamori netcheck parse``."""
    return run(_parse, args)


def _config_json(config: ParsedConfig) -> dict[str, object]:
    import dataclasses

    def convert(value: object) -> object:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: convert(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, tuple | list):
            return [convert(v) for v in value]
        if hasattr(value, "value") and not isinstance(value, int | str):
            return value.value
        return value

    result = convert(config)
    assert isinstance(result, dict)
    return result


def _parse(args: argparse.Namespace) -> int:
    from mamori.netcheck.errors import ConfigReadError

    path = Path(args.config)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigReadError(f"{args.config} を開けません（{exc.strerror}）") from None
    config = parse_config(decode_config(data, source=args.config), vendor=args.vendor, source=args.config)
    if args.format == "json":
        sys.stdout.write(json.dumps(_config_json(config), ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    from mamori.netcheck.report import render_config

    sys.stdout.write(render_config(config))
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    """Handle ``mamori netcheck explain``."""
    return run(_explain, args)


def _explain(args: argparse.Namespace) -> int:
    from mamori.netcheck.explain import explain, render_explanation
    from mamori.netcheck.model import load_model

    proto_text = str(args.proto).lower()
    protocol = int(proto_text) if proto_text.isdigit() else PROTOCOL_NUMBERS.get(proto_text)
    if protocol is None or not 0 <= protocol <= 255:
        raise NetcheckError(
            f"--proto「{args.proto}」は tcp・udp・icmp または 0〜255 の番号で指定してください"
        )
    if not 0 <= args.port <= 65535:
        raise NetcheckError("--port は 0〜65535 で指定してください")
    port = args.port * 256 if protocol in (1, 58) else args.port
    model = load_model(Path(args.model), source=args.model)
    explanation = explain(
        model, src=args.src, dst=args.dst, protocol=protocol, dst_port=port, as_of=_as_of(args.as_of)
    )
    sys.stdout.write(render_explanation(explanation))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run ``netcheck`` on its own (``python -m mamori.netcheck``), as ``mamori netcheck`` would."""
    parser = _localize(argparse.ArgumentParser(prog="mamori"))
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["netcheck", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))
