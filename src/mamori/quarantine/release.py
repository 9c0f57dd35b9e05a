"""Release of quarantined originals: request, decide, carry out, and report each step.

A recipient asks for an attachment (or the whole original) with a reason; the recipient's
情報セキュリティ管理者 decides unless a configured rule approves automatically (for example
``pdf:render``: a PDF converted to pixels carries no active content). On approval the chosen action runs:
re-sanitize with another policy and deliver, forward the original to an internet-zone address, or allow
download on the internet-zone quarantine page. Every step is audited (model signals) and notified.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mamori.core import audit
from mamori.quarantine.access import own_recipient
from mamori.quarantine.models import QuarantinedAttachment, QuarantinedMessage, ReleaseRequest

logger = logging.getLogger("mamori.quarantine")

Action = ReleaseRequest.Action
Status = ReleaseRequest.Status


class ReleaseError(Exception):
    """A release step is not allowed; ``message`` is Japanese and shown to the user."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def spool() -> object:
    from mamori.gateway.spool import Spool

    return Spool(Path(settings.DATA_DIR) / "spool")


def vault() -> object:
    from mamori.gateway.vault import Vault

    return Vault(Path(settings.DATA_DIR))


def sender_address() -> str:
    return settings.MAMORI_GATEWAY_POSTMASTER or settings.DEFAULT_FROM_EMAIL


def base_policy() -> object:
    """Return the gateway's sanitize policy (the configured TOML file, or the strict default)."""
    from mamori.sanitize import Policy

    path = settings.MAMORI_GATEWAY_POLICY
    return Policy.from_toml(path) if path else Policy()


def policy_for(action: str) -> object:
    """Return the policy a re-sanitizing release uses: documents rendered to pixels, or cleaned."""
    from mamori.sanitize import Mode

    policy = base_policy()
    if action == Action.RENDER:
        return dataclasses.replace(
            policy,  # type: ignore[type-var]
            pdf=Mode.RENDER,
            office=Mode.RENDER,
            legacy_office=Mode.RENDER,
            svg=Mode.RENDER,
        )
    return dataclasses.replace(
        policy,  # type: ignore[type-var]
        pdf=Mode.STRUCTURAL,
        office=Mode.STRUCTURAL,
        legacy_office=Mode.RENDER,
        image=Mode.STRUCTURAL,
        archive=Mode.STRUCTURAL,
    )


def available_actions() -> list[tuple[str, str]]:
    """Return the release actions this installation offers (forward and download need configuration)."""
    actions = [(Action.RENDER.value, Action.RENDER.label), (Action.STRUCTURAL.value, Action.STRUCTURAL.label)]
    if settings.MAMORI_RELEASE_FORWARD_ADDRESS:
        actions.append((Action.FORWARD.value, Action.FORWARD.label))
    if settings.MAMORI_QUARANTINE_ALLOW_DOWNLOAD:
        actions.append((Action.DOWNLOAD.value, Action.DOWNLOAD.label))
    return actions


def is_auto_approved(attachment: QuarantinedAttachment | None, action: str) -> bool:
    """Tell whether a configured rule (``<type>:<action>``, ``*`` for any type) approves this request."""
    kind = attachment.detected_type.lower() if attachment is not None else "message"
    for rule in settings.MAMORI_RELEASE_AUTO_APPROVE:
        rule_type, _, rule_action = rule.strip().lower().partition(":")
        if (
            rule_action == action
            and rule_type in ("*", kind)
            and action in (Action.RENDER, Action.STRUCTURAL)
        ):
            return True
    return False


def approvers_of(release: ReleaseRequest) -> list[str]:
    """Return the e-mail addresses of the people who may decide the request."""
    from mamori.core.models import Person, RoleAssignment

    unit = release.recipient.unit
    if unit is None:
        return [settings.MAMORI_GATEWAY_POSTMASTER] if settings.MAMORI_GATEWAY_POSTMASTER else []
    unit_ids = [unit.pk, *[u.pk for u in unit.ancestors()]]
    assignments = RoleAssignment.objects.current().filter(
        Q(role__code="security_manager", unit_id__in=unit_ids)
        | Q(role__code="security_officer", unit_id__in=unit_ids)
    )
    people = (
        Person.objects.filter(is_active=True, assignments__in=assignments)
        .exclude(email="")
        .exclude(user=release.requested_by)
        .distinct()
    )
    return sorted({p.email for p in people})


def _notify(to: list[str], subject: str, body: str) -> None:
    if to:
        send_mail(f"【守り】{subject}", body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=True)


