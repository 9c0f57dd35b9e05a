"""OpenDocument: macros, scripts, objects, DDE and outside links are removed; text stays editable."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from mamori.sanitize import Mode, Policy, Verdict, sanitize_file

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
NAMESPACES = (
    f'xmlns:office="{OFFICE}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3"'
)
CONTENT = (
    f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES}>'
    "<office:scripts><office:event-listeners>"
    '<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
    'xlink:href="vnd.sun.star.script:Standard.Module1.AutoOpen?language=Basic&amp;location=document"/>'
    "</office:event-listeners></office:scripts>"
    "<office:body><office:text>"
    '<text:dde-connection-decls><text:dde-connection-decl office:name="x" office:dde-application="cmd" '
    'office:dde-topic="/c calc" office:dde-item="A1"/></text:dde-connection-decls>'
    "<text:p>市役所からのお知らせ</text:p>"
    '<text:p><text:a xlink:href="vnd.sun.star.script:Standard.Module1.Run">ここをクリック</text:a></text:p>'
    '<text:p><draw:frame><draw:object-ole xlink:href="./Object 1"/>'
    '<draw:image xlink:href="https://tracker.example/pixel.png"/></draw:frame></text:p>'
    "</office:text></office:body></office:document-content>"
)
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="Object 1" manifest:media-type="application/octet-stream"/>'
    '<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", CONTENT)
        archive.writestr("META-INF/manifest.xml", MANIFEST)
        archive.writestr("Object 1", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200)
        archive.writestr(
            "Basic/Standard/Module1.xml", '<script:module>Sub AutoOpen: Shell "calc"</script:module>'
        )
    return out.getvalue()


def test_macros_scripts_objects_dde_and_tracking_links_are_removed() -> None:
    result = sanitize_file(odt(), "お知らせ.odt", Policy())
    assert result.verdict is Verdict.CLEANED
    archive = zipfile.ZipFile(io.BytesIO(result.output or b""))
    assert archive.namelist()[0] == "mimetype"
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    assert set(archive.namelist()) == {"mimetype", "content.xml", "META-INF/manifest.xml"}
    content = archive.read("content.xml").decode("utf-8")
    for gone in ("vnd.sun.star.script", "event-listener", "dde-connection", "object-ole", "tracker.example"):
        assert gone not in content
    assert "市役所からのお知らせ" in content and "ここをクリック" in content
    manifest = archive.read("META-INF/manifest.xml").decode("utf-8")
    assert "Object 1" not in manifest and "Basic/" not in manifest
    codes = {f.code for f in result.findings}
    assert {"vba_macro", "script", "dde", "ole_object", "external_relationship"} <= codes


def test_plain_libreoffice_document_is_not_flagged() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            f"<office:document-content {NAMESPACES}><office:scripts/><office:body><office:text>"
            "<text:p>こんにちは</text:p></office:text></office:body></office:document-content>",
        )
    result = sanitize_file(out.getvalue(), "plain.odt", Policy())
    assert result.verdict is Verdict.CLEANED
    assert result.findings == ()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_cleaned_document_still_opens_in_libreoffice(tmp_path: Path) -> None:
    result = sanitize_file(odt(), "notice.odt", Policy())
    (tmp_path / "notice.odt").write_bytes(result.output or b"")
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "txt:Text",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "notice.odt"),
        ],
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert "市役所からのお知らせ" in (tmp_path / "notice.txt").read_text("utf-8-sig")


def test_render_mode_without_libreoffice_is_refused_or_converted() -> None:
    result = sanitize_file(odt(), "notice.odt", Policy(odf=Mode.RENDER))
    expected = Verdict.CONVERTED if shutil.which("soffice") else Verdict.REMOVED
    assert result.verdict is expected
