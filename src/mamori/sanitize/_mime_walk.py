"""Walk a parsed message: collect its readable text and send each attachment through the file engine.

Used by ``mail.py``; the walk decides what is body (text/plain, text/html, enclosed messages, delivery
reports) and what is an attachment, and records every decision for the report.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field

from mamori.sanitize import tnef
from mamori.sanitize._mime import Part, decode_transfer, decode_uuencode
from mamori.sanitize._mime_build import OutputAttachment
from mamori.sanitize._mime_flowed import unflow
from mamori.sanitize._mime_headers import clean_text, decode_encoded_words
from mamori.sanitize._mime_msg import OLE_MAGIC, MsgError, OutlookMessage, read_msg
from mamori.sanitize.charsets import decode_bytes
from mamori.sanitize.errors import SanitizeError
from mamori.sanitize.files import sanitize_file
from mamori.sanitize.html import html_to_text
from mamori.sanitize.links import defang_text
from mamori.sanitize.policy import LinkHandling, Policy
from mamori.sanitize.results import Action, FileResult, Finding, Verdict

__all__ = [
    "ENCRYPTED_TYPES",
    "HARD_MAX_DEPTH",
    "MAX_HTML_BYTES",
    "WalkState",
    "own_result",
    "sanitize_attachment",
    "walk",
]

_log = logging.getLogger("mamori.sanitize.mail")

# Recursion guard independent of the policy: a policy may allow deep nesting, Python's stack may not.
HARD_MAX_DEPTH = 100
# Caps the HTML body text-ized per part (memory: lxml trees take about ten times the source size).
MAX_HTML_BYTES = 2 * 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_UUENCODED = re.compile(r"^begin [0-7]{3,4} ([^\n]{1,255})\n.*?^end[ \t]*$", re.MULTILINE | re.DOTALL)
_BIDI = re.compile(r"[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_BODY_TYPES = frozenset({"text/plain", "text/html", "text/enriched", "text/richtext"})
_TEXT_SUBTYPES = frozenset({"plain", "html", "enriched", "richtext", ""})
_TEXTUAL_MESSAGE = frozenset(
    {"delivery-status", "disposition-notification", "feedback-report", "global-delivery-status"}
)
_EXTENSIONS = {
    "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/bmp": ".bmp", "image/tiff": ".tif",
    "image/webp": ".webp", "application/pdf": ".pdf", "text/plain": ".txt", "text/html": ".html",
    "text/calendar": ".ics", "application/zip": ".zip", "message/rfc822": ".eml",
}  # fmt: skip
ENCRYPTED_TYPES = frozenset(
    {"application/pkcs7-mime", "application/x-pkcs7-mime", "application/pgp-encrypted", "multipart/encrypted"}
)
_ENCRYPTED_CODES = frozenset({"encrypted", "password_archive", "password_protected", "encrypted_office"})
_SIGNATURE_TYPES = frozenset(
    {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
)


@dataclass
class WalkState:
    """Everything gathered while walking one message."""

    policy: Policy
    texts: list[str] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)
    outputs: list[OutputAttachment] = field(default_factory=list)
    actions: set[Action] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    links: int = 0
    unnamed: int = 0
    has_mojibake: bool = False
    limit_hits: list[dict[str, object]] = field(default_factory=list)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _add_text(state: WalkState, text: str) -> None:
    text = _clean(text).strip("\n")
    if text.strip():
        state.texts.append(text)


def _plain_text(state: WalkState, part: Part) -> str:
    data = decode_transfer(part.body, part.transfer_encoding)
    decoded = decode_bytes(data, part.content_type.params.get("charset"))
    if not decoded.is_exact:
        state.has_mojibake = True
    plain = _clean(decoded.text)
    if "begin " in plain:
        plain = _extract_uuencoded(state, plain)
    params = part.content_type.params
    if params.get("format", "").lower() == "flowed":
        plain = unflow(plain, delete_space=params.get("delsp", "").lower() == "yes")
    text, stats = defang_text(plain, remove=state.policy.links is LinkHandling.REMOVE)
    state.links += stats.defanged + stats.removed
    return text


def _extract_uuencoded(state: WalkState, text: str) -> str:
    """Take uuencoded files out of a text body: Outlook shows them as real attachments otherwise."""

    def replace(match: re.Match[str]) -> str:
        name = _safe_name(state, match.group(1)) or "uuencode.bin"
        data = decode_uuencode(match.group(0).encode("ascii", "replace"))
        sanitize_attachment(state, name, data, "application/octet-stream")
        return f"［本文中に埋め込まれていたファイル「{name}」を取り出し、添付ファイルとして処理しました］"

    return _UUENCODED.sub(replace, text)


def _html_text(state: WalkState, part: Part) -> str:
    data = decode_transfer(part.body, part.transfer_encoding)
    if len(data) > MAX_HTML_BYTES:
        # A parsed HTML tree costs about ten times its source in memory; real mail bodies are far smaller.
        data = data[:MAX_HTML_BYTES]
        size = MAX_HTML_BYTES // (1024 * 1024)
        message = f"HTML 本文が大きすぎる（{size} MiB 超）ため、先頭部分だけを表示しました。"
        state.limit_hits.append({"limit": "max_html_bytes", "value": MAX_HTML_BYTES, "message": message})
    policy = state.policy
    result = html_to_text(
        data,
        charset=part.content_type.params.get("charset"),
        links=policy.links,
        hidden_text=policy.hidden_text,
        remove_tracking_images=policy.remove_tracking_images,
    )
    state.actions.add(Action.TEXTIZED)
    state.links += result.links
    state.findings.extend(result.findings)
    if result.hidden_texts:
        flagged = policy.hidden_text.value == "flag"
        state.actions.add(Action.HIDDEN_TEXT_FLAGGED if flagged else Action.HIDDEN_TEXT_REMOVED)
    if result.tracking_images and policy.remove_tracking_images:
        state.actions.add(Action.TRACKING_IMAGES_REMOVED)
    return result.text


def _has_html(part: Part) -> bool:
    if part.children is not None:
        return any(_has_html(child) for child in part.children)
    return part.content_type.value == "text/html"


def _is_attachment(part: Part) -> bool:
    disposition, _ = part.disposition
    if disposition == "attachment":
        return True
    if part.content_type.maintype != "text" or part.content_type.subtype not in _TEXT_SUBTYPES:
        return True
    return bool(part.filename) and disposition != "inline"


def walk(state: WalkState, part: Part) -> None:
    """Collect body text and attachments of one part (nesting is bounded by the parser's depth limit)."""
    if part.depth > HARD_MAX_DEPTH:
        return
    ctype = part.content_type
    if part.is_truncated:
        _truncated(state, part)
    if ctype.value in ENCRYPTED_TYPES:
        _held_encrypted(state, part)
        return
    if part.children is not None:
        _walk_multipart(state, part)
        return
    if part.message is not None:
        _walk_enclosed(state, part.message)
        return
    if part.is_truncated:
        return
    if ctype.maintype == "message" and ctype.subtype in _TEXTUAL_MESSAGE:
        _add_text(state, _plain_text(state, part))
        return
    if ctype.value == "text/rfc822-headers":
        _add_text(state, _plain_text(state, part))
        return
    if ctype.value == "message/external-body":
        state.warnings.append("外部にある本文（message/external-body）への参照を削除しました。")
        return
    if ctype.value in _SIGNATURE_TYPES:
        _removed(state, part, "電子署名（無害化により署名は無効になるため削除しました）")
        return
    if _is_attachment(part):
        _attachment(state, part)
        return
    if ctype.subtype == "html":
        _add_text(state, _html_text(state, part))
    else:
        _add_text(state, _plain_text(state, part))


def _walk_multipart(state: WalkState, part: Part) -> None:
    children = part.children or []
    subtype = part.content_type.subtype
    if subtype == "alternative" and children:
        # Show what the recipient's client would have shown: the richest alternative (RFC 2046
        # §5.1.4 orders them from plainest to richest), which is also where phishing hides.
        chosen = next((child for child in reversed(children) if _has_html(child)), None)
        if chosen is None:
            chosen = next(
                (
                    child
                    for child in reversed(children)
                    if child.content_type.maintype in ("text", "multipart")
                ),
                children[-1],
            )
        before = len(state.texts)
        walk(state, chosen)
        if len(state.texts) == before:
            # The rich alternative had no visible text (sisimai office365-13): show a plainer one.
            for child in reversed(children):
                if child is not chosen and child.content_type.maintype in ("text", "multipart"):
                    walk(state, child)
                    if len(state.texts) > before:
                        break
        for child in children:
            # Other representations (a meeting's text/calendar, a PDF version) are files: report them.
            ctype = child.content_type
            if child is not chosen and ctype.maintype != "multipart" and ctype.value not in _BODY_TYPES:
                walk(state, child)
        return
    if subtype == "signed" and children:
        state.warnings.append("電子署名付きのメールでした。無害化により署名は検証できなくなります。")
    for child in children:
        walk(state, child)


def _walk_enclosed(state: WalkState, message: Part) -> None:
    lines = ["---------- 添付されていたメッセージ ----------"]
    for label, name in (("差出人", "from"), ("宛先", "to"), ("日付", "date"), ("件名", "subject")):
        value = message.header(name)
        if value:
            lines.append(f"{label}: {clean_text(decode_encoded_words(value))}")
    text, stats = defang_text("\n".join(lines), remove=state.policy.links is LinkHandling.REMOVE)
    state.links += stats.defanged + stats.removed
    state.texts.append(_clean(text))
    walk(state, message)
    state.texts.append("---------- 添付されていたメッセージここまで ----------")


def _truncated(state: WalkState, part: Part) -> None:
    state.actions.add(Action.LIMIT_EXCEEDED)
    if part.children is None and part.message is None:
        # Nothing below this part was parsed: its whole content is dropped, never passed on.
        reason = "MIME の入れ子またはパート数が上限を超えたため、このパートの内容を削除しました。"
        data = part.body
        _record(
            state, own_result(_filename(state, part), data, part.content_type.value, Verdict.REMOVED, reason)
        )


def _safe_name(state: WalkState, untrusted_name: str) -> str:
    """Reduce an attachment name to a plain base name, without direction tricks or path parts."""
    name = clean_text(untrusted_name)
    if _BIDI.search(name):
        # "invoice\u202eexe.pdf" shows as "invoicefdp.exe": say so and show the real order.
        state.findings.append(
            Finding("filename_bidi", "ファイル名に表示順を偽装する制御文字がありました。", name)
        )
        name = _BIDI.sub("", name)
    name = posixpath.basename(name.replace("\\", "/"))
    return name.strip(". ")[:200]


def _extension_for(content_type: str) -> str:
    """Return a file name extension for a MIME type (Python's built-in table; .bin when unknown)."""
    known = _EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type, strict=False)
    return known or ".bin"


