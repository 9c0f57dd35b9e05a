"""PPAP: the recipient types the zip password; the contents arrive sanitized as a reply in the thread."""

from __future__ import annotations

import pytest

from mamori.core.models import AuditEntry
from tests.gateway.messages import encrypted_zip, with_attachment, zipcrypto_zip

PASSWORD = "Aoba-2026!"


@pytest.fixture
def held_zip(mailboxes, receive, sink):
    def make(archive: bytes):
        message = receive(
            with_attachment(
                "資料.zip",
                archive,
                "application/zip",
                message_id="<ppap-1@example.com>",
                to="staff@city.example.jp",
            ),
            ["staff@city.example.jp"],
        )
        [delivered] = sink.wait_for(1)
        assert "ENCRYPTED_HELD" in delivered.message["X-Mamori-Sanitized"]
        return message

    return make


def _unlock(client, message, password):
    attachment = message.attachments.get()
    return client.post(
        f"/quarantine/r/{message.reference}/unlock/",
        {"attachment": attachment.pk, "password": password},
        follow=True,
    )


@pytest.mark.parametrize("kind", ["zipcrypto", "aes"])
def test_right_password_delivers_the_sanitized_contents_in_the_same_thread(
    kind, login, staff, held_zip, sink, deliver_queued, django_capture_on_commit_callbacks
):
    build = zipcrypto_zip if kind == "zipcrypto" else lambda n, d, p: encrypted_zip(n, d, p)
    message = held_zip(build("見積書.csv", "品名,金額\nノート,=1+2\n".encode(), PASSWORD.encode()))
    client = login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        page = _unlock(client, message, PASSWORD).content.decode()
    assert "パスワードを確認しました" in page
    deliver_queued()
    followup = sink.messages()[-1]
    assert followup.rcpt_tos == ["staff@city.example.jp"]
    assert followup.message["In-Reply-To"] == "<ppap-1@example.com>"
    assert "<ppap-1@example.com>" in followup.message["References"]
    [attachment] = list(followup.message.iter_attachments())
    content = attachment.get_content()
    text = content if isinstance(content, str) else content.decode("utf-8")
    assert "ノート" in text
    assert "\n=1+2" not in text and ",=1+2" not in text  # the formula was neutralised by the engine
    # Audited, and the password is nowhere in the database.
    outcomes = [e.changes["outcome"] for e in AuditEntry.objects.filter(changes__icontains="ppap_unlock")]
    assert outcomes == ["unlocked"]
    assert not AuditEntry.objects.filter(changes__icontains=PASSWORD).exists()
    # A second unlock is refused: the contents were already delivered.
    assert "既に解除" in _unlock(client, message, PASSWORD).content.decode()


def test_wrong_passwords_are_counted_audited_and_limited(
    settings, login, staff, held_zip, sink, deliver_queued
):
    settings.MAMORI_PPAP_MAX_ATTEMPTS = 2
    message = held_zip(zipcrypto_zip("a.txt", b"secret contents", PASSWORD.encode()))
    client = login(staff)
    assert "残り 1 回" in _unlock(client, message, "wrong-1").content.decode()
    assert "残り 0 回" in _unlock(client, message, "wrong-2").content.decode()
    assert "上限" in _unlock(client, message, PASSWORD).content.decode()
    deliver_queued()
    assert len(sink.messages()) == 1
    outcomes = [e.changes["outcome"] for e in AuditEntry.objects.filter(changes__icontains="ppap_unlock")]
    assert outcomes == ["wrong_password", "wrong_password"]
    assert not AuditEntry.objects.filter(changes__icontains="wrong-1").exists()


def test_only_a_recipient_may_type_the_password(login, section_head, other_staff, held_zip):
    message = held_zip(zipcrypto_zip("a.txt", b"x", PASSWORD.encode()))
    assert "宛先の職員だけ" in _unlock(login(section_head), message, PASSWORD).content.decode()
    assert _unlock(login(other_staff), message, PASSWORD).status_code == 404
    assert message.attachments.get().unlock_attempts == 0
