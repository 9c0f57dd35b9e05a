"""Token authentication for the REST API against the stored digests."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from mamori.api.models import ApiToken, digest

_SCHEMES = (b"token", b"bearer")


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """Accept ``Authorization: Token <token>`` (or ``Bearer``) for a live token of an active user."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in _SCHEMES:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Authorization ヘッダーの形式が正しくありません。")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("トークンの形式が正しくありません。") from exc
        token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=digest(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("トークンが無効です。")
        # QuerySet.update: the last-use time is bookkeeping, not a change worth an audit entry.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
