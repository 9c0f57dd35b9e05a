"""Split vendor configuration text into numbered lines and words; read IPv4 and port values.

Shared by the FortiGate, YAMAHA RTX, Cisco ASA and Cisco IOS parsers. Every function here works on
untrusted text and either returns a value or raises :class:`TokenError`; nothing else escapes.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "IPV4_ANY",
    "MAX_PORT",
    "Line",
    "TokenError",
    "iter_lines",
    "mask_to_prefix",
    "parse_ipv4",
    "parse_port",
    "split_quoted",
    "strip_inline_comment",
    "wildcard_to_prefix",
]

MAX_PORT = 65535
IPV4_ANY = ipaddress.IPv4Network("0.0.0.0/0")

# Lines are split only on CR LF, CR and LF: str.splitlines() would also split on form feed, vertical tab
# and U+2028, and the line numbers in reports would then disagree with every text editor.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class TokenError(ValueError):
    """Signal that one configuration value cannot be read; the caller reports the line and goes on."""


@dataclass(frozen=True, slots=True)
class Line:
    """One physical configuration line: its 1-based number and its text without the line break."""

    number: int
    text: str


def iter_lines(text: str) -> Iterator[Line]:
    """Yield every line of ``text`` with its 1-based number."""
    for index, part in enumerate(_LINE_BREAK.split(text), start=1):
        yield Line(index, part)


def split_quoted(text: str) -> list[str]:
    """Split a line into words; double- or single-quoted words may hold spaces and backslash escapes.

    FortiOS quotes names with spaces and escapes a quote or backslash inside a value with a backslash
    (FortiOS CLI reference, "Special characters"). An unterminated quote raises :class:`TokenError`.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = False
    quote: str | None = None
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if quote is not None:
            if char == "\\" and index + 1 < length:
                current.append(text[index + 1])
                index += 2
                continue
            if char == quote:
                quote = None
            else:
                current.append(char)
        elif char in "\"'":
            quote = char
            in_word = True
        elif char == "\\" and index + 1 < length:
            current.append(text[index + 1])
            in_word = True
            index += 1
        elif char.isspace():
            if in_word:
                words.append("".join(current))
                current = []
                in_word = False
        else:
            current.append(char)
            in_word = True
        index += 1
    if quote is not None:
        raise TokenError("unterminated quote")
    if in_word:
        words.append("".join(current))
    return words


_INLINE_COMMENT = re.compile(r"\s!.*$")


def strip_inline_comment(text: str) -> str:
    """Drop a trailing `` ! comment`` (Cisco exports never have one, hand-edited files often do).

    Remarks and descriptions keep their text: they may legitimately contain an exclamation mark.
    """
    lowered = text.lstrip().lower()
    if lowered.startswith(("remark", "description")) or " remark " in lowered:
        return text
    return _INLINE_COMMENT.sub("", text)


def parse_ipv4(text: str) -> ipaddress.IPv4Address:
    """Read a dotted-quad IPv4 address."""
    try:
        return ipaddress.IPv4Address(text)
    except ValueError as error:
        raise TokenError(f"not an IPv4 address: {text!r}") from error


def mask_to_prefix(mask: str) -> int:
    """Return the prefix length of a contiguous netmask such as 255.255.255.0."""
    value = int(parse_ipv4(mask))
    inverted = (~value) & 0xFFFFFFFF
    if inverted & (inverted + 1):
        raise TokenError(f"not a contiguous netmask: {mask!r}")
    return 32 - inverted.bit_length()


def wildcard_to_prefix(wildcard: int) -> int | None:
    """Return the prefix length a wildcard mask stands for, or None if its bits are not contiguous."""
    if wildcard & (wildcard + 1):
        return None
    return 32 - wildcard.bit_length()


def parse_port(text: str, names: dict[str, int] | None = None) -> int:
    """Read a port number 0-65535 or a well-known name from ``names``."""
    if text.isdigit():
        value = int(text)
        if value > MAX_PORT:
            raise TokenError(f"port out of range: {text!r}")
        return value
    if names is not None:
        found = names.get(text.lower())
        if found is not None:
            return found
    raise TokenError(f"unknown port: {text!r}")
