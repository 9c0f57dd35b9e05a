"""The store of originals: encrypted at rest with AES-256-GCM, addressed by a keyed digest of the content.

The key lives in the data dir (``vault.key``, mode 0600) and never in the database, so a database dump
alone reveals nothing. The address is an HMAC of the plaintext rather than a bare SHA-256, so nobody
holding the store can confirm whether a given known file passed through the gateway.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_MAGIC = b"MQV1"
_NONCE_BYTES = 12  # NIST SP 800-38D §8.2: 96-bit random nonces


class VaultError(Exception):
    """An original cannot be read back (missing, purged or tampered with)."""


def _load_key(path: Path) -> bytes:
    if path.exists():
        key = path.read_bytes()
        if len(key) != 32:
            raise VaultError(f"{path} does not hold a 32-byte key")
        return key
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _load_key(path)  # another process created it first
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    return key


class Vault:
    """Encrypted, content-addressed storage of originals under ``<data dir>/vault``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "vault"
        self.root.mkdir(parents=True, exist_ok=True)
        key = _load_key(data_dir / "vault.key")
        self._aead = AESGCM(key)
        self._mac_key = hashlib.sha256(b"mamori-vault-address" + key).digest()

    def address(self, data: bytes) -> str:
        """Return the address ``data`` is stored under."""
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()

    def _path(self, address: str) -> Path:
        if len(address) != 64 or not all(c in "0123456789abcdef" for c in address):
            raise VaultError("invalid address")
        return self.root / address[:2] / address[2:4] / address

    def put(self, data: bytes) -> str:
        """Store ``data`` durably (once per content) and return its address."""
        return self.put_many([data])[0]

    def put_many(self, items: list[bytes]) -> list[str]:
        """Store several originals durably and return their addresses.

        Group commit: every new file is written and fsync'd under a temporary name, then all are renamed
        and their directories fsync'd once each, so a batch costs far fewer journal commits than one by
        one, and no address ever names a file whose content is not yet on disk.
        """
        addresses: list[str] = []
        pending: list[tuple[Path, Path]] = []
        for data in items:
            address = self.address(data)
            addresses.append(address)
            path = self._path(address)
            if path.exists() or any(target == path for _, target in pending):
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            nonce = secrets.token_bytes(_NONCE_BYTES)
            sealed = _MAGIC + nonce + self._aead.encrypt(nonce, data, address.encode("ascii"))
            tmp = path.with_name(f".{address}.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, sealed)
            finally:
                os.close(fd)
            pending.append((tmp, path))
        for tmp, _ in pending:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for tmp, path in pending:
            os.rename(tmp, path)
        for directory in {path.parent for _, path in pending}:
            dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        return addresses

    def get(self, address: str) -> bytes:
        """Return the plaintext stored under ``address``; raise VaultError when missing or altered."""
        path = self._path(address)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError as exc:
            raise VaultError("original not found (purged?)") from exc
        if not sealed.startswith(_MAGIC):
            raise VaultError("not a vault file")
        nonce = sealed[len(_MAGIC) : len(_MAGIC) + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[len(_MAGIC) + _NONCE_BYTES :], address.encode("ascii"))
        except InvalidTag as exc:
            raise VaultError("original fails authentication (altered?)") from exc

    def exists(self, address: str) -> bool:
        """Tell whether an original is stored under ``address``."""
        return self._path(address).exists()

    def delete(self, address: str) -> int:
        """Delete the original under ``address``; return the bytes freed (0 when already gone)."""
        path = self._path(address)
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return 0
        return size
