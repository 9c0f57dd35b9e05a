"""Who may know a policy document exists: lists, search, dashboard, URLs and the API, denials included."""

from __future__ import annotations

from django.urls import reverse

from mamori.core.models import AuditEntry, Role
from mamori.policies import services
from mamori.policies.audience import addressed_people, viewer_for, visible_documents
from mamori.policies.models import Section

from .conftest import publish

SECRET_TITLE = "住民基本台帳システム運用手順"
SECRET_TEXT = "静脈認証"  # searched for; the page echoes the query, so absence is checked on the rest
SECRET_CONTEXT = "住基端末"


def _channels(client, document):
    """Return every response in which a document could show: lists, search, dashboard, URLs, API."""
    version = document.versions.first()
    urls = {
        "list": reverse("policies:list"),
        "search": reverse("policies:search") + f"?q={SECRET_TEXT}",
        "search_title": reverse("policies:search") + "?q=住民基本台帳",
        "dashboard": reverse("web:dashboard"),
        "api_list": reverse("policies:api_documents"),
        "api_search": reverse("policies:api_search") + f"?q={SECRET_TEXT}",
    }
    direct = {
        "detail": reverse("policies:document", args=[document.pk]),
        "version": reverse("policies:version", args=[document.pk, version.number]),
        "print": reverse("policies:print", args=[document.pk, version.number]),
        "docx": reverse("policies:export_docx", args=[document.pk, version.number]),
        "diff": reverse("policies:diff", args=[document.pk]),
        "receipts": reverse("policies:receipts", args=[document.pk, version.number]),
        "api_detail": reverse("policies:api_document", args=[document.pk]),
        "api_version": reverse("policies:api_version", args=[document.pk, version.number]),
        "public": reverse("policies:public_document", args=[document.pk]),
    }
    return {name: client.get(url) for name, url in urls.items()}, {
        name: client.get(url) for name, url in direct.items()
    }


def test_staff_outside_the_audience_cannot_find_a_procedure_anywhere(procedure, other_staff, login):
    client = login(other_staff)
    listings, direct = _channels(client, procedure)
    for name, response in listings.items():
        assert response.status_code == 200, name
        body = response.content.decode()
        assert SECRET_TITLE not in body, name
        assert SECRET_CONTEXT not in body, name
    assert "0件見つかりました" in listings["search"].content.decode()
    assert listings["api_search"].json() == []
    for name, response in direct.items():
        assert response.status_code == 404, name
        assert SECRET_TITLE not in response.content.decode(), name


def test_anonymous_visitors_cannot_find_a_procedure(procedure, client):
    for url in [
        reverse("policies:public_list"),
        reverse("policies:public_document", args=[procedure.pk]),
    ]:
        response = client.get(url)
        assert SECRET_TITLE not in response.content.decode()
    assert client.get(reverse("policies:public_document", args=[procedure.pk])).status_code == 404
    assert (
        client.get(reverse("policies:document", args=[procedure.pk])).status_code == 302
    )  # to the login page
    assert client.get(reverse("policies:api_document", args=[procedure.pk])).status_code in (401, 403)


def test_staff_of_the_named_unit_reads_the_procedure_and_the_read_is_audited(procedure, staff, login):
    client = login(staff)
    before = AuditEntry.objects.filter(action="read").count()
    response = client.get(reverse("policies:document", args=[procedure.pk]))
    assert response.status_code == 200
    assert SECRET_TEXT in response.content.decode()
    reads = AuditEntry.objects.filter(action="read", object_type="policies.policydocument").order_by("-seq")
    assert reads.count() == before + 1
    assert reads.first().actor == staff
    assert SECRET_TITLE in client.get(reverse("policies:list")).content.decode()
    assert SECRET_TITLE in client.get(reverse("policies:search") + f"?q={SECRET_TEXT}").content.decode()
    api = client.get(reverse("policies:api_document", args=[procedure.pk]))
    assert api.status_code == 200 and api.json()["title"] == SECRET_TITLE


def test_system_manager_of_the_owner_unit_reads_the_procedure_from_another_unit(procedure, sysmanager, login):
    client = login(sysmanager)
    assert client.get(reverse("policies:document", args=[procedure.pk])).status_code == 200


def test_system_manager_of_another_unit_does_not_see_the_procedure(procedure, city, login):
    from tests.conftest import make_person

    manager = make_person(
        "taxsys", city.zeimu, number="900020", family="田中", roles=[("system_manager", city.zeimu)]
    )
    assert procedure not in visible_documents(manager)
    assert login(manager).get(reverse("policies:document", args=[procedure.pk])).status_code == 404


def test_system_managers_are_not_added_when_the_document_does_not_ask(procedure, sysmanager, policy_officer):
    procedure.include_system_managers = False
    procedure.save()
    assert procedure not in visible_documents(sysmanager)


def test_named_role_reads_a_restricted_document_in_any_unit(
    city, policy_officer, committee, ciso, other_staff, section_head
):
    document = services.create_document(
        actor=policy_officer,
        title="原本取出し承認手順",
        layer="procedure",
        body=city.body,
        owner_unit=city.seisaku,
        audience_roles=[Role.objects.get(code="security_manager")],
        audience_units=[city.seisaku],
    )
    publish(document, policy_officer, committee, ciso, [("1", "承認", "課長が承認する。")])
    assert document in visible_documents(section_head)
    assert document not in visible_documents(other_staff)


