"""Sanitize one mail message: text-ize the body, defang links, sanitize every attachment, report it all.

The output is a new RFC 5322 message built from scratch (never the original with parts cut out): the
kept headers re-encoded, a text/plain UTF-8 body that starts with a Japanese notice of what was done,
and the sanitized attachments. Anything that cannot be handled is removed or held, never passed.
"""

from __future__ import annotations

import logging

from mamori.sanitize._mime import ParseBudget, Part, is_mime_like, parse_message
from mamori.sanitize._mime_build import build_message
from mamori.sanitize._mime_headers import ContentType, clean_text, decode_address_header, decode_encoded_words
from mamori.sanitize._mime_notice import notice_text
from mamori.sanitize._mime_walk import (
    ENCRYPTED_TYPES,
    HARD_MAX_DEPTH,
    WalkState,
    own_result,
    unpack_outlook_item,
    walk,
)
from mamori.sanitize.policy import LinkHandling, Policy
from mamori.sanitize.results import Action, FileResult, MessageResult, Verdict

__all__ = ["sanitize_message"]

_log = logging.getLogger(__name__)


def _addresses(root: Part) -> list[tuple[str, list[tuple[str, str]]]]:
    result = []
    for label, name in (("From", "from"), ("Reply-To", "reply-to"), ("To", "to"), ("Cc", "cc")):
        values = root.all_headers(name)
        pairs: list[tuple[str, str]] = []
        for value in values[:1] if name == "from" else values:
            pairs.extend(decode_address_header(value))
        result.append((label, pairs))
    return result


def _limits_report(budget: ParseBudget, policy: Policy) -> list[dict[str, object]]:
    hits: list[dict[str, object]] = []
    if budget.parts_exceeded:
        hits.append(
            {
                "limit": "max_mime_parts",
                "value": policy.limits.max_mime_parts,
                "message": (
                    f"MIME パート数が上限（{policy.limits.max_mime_parts}）を超えたため、"
                    "以降のパートは削除しました。"
                ),
            }
        )
    if budget.depth_exceeded:
        hits.append(
            {
                "limit": "max_mime_depth",
                "value": budget.max_depth,
                "message": (
                    f"MIME の入れ子が上限（{budget.max_depth} 段）を超えたため、"
                    "それより深い部分は削除しました。"
                ),
            }
        )
    if budget.headers_truncated:
        hits.append(
            {
                "limit": "max_header_bytes",
                "value": policy.limits.max_header_bytes,
                "message": (
                    f"ヘッダーが上限（{policy.limits.max_header_bytes} バイト）を超えたため、"
                    "超えた部分は削除しました。"
                ),
            }
        )
    return hits


def _empty_root() -> Part:
    return Part(headers=[], content_type=ContentType("text", "plain", {}), body=b"", depth=0)


def _read_input(
    raw: bytes, state: WalkState, budget: ParseBudget
) -> tuple[Part, list[dict[str, object]], str | None]:
    """Parse and walk the input; return the root part, the limits hit and an Outlook item's subject."""
    limits = state.policy.limits
    if len(raw) > limits.max_input_bytes:
        state.actions.add(Action.LIMIT_EXCEEDED)
        reason = (
            f"メールの大きさが上限（{limits.max_input_bytes} バイト）を超えたため、"
            "本文と添付ファイルを削除しました。"
        )
        state.results.append(own_result("message.eml", raw, "message/rfc822", Verdict.REMOVED, reason))
        state.actions.add(Action.ATTACHMENT_REMOVED)
        return (
            _empty_root(),
            [{"limit": "max_input_bytes", "value": limits.max_input_bytes, "message": reason}],
            None,
        )
    if not is_mime_like(raw):
        # An Outlook .msg (OLE compound file) is not MIME: it is opened as an Outlook item, or goes to
        # the file engine whole when it cannot be read.
        state.warnings.append(
            "入力は MIME 形式のメールではありません（Outlook の .msg 形式）。添付ファイルとして処理しました。"
        )
        item = unpack_outlook_item(state, "message.msg", raw)
        return _empty_root(), [], clean_text(item.subject) if item is not None and item.subject else None
    root = parse_message(raw, budget)
    walk(state, root)
    limit_hits = _limits_report(budget, state.policy) + state.limit_hits
    if limit_hits:
        state.actions.add(Action.LIMIT_EXCEEDED)
    if budget.defects:
        state.actions.add(Action.MALFORMED_REPAIRED)
    return root, limit_hits, None


