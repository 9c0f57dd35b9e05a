"""Read Outlook TNEF streams (winmail.dat) into their body and attachments, per [MS-OXTNEF].

Only what the sanitizer needs is read: attachment names, data and MIME tags, and the message body
(plain text, HTML, or compressed RTF decompressed per [MS-OXRTFCP]). Every length is checked against
the stream; a malformed stream raises ``TnefError`` and is removed by the caller.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from mamori.sanitize.errors import MalformedContent

__all__ = ["TnefAttachment", "TnefContent", "TnefError", "parse_tnef"]

_SIGNATURE = 0x223E9F78
_LVL_MESSAGE = 0x01
_LVL_ATTACHMENT = 0x02

# Attribute IDs ([MS-OXTNEF] §2.1.3.2): the low word is the ID, the high word the data type.
_ATT_BODY = 0x800C
_ATT_ATTACH_DATA = 0x800F
_ATT_ATTACH_TITLE = 0x8010
_ATT_ATTACH_RENDDATA = 0x9002
_ATT_MSG_PROPS = 0x9003
_ATT_ATTACHMENT = 0x9005
_ATT_OEM_CODEPAGE = 0x9007

# MAPI property tags ([MS-OXPROPS]).
_PR_BODY = 0x1000
_PR_RTF_COMPRESSED = 0x1009
_PR_BODY_HTML = 0x1013
_PR_ATTACH_DATA = 0x3701
_PR_ATTACH_FILENAME = 0x3704
_PR_ATTACH_LONG_FILENAME = 0x3707
_PR_DISPLAY_NAME = 0x3001
_PR_ATTACH_MIME_TAG = 0x370E

# Fixed-size property types and their sizes ([MS-OXCDATA] §2.11.1).
_FIXED_SIZES = {
    0x0002: 2, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8,
    0x000A: 4, 0x000B: 2, 0x0014: 8, 0x0040: 8, 0x0048: 16,
}  # fmt: skip
_VARIABLE = {0x001E, 0x001F, 0x0102, 0x000D}
_MULTI = 0x1000
_MAX_PROPERTIES = 10_000

_RTF_PREBUF = (
    b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript "
    b"\\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par "
    b"\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"
)


class TnefError(MalformedContent):
    """Report a TNEF stream that cannot be read."""

    code = "tnef_malformed"
    template = "TNEF（winmail.dat）の形式が不正です: {detail}"


@dataclass
class TnefAttachment:
    """One attachment carried inside a TNEF stream."""

    filename: str = ""
    data: bytes = b""
    mime_type: str = ""


@dataclass
class TnefContent:
    """The readable content of a TNEF stream."""

    attachments: list[TnefAttachment] = field(default_factory=list)
    body_text: str = ""
    body_html: bytes = b""
    body_rtf: bytes = b""
    is_truncated: bool = False
    """The stream ended inside an attribute; everything read before that point is complete."""


class _Reader:
    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise TnefError(detail="データが途中で終わっています")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def u16(self) -> int:
        value: int = struct.unpack_from("<H", self.take(2))[0]
        return value

    def u32(self) -> int:
        value: int = struct.unpack_from("<I", self.take(4))[0]
        return value

    def pad(self, size: int) -> None:
        self.take(-size % 4)


def _decode_string(raw: bytes, is_unicode: bool, codepage: str) -> str:
    if is_unicode:
        return raw.decode("utf-16-le", "replace").split("\x00", 1)[0]
    text = raw.split(b"\x00", 1)[0]
    try:
        return text.decode(codepage)
    except (UnicodeDecodeError, LookupError):
        return text.decode("cp1252", "replace")


def _read_props(data: bytes) -> dict[int, list[bytes | str]]:
    """Read a MAPI property list ([MS-OXTNEF] §2.1.3.5); values are kept raw except strings."""
    reader = _Reader(data)
    count = reader.u32()
    if count > _MAX_PROPERTIES:
        raise TnefError(detail="プロパティが多すぎます")
    props: dict[int, list[bytes | str]] = {}
    for _ in range(count):
        kind = reader.u16()
        prop_id = reader.u16()
        if prop_id >= 0x8000:  # named property: GUID, kind, then an ID or a name
            reader.take(16)
            if reader.u32() == 0:
                reader.u32()
            else:
                length = reader.u32()
                reader.take(length)
                reader.pad(length)
        base = kind & ~_MULTI
        values: list[bytes | str] = []
        if base in _VARIABLE:
            number = reader.u32()
            if number > _MAX_PROPERTIES:
                raise TnefError(detail="値が多すぎます")
            for _ in range(number):
                length = reader.u32()
                raw = reader.take(length)
                reader.pad(length)
                if base == 0x001F:
                    values.append(raw.decode("utf-16-le", "replace").split("\x00", 1)[0])
                elif base == 0x001E:
                    values.append(raw.split(b"\x00", 1)[0])
                elif base == 0x000D:
                    values.append(raw[16:])  # PT_OBJECT starts with a 16-byte interface ID (§2.1.3.5.1)
                else:
                    values.append(raw)
        elif base in _FIXED_SIZES:
            number = reader.u32() if kind & _MULTI else 1
            if number > _MAX_PROPERTIES:
                raise TnefError(detail="値が多すぎます")
            size = _FIXED_SIZES[base]
            for _ in range(number):
                values.append(reader.take(size))
                reader.pad(size)
        else:
            raise TnefError(detail=f"未知のプロパティ型 0x{kind:04x}")
        props[prop_id] = values
    return props


def decompress_rtf(data: bytes, max_size: int = 50 * 1024 * 1024) -> bytes:
    """Decompress PR_RTF_COMPRESSED ([MS-OXRTFCP] §2.1.3.1: LZFu with a 4096-byte ring dictionary)."""
    reader = _Reader(data)
    comp_size, raw_size, magic = reader.u32(), reader.u32(), reader.u32()
    reader.u32()  # CRC, not checked: the output is only ever read as text
    if magic == 0x414C454D:  # "MELA": stored uncompressed
        return data[16 : 16 + raw_size]
    if magic != 0x75465A4C:  # "LZFu"
        raise TnefError(detail="圧縮 RTF の形式が不正です")
    if raw_size > max_size:
        raise TnefError(detail="圧縮 RTF が大きすぎます")
    end = min(len(data), comp_size + 4)
    window = bytearray(4096)
    window[: len(_RTF_PREBUF)] = _RTF_PREBUF
    write = len(_RTF_PREBUF)
    out = bytearray()
    pos = 16
    while pos < end and len(out) < raw_size:
        flags = data[pos]
        pos += 1
        for bit in range(8):
            if pos >= end or len(out) >= raw_size:
                break
            if flags & (1 << bit):
                if pos + 1 >= end:
                    return bytes(out)
                token = (data[pos] << 8) | data[pos + 1]
                pos += 2
                offset, length = token >> 4, (token & 0xF) + 2
                if offset == write:
                    return bytes(out)
                for step in range(length):
                    byte = window[(offset + step) % 4096]
                    out.append(byte)
                    window[write] = byte
                    write = (write + 1) % 4096
            else:
                byte = data[pos]
                pos += 1
                out.append(byte)
                window[write] = byte
                write = (write + 1) % 4096
    return bytes(out)


def _first(props: dict[int, list[bytes | str]], tag: int) -> bytes | str | None:
    values = props.get(tag)
    return values[0] if values else None


def _apply_attachment_props(
    attachment: TnefAttachment, props: dict[int, list[bytes | str]], codepage: str
) -> None:
    for tag in (_PR_ATTACH_LONG_FILENAME, _PR_ATTACH_FILENAME, _PR_DISPLAY_NAME):
        value = _first(props, tag)
        if value:
            name = value if isinstance(value, str) else _decode_string(value, False, codepage)
            if name.strip():
                attachment.filename = name.strip()
                break
    mime = _first(props, _PR_ATTACH_MIME_TAG)
    if mime:
        attachment.mime_type = mime if isinstance(mime, str) else mime.decode("ascii", "replace")
    data = _first(props, _PR_ATTACH_DATA)
    if isinstance(data, bytes) and data and not attachment.data:
        attachment.data = data


def parse_tnef(data: bytes, *, max_attachments: int = 500) -> TnefContent:
    """Read a TNEF stream; raise ``TnefError`` when it is not one or is malformed."""
    reader = _Reader(data)
    if len(data) < 6 or reader.u32() != _SIGNATURE:
        raise TnefError(detail="TNEF の署名がありません")
    reader.u16()  # legacy key
    content = TnefContent()
    codepage = "cp1252"
    current: TnefAttachment | None = None
    while reader.pos + 9 <= len(data):
        level = reader.take(1)[0]
        attr = reader.u32()
        length = reader.u32()
        if level not in (_LVL_MESSAGE, _LVL_ATTACHMENT):
            break  # trailing garbage after the stream
        if reader.pos + length + 2 > len(data):
            content.is_truncated = True
            break
        value = reader.take(length)
        reader.u16()  # checksum: a wrong one is common in the wild and harms nothing here
        attr_id = attr & 0xFFFF
        if attr_id == _ATT_OEM_CODEPAGE and len(value) >= 4:
            number = struct.unpack_from("<I", value)[0]
            codepage = f"cp{number}" if number else codepage
        elif attr_id == _ATT_BODY and level == _LVL_MESSAGE:
            content.body_text = _decode_string(value, False, codepage)
        elif attr_id == _ATT_MSG_PROPS and level == _LVL_MESSAGE:
            props = _read_props(value)
            body = _first(props, _PR_BODY)
            if body and not content.body_text:
                content.body_text = body if isinstance(body, str) else _decode_string(body, False, codepage)
            html = _first(props, _PR_BODY_HTML)
            if isinstance(html, bytes):
                content.body_html = html
            elif isinstance(html, str):
                content.body_html = html.encode("utf-8")
            rtf = _first(props, _PR_RTF_COMPRESSED)
            if isinstance(rtf, bytes):
                content.body_rtf = rtf
        elif attr_id == _ATT_ATTACH_RENDDATA:
            if len(content.attachments) >= max_attachments:
                raise TnefError(detail="添付ファイルが多すぎます")
            current = TnefAttachment()
            content.attachments.append(current)
        elif level == _LVL_ATTACHMENT and current is not None:
            if attr_id == _ATT_ATTACH_TITLE and not current.filename:
                current.filename = _decode_string(value, False, codepage).strip()
            elif attr_id == _ATT_ATTACH_DATA:
                current.data = value
            elif attr_id == _ATT_ATTACHMENT:
                _apply_attachment_props(current, _read_props(value), codepage)
    return content
