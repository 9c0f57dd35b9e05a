"""Who may do what in self-inspections and audits (registered with core.permissions on start-up).

Respondents reach their own sheets and auditors their own audits through the access helpers in
``access.py``; the rules below cover the roles that see units or the whole municipality.
"""

from __future__ import annotations

from mamori.core.permissions import EVERYONE

_POLICY = {"policy_office", "chief", "ciso"}

RULES: dict[str, set[str]] = {
    "inspections.view_catalogue": {EVERYONE},
    "inspections.manage_catalogue": set(_POLICY),
    "inspections.manage_campaigns": set(_POLICY),
    "inspections.view_results": {"security_manager", "security_officer", "committee", *_POLICY},
    "inspections.view_sheets": {"security_manager", "security_officer", *_POLICY},
    "inspections.review_sheets": {"security_manager", "security_officer", *_POLICY},
    "inspections.view_audits": {"audit_lead", *_POLICY},
    "inspections.manage_audits": {"audit_lead", *_POLICY},
    "inspections.view_findings": {
        "security_manager",
        "security_officer",
        "audit_lead",
        "committee",
        *_POLICY,
    },
    "inspections.manage_findings": {"security_manager", "security_officer", "audit_lead", *_POLICY},
    "inspections.verify_actions": {"audit_lead", *_POLICY},
    "inspections.view_review_input": {"committee", "audit_lead", *_POLICY},
}
