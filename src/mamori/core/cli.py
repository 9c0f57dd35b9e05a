"""The platform commands: quickstart, serve, audit verify, backup and restore (``manage`` is in mamori.cli)."""

from __future__ import annotations

import argparse
import importlib
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from mamori.cli import setup_django


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    quick = subparsers.add_parser("quickstart", help="初期設定（デモ市のデータ）を行い、Mamori を起動する")
    _server_options(quick)
    quick.add_argument("--no-serve", action="store_true", help="初期設定だけ行い、起動しない")
    quick.set_defaults(func=quickstart)

    serve_parser = subparsers.add_parser("serve", help="Mamori を起動する（waitress）")
    _server_options(serve_parser)
    serve_parser.set_defaults(func=serve)

    # Listed so that `mamori --help` shows it; mamori.cli.main hands its arguments to Django.
    subparsers.add_parser("manage", help="Django の管理コマンドを実行する（例: mamori manage migrate）")

    audit_parser = subparsers.add_parser("audit", help="監査証跡の操作")
    audit_sub = audit_parser.add_subparsers(dest="audit_command", metavar="SUBCOMMAND")
    verify = audit_sub.add_parser("verify", help="監査証跡のハッシュチェーンを検証する")
    verify.set_defaults(func=audit_verify)

    daily = subparsers.add_parser(
        "daily", help="毎日の定例処理（文書の施行・見直し通知、是正措置の督促、隔離原本の保存期間切れ削除）"
    )
    daily.set_defaults(func=run_daily)

    backup_parser = subparsers.add_parser("backup", help="データベースとデータディレクトリをバックアップする")
    backup_parser.add_argument("archive", type=Path, help="書き出すファイル（.tar.gz）")
    backup_parser.add_argument("--data-dir", type=Path, default=None)
    backup_parser.set_defaults(func=backup)

    restore_parser = subparsers.add_parser("restore", help="バックアップから復元する（空のデータベースに）")
    restore_parser.add_argument("archive", type=Path, help="mamori backup で作ったファイル")
    restore_parser.add_argument("--data-dir", type=Path, default=None)
    restore_parser.add_argument("--force", action="store_true", help="既存のデータを消して復元する")
    restore_parser.set_defaults(func=restore)


def _server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="待ち受けるアドレス（既定: 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8000, help="待ち受けるポート（既定: 8000）")
    parser.add_argument("--data-dir", type=Path, default=None, help="データディレクトリ（既定: ./var）")
    parser.add_argument("--threads", type=int, default=8, help="処理スレッド数")
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="バックグラウンド処理のワーカーを起動しない（別に動かす場合）",
    )


def _use_data_dir(data_dir: Path | None) -> None:
    if data_dir is not None:
        os.environ["MAMORI_DATA_DIR"] = str(data_dir.resolve())


def _load_app_demos() -> list[str]:
    """Call ``load_demo()`` of every Mamori app that ships a ``demo`` module, in INSTALLED_APPS order."""
    from django.conf import settings

    loaded = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("mamori.") or app == "mamori.core":
            continue
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        module.load_demo()
        loaded.append(app)
    return loaded


