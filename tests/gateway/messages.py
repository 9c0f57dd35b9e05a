"""Mail built in the tests: Japanese mail in the encodings Japanese mailers use, and malicious mail."""

from __future__ import annotations

import base64
import io
import zipfile

JAPANESE_TEXT = "お世話になっております。青葉台市役所 市民課の皆様へ、住民票の件でご連絡します。"
JAPANESE_SUBJECT = "住民票の写しについて（ご依頼）"


def iso2022jp_mail(message_id: str = "<jp-1@example.com>") -> bytes:
    """Return a plain-text ISO-2022-JP mail as older Japanese mailers send it."""
    body = JAPANESE_TEXT.encode("iso-2022-jp")
    subject = "=?ISO-2022-JP?B?" + base64.b64encode(JAPANESE_SUBJECT.encode("iso-2022-jp")).decode() + "?="
    head = (
        "From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.com>\r\n"
        "To: staff@city.example.jp\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n"
        "Date: Tue, 24 Nov 2026 10:00:00 +0900\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=ISO-2022-JP\r\n"
        "Content-Transfer-Encoding: 7bit\r\n\r\n"
    )
    return head.encode("ascii") + body + b"\r\n"


EXE_BYTES = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"malicious-payload-marker" * 20


def malicious_mail(message_id: str = "<evil-1@attacker.example>", to: str = "staff@city.example.jp") -> bytes:
    """Return an HTML phishing mail with a script, a lying link and an executable attachment."""
    html = (
        "<html><body><p>請求書をご確認ください。</p>"
        "<script>alert('pwned-script-marker')</script>"
        '<a href="https://evil.example/login">https://www.city.example.jp/</a>'
        "</body></html>"
    )
    exe = base64.encodebytes(EXE_BYTES).decode().replace("\n", "\r\n")
    return (
        "From: billing@attacker.example\r\n"
        f"To: {to}\r\n"
        "Subject: =?UTF-8?B?" + base64.b64encode("請求書".encode()).decode() + "?=\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{html}\r\n"
        '--b1\r\nContent-Type: application/octet-stream; name="invoice.pdf.exe"\r\n'
        'Content-Disposition: attachment; filename="invoice.pdf.exe"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{exe}\r\n--b1--\r\n"
    ).encode("utf-8")


def encrypted_zip(member: str, data: bytes, password: bytes) -> bytes:
    """Return an AES-encrypted zip (the PPAP kind) holding one file."""
    import pyzipper

    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.setpassword(password)
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        archive.writestr(member, data)
    return buffer.getvalue()


def with_attachment(filename: str, data: bytes, content_type: str, *, message_id: str, to: str) -> bytes:
    """Return a simple Japanese mail with one attachment."""
    payload = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return (
        "From: sender@example.com\r\n"
        f"To: {to}\r\n"
        "Subject: =?UTF-8?B?" + base64.b64encode("資料の送付".encode()).decode() + "?=\r\n"
        f"Message-ID: {message_id}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b2"\r\n\r\n'
        "--b2\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "資料をお送りします。\r\n"
        f'--b2\r\nContent-Type: {content_type}; name="{filename}"\r\n'
        f'Content-Disposition: attachment; filename="{filename}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{payload}\r\n--b2--\r\n"
    ).encode("utf-8")


def _crc_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC = _crc_table()


def zipcrypto_zip(member: str, data: bytes, password: bytes) -> bytes:
    """Return a zip with one stored member under traditional PKWARE encryption (APPNOTE 6.1), as PPAP tools make."""
    import struct
    import zlib

    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(byte: int) -> None:
        keys[0] = _CRC[(keys[0] ^ byte) & 0xFF] ^ (keys[0] >> 8)
        keys[1] = (keys[1] + (keys[0] & 0xFF)) & 0xFFFFFFFF
        keys[1] = (keys[1] * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = _CRC[(keys[2] ^ (keys[1] >> 24)) & 0xFF] ^ (keys[2] >> 8)

    def encrypt(plain: bytes) -> bytes:
        out = bytearray()
        for byte in plain:
            temp = (keys[2] | 2) & 0xFFFF
            out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            update(byte)
        return bytes(out)

    for byte in password:
        update(byte)
    crc = zlib.crc32(data)
    header = bytes(range(11)) + bytes([crc >> 24])
    body = encrypt(header) + encrypt(data)
    name = member.encode("utf-8")
    flags = 0x1 | 0x800  # encrypted, UTF-8 name
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, 0, 0, crc, len(body), len(data), len(name), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        flags,
        0,
        0,
        0,
        crc,
        len(body),
        len(data),
        len(name),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    offset = len(local) + len(name) + len(body)
    directory = central + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), offset, 0)
    return local + name + body + directory + end
