"""PDF: active content is removed, text survives, render mode leaves only pixels."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from file_samples import malicious_pdf, save, text_pdf

from mamori.sanitize import Mode, Policy, Verdict, sanitize_file
from mamori.sanitize.files import sanitize_without_isolation


def active_content(data: bytes) -> set[str]:
    """Re-open a PDF independently and list every active construct left in it."""
    found: set[str] = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/OpenAction" in pdf.Root and not isinstance(pdf.Root.OpenAction, pikepdf.Array):
            found.add("OpenAction")
        names = pdf.Root.get("/Names", {})
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                found.add(key)
        if "/AcroForm" in pdf.Root and "/XFA" in pdf.Root.AcroForm:
            found.add("XFA")
        pending = list(pdf.objects)
        while pending:
            obj = pending.pop()
            if isinstance(obj, pikepdf.Array):
                pending.extend(_direct(list(obj)))
                continue
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                continue
            pending.extend(_direct([obj[key] for key in obj]))
            if "/JS" in obj or "/AA" in obj or "/EF" in obj:
                found.add("JS/AA/EF")
            if obj.get("/S") in (pikepdf.Name.JavaScript, pikepdf.Name.Launch, pikepdf.Name.URI):
                found.add(str(obj.get("/S")))
            if obj.get("/Subtype") in (pikepdf.Name.RichMedia, pikepdf.Name.FileAttachment):
                found.add(str(obj.get("/Subtype")))
            if obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                found.add("EmbeddedFile")
    return found


def _direct(items: list[object]) -> list[object]:
    return [i for i in items if isinstance(i, pikepdf.Dictionary | pikepdf.Array) and not i.is_indirect]


def page_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    try:
        return "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_sample_really_carries_active_content() -> None:
    assert {"OpenAction", "/JavaScript", "/EmbeddedFiles", "XFA", "/Launch"} <= active_content(
        malicious_pdf()
    )


def test_javascript_openaction_launch_and_embedded_files_are_removed() -> None:
    result = sanitize_file(malicious_pdf(), "invoice.pdf", Policy())
    assert result.verdict is Verdict.CLEANED
    assert result.output is not None
    assert active_content(result.output) == set()
    codes = {finding.code for finding in result.findings}
    assert {
        "pdf_javascript",
        "pdf_open_action",
        "pdf_additional_action",
        "pdf_launch",
        "pdf_embedded_file",
        "pdf_rich_media",
        "pdf_xfa",
    } <= codes
    assert result.has_active_content


def test_cleaned_pdf_keeps_its_text_and_pages() -> None:
    result = sanitize_file(malicious_pdf(), "invoice.pdf", Policy())
    assert result.output is not None
    assert "Malicious page 2 line 7" in page_text(result.output)
    assert len(pdfium.PdfDocument(result.output)) == 2


def test_benign_pdf_is_not_flagged() -> None:
    result = sanitize_file(save(text_pdf(3)), "report.pdf", Policy())
    assert result.verdict is Verdict.CLEANED
    assert result.findings == ()
    assert "Hello Mamori page 3 line 50" in page_text(result.output or b"")


def test_links_are_removed_by_default_and_kept_when_allowed() -> None:
    data = save(text_pdf(1, with_link=True))
    strict = sanitize_file(data, "l.pdf", Policy())
    assert "/URI" not in active_content(strict.output or b"")
    assert "pdf_link" in {f.code for f in strict.findings}
    assert not strict.has_active_content
    lenient = sanitize_file(data, "l.pdf", Policy(pdf_remove_links=False))
    assert "/URI" in active_content(lenient.output or b"")


def test_password_protected_pdf_is_held() -> None:
    data = save(text_pdf(1), encryption=pikepdf.Encryption(user="secret", owner="owner"))
    result = sanitize_file(data, "ppap.pdf", Policy())
    assert result.verdict is Verdict.HELD
    assert result.output is None
    assert "暗号化" in result.reason


def test_password_protected_pdf_is_removed_when_policy_says_so() -> None:
    data = save(text_pdf(1), encryption=pikepdf.Encryption(user="secret", owner="owner"))
    result = sanitize_file(data, "ppap.pdf", Policy.from_mapping({"encrypted": "remove"}))
    assert result.verdict is Verdict.REMOVED


def test_owner_password_only_pdf_is_cleaned_without_encryption() -> None:
    data = save(text_pdf(1), encryption=pikepdf.Encryption(user="", owner="owner"))
    result = sanitize_file(data, "restricted.pdf", Policy())
    assert result.verdict is Verdict.CLEANED
    with pikepdf.open(io.BytesIO(result.output or b"")) as pdf:
        assert not pdf.is_encrypted


def test_render_mode_leaves_only_images() -> None:
    result = sanitize_file(malicious_pdf(), "invoice.pdf", Policy(pdf=Mode.RENDER))
    assert result.verdict is Verdict.CONVERTED
    assert result.output is not None
    with pikepdf.open(io.BytesIO(result.output)) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            resources = page.obj.Resources
            assert set(resources.keys()) == {"/XObject"}
            assert all(x.Subtype == pikepdf.Name.Image for x in resources.XObject.values())
    assert active_content(result.output) == set()
    assert page_text(result.output).strip() == ""
    # Findings are still reported in render mode.
    assert "pdf_javascript" in {f.code for f in result.findings}


def test_render_mode_keeps_a4_text_pages_under_150_kb() -> None:
    result = sanitize_file(save(text_pdf(2)), "a4.pdf", Policy(pdf=Mode.RENDER))
    assert result.output is not None
    assert len(result.output) / 2 <= 150 * 1024
    with pikepdf.open(io.BytesIO(result.output)) as pdf:
        box = [float(v) for v in pdf.pages[0].MediaBox]
        assert box[2] == pytest.approx(595, abs=1) and box[3] == pytest.approx(842, abs=1)


def test_page_limit_removes_the_file() -> None:
    policy = Policy.from_mapping({"limits": {"max_pdf_pages": 2}})
    result = sanitize_without_isolation(save(text_pdf(3)), "long.pdf", policy)
    assert result.verdict is Verdict.REMOVED
    assert "max_pdf_pages" in result.reason


def test_broken_pdf_is_removed_with_a_reason() -> None:
    result = sanitize_file(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "broken.pdf", Policy())
    assert result.verdict is Verdict.REMOVED
    assert result.reason


def test_render_mode_keeps_colour_pages_in_colour() -> None:
    pdf = text_pdf(1)
    page = pdf.pages[0].obj
    page.Contents = pdf.make_stream(b"1 0 0 rg 100 100 300 300 re f BT /F1 20 Tf 56 700 Td (Red) Tj ET")
    result = sanitize_file(save(pdf), "colour.pdf", Policy(pdf=Mode.RENDER))
    with pikepdf.open(io.BytesIO(result.output or b"")) as rebuilt:
        image = next(iter(rebuilt.pages[0].Resources.XObject.values()))
        assert image.ColorSpace == pikepdf.Name.DeviceRGB
    bitmap = pdfium.PdfDocument(result.output or b"")[0].render(scale=1).to_pil().convert("RGB")
    red, green, blue = bitmap.getpixel((200, 842 - 250))
    assert red > 200 and green < 60 and blue < 60
