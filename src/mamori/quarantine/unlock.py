"""PPAP: the recipient types the password of an encrypted zip; its files are sanitized and delivered.

The password is used once, in memory, and never stored or logged; attempts are limited and every
attempt is audited. The files go out as a follow-up in the same thread (In-Reply-To/References).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mamori.core import audit
from mamori.quarantine.access import own_recipient
from mamori.quarantine.models import QuarantinedAttachment, QuarantinedMessage
from mamori.quarantine.release import base_policy, sender_address, spool, vault

_UNPACK_MESSAGES = {
    "not_found": "原本の中に対象の添付ファイルが見つかりません。",
    "not_zip": "パスワード付き ZIP 以外の暗号化ファイルは、この画面では解除できません。",
    "too_many_members": "ZIP の中のファイルが多すぎます。",
    "too_large": "ZIP を展開すると大きすぎます。",
    "broken": "ZIP ファイルが壊れています。",
    "child_failed": "ZIP の展開に失敗しました。",
}


@dataclass(frozen=True)
class UnlockOutcome:
    """What happened to one unlock attempt."""

    ok: bool
    message: str
    remaining: int = 0
    delivered: tuple[str, ...] = ()


def remaining_attempts(attachment: QuarantinedAttachment) -> int:
    return max(0, settings.MAMORI_PPAP_MAX_ATTEMPTS - attachment.unlock_attempts)


def _audit(attachment: QuarantinedAttachment, outcome: str) -> None:
    audit.record(
        "other",
        object_type=audit.model_label(QuarantinedAttachment),
        object_id=attachment.pk,
        object_repr=f"{attachment.message.reference} {attachment.filename}"[:255],
        changes={"event": "ppap_unlock", "outcome": outcome, "attempt": attachment.unlock_attempts},
    )


def unlock(
    *, actor: object, message: QuarantinedMessage, attachment: QuarantinedAttachment, password: str
) -> UnlockOutcome:
    """Try the password; on success sanitize the files and queue them for the recipient."""
    from mamori.gateway.unpack import UnpackError, extract_attachment, open_encrypted_zip
    from mamori.gateway.vault import VaultError

    recipient = own_recipient(actor, message)
    if recipient is None or attachment.message_id != message.pk:
        return UnlockOutcome(False, "パスワードを入力できるのは、このメールの宛先の職員だけです。")
    with transaction.atomic():
        locked = (
            QuarantinedAttachment.objects.select_for_update().select_related("message").get(pk=attachment.pk)
        )
        if locked.verdict != "held":
            return UnlockOutcome(False, "この添付ファイルは暗号化による保留ではありません。")
        if locked.unlocked_at is not None:
            return UnlockOutcome(False, "この添付ファイルは既に解除・配送されています。")
        if remaining_attempts(locked) <= 0:
            return UnlockOutcome(
                False, "試行回数の上限に達しました。情報セキュリティ管理者に連絡してください。"
            )
        try:
            original = vault().get(message.original_address)  # type: ignore[attr-defined]
            untrusted_zip = extract_attachment(original, locked.sha256)
            members = open_encrypted_zip(untrusted_zip, password)
        except VaultError:
            return UnlockOutcome(
                False, "原本が見つかりません（保存期間を過ぎて削除された可能性があります）。"
            )
        except UnpackError as exc:
            if exc.code != "bad_password":
                _audit(locked, f"error:{exc.code}")
                return UnlockOutcome(False, _UNPACK_MESSAGES.get(exc.code, "展開できませんでした。"))
            locked.unlock_attempts += 1
            locked.save(update_fields=["unlock_attempts"])
            _audit(locked, "wrong_password")
            left = remaining_attempts(locked)
            return UnlockOutcome(False, f"パスワードが違います（残り {left} 回）。", remaining=left)
        locked.unlock_attempts += 1
        locked.unlocked_at = timezone.now()
        locked.save(update_fields=["unlock_attempts", "unlocked_at"])
        _audit(locked, "unlocked")
        delivered = _deliver(message, locked, recipient.address, members)
    return UnlockOutcome(
        True, "パスワードを確認しました。無害化したファイルをメールでお送りします。", delivered=delivered
    )


def _deliver(
    message: QuarantinedMessage, attachment: QuarantinedAttachment, to: str, members: list
) -> tuple[str, ...]:
    from mamori.gateway.compose import Attachment, followup_message
    from mamori.gateway.spool import Envelope, new_id
    from mamori.sanitize import sanitize_file

    policy = base_policy()
    results = [sanitize_file(member.data, member.name, policy) for member in members]  # type: ignore[arg-type]
    lines = []
    files: list[Attachment] = []
    for result in results:
        if result.is_delivered:
            name = result.output_filename or result.filename
            files.append(Attachment(name, result.content_type, result.output or b""))
            lines.append(
                f"・{result.filename} → {name}（{'変換' if result.verdict == 'converted' else '無害化'}）"
            )
        else:
            lines.append(f"・{result.filename} → 削除（{result.reason}）")
    data, _ = followup_message(
        sender=sender_address(),
        to=to,
        subject=f"Re: {message.subject}" if message.subject else "パスワード付き ZIP の中身",
        in_reply_to=message.message_id,
        references=message.message_id,
        text=(
            f"パスワード付き ZIP「{attachment.filename}」の中身を無害化してお送りします。\n\n"
            + "\n".join(lines)
            + f"\n\n参照番号: {message.reference}\n"
        ),
        attachments=files,
        tokens=[
            "ENCRYPTED_UNLOCKED",
            *(["ATTACHMENT_CLEANED"] if files else []),
            *(["ATTACHMENT_REMOVED"] if len(files) < len(results) else []),
        ],
        reference=message.reference,
    )
    envelope = Envelope(
        id=new_id(),
        mail_from=sender_address(),
        rcpt_tos=(to,),
        received_at=time.time(),
        kind="unlock",
        reference=message.reference,
    )
    transaction.on_commit(lambda: spool().enqueue_outgoing(envelope, data))  # type: ignore[attr-defined]
    return tuple(f.filename for f in files)
