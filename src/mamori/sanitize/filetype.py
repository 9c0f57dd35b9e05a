"""Detect the true type of a file from its content (magic bytes, zip and OLE inspection), never its name."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import olefile

from mamori.sanitize._zipsafe import ZIP_ERRORS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
LNK_MAGIC = b"L\x00\x00\x00\x01\x14\x02\x00"

# Canonical MIME type and file name extension of every detected type.
TYPE_INFO: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
    "xlsb": ("application/vnd.ms-excel.sheet.binary.macroEnabled.12", "xlsb"),
    "doc": ("application/msword", "doc"),
    "xls": ("application/vnd.ms-excel", "xls"),
    "ppt": ("application/vnd.ms-powerpoint", "ppt"),
    "png": ("image/png", "png"),
    "jpeg": ("image/jpeg", "jpg"),
    "gif": ("image/gif", "gif"),
    "bmp": ("image/bmp", "bmp"),
    "tiff": ("image/tiff", "tif"),
    "webp": ("image/webp", "webp"),
    "pnm": ("image/x-portable-anymap", "pnm"),
    "svg": ("image/svg+xml", "svg"),
    "zip": ("application/zip", "zip"),
    "7z": ("application/x-7z-compressed", "7z"),
    "text": ("text/plain", "txt"),
    "csv": ("text/csv", "csv"),
    "tsv": ("text/tab-separated-values", "tsv"),
    "html": ("text/html", "html"),
    "rtf": ("application/rtf", "rtf"),
    "office_xml": ("application/xml", "xml"),
    "odf": ("application/vnd.oasis.opendocument", "odt"),
    "epub": ("application/epub+zip", "epub"),
    "xps": ("application/vnd.ms-xpsdocument", "xps"),
    "msg": ("application/vnd.ms-outlook", "msg"),
    "ole": ("application/x-ole-storage", "bin"),
    "encrypted_office": ("application/x-encrypted-office", "bin"),
    "executable": ("application/x-msdownload", "exe"),
    "script": ("text/x-script", "txt"),
    "lnk": ("application/x-ms-shortcut", "lnk"),
    "disk_image": ("application/x-iso9660-image", "iso"),
    "archive_other": ("application/octet-stream", "bin"),
    "jar": ("application/java-archive", "jar"),
    "sylk": ("application/x-sylk", "slk"),
    "media": ("application/octet-stream", "bin"),
    "unknown": ("application/octet-stream", "bin"),
}

# Extensions each detected type legitimately carries (to report a name that lies about the content).
EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({"pdf"}),
    "docx": frozenset({"docx", "docm", "dotx", "dotm"}),
    "xlsx": frozenset({"xlsx", "xlsm", "xltx", "xltm", "xlam"}),
    "pptx": frozenset({"pptx", "pptm", "potx", "potm", "ppsx", "ppsm", "ppam"}),
    "xlsb": frozenset({"xlsb"}),
    "doc": frozenset({"doc", "dot"}),
    "xls": frozenset({"xls", "xlt", "xla"}),
    "ppt": frozenset({"ppt", "pot", "pps", "ppa"}),
    "png": frozenset({"png"}),
    "jpeg": frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    "gif": frozenset({"gif"}),
    "bmp": frozenset({"bmp", "dib"}),
    "tiff": frozenset({"tif", "tiff"}),
    "webp": frozenset({"webp"}),
    "pnm": frozenset({"pbm", "pgm", "ppm", "pnm"}),
    "svg": frozenset({"svg"}),
    "zip": frozenset({"zip"}),
    "7z": frozenset({"7z"}),
    "text": frozenset({"txt", "text", "log", "md", "json", "xml", "ini", "cfg", "eml"}),
    "csv": frozenset({"csv"}),
    "tsv": frozenset({"tsv", "tab"}),
    "html": frozenset({"html", "htm", "xhtml"}),
    "rtf": frozenset({"rtf", "doc"}),
    "office_xml": frozenset({"xml"}),
    "odf": frozenset({"odt", "ods", "odp", "odg", "ott", "ots", "otp", "odf"}),
    "epub": frozenset({"epub"}),
    "xps": frozenset({"xps", "oxps"}),
    "msg": frozenset({"msg"}),
    "executable": frozenset({"exe", "dll", "scr", "com", "sys", "cpl", "ocx", "drv", "efi", "so", "bin"}),
    "lnk": frozenset({"lnk"}),
    "disk_image": frozenset({"iso", "img", "vhd", "vhdx", "dmg"}),
    "jar": frozenset({"jar"}),
    "sylk": frozenset({"slk", "sylk"}),
    "encrypted_office": frozenset(
        {
            "docx",
            "docm",
            "dotx",
            "dotm",
            "xlsx",
            "xlsm",
            "xlsb",
            "xltx",
            "xltm",
            "pptx",
            "pptm",
            "ppsx",
            "ppsm",
        }
    ),
}

_TEXTUAL_TYPES = frozenset({"text", "csv", "tsv", "html", "svg", "office_xml", "script", "sylk"})

_OOXML_MAIN = {
    "wordprocessingml": "docx",
    "ms-word.document": "docx",
    "ms-word.template": "docx",
    "spreadsheetml": "xlsx",
    "ms-excel.sheet.macroenabled": "xlsx",
    "ms-excel.template": "xlsx",
    "ms-excel.addin": "xlsx",
    "ms-excel.sheet.binary": "xlsb",
    "presentationml": "pptx",
    "ms-powerpoint": "pptx",
}


@dataclass(frozen=True)
class Detection:
    """The true type of a file and what the name said."""

    type: str
    mime: str
    extension: str
    name_extension: str
    is_encrypted: bool = False

    @property
    def is_name_mismatch(self) -> bool:
        """Tell whether the file name's extension contradicts the content."""
        if not self.name_extension:
            return False
        if self.type in _TEXTUAL_TYPES:
            # Text has no magic bytes: any text-like extension is consistent with it.
            return self.name_extension in _BINARY_ONLY_EXTENSIONS
        allowed = EXTENSIONS.get(self.type)
        return allowed is not None and self.name_extension not in allowed


