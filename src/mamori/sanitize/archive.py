"""Make zip archives harmless: unpack within limits, sanitize every member, repack what survived."""

from __future__ import annotations

import contextlib
import io
import posixpath
import zipfile
from collections.abc import Callable

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize._zipsafe import open_zip, read_member
from mamori.sanitize.errors import EncryptedContent, LimitExceeded
from mamori.sanitize.results import FileResult, Verdict

# Name of the report placed inside a repacked archive so the recipient sees what was removed.
REPORT_NAME = "無害化結果.txt"

SanitizeMember = Callable[[bytes, str, Context], FileResult]


def member_name(info: zipfile.ZipInfo) -> str:
    """Return a safe relative member name, decoding CP932 names written by Japanese Windows."""
    name = info.filename
    if not info.flag_bits & 0x800:
        # Without the UTF-8 flag zipfile decoded the name as CP437 (APPNOTE 4.4.4); Japanese Windows
        # writes CP932 there.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("cp932")
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    cleaned = "/".join("".join(ch for ch in p if ch >= " " and ch not in ':*?"<>|') for p in parts)
    return cleaned or "member"


def clean_zip(data: bytes, ctx: Context, sanitize_member: SanitizeMember) -> Converted:
    """Sanitize each member with the same rules as a top-level file and repack the results."""
    if ctx.depth >= ctx.policy.limits.max_archive_depth:
        raise LimitExceeded(limit="max_archive_depth", detail=f"{ctx.depth + 1} 階層目の圧縮ファイル")
    archive, infos = open_zip(data, ctx, "圧縮ファイル")
    results: list[tuple[str, FileResult]] = []
    for info in infos:
        if info.is_dir():
            continue
        name = member_name(info)
        member = read_member(archive, info, ctx)
        child = Context(ctx.policy, name, depth=ctx.depth + 1, budget=ctx.budget)
        result = sanitize_member(member, name, child)
        for finding in result.findings:
            ctx.find(finding.code, f"{name}: {finding.detail}" if finding.detail else name)
        results.append((name, result))
    if any(result.verdict is Verdict.HELD for _name, result in results):
        raise EncryptedContent(detail="圧縮ファイル内に検査できないファイルがあります")
    delivered = [(name, r) for name, r in results if r.is_delivered]
    if not delivered:
        raise LimitExceeded(limit="content", detail="圧縮ファイル内に渡せるファイルがありません")
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, result in delivered:
            assert result.output is not None and result.output_filename is not None
            path = posixpath.join(posixpath.dirname(name), result.output_filename)
            while path in used or path == REPORT_NAME:
                path = posixpath.join(posixpath.dirname(path), "_" + posixpath.basename(path))
            used.add(path)
            target.writestr(path, result.output)
        target.writestr(REPORT_NAME, _report_text(results).encode("utf-8"))
    return Converted(
        Verdict.CLEANED,
        out.getvalue(),
        "application/zip",
        output_name(ctx.filename, "zip"),
        f"圧縮ファイル内の {len(results)} 個のファイルを無害化し、{len(delivered)} 個を再格納しました。",
    )


def _report_text(results: list[tuple[str, FileResult]]) -> str:
    labels = {
        Verdict.CLEANED: "無害化済み",
        Verdict.CONVERTED: "変換済み",
        Verdict.REMOVED: "削除",
        Verdict.HELD: "保留",
    }
    lines = ["無害化結果", ""]
    for name, result in results:
        lines.append(f"{name}\t{labels[result.verdict]}\t{result.reason}")
    return "\r\n".join(lines) + "\r\n"
