"""Release: a recipient asks, the 情報セキュリティ管理者 decides, the file arrives in the same thread."""

from __future__ import annotations

import pikepdf
import pytest
from django.core import mail

from mamori.core.models import AuditEntry
from mamori.quarantine.models import ReleaseRequest
from tests.gateway.messages import with_attachment
from tests.quarantine.conftest import text_pdf


@pytest.fixture
def removed_pdf(mailboxes, pdf_remove_policy, receive, sink):
    message = receive(
        with_attachment(
            "見積書.pdf",
            text_pdf(),
            "application/pdf",
            message_id="<pdf-1@example.com>",
            to="staff@city.example.jp",
        ),
        ["staff@city.example.jp"],
    )
    [delivered] = sink.wait_for(1)
    assert not list(delivered.message.iter_attachments())  # removed by the gateway policy
    return message


def _request(client, message, action="render", reason="見積内容の確認のため"):
    attachment = message.attachments.get()
    return client.post(
        f"/quarantine/r/{message.reference}/release/",
        {"target": str(attachment.pk), "action": action, "reason": reason},
    )


def test_staff_request_is_approved_by_section_head_and_rendered_pdf_arrives(
    login, staff, section_head, removed_pdf, sink, deliver_queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(login(staff), removed_pdf)
    release = ReleaseRequest.objects.get()
    assert response.status_code == 302
    assert release.status == ReleaseRequest.Status.PENDING
    assert [m.to for m in mail.outbox] == [["head@city.example.jp"]]  # the recipient's 情報セキュリティ管理者

    head = login(section_head)
    with django_capture_on_commit_callbacks(execute=True):
        head.post(f"/quarantine/releases/{release.pk}/", {"decision": "approve", "note": "業務上必要"})
    deliver_queued()
    release.refresh_from_db()
    assert release.status == ReleaseRequest.Status.RELEASED
    assert release.decided_by == section_head

    followup = sink.messages()[-1]
    message = followup.message
    assert followup.rcpt_tos == ["staff@city.example.jp"]
    assert message["In-Reply-To"] == "<pdf-1@example.com>"
    [attachment] = list(message.iter_attachments())
    data = attachment.get_content()
    with pikepdf.open(__import__("io").BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1
        assert "/OpenAction" not in pdf.Root
        assert "/JavaScript" not in str(pdf.Root.keys())
    assert b"pdf-js-marker" not in followup.data
    # Every step left a trace: request, decision, completion.
    changes = AuditEntry.objects.filter(object_type="quarantine.releaserequest").values_list(
        "action", flat=True
    )
    assert list(changes).count("update") >= 2 and "create" in changes
    assert any(m.to == ["staff@city.example.jp"] and "承認" in m.subject for m in mail.outbox)


def test_denial_needs_a_reason_and_delivers_nothing(
    login, staff, section_head, removed_pdf, sink, deliver_queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request(login(staff), removed_pdf)
    release = ReleaseRequest.objects.get()
    head = login(section_head)
    head.post(f"/quarantine/releases/{release.pk}/", {"decision": "deny", "note": ""})
    release.refresh_from_db()
    assert release.status == ReleaseRequest.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        head.post(f"/quarantine/releases/{release.pk}/", {"decision": "deny", "note": "送信元が不審なため"})
    deliver_queued()
    release.refresh_from_db()
    assert release.status == ReleaseRequest.Status.DENIED
    assert len(sink.messages()) == 1  # only the original sanitized delivery


def test_requester_cannot_approve_and_other_units_cannot_see(
    login, staff, other_staff, removed_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request(login(staff), removed_pdf)
    release = ReleaseRequest.objects.get()
    assert (
        login(staff).post(f"/quarantine/releases/{release.pk}/", {"decision": "approve"}).status_code == 404
    )
    assert login(other_staff).get(f"/quarantine/releases/{release.pk}/").status_code == 404
    assert login(other_staff).post(f"/quarantine/r/{removed_pdf.reference}/release/", {}).status_code == 404
    release.refresh_from_db()
    assert release.status == ReleaseRequest.Status.PENDING


def test_section_head_sees_the_request_on_the_home_page(
    client, login, staff, section_head, removed_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request(login(staff), removed_pdf)
    page = login(section_head).get("/").content.decode()
    assert "取出し申請の判断" in page


def test_auto_approve_rule_releases_rendered_pdf_without_waiting(
    settings, login, staff, removed_pdf, sink, deliver_queued, django_capture_on_commit_callbacks
):
    settings.MAMORI_RELEASE_AUTO_APPROVE = ["pdf:render"]
    with django_capture_on_commit_callbacks(execute=True):
        _request(login(staff), removed_pdf)
    deliver_queued()
    release = ReleaseRequest.objects.get()
    assert release.auto_approved is True
    assert release.status == ReleaseRequest.Status.RELEASED
    assert len(list(sink.messages()[-1].message.iter_attachments())) == 1


def test_forward_sends_the_original_to_the_internet_zone_address(
    settings,
    login,
    staff,
    section_head,
    removed_pdf,
    sink,
    deliver_queued,
    django_capture_on_commit_callbacks,
):
    settings.MAMORI_RELEASE_FORWARD_ADDRESS = "staff-inet@inet.city.example.jp"
    with django_capture_on_commit_callbacks(execute=True):
        _request(login(staff), removed_pdf, action="forward")
    release = ReleaseRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        login(section_head).post(f"/quarantine/releases/{release.pk}/", {"decision": "approve"})
    deliver_queued()
    forwarded = sink.messages()[-1]
    assert forwarded.rcpt_tos == ["staff-inet@inet.city.example.jp"]
    [original] = list(forwarded.message.iter_attachments())
    assert b"<pdf-1@example.com>" in original.get_content()


def test_download_is_offered_only_where_configured(
    settings, login, staff, section_head, removed_pdf, django_capture_on_commit_callbacks
):
    client = login(staff)
    assert _request(client, removed_pdf, action="download").status_code == 302
    assert not ReleaseRequest.objects.exists()  # not offered in the LGWAN-side installation
    settings.MAMORI_QUARANTINE_ALLOW_DOWNLOAD = True
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, removed_pdf, action="download")
    release = ReleaseRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        login(section_head).post(f"/quarantine/releases/{release.pk}/", {"decision": "approve"})
    response = login(staff).get(f"/quarantine/releases/{release.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response).startswith(b"%PDF")
    assert login(section_head).get(f"/quarantine/releases/{release.pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("who", "may_decide"),
    [
        ("section_head", True),
        ("ciso", True),
        ("admin_user", True),
        ("other_head", False),
        ("policy_officer", False),
        ("auditor", False),
    ],
)
def test_who_may_decide_a_request(
    request, city, login, staff, removed_pdf, who, may_decide, django_capture_on_commit_callbacks
):
    from tests.conftest import make_person

    if who == "other_head":
        user = make_person(
            "zeimu-head", city.zeimu, number="900010", family="税務", roles=[("security_manager", city.zeimu)]
        )
    else:
        user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=True):
        _request(login(staff), removed_pdf)
    release = ReleaseRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(user).post(
            f"/quarantine/releases/{release.pk}/", {"decision": "deny", "note": "確認のため"}
        )
    release.refresh_from_db()
    assert (release.status == ReleaseRequest.Status.DENIED) is may_decide
    assert response.status_code == (302 if may_decide else 404)
