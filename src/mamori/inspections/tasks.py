"""Background work: reminders, run through the project's task interface (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from mamori.core import audit
from mamori.inspections.models import Campaign
from mamori.inspections.services import send_action_reminders, send_campaign_reminders


@task()
def remind_campaign(campaign_id: int) -> int:
    """E-mail respondents of an open campaign who have not submitted; safe to run twice."""
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.OPEN).first()
    if campaign is None:
        return 0
    with audit.acting_as(None, via="task", label="reminder"):
        return send_campaign_reminders(campaign)


@task()
def remind_actions() -> int:
    """E-mail owners of corrective actions due within a week or overdue (at most once a day each)."""
    with audit.acting_as(None, via="task", label="reminder"):
        return send_action_reminders()
