"""The read-only policy API: same doors as the pages, and a valid OpenAPI description."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse


def test_api_lists_only_readable_documents_with_their_current_sections(
    basic_policy, procedure, other_staff, staff, login
):
    titles = [d["title"] for d in login(other_staff).get(reverse("policies:api_documents")).json()["results"]]
    assert titles == ["青葉台市情報セキュリティ基本方針"]
    detail = login(staff).get(reverse("policies:api_document", args=[procedure.pk])).json()
    assert [v["citation_label"] for v in detail["versions"]] == ["令和7年4月1日施行版"]
    assert [s["citation"] for s in detail["current"]] == [
        "令和7年4月1日施行版 第1章",
        "令和7年4月1日施行版 第1章1",
    ]


def test_api_version_and_search(procedure, staff, login):
    client = login(staff)
    version = client.get(reverse("policies:api_version", args=[procedure.pk, 1])).json()
    assert version["status"] == "in_force"
    assert [s["heading"] for s in version["sections"]] == ["端末の起動", "バックアップ"]
    hits = client.get(reverse("policies:api_search") + "?q=バックアップ").json()
    assert [h["citation"] for h in hits] == ["令和7年4月1日施行版 第1章1"]
    assert hits[0]["heading"] == "第1章1　<mark>バックアップ</mark>"


def test_api_needs_a_login(basic_policy, client):
    assert client.get(reverse("policies:api_documents")).status_code in (401, 403)


def test_openapi_schema_describes_the_policy_endpoints_without_warnings(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = out.getvalue()
    for path in (
        "/api/v1/policies/documents/:",
        "/api/v1/policies/documents/{id}/:",
        "/api/v1/policies/search/:",
    ):
        assert path in schema
