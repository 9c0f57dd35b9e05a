"""Decode untrusted mail bytes into text without 文字化け.

Japanese mail declares its charset wrongly or not at all surprisingly often: Outlook sends ISO-2022-JP
that carries CP932 extensions (CP50220/CP50221: ①, ㈱, 髙, half-width kana), mobile carriers send raw
UTF-8 labelled ISO-2022-JP, and old clients send Shift_JIS with no label. Every function here returns
text for any input and says whether the bytes were valid in the charset finally used.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["DecodedText", "decode_bytes", "detect_charset", "normalize_charset"]

# Charset labels seen in real mail, mapped to the codec that decodes them best. Shift_JIS is read as
# CP932 because every Windows mailer writes CP932 while labelling it Shift_JIS (the NEC/IBM extension
# characters would otherwise fail); EUC-JP likewise as its superset.
_ALIASES: dict[str, str] = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "cp932": "cp932",
    "euc-jp": "euc_jis_2004",
    "x-euc-jp": "euc_jis_2004",
    "eucjp": "euc_jis_2004",
    "cseucpkdfmtjapanese": "euc_jis_2004",
    "iso-2022-jp": "iso-2022-jp",
    "iso-2022-jp-1": "iso-2022-jp",
    "iso-2022-jp-2": "iso-2022-jp",
    "iso-2022-jp-3": "iso-2022-jp",
    "iso-2022-jp-2004": "iso-2022-jp",
    "csiso2022jp": "iso-2022-jp",
    "cp50220": "iso-2022-jp",
    "cp50221": "iso-2022-jp",
    "cp50222": "iso-2022-jp",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "utf8": "utf-8",
    "unicode-1-1-utf-7": "utf-7",
    "iso-8859-8-i": "iso-8859-8",
    "x-user-defined": "latin-1",
}

_ESC = 0x1B
_HALFWIDTH_KANA_BASE = 0xFF61 - 0x21


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes and how it was decoded."""

    text: str
    charset: str
    is_exact: bool
    """False when the bytes were invalid in every candidate charset and replacement characters were used."""


def normalize_charset(untrusted_label: str | None) -> str | None:
    """Return the Python codec name for a MIME charset label, or None if it is unknown or unusable."""
    if not untrusted_label:
        return None
    label = untrusted_label.strip().strip("\"'").lower()
    if not label or len(label) > 40:
        return None
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # Only text encodings: "base64", "rot13", "zlib" and friends are codecs too, but not charsets.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _jis_pair_to_cp932(first: int, second: int) -> bytes:
    """Map one JIS X 0208 code point (row/cell bytes 0x21-0x7E) to its Shift_JIS/CP932 bytes."""
    if first % 2:
        lead = (first + 1) // 2 + (0x70 if first <= 0x5E else 0xB0)
        trail = second + (0x1F if second <= 0x5F else 0x20)
    else:
        lead = first // 2 + (0x70 if first <= 0x5E else 0xB0)
        trail = second + 0x7E
    return bytes((lead, trail))


