"""The audit trail: who did what to which object, append-only and hash-chained.

Every create, update and delete of a Mamori model (and of user accounts) is recorded by model signals,
so the UI, the admin, the API and imports are covered alike; the acting user comes from a context
variable that the web middleware, the API and the CLI set. Sensitive reads are recorded explicitly with
:func:`record_read`. ``bulk_create``/``QuerySet.update`` bypass signals: callers that use them record
the change themselves with :func:`record`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

GENESIS_HASH = "0" * 64

# Tables that are not business data, or that are the trail itself.
_EXCLUDED_MODELS = {
    "core.auditentry",
    "core.loginfailure",
    "sessions.session",
    "contenttypes.contenttype",
    "admin.logentry",
    "auth.permission",
    "django_tasks_database.dbtaskresult",
    "otp_totp.totpdevice",
}
_AUDITED_APP_PREFIX = "mamori."
# Values never written to the trail; their change is still recorded as "(変更あり)".
_SECRET_FIELDS = {"password", "key", "secret", "token_hash", "digest"}


@dataclass(frozen=True)
class Actor:
    user: object | None
    label: str
    via: str


_current_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "mamori_audit_actor", default=None
)


@contextlib.contextmanager
def acting_as(user: object | None, *, via: str, label: str | None = None) -> Iterator[None]:
    """Attribute every change inside the block to ``user`` (``via``: web, api, cli, import, task, ...)."""
    name = label or (getattr(user, "get_username", lambda: "")() if user is not None else "") or "system"
    token = _current_actor.set(Actor(user=user if getattr(user, "pk", None) else None, label=name, via=via))
    try:
        yield
    finally:
        _current_actor.reset(token)


def audit_context(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: attribute changes made while serving a request to the logged-in user."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        via = "api" if request.path.startswith("/api/") else "web"
        if user is not None and user.is_authenticated:
            with acting_as(user, via=via):
                return get_response(request)
        with acting_as(None, via=via, label="anonymous"):
            return get_response(request)

    return middleware


def _json_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    return str(value)


def snapshot(instance: models.Model) -> dict[str, object]:
    """Return the concrete field values of ``instance`` as JSON-ready data."""
    values: dict[str, object] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        values[field.attname] = "(秘匿)" if field.name in _SECRET_FIELDS and value else _json_value(value)
    return values


def _entry_payload(entry: object) -> bytes:
    fields: Mapping[str, object] = {
        "seq": entry.seq,  # type: ignore[attr-defined]
        "at": entry.at.isoformat(),  # type: ignore[attr-defined]
        "actor_id": entry.actor_id,  # type: ignore[attr-defined]
        "actor_label": entry.actor_label,  # type: ignore[attr-defined]
        "action": entry.action,  # type: ignore[attr-defined]
        "object_type": entry.object_type,  # type: ignore[attr-defined]
        "object_id": entry.object_id,  # type: ignore[attr-defined]
        "object_repr": entry.object_repr,  # type: ignore[attr-defined]
        "changes": entry.changes,  # type: ignore[attr-defined]
        "via": entry.via,  # type: ignore[attr-defined]
        "prev_hash": entry.prev_hash,  # type: ignore[attr-defined]
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def compute_hash(entry: object) -> str:
    """Return the SHA-256 of an entry's content and its predecessor's hash."""
    return hashlib.sha256(_entry_payload(entry)).hexdigest()


def _lock_chain() -> None:
    # PostgreSQL: one writer extends the chain at a time. SQLite already serialises writers
    # (transaction_mode IMMEDIATE in settings).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7201507)")


def record(
    action: str,
    *,
    object_type: str,
    object_id: object = "",
    object_repr: str = "",
    changes: Mapping[str, object] | None = None,
    actor: object | None = None,
    via: str | None = None,
) -> object:
    """Append one entry to the trail and return it. Uses the current actor unless ``actor`` is given."""
    from mamori.core.models import AuditEntry

    current = _current_actor.get()
    if actor is not None:
        user: object | None = actor if getattr(actor, "pk", None) else None
        label = getattr(actor, "get_username", lambda: "system")() or "system"
    elif current is not None:
        user, label = current.user, current.label
    else:
        user, label = None, "system"
    channel = via or (current.via if current else "system")
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        now = timezone.now()
        entry = AuditEntry(
            seq=seq,
            # Millisecond precision: Django's JSON serialiser (dumpdata, backups) keeps no more, and the
            # hash must survive a backup and restore.
            at=now.replace(microsecond=now.microsecond // 1000 * 1000),
            actor=user,  # type: ignore[misc]
            actor_label=label[:150],
            action=action,
            object_type=object_type[:100],
            object_id=str(object_id)[:64],
            object_repr=object_repr[:255],
            changes=_json_value(dict(changes or {})),
            via=channel[:20],
            prev_hash=prev,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save()
    return entry


def model_label(instance_or_model: models.Model | type[models.Model]) -> str:
    return instance_or_model._meta.label_lower


def record_read(instance: models.Model, *, actor: object | None = None, detail: str = "") -> object:
    """Record that the current user read a sensitive object (a non-public procedure, an original)."""
    changes = {"detail": detail} if detail else {}
    return record(
        "read",
        object_type=model_label(instance),
        object_id=instance.pk,
        object_repr=str(instance),
        changes=changes,
        actor=actor,
    )


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain() -> VerifyResult:
    """Walk the whole trail and report the first entry whose hash or link does not hold."""
    from mamori.core.models import AuditEntry

    prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return VerifyResult(
                False, checked, entry.seq, f"通番 {expected_seq} が欠落しています（削除の疑い）"
            )
        if entry.prev_hash != prev:
            return VerifyResult(
                False, checked, entry.seq, "直前の行のハッシュと一致しません（削除または改ざんの疑い）"
            )
        if compute_hash(entry) != entry.entry_hash:
            return VerifyResult(False, checked, entry.seq, "行の内容がハッシュと一致しません（改ざんの疑い）")
        prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    return VerifyResult(True, checked)


def _is_audited(sender: type[models.Model]) -> bool:
    label = sender._meta.label_lower
    if label in _EXCLUDED_MODELS or sender._meta.auto_created:
        return False
    return sender.__module__.startswith(_AUDITED_APP_PREFIX) or label == "auth.user"


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **_: object) -> None:
    if raw or not _is_audited(sender) or instance.pk is None:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    previous = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None  # type: ignore[attr-defined]


def _after_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **_: object
) -> None:
    if raw or not _is_audited(sender):
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        record(
            "create",
            object_type=model_label(sender),
            object_id=instance.pk,
            object_repr=str(instance),
            changes={"after": after},
        )
        return
    changed = {k for k in after if before.get(k) != after[k]}
    if not changed:
        return
    record(
        "update",
        object_type=model_label(sender),
        object_id=instance.pk,
        object_repr=str(instance),
        changes={
            "before": {k: before.get(k) for k in sorted(changed)},
            "after": {k: after[k] for k in sorted(changed)},
        },
    )


def _after_delete(sender: type[models.Model], instance: models.Model, **_: object) -> None:
    if not _is_audited(sender):
        return
    record(
        "delete",
        object_type=model_label(sender),
        object_id=instance.pk,
        object_repr=str(instance),
        changes={"before": snapshot(instance)},
    )


def connect_signals() -> None:
    """Connect the model signals that record every change (called once from CoreConfig.ready)."""
    pre_save.connect(_before_save, dispatch_uid="mamori_audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="mamori_audit_post_save")
    post_delete.connect(_after_delete, dispatch_uid="mamori_audit_post_delete")
