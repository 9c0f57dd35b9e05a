"""Small pieces shared by the inspections views."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from mamori.core.permissions import can

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require(user: object, action: str, obj: object | None = None) -> None:
    """Raise Http404 unless the user may do ``action``: people who may not see a page do not learn it exists."""
    if not can(user, action, obj):
        raise Http404


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
