"""Make OOXML documents (docx/xlsx/pptx and their macro-enabled kin) harmless, keeping them editable."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

from mamori.sanitize._context import Context, Converted, output_name
from mamori.sanitize._zipsafe import open_zip, read_member
from mamori.sanitize.errors import MalformedContent
from mamori.sanitize.results import Verdict

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SS_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

# Macro-enabled main parts and the macro-free type they become (ECMA-376 Part 1 and [MS-OFFMACRO2]).
_MAIN_TYPES: dict[str, tuple[str, str]] = {
    "application/vnd.ms-word.document.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "docx",
    ),
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        "dotx",
    ),
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xlsx",
    ),
    "application/vnd.ms-excel.template.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        "xltx",
    ),
    "application/vnd.ms-excel.addin.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "xlsx",
    ),
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "pptx",
    ),
    "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
        "ppsx",
    ),
    "application/vnd.ms-powerpoint.template.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
        "potx",
    ),
    "application/vnd.ms-powerpoint.addin.macroenabled.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        "pptx",
    ),
}
_PLAIN_EXTENSIONS: dict[str, str] = {
    "wordprocessingml.document.main": "docx",
    "wordprocessingml.template.main": "dotx",
    "spreadsheetml.sheet.main": "xlsx",
    "spreadsheetml.template.main": "xltx",
    "presentationml.presentation.main": "pptx",
    "presentationml.slideshow.main": "ppsx",
    "presentationml.template.main": "potx",
}
_MIME_BY_EXTENSION: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "dotx": "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xltx": "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ppsx": "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
    "potx": "application/vnd.openxmlformats-officedocument.presentationml.template",
}

# Part name patterns that hold active content, and the finding each one means.
_ACTIVE_PARTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(^|/)vbaproject\.bin$|(^|/)vbadata\.xml$|(^|/)vbaprojectsignature[a-z]*\.bin$"),
        "vba_macro",
    ),
    (re.compile(r"(^|/)attachedtoolbars\.bin$"), "vba_macro"),
    (re.compile(r"(^|/)(macrosheets|intlmacrosheets)/"), "xlm_macro"),
    (re.compile(r"(^|/)activex/"), "activex"),
    (re.compile(r"(^|/)embeddings/"), "ole_object"),
    (re.compile(r"(^|/)externallinks/"), "external_link"),
)
# Relationship types whose external targets are fetched or run by Office (remote templates, linked OLE).
_REMOTE_TEMPLATE = re.compile(r"/(attachedtemplate|subdocument)$")
_HYPERLINK = re.compile(r"/hyperlink$")
# Wrappers to remove together with an element that pointed to a removed part.
_CONTAINERS = frozenset(
    {"object", "graphicFrame", "AlternateContent", "oleObjects", "controls", "control", "oleObj"}
)
# DDE in a formula: an application name, a pipe and a topic (=cmd|'/c calc'!A0).
_DDE_FORMULA = re.compile(r"^[\s=+\-@]*'?[\w.\\ ]+'?\|")
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DDE_FIELD = re.compile(r"^\s*(DDE|DDEAUTO)\b", re.IGNORECASE)


def clean_ooxml(data: bytes, ctx: Context) -> Converted:
    """Remove macros, ActiveX, OLE objects, external links/templates and DDE; keep the document editable."""
    archive, infos = open_zip(data, ctx, "Office 文書")
    parts: dict[str, bytes] = {}
    order: list[str] = []
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        if name.startswith("/") or "\\" in name or ".." in name.split("/") or "\x00" in name:
            raise MalformedContent(detail=f"不正な部品名「{name[:80]}」があります")
        part = read_member(archive, info, ctx)
        if name.lower().endswith((".xml", ".rels", ".vml")) and _DTD.search(part[:4096]):
            # Office never writes a DTD; one here can only be an entity-expansion (billion laughs) trap.
            raise MalformedContent(detail=f"「{name}」に DTD が含まれています")
        parts[name] = part
        order.append(name)
    removed = _remove_active_parts(parts, ctx)
    removed_targets: dict[str, set[str]] = {}
    for name in [n for n in order if n in parts and n.lower().endswith(".rels")]:
        parts[name], ids = _clean_relationships(name, parts, set(removed), ctx)
        if ids:
            removed_targets[_source_of_rels(name)] = ids
    for source, ids in removed_targets.items():
        if source in parts:
            parts[source] = _drop_referencing_elements(parts[source], ids)
    main_extension = _fix_content_types(parts, set(removed), ctx)
    for name in list(parts):
        lowered = name.lower()
        if lowered.endswith(".xml") and lowered.startswith("word/"):
            parts[name] = _clean_dde_fields(parts[name], ctx)
        elif lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
            parts[name] = _clean_dde_formulas(parts[name], ctx)
        elif lowered == "xl/workbook.xml":
            parts[name] = _clean_workbook(parts[name], ctx)
        elif lowered.startswith("ppt/") and lowered.endswith(".xml") and b"ppaction://" in parts[name]:
            parts[name] = _clean_slide_actions(parts[name], ctx)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            if name in parts:
                target.writestr(name, parts[name])
    active = [f for f in ctx.findings if f.code not in ("extension_mismatch",)]
    return Converted(
        Verdict.CLEANED,
        out.getvalue(),
        _MIME_BY_EXTENSION.get(main_extension, "application/octet-stream"),
        output_name(ctx.filename, main_extension),
        "Office 文書から能動的な要素を除去しました（編集可能なまま）。"
        if active
        else "Office 文書を検査し、能動的な要素はありませんでした。",
    )


def _parse(data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise MalformedContent(detail=f"「{name}」の XML が不正です") from exc


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _remove_active_parts(parts: dict[str, bytes], ctx: Context) -> list[str]:
    removed: list[str] = []
    for name in list(parts):
        lowered = name.lower()
        if name not in parts:
            continue
        for pattern, code in _ACTIVE_PARTS:
            if pattern.search(lowered):
                ctx.find(code, name)
                if code == "external_link" and b"ddeLink" in parts[name]:
                    ctx.find("dde", name)
                del parts[name]
                removed.append(name)
                rels = posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels")
                if rels in parts:
                    del parts[rels]
                    removed.append(rels)
                break
    return removed


def _source_of_rels(rels_name: str) -> str:
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _clean_relationships(
    name: str, parts: dict[str, bytes], removed: set[str], ctx: Context
) -> tuple[bytes, set[str]]:
    root = _parse(parts[name], name)
    source_dir = posixpath.dirname(_source_of_rels(name))
    dropped: set[str] = set()
    for rel in list(root):
        if not isinstance(rel.tag, str) or etree.QName(rel).localname != "Relationship":
            continue
        rel_type = (rel.get("Type") or "").lower()
        target = rel.get("Target") or ""
        if (rel.get("TargetMode") or "").lower() == "external":
            if _HYPERLINK.search(rel_type):
                if not _SAFE_LINK.match(target):
                    # file:, UNC (\\server\share leaks NTLM credentials) and program paths: keep the
                    # link text, point the link nowhere.
                    ctx.find("external_relationship", target)
                    rel.set("Target", "about:blank")
                continue
            ctx.find(
                "remote_template" if _REMOTE_TEMPLATE.search(rel_type) else "external_relationship", target
            )
        else:
            resolved = posixpath.normpath(posixpath.join("/" + source_dir, target)).lstrip("/")
            if target.startswith("/"):
                resolved = target.lstrip("/")
            code = next((code for pattern, code in _ACTIVE_REL_TYPES if pattern.search(rel_type)), None)
            if resolved not in removed and code is None:
                continue
            if resolved not in removed:
                ctx.find(code or "ole_object", target)
                parts.pop(resolved, None)
                removed.add(resolved)
        if rel.get("Id"):
            dropped.add(rel.get("Id") or "")
        root.remove(rel)
    return _serialise(root), dropped


# Internal relationships whose target is active or embedded content (ECMA-376 Part 1, 15.2, 17.17.2.1).
_ACTIVE_REL_TYPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/vbaproject$"), "vba_macro"),
    (re.compile(r"/activexcontrol"), "activex"),
    (re.compile(r"/control$"), "activex"),
    (re.compile(r"/oleobject$"), "ole_object"),
    (re.compile(r"/package$"), "ole_object"),
    (re.compile(r"/afchunk$"), "embedded_document"),
)
_SAFE_LINK = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)


def _drop_referencing_elements(data: bytes, ids: set[str]) -> bytes:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return data
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for key, value in element.attrib.items():
            if key.startswith("{" + _R_NS + "}") and value in ids:
                doomed.append(_outermost_container(element))
                break
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return _serialise(root)


def _outermost_container(element: etree._Element) -> etree._Element:
    chosen = element
    current = element.getparent()
    for _ in range(6):
        if current is None or current.getparent() is None:
            break
        if etree.QName(current).localname in _CONTAINERS:
            chosen = current
        current = current.getparent()
    return chosen


def _fix_content_types(parts: dict[str, bytes], removed: set[str], ctx: Context) -> str:
    name = next((n for n in parts if n.lower() == "[content_types].xml"), None)
    if name is None:
        raise MalformedContent(detail="[Content_Types].xml がありません")
    root = _parse(parts[name], name)
    extension = ""
    removed_lower = {"/" + r.lower() for r in removed}
    for entry in list(root):
        if not isinstance(entry.tag, str):
            continue
        content_type = (entry.get("ContentType") or "").lower()
        part = (entry.get("PartName") or "").lower()
        if part and part in removed_lower:
            root.remove(entry)
            continue
        if any(key in content_type for key in ("vbaproject", "activex", "oleobject", "macrosheet")):
            root.remove(entry)
            continue
        if content_type in _MAIN_TYPES:
            new_type, extension = _MAIN_TYPES[content_type]
            entry.set("ContentType", new_type)
        elif content_type.endswith(".main+xml") and not extension:
            for key, ext in _PLAIN_EXTENSIONS.items():
                if key in content_type:
                    extension = ext
    parts[name] = _serialise(root)
    if not extension:
        raise MalformedContent(detail="文書の本体が見つかりません")
    return extension


def _clean_dde_fields(data: bytes, ctx: Context) -> bytes:
    if b"instr" not in data:
        return data
    root = _parse(data, "word")
    changed = False
    for simple in root.iter(f"{{{_W_NS}}}fldSimple"):
        if _DDE_FIELD.match(simple.get(f"{{{_W_NS}}}instr") or ""):
            ctx.find("dde", (simple.get(f"{{{_W_NS}}}instr") or "")[:200])
            simple.set(f"{{{_W_NS}}}instr", "")
            changed = True
    stack: list[list[etree._Element]] = []
    for element in root.iter(f"{{{_W_NS}}}fldChar", f"{{{_W_NS}}}instrText"):
        if etree.QName(element).localname == "instrText":
            if stack:
                stack[-1].append(element)
            continue
        kind = element.get(f"{{{_W_NS}}}fldCharType")
        if kind == "begin":
            stack.append([])
        elif kind == "end" and stack:
            codes = stack.pop()
            code = "".join(e.text or "" for e in codes)
            if _DDE_FIELD.match(code):
                ctx.find("dde", code.strip()[:200])
                for e in codes:
                    e.text = ""
                changed = True
    return _serialise(root) if changed else data


def _clean_dde_formulas(data: bytes, ctx: Context) -> bytes:
    if b"|" not in data:
        return data
    root = _parse(data, "sheet")
    changed = False
    for formula in list(root.iter(f"{{{_SS_NS}}}f")):
        if _DDE_FORMULA.match(formula.text or ""):
            ctx.find("dde", (formula.text or "")[:200])
            parent = formula.getparent()
            if parent is not None:
                parent.remove(formula)
                changed = True
    return _serialise(root) if changed else data


def _clean_workbook(data: bytes, ctx: Context) -> bytes:
    root = _parse(data, "workbook")
    changed = False
    for defined in list(root.iter(f"{{{_SS_NS}}}definedName")):
        name = (defined.get("name") or "").lower()
        if name.startswith(("_xlnm.auto_open", "auto_open", "_xlnm.auto_close", "auto_close")):
            ctx.find("xlm_macro", defined.get("name") or "")
            parent = defined.getparent()
            if parent is not None:
                parent.remove(defined)
                changed = True
    return _serialise(root) if changed else data


def _clean_slide_actions(data: bytes, ctx: Context) -> bytes:
    # ppaction://program starts a program and ppaction://macro runs one ([MS-PPTX] 2.4.1).
    root = _parse(data, "slide")
    for element in root.iter():
        action = element.get("action") if isinstance(element.tag, str) else None
        if action and action.lower().startswith(("ppaction://program", "ppaction://macro", "ppaction://ole")):
            ctx.find("external_relationship", action[:100])
            del element.attrib["action"]
    return _serialise(root)
