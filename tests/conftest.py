"""Named people of a small city hall, set up once for every test that asks for them.

ciso            副市長, 最高情報セキュリティ責任者 (whole municipality)
policy_officer  情報政策課 staff, 情報セキュリティ事務局 (whole municipality)
section_head    市民課長, 情報セキュリティ管理者 for 市民課
staff           市民課 staff member, no role
other_staff     税務課 staff member, no role
auditor         監査委員事務局, 監査人
contractor      an account with no person record (a contractor's login)
admin_user      the administrator (superuser), separate from any business role
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"


@dataclass
class City:
    body: object
    department: object
    shimin: object
    zeimu: object
    seisaku: object
    kansa: object


@pytest.fixture
def city(db):
    from mamori.core.models import Body, Unit

    body = Body.objects.create(code="mayor", name="市長部局")
    department = Unit.objects.create(code="A02", name="市民部", kind="department", body=body)
    shimin = Unit.objects.create(code="A0201", name="市民課", parent=department, body=body)
    zeimu = Unit.objects.create(code="A0202", name="税務課", parent=department, body=body)
    soumu = Unit.objects.create(code="A01", name="総務部", kind="department", body=body)
    seisaku = Unit.objects.create(code="A0103", name="情報政策課", parent=soumu, body=body)
    kansa = Unit.objects.create(code="C0102", name="監査委員事務局", body=body)
    return City(body, department, shimin, zeimu, seisaku, kansa)


def make_person(username: str | None, unit, *, number: str, family: str, roles=(), staff_type="regular"):
    """Create a person (with a login when username is given) holding the given (role code, unit) pairs."""
    from mamori.core.models import Person, Role, RoleAssignment

    user = get_user_model().objects.create_user(username, password=PASSWORD) if username else None
    person = Person.objects.create(
        employee_number=number,
        family_name=family,
        given_name="太郎",
        unit=unit,
        staff_type=staff_type,
        user=user,
    )
    for code, scope in roles:
        RoleAssignment.objects.create(
            person=person, role=Role.objects.get(code=code), unit=scope, starts_on=dt.date(2020, 4, 1)
        )
    return user if user is not None else person


@pytest.fixture
def ciso(city):
    return make_person("ciso", city.department, number="900001", family="青山", roles=[("ciso", None)])


@pytest.fixture
def policy_officer(city):
    return make_person(
        "policy", city.seisaku, number="900002", family="久保", roles=[("policy_office", None)]
    )


@pytest.fixture
def section_head(city):
    return make_person(
        "head", city.shimin, number="900003", family="鈴木", roles=[("security_manager", city.shimin)]
    )


@pytest.fixture
def staff(city):
    return make_person("staff", city.shimin, number="900004", family="関口")


@pytest.fixture
def other_staff(city):
    return make_person("other", city.zeimu, number="900005", family="千葉", staff_type="fiscal_year")


@pytest.fixture
def auditor(city):
    return make_person("auditor", city.kansa, number="900006", family="吉田", roles=[("auditor", None)])


@pytest.fixture
def contractor(db):
    return get_user_model().objects.create_user("contractor", password=PASSWORD)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("admin", "admin@example.jp", PASSWORD)


@pytest.fixture
def login(client):
    """Log a user in with a verified second factor, as after a complete login."""

    def do_login(user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return do_login
