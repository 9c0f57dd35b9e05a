"""Small pieces shared by the inspections views."""

from __future__ import annotations

from django.http import Http404

from mamori.core.permissions import can


def require(user: object, action: str, obj: object | None = None) -> None:
    """Raise Http404 unless the user may do ``action``: people who may not see a page do not learn it exists."""
    if not can(user, action, obj):
        raise Http404
