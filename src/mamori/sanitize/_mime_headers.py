"""Decode untrusted MIME header values and encode clean ones (RFC 2047, RFC 2231, RFC 5322 folding)."""

from __future__ import annotations

import base64
import binascii
import re
from email.utils import getaddresses
from urllib.parse import unquote_to_bytes

from mamori.sanitize.charsets import decode_bytes

__all__ = [
    "ContentType",
    "decode_address_header",
    "decode_encoded_words",
    "decode_raw_header",
    "encode_address_list",
    "encode_param",
    "encode_unstructured",
    "encoded_words",
    "fold_tokens",
    "parse_content_type",
    "parse_params",
]

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,60})\?([bBqQ])\?([^?]*?)\?=")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")
_MAX_LINE = 76


def decode_raw_header(untrusted_value: bytes) -> str:
    """Decode a raw header value, detecting raw 8-bit charsets (RFC 6532 UTF-8, Shift_JIS, ISO-2022-JP)."""
    try:
        text = untrusted_value.decode("ascii")
    except UnicodeDecodeError:
        return decode_bytes(untrusted_value, None).text
    if "\x1b" in text:
        return decode_bytes(untrusted_value, "iso-2022-jp").text
    return text


def _b_decode(untrusted: str) -> bytes:
    cleaned = re.sub(r"[^A-Za-z0-9+/]", "", untrusted)
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned)
    except (binascii.Error, ValueError):
        return b""


def _q_decode(untrusted: str) -> bytes:
    raw = untrusted.replace("_", " ").encode("utf-8", "surrogateescape")
    return _QP_HEX.sub(lambda m: bytes((int(m.group(1), 16),)), raw)


def decode_encoded_words(text: str) -> str:
    """Decode RFC 2047 encoded-words, joining adjacent words of one charset before decoding.

    Japanese mailers split multi-byte characters (and ISO-2022-JP escape runs) across adjacent
    encoded-words, so the bytes are joined first (RFC 2047 §6.2 drops whitespace between words).
    """
    if "=?" not in text:
        return text
    out: list[str] = []
    run: list[bytes] = []
    run_charset: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal run, run_charset
        if run:
            out.append(decode_bytes(b"".join(run), run_charset).text)
        run, run_charset = [], None

    for match in _ENCODED_WORD.finditer(text):
        between = text[pos : match.start()]
        if between and (between.strip() or not run):
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0].lower()
        data = _b_decode(match.group(3)) if match.group(2) in "bB" else _q_decode(match.group(3))
        if run and charset != run_charset:
            flush()
        run.append(data)
        run_charset = charset
        pos = match.end()
    flush()
    out.append(text[pos:])
    return "".join(out)


def clean_text(text: str) -> str:
    """Collapse control characters and line breaks in a decoded header into single spaces."""
    return _CONTROL.sub(" ", text.replace("\t", " ")).strip()


def parse_params(untrusted: str) -> dict[str, str]:
    """Parse ``; name=value`` parameters, joining RFC 2231 continuations and decoding charsets."""
    params: dict[str, str] = {}
    pieces: dict[str, dict[int, tuple[str, bool]]] = {}
    for name, value, was_quoted in _split_params(untrusted):
        if "*" in name:
            base, _, rest = name.partition("*")
            is_extended = rest.endswith("*") or rest == ""
            number = rest.rstrip("*")
            index = int(number) if number.isdigit() and len(number) < 5 else 0
            pieces.setdefault(base, {})[index] = (value, is_extended and not was_quoted)
            continue
        if name not in params:
            params[name] = decode_encoded_words(value)
    for base, parts in pieces.items():
        charset = ""
        chunks: list[bytes] = []
        for index in sorted(parts):
            value, is_extended = parts[index]
            if is_extended:
                if index == sorted(parts)[0] and value.count("'") >= 2:
                    charset, _, value = value.split("'", 2)
                chunks.append(unquote_to_bytes(value.encode("utf-8", "surrogateescape")))
            else:
                chunks.append(value.encode("utf-8", "surrogateescape"))
        decoded = decode_bytes(b"".join(chunks), charset or "utf-8").text
        # RFC 2231 wins over the plain parameter (RFC 2231 §4: the extended form is the better one).
        params[base] = decode_encoded_words(decoded)
    return params


def _split_params(text: str) -> list[tuple[str, str, bool]]:
    result: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n and len(result) < 64:
        while i < n and text[i] in " \t;\r\n":
            i += 1
        start = i
        while i < n and text[i] not in "=;":
            i += 1
        name = text[start:i].strip().lower()
        if i >= n or text[i] == ";":
            continue
        i += 1
        while i < n and text[i] in " \t":
            i += 1
        if i < n and text[i] == '"':
            i += 1
            chars: list[str] = []
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(text[i])
                i += 1
            i += 1
            value, quoted = "".join(chars), True
        else:
            start = i
            while i < n and text[i] != ";":
                i += 1
            value, quoted = text[start:i].strip(), False
        if name:
            result.append((name, value, quoted))
    return result


