"""Vendor parser registry: vendor name → ``parse(text, *, source) -> ParsedConfig``.

Every vendor module exposes ``parse(text: str, *, source: str) -> ParsedConfig`` (see
:mod:`mamori.netcheck.ir` for the contract). Modules are imported on first use so a missing or broken
vendor module does not stop the others.
"""

from __future__ import annotations

import codecs
import importlib
from collections.abc import Callable, Mapping

from mamori.netcheck.errors import ConfigReadError, UnsupportedVendorError
from mamori.netcheck.ir import ParsedConfig
from mamori.netcheck.limits import MAX_CONFIG_BYTES

__all__ = ["VENDORS", "decode_config", "get_parser", "parse_config"]

Parser = Callable[..., ParsedConfig]

VENDORS: Mapping[str, str] = {
    "fortigate": "mamori.netcheck.vendors.fortigate",
    "yamaha-rtx": "mamori.netcheck.vendors.yamaha_rtx",
    "cisco-asa": "mamori.netcheck.vendors.cisco_asa",
    "cisco-ios": "mamori.netcheck.vendors.cisco_ios",
    "iptables": "mamori.netcheck.vendors.iptables",
    "nftables": "mamori.netcheck.vendors.nftables",
}


def get_parser(vendor: str) -> Parser:
    """Return the parse function for ``vendor``; raise UnsupportedVendorError if there is none."""
    module_name = VENDORS.get(vendor)
    if module_name is None:
        raise UnsupportedVendorError(f"{vendor}（対応: {', '.join(VENDORS)}）")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise UnsupportedVendorError(f"{vendor}（このバージョンでは未実装）") from exc
    parse: Parser = module.parse
    return parse


def parse_config(text: str, *, vendor: str, source: str) -> ParsedConfig:
    """Parse ``text`` as a ``vendor`` configuration."""
    return get_parser(vendor)(text, source=source)


def _looks_like_utf16le(data: bytes) -> bool:
    # RANCID exports of IOS configs may be UTF-16LE without a BOM: ASCII text then has a NUL in
    # every odd byte.
    sample = data[:512]
    if len(sample) < 4:
        return False
    odd = sample[1::2]
    return odd.count(0) >= len(odd) * 0.9 and sample[0::2].count(0) < len(odd) * 0.1


def decode_config(data: bytes, *, source: str) -> str:
    """Decode config bytes: BOM (UTF-8/16), BOM-less UTF-16LE, UTF-8, else Shift_JIS (CP932).

    Raises ConfigReadError when the file is too large or not text at all.
    """
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigReadError(f"{MAX_CONFIG_BYTES} バイトを超えています", file=source)
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
    elif _looks_like_utf16le(data):
        text = data.decode("utf-16-le", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp932")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    if "\x00" in text:
        raise ConfigReadError("テキストファイルではありません（NUL 文字を含みます）", file=source)
    return text
