"""``mamori gateway``: run the sanitizing SMTP gateway, or purge expired originals."""

from __future__ import annotations

import argparse
import os
import sys

from mamori.gateway.config import ConfigError


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``gateway`` sub-command."""
    parser = subparsers.add_parser(
        "gateway",
        help="メール無害化ゲートウェイ（SMTP）を起動する",
        description="インターネットからのメールを受け付け、無害化して庁内のメールサーバーへ中継します。",
    )
    parser.add_argument("--listen", metavar="HOST:PORT", help="待ち受けるアドレス（既定 127.0.0.1:10025）")
    parser.add_argument(
        "--relay", metavar="HOST:PORT", help="無害化したメールの中継先（既定 127.0.0.1:10026）"
    )
    parser.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="受け付けるメールドメイン（複数指定可）",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="データディレクトリ（既定 MAMORI_DATA_DIR）")
    parser.add_argument("--workers", type=int, metavar="N", help="無害化ワーカーのプロセス数")
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="gateway_command", metavar="COMMAND", title="コマンド")
    purge = sub.add_parser("purge", help="保存期間を過ぎた原本を削除する（保全中のものを除く）")
    purge.add_argument("--days", type=int, help="保存日数（既定 MAMORI_QUARANTINE_RETENTION_DAYS）")
    purge.add_argument("--data-dir", dest="purge_data_dir", metavar="DIR", help=argparse.SUPPRESS)
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the chosen gateway command."""
    data_dir = args.data_dir or getattr(args, "purge_data_dir", None)
    if data_dir:
        os.environ["MAMORI_DATA_DIR"] = data_dir
    from mamori.cli import setup_django

    setup_django()
    from mamori.gateway import logs

    logs.configure(args.log_level)
    if args.gateway_command == "purge":
        from mamori.gateway.runner import ensure_tables
        from mamori.quarantine.retention import purge_expired

        ensure_tables()

        result = purge_expired(days=args.days)
        print(f"原本 {result.purged} 件を削除しました（保全中で残したもの {result.kept_on_hold} 件）。")
        return 0
    from mamori.gateway import runner
    from mamori.gateway.config import from_settings

    try:
        config = from_settings(
            listen=args.listen, relay=args.relay, domains=args.domain, data_dir=data_dir, workers=args.workers
        )
        return runner.run(config, log_level=args.log_level)
    except ConfigError as exc:
        print(f"エラー: {exc.message}", file=sys.stderr)
        return 2
