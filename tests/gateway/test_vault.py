"""The store of originals: encrypted at rest, content-addressed, tamper-evident."""

from __future__ import annotations

import pytest

from mamori.gateway.vault import Vault, VaultError


def test_original_is_encrypted_and_read_back(tmp_path):
    vault = Vault(tmp_path)
    original = "件名: 見積書\r\n\r\n機密の本文".encode() * 50
    address = vault.put(original)
    stored = next((tmp_path / "vault").rglob(address)).read_bytes()
    assert original[:30] not in stored
    assert vault.get(address) == original
    assert (tmp_path / "vault.key").stat().st_mode & 0o777 == 0o600


def test_same_content_is_stored_once_and_address_needs_the_key(tmp_path):
    vault = Vault(tmp_path)
    assert vault.put(b"same") == vault.put(b"same")
    assert len(list((tmp_path / "vault").rglob("*"))) == 3  # two directory levels and one file
    other = Vault(tmp_path / "other")
    assert other.address(b"same") != vault.address(b"same")


def test_altered_original_is_refused(tmp_path):
    vault = Vault(tmp_path)
    address = vault.put(b"original")
    path = next((tmp_path / "vault").rglob(address))
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(VaultError):
        vault.get(address)


def test_deleted_original_is_gone(tmp_path):
    vault = Vault(tmp_path)
    address = vault.put(b"purge me")
    assert vault.delete(address) > 0
    assert vault.delete(address) == 0
    with pytest.raises(VaultError):
        vault.get(address)
