"""Make OpenDocument files (odt/ods/odp/odg) harmless: drop macros, scripts, objects, DDE and links out."""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize._zipsafe import open_zip, read_member
from mamori.sanitize.errors import MalformedContent
from mamori.sanitize.results import Verdict

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Elements removed with their content, and the finding each one means (ODF 1.3 part 3).
_ACTIVE_ELEMENTS: dict[str, str] = {
    f"{{{_NS['office']}}}scripts": "script",
    f"{{{_NS['office']}}}event-listeners": "script",
    f"{{{_NS['draw']}}}object": "ole_object",
    f"{{{_NS['draw']}}}object-ole": "ole_object",
    f"{{{_NS['draw']}}}applet": "script",
    f"{{{_NS['draw']}}}plugin": "media",
    f"{{{_NS['text']}}}dde-connection-decls": "dde",
    f"{{{_NS['text']}}}dde-connection": "dde",
    f"{{{_NS['table']}}}dde-links": "dde",
    f"{{{_NS['office']}}}dde-source": "dde",
    f"{{{_NS['text']}}}section-source": "external_relationship",
    f"{{{_NS['table']}}}table-source": "external_relationship",
}
# Package folders that hold macros and scripts (Basic/ for StarBasic, Scripts/ for Python/JS/BeanShell).
_CODE_FOLDERS = ("basic/", "scripts/")
_SCRIPT_LINK = re.compile(r"^\s*(vnd\.sun\.star\.script:|macro:|javascript:)", re.IGNORECASE)
_INTERNAL = re.compile(r"^(\./)?[^:/\\][^:\\]*$")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def clean_odf(data: bytes, ctx: Context) -> Converted:
    """Remove macros, scripts, embedded objects, applets, DDE and external links; keep it editable."""
    archive, infos = open_zip(data, ctx, "OpenDocument 文書")
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        if name.startswith("/") or "\\" in name or ".." in name.split("/"):
            raise MalformedContent(detail=f"不正な部品名「{name[:80]}」があります")
        parts[name] = read_member(archive, info, ctx)
    mimetype = parts.get("mimetype", b"").strip()
    if not mimetype.startswith(b"application/vnd.oasis.opendocument."):
        raise MalformedContent(detail="OpenDocument の mimetype がありません")
    doomed: set[str] = set()
    for name in parts:
        if name.lower().startswith(_CODE_FOLDERS):
            ctx.find("vba_macro" if name.lower().startswith("basic/") else "script", name)
            doomed.add(name)
    for name in list(parts):
        if not name.endswith(".xml") or name in doomed:
            continue
        if _DTD.search(parts[name][:4096]):
            raise MalformedContent(detail=f"「{name}」に DTD が含まれています")
        # Only content.xml and styles.xml carry scripts, objects, DDE and links (ODF 1.3 part 2, 3.1).
        if name.rsplit("/", 1)[-1] in ("content.xml", "styles.xml"):
            parts[name] = _clean_xml(name, parts[name], doomed, ctx)
    kept = {name: body for name, body in parts.items() if not _is_doomed(name, doomed)}
    if "META-INF/manifest.xml" in kept:
        kept["META-INF/manifest.xml"] = _clean_manifest(kept["META-INF/manifest.xml"], set(kept))
    extension = _extension(mimetype)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        # ODF 1.3 part 2, 3.3: "mimetype" comes first and is stored uncompressed.
        target.writestr(zipfile.ZipInfo("mimetype"), kept.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, body in kept.items():
            target.writestr(name, body)
    active = [f for f in ctx.findings if f.code not in ("extension_mismatch", "media")]
    return Converted(
        Verdict.CLEANED,
        out.getvalue(),
        "application/vnd.oasis.opendocument." + mimetype.decode("ascii", "replace").rsplit(".", 1)[-1],
        output_name(ctx.filename, extension),
        _reason(bool(active), any(f.code == "media" for f in ctx.findings)),
    )


def _reason(has_active: bool, has_media: bool) -> str:
    if has_active:
        return "OpenDocument 文書から能動的な要素を除去しました（編集可能なまま）。"
    if has_media:
        return "OpenDocument 文書を検査し、埋め込みの音声・動画を除去しました。"
    return "OpenDocument 文書を検査し、能動的な要素はありませんでした。"


def _is_doomed(name: str, doomed: set[str]) -> bool:
    return any(name == path or name.startswith(path.rstrip("/") + "/") for path in doomed)


def _extension(mimetype: bytes) -> str:
    kinds = {b"text": "odt", b"spreadsheet": "ods", b"presentation": "odp", b"graphics": "odg"}
    for marker, extension in kinds.items():
        if mimetype.endswith(marker) or mimetype.endswith(marker + b"-template"):
            return extension
    return "odt"


def _clean_xml(name: str, data: bytes, doomed: set[str], ctx: Context) -> bytes:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedContent(detail=f"「{name}」の XML が不正です") from exc
    removals: list[etree._Element] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        code = _ACTIVE_ELEMENTS.get(element.tag)
        if code is not None:
            # LibreOffice writes an empty <office:scripts/> into every file: only content counts.
            if len(element) or (element.text or "").strip() or element.get(_XLINK_HREF):
                ctx.find(code, etree.QName(element).localname)
            removals.append(element)
            href = element.get(_XLINK_HREF, "")
            if _INTERNAL.match(href):
                doomed.add(href.removeprefix("./"))
            continue
        href = element.get(_XLINK_HREF)
        if href is None:
            continue
        if _SCRIPT_LINK.match(href):
            ctx.find("script", href[:100])
            del element.attrib[_XLINK_HREF]
        elif etree.QName(element).localname in ("image", "object", "fill-image") and not _INTERNAL.match(
            href
        ):
            # A linked (not embedded) image is fetched when the file opens: a tracking beacon.
            ctx.find("external_relationship", href[:100])
            del element.attrib[_XLINK_HREF]
    for element in removals:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _clean_manifest(data: bytes, kept: set[str]) -> bytes:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedContent(detail="manifest.xml の XML が不正です") from exc
    path_key = f"{{{_NS['manifest']}}}full-path"
    for entry in list(root):
        path = entry.get(path_key) if isinstance(entry.tag, str) else None
        if path is None or path == "/" or path.endswith("/"):
            continue
        if path not in kept:
            root.remove(entry)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
