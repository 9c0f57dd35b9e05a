"""API tokens: stored only as a digest, printed by the CLI, listed and revocable in the UI."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from mamori.api import cli
from mamori.api.models import ApiToken
from mamori.core.models import AuditEntry


def test_only_the_digest_of_a_token_is_stored(staff):
    token, raw = ApiToken.issue(staff, "同期")
    assert raw.startswith("mamori_") and len(raw) > 40
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    entry = AuditEntry.objects.filter(object_type="api.apitoken").get()
    assert entry.changes["after"]["token_hash"] == "(秘匿)"


def test_cli_prints_a_new_working_token(staff, client, capsys, argv=None):
    import argparse

    assert cli.run(argparse.Namespace(username="staff", name="夜間同期")) == 0
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.name == "夜間同期"
    assert token.user == staff
    response = client.get("/api/v1/assets/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 200


def test_cli_refuses_unknown_user_in_japanese(db, capsys):
    import argparse

    assert cli.run(argparse.Namespace(username="nobody", name="x")) == 1
    assert "利用者「nobody」が見つかりません" in capsys.readouterr().err


def test_token_page_lists_creates_and_revokes(login, staff, client):
    web = login(staff)
    created = web.post(reverse("api:tokens"), {"name": "表計算から読む"})
    raw = created.context["new_token"]
    assert raw in created.content.decode()
    assert web.get(reverse("api:tokens")).content.decode().count(raw) == 0  # shown once only
    token = ApiToken.objects.get()
    assert client.get("/api/v1/assets/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    web.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert client.get("/api/v1/assets/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401


def test_users_cannot_revoke_others_tokens(login, staff, other_staff):
    token, _ = ApiToken.issue(other_staff)
    assert login(staff).post(reverse("api:token_revoke", args=[token.pk])).status_code == 404


def test_bad_tokens_are_refused(client, db):
    assert client.get("/api/v1/assets/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    assert client.get("/api/v1/assets/").status_code in (401, 403)


def test_token_of_a_deactivated_user_is_refused(client, staff):
    _, raw = ApiToken.issue(staff)
    staff.is_active = False
    staff.save()
    assert client.get("/api/v1/assets/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401
