"""Inspect legacy binary Office files (doc/xls/ppt) and encrypted Office containers; convert or refuse."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import msoffcrypto
import olefile
from msoffcrypto import exceptions as crypto_errors

from mamori.sanitize._context import Context, Converted
from mamori.sanitize.errors import EncryptedContent, IsolationError, UnsupportedContent

# Excel opens files encrypted with this built-in password without asking ([MS-OFFCRYPTO] 2.3.6.1 note).
EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"  # noqa: S105  # public, documented by Microsoft


def decrypt_office(data: bytes, ctx: Context) -> bytes:
    """Decrypt an Office file protected by Excel's default password, or raise EncryptedContent."""
    ctx.find("encrypted", "Office 文書")
    if not ctx.policy.decrypt_default_password:
        raise EncryptedContent(detail="暗号化された Office 文書")
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=EXCEL_DEFAULT_PASSWORD)
        plain = io.BytesIO()
        office.decrypt(plain)
    except (crypto_errors.InvalidKeyError, crypto_errors.DecryptionError) as exc:
        raise EncryptedContent(detail="パスワード付きの Office 文書") from exc
    except (
        crypto_errors.FileFormatError,
        OSError,
        ValueError,
        KeyError,
        IndexError,
        AssertionError,
        AttributeError,
        TypeError,
    ) as exc:
        raise EncryptedContent(detail="暗号化方式を確認できない Office 文書") from exc
    ctx.find("default_password")
    return plain.getvalue()


def is_encrypted_legacy(data: bytes) -> bool:
    """Tell whether a legacy OLE Office file is encrypted (RC4 / CryptoAPI)."""
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except (
        crypto_errors.FileFormatError,
        OSError,
        ValueError,
        KeyError,
        IndexError,
        AssertionError,
        TypeError,
    ):
        return False


def inspect_legacy(data: bytes, filename: str, ctx: Context) -> None:
    """Record macros, XLM, DDE, OLE objects and shortcuts found in a legacy Office file."""
    from oletools import olevba

    try:
        parser = olevba.VBA_Parser(filename or "document", data=data, relaxed=True)
    except (olevba.FileOpenError, OSError, ValueError, IndexError, TypeError, KeyError, AttributeError):
        parser = None
    if parser is not None:
        try:
            if parser.detect_vba_macros():
                ctx.find("vba_macro")
            if parser.detect_xlm_macros():
                ctx.find("xlm_macro")
        except (
            OSError,
            ValueError,
            IndexError,
            TypeError,
            KeyError,
            AttributeError,
            olevba.OlevbaBaseException,
        ):
            ctx.find("vba_macro", "マクロ領域を解析できません")
        finally:
            parser.close()
    _inspect_ole_streams(data, ctx)
    _inspect_with_files(data, ctx)


def _inspect_ole_streams(data: bytes, ctx: Context) -> None:
    errors = (OSError, ValueError, IndexError, TypeError, AttributeError, olefile.olefile.OleFileError)
    try:
        ole = olefile.OleFileIO(data)
    except errors:
        return
    try:
        entries = ["/".join(e).lower() for e in ole.listdir(streams=True, storages=True)]
    except errors:
        entries = []
    finally:
        ole.close()
    for entry in entries:
        leaf = entry.rsplit("/", 1)[-1]
        # Word keeps an (often empty) ObjectPool storage; only objects inside it count.
        if entry.startswith("objectpool/") or leaf == "\x01ole10native" or leaf.startswith("mbd"):
            ctx.find("ole_object", entry.replace("\x01", ""))
            break
    if "macros" in entries or "_vba_project_cur" in entries or any(e.endswith("/vba") for e in entries):
        ctx.find("vba_macro")
    # Shortcut and executable payloads inside OLE packages keep their magic bytes when stored raw.
    if b"L\x00\x00\x00\x01\x14\x02\x00" in data:
        ctx.find("lnk")
    if b"This program cannot be run in DOS mode" in data:
        ctx.find("executable")


def _inspect_with_files(data: bytes, ctx: Context) -> None:
    # msodde and the PowerPoint record parser of oletools want a file path.
    with tempfile.TemporaryDirectory(prefix="mamori-ole-") as folder:
        path = Path(folder) / "document.bin"
        path.write_bytes(data)
        _inspect_dde(str(path), ctx)
        _inspect_ppt_objects(str(path), ctx)


def _inspect_dde(path: str, ctx: Context) -> None:
    from oletools import msodde

    try:
        fields = msodde.process_file(path, msodde.FIELD_FILTER_BLACKLIST)
    except Exception:  # oletools raises many types on hostile input; the scan is advisory
        return
    if fields and "DDE" in fields.upper():
        ctx.find("dde", fields.strip()[:200])


def _inspect_ppt_objects(path: str, ctx: Context) -> None:
    from oletools import oleobj

    try:
        for embedded in oleobj.find_ole_in_ppt(path):
            ctx.find("ole_object", "PowerPoint")
            try:
                for entry in embedded.listdir():
                    payload = embedded.openstream(entry).read(4 * 1024 * 1024)
                    if b"L\x00\x00\x00\x01\x14\x02\x00" in payload:
                        ctx.find("lnk")
                    if b"This program cannot be run in DOS mode" in payload:
                        ctx.find("executable")
            finally:
                embedded.close()
    except Exception:  # the ppt record parser raises many types; the scan is advisory
        return


def convert_with_libreoffice(data: bytes, extension: str, ctx: Context) -> Converted:
    """Convert a legacy Office file to PDF with LibreOffice, then to pixels; refuse when it is absent."""
    from mamori.sanitize.pdf import render_pdf

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise UnsupportedContent(detail="旧形式の Office 文書は LibreOffice がないため変換できません")
    with tempfile.TemporaryDirectory(prefix="mamori-office-") as folder:
        source = Path(folder) / f"input.{extension}"
        source.write_bytes(data)
        env = {"HOME": folder, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        try:
            subprocess.run(  # noqa: S603  # fixed argument list, no shell
                [
                    soffice,
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                env=env,
                capture_output=True,
                timeout=ctx.policy.limits.wall_seconds,
                check=True,
            )
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError, OSError) as exc:
            raise IsolationError(detail="LibreOffice での変換に失敗しました") from exc
        converted = Path(folder) / "input.pdf"
        if not converted.is_file():
            raise IsolationError(detail="LibreOffice が PDF を出力しませんでした")
        pdf_bytes = converted.read_bytes()
    return render_pdf(pdf_bytes, ctx)