def test_unit_audience_includes_sub_units(city, policy_officer, committee, ciso, staff, other_staff):
    document = services.create_document(
        actor=policy_officer,
        title="市民部の手順",
        layer="procedure",
        body=city.body,
        owner_unit=city.shimin,
        audience_units=[city.department],
    )
    publish(document, policy_officer, committee, ciso, [("1", "手順", "本文。")])
    assert document in visible_documents(staff)
    assert document in visible_documents(other_staff)


def test_staff_documents_are_hidden_from_accounts_without_a_person(
    basic_policy, city, policy_officer, committee, ciso, contractor, login
):
    standard = services.create_document(
        actor=policy_officer, title="対策基準", layer="standard", body=city.body
    )
    publish(standard, policy_officer, committee, ciso, [("第1章", "組織体制", "委員会を置く。")])
    visible = list(visible_documents(contractor))
    assert standard not in visible
    assert basic_policy in visible  # public text is public
    assert login(contractor).get(reverse("policies:document", args=[standard.pk])).status_code == 404


def test_roles_that_draft_review_approve_or_audit_read_every_procedure(
    procedure, policy_officer, committee, ciso, auditor
):
    for user in (policy_officer, committee, ciso, auditor):
        assert procedure in visible_documents(user), user


def test_drafts_are_visible_only_to_the_roles_working_on_them(city, policy_officer, staff, committee, login):
    document = services.create_document(
        actor=policy_officer, title="起草中の対策基準", layer="standard", body=city.body
    )
    draft = services.start_draft(actor=policy_officer, document=document)
    url = reverse("policies:version", args=[document.pk, draft.number])
    assert login(staff).get(url).status_code == 404
    assert "起草中の対策基準" not in login(staff).get(reverse("policies:list")).content.decode()
    assert login(staff).get(reverse("policies:document", args=[document.pk])).status_code == 404
    assert login(committee).get(url).status_code == 200


def test_a_restricted_section_is_hidden_inside_a_visible_document(
    basic_policy, city, policy_officer, committee, ciso, staff, other_staff, login
):
    standard = services.create_document(
        actor=policy_officer, title="対策基準", layer="standard", body=city.body
    )
    version = publish(
        standard,
        policy_officer,
        committee,
        ciso,
        [("第1章", "組織体制", "委員会を置く。"), ("1", "緊急連絡先", "CSIRT直通 内線9999")],
    )
    draft = services.start_draft(actor=policy_officer, document=standard)
    secret = draft.sections.get(heading="緊急連絡先")
    services.save_section(
        actor=policy_officer,
        section=secret,
        number="1",
        heading="緊急連絡先",
        text="CSIRT直通 内線9999",
        level=2,
        audience="restricted",
        audience_units=[city.shimin],
    )
    services.submit_for_review(actor=policy_officer, version=draft)
    services.record_committee_decision(actor=committee, version=draft, approve=True)
    services.approve_version(actor=ciso, version=draft, effective_on=version.effective_on)
    outsider = login(other_staff)
    page = outsider.get(reverse("policies:document", args=[standard.pk])).content.decode()
    assert "委員会を置く" in page and "内線9999" not in page
    assert "CSIRT直通" not in outsider.get(reverse("policies:search") + "?q=内線9999").content.decode()
    assert (
        "内線9999" not in outsider.get(reverse("policies:api_document", args=[standard.pk])).content.decode()
    )
    docx = outsider.get(reverse("policies:export_docx", args=[standard.pk, draft.number])).content
    assert "内線9999".encode() not in docx
    diff = outsider.get(reverse("policies:diff", args=[standard.pk]) + "?all=1").content.decode()
    assert "内線9999" not in diff
    insider = login(staff)
    assert "内線9999" in insider.get(reverse("policies:document", args=[standard.pk])).content.decode()


def test_public_document_reads_are_not_audited(basic_policy, staff, login):
    before = AuditEntry.objects.filter(action="read").count()
    assert login(staff).get(reverse("policies:document", args=[basic_policy.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="read").count() == before


def test_viewer_rule_and_query_agree_for_every_person(
    procedure, basic_policy, staff, other_staff, sysmanager, section_head, auditor, contractor
):
    from mamori.policies.audience import admits_document
    from mamori.policies.models import PolicyDocument

    for user in (staff, other_staff, sysmanager, section_head, auditor, contractor):
        viewer = viewer_for(user)
        by_query = set(visible_documents(user))
        by_rule = {d for d in PolicyDocument.objects.all() if admits_document(viewer, d)}
        assert by_query == by_rule, user


def test_procedure_readers_are_the_people_it_addresses(procedure, staff, other_staff, sysmanager):
    addressed = set(addressed_people(procedure))
    assert staff.person in addressed
    assert sysmanager.person in addressed
    assert other_staff.person not in addressed


def test_sections_keep_their_audience_when_a_new_draft_is_made(procedure, policy_officer, city):
    current = procedure.current_version()
    section = current.sections.first()
    Section.objects.filter(pk=section.pk).update(audience="restricted")
    section.audience_units.add(city.shimin)
    draft = services.start_draft(actor=policy_officer, document=procedure)
    copy = draft.sections.get(lineage=section.lineage)
    assert copy.audience == "restricted"
    assert list(copy.audience_units.all()) == [city.shimin]
