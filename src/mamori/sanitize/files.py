"""Sanitize one file: the single entry point for attachments and standalone files."""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile

from mamori.sanitize import filetype
from mamori.sanitize._context import Context, Converted
from mamori.sanitize._zipsafe import ZIP_ERRORS
from mamori.sanitize.errors import (
    EncryptedContent,
    IsolationError,
    LimitExceeded,
    MalformedContent,
    UnsupportedContent,
)
from mamori.sanitize.policy import EncryptedHandling, Mode, Policy
from mamori.sanitize.results import FileResult, Finding, Verdict

_log = logging.getLogger(__name__)

# Findings carried back from a worker; an archive of many hostile members reports the first ones only.
MAX_REPORTED_FINDINGS = 200

# Policy field that decides the handling of each supported detected type.
CATEGORY: dict[str, str] = {
    "pdf": "pdf",
    "docx": "office",
    "xlsx": "office",
    "pptx": "office",
    "doc": "legacy_office",
    "xls": "legacy_office",
    "ppt": "legacy_office",
    "png": "image",
    "jpeg": "image",
    "gif": "image",
    "bmp": "image",
    "tiff": "image",
    "webp": "image",
    "pnm": "image",
    "svg": "svg",
    "zip": "archive",
    "7z": "archive",
    "text": "text",
    "csv": "text",
    "tsv": "text",
    "html": "html",
    "rtf": "rtf",
    "odf": "odf",
}
# Types refused outright, with the finding each one means.
_DANGEROUS: dict[str, str] = {
    "executable": "executable",
    "lnk": "lnk",
    "script": "script",
    "jar": "executable",
}
_TYPE_LABELS: dict[str, str] = {
    "executable": "実行ファイル",
    "lnk": "ショートカット",
    "script": "スクリプト",
    "jar": "Java アーカイブ",
    "disk_image": "ディスクイメージ",
    "archive_other": "未対応の圧縮形式",
    "odf": "OpenDocument 文書",
    "epub": "EPUB 電子書籍",
    "xps": "XPS 文書",
    "msg": "Outlook メッセージ（.msg）",
    "ole": "不明な OLE 複合文書",
    "office_xml": "Office XML（2003 形式）文書",
    "sylk": "SYLK 形式",
    "xlsb": "Excel バイナリブック（.xlsb）",
    "media": "音声・動画",
    "unknown": "不明な形式",
}


