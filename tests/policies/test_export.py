"""Export of any version to .docx and to a print-ready A4 page."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse

from mamori.policies.importing import parse_docx


def test_a_version_exported_to_docx_imports_back_with_the_same_numbers(procedure, staff, login):
    version = procedure.current_version()
    response = login(staff).get(reverse("policies:export_docx", args=[procedure.pk, version.number]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    parsed = parse_docx(response.content)
    assert parsed.title == "住民基本台帳システム運用手順"
    assert [(s.level, s.number, s.heading, s.text) for s in parsed.sections if s.number] == [
        (1, "第1章", "端末の起動", "住基端末は静脈認証で起動する。"),
        (2, "1", "バックアップ", "毎日夜間に取得する。"),
    ]


def test_docx_export_of_a_procedure_is_recorded_in_the_audit_trail(procedure, staff, login):
    from mamori.core.models import AuditEntry

    login(staff).get(reverse("policies:export_docx", args=[procedure.pk, 1]))
    assert AuditEntry.objects.filter(
        action="export", object_type="policies.policyversion", actor=staff
    ).exists()


def test_the_print_page_is_a4_with_page_numbers(basic_policy, staff, login):
    page = login(staff).get(reverse("policies:print", args=[basic_policy.pk, 1])).content.decode()
    assert '<html lang="ja">' in page
    assert "print.css" in page and "<style" not in page
    css = Path(finders.find("policies/css/print.css")).read_text(encoding="utf-8")
    assert "size: A4" in css
    assert "counter(page)" in css
    assert "line-break: strict" in css
