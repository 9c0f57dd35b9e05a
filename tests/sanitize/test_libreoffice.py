"""Legacy Office and OpenDocument files become pixel PDFs through LibreOffice when it is installed."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pikepdf
import pytest

from mamori.sanitize import Mode, Policy, Verdict, sanitize_file

REPOSITORY = Path(__file__).resolve().parents[2]
DOCUMENTS = Path(os.environ.get("MAMORI_CORPORA", REPOSITORY / ".." / "shared" / "corpora")) / "documents"
HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None


def only_images(pdf_bytes: bytes) -> bool:
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return all(set(page.obj.Resources.keys()) == {"/XObject"} for page in pdf.pages)


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) is not installed")
@pytest.mark.skipif(not DOCUMENTS.is_dir(), reason="public corpora not found (set MAMORI_CORPORA)")
@pytest.mark.parametrize(
    ("relative", "finding"),
    [
        ("oletools/olevba/sample_with_vba.ppt", "vba_macro"),
        ("dangerzone/sample-odt.odt", None),
    ],
)
def test_legacy_and_odf_documents_become_pixel_pdfs(
    relative: str, finding: str | None, tmp_path: Path
) -> None:
    copy = tmp_path / Path(relative).name
    shutil.copyfile(DOCUMENTS / relative, copy)
    result = sanitize_file(copy.read_bytes(), copy.name, Policy(odf=Mode.RENDER))
    assert result.verdict is Verdict.CONVERTED, result.reason
    assert result.output_filename == copy.stem + ".pdf"
    assert only_images(result.output or b"")
    if finding:
        assert finding in {f.code for f in result.findings}


def test_legacy_files_are_removed_when_the_policy_says_so() -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    policy = Policy(legacy_office=Mode.REMOVE)
    result = sanitize_file(legacy, "old.doc", policy)
    assert result.verdict is Verdict.REMOVED
    assert result.output is None
