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
    except (LookupError, ValueError):  # ValueError: a NUL inside the label
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


_DESIGNATION = re.compile(rb"(\x1b\([BJHI]|\x1b\$[@B]|\x1b\$\([DOQP]|\x1b&@|[\x0e\x0f])")
_MODES = {
    b"\x1b(B": "ascii", b"\x1b(J": "ascii", b"\x1b(H": "ascii", b"\x1b(I": "kana",
    b"\x1b$@": "jis0208", b"\x1b$B": "jis0208", b"\x1b$(D": "jis0212",
    b"\x1b$(O": "jis0213", b"\x1b$(Q": "jis0213", b"\x1b$(P": "jis0213",
}  # fmt: skip
_KANA_TABLE = {byte: chr(_HALFWIDTH_KANA_BASE + byte) for byte in range(0x21, 0x60)}
_HIGH_KANA_TABLE = {byte: chr(0xFF61 + byte - 0xA1) for byte in range(0xA1, 0xE0)}


def _decode_kana(segment: bytes) -> str:
    return "".join(_KANA_TABLE.get(byte, chr(byte) if byte < 0x80 else "\ufffd") for byte in segment)


def _decode_ascii(segment: bytes) -> tuple[str, bool]:
    try:
        text = segment.decode("ascii")
    except UnicodeDecodeError:
        # 8-bit bytes in ISO-2022-JP: JIS X 0201 kana sent raw (0xA1-0xDF) or plain garbage.
        chars = [_HIGH_KANA_TABLE.get(b, chr(b) if b < 0x80 else "\ufffd") for b in segment]
        return "".join(chars), "\ufffd" not in chars
    return text, "\x1b" not in text


def _jis_to_text_via_cp932(line: bytes) -> str:
    """Decode JIS X 0208 pairs through CP932; a byte pair outside 0x21-0x7E becomes U+FFFD."""
    out: list[str] = []
    run = bytearray()
    for k in range(0, len(line), 2):
        first, second = line[k], line[k + 1]
        if 0x21 <= first <= 0x7E and 0x21 <= second <= 0x7E:
            run += _jis_pair_to_cp932(first, second)
            continue
        out.append(run.decode("cp932", "replace"))
        out.append("\ufffd")
        run.clear()
    out.append(run.decode("cp932", "replace"))
    return "".join(out)


def _decode_double(segment: bytes, mode: str) -> tuple[str, bool]:
    out: list[str] = []
    exact = True
    for line in segment.split(b"\n"):
        if out:
            out.append("\n")
        trail = b""
        if line.endswith(b"\r"):
            line, trail = line[:-1], b"\r"
        if len(line) % 2:
            line, exact = line[:-1], False
            trail = b"?" + trail
        if mode == "jis0208":
            try:
                # Plain JIS X 0208 decodes in C; only runs with NEC/IBM rows need the CP932 path.
                text = (b"\x1b$B" + line).decode("iso2022_jp")
            except UnicodeDecodeError:
                text = _jis_to_text_via_cp932(line)
        elif mode == "jis0212":
            euc = bytes(byte | 0x80 for byte in line)
            text = b"".join(b"\x8f" + euc[k : k + 2] for k in range(0, len(euc), 2)).decode(
                "euc_jp", "replace"
            )
        else:
            text = (b"\x1b$(Q" + line + b"\x1b(B").decode("iso2022_jp_2004", "replace")
        if "\ufffd" in text:
            exact = False
        out.append(text + trail.decode("ascii").replace("?", "\ufffd"))
    return "".join(out), exact


def _decode_iso2022jp(data: bytes) -> tuple[str, bool]:
    """Decode ISO-2022-JP the way CP50220/CP50221 do (NEC and IBM rows, half-width kana, JIS X 0212).

    JIS X 0208 pairs are mapped to CP932 and decoded there, so the Windows extension rows (13, 89-92)
    that Outlook sends inside ISO-2022-JP come out as ①, ㈱ and 髙 instead of errors (RFC 1468 §3 names
    the escape sequences; the CP932 mapping of rows 13 and 89-92 is Microsoft's).
    """
    if b"\x1b(J" not in data and b"\x0e" not in data:
        # Plain ISO-2022-JP decodes in C. The codec reads JIS-Roman (ESC ( J) as ¥ and ‾ where mail
        # clients show \ and ~, and knows neither SO/SI kana nor the Windows rows: those take the slow path.
        try:
            return data.decode("iso2022_jp_ext"), True
        except UnicodeDecodeError:
            pass
    out: list[str] = []
    exact = True
    mode = "ascii"
    shift_out = False
    for index, segment in enumerate(_DESIGNATION.split(data)):
        if index % 2:
            if segment == b"\x0e":
                shift_out = True
            elif segment == b"\x0f":
                shift_out = False
            else:
                mode = _MODES.get(segment, mode)
            continue
        if not segment:
            continue
        if mode == "kana" or (shift_out and mode == "ascii"):
            out.append(_decode_kana(segment))
            continue
        if mode == "ascii":
            text, ok = _decode_ascii(segment)
        else:
            text, ok = _decode_double(segment, mode)
        exact = exact and ok
        out.append(text)
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
