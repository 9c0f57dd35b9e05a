"""Build the messages the gateway itself writes: the reference notice, follow-ups and failure notices.

Only messages Mamori built are edited here (the engine's sanitized output, never an original), so the
fast ``compat32`` parser is enough to find the body part to stamp.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage, Message

_CRLF = email.policy.SMTP


def reference_notice(reference: str, base_url: str) -> str:
    """Return the Japanese lines that tell the recipient how to get the original back."""
    link = f"{base_url.rstrip('/')}/quarantine/r/{reference}/"
    return (
        f"【原本の参照番号】{reference}\n"
        f"原本や削除・保留された添付ファイルが必要なときは、次の隔離画面から取出しを申請してください。\n"
        f"{link}\n"
        "----------------------------------------------------------------\n"
    )


def stamp_reference(sanitized: bytes, reference: str, base_url: str) -> bytes:
    """Add the reference header and notice to a message the sanitize engine built."""
    message = email.message_from_bytes(sanitized, policy=email.policy.compat32)
    message["X-Mamori-Reference"] = reference
    notice = reference_notice(reference, base_url)
    target: Message | None = None
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            target = part
            break
    if target is not None:
        payload = target.get_payload(decode=True)
        charset = target.get_content_charset() or "utf-8"
        text = payload.decode(charset, "replace") if isinstance(payload, bytes) else ""
        del target["Content-Transfer-Encoding"]
        # compat32 with charset utf-8 writes the body as base64 and sets the headers to match.
        target.set_payload(notice + text, "utf-8")
    return message.as_bytes(policy=email.policy.compat32.clone(linesep="\r\n"))


def header_summary(raw: bytes) -> dict[str, str]:
    """Return From/To/Subject/Message-ID of an untrusted message, decoded, for the quarantine record.

    Used only when the engine's report lacks them; the stdlib parser here never sees attachments' content
    because only the header block is handed to it.
    """
    head, _, _ = raw.partition(b"\r\n\r\n")
    if len(head) == len(raw):
        head, _, _ = raw.partition(b"\n\n")
    parsed = email.message_from_bytes(head[:65536] + b"\r\n\r\n", policy=email.policy.default)
    result: dict[str, str] = {}
    for name in ("From", "To", "Subject", "Message-ID", "Date", "References"):
        try:
            value = parsed.get(name)
        except (ValueError, IndexError, TypeError, AttributeError):
            value = None
        result[name.lower()] = " ".join(str(value).split()) if value is not None else ""
    return result


def fallback_message(raw: bytes, reference: str, base_url: str) -> bytes:
    """Return a notice-only message for a mail the engine could not handle (fail closed: nothing passes)."""
    headers = header_summary(raw)
    message = EmailMessage(policy=email.policy.SMTP)
    for name in ("From", "To", "Subject", "Date", "Message-ID"):
        value = headers.get(name.lower(), "")
        if value:
            try:
                message[name] = value
            except (ValueError, TypeError):
                continue
    message["X-Mamori-Sanitized"] = "MESSAGE_HELD"
    message["X-Mamori-Reference"] = reference
    message.set_content(
        "このメールは無害化できなかったため、本文と添付ファイルをすべて隔離しました。\n\n"
        + reference_notice(reference, base_url)
    )
    return message.as_bytes()


@dataclass(frozen=True)
class Attachment:
    """A sanitized file to attach to a follow-up message."""

    filename: str
    content_type: str
    data: bytes


def followup_message(
    *,
    sender: str,
    to: str,
    subject: str,
    in_reply_to: str,
    references: str,
    text: str,
    attachments: Sequence[Attachment],
    tokens: Sequence[str],
    reference: str,
) -> tuple[bytes, str]:
    """Return a follow-up message in the same thread (RFC 5322 §3.6.4) and its Message-ID."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message_id = email.utils.make_msgid(domain=sender.rpartition("@")[2] or "mamori.invalid")
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = " ".join(part for part in (references, in_reply_to) if part).strip()
    message["X-Mamori-Sanitized"] = ", ".join(tokens)
    message["X-Mamori-Reference"] = reference
    message.set_content(text)
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        message.add_attachment(
            item.data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=item.filename,
        )
    return message.as_bytes(), message_id


def attach_original(*, sender: str, to: str, subject: str, raw: bytes, text: str) -> bytes:
    """Return a message carrying an original as a message/rfc822-like opaque attachment (forwarding)."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = email.utils.make_msgid(domain=sender.rpartition("@")[2] or "mamori.invalid")
    message.set_content(text)
    # Attached as an opaque .eml file: the original is never parsed or rebuilt by Mamori.
    message.add_attachment(raw, maintype="application", subtype="octet-stream", filename="original.eml")
    return message.as_bytes()
