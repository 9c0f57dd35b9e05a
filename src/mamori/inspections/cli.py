"""``mamori checklist export FILE.xlsx`` / ``mamori checklist import FILE.xlsx``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("checklist", help="自己点検項目の Excel 出力・取込")
    commands = parser.add_subparsers(dest="checklist_command", metavar="SUBCOMMAND")
    export = commands.add_parser("export", help="点検項目を Excel ファイルに出力する")
    export.add_argument("file", type=Path, help="出力先（.xlsx）")
    export.set_defaults(func=export_command)
    imp = commands.add_parser(
        "import", help="Excel ファイルから点検項目を取り込む（誤りがあれば何も変更しない）"
    )
    imp.add_argument("file", type=Path, help="取り込むファイル（.xlsx）")
    imp.set_defaults(func=import_command)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def export_command(args: argparse.Namespace) -> int:
    from mamori.cli import setup_django

    setup_django()
    from mamori.core import audit
    from mamori.inspections.catalogue_excel import export_catalogue

    path: Path = args.file
    try:
        path.write_bytes(export_catalogue())
    except OSError as exc:
        print(f"ファイルを書き込めませんでした: {path}（{exc.strerror}）", file=sys.stderr)
        return 1
    with audit.acting_as(None, via="cli", label="cli"):
        audit.record(
            "export", object_type="inspections.checklistitem", object_repr=f"点検項目の出力 {path.name}"
        )
    print(f"点検項目を出力しました: {path}")
    return 0


def import_command(args: argparse.Namespace) -> int:
    from mamori.cli import setup_django

    setup_django()
    from django.contrib.auth import get_user_model

    from mamori.core.spreadsheets import WorkbookUnreadable, open_workbook
    from mamori.inspections.catalogue_excel import import_catalogue

    path: Path = args.file
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"ファイルを読み込めませんでした: {path}（{exc.strerror}）", file=sys.stderr)
        return 1
    try:
        workbook = open_workbook(data)
    except WorkbookUnreadable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    # The command line acts as the administrator: it runs on the server, by its operator.
    actor = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if actor is None:
        print("管理者アカウントがありません。先に mamori quickstart を実行してください。", file=sys.stderr)
        return 1
    report = import_catalogue(workbook, actor=actor)
    if not report.ok:
        print(
            f"取り込めませんでした（{len(report.errors)}件の誤り）。何も変更していません。", file=sys.stderr
        )
        for error in report.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(
        f"取り込みました（新規 {report.created}件、更新 {report.updated}件、廃止 {report.deactivated}件）。"
    )
    return 0