def _filename(state: WalkState, part: Part) -> str:
    name = _safe_name(state, part.filename)
    if not name:
        state.unnamed += 1
        name = f"添付ファイル{state.unnamed}{_extension_for(part.content_type.value)}"
    return name


def _record(state: WalkState, result: FileResult) -> None:
    state.results.append(result)
    if result.verdict is Verdict.CLEANED and result.output is not None:
        state.actions.add(Action.ATTACHMENT_CLEANED)
    elif result.verdict is Verdict.CONVERTED and result.output is not None:
        state.actions.add(Action.ATTACHMENT_CONVERTED)
    elif result.verdict is Verdict.HELD:
        codes = {finding.code for finding in result.findings}
        is_encrypted = bool(codes & _ENCRYPTED_CODES) or "暗号" in result.reason
        state.actions.add(Action.ENCRYPTED_HELD if is_encrypted else Action.ATTACHMENT_HELD)
    else:
        state.actions.add(Action.ATTACHMENT_REMOVED)
    if result.output is not None and result.verdict in (Verdict.CLEANED, Verdict.CONVERTED):
        state.outputs.append(
            OutputAttachment(
                filename=result.output_filename or result.filename,
                content_type=result.content_type,
                data=result.output,
            )
        )


def own_result(filename: str, data: bytes, content_type: str, verdict: Verdict, reason: str) -> FileResult:
    """Return a result decided by the mail side itself (blocked name, encrypted, limit), without output."""
    return FileResult(
        filename=filename,
        detected_type="unknown",
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        verdict=verdict,
        reason=reason,
        output=None,
        output_filename=None,
    )


