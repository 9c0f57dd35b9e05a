"""Shipped reference data of the inspections app."""

from __future__ import annotations


def ensure_seed() -> None:
    """Create the missing checklist catalogue items and audit items."""
    from mamori.inspections.audit_seed import seed_audit_items
    from mamori.inspections.catalogue_seed import seed_catalogue
    from mamori.inspections.models import AuditItem, CatalogueVersion, ChecklistItem
    from mamori.policies.models import StandardSection

    seed_catalogue(CatalogueVersion, ChecklistItem, StandardSection)
    seed_audit_items(AuditItem, StandardSection)