def sanitize_file(data: bytes, filename: str, policy: Policy) -> FileResult:
    """Make one file harmless per the policy, parsing it in an isolated worker; never pass the original.

    Raises TypeError only for misuse (data not bytes, policy not a Policy).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("data must be bytes")
    if not isinstance(policy, Policy):
        raise TypeError("policy must be a Policy")
    data = bytes(data)
    filename = str(filename)
    digest = hashlib.sha256(data).hexdigest()
    if len(data) > policy.limits.max_input_bytes:
        detail = f"{len(data)} バイト（上限 {policy.limits.max_input_bytes} バイト）"
        return _refused(
            filename,
            digest,
            "unknown",
            Verdict.REMOVED,
            f"ファイルが大きすぎるため削除しました: {detail}",
            (),
        )
    from mamori.sanitize.isolation import shared_pool

    try:
        reply = shared_pool().run(process_untrusted, data, filename, policy, policy.limits)
    except IsolationError as exc:
        return _refused(
            filename, digest, "unknown", Verdict.REMOVED, f"{exc.message}。安全のため削除しました。", ()
        )
    return trusted_result(reply.untrusted_header, reply.untrusted_output, filename, digest, policy)


def sanitize_without_isolation(data: bytes, filename: str, policy: Policy) -> FileResult:
    """Sanitize in this process (fuzzing, the worker itself); callers normally want sanitize_file."""
    return sanitize_member(bytes(data), str(filename), Context(policy, str(filename)))


def process_untrusted(data: bytes, filename: str, policy: object) -> tuple[dict[str, object], bytes | None]:
    """Worker side: sanitize and flatten the result to plain data for the trip back."""
    assert isinstance(policy, Policy)
    result = sanitize_without_isolation(data, filename, policy)
    header: dict[str, object] = {
        "detected_type": result.detected_type,
        "content_type": result.content_type,
        "verdict": result.verdict.value,
        "reason": result.reason,
        "output_filename": result.output_filename,
        # Bounded so the header always fits the parent's read limit (isolation.MAX_HEADER_BYTES).
        "findings": [
            [f.code, f.message[:200], f.detail[:500]] for f in result.findings[:MAX_REPORTED_FINDINGS]
        ],
    }
    return header, result.output


def sanitize_member(data: bytes, filename: str, ctx: Context) -> FileResult:
    """Sanitize one file or archive member in this process, mapping every refusal to a verdict."""
    digest = hashlib.sha256(data).hexdigest()
    policy = ctx.policy
    detected = "unknown"
    try:
        detection = filetype.detect(data, filename)
        detected = detection.type
        if detection.is_name_mismatch:
            ctx.find("extension_mismatch", f"拡張子 .{detection.name_extension}／内容 {detection.type}")
        extension = detection.name_extension
        if extension in policy.blocked_extensions:
            ctx.find("blocked_extension", f".{extension}")
            _note_dangerous(data, detection.type, ctx)
            raise UnsupportedContent(detail=f"拡張子「.{extension}」のファイルは受信できません")
        converted, detected = _convert(data, detection, ctx)
    except EncryptedContent as exc:
        if policy.encrypted is EncryptedHandling.HOLD:
            return _refused(
                filename, digest, detected, Verdict.HELD, f"{exc.message}。原本を保留しました。", ctx
            )
        return _refused(filename, digest, detected, Verdict.REMOVED, f"{exc.message}。削除しました。", ctx)
    except LimitExceeded as exc:
        ctx.find("limit", exc.message)
        return _refused(
            filename, digest, detected, Verdict.REMOVED, f"{exc.message}。安全のため削除しました。", ctx
        )
    except (UnsupportedContent, MalformedContent, IsolationError) as exc:
        return _refused(filename, digest, detected, Verdict.REMOVED, f"{exc.message}。削除しました。", ctx)
    except (MemoryError, RecursionError) as exc:
        return _refused(
            filename,
            digest,
            detected,
            Verdict.REMOVED,
            f"処理中に資源が不足しました（{type(exc).__name__}）。削除しました。",
            ctx,
        )
    if len(converted.output) > policy.limits.max_output_bytes:
        ctx.find("limit", "出力サイズ")
        return _refused(
            filename, digest, detected, Verdict.REMOVED, "変換後のファイルが大きすぎるため削除しました。", ctx
        )
    return FileResult(
        filename=filename,
        detected_type=detected,
        content_type=converted.content_type,
        sha256=digest,
        verdict=converted.verdict,
        reason=converted.reason,
        output=converted.output,
        output_filename=converted.output_filename,
        findings=tuple(ctx.findings),
    )


def _convert(data: bytes, detection: filetype.Detection, ctx: Context) -> tuple[Converted, str]:
    from mamori.sanitize import office_legacy

    policy = ctx.policy
    kind = detection.type
    if kind == "encrypted_office" or (
        kind in ("doc", "xls", "ppt") and office_legacy.is_encrypted_legacy(data)
    ):
        data = office_legacy.decrypt_office(data, ctx)
        detection = filetype.detect(data, ctx.filename)
        kind = detection.type
    if detection.is_encrypted:
        ctx.find("password_archive" if kind == "zip" else "encrypted", kind)
        raise EncryptedContent(
            detail="パスワード付き圧縮ファイル" if kind == "zip" else "暗号化されたファイル"
        )
    if kind not in CATEGORY:
        _note_dangerous(data, kind, ctx)
        label = _TYPE_LABELS.get(kind, kind)
        raise UnsupportedContent(detail=f"{label}は受け付けていません")
    if kind not in policy.allowed_types:
        raise UnsupportedContent(detail=f"形式「{kind}」は受信を許可していません")
    category = CATEGORY[kind]
    mode = policy.mode_for(category)
    if category == "legacy_office":
        office_legacy.inspect_legacy(data, ctx.filename, ctx)
    if mode is Mode.REMOVE:
        raise UnsupportedContent(detail=f"ポリシーで形式「{kind}」は削除と定められています")
    return _dispatch(data, kind, category, mode, ctx), kind


def _dispatch(data: bytes, kind: str, category: str, mode: Mode, ctx: Context) -> Converted:
    from mamori.sanitize import archive, images, odf, office, office_legacy, pdf, rtf, svg, text

    if category == "pdf":
        return pdf.render_pdf(data, ctx) if mode is Mode.RENDER else pdf.clean_pdf(data, ctx)
    if category == "office":
        if mode is Mode.RENDER:
            return office_legacy.convert_with_libreoffice(data, kind, ctx)
        return office.clean_ooxml(data, ctx)
    if category == "legacy_office":
        if mode is Mode.STRUCTURAL:
            raise UnsupportedContent(detail="旧形式の Office 文書は構造的な無害化に対応していません")
        return office_legacy.convert_with_libreoffice(data, kind, ctx)
    if category == "odf":
        if mode is Mode.STRUCTURAL:
            return odf.clean_odf(data, ctx)
        return office_legacy.convert_with_libreoffice(data, _odf_extension(data), ctx)
    if category == "image":
        return images.clean_image(data, kind, ctx)
    if category == "svg":
        return svg.clean_svg(data, ctx)
    if category == "archive":
        if kind == "7z":
            return archive.clean_7z(data, ctx, sanitize_member)
        return archive.clean_zip(data, ctx, sanitize_member)
    if category == "html":
        return text.html_file_to_text(data, ctx)
    if category == "rtf":
        return rtf.rtf_to_text(data, ctx)
    if kind in ("csv", "tsv"):
        return text.clean_delimited(data, kind, ctx)
    return text.clean_text(data, ctx)


def _odf_extension(data: bytes) -> str:
    # LibreOffice picks its import filter partly by extension: give it the one the mimetype names.
    head = data[:200]
    for marker, extension in ((b"spreadsheet", "ods"), (b"presentation", "odp"), (b"graphics", "odg")):
        if marker in head:
            return extension
    return "odt"


_XLM_IN_TEXT = re.compile(rb"EXEC\(|CALL\(|REGISTER\(|RUN\(|HALT\(", re.IGNORECASE)
_DDE_IN_TEXT = re.compile(rb"DDEAUTO|\bDDE\b|<ss:Formula|ddeLink|=\s*[\w.]+\|", re.IGNORECASE)
_OLE_IN_XML = re.compile(rb"<o:OLEObject|<w:binData|editdata\.mso|oleObject|ActiveX", re.IGNORECASE)


def _note_dangerous(data: bytes, kind: str, ctx: Context) -> None:
    """Record what a refused file carried, so the report says why it mattered."""
    if kind in _DANGEROUS:
        ctx.find(_DANGEROUS[kind])
    elif kind == "sylk" and _XLM_IN_TEXT.search(data):
        ctx.find("xlm_macro", "SYLK")
    elif kind == "office_xml":
        if re.search(rb"DDEAUTO|w:instr=\"\s*DDE|<w:instrText>\s*DDE|=\s*[\w.]+\|", data, re.IGNORECASE):
            ctx.find("dde")
        if _OLE_IN_XML.search(data):
            ctx.find("ole_object")
        if re.search(rb"vbaProject|w:docSuppData|macrosPresent=\"yes\"", data, re.IGNORECASE):
            ctx.find("vba_macro")
    elif kind in ("xlsb", "odf", "xps", "epub", "zip"):
        _note_zip_names(data, ctx)
    elif kind in ("ole", "msg"):
        from mamori.sanitize import office_legacy

        office_legacy.inspect_legacy(data, ctx.filename, ctx)


def _note_zip_names(data: bytes, ctx: Context) -> None:
    import io

    try:
        names = [n.lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()]
    except ZIP_ERRORS:
        return
    for name in names:
        if "vbaproject" in name or name.startswith(("basic/", "scripts/")):
            ctx.find("vba_macro", name)
        elif "macrosheets/" in name:
            ctx.find("xlm_macro", name)
        elif "embeddings/" in name or name.startswith("object ") or "/object " in name:
            ctx.find("ole_object", name)
        elif "externallinks/" in name:
            ctx.find("external_link", name)
        elif "activex/" in name:
            ctx.find("activex", name)


def _refused(
    filename: str,
    digest: str,
    detected: str,
    verdict: Verdict,
    reason: str,
    ctx: Context | tuple[Finding, ...],
) -> FileResult:
    findings = tuple(ctx.findings) if isinstance(ctx, Context) else ctx
    mime = filetype.TYPE_INFO.get(detected, filetype.TYPE_INFO["unknown"])[0]
    return FileResult(filename, detected, mime, digest, verdict, reason, None, None, findings)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MIME = re.compile(r"^[a-z0-9.+\-]+/[a-z0-9.+\-]+(; charset=utf-8)?$")
_OUTPUT_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/zip": (b"PK\x03\x04", b"PK\x05\x06"),
}


def _clean_text(value: object, limit: int) -> str:
    return _CONTROL.sub("", value)[:limit] if isinstance(value, str) else ""


def trusted_result(
    untrusted_header: dict[str, object],
    untrusted_output: bytes | None,
    filename: str,
    digest: str,
    policy: Policy,
) -> FileResult:
    """Check everything a worker sent back before it becomes a FileResult (the worker is not trusted)."""
    findings = _checked_findings(untrusted_header.get("findings"))
    detected = untrusted_header.get("detected_type")
    detected = detected if isinstance(detected, str) and detected in filetype.TYPE_INFO else "unknown"
    if "error" in untrusted_header:
        # Logged for operators (English, no traceback); the user sees only the Japanese reason.
        _log.info(
            "sanitize worker failed on %s (sha256 %s): %s %s",
            filename[:200].encode("unicode_escape").decode("ascii"),
            digest,
            _clean_text(untrusted_header.get("error"), 80),
            _clean_text(untrusted_header.get("detail"), 300),
        )
        reason = "隔離プロセスで予期しないエラーが発生しました。安全のため削除しました。"
        return _refused(filename, digest, detected, Verdict.REMOVED, reason, findings)
    try:
        verdict = Verdict(str(untrusted_header.get("verdict")))
    except ValueError:
        return _refused(
            filename,
            digest,
            detected,
            Verdict.REMOVED,
            "隔離プロセスの応答が不正です。削除しました。",
            findings,
        )
    reason = _clean_text(untrusted_header.get("reason"), 1000) or "理由不明"
    if verdict in (Verdict.REMOVED, Verdict.HELD):
        return _refused(filename, digest, detected, verdict, reason, findings)
    content_type = untrusted_header.get("content_type")
    output_filename = (
        _clean_text(untrusted_header.get("output_filename"), 255).replace("/", "_").replace("\\", "_")
    )
    problem = _output_problem(untrusted_output, content_type, output_filename, policy)
    if problem:
        return _refused(
            filename,
            digest,
            detected,
            Verdict.REMOVED,
            f"変換結果の検証に失敗しました（{problem}）。削除しました。",
            findings,
        )
    assert untrusted_output is not None and isinstance(content_type, str)
    return FileResult(
        filename, detected, content_type, digest, verdict, reason, untrusted_output, output_filename, findings
    )


def _output_problem(output: bytes | None, content_type: object, output_filename: str, policy: Policy) -> str:
    if output is None:
        return "出力がありません"
    if len(output) > policy.limits.max_output_bytes:
        return "出力が大きすぎます"
    if not isinstance(content_type, str) or not _MIME.match(content_type):
        return "形式が不正です"
    if not output_filename or output_filename.strip(". ") == "":
        return "ファイル名が不正です"
    if filetype.name_extension(output_filename) in policy.blocked_extensions:
        return "禁止された拡張子です"
    base_type = content_type.split(";")[0]
    magic = _OUTPUT_MAGIC.get(base_type)
    if base_type.startswith("application/vnd.openxmlformats"):
        magic = _OUTPUT_MAGIC["application/zip"]
    if magic is not None and not output.startswith(magic):
        return "内容が形式と一致しません"
    if base_type.startswith("text/"):
        try:
            output.decode("utf-8")
        except UnicodeDecodeError:
            return "テキストが UTF-8 ではありません"
    return ""


def _checked_findings(untrusted: object) -> tuple[Finding, ...]:
    if not isinstance(untrusted, list):
        return ()
    findings: list[Finding] = []
    for item in untrusted[:MAX_REPORTED_FINDINGS]:
        if isinstance(item, list) and len(item) == 3 and all(isinstance(part, str) for part in item):
            code = item[0] if re.fullmatch(r"[a-z_]{1,40}", item[0]) else "unknown"
            findings.append(Finding(code, _clean_text(item[1], 200), _clean_text(item[2], 500)))
    return tuple(findings)


__all__ = ["sanitize_file", "sanitize_member", "sanitize_without_isolation", "trusted_result"]
