import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mamori.config.env import ConfigurationError


def test_session_expires_after_the_configured_age(client, staff, settings):
    from tests.conftest import PASSWORD

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(reverse("core:login"), {"username": "staff", "password": PASSWORD})
        assert client.get(reverse("web:dashboard")).status_code == 200
    with time_machine.travel(start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60), tick=False):
        response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_sessions_end_when_the_browser_closes(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_logout_requires_post_and_ends_the_session(login, staff):
    client = login(staff)
    assert client.get(reverse("core:logout")).status_code == 405
    client.post(reverse("core:logout"))
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_ldap_settings_search_active_directory_by_account_name(monkeypatch):
    pytest.importorskip("django_auth_ldap", reason="the optional ldap extra is not installed")
    from mamori.core.ldap_settings import ldap_settings

    monkeypatch.setenv("MAMORI_LDAP_SERVER_URI", "ldaps://ad.city.example.jp")
    monkeypatch.setenv("MAMORI_LDAP_USER_BASE", "OU=職員,DC=city,DC=example")
    monkeypatch.setenv("MAMORI_LDAP_BIND_DN", "CN=mamori,OU=service,DC=city,DC=example")
    values = ldap_settings()
    assert values["AUTH_LDAP_SERVER_URI"] == "ldaps://ad.city.example.jp"
    search = values["AUTH_LDAP_USER_SEARCH"]
    assert search.base_dn == "OU=職員,DC=city,DC=example"
    assert search.filterstr == "(sAMAccountName=%(user)s)"
    assert values["AUTH_LDAP_USER_ATTR_MAP"]["email"] == "mail"


def test_ldap_without_a_user_base_fails_loudly(monkeypatch):
    pytest.importorskip("django_auth_ldap", reason="the optional ldap extra is not installed")
    from mamori.core.ldap_settings import ldap_settings

    monkeypatch.setenv("MAMORI_LDAP_SERVER_URI", "ldap://ad.city.example.jp")
    monkeypatch.delenv("MAMORI_LDAP_USER_BASE", raising=False)
    with pytest.raises(ConfigurationError, match="MAMORI_LDAP_USER_BASE"):
        ldap_settings()
