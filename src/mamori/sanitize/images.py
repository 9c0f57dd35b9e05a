"""Make raster images harmless: decode, cap pixels, re-encode without metadata or trailing data."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize.errors import LimitExceeded, MalformedContent
from mamori.sanitize.results import Verdict

# Formats Pillow may decode here; everything else is refused (Pillow has many rarely-used decoders).
_FORMATS = {
    "png": "PNG",
    "jpeg": "JPEG",
    "gif": "GIF",
    "bmp": "BMP",
    "tiff": "TIFF",
    "webp": "WEBP",
    "pnm": "PPM",
}
_END_MARKERS = {"png": b"IEND\xaeB`\x82", "jpeg": b"\xff\xd9", "gif": b"\x3b"}


def clean_image(data: bytes, kind: str, ctx: Context) -> Converted:
    """Decode the image and encode a fresh copy (PNG or JPEG) with the same dimensions."""
    _note_trailing_data(data, kind, ctx)
    limit = ctx.policy.limits.max_image_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=[_FORMATS[kind]])
            width, height = image.size
            if width * height > limit or width <= 0 or height <= 0:
                raise LimitExceeded(limit="max_image_pixels", detail=f"{width}×{height} ピクセル")
            if image.info.get("exif") or image.info.get("icc_profile") or image.info.get("xmp"):
                ctx.find("metadata")
            if kind == "jpeg":
                # Honour the EXIF orientation before the tag is dropped, so the picture stays upright.
                image = ImageOps.exif_transpose(image)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LimitExceeded(limit="max_image_pixels", detail="画像が大きすぎます") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise MalformedContent(detail="画像として読めません") from exc
    out = io.BytesIO()
    if kind == "jpeg":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
        image.save(out, "JPEG", quality=90)
        extension, mime = "jpg", "image/jpeg"
    else:
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=False)
        extension, mime = "png", "image/png"
    return Converted(
        Verdict.CLEANED if kind in ("png", "jpeg") else Verdict.CONVERTED,
        out.getvalue(),
        mime,
        output_name(ctx.filename, extension),
        "画像を再エンコードし、メタデータと付加データを除去しました。",
    )


def _note_trailing_data(data: bytes, kind: str, ctx: Context) -> None:
    marker = _END_MARKERS.get(kind)
    if marker is None:
        return
    end = data.rfind(marker)
    if end < 0:
        return
    trailing = data[end + len(marker) :]
    if len(trailing.strip(b"\x00\r\n ")) > 0:
        ctx.find("polyglot", f"末尾に {len(trailing)} バイト")
    # A second file hidden inside (zip, script, PE, PDF) is a polyglot even before the end marker.
    for magic, label in (
        (b"PK\x03\x04", "zip"),
        (b"%PDF-", "pdf"),
        (b"<script", "script"),
        (b"MZ\x90\x00", "exe"),
    ):
        if magic in data[16:]:
            ctx.find("polyglot", label)
