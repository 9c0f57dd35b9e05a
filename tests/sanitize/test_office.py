"""OOXML: macros, DDE, OLE, ActiveX and remote templates are removed; the document stays editable."""

from __future__ import annotations

import io
import zipfile

import docx as python_docx
from file_samples import (
    docm_with_macro,
    docx,
    docx_with_dde,
    docx_with_ole_object,
    docx_with_remote_template,
    paragraph,
)
from oletools.olevba import VBA_Parser

from mamori.sanitize import Policy, Verdict, sanitize_file


def names(data: bytes) -> set[str]:
    return set(zipfile.ZipFile(io.BytesIO(data)).namelist())


def read(data: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(name).decode("utf-8")


def test_docm_becomes_docx_without_macros() -> None:
    original = docm_with_macro()
    assert "word/vbaProject.bin" in names(original)
    result = sanitize_file(original, "請求書.docm", Policy())
    assert result.verdict is Verdict.CLEANED
    assert result.output_filename == "請求書.docx"
    assert result.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    output = result.output or b""
    assert not any("vbaproject" in name.lower() for name in names(output))
    types = read(output, "[Content_Types].xml")
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert "vbaProject" not in read(output, "word/_rels/document.xml.rels")
    parser = VBA_Parser("out.docx", data=output)
    assert not parser.detect_vba_macros()
    assert "vba_macro" in {f.code for f in result.findings}


def test_cleaned_docx_opens_and_keeps_japanese_text() -> None:
    result = sanitize_file(docm_with_macro("令和7年度 予算書を添付します"), "予算.docm", Policy())
    document = python_docx.Document(io.BytesIO(result.output or b""))
    assert [p.text for p in document.paragraphs] == ["令和7年度 予算書を添付します"]


def test_dde_fields_are_neutralised_and_text_kept() -> None:
    result = sanitize_file(docx_with_dde(), "dde.docx", Policy())
    assert result.verdict is Verdict.CLEANED
    body = read(result.output or b"", "word/document.xml")
    assert "DDE" not in body and "cmd.exe" not in body
    assert "動的交換を含む文書" in body and "結果" in body
    assert [f.code for f in result.findings].count("dde") == 2


def test_remote_template_relationship_is_removed() -> None:
    result = sanitize_file(docx_with_remote_template(), "t.docx", Policy())
    output = result.output or b""
    assert "evil.example" not in read(output, "word/_rels/settings.xml.rels")
    assert "attachedTemplate" not in read(output, "word/settings.xml")
    assert "remote_template" in {f.code for f in result.findings}
    python_docx.Document(io.BytesIO(output))


def test_ole_objects_and_activex_are_removed_with_their_references() -> None:
    result = sanitize_file(docx_with_ole_object(), "ole.docx", Policy())
    output = result.output or b""
    assert not any(n.startswith(("word/embeddings/", "word/activeX/")) for n in names(output))
    body = read(output, "word/document.xml")
    assert "OLEObject" not in body and "w:control" not in body and "w:object" not in body
    assert "埋め込みオブジェクト" in body
    assert {"ole_object", "activex"} <= {f.code for f in result.findings}
    assert python_docx.Document(io.BytesIO(output)).paragraphs[0].text == "埋め込みオブジェクト"


def test_external_hyperlinks_are_kept() -> None:
    rels = (
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="https://www.city.example.lg.jp/" TargetMode="External"/>'
    )
    result = sanitize_file(docx(paragraph("市のサイト"), document_rels=rels), "link.docx", Policy())
    assert result.findings == ()
    assert "www.city.example.lg.jp" in read(result.output or b"", "word/_rels/document.xml.rels")


def test_benign_docx_is_not_flagged() -> None:
    result = sanitize_file(docx(paragraph("こんにちは")), "hello.docx", Policy())
    assert result.verdict is Verdict.CLEANED
    assert result.findings == ()
    assert "能動的な要素はありません" in result.reason


def _xlsx(extra: dict[str, str], sheet_xml: str, workbook_rels: str = "", types: str = "") -> bytes:
    ss = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>' + types + "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{ss}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
            '<sheet name="Macro1" sheetId="2" r:id="rId2"/></sheets>'
            '<definedNames><definedName name="_xlnm.Auto_Open">Macro1!$A$1</definedName></definedNames>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" '
            'Target="macrosheets/sheet1.xml"/>' + workbook_rels + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{ss}"><sheetData>{sheet_xml}</sheetData></worksheet>',
        "xl/macrosheets/sheet1.xml": (
            f'<xm:macrosheet xmlns:xm="{ss}"><c><f>EXEC("calc.exe")</f></c></xm:macrosheet>'
        ),
        **extra,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_xlsm_loses_xlm_macro_sheet_auto_open_and_dde_formulas() -> None:
    cells = (
        '<row r="1"><c r="A1"><f>cmd|\' /C calc\'!A0</f><v>0</v></c>'
        '<c r="B1"><f>SUM(1,2)</f><v>3</v></c></row>'
    )
    result = sanitize_file(_xlsx({}, cells), "book.xlsm", Policy())
    output = result.output or b""
    assert result.output_filename == "book.xlsx"
    assert not any("macrosheets" in n for n in names(output))
    workbook = read(output, "xl/workbook.xml")
    assert "Macro1" not in workbook and "Auto_Open" not in workbook and "Sheet1" in workbook
    sheet = read(output, "xl/worksheets/sheet1.xml")
    assert "cmd|" not in sheet and "SUM(1,2)" in sheet
    assert {"xlm_macro", "dde"} <= {f.code for f in result.findings}


def test_external_link_parts_are_removed() -> None:
    extra = {
        "xl/externalLinks/externalLink1.xml": (
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<ddeLink ddeService="cmd" ddeTopic="/c calc"/></externalLink>'
        )
    }
    rels = (
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'externalLink" Target="externalLinks/externalLink1.xml"/>'
    )
    result = sanitize_file(_xlsx(extra, "", rels), "link.xlsx", Policy())
    output = result.output or b""
    assert not any("externalLinks" in n for n in names(output))
    assert "externalLink" not in read(output, "xl/_rels/workbook.xml.rels")
    assert {"external_link", "dde"} <= {f.code for f in result.findings}


def test_zip_bomb_inside_office_container_is_refused() -> None:
    bomb = docx(paragraph("x"), extra_parts={"word/media/big.bin": b"\x00" * (30 * 1024 * 1024)})
    result = sanitize_file(bomb, "bomb.docx", Policy())
    assert result.verdict is Verdict.REMOVED
    assert "max_expansion_ratio" in result.reason


def test_file_and_unc_hyperlinks_point_nowhere_but_keep_their_text() -> None:
    rels = (
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="file://///attacker.example/share/x.lnk" TargetMode="External"/>'
    )
    body = '<w:p><w:hyperlink r:id="rId3"><w:r><w:t>資料はこちら</w:t></w:r></w:hyperlink></w:p>'
    result = sanitize_file(docx(body, document_rels=rels), "unc.docx", Policy())
    output = result.output or b""
    assert "attacker.example" not in read(output, "word/_rels/document.xml.rels")
    assert "資料はこちら" in read(output, "word/document.xml")
    assert "external_relationship" in {f.code for f in result.findings}


def test_alt_chunk_documents_are_removed() -> None:
    rels = (
        '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'aFChunk" Target="chunk.rtf"/>'
    )
    body = paragraph("本文") + '<w:altChunk r:id="rId4"/>'
    chunk = rb"{\rtf1 {\object\objdata 0105}}"
    result = sanitize_file(
        docx(body, document_rels=rels, extra_parts={"word/chunk.rtf": chunk}), "a.docx", Policy()
    )
    output = result.output or b""
    assert "word/chunk.rtf" not in names(output)
    assert "altChunk" not in read(output, "word/document.xml")
    assert "embedded_document" in {f.code for f in result.findings}


def test_entity_bomb_in_an_office_part_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<r>&b;</r>"
    )
    result = sanitize_file(
        docx(paragraph("x"), extra_parts={"word/custom.xml": bomb.encode()}), "b.docx", Policy()
    )
    assert result.verdict is Verdict.REMOVED
    assert "DTD" in result.reason


def test_part_names_that_climb_out_are_refused() -> None:
    result = sanitize_file(docx(paragraph("x"), extra_parts={"../../evil.txt": b"x"}), "p.docx", Policy())
    assert result.verdict is Verdict.REMOVED
