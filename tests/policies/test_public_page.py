"""The public policy page at /public/policies/: no login, published documents, current version and history."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from mamori.policies import services

from .conftest import publish


def test_the_public_page_needs_no_login_and_lists_published_basic_policies(basic_policy, procedure, client):
    response = client.get(reverse("policies:public_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "青葉台市情報セキュリティ基本方針" in page
    assert "住民基本台帳システム運用手順" not in page


def test_the_public_document_shows_the_current_version_and_its_history(
    basic_policy, policy_officer, committee, ciso, client
):
    draft = services.start_draft(actor=policy_officer, document=basic_policy, change_summary="公表規定の追加")
    services.add_section(
        actor=policy_officer,
        version=draft,
        after=None,
        number="11",
        heading="公表",
        text="この方針を公表する。",
        level=1,
    )
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2026, 4, 1))
    page = client.get(reverse("policies:public_document", args=[basic_policy.pk])).content.decode()
    assert "令和8年4月1日施行版" in page and "この方針を公表する。" in page
    assert "令和7年4月1日施行版" in page  # history
    old = client.get(reverse("policies:public_version", args=[basic_policy.pk, 1])).content.decode()
    assert "この方針を公表する。" not in old and "（旧版）" in old


def test_staff_only_documents_and_restricted_sections_stay_off_the_public_page(
    basic_policy, city, policy_officer, committee, ciso, client
):
    standard = services.create_document(
        actor=policy_officer, title="青葉台市情報セキュリティ対策基準", layer="standard", body=city.body
    )
    publish(standard, policy_officer, committee, ciso, [("第1章", "組織体制", "委員会を置く。")])
    assert "対策基準" not in client.get(reverse("policies:public_list")).content.decode()
    assert client.get(reverse("policies:public_document", args=[standard.pk])).status_code == 404
    draft = services.start_draft(actor=policy_officer, document=basic_policy)
    section = draft.sections.get(heading="定義")
    services.save_section(
        actor=policy_officer,
        section=section,
        number="1",
        heading="定義",
        text="内部だけの定義。",
        level=2,
        audience="staff",
    )
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=dt.date(2026, 4, 1))
    page = client.get(reverse("policies:public_document", args=[basic_policy.pk])).content.decode()
    assert "内部だけの定義" not in page and "情報資産を守る。" in page


def test_a_document_without_an_approved_version_is_not_public(city, policy_officer, client):
    document = services.create_document(
        actor=policy_officer, title="準備中の基本方針", layer="basic", body=city.body, audience="public"
    )
    services.start_draft(actor=policy_officer, document=document)
    assert "準備中の基本方針" not in client.get(reverse("policies:public_list")).content.decode()
    assert client.get(reverse("policies:public_document", args=[document.pk])).status_code == 404
