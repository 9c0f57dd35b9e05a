"""The engine stays a plain library: no Django, typed errors, limits enforced."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mamori.netcheck.errors import ConfigReadError, UnsupportedVendorError
from mamori.netcheck.vendors import decode_config, get_parser

SRC = Path(__file__).resolve().parents[2] / "src"


def test_engine_imports_without_loading_django() -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(SRC)!r})\n"
        "import mamori.netcheck, mamori.netcheck.verify, mamori.netcheck.explain, mamori.netcheck.cli\n"
        "import mamori.netcheck.report, mamori.netcheck.vendors.iptables, mamori.netcheck.vendors.nftables\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django loaded'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr


def test_unknown_vendor_is_refused_with_one_clear_message() -> None:
    with pytest.raises(UnsupportedVendorError) as caught:
        get_parser("paloalto")
    assert caught.value.code == "unsupported_vendor"
    assert "対応していない機器種別" in caught.value.message


def test_utf16_without_bom_is_detected() -> None:
    text = "ip access-list extended X\n permit ip any any\n"
    assert decode_config(text.encode("utf-16-le"), source="x") == text


def test_shift_jis_comments_decode() -> None:
    text = "# 本庁舎 ファイアウォール\n"
    assert decode_config(text.encode("cp932"), source="x") == text


def test_binary_file_is_refused() -> None:
    with pytest.raises(ConfigReadError):
        decode_config(b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe", source="x")