class ContentType:
    """A parsed Content-Type: lower-case type and subtype and decoded parameters."""

    __slots__ = ("maintype", "params", "subtype")

    def __init__(self, maintype: str, subtype: str, params: dict[str, str]) -> None:
        self.maintype = maintype
        self.subtype = subtype
        self.params = params

    @property
    def value(self) -> str:
        """Return ``type/subtype``."""
        return f"{self.maintype}/{self.subtype}"


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def parse_content_type(untrusted: str | None, default: str = "text/plain") -> ContentType:
    """Parse a Content-Type value; an invalid type falls back to ``default`` as RFC 2045 §5.2 says."""
    if not untrusted:
        maintype, subtype = default.split("/")
        return ContentType(maintype, subtype, {})
    head, _, rest = untrusted.partition(";")
    maintype, slash, subtype = head.strip().lower().partition("/")
    params = parse_params(rest)
    if not slash or not _TOKEN.fullmatch(maintype) or not _TOKEN.fullmatch(subtype.strip()):
        maintype, subtype = default.split("/")
    return ContentType(maintype, subtype.strip(), params)


_SIMPLE_ADDRESS = re.compile(
    r"\s*(?:([A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*|=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)"
    r"\s*<([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)>|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+))\s*"
)


def decode_address_header(untrusted_value: str) -> list[tuple[str, str]]:
    """Split an address header into (display name, address) pairs with decoded display names."""
    simple = _SIMPLE_ADDRESS.fullmatch(untrusted_value)
    if simple is not None:
        # The common single-address forms need no full RFC 5322 parse.
        name = clean_text(decode_encoded_words(simple.group(1) or ""))
        return [(name, simple.group(2) or simple.group(3))]
    pairs = getaddresses([untrusted_value.replace("\n", " ")])
    result: list[tuple[str, str]] = []
    for name, address in pairs[:1000]:
        name = clean_text(decode_encoded_words(name))
        address = clean_text(address).replace(" ", "")
        if name or address:
            result.append((name, address))
    return result


def encoded_words(text: str, room: int = 40) -> list[str]:
    """Encode text as UTF-8 B encoded-words, never splitting a character across words (RFC 2047 §5)."""
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for ch in text:
        length = len(ch.encode("utf-8", "replace"))
        if size + length > room and chunk:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(ch)
        size += length
    if chunk:
        words.append("".join(chunk))
    return [
        "=?UTF-8?B?" + base64.b64encode(word.encode("utf-8", "replace")).decode("ascii") + "?="
        for word in words
    ]


def _needs_encoding(text: str) -> bool:
    return not text.isascii() or "=?" in text or any(ch < " " for ch in text)


def fold_tokens(name: str, tokens: list[str]) -> str:
    """Join tokens into one header field folded at 76 characters where possible (RFC 5322 §2.2.3)."""
    lines: list[str] = []
    line = f"{name}:"
    for token in tokens:
        token = token[:900]
        if len(line) + 1 + len(token) > _MAX_LINE and line.strip() != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + token
    lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def encode_unstructured(name: str, text: str) -> str:
    """Encode an unstructured header (Subject) as ASCII, with encoded-words for non-ASCII text."""
    text = clean_text(text)
    if not _needs_encoding(text):
        return fold_tokens(name, text.split(" ") if text else [""])
    return fold_tokens(name, encoded_words(text))


_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*")


def _encode_phrase(name: str) -> list[str]:
    if not name:
        return []
    if _needs_encoding(name):
        return encoded_words(name)
    if _ATEXT.fullmatch(name):
        return name.split(" ")
    return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']


def _ascii_address(address: str) -> str | None:
    if address.isascii():
        return (
            address
            if re.fullmatch(r"[^\s<>()\[\]\\,;:\"]+@[^\s<>()\[\]\\,;:\"@]+|[^\s<>@]*", address)
            else None
        )
    local, at, domain = address.rpartition("@")
    if not at or not local.isascii():
        return None
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return None


def encode_address_list(name: str, pairs: list[tuple[str, str]]) -> str:
    """Encode (display name, address) pairs as an RFC 5322 address list in ASCII."""
    tokens: list[str] = []
    for index, (display, address) in enumerate(pairs):
        last = index == len(pairs) - 1
        ascii_address = _ascii_address(address)
        if ascii_address is None or (not ascii_address and not display):
            # Not representable in ASCII: an empty group whose name shows the original (RFC 5322 §3.4).
            shown = f"{display} <{address}>" if display else address
            tokens.extend(_encode_phrase(shown) or ['"unknown"'])
            tokens.append(":;")
        else:
            phrase = _encode_phrase(display)
            tokens.extend(phrase)
            tokens.append(f"<{ascii_address}>" if phrase or not ascii_address else ascii_address)
        if not last:
            tokens[-1] += ","
    return fold_tokens(name, tokens or ['"unknown":;'])


def encode_param(name: str, value: str) -> str:
    """Encode one parameter: plain when ASCII, RFC 2231 ``name*=UTF-8''...`` otherwise."""
    if value.isascii() and not any(ch < " " or ch == "\x7f" for ch in value):
        return f'{name}="' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    quoted = "".join(
        chr(b) if (chr(b).isalnum() and b < 0x80) or chr(b) in "-._~" else f"%{b:02X}"
        for b in value.encode("utf-8", "replace")
    )
    return f"{name}*=UTF-8''{quoted}"
