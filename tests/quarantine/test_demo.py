"""The demo city's quarantine data loads once and shows up for the demo staff member."""

from __future__ import annotations

from mamori.quarantine.models import QuarantinedMessage


def test_demo_mails_load_idempotently_and_map_to_demo_people(data_dir, db):
    from mamori.core.demo import load_demo_city
    from mamori.quarantine.demo import load_demo

    load_demo_city(demo_password="demo-password-123")
    load_demo()
    load_demo()
    assert QuarantinedMessage.objects.count() == 3
    staff_mail = QuarantinedMessage.objects.filter(recipients__person__user__username="staff")
    assert staff_mail.count() == 2
    assert staff_mail.filter(attachments__verdict="removed").exists()
    assert staff_mail.filter(attachments__verdict="held").exists()  # the PPAP zip to unlock