def prepare(*, verbose: bool = True) -> None:
    """Migrate, load the demo city and ensure the administrator account exists."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from mamori.core import audit
    from mamori.core.demo import CITY_NAME, load_demo_city
    from mamori.core.reference_data import ensure_reference_data

    call_command("migrate", interactive=False, verbosity=0)
    ensure_reference_data()
    User = get_user_model()
    with audit.acting_as(None, via="cli", label="quickstart"):
        demo_password = os.environ.get("MAMORI_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        counts = load_demo_city(demo_password=demo_password)
        _load_app_demos()
        admin_created = False
        if not User.objects.filter(username="admin").exists():
            password = os.environ.get("MAMORI_ADMIN_PASSWORD") or secrets.token_urlsafe(16)
            User.objects.create_superuser("admin", "admin@localhost", password)
            admin_created = True
    if not verbose:
        return
    print(
        f"デモ市「{CITY_NAME}」: 機関 {counts['bodies']}・組織 {counts['units']}・職員 {counts['people']} を新規作成しました。"
    )
    if admin_created:
        print("管理者アカウントを作成しました。")
        print("  ユーザー名: admin")
        if os.environ.get("MAMORI_ADMIN_PASSWORD"):
            print("  パスワード: MAMORI_ADMIN_PASSWORD の値")
        else:
            print(f"  パスワード: {password}  （この表示は一度だけです。控えてください）")
        print("  初回ログイン時に二要素認証（TOTP）の設定を求められます。")
    if counts["users"]:
        print(
            f"デモ用の職員アカウント {counts['users']}件（ciso, seisaku, shimin-kacho, staff など）を作成しました。"
        )
        print(
            f"  共通パスワード: {demo_password if not os.environ.get('MAMORI_DEMO_PASSWORD') else 'MAMORI_DEMO_PASSWORD の値'}"
        )


def quickstart(args: argparse.Namespace) -> int:
    _use_data_dir(args.data_dir)
    setup_django()
    prepare()
    if args.no_serve:
        return 0
    return _serve(args)


def serve(args: argparse.Namespace) -> int:
    _use_data_dir(args.data_dir)
    setup_django()
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from waitress import serve as waitress_serve

    call_command("collectstatic", interactive=False, verbosity=0)
    # Imported after collectstatic so WhiteNoise indexes the collected files.
    from mamori.config.wsgi import application

    worker = None if args.no_worker else _start_task_worker()
    # SIGTERM (systemd stop, kill) must end the worker too: turn it into an exit that runs `finally`.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if not args.no_worker:
        import threading

        from django.conf import settings

        at = os.environ.get("MAMORI_DAILY_AT", "06:00")
        threading.Thread(target=_daily_scheduler, args=(Path(settings.DATA_DIR), at), daemon=True).start()
    print(f"Mamori を http://{args.host}:{args.port}/ で起動しました（終了は Ctrl+C）。", flush=True)
    try:
        waitress_serve(application, host=args.host, port=args.port, threads=args.threads, ident="Mamori")
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return 0


def run_daily(args: argparse.Namespace) -> int:
    """Run ``run_daily()`` of every app that has a ``daily`` module; a failure does not stop the others."""
    setup_django()
    from django.conf import settings

    from mamori.core import audit

    failures = 0
    with audit.acting_as(None, via="task", label="daily"):
        for app in settings.INSTALLED_APPS:
            if not app.startswith("mamori."):
                continue
            try:
                module = importlib.import_module(f"{app}.daily")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.daily":
                    raise
                continue
            try:
                summary = module.run_daily()
            except Exception as exc:  # the outermost loop of the day's batch: report, run the next app
                failures += 1
                print(f"{app} の定例処理に失敗しました: {exc}", file=sys.stderr)
            else:
                if summary:
                    print(summary)
    return 1 if failures else 0


def _daily_scheduler(data_dir: Path, at: str) -> None:
    """Run ``mamori daily`` once a day after ``at`` (HH:MM, local time) while the server runs."""
    import datetime as dt
    import time

    hour, minute = (int(part) for part in at.split(":"))
    stamp = data_dir / "daily-last-run"
    while True:
        now = dt.datetime.now().astimezone()
        today = now.date().isoformat()
        done = stamp.read_text(encoding="utf-8").strip() if stamp.exists() else ""
        if done != today and (now.hour, now.minute) >= (hour, minute):
            stamp.write_text(today, encoding="utf-8")
            subprocess.run([sys.executable, "-m", "mamori", "daily"], env=os.environ.copy(), check=False)
        time.sleep(60)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _start_task_worker() -> subprocess.Popen[bytes]:
    """Start the background task worker (django-tasks database backend) beside the web server."""
    command = [sys.executable, "-m", "mamori", "manage", "db_worker", "--interval", "1"]
    return subprocess.Popen(command, env=os.environ.copy())  # noqa: S603 - our own interpreter and module


def audit_verify(args: argparse.Namespace) -> int:
    setup_django()
    from mamori.core.audit import verify_chain

    result = verify_chain()
    if result.ok:
        print(f"監査証跡は改ざんされていません（{result.checked}件を検証）。")
        return 0
    print(f"監査証跡の通番 {result.broken_seq} に異常があります: {result.reason}", file=sys.stderr)
    return 1


def backup(args: argparse.Namespace) -> int:
    _use_data_dir(args.data_dir)
    setup_django()
    from mamori.core.backup import BackupError, write_backup

    try:
        summary = write_backup(args.archive)
    except BackupError as exc:
        print(f"バックアップに失敗しました: {exc}", file=sys.stderr)
        return 2
    print(f"バックアップを {args.archive} に書き出しました（{summary}）。")
    return 0


def restore(args: argparse.Namespace) -> int:
    _use_data_dir(args.data_dir)
    setup_django()
    from mamori.core.backup import BackupError, restore_backup

    try:
        summary = restore_backup(args.archive, force=args.force)
    except BackupError as exc:
        print(f"復元できませんでした: {exc}", file=sys.stderr)
        return 2
    print(f"{args.archive} から復元しました（{summary}）。")
    return 0
