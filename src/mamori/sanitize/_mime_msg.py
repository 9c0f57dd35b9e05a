"""Read an Outlook .msg file (an OLE compound file, [MS-OXMSG]) into headers, body and attachments.

An Outlook item is the Windows counterpart of a forwarded message/rfc822 part: the mail side shows its
text and sends each of its attachments through the file engine. Only property streams are read
(``__substg1.0_TTTTYYYY``, [MS-OXMSG] §2.1.3); nothing in the file is executed or rendered.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import olefile

from mamori.sanitize.charsets import decode_bytes
from mamori.sanitize.errors import MalformedContent

__all__ = ["OLE_MAGIC", "MsgError", "OutlookAttachment", "OutlookMessage", "read_msg"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ATTACH_PREFIX = "__attach_version1.0_#"
_EMBEDDED = "__substg1.0_3701000D"  # PidTagAttachDataObject holding an embedded message ([MS-OXMSG] §2.2.2.1)
_MAX_DEPTH = 3
_MAX_STREAM_BYTES = 50 * 1024 * 1024

# Property IDs ([MS-OXPROPS]).
_SUBJECT = 0x0037
_SENDER_NAME = 0x0C1A
_SENDER_SMTP = 0x5D01
_SENDER_EMAIL = 0x0C1F
_DISPLAY_TO = 0x0E04
_DISPLAY_CC = 0x0E03
_HEADERS = 0x007D
_BODY = 0x1000
_BODY_HTML = 0x1013
_RTF_COMPRESSED = 0x1009
_ATTACH_LONG_FILENAME = 0x3707
_ATTACH_FILENAME = 0x3704
_DISPLAY_NAME = 0x3001
_ATTACH_DATA = 0x3701
_ATTACH_MIME = 0x370E


class MsgError(MalformedContent):
    """Report an Outlook .msg file that cannot be read."""

    code = "msg_malformed"
    template = "Outlook の .msg ファイルを読めません: {detail}"


@dataclass
class OutlookAttachment:
    """One attachment of an Outlook item."""

    filename: str
    data: bytes
    mime_type: str


@dataclass
class OutlookMessage:
    """The readable parts of an Outlook item."""

    subject: str = ""
    sender: str = ""
    to: str = ""
    cc: str = ""
    date: str = ""
    body_text: str = ""
    body_html: bytes = b""
    body_rtf: bytes = b""
    attachments: list[OutlookAttachment] = field(default_factory=list)
    embedded: list[OutlookMessage] = field(default_factory=list)


class _Reader:
    def __init__(self, ole: olefile.OleFileIO, prefix: list[str]) -> None:
        self.ole = ole
        self.prefix = prefix

    def raw(self, name: str) -> bytes | None:
        path = [*self.prefix, name]
        if not self.ole.exists(path) or self.ole.get_type(path) != olefile.STGTY_STREAM:
            return None
        if self.ole.get_size(path) > _MAX_STREAM_BYTES:
            raise MsgError(detail="プロパティが大きすぎます")
        data: bytes = self.ole.openstream(path).read()
        return data

    def text(self, prop: int) -> str:
        unicode = self.raw(f"__substg1.0_{prop:04X}001F")
        if unicode is not None:
            return unicode.decode("utf-16-le", "replace").split("\x00", 1)[0]
        eight_bit = self.raw(f"__substg1.0_{prop:04X}001E")
        if eight_bit is not None:
            return decode_bytes(eight_bit.split(b"\x00", 1)[0], None).text
        return ""

    def binary(self, prop: int) -> bytes:
        return self.raw(f"__substg1.0_{prop:04X}0102") or b""


def _date_from_headers(headers: str) -> str:
    for line in headers.splitlines():
        if line.lower().startswith("date:"):
            return line[5:].strip()
    return ""


def _read(ole: olefile.OleFileIO, prefix: list[str], depth: int, max_attachments: int) -> OutlookMessage:
    reader = _Reader(ole, prefix)
    message = OutlookMessage(
        subject=reader.text(_SUBJECT),
        sender=" ".join(
            part
            for part in (
                reader.text(_SENDER_NAME),
                f"<{reader.text(_SENDER_SMTP) or reader.text(_SENDER_EMAIL)}>",
            )
            if part and part != "<>"
        ),
        to=reader.text(_DISPLAY_TO),
        cc=reader.text(_DISPLAY_CC),
        date=_date_from_headers(reader.text(_HEADERS)),
        body_text=reader.text(_BODY),
        body_html=reader.binary(_BODY_HTML) or reader.text(_BODY_HTML).encode("utf-8"),
        body_rtf=reader.binary(_RTF_COMPRESSED),
    )
    storages = sorted(
        {
            entry[len(prefix)]
            for entry in ole.listdir(streams=True, storages=True)
            if len(entry) > len(prefix) and entry[: len(prefix)] == prefix
        }
    )
    for storage in storages:
        if not storage.startswith(_ATTACH_PREFIX):
            continue
        if len(message.attachments) + len(message.embedded) >= max_attachments:
            raise MsgError(detail="添付ファイルが多すぎます")
        attach_prefix = [*prefix, storage]
        attach = _Reader(ole, attach_prefix)
        if (
            ole.exists([*attach_prefix, _EMBEDDED])
            and ole.get_type([*attach_prefix, _EMBEDDED]) == olefile.STGTY_STORAGE
        ):
            if depth + 1 > _MAX_DEPTH:
                raise MsgError(detail="入れ子が深すぎます")
            message.embedded.append(_read(ole, [*attach_prefix, _EMBEDDED], depth + 1, max_attachments))
            continue
        name = (
            attach.text(_ATTACH_LONG_FILENAME) or attach.text(_ATTACH_FILENAME) or attach.text(_DISPLAY_NAME)
        )
        message.attachments.append(
            OutlookAttachment(
                filename=name, data=attach.binary(_ATTACH_DATA), mime_type=attach.text(_ATTACH_MIME)
            )
        )
    return message


def read_msg(data: bytes, *, max_attachments: int = 500) -> OutlookMessage:
    """Read an Outlook .msg file; raise ``MsgError`` when it is not one or is damaged."""
    if not data.startswith(OLE_MAGIC):
        raise MsgError(detail="OLE 形式ではありません")
    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, IndexError, KeyError, struct.error) as exc:  # olefile reports damage so
        raise MsgError(detail="OLE 構造が壊れています") from exc
    try:
        if not ole.exists("__properties_version1.0"):
            raise MsgError(detail="Outlook のメッセージではありません")
        return _read(ole, [], 0, max_attachments)
    except (OSError, ValueError, IndexError, KeyError, TypeError, struct.error) as exc:
        raise MsgError(detail="OLE 構造が壊れています") from exc
    finally:
        ole.close()
