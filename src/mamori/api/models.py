"""API tokens: only a SHA-256 digest of each token is stored; the token itself is shown once.

Glossary: APIトークン → ApiToken; 失効 → revoke.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "mamori_"  # noqa: S105 - a visible marker, not a secret


def digest(raw: str) -> str:
    """Return the stored form of a token (tokens are 256-bit random, so a fast hash is enough)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A bearer token of one user for the REST API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="利用者", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("先頭の文字", max_length=16, help_text="一覧で見分けるための先頭部分")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("発行日時", default=timezone.now)
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API トークン"
        verbose_name_plural = "API トークン"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or '用途未設定'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, user: object, name: str = "") -> tuple[ApiToken, str]:
        """Create a token for ``user``; return it and the raw token, which is never stored."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=digest(raw)
        )
        return token, raw
