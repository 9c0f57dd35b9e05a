"""Role × object × action: who may open, draft, review, approve and follow up each kind of document."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mamori.policies import services

PEOPLE = [
    "policy_officer",
    "committee",
    "ciso",
    "auditor",
    "section_head",
    "sysmanager",
    "staff",
    "other_staff",
    "contractor",
]

# Who may open the document page of a document in force, per audience.
READ = {
    "basic": set(PEOPLE),  # public
    "standard": set(PEOPLE) - {"contractor"},  # all staff
    "procedure": {"policy_officer", "committee", "ciso", "auditor", "section_head", "sysmanager", "staff"},
}
# Who may open each page that is not about reading (200), everyone else gets 404.
PAGES = {
    "create": {"policy_officer"},
    "import": {"policy_officer"},
    "settings": {"policy_officer"},
    "receipts": {"policy_officer", "ciso", "section_head"},
    "triggers": {"policy_officer", "committee"},
    "draft": {"policy_officer", "committee", "ciso", "auditor"},
}


@pytest.fixture
def documents(basic_policy, procedure, city, policy_officer, committee, ciso):
    from .conftest import publish

    standard = services.create_document(
        actor=policy_officer, title="対策基準", layer="standard", body=city.body
    )
    publish(standard, policy_officer, committee, ciso, [("第1章", "組織体制", "委員会を置く。")])
    return {"basic": basic_policy, "standard": standard, "procedure": procedure}


@pytest.mark.parametrize("person", PEOPLE)
def test_reading_documents_by_audience(
    person, documents, request, login, sysmanager, section_head, staff, other_staff, auditor, contractor
):
    client = login(request.getfixturevalue(person))
    for kind, document in documents.items():
        status = client.get(reverse("policies:document", args=[document.pk])).status_code
        api = client.get(reverse("policies:api_document", args=[document.pk])).status_code
        expected = 200 if person in READ[kind] else 404
        assert (status, api) == (expected, expected), (person, kind)


@pytest.mark.parametrize("person", PEOPLE)
def test_working_pages_by_role(
    person,
    documents,
    request,
    login,
    sysmanager,
    section_head,
    staff,
    other_staff,
    auditor,
    contractor,
    policy_officer,
):
    client = login(request.getfixturevalue(person))
    standard = documents["standard"]
    draft = services.start_draft(actor=policy_officer, document=standard)
    urls = {
        "create": reverse("policies:create"),
        "import": reverse("policies:import"),
        "settings": reverse("policies:settings", args=[standard.pk]),
        "receipts": reverse("policies:receipts", args=[standard.pk, 1]),
        "triggers": reverse("policies:triggers"),
        "draft": reverse("policies:version", args=[standard.pk, draft.number]),
    }
    for page, url in urls.items():
        expected = 200 if person in PAGES[page] else 404
        assert client.get(url).status_code == expected, (person, page)


@pytest.mark.parametrize("person", ["committee", "ciso", "section_head", "staff", "auditor"])
def test_only_the_policy_office_edits_drafts(
    person, documents, request, login, section_head, staff, auditor, policy_officer
):
    standard = documents["standard"]
    draft = services.start_draft(actor=policy_officer, document=standard)
    section = draft.sections.first()
    client = login(request.getfixturevalue(person))
    url = reverse("policies:section_edit", args=[standard.pk, draft.number, section.pk])
    assert (
        client.post(
            url, {"number": "第1章", "heading": "改ざん", "level": 1, "audience": "inherit"}
        ).status_code
        == 404
    )
    section.refresh_from_db()
    assert section.heading == "組織体制"
