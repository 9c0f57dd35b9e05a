"""The areas of the application shown in the main navigation.

Each entry names a URL and the permission action that makes it visible; apps add their areas here as
they arrive, so the header stays one list that a newcomer can read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    url_name: str
    action: str | None  # permission needed to see the link; None: every logged-in user


AREAS: tuple[Area, ...] = (
    Area("dashboard", "ホーム", "web:dashboard", None),
    Area("policies", "ポリシー", "policies:list", None),
    Area("organisation", "組織・職員", "core:organisation", "core.view_organisation"),
    Area("inspections", "自己点検・監査", "inspections:index", "inspections.view_catalogue"),
    Area("assets", "情報資産", "assets:asset_list", "assets.view"),
    Area("network", "三層分離", "network:overview", "network.view"),
    Area("audit", "監査証跡", "core:audit_log", "core.view_audit_log"),
    Area("quarantine", "隔離メール", "quarantine:list", None),
)
