"""Startup checks with stable IDs and Japanese hints."""

from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_configuration(app_configs: Sequence[AppConfig] | None, **_: object) -> list[Error | Warning]:
    problems: list[Error | Warning] = []
    if len(settings.SECRET_KEY) < 32:
        problems.append(
            Error(
                "MAMORI_SECRET_KEY is too short",
                hint="32文字以上の秘密鍵を設定してください。",
                id="mamori.E001",
            )
        )
    if settings.MAMORI_LOCKOUT_FAILURES < 1:
        problems.append(
            Error(
                "MAMORI_LOCKOUT_FAILURES must be at least 1",
                hint="ロックまでの失敗回数は1以上にしてください。",
                id="mamori.E002",
            )
        )
    if settings.DEBUG and not set(settings.ALLOWED_HOSTS) <= {
        "127.0.0.1",
        "localhost",
        "[::1]",
        "testserver",
    }:
        problems.append(
            Warning(
                "MAMORI_DEBUG is on for a non-local host",
                hint="本番環境では MAMORI_DEBUG を無効にしてください。",
                id="mamori.W001",
            )
        )
    return problems