def _sanitize(raw: bytes, policy: Policy) -> MessageResult:
    limits = policy.limits
    budget = ParseBudget(
        max_parts=limits.max_mime_parts,
        max_depth=min(limits.max_mime_depth, HARD_MAX_DEPTH),
        max_header_bytes=limits.max_header_bytes,
    )
    state = WalkState(policy=policy)
    root, limit_hits, outlook_subject = _read_input(raw, state, budget)
    if state.links:
        state.actions.add(
            Action.LINKS_REMOVED if policy.links is LinkHandling.REMOVE else Action.LINKS_DEFANGED
        )
    if not state.actions:
        state.actions.add(Action.CHECKED)
    actions = tuple(action for action in Action if action in state.actions)
    subject_raw = root.header("subject")
    subject = clean_text(decode_encoded_words(subject_raw)) if subject_raw is not None else outlook_subject
    notice = notice_text(
        actions=actions,
        results=state.results,
        links=state.links,
        findings=state.findings,
        warnings=state.warnings + [str(hit["message"]) for hit in limit_hits],
        defects=budget.defects,
        has_mojibake=state.has_mojibake,
    )
    body = notice + "\n\n" + ("\n\n".join(state.texts) if state.texts else "（本文はありません）") + "\n"
    output = build_message(
        addresses=_addresses(root),
        subject=subject,
        date=root.header("date"),
        ids=[(label, root.header(label.lower())) for label in ("Message-ID", "In-Reply-To", "References")],
        actions=[action.value for action in actions],
        text=body,
        attachments=state.outputs,
    )
    is_oversized = any(hit["limit"] == "max_input_bytes" for hit in limit_hits)
    verdict = Verdict.REMOVED.value if is_oversized else _message_verdict(root, state)
    report: dict[str, object] = {
        "verdict": verdict,
        "actions": [action.value for action in actions],
        "attachments": [_attachment_report(result) for result in state.results],
        "limits": limit_hits,
        "defects": list(budget.defects),
        "findings": [finding.to_report() for finding in state.findings],
        "warnings": list(state.warnings),
        "links": state.links,
        "subject": subject,
    }
    return MessageResult(
        output=output,
        verdict=verdict,
        actions=actions,
        attachments=tuple(state.results),
        report=report,
    )


def _message_verdict(root: Part, state: WalkState) -> str:
    if root.content_type.value in ENCRYPTED_TYPES and any(r.verdict is Verdict.HELD for r in state.results):
        return Verdict.HELD.value
    if Action.TEXTIZED in state.actions:
        return Verdict.CONVERTED.value
    return Verdict.CLEANED.value


def _attachment_report(result: FileResult) -> dict[str, object]:
    report = result.to_report()
    return {
        "filename": result.filename,
        "content_type": result.content_type,
        "sha256": result.sha256,
        "verdict": result.verdict.value,
        "reason": result.reason,
        "output_filename": result.output_filename,
        "detected_type": result.detected_type,
        "findings": report.get("findings", []),
    }


def sanitize_message(raw: bytes, policy: Policy) -> MessageResult:
    """Sanitize one mail message given as raw bytes and return the new message and its report.

    Never raises for any content of ``raw``; raises ``TypeError`` only when called with something
    other than bytes or a ``Policy``.
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("raw must be bytes")
    if not isinstance(policy, Policy):
        raise TypeError("policy must be a mamori.sanitize.Policy")
    data = bytes(raw)
    try:
        return _sanitize(data, policy)
    except Exception:  # the outermost boundary of one message: fail closed (hold it), the caller goes on
        _log.exception("sanitizing a message failed; the message is held")
        return _held_whole(data)


def _held_whole(raw: bytes) -> MessageResult:
    """Return the result for a message that could not be processed: nothing of it is delivered."""
    reason = "メールの処理中に内部エラーが発生したため、内容を渡さずに保留しました。"
    held = own_result("message.eml", raw, "message/rfc822", Verdict.HELD, reason)
    text = (
        "【無害化のお知らせ】このメールは処理中にエラーが発生したため、本文と添付ファイルを保留しました。\n"
        "・原本が必要な場合は、情報政策課に取り出しを申請してください。\n"
        + "─" * 30
        + "\n\n（本文はありません）\n"
    )
    output = build_message(
        addresses=[],
        subject="（無害化できなかったメール）",
        date=None,
        ids=[],
        actions=[Action.MESSAGE_HELD.value],
        text=text,
        attachments=[],
    )
    report: dict[str, object] = {
        "verdict": Verdict.HELD.value,
        "actions": [Action.MESSAGE_HELD.value],
        "attachments": [_attachment_report(held)],
        "limits": [],
        "defects": [],
        "findings": [],
        "warnings": [reason],
        "error": "internal_error",
    }
    return MessageResult(output, Verdict.HELD.value, (Action.MESSAGE_HELD,), (held,), report)
