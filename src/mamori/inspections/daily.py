"""Once-a-day work of the inspections app (run by ``mamori daily``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

# Respondents who have not submitted are reminded daily during the last week of a campaign.
REMIND_DAYS_BEFORE_CLOSE = 7


def run_daily() -> str:
    """Remind owners of due corrective actions and respondents of campaigns closing soon."""
    from mamori.inspections.models import Campaign
    from mamori.inspections.tasks import remind_actions, remind_campaign

    actions = remind_actions.call()
    today = timezone.localdate()
    closing = Campaign.objects.filter(
        status=Campaign.Status.OPEN,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE_CLOSE),
    )
    sheets = sum(remind_campaign.call(campaign.pk) for campaign in closing)
    return f"是正措置の督促 {actions}件、締切間近の自己点検の督促 {sheets}件を送りました。"
