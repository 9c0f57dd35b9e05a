"""Background work of the policy app: bring approved versions into force and remind readers."""

from __future__ import annotations

from django_tasks import task

from mamori.core import audit
from mamori.policies import services


@task()
def policy_daily(min_days_between: int = 7) -> dict[str, int]:
    """Bring versions whose effective date has come into force, then e-mail those who have not confirmed."""
    with audit.acting_as(None, via="task", label="ポリシー日次処理"):
        activated = services.bring_due_versions_into_force()
        reminded = services.send_reminders(min_days_between=min_days_between)
    return {"activated": activated, "reminded": reminded}
