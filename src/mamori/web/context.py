"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from mamori.core.permissions import can
from mamori.web.navigation import AREAS


def navigation(request: HttpRequest) -> dict[str, object]:
    """Return the navigation links the current user may see, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_areas": []}
    links = []
    for area in AREAS:
        if area.action is not None and not can(user, area.action):
            continue
        try:
            url = reverse(area.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        links.append({"key": area.key, "label": area.label, "url": url, "current": current})
    return {"nav_areas": links}