def _decode_iso2022jp(data: bytes) -> tuple[str, bool]:
    """Decode ISO-2022-JP the way CP50220/CP50221 do (NEC and IBM rows, half-width kana, JIS X 0212).

    JIS X 0208 pairs are mapped to CP932 and decoded there, so the Windows extension rows (13, 89-92)
    that Outlook sends inside ISO-2022-JP come out as ①, ㈱ and 髙 instead of errors (RFC 1468 §3 names
    the escape sequences; the CP932 mapping of rows 13 and 89-92 is Microsoft's).
    """
    out: list[str] = []
    exact = True
    mode = "ascii"
    shift_out = False
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b == _ESC:
            seq = data[i + 1 : i + 4]
            if seq[:2] in (b"(B", b"(J", b"(H"):
                mode, i = "ascii", i + 3
            elif seq[:2] == b"(I":
                mode, i = "kana", i + 3
            elif seq[:2] in (b"$@", b"$B"):
                mode, i = "jis0208", i + 3
            elif seq == b"$(D":
                mode, i = "jis0212", i + 4
            elif seq in (b"$(O", b"$(Q", b"$(P"):
                mode, i = "jis0213", i + 4
            elif seq[:3] == b"&@\x1b":
                i += 3  # JIS X 0208-1990 announcer; the designation follows.
            else:
                exact = False
                i += 1
            continue
        if b == 0x0E:  # SO: half-width kana (CP50221 style)
            shift_out, i = True, i + 1
            continue
        if b == 0x0F:
            shift_out, i = False, i + 1
            continue
        if b in (0x0A, 0x0D):
            # A line break ends any double-byte run in practice; RFC 1468 requires ASCII at line end.
            out.append(chr(b))
            i += 1
            continue
        if shift_out and 0x21 <= b <= 0x5F:
            out.append(chr(_HALFWIDTH_KANA_BASE + b))
            i += 1
            continue
        if b >= 0x80:
            if 0xA1 <= b <= 0xDF:  # 8-bit half-width kana (JIS X 0201 right half)
                out.append(chr(0xFF61 + b - 0xA1))
            else:
                out.append("\ufffd")
                exact = False
            i += 1
            continue
        if mode == "ascii":
            j = i
            while j < n and data[j] not in (_ESC, 0x0E, 0x0F) and data[j] < 0x80:
                j += 1
            out.append(data[i:j].decode("ascii"))
            i = j
        elif mode == "kana":
            out.append(chr(_HALFWIDTH_KANA_BASE + b) if 0x21 <= b <= 0x5F else chr(b))
            i += 1
        else:
            j = i
            while j + 1 < n and 0x21 <= data[j] <= 0x7E and 0x21 <= data[j + 1] <= 0x7E:
                j += 2
            if j == i:
                out.append(chr(b) if b < 0x21 else "\ufffd")
                exact = exact and b < 0x21
                i += 1
                continue
            chunk = data[i:j]
            if mode == "jis0208":
                sjis = b"".join(_jis_pair_to_cp932(chunk[k], chunk[k + 1]) for k in range(0, len(chunk), 2))
                text = sjis.decode("cp932", "replace")
            elif mode == "jis0212":
                euc = b"".join(
                    b"\x8f" + bytes((chunk[k] | 0x80, chunk[k + 1] | 0x80)) for k in range(0, len(chunk), 2)
                )
                text = euc.decode("euc_jis_2004", "replace")
            else:
                text = (b"\x1b$(Q" + chunk + b"\x1b(B").decode("iso2022_jp_2004", "replace")
            if "\ufffd" in text:
                exact = False
            out.append(text)
            i = j
    return "".join(out), exact


def _looks_japanese(text: str) -> float:
    """Score how plausible a decoding is as Japanese: the share of kana and common punctuation."""
    if not text:
        return 0.0
    good = 0
    for ch in text:
        o = ord(ch)
        if 0x3040 <= o <= 0x30FF or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or o < 0x80:
            good += 2
        elif 0x4E00 <= o <= 0x9FFF:
            good += 1
    return good / len(text)


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def detect_charset(data: bytes) -> str:
    """Guess the charset of undeclared bytes among ASCII, ISO-2022-JP, UTF-8, CP932 and EUC-JP."""
    if not data:
        return "ascii"
    high = any(b >= 0x80 for b in data[:65536]) if len(data) > 65536 else max(data) >= 0x80
    if not high:
        return "iso-2022-jp" if b"\x1b$" in data or b"\x1b(I" in data else "ascii"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str]] = []
    for codec in ("cp932", "euc_jis_2004"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_looks_japanese(text), codec))
    if candidates:
        candidates.sort(reverse=True)
        return candidates[0][1]
    # Neither decodes strictly: prefer the one with fewer errors.
    best = min(("cp932", "euc_jis_2004", "utf-8"), key=lambda c: data.decode(c, "replace").count("\ufffd"))
    return best


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> DecodedText:
    """Decode bytes to text, trusting the declared charset only as far as the bytes agree with it."""
    codec = normalize_charset(declared)
    if codec is None:
        codec = detect_charset(data)
    if codec == "ascii":
        text = _strict(data, "ascii")
        if text is not None:
            return DecodedText(text, "us-ascii", True)
        codec = detect_charset(data)
    if codec == "iso-2022-jp":
        if max(data, default=0) >= 0x80:
            # 8-bit bytes cannot be ISO-2022-JP: mislabelled UTF-8 or Shift_JIS (sisimai KDDI case).
            other = detect_charset(data)
            text = _strict(data, other)
            if text is not None and other not in ("ascii", "iso-2022-jp"):
                return DecodedText(text, other, True)
        text, exact = _decode_iso2022jp(data)
        return DecodedText(text, "iso-2022-jp", exact)
    text = _strict(data, codec)
    if text is not None:
        return DecodedText(text, codec, True)
    # The label is wrong: try what the bytes look like before giving up with replacement characters.
    guessed = detect_charset(data)
    if guessed == "iso-2022-jp":
        text, exact = _decode_iso2022jp(data)
        return DecodedText(text, guessed, exact)
    text = _strict(data, guessed)
    if text is not None:
        return DecodedText(text, guessed, True)
    return DecodedText(data.decode(codec, "replace"), codec, False)
