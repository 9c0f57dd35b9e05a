"""The register's contribution to the home dashboard: findings on assets the user manages."""

from __future__ import annotations

from django.urls import reverse

from mamori.assets.access import MANAGE
from mamori.assets.models import Asset
from mamori.core.permissions import filter_visible
from mamori.web.views import DashboardTask


def finding_tasks(user: object) -> list[DashboardTask]:
    """Return one task when assets the user manages have consistency findings."""
    count = filter_visible(Asset.objects.filter(finding_count__gt=0), user, MANAGE).count()  # type: ignore[attr-defined]
    if not count:
        return []
    return [
        DashboardTask(
            title=f"情報資産台帳の整合性の指摘が {count} 件あります",
            url=reverse("assets:findings"),
            kind="情報資産",
        )
    ]
