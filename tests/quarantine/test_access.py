"""Who sees which quarantined mail: staff their own, section heads their unit's, CISO and admins all."""

from __future__ import annotations

import pytest

from mamori.core.models import AuditEntry
from tests.gateway.messages import iso2022jp_mail, malicious_mail


@pytest.fixture
def two_messages(mailboxes, receive):
    own = receive(iso2022jp_mail("<to-staff@example.com>"), ["staff@city.example.jp"])
    other = receive(
        malicious_mail("<to-other@example.com>", to="other@city.example.jp"), ["other@city.example.jp"]
    )
    return own, other


@pytest.mark.parametrize(
    ("who", "sees_staff_mail", "sees_other_mail"),
    [
        ("staff", True, False),
        ("other_staff", False, True),
        ("section_head", True, False),  # 市民課's 情報セキュリティ管理者: not 税務課's mail
        ("ciso", True, True),
        ("admin_user", True, True),
        ("auditor", False, False),
        ("contractor", False, False),
        ("policy_officer", False, False),  # operates the gateway, does not read other people's mail
    ],
)
def test_detail_and_list_follow_the_recipient_and_unit(
    request, login, two_messages, who, sees_staff_mail, sees_other_mail
):
    own, other = two_messages
    client = login(request.getfixturevalue(who))
    for message, expected in ((own, sees_staff_mail), (other, sees_other_mail)):
        response = client.get(f"/quarantine/r/{message.reference}/")
        assert response.status_code == (200 if expected else 404)
        listing = client.get("/quarantine/").content.decode()
        assert (message.reference in listing) is expected


def test_every_view_of_an_original_is_audited(login, staff, two_messages):
    own, _ = two_messages
    client = login(staff)
    before = AuditEntry.objects.filter(action="read").count()
    client.get(f"/quarantine/r/{own.reference}/")
    client.get(f"/quarantine/r/{own.reference}/")
    reads = AuditEntry.objects.filter(action="read", object_id=str(own.pk))
    assert reads.count() - before == 2
    assert reads.last().actor_id == staff.pk


def test_recipient_address_maps_to_person_case_insensitively(two_messages, other_staff):
    _, other = two_messages
    recipient = other.recipients.get()
    assert recipient.person == other_staff.person
    assert recipient.unit == other_staff.person.unit
