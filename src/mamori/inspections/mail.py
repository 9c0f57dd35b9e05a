"""E-mails of the inspections app: built here, sent after the transaction commits."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from mamori.core.japanese_calendar import wareki_date

logger = logging.getLogger(__name__)


def _send(subject: str, body: str, recipients: Iterable[str]) -> None:
    to = sorted({r for r in recipients if r})
    if not to:
        return

    def deliver() -> None:
        # The change is already committed: a mail server outage is logged, not shown as an error page.
        try:
            send_mail(f"【守り】{subject}", body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
        except (OSError, smtplib.SMTPException):
            logger.warning(
                "inspections mail not delivered: %s (%d recipients)", subject, len(to), exc_info=True
            )

    transaction.on_commit(deliver)


def campaign_opened(campaign: object, emails: Iterable[str]) -> None:
    """Tell respondents that a campaign is open and when it closes."""
    body = (
        f"{campaign.title}（{campaign.fiscal_year}年度）の自己点検を開始しました。\n"  # type: ignore[attr-defined]
        f"締切は{wareki_date(campaign.closes_on)}です。守り（Mamori）のホーム画面の"  # type: ignore[attr-defined]
        "「あなたのタスク」から回答してください。回答は入力するたびに保存されます。\n"
    )
    _send("自己点検への回答をお願いします", body, emails)


def campaign_reminder(campaign: object, emails: Iterable[str]) -> None:
    """Remind respondents who have not submitted yet."""
    body = (
        f"{campaign.title} の点検票がまだ提出されていません。\n"  # type: ignore[attr-defined]
        f"締切は{wareki_date(campaign.closes_on)}です。ホーム画面の「あなたのタスク」から回答・提出してください。\n"  # type: ignore[attr-defined]
    )
    _send("自己点検の提出期限が近づいています", body, emails)


def answers_returned(sheet: object, email: str) -> None:
    """Tell a respondent that the unit head returned answers for correction."""
    body = (
        f"{sheet.campaign.title} の点検票で、情報セキュリティ管理者から修正を求められた回答があります。\n"  # type: ignore[attr-defined]
        "点検票を開き、差戻しの理由を確認して修正し、再提出してください。\n"
    )
    _send("自己点検の回答が差し戻されました", body, [email])


def action_reminder(action: object, email: str, *, overdue: bool) -> None:
    """Remind the owner of a corrective action that is due soon or overdue."""
    state = "期限を過ぎています" if overdue else "期限が近づいています"
    body = (
        f"是正措置「{str(action.description)[:60]}」の{state}。\n"  # type: ignore[attr-defined]
        f"期限: {wareki_date(action.due_on)}\n"  # type: ignore[attr-defined]
        "対応が済んだら、指摘事項の画面から完了報告をしてください。\n"
    )
    _send(f"是正措置の{state}", body, [email])
