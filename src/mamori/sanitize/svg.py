"""Make SVG images harmless: strip script and references, then render to PNG with resvg (no script engine)."""

from __future__ import annotations

import re

from lxml import etree

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize.errors import LimitExceeded, MalformedContent, UnsupportedContent
from mamori.sanitize.results import Verdict

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_XLINK = "{http://www.w3.org/1999/xlink}href"
# Only raster images embedded as data: URLs may stay; nested SVG could carry references of its own.
_SAFE_DATA = re.compile(r"^\s*data:image/(png|jpeg|gif|webp);", re.IGNORECASE)
_DANGEROUS_ELEMENTS = frozenset(
    {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|mm|cm|in)?\s*$")
_UNIT = {"px": 1.0, "": 1.0, "pt": 96 / 72, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
# Largest side of the PNG produced from an SVG (a logo or a diagram, not a poster).
MAX_SIDE = 4096


def clean_svg(data: bytes, ctx: Context) -> Converted:
    """Render the SVG to PNG after removing script, event handlers and every external reference."""
    root = _parse(data)
    _strip(root, ctx)
    try:
        import resvg_py
    except ImportError as exc:
        raise UnsupportedContent(
            detail="SVG を安全に描画するエンジン（resvg）がないため削除しました"
        ) from exc
    width = _target_width(root, ctx)
    markup = etree.tostring(root, encoding="unicode")
    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=markup, width=width, background="#ffffff"))
    except (ValueError, RuntimeError, OverflowError) as exc:
        raise MalformedContent(detail="SVG を描画できません") from exc
    return Converted(
        Verdict.CONVERTED,
        png,
        "image/png",
        output_name(ctx.filename, "png"),
        "SVG 画像を PNG 画像に変換しました（スクリプトと外部参照は除去）。",
    )


def _parse(data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MalformedContent(detail="SVG の XML が不正です") from exc
    if root is None or etree.QName(root).localname != "svg":
        raise MalformedContent(detail="SVG ではありません")
    return root


def _strip(root: etree._Element, ctx: Context) -> None:
    doomed: list[etree._Element] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            doomed.append(element)  # comments and processing instructions carry nothing we need
            continue
        if etree.QName(element).localname in _DANGEROUS_ELEMENTS:
            ctx.find("svg_script", etree.QName(element).localname)
            doomed.append(element)
            continue
        for name, value in list(element.attrib.items()):
            local = etree.QName(name).localname.lower()
            if local.startswith("on"):
                ctx.find("svg_script", local)
                del element.attrib[name]
            elif local == "href" and not (value.startswith("#") or _SAFE_DATA.match(value)):
                ctx.find("svg_script", f"外部参照 {value[:80]}")
                del element.attrib[name]
            elif "javascript:" in value.lower() or "url(http" in value.lower().replace(" ", ""):
                ctx.find("svg_script", local)
                del element.attrib[name]
        if etree.QName(element).localname == "style" and element.text and "@import" in element.text:
            ctx.find("svg_script", "@import")
            element.text = ""
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    if not match:
        return None
    return float(match.group(1)) * _UNIT[match.group(2) or ""]


def _target_width(root: etree._Element, ctx: Context) -> int:
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            width, height = width or float(box[2]), height or float(box[3])
        except ValueError:
            width = height = None
    if not width or not height or width <= 0 or height <= 0:
        width, height = 512.0, 512.0
    scale = min(1.0, MAX_SIDE / width, MAX_SIDE / height)
    target_w, target_h = max(1, round(width * scale)), max(1, round(height * scale))
    if target_w * target_h > ctx.policy.limits.max_image_pixels:
        raise LimitExceeded(limit="max_image_pixels", detail=f"SVG {target_w}×{target_h}")
    return target_w
