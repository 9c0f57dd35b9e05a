"""The canonical roles of the guideline (domain/municipal-policy.md §5) with their default titles."""

from __future__ import annotations

# (code, default local title, duty, privileged: must use a second factor)
CANONICAL_ROLES: tuple[tuple[str, str, str, bool], ...] = (
    (
        "ciso",
        "最高情報セキュリティ責任者（CISO）",
        "情報セキュリティ対策の最終決定権限を持ち、CSIRT を設置する。",
        True,
    ),
    ("deputy_ciso", "副最高情報セキュリティ責任者", "CISO を補佐し、不在時に代行する。", True),
    (
        "chief",
        "統括情報セキュリティ責任者",
        "CISO を補佐し、全庁の対策を統括する。通常 CSIRT を率いる。",
        True,
    ),
    (
        "security_officer",
        "情報セキュリティ責任者",
        "部局の情報セキュリティ対策に責任を持つ。委員会の委員。",
        False,
    ),
    (
        "security_manager",
        "情報セキュリティ管理者",
        "課室の情報セキュリティ対策に責任を持ち、職員からの報告を受け、自己点検を行う。",
        False,
    ),
    (
        "system_manager",
        "情報システム管理者",
        "所管する情報システムの設定・アカウント・自己点検に責任を持つ。",
        True,
    ),
    ("system_operator", "情報システム担当者", "情報システムの日常の運用を担う。", False),
    (
        "committee",
        "情報セキュリティ委員会委員",
        "ポリシーの見直し、研修、監査・自己点検の結果、緊急時の対応を審議する。",
        False,
    ),
    ("csirt", "CSIRT 要員", "インシデントの受付・分析・対応・報告・再発防止を担う。", False),
    ("audit_lead", "監査統括責任者", "情報セキュリティ監査を計画し統括する。", True),
    ("auditor", "監査人", "情報セキュリティ監査を実施する。自らの所属は監査しない。", True),
    (
        "policy_office",
        "情報セキュリティ事務局（情報政策課）",
        "ポリシーの運用・改定・台帳管理の事務を担う。",
        False,
    ),
)


def ensure_roles() -> int:
    """Create any canonical role that is missing; return how many were created. Titles already set stay."""
    from mamori.core.models import Role

    created = 0
    for order, (code, title, duty, privileged) in enumerate(CANONICAL_ROLES, start=1):
        _, was_created = Role.objects.get_or_create(
            code=code,
            defaults={"local_title": title, "duty": duty, "is_privileged": privileged, "order": order},
        )
        created += int(was_created)
    return created
