"""The public document corpus: every file gets a verdict with a reason; active content never passes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mamori.sanitize import FileResult, Mode, Policy, Verdict, sanitize_file

REPOSITORY = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("MAMORI_CORPORA", REPOSITORY / ".." / "shared" / "corpora"))
DOCUMENTS = CORPORA / "documents"
pytestmark = pytest.mark.skipif(
    not DOCUMENTS.is_dir(), reason=f"public corpora not found at {CORPORA} (set MAMORI_CORPORA)"
)

# Legacy Office files are refused instead of converted here: LibreOffice (optional, a few seconds a
# file) is exercised on a couple of files in test_libreoffice.py. Inspection still runs.
POLICY = Policy(legacy_office=Mode.REMOVE)

# Samples that carry active content, per documents/SOURCES.md (encrypted ones are checked separately).
ACTIVE_FOLDERS = ("oletools/excel4-macros/", "oletools/oleform/", "oletools/oleobj/", "oletools/olevba/")
ACTIVE_FILES = {
    "oletools/msodde/dde-in-csv.csv",
    "oletools/msodde/dde-in-excel2003.xml",
    "oletools/msodde/dde-test.docm",
    "oletools/msodde/dde-test.docx",
    "oletools/msodde/dde-test.xlsb",
    "oletools/msodde/dde-test.xlsm",
    "oletools/msodde/dde-test.xlsx",
    "oletools/ooxml/dde-in-excel2003.xml",
    "oletools/rtfobj/issue_251.rtf",
}
PASSWORD_ZIPS = {
    "oletools/msodde/dde-in-word2003.xml.zip",
    "oletools/msodde/dde-in-word2007.xml.zip",
    "oletools/msodde/dde-test-from-office2003.doc.zip",
    "oletools/msodde/dde-test-from-office2013-utf_16le-korean.doc.zip",
    "oletools/msodde/dde-test-from-office2016.doc.zip",
    "oletools/ooxml/dde-in-word2003.xml.zip",
    "oletools/rtfobj/issue_185.rtf.zip",
}
# Dangerzone samples whose extension lies about the content.
MISMATCHED = {
    "dangerzone/sample-mime-application-zip.xls",
    "dangerzone/sample-mime-octet-stream.xls",
    "dangerzone/sample_bad_pdf.pdf",
}


def corpus_files() -> list[str]:
    if not DOCUMENTS.is_dir():
        return []
    return sorted(
        str(p.relative_to(DOCUMENTS)) for p in DOCUMENTS.rglob("*") if p.is_file() and p.name != "SOURCES.md"
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, FileResult]]:
    """Sanitize a copy of every corpus document once."""
    work = tmp_path_factory.mktemp("documents")
    outcome: dict[str, tuple[bytes, FileResult]] = {}
    for relative in corpus_files():
        copy = work / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DOCUMENTS / relative, copy)
        data = copy.read_bytes()
        outcome[relative] = (data, sanitize_file(data, copy.name, POLICY))
    return outcome


def test_every_document_gets_a_verdict_with_a_japanese_reason(
    results: dict[str, tuple[bytes, FileResult]],
) -> None:
    assert len(results) == 131
    for relative, (_data, result) in results.items():
        assert result.verdict in set(Verdict), relative
        assert result.reason and any(ord(ch) > 0x3000 for ch in result.reason), relative
        assert (result.output is not None) == (result.verdict in (Verdict.CLEANED, Verdict.CONVERTED)), (
            relative
        )
        assert "予期しない" not in result.reason and "隔離プロセス" not in result.reason, relative


def test_active_content_is_reported_and_never_passed_unchanged(
    results: dict[str, tuple[bytes, FileResult]],
) -> None:
    active = [r for r in results if r.startswith(ACTIVE_FOLDERS) or r in ACTIVE_FILES]
    assert len(active) > 60
    for relative in active:
        data, result = results[relative]
        assert result.has_active_content, (relative, result.findings)
        assert result.output != data, relative


def test_cleaned_outputs_carry_no_active_content_on_a_second_pass(
    results: dict[str, tuple[bytes, FileResult]],
) -> None:
    checked = 0
    for relative, (_data, result) in results.items():
        if result.output is None or result.detected_type not in ("docx", "xlsx", "pptx", "pdf", "csv"):
            continue
        again = sanitize_file(result.output, result.output_filename or "out", POLICY)
        assert not again.has_active_content, (relative, again.findings)
        checked += 1
    assert checked > 40


def test_negative_controls_are_not_flagged(results: dict[str, tuple[bytes, FileResult]]) -> None:
    controls = [r for r in results if "harmless-clean" in r or r.startswith("dangerzone/")]
    assert len(controls) == 35
    for relative in controls:
        assert not results[relative][1].has_active_content, (relative, results[relative][1].findings)


def test_extension_content_mismatch_is_detected(results: dict[str, tuple[bytes, FileResult]]) -> None:
    for relative in MISMATCHED:
        assert "extension_mismatch" in {f.code for f in results[relative][1].findings}, relative
    assert "extension_mismatch" not in {f.code for f in results["dangerzone/sample-docx.docx"][1].findings}


def test_encrypted_documents_are_held_or_decrypted_with_the_default_password(
    results: dict[str, tuple[bytes, FileResult]],
) -> None:
    encrypted = [
        r for r in results if r.startswith("oletools/encrypted/") or r == "oletools/basic/encrypted.docx"
    ]
    assert len(encrypted) == 18
    for relative in encrypted:
        result = results[relative][1]
        codes = {f.code for f in result.findings}
        if "standardpassword" in relative:
            assert "default_password" in codes, relative
            assert result.verdict is not Verdict.HELD, relative
        else:
            assert result.verdict is Verdict.HELD, relative
            assert "encrypted" in codes


def test_password_zips_are_reported_as_password_protected_archives(
    results: dict[str, tuple[bytes, FileResult]],
) -> None:
    for relative in PASSWORD_ZIPS:
        result = results[relative][1]
        assert result.verdict is Verdict.HELD, relative
        assert "password_archive" in {f.code for f in result.findings}, relative


def test_default_password_workbooks_are_cleaned_of_their_macros(
    results: dict[str, tuple[bytes, FileResult]],
) -> None:
    result = results["oletools/encrypted/autostart-encrypt-standardpassword.xlsm"][1]
    assert result.verdict is Verdict.CLEANED
    assert "vba_macro" in {f.code for f in result.findings}
    assert b"vbaProject" not in (result.output or b"")


def test_cleaned_office_documents_still_open(results: dict[str, tuple[bytes, FileResult]]) -> None:
    import io
    import warnings

    import docx
    import openpyxl

    opened = 0
    for _data, result in results.values():
        if result.verdict is not Verdict.CLEANED or result.output is None:
            continue
        if result.detected_type == "docx" and (result.output_filename or "").endswith(".docx"):
            docx.Document(io.BytesIO(result.output))
            opened += 1
        elif result.detected_type == "xlsx" and (result.output_filename or "").endswith(".xlsx"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                openpyxl.load_workbook(io.BytesIO(result.output)).close()
            opened += 1
    assert opened >= 15
