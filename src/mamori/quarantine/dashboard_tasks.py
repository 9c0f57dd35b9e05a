"""Home-page tasks of the quarantine: release requests waiting for the user's decision."""

from __future__ import annotations

from django.urls import reverse

from mamori.quarantine.access import can_decide, visible_releases
from mamori.quarantine.models import ReleaseRequest


def pending_decisions(user: object) -> list[object]:
    """Return one dashboard task per release request the user may decide."""
    from mamori.web.views import DashboardTask

    if not getattr(user, "is_authenticated", False):
        return []
    pending = visible_releases(user).filter(status=ReleaseRequest.Status.PENDING)[:50]
    return [
        DashboardTask(
            title=f"取出し申請の判断: {r.message.reference} {r.attachment or '原本全体'}",
            url=reverse("quarantine:release_detail", args=[r.pk]),
            kind="隔離",
        )
        for r in pending
        if can_decide(user, r)
    ]
