"""``mamori manage policy_daily``: bring due versions into force and send read reminders (run daily)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from mamori.policies.tasks import policy_daily


class Command(BaseCommand):
    help = "施行日を迎えた版を施行し、未確認の職員に督促メールを送ります（毎日1回実行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval-days", type=int, default=7, help="同じ職員への督促の最短間隔（日）。既定は7日。"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="その場で実行せず、タスクとして登録します。"
        )

    def handle(self, *args: object, **options: object) -> None:
        days = int(options["interval_days"])  # type: ignore[call-overload]
        if options["enqueue"]:
            result = policy_daily.enqueue(min_days_between=days)
            self.stdout.write(f"タスクを登録しました（{result.id}）。")
            return
        counts = policy_daily.call(min_days_between=days)
        self.stdout.write(f"施行した版: {counts['activated']}件、督促メール: {counts['reminded']}通")
