import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mamori.core import lockout
from mamori.core.models import AuditEntry
from tests.conftest import PASSWORD


def _login(client, username, password):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_right_password_logs_in(client, staff):
    response = _login(client, "staff", PASSWORD)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login", actor=staff).exists()


def test_wrong_password_is_refused_in_japanese(client, staff):
    response = _login(client, "staff", "wrong")
    assert response.status_code == 401
    assert "ユーザー名またはパスワードが正しくありません" in response.content.decode()


def test_ten_failures_lock_the_account_even_for_the_right_password(client, staff):
    for _ in range(9):
        assert _login(client, "staff", "wrong").status_code == 401
    assert _login(client, "staff", "wrong").status_code == 429
    response = _login(client, "staff", PASSWORD)
    assert response.status_code == 429
    assert "ロックされています" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="lockout", object_repr="staff").count() == 1


def test_lock_ends_when_the_window_passes(client, staff):
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            _login(client, "staff", "wrong")
        assert lockout.is_locked("staff") is True
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert lockout.is_locked("staff") is False
        assert _login(client, "staff", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(client, staff):
    start = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    for minute in range(0, 100, 10):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            _login(client, "staff", "wrong")
    assert lockout.is_locked("staff") is False


def test_administrator_unlocks(client, staff, admin_user, login):
    for _ in range(10):
        _login(client, "staff", "wrong")
    admin_client = login(admin_user)
    page = admin_client.get(reverse("core:locks"))
    assert "staff" in page.content.decode()
    admin_client.post(reverse("core:locks"), {"username": "staff"})
    assert lockout.is_locked("staff") is False
    assert AuditEntry.objects.filter(action="unlock", object_repr="staff", actor=admin_user).exists()


def test_staff_cannot_open_the_unlock_page(staff, login):
    assert login(staff).get(reverse("core:locks")).status_code == 404


def test_lockout_is_per_username_and_case_insensitive(client, staff, other_staff):
    for _ in range(10):
        _login(client, "STAFF", "wrong")
    assert lockout.is_locked("staff") is True
    assert _login(client, "other", PASSWORD).status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_next_parameter_cannot_redirect_off_site(client, staff, target):
    response = client.post(reverse("core:login"), {"username": "staff", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