def _requester_email(release: ReleaseRequest) -> list[str]:
    person = getattr(release.requested_by, "person", None)
    email = getattr(person, "email", "") or release.recipient.address
    return [email]


def _link(release: ReleaseRequest) -> str:
    return f"{settings.MAMORI_BASE_URL.rstrip('/')}{release.get_absolute_url()}"


@transaction.atomic
def request_release(
    *,
    actor: object,
    message: QuarantinedMessage,
    attachment: QuarantinedAttachment | None,
    reason: str,
    action: str,
) -> ReleaseRequest:
    """Record a recipient's request and notify the approvers (or approve it by rule)."""
    recipient = own_recipient(actor, message)
    if recipient is None:
        raise ReleaseError("not_recipient", "取出しを申請できるのは、このメールの宛先の職員だけです。")
    if message.is_purged:
        raise ReleaseError("purged", "保存期間を過ぎたため、原本は削除されています。")
    if action not in dict(available_actions()):
        raise ReleaseError("action", "この取出し方法は利用できません。")
    if attachment is not None and attachment.message_id != message.pk:
        raise ReleaseError("attachment", "添付ファイルの指定が不正です。")
    if not reason.strip():
        raise ReleaseError("reason", "理由を入力してください。")
    if ReleaseRequest.objects.filter(
        message=message,
        attachment=attachment,
        requested_by=actor,
        status=Status.PENDING,  # type: ignore[misc]  # actor is a logged-in User
    ).exists():
        raise ReleaseError("duplicate", "同じ申請が承認待ちになっています。")
    auto = is_auto_approved(attachment, action)
    release = ReleaseRequest.objects.create(
        message=message,
        attachment=attachment,
        recipient=recipient,
        requested_by=actor,  # type: ignore[misc]  # actor is a logged-in User
        reason=reason.strip()[:2000],
        action=action,
        status=Status.APPROVED if auto else Status.PENDING,
        auto_approved=auto,
        decided_at=timezone.now() if auto else None,
        decision_note="自動承認ルールにより承認しました。" if auto else "",
    )
    if auto:
        transaction.on_commit(lambda: _enqueue(release.pk))
    else:
        to = approvers_of(release)
        body = (
            f"隔離メールの取出し申請があります。承認または却下してください。\n\n参照番号: {message.reference}\n"
            f"件名: {message.subject}\n対象: {release.attachment or '原本全体'}\n方法: {release.get_action_display()}\n"
            f"理由: {release.reason}\n\n{_link(release)}\n"
        )
        transaction.on_commit(lambda: _notify(to, "取出し申請の承認依頼", body))
    return release


@transaction.atomic
def decide(*, actor: object, release: ReleaseRequest, approve: bool, note: str = "") -> ReleaseRequest:
    """Approve or deny a pending request (the access check is done by the caller's access helper)."""
    from mamori.quarantine.access import can_decide

    locked = ReleaseRequest.objects.select_for_update().get(pk=release.pk)
    if not can_decide(actor, locked):
        raise ReleaseError("forbidden", "この申請を判断する権限がありません。")
    if locked.status != Status.PENDING:
        raise ReleaseError("state", "この申請は既に判断されています。")
    if not approve and not note.strip():
        raise ReleaseError("note", "却下する理由を入力してください。")
    locked.status = Status.APPROVED if approve else Status.DENIED
    locked.decided_by = actor  # type: ignore[assignment]
    locked.decided_at = timezone.now()
    locked.decision_note = note.strip()[:2000]
    locked.save()
    word = "承認" if approve else "却下"
    body = f"取出し申請が{word}されました。\n\n参照番号: {locked.message.reference}\n判断の理由: {locked.decision_note}\n\n{_link(locked)}\n"
    to = _requester_email(locked)
    transaction.on_commit(lambda: _notify(to, f"取出し申請が{word}されました", body))
    if approve:
        transaction.on_commit(lambda: _enqueue(locked.pk))
    return locked


def _enqueue(release_id: int) -> None:
    from mamori.quarantine.tasks import carry_out_release

    carry_out_release.enqueue(release_id)


def _fail(release: ReleaseRequest, note: str) -> None:
    release.status = Status.FAILED
    release.completed_at = timezone.now()
    release.result_note = note[:1000]
    release.save()
    body = f"取出しを実行できませんでした。\n\n参照番号: {release.message.reference}\n理由: {note}\n"
    to = _requester_email(release)
    transaction.on_commit(lambda: _notify(to, "取出しを実行できませんでした", body))


