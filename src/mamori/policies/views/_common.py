"""Small pieces the policy views share."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import reverse

from mamori.core.permissions import can


def require(user: object, action: str) -> None:
    # 404 rather than 403: people who may not do a thing do not learn what is behind it.
    if not can(user, action):
        raise Http404


def crumbs(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    """Return breadcrumbs after ホーム: ポリシー文書 then the given (label, url) pairs."""
    return [{"label": "ポリシー文書", "url": reverse("policies:list")}] + [
        {"label": label, "url": url} for label, url in pairs
    ]


def post_text(request: HttpRequest, name: str, limit: int = 5000) -> str:
    return (request.POST.get(name) or "")[:limit]
