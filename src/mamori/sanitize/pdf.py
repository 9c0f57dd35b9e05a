"""Make PDF files harmless: strip active content (pikepdf) or rebuild them from pixels (pypdfium2)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name
from PIL import Image

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize.errors import EncryptedContent, LimitExceeded, MalformedContent
from mamori.sanitize.results import Verdict

# Action types that run code, start programs, reach out or exfiltrate (PDF 32000-1:2008, 12.6.4).
_DANGEROUS_ACTIONS: dict[str, str] = {
    "/JavaScript": "pdf_javascript",
    "/Launch": "pdf_launch",
    "/GoToE": "pdf_embedded_file",
    "/GoToR": "pdf_launch",
    "/SubmitForm": "pdf_form_action",
    "/ImportData": "pdf_form_action",
    "/ResetForm": "pdf_form_action",
    "/Rendition": "pdf_rich_media",
    "/RichMediaExecute": "pdf_rich_media",
    "/Movie": "pdf_rich_media",
    "/Sound": "pdf_rich_media",
}
# Annotation types that embed files or play media (PDF 32000-1:2008, 12.5.6; Adobe RichMedia extension).
_DANGEROUS_ANNOTS: dict[str, str] = {
    "/FileAttachment": "pdf_embedded_file",
    "/RichMedia": "pdf_rich_media",
    "/Movie": "pdf_rich_media",
    "/Sound": "pdf_rich_media",
    "/Screen": "pdf_rich_media",
    "/3D": "pdf_rich_media",
}


def _open(data: bytes, ctx: Context) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
        page_count = len(pdf.pages)
    except pikepdf.PasswordError as exc:
        ctx.find("encrypted", "PDF（開くためのパスワードが必要）")
        raise EncryptedContent(detail="パスワード付き PDF") from exc
    except (pikepdf.PdfError, RuntimeError, ValueError, OSError, RecursionError) as exc:
        raise MalformedContent(detail="PDF として読めません") from exc
    if page_count > ctx.policy.limits.max_pdf_pages:
        pdf.close()
        raise LimitExceeded(limit="max_pdf_pages", detail=f"{page_count} ページ")
    return pdf


def clean_pdf(data: bytes, ctx: Context) -> Converted:
    """Remove JavaScript, automatic and launch actions, embedded files, media, XFA and (optionally) links."""
    with _open(data, ctx) as pdf:
        try:
            _strip(pdf, ctx)
            out = io.BytesIO()
            pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        except (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise MalformedContent(detail="PDF の構造を処理できません") from exc
    return Converted(
        Verdict.CLEANED,
        out.getvalue(),
        "application/pdf",
        output_name(ctx.filename, "pdf"),
        "PDF から能動的な要素を除去しました。" if ctx.findings else "PDF を検査し、再構成しました。",
    )


def _strip(pdf: pikepdf.Pdf, ctx: Context) -> None:
    root = pdf.Root
    open_action = root.get("/OpenAction")
    if open_action is not None and not _is_plain_destination(open_action):
        ctx.find("pdf_open_action")
        del root["/OpenAction"]
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        for key, code in (("/JavaScript", "pdf_javascript"), ("/EmbeddedFiles", "pdf_embedded_file")):
            if key in names:
                ctx.find(code)
                del names[key]
    for key, code in (("/AF", "pdf_embedded_file"), ("/Collection", "pdf_embedded_file")):
        if key in root:
            ctx.find(code)
            del root[key]
    acroform = root.get("/AcroForm")
    if isinstance(acroform, Dictionary):
        for key in ("/XFA", "/NeedsRendering"):
            if key in acroform:
                if key == "/XFA":
                    ctx.find("pdf_xfa")
                del acroform[key]
    for page in pdf.pages:
        _strip_annotations(page.obj, ctx)
    # Actions can hide anywhere (outlines, fields, /Next chains), as indirect objects or as direct
    # dictionaries nested inside them: neutralise every one in the file.
    for obj in pdf.objects:
        _walk(obj, ctx, 0)


# Nesting of direct objects deeper than this is refused (stack exhaustion by crafted nesting).
_MAX_NESTING = 64


def _walk(obj: object, ctx: Context, depth: int) -> None:
    if depth > _MAX_NESTING:
        raise MalformedContent(detail="PDF のオブジェクトの入れ子が深すぎます")
    if isinstance(obj, Dictionary | pikepdf.Stream):
        _neutralise(obj, ctx)
        children = [obj[key] for key in list(obj.keys())]
    elif isinstance(obj, Array):
        children = list(obj)
    else:
        return
    for child in children:
        if isinstance(child, Dictionary | Array) and not child.is_indirect:
            _walk(child, ctx, depth + 1)


def _is_plain_destination(value: object) -> bool:
    if isinstance(value, Array):
        return True
    return isinstance(value, Dictionary) and value.get("/S") == Name.GoTo and "/Next" not in value


def _strip_annotations(page: Dictionary, ctx: Context) -> None:
    annots = page.get("/Annots")
    if not isinstance(annots, Array):
        return
    kept = Array()
    for annot in annots:
        if not isinstance(annot, Dictionary):
            continue
        subtype = str(annot.get("/Subtype", ""))
        if subtype in _DANGEROUS_ANNOTS:
            ctx.find(_DANGEROUS_ANNOTS[subtype], subtype)
            continue
        if subtype == "/Link" and _is_uri_link(annot):
            ctx.find("pdf_link")
            if ctx.policy.pdf_remove_links:
                continue
        kept.append(annot)
    page["/Annots"] = kept


def _is_uri_link(annot: Dictionary) -> bool:
    action = annot.get("/A")
    return isinstance(action, Dictionary) and action.get("/S") == Name.URI


def _neutralise(obj: Dictionary | pikepdf.Stream, ctx: Context) -> None:
    if "/AA" in obj:
        ctx.find("pdf_additional_action")
        del obj["/AA"]
    if "/JS" in obj:
        ctx.find("pdf_javascript")
        del obj["/JS"]
    kind = obj.get("/S")
    if isinstance(kind, Name) and str(kind) in _DANGEROUS_ACTIONS:
        ctx.find(_DANGEROUS_ACTIONS[str(kind)], str(kind))
        for key in list(obj.keys()):
            del obj[key]
    elif isinstance(kind, Name) and kind == Name.URI and ctx.policy.pdf_remove_links:
        for key in list(obj.keys()):
            del obj[key]
    if obj.get("/Type") == Name.EmbeddedFile or "/EF" in obj:
        ctx.find("pdf_embedded_file")
        if "/EF" in obj:
            del obj["/EF"]
    if obj.get("/Type") == Name.Filespec and "/RF" in obj:
        del obj["/RF"]


def render_pdf(data: bytes, ctx: Context) -> Converted:
    """Draw every page to pixels and build a new PDF that holds nothing but those pixels."""
    import pypdfium2 as pdfium

    _check_pdf_before_render(data, ctx)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise MalformedContent(detail="PDF を描画できません") from exc
    try:
        page_count = len(document)
        if page_count > ctx.policy.limits.max_pdf_pages:
            raise LimitExceeded(limit="max_pdf_pages", detail=f"{page_count} ページ")
        if page_count == 0:
            raise MalformedContent(detail="ページがありません")
        untrusted_pages = [_render_page(document, index, ctx) for index in range(page_count)]
    finally:
        document.close()
    return Converted(
        Verdict.CONVERTED,
        build_pixel_pdf(untrusted_pages, ctx.policy.render_dpi),
        "application/pdf",
        output_name(ctx.filename, "pdf"),
        f"{page_count} ページを画像化した PDF に変換しました（文字の選択・編集はできません）。",
    )


def _check_pdf_before_render(data: bytes, ctx: Context) -> None:
    # Record active content for the report and honour encryption before drawing pixels.
    with _open(data, ctx) as pdf:
        try:
            _strip(pdf, ctx)
        except (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise MalformedContent(detail="PDF の構造を処理できません") from exc


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """One page as compressed pixels: what crosses from the renderer to the PDF builder."""

    width: int
    height: int
    colorspace: str
    filter_name: str
    data: bytes
    points_width: float
    points_height: float
    bits: int = 8


# Four grey levels (two bits a pixel) keep text anti-aliasing readable and deflate several times faster
# and smaller than eight bits: a dense A4 text page at 150 dpi takes about 60 KB.
_LEVEL_INDEX = [round(value / 85) for value in range(256)]
# Colour pages keep eight bits a channel but only four levels each, which deflates well.
_LEVELS_4 = [round(value / 85) * 85 for value in range(256)]
# Share of mid-tone pixels in the thumbnail above which a page is a photo or scan, stored as JPEG.
_PHOTO_MIDTONES = 0.3


def _render_page(document: object, index: int, ctx: Context) -> RenderedPage:
    import pypdfium2 as pdfium
    from PIL import ImageChops

    page = document[index]  # type: ignore[index]  # pypdfium2 documents are indexable
    try:
        width_pt, height_pt = page.get_size()
        scale = ctx.policy.render_dpi / 72
        if not (0 < width_pt < 14400 and 0 < height_pt < 14400):
            raise MalformedContent(detail=f"ページ {index + 1} の大きさが範囲外です")
        if width_pt * height_pt * scale * scale > ctx.policy.limits.max_image_pixels:
            raise LimitExceeded(limit="max_image_pixels", detail=f"ページ {index + 1}")
        try:
            # A 12 dpi thumbnail tells grey pages from colour ones for a fraction of a millisecond.
            thumb = page.render(scale=12 / 72).to_pil().convert("RGB")
            red, green, blue = thumb.split()
            is_colour = (
                _spread(ImageChops.difference(red, green)) > 24
                or _spread(ImageChops.difference(green, blue)) > 24
            )
            image = page.render(scale=scale, grayscale=not is_colour).to_pil()
            image = image.convert("RGB" if is_colour else "L")
        except pdfium.PdfiumError as exc:
            raise MalformedContent(detail=f"ページ {index + 1} を描画できません") from exc
        is_photo = _is_photo(thumb)
        data, filter_name, bits = _encode(image, is_photo=is_photo)
        return RenderedPage(
            width=image.width,
            height=image.height,
            colorspace="/DeviceRGB" if is_colour else "/DeviceGray",
            filter_name=filter_name,
            data=data,
            points_width=image.width / scale,
            points_height=image.height / scale,
            bits=bits,
        )
    finally:
        page.close()


def _spread(difference: Image.Image) -> int:
    extrema = difference.getextrema()
    high = extrema[1]
    return int(high) if isinstance(high, int | float) else 255


def _is_photo(thumb: Image.Image) -> bool:
    histogram = thumb.convert("L").histogram()
    return sum(histogram[32:224]) > _PHOTO_MIDTONES * thumb.width * thumb.height


def _encode(image: Image.Image, *, is_photo: bool) -> tuple[bytes, str, int]:
    import zlib

    if is_photo:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=75)
        return buffer.getvalue(), "/DCTDecode", 8
    if image.mode == "L":
        # "L;2" packs each row into bytes, two bits a pixel, padded per row as PDF images require.
        return zlib.compress(image.point(_LEVEL_INDEX).tobytes("raw", "L;2"), 3), "/FlateDecode", 2
    return zlib.compress(image.point(_LEVELS_4 * 3).tobytes(), 1), "/FlateDecode", 8


def build_pixel_pdf(pages: list[RenderedPage], dpi: int) -> bytes:
    """Build a PDF whose pages each draw one image and nothing else."""
    pdf = pikepdf.new()
    for page in pages:
        image = pikepdf.Stream(pdf, page.data)
        image.Type = Name.XObject
        image.Subtype = Name.Image
        image.Width = page.width
        image.Height = page.height
        image.ColorSpace = Name(page.colorspace)
        image.BitsPerComponent = page.bits
        image.Filter = Name(page.filter_name)
        width, height = round(page.points_width, 3), round(page.points_height, 3)
        content = pikepdf.Stream(pdf, f"q {width} 0 0 {height} 0 0 cm /Im0 Do Q".encode())
        pdf.pages.append(
            pikepdf.Page(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=Array([0, 0, width, height]),
                    Resources=Dictionary(XObject=Dictionary(Im0=image)),
                    Contents=content,
                )
            )
        )
    out = io.BytesIO()
    pdf.save(out, compress_streams=True)
    return out.getvalue()