def carry_out(release_id: int) -> None:
    """Run the approved action of a request (safe to run twice: only APPROVED requests proceed)."""
    from mamori.gateway.vault import VaultError

    with audit.acting_as(None, via="task", label="quarantine-release"), transaction.atomic():
        release = (
            ReleaseRequest.objects.select_for_update(of=("self",))
            .select_related("message", "attachment", "recipient")
            .filter(pk=release_id, status=Status.APPROVED, completed_at__isnull=True)
            .first()
        )
        if release is None:
            return
        try:
            original = vault().get(release.message.original_address)  # type: ignore[attr-defined]
        except VaultError:
            _fail(release, "原本が見つかりません（保存期間を過ぎて削除された可能性があります）。")
            return
        if release.action == Action.DOWNLOAD:
            release.status = Status.RELEASED
            release.completed_at = timezone.now()
            release.result_note = "インターネット系の隔離画面からダウンロードできます。"
            release.save()
            return
        if release.action == Action.FORWARD:
            _forward(release, original)
            return
        _resanitize(release, original)


def _queue(release: ReleaseRequest, data: bytes, rcpt: str, relay: str = "") -> None:
    import time

    from mamori.gateway.spool import Envelope, new_id

    envelope = Envelope(
        id=new_id(),
        mail_from=sender_address(),
        rcpt_tos=(rcpt,),
        received_at=time.time(),
        kind="release",
        relay=relay,
        reference=release.message.reference,
        extra={"release_id": str(release.pk)},
    )
    spool().enqueue_outgoing(envelope, data)  # type: ignore[attr-defined]
    release.result_note = "配送待ちです。"
    release.save()


def _forward(release: ReleaseRequest, original: bytes) -> None:
    from mamori.gateway.compose import attach_original

    address = settings.MAMORI_RELEASE_FORWARD_ADDRESS
    if not address:
        _fail(release, "転送先が設定されていません。")
        return
    data = attach_original(
        sender=sender_address(),
        to=address,
        subject=f"【原本転送】{release.message.reference} {release.message.subject}",
        raw=original,
        text=f"隔離メールの原本を転送します（承認済みの取出し申請 {release.pk}）。\n申請者: {release.recipient.address}\n",
    )
    _queue(release, data, address, settings.MAMORI_RELEASE_FORWARD_RELAY)


def _resanitize(release: ReleaseRequest, original: bytes) -> None:
    from mamori.gateway.compose import Attachment, followup_message
    from mamori.sanitize import sanitize_message

    result = sanitize_message(original, policy_for(release.action))  # type: ignore[arg-type]
    wanted = release.attachment
    chosen = [
        item
        for item in result.attachments
        if item.is_delivered and (wanted is None or item.sha256 == wanted.sha256)
    ]
    if not chosen:
        reason = next(
            (
                item.reason
                for item in result.attachments
                if wanted is not None and item.sha256 == wanted.sha256
            ),
            "",
        )
        _fail(release, f"選んだ方法では安全に無害化できませんでした。{reason}")
        return
    message = release.message
    names = "、".join(item.output_filename or item.filename for item in chosen)
    data, _ = followup_message(
        sender=sender_address(),
        to=release.recipient.address,
        subject=f"【取出し】{message.subject}",
        in_reply_to=message.message_id,
        references=message.message_id,
        text=(
            f"承認された取出し申請により、次のファイルを{release.get_action_display()}しました。\n"
            f"{names}\n\n参照番号: {message.reference}\n申請理由: {release.reason}\n"
        ),
        attachments=[
            Attachment(item.output_filename or item.filename, item.content_type, item.output or b"")
            for item in chosen
        ],
        tokens=[
            "RELEASED",
            "ATTACHMENT_CONVERTED" if release.action == Action.RENDER else "ATTACHMENT_CLEANED",
        ],
        reference=message.reference,
    )
    _queue(release, data, release.recipient.address)


def delivery_finished(release_id: int, *, delivered: bool, failure: str, pending: bool) -> None:
    """Record the delivery of a release (called by the gateway worker that delivered it)."""
    if pending:
        return
    with audit.acting_as(None, via="gateway", label="gateway"), transaction.atomic():
        release = ReleaseRequest.objects.select_related("message").filter(pk=release_id).first()
        if release is None or release.completed_at is not None:
            return
        if delivered:
            release.status = Status.RELEASED
            release.completed_at = timezone.now()
            release.result_note = "配送しました。"
            release.save()
            body = f"取出したファイルを配送しました。\n\n参照番号: {release.message.reference}\n"
            to = _requester_email(release)
            transaction.on_commit(lambda: _notify(to, "取出したファイルを配送しました", body))
        else:
            _fail(release, f"配送できませんでした（{failure}）。")
