"""``mamori manage purge_quarantine``: delete originals past the retention period (cron or systemd timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from mamori.quarantine.retention import purge_expired


class Command(BaseCommand):
    help = "保存期間を過ぎた隔離メールの原本を削除します（保全中のものを除く）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="保存日数（既定は設定値）")

    def handle(self, *args: object, **options: object) -> None:
        result = purge_expired(days=options["days"])  # type: ignore[arg-type]
        self.stdout.write(
            f"原本 {result.purged} 件を削除しました（保全中で残したもの {result.kept_on_hold} 件）。"
        )