def _removed(state: WalkState, part: Part, reason: str) -> None:
    data = decode_transfer(part.body, part.transfer_encoding)
    _record(state, own_result(_filename(state, part), data, part.content_type.value, Verdict.REMOVED, reason))


def _held_encrypted(state: WalkState, part: Part) -> None:
    data = part.body if part.children is None else b""
    if part.content_type.params.get("smime-type", "").lower() in ("signed-data", "certs-only"):
        # Opaque S/MIME signing (RFC 8551 §3.5.2): the content sits inside PKCS #7 and is not inspected.
        reason = "S/MIME 署名データの中身は検査できないため、原本を保留（隔離）しました。"
        state.results.append(
            own_result(_filename(state, part), data, part.content_type.value, Verdict.HELD, reason)
        )
        state.actions.add(Action.ATTACHMENT_HELD)
        return
    verdict = Verdict.HELD if state.policy.encrypted.value == "hold" else Verdict.REMOVED
    reason = "暗号化されているため検査できません。原本は保留（隔離）されています。"
    if verdict is Verdict.REMOVED:
        reason = "暗号化されているため検査できず、削除しました。"
    result = own_result(_filename(state, part), data, part.content_type.value, verdict, reason)
    state.results.append(result)
    state.actions.add(Action.ENCRYPTED_HELD if verdict is Verdict.HELD else Action.ATTACHMENT_REMOVED)


