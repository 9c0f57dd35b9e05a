"""Take one attachment out of an original, or open a password-protected zip, in a child process.

Originals are untrusted: the parent (the web app or a worker) never parses them itself. A spawned child
with CPU and memory limits does, and only plain bytes and names come back; the parent checks the
limits again (it does not trust the child either) before handing the files to the sanitize engine.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import email
import email.policy
import hashlib
import io
import multiprocessing
import resource
import zipfile
from dataclasses import dataclass

# Limits for a PPAP archive: what protects against zip bombs and archives built to exhaust memory.
MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # expanded size / compressed size of one member
CHILD_CPU_SECONDS = 60
CHILD_MEMORY_BYTES = 1536 * 1024 * 1024
CALL_TIMEOUT_SECONDS = 120


class UnpackError(Exception):
    """The attachment cannot be found, or the archive cannot be opened; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Member:
    """One file taken out of an archive (untrusted content; sanitize before delivering)."""

    name: str
    data: bytes


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))


def _extract(untrusted_raw: bytes, sha256: str) -> bytes | None:
    try:
        return _extract_unguarded(untrusted_raw, sha256)
    except Exception:  # the child's outermost boundary: any parser failure means "not found"
        return None


def _extract_unguarded(untrusted_raw: bytes, sha256: str) -> bytes | None:
    message = email.message_from_bytes(untrusted_raw, policy=email.policy.compat32)
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and hashlib.sha256(payload).hexdigest() == sha256:
            return payload
    return None


def _member_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:
        # No UTF-8 flag (APPNOTE 4.4.4 bit 11): Japanese Windows writes CP932 names, which zipfile
        # decoded as CP437.
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("cp932")
    return name.replace("\\", "/").rsplit("/", 1)[-1] or "file"


def _open_zip(untrusted_zip: bytes, password: bytes) -> list[tuple[str, bytes]] | str:
    try:
        return _open_zip_unguarded(untrusted_zip, password)
    except MemoryError:
        return "too_large"
    except Exception:  # the child's outermost boundary: an archive that breaks the parser is "broken"
        return "broken"


def _open_zip_unguarded(untrusted_zip: bytes, password: bytes) -> list[tuple[str, bytes]] | str:
    import pyzipper

    try:
        archive = pyzipper.AESZipFile(io.BytesIO(untrusted_zip))
    except (zipfile.BadZipFile, pyzipper.BadZipFile, ValueError, OSError):
        return "not_zip"
    infos = [info for info in archive.infolist() if not info.is_dir()]
    if len(infos) > MAX_MEMBERS:
        return "too_many_members"
    archive.setpassword(password)
    members: list[tuple[str, bytes]] = []
    total = 0
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES or info.file_size > max(info.compress_size, 1) * MAX_RATIO:
            return "too_large"
        try:
            with archive.open(info) as handle:
                data = handle.read(MAX_MEMBER_BYTES + 1)
        except RuntimeError as exc:
            return "bad_password" if "password" in str(exc).lower() else "broken"
        except (zipfile.BadZipFile, pyzipper.BadZipFile, ValueError, OSError, NotImplementedError, EOFError):
            return "broken"
        total += len(data)
        if len(data) > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            return "too_large"
        members.append((_member_name(info), data))
    return members


def _run(function: object, *args: object) -> object:
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_limit_child
    ) as pool:
        future: concurrent.futures.Future[object] = pool.submit(function, *args)  # type: ignore[arg-type]
        try:
            return future.result(timeout=CALL_TIMEOUT_SECONDS)
        except (
            concurrent.futures.TimeoutError,
            concurrent.futures.process.BrokenProcessPool,
            MemoryError,
        ) as exc:
            raise UnpackError("child_failed") from exc


def extract_attachment(untrusted_raw: bytes, sha256: str) -> bytes:
    """Return the attachment of the original whose decoded content has this SHA-256."""
    result = _run(_extract, untrusted_raw, sha256)
    if not isinstance(result, bytes) or hashlib.sha256(result).hexdigest() != sha256:
        raise UnpackError("not_found")
    return result


def open_encrypted_zip(untrusted_zip: bytes, password: str) -> list[Member]:
    """Return the files of a password-protected zip (ZipCrypto or AES); raise UnpackError otherwise."""
    result = _run(_open_zip, untrusted_zip, password.encode("utf-8"))
    if isinstance(result, str):
        raise UnpackError(result)
    if not isinstance(result, list) or len(result) > MAX_MEMBERS:
        raise UnpackError("child_failed")
    members: list[Member] = []
    total = 0
    for item in result:
        name, data = item
        total += len(data)
        if not isinstance(name, str) or not isinstance(data, bytes) or total > MAX_TOTAL_BYTES:
            raise UnpackError("child_failed")
        members.append(Member(name[:255], data))
    return members
