"""The import page: the policy officer uploads a .docx or Markdown file and gets a draft."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mamori.policies.models import PolicyDocument, VersionStatus

from .test_import import _docx


def test_a_docx_upload_creates_a_new_document_with_a_draft(city, policy_officer, login):
    data = _docx(
        [("Title", "青葉台市情報セキュリティ対策基準"), "第1章　組織体制", "1　CISO", "副市長とする。"]
    )
    upload = SimpleUploadedFile("taisaku.docx", data)
    response = login(policy_officer).post(
        reverse("policies:import"), {"file": upload, "layer": "standard", "body": city.body.pk}
    )
    assert response.status_code == 302
    document = PolicyDocument.objects.get(title="青葉台市情報セキュリティ対策基準")
    draft = document.versions.get()
    assert draft.status == VersionStatus.DRAFT
    assert [(s.full_number, s.heading) for s in draft.sections.all()] == [
        ("第1章", "組織体制"),
        ("第1章1", "CISO"),
    ]
    assert document.events.filter(kind="imported").exists()


def test_importing_a_new_version_keeps_the_identity_of_unchanged_sections(
    basic_policy, policy_officer, login
):
    old = basic_policy.current_version().sections.get(heading="目的")
    upload = SimpleUploadedFile("kihon.md", "## 第1章 目的\n\n情報資産を守る。改正。\n".encode())
    login(policy_officer).post(
        reverse("policies:import"), {"file": upload, "document": basic_policy.pk, "layer": "basic"}
    )
    draft = basic_policy.versions.get(status=VersionStatus.DRAFT)
    assert draft.sections.get(heading="目的").lineage == old.lineage


def test_a_broken_file_shows_a_japanese_error_and_creates_nothing(city, policy_officer, login):
    upload = SimpleUploadedFile("broken.docx", b"not a zip")
    response = login(policy_officer).post(reverse("policies:import"), {"file": upload, "layer": "standard"})
    assert response.status_code == 200
    assert "Word 文書（.docx）として読めませんでした。" in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_other_file_types_are_refused(city, policy_officer, login):
    upload = SimpleUploadedFile("macro.docm", b"PK")
    response = login(policy_officer).post(reverse("policies:import"), {"file": upload, "layer": "standard"})
    assert "取り込めるのは .docx と Markdown（.md）だけです。" in response.content.decode()