def _attachment(state: WalkState, part: Part) -> None:
    name = _filename(state, part)
    data = decode_transfer(part.body, part.transfer_encoding)
    is_tnef = part.content_type.value in ("application/ms-tnef", "application/vnd.ms-tnef")
    if is_tnef or name.lower() == "winmail.dat":
        _unpack_tnef(state, name, data)
        return
    if data.startswith(OLE_MAGIC) and (name.lower().endswith(".msg") or "outlook" in part.content_type.value):
        unpack_outlook_item(state, name, data)
        return
    sanitize_attachment(state, name, data, part.content_type.value)


def sanitize_attachment(state: WalkState, name: str, data: bytes, content_type: str) -> None:
    """Sanitize one attachment through the file engine, removing it when that fails."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in state.policy.blocked_extensions:
        # Decided by name alone, before any converter runs: nothing to parse for these.
        reason = f"実行される可能性のある形式（.{extension}）のため削除しました。"
        _record(state, own_result(name, data, content_type, Verdict.REMOVED, reason))
        return
    try:
        result = sanitize_file(data, name, state.policy)
    except SanitizeError as exc:
        reason = f"添付ファイルを無害化できないため削除しました（{exc.message}）。"
        result = own_result(name, data, content_type, Verdict.REMOVED, reason)
    except Exception:  # the per-attachment loop is the outermost one: fail closed (remove) and go on
        _log.exception("sanitizing an attachment failed; it is removed")
        reason = "添付ファイルの処理中にエラーが発生したため削除しました。"
        result = own_result(name, data, content_type, Verdict.REMOVED, reason)
    _record(state, result)


def _unpack_tnef(state: WalkState, name: str, data: bytes) -> None:
    try:
        content = tnef.parse_tnef(data, max_attachments=state.policy.limits.max_mime_parts)
    except tnef.TnefError as exc:
        reason = f"winmail.dat（TNEF）を解析できないため削除しました（{exc.message}）。"
        _record(state, own_result(name, data, "application/ms-tnef", Verdict.REMOVED, reason))
        return
    state.warnings.append(f"{name}（Outlook の TNEF 形式）を展開し、中の添付ファイルを個別に処理しました。")
    if content.is_truncated:
        state.warnings.append(f"{name} は途中で切れていました。読み取れた部分だけを処理しました。")
    if content.body_text:
        text, stats = defang_text(_clean(content.body_text), remove=state.policy.links is LinkHandling.REMOVE)
        state.links += stats.defanged + stats.removed
        _add_text(state, text)
    elif content.body_html:
        result = html_to_text(
            content.body_html, links=state.policy.links, hidden_text=state.policy.hidden_text
        )
        state.actions.add(Action.TEXTIZED)
        state.links += result.links
        _add_text(state, result.text)
    elif content.body_rtf:
        _tnef_rtf_body(state, name, content.body_rtf)
    for index, item in enumerate(content.attachments, 1):
        inner = _safe_name(state, item.filename) or f"winmail添付{index}.bin"
        sanitize_attachment(state, inner, item.data, item.mime_type or "application/octet-stream")


def _tnef_rtf_body(state: WalkState, name: str, compressed: bytes) -> None:
    """Show a TNEF compressed-RTF body ([MS-OXRTFCP]) as body text, converted by the file engine."""
    try:
        rtf = tnef.decompress_rtf(compressed)
    except tnef.TnefError:
        state.warnings.append(f"{name} の本文（圧縮 RTF）を展開できないため削除しました。")
        return
    filename = "本文（Outlook リッチテキスト）.rtf"
    try:
        result = sanitize_file(rtf, filename, state.policy)
    except SanitizeError:
        result = None
    except Exception:  # outermost step for this body: fail closed (drop it) and go on
        _log.exception("converting a TNEF RTF body failed; it is dropped")
        result = None
    if result is not None and result.output is not None and result.content_type.startswith("text/plain"):
        text, stats = defang_text(
            _clean(result.output.decode("utf-8", "replace")), remove=_removes_links(state)
        )
        state.links += stats.defanged + stats.removed
        state.actions.add(Action.TEXTIZED)
        _add_text(state, text)
        return
    state.warnings.append(f"{name} の本文（Outlook リッチテキスト）をテキストにできないため削除しました。")


def _removes_links(state: WalkState) -> bool:
    return state.policy.links is LinkHandling.REMOVE


def unpack_outlook_item(state: WalkState, name: str, data: bytes) -> OutlookMessage | None:
    """Show an Outlook .msg item like an enclosed message; unreadable ones go to the file engine whole."""
    try:
        item = read_msg(data, max_attachments=state.policy.limits.max_mime_parts)
    except MsgError:
        sanitize_attachment(state, name, data, "application/vnd.ms-outlook")
        return None
    except Exception:  # outermost step for this attachment: let the file engine decide on it whole
        _log.exception("reading an Outlook item failed; it goes to the file engine")
        sanitize_attachment(state, name, data, "application/vnd.ms-outlook")
        return None
    state.warnings.append(f"{name}（Outlook のメッセージ）を開き、本文と添付ファイルを個別に処理しました。")
    _add_outlook_item(state, name, item)
    return item


def _add_outlook_item(state: WalkState, name: str, item: OutlookMessage) -> None:
    lines = ["---------- 添付されていた Outlook メッセージ ----------"]
    for label, value in (("差出人", item.sender), ("宛先", item.to), ("CC", item.cc), ("日付", item.date)):
        if value.strip():
            lines.append(f"{label}: {clean_text(value)}")
    lines.append(f"件名: {clean_text(item.subject)}")
    header, stats = defang_text("\n".join(lines), remove=_removes_links(state))
    state.links += stats.defanged + stats.removed
    state.texts.append(_clean(header))
    before = len(state.texts)
    if item.body_html:
        policy = state.policy
        result = html_to_text(
            item.body_html[:MAX_HTML_BYTES],
            links=policy.links,
            hidden_text=policy.hidden_text,
            remove_tracking_images=policy.remove_tracking_images,
        )
        state.actions.add(Action.TEXTIZED)
        state.links += result.links
        state.findings.extend(result.findings)
        _add_text(state, result.text)
    if len(state.texts) == before and item.body_text:
        text, stats = defang_text(_clean(item.body_text), remove=_removes_links(state))
        state.links += stats.defanged + stats.removed
        _add_text(state, text)
    if len(state.texts) == before and item.body_rtf:
        _tnef_rtf_body(state, name, item.body_rtf)
    for index, attachment in enumerate(item.attachments, 1):
        inner = _safe_name(state, attachment.filename) or f"Outlook添付{index}.bin"
        sanitize_attachment(state, inner, attachment.data, attachment.mime_type or "application/octet-stream")
    for embedded in item.embedded:
        _add_outlook_item(state, name, embedded)
    state.texts.append("---------- 添付されていた Outlook メッセージここまで ----------")