_BINARY_ONLY_EXTENSIONS = frozenset(
    ext
    for kind, exts in EXTENSIONS.items()
    if kind not in _TEXTUAL_TYPES and kind != "rtf"
    for ext in exts
    if ext not in {"xml", "doc"}
)


def name_extension(filename: str) -> str:
    """Return the lower-case extension of a file name without the dot (last one only)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().rstrip(". ")
    if "." not in base:
        return ""
    return base.rsplit(".", 1)[-1].lower()


def detect(untrusted_data: bytes, filename: str = "") -> Detection:
    """Detect the type of the content; the name only chooses between csv/tsv/text for plain text."""
    kind, encrypted = _detect_kind(untrusted_data, name_extension(filename))
    mime, ext = TYPE_INFO[kind]
    return Detection(kind, mime, ext, name_extension(filename), encrypted)


def _detect_kind(data: bytes, name_ext: str) -> tuple[str, bool]:
    head = data[:16]
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(data)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(data)
    if b"%PDF-" in data[:1024]:
        return "pdf", False
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", False
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", False
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif", False
    if head.startswith(b"BM") and len(data) > 26:
        return "bmp", False
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff", False
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "webp", False
    if re.match(rb"P[1-6][ \t\r\n]", head):
        return "pnm", False
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z", False
    if head.startswith(b"{\\rt"):
        # Word opens anything starting "{\rt" as RTF (malware relies on it), not only "{\rtf1".
        return "rtf", False
    if head.startswith((b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")):
        return "executable", False
    if head.startswith(LNK_MAGIC):
        return "lnk", False
    if data[0x8001:0x8006] == b"CD001" or head.startswith((b"koly", b"conectix", b"vhdxfile")):
        return "disk_image", False
    if head.startswith((b"Rar!", b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"MSCF", b"ustar")) or (
        data[257:262] == b"ustar"
    ):
        return "archive_other", False
    if head.startswith((b"ID;P", b"ID;N")):
        return "sylk", False
    if head[4:8] in (b"ftyp", b"moov") or head.startswith((b"OggS", b"fLaC", b"ID3", b"\x1aE\xdf\xa3")):
        return "media", False
    return _text_kind(data, name_ext)


def _zip_kind(data: bytes) -> tuple[str, bool]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except ZIP_ERRORS:
        return "unknown", False
    lowered = {name.lower(): name for name in names}
    if "[content_types].xml" in lowered:
        return _ooxml_kind(archive, lowered["[content_types].xml"]), False
    if "mimetype" in lowered:
        try:
            mimetype = archive.read(lowered["mimetype"])[:100]
        except ZIP_ERRORS:
            mimetype = b""
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return "odf", False
        if mimetype.startswith(b"application/epub+zip"):
            return "epub", False
    if "meta-inf/manifest.mf" in lowered or any(name.endswith(".class") for name in lowered):
        return "jar", False
    if any(name.startswith("fixeddocumentsequence") for name in lowered):
        return "xps", False
    encrypted = any(info.flag_bits & 0x1 for info in archive.infolist())
    return "zip", encrypted


def _ooxml_kind(archive: zipfile.ZipFile, name: str) -> str:
    try:
        info = archive.getinfo(name)
        if info.file_size > 1024 * 1024:
            return "unknown"
        types = archive.read(name).decode("utf-8", "replace").lower()
    except ZIP_ERRORS:
        return "unknown"
    for marker in re.findall(r'contenttype="([^"]+\.main(?:\+xml)?)"', types):
        for key, kind in _OOXML_MAIN.items():
            if key in marker:
                return kind
    if "fixeddocumentsequence" in types:
        return "xps"
    return "unknown"


def _ole_kind(data: bytes) -> tuple[str, bool]:
    try:
        ole = olefile.OleFileIO(data)
    except (OSError, ValueError, IndexError, TypeError, AttributeError, olefile.olefile.OleFileError):
        return "ole", False
    try:
        streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True, storages=True)}
    except (OSError, ValueError, IndexError, TypeError, AttributeError, olefile.olefile.OleFileError):
        return "ole", False
    finally:
        ole.close()
    if "encryptedpackage" in streams and "encryptioninfo" in streams:
        return "encrypted_office", True
    if "worddocument" in streams:
        return "doc", False
    if "workbook" in streams or "book" in streams:
        return "xls", False
    if "powerpoint document" in streams:
        return "ppt", False
    if any(name.startswith("__substg1.0_") for name in streams):
        return "msg", False
    return "ole", False


_ISO2022_ESC = re.compile(rb"\x1b[\$\(][@BJDI]")


def looks_like_text(data: bytes) -> bool:
    """Tell whether the bytes look like text in a charset the engine can read."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return len(data) % 2 == 0
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    return controls <= len(sample) // 100


def _text_kind(data: bytes, name_ext: str) -> tuple[str, bool]:
    if not looks_like_text(data):
        return "unknown", False
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = (
            data[2:8192].decode("utf-16-le" if data[0] == 0xFF else "utf-16-be", "replace").lower().encode()
        )
    if head.startswith((b"#!", b"@echo", b"<job", b"<package")) or b"<hta:application" in head:
        return "script", False
    if (
        b"<?mso-application" in head
        or b"urn:schemas-microsoft-com:office:" in head
        or (b"schemas.microsoft.com/office/word/2003/wordml" in head)
    ):
        return "office_xml", False
    if b"<svg" in head and (head.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--"))):
        return "svg", False
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<script")) or (
        b"<html" in head[:1024]
    ):
        return "html", False
    if name_ext == "csv":
        return "csv", False
    if name_ext in ("tsv", "tab"):
        return "tsv", False
    return "text", False
