"""Private helpers to open untrusted zip containers within the configured limits."""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib

from mamori.sanitize._context import Context
from mamori.sanitize.errors import EncryptedContent, LimitExceeded, MalformedContent

# What zipfile raises on hostile archives, including its decompressors' own errors.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    EOFError,
    RuntimeError,
    KeyError,
    NotImplementedError,
    zlib.error,
    lzma.LZMAError,
)


def open_zip(data: bytes, ctx: Context, what: str) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open a zip and check member count, encryption and declared sizes before reading anything."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise MalformedContent(detail=f"{what}を展開できません") from exc
    limits = ctx.policy.limits
    if len(infos) > limits.max_archive_members:
        raise LimitExceeded(limit="max_archive_members", detail=f"{what}のメンバー数 {len(infos)}")
    if any(info.flag_bits & 0x1 for info in infos):
        ctx.find("password_archive" if what == "圧縮ファイル" else "encrypted", what)
        raise EncryptedContent(detail=f"パスワード付きの{what}")
    total = sum(info.file_size for info in infos)
    if total > limits.max_expanded_bytes:
        raise LimitExceeded(limit="max_expanded_bytes", detail=f"{what}の展開後サイズ {total} バイト")
    return archive, infos


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: Context) -> bytes:
    """Read one member, refusing ratio bombs and sizes that lie about themselves."""
    limits = ctx.policy.limits
    ceiling = max(info.compress_size, 1024) * limits.max_expansion_ratio
    declared_limit = min(ceiling, limits.max_expanded_bytes)
    if info.file_size > declared_limit:
        raise LimitExceeded(
            limit="max_expansion_ratio",
            detail=f"「{info.filename}」の圧縮率が異常です（{info.file_size} バイト）",
        )
    try:
        with archive.open(info) as handle:
            # Read one byte past the limit: the local header may understate the real size.
            data = handle.read(declared_limit + 1)
    except ZIP_ERRORS as exc:
        raise MalformedContent(detail=f"「{info.filename}」を展開できません") from exc
    if len(data) > declared_limit:
        raise LimitExceeded(
            limit="max_expansion_ratio", detail=f"「{info.filename}」の展開後サイズが異常です"
        )
    assert ctx.budget is not None
    ctx.budget.spend(len(data))
    return data
