"""Images: re-encoded with the same size, without metadata or appended data."""

from __future__ import annotations

import io
import struct
import zlib

from file_samples import jpeg, png, zip_of
from PIL import Image

from mamori.sanitize import Policy, Verdict, sanitize_file


def test_polyglot_jpeg_loses_the_trailing_zip_and_keeps_its_size() -> None:
    polyglot = jpeg((120, 80)) + zip_of({"run.js": b"WScript.Shell"})
    result = sanitize_file(polyglot, "photo.jpg", Policy())
    assert result.verdict is Verdict.CLEANED
    output = result.output or b""
    assert b"PK\x03\x04" not in output and b"WScript" not in output
    assert output.rstrip(b"\x00").endswith(b"\xff\xd9")
    assert Image.open(io.BytesIO(output)).size == (120, 80)
    assert "polyglot" in {f.code for f in result.findings}


def test_script_appended_to_png_is_dropped() -> None:
    result = sanitize_file(png() + b"<script>alert(1)</script>", "x.png", Policy())
    assert b"<script" not in (result.output or b"")
    assert Image.open(io.BytesIO(result.output or b"")).size == (40, 30)
    assert "polyglot" in {f.code for f in result.findings}


def test_exif_metadata_is_removed() -> None:
    result = sanitize_file(jpeg(exif=True), "gps.jpg", Policy())
    output = result.output or b""
    assert b"secret location" not in output
    assert not Image.open(io.BytesIO(output)).getexif()
    assert "metadata" in {f.code for f in result.findings}
    assert not result.has_active_content


def test_gif_becomes_png_with_same_dimensions() -> None:
    out = io.BytesIO()
    Image.new("P", (33, 21)).save(out, "GIF")
    result = sanitize_file(out.getvalue(), "anim.gif", Policy())
    assert result.verdict is Verdict.CONVERTED
    assert result.output_filename == "anim.png"
    assert Image.open(io.BytesIO(result.output or b"")).size == (33, 21)


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )


def test_pixel_bomb_is_removed_before_decoding() -> None:
    result = sanitize_file(_png_header_only(50_000, 50_000), "bomb.png", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "max_image_pixels" in result.reason


def test_truncated_image_is_removed_with_a_reason() -> None:
    result = sanitize_file(jpeg()[:40], "cut.jpg", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "画像" in result.reason
