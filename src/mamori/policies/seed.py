"""Shipped reference data of the policies app."""

from __future__ import annotations


def ensure_seed() -> None:
    """Create the missing sections of the 対策基準 tree."""
    from mamori.policies.models import StandardSection
    from mamori.policies.standard_tree import seed_standard_sections

    seed_standard_sections(StandardSection)
