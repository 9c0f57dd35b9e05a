"""Account lockout: too many failed logins for one username inside a window lock it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from mamori.core import audit
from mamori.core.models import LoginFailure


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.MAMORI_LOCKOUT_WINDOW_MINUTES)


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def recent_failures(username: str) -> int:
    """Return how many failures the username has inside the current window."""
    return LoginFailure.objects.filter(username=_key(username), at__gte=_window_start()).count()


def is_locked(username: str) -> bool:
    """Return True while the username has reached the failure limit inside the window."""
    return recent_failures(username) >= settings.MAMORI_LOCKOUT_FAILURES


def note_failure(username: str, remote_addr: str | None) -> bool:
    """Record a failed login; return True when this failure locks the account."""
    LoginFailure.objects.create(username=_key(username), remote_addr=remote_addr)
    audit.record(
        "login_failed",
        object_type="auth.user",
        object_repr=_key(username),
        via="web",
        changes={"remote_addr": remote_addr or ""},
    )
    count = recent_failures(username)
    if count == settings.MAMORI_LOCKOUT_FAILURES:
        audit.record(
            "lockout",
            object_type="auth.user",
            object_repr=_key(username),
            via="web",
            changes={"failures": count},
        )
        return True
    return False


def clear(username: str) -> None:
    """Forget the failures of a username (after a successful login)."""
    LoginFailure.objects.filter(username=_key(username)).delete()


def unlock(username: str, *, actor: object) -> int:
    """Unlock a username on an administrator's request; return how many failures were cleared."""
    deleted, _ = LoginFailure.objects.filter(username=_key(username)).delete()
    audit.record(
        "unlock",
        object_type="auth.user",
        object_repr=_key(username),
        actor=actor,
        changes={"cleared_failures": deleted},
    )
    return deleted


def locked_usernames() -> list[tuple[str, int]]:
    """Return (username, failures) for every username locked now."""
    from django.db.models import Count

    rows = (
        LoginFailure.objects.filter(at__gte=_window_start())
        .values("username")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.MAMORI_LOCKOUT_FAILURES)
        .order_by("username")
    )
    return [(row["username"], row["n"]) for row in rows]
