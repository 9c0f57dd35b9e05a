"""Make zip archives harmless: unpack within limits, sanitize every member, repack what survived."""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize._zipsafe import open_zip, read_member
from mamori.sanitize.errors import EncryptedContent, LimitExceeded, MalformedContent
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


def _check_depth(ctx: Context) -> None:
    if ctx.depth >= ctx.policy.limits.max_archive_depth:
        raise LimitExceeded(limit="max_archive_depth", detail=f"{ctx.depth + 1} 階層目の圧縮ファイル")


def _sanitize_one(
    name: str, member: bytes, ctx: Context, sanitize_member: SanitizeMember
) -> tuple[str, FileResult]:
    child = Context(ctx.policy, name, depth=ctx.depth + 1, budget=ctx.budget)
    result = sanitize_member(member, name, child)
    for finding in result.findings:
        ctx.find(finding.code, f"{name}: {finding.detail}" if finding.detail else name)
    return name, result


def clean_zip(data: bytes, ctx: Context, sanitize_member: SanitizeMember) -> Converted:
    """Sanitize each member with the same rules as a top-level file and repack the results."""
    _check_depth(ctx)
    archive, infos = open_zip(data, ctx, "圧縮ファイル")
    results = [
        _sanitize_one(member_name(info), read_member(archive, info, ctx), ctx, sanitize_member)
        for info in infos
        if not info.is_dir()
    ]
    return _repack(results, ctx, Verdict.CLEANED)


def clean_7z(data: bytes, ctx: Context, sanitize_member: SanitizeMember) -> Converted:
    """Unpack a 7z archive within the limits, sanitize every member and repack them as a zip."""
    import py7zr

    _check_depth(ctx)
    limits = ctx.policy.limits
    assert ctx.budget is not None
    allowance = min(
        limits.max_expanded_bytes - ctx.budget.used, max(len(data), 1024) * limits.max_expansion_ratio
    )
    try:
        with py7zr.SevenZipFile(io.BytesIO(data), mode="r", max_extract_size=max(allowance, 0)) as archive:
            if archive.needs_password():
                ctx.find("password_archive", "7z")
                raise EncryptedContent(detail="パスワード付き圧縮ファイル")
            infos = archive.list()
            if len(infos) > limits.max_archive_members:
                raise LimitExceeded(
                    limit="max_archive_members", detail=f"圧縮ファイルのメンバー数 {len(infos)}"
                )
            total = sum(info.uncompressed or 0 for info in infos)
            if total > allowance:
                raise LimitExceeded(limit="max_expansion_ratio", detail=f"展開後サイズ {total} バイト")
            with tempfile.TemporaryDirectory(prefix="mamori-7z-") as folder:
                archive.extractall(path=folder)
                members = _read_tree(Path(folder), ctx)
    except py7zr.PasswordRequired as exc:
        ctx.find("password_archive", "7z")
        raise EncryptedContent(detail="パスワード付き圧縮ファイル") from exc
    except py7zr.DecompressionBombError as exc:
        raise LimitExceeded(limit="max_expansion_ratio", detail="7z の展開後サイズが異常です") from exc
    except (py7zr.Bad7zFile, py7zr.UnsupportedCompressionMethodError, py7zr.DecompressionError) as exc:
        raise MalformedContent(detail="7z 圧縮ファイルを展開できません") from exc
    except (OSError, ValueError, KeyError, IndexError, EOFError, TypeError, AttributeError) as exc:
        raise MalformedContent(detail="7z 圧縮ファイルを展開できません") from exc
    results = [_sanitize_one(name, member, ctx, sanitize_member) for name, member in members]
    converted = _repack(results, ctx, Verdict.CONVERTED)
    return Converted(
        converted.verdict,
        converted.output,
        converted.content_type,
        converted.output_filename,
        "7z 圧縮ファイルを展開して無害化し、zip 形式で再格納しました。",
    )


def _read_tree(folder: Path, ctx: Context) -> list[tuple[str, bytes]]:
    """Read regular files unpacked under folder; links and special files are never followed."""
    members: list[tuple[str, bytes]] = []
    root = folder.resolve()
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            ctx.find("lnk", f"シンボリックリンク {path.name}")
            continue
        if not path.is_file() or not path.resolve().is_relative_to(root):
            continue
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read()
        assert ctx.budget is not None
        ctx.budget.spend(len(data))
        members.append((path.relative_to(folder).as_posix(), data))
    return members


def _repack(results: list[tuple[str, FileResult]], ctx: Context, verdict: Verdict) -> Converted:
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
        verdict,
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
