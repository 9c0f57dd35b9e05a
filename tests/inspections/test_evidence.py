"""Evidence files: stored under the data directory within size and type limits, read only by who may."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from mamori.core.models import AuditEntry
from mamori.inspections import limits, services
from mamori.inspections.errors import EvidenceRejected, InspectionError
from mamori.inspections.models import ChecklistItem

from .conftest import sheet_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def unit_sheet(make_campaign, section_head):
    campaign = make_campaign(items=list(ChecklistItem.objects.filter(code="2-01")), types=("unit",))
    return sheet_of(campaign, section_head, "unit")


def test_pdf_evidence_is_stored_under_the_data_dir(unit_sheet, section_head):
    answer = unit_sheet.answers.get()
    evidence = services.attach_evidence(
        answer, actor=section_head, upload=SimpleUploadedFile("台帳.pdf", PDF)
    )
    assert evidence.original_name == "台帳.pdf"
    assert evidence.content_type == "application/pdf"
    path = evidence.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    with open(path, "rb") as handle:
        assert handle.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "この種類のファイルは添付できません"),
        ("fake.pdf", b"MZ\x90\x00this is a program", "中身が拡張子と一致しません"),
        ("empty.pdf", b"", "空のファイル"),
        ("notes.txt", b"abc\x00def", "中身が拡張子と一致しません"),
    ],
)
def test_unsafe_or_mismatched_files_are_refused(unit_sheet, section_head, name, content, message):
    answer = unit_sheet.answers.get()
    with pytest.raises(EvidenceRejected, match=message):
        services.attach_evidence(answer, actor=section_head, upload=SimpleUploadedFile(name, content))
    assert not answer.evidence.exists()


def test_too_large_file_is_refused(unit_sheet, section_head):
    answer = unit_sheet.answers.get()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * limits.MAX_EVIDENCE_BYTES)
    with pytest.raises(EvidenceRejected, match="大きすぎます（上限 10MB）"):
        services.attach_evidence(answer, actor=section_head, upload=big)


def test_evidence_is_required_before_submitting_a_done_answer(unit_sheet, section_head):
    answer = unit_sheet.answers.get()
    services.save_answer(unit_sheet, answer.campaign_item_id, actor=section_head, value="done", comment="")
    with pytest.raises(InspectionError, match="証跡の添付が必要な項目があります（2-01）"):
        services.submit_sheet(unit_sheet, actor=section_head)
    services.attach_evidence(
        answer, actor=section_head, upload=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\nxxxx")
    )
    services.submit_sheet(unit_sheet, actor=section_head)


def test_upload_through_the_form_and_download_is_recorded(
    unit_sheet, section_head, policy_officer, staff, login
):
    answer = unit_sheet.answers.get()
    client = login(section_head)
    response = client.post(
        f"/inspections/sheets/{unit_sheet.pk}/",
        {
            f"evidence-{answer.campaign_item_id}": SimpleUploadedFile(
                "list.csv", "番号,名称\n1,台帳\n".encode()
            ),
            "save": "1",
        },
    )
    assert response.status_code == 302
    evidence = answer.evidence.get()
    officer = login(policy_officer)
    download = officer.get(f"/inspections/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == "番号,名称\n1,台帳\n".encode()
    assert AuditEntry.objects.filter(
        action="read", object_type="inspections.evidence", object_id=str(evidence.pk)
    ).exists()
    assert login(staff).get(f"/inspections/evidence/{evidence.pk}/").status_code == 404
