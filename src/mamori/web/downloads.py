"""File downloads: one way to hand a generated file to the browser, with a Japanese-safe file name."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes | str, filename: str, content_type: str = XLSX) -> HttpResponse:
    """Return ``data`` as a download named ``filename`` (RFC 6266 ``filename*`` for non-ASCII names)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
