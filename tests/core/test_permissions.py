"""The role × object × action matrix of the platform, denials included."""

import pytest
from django.urls import reverse

from mamori.core.models import Person, Unit
from mamori.core.permissions import can, filter_visible, register_rules

register_rules({"test.edit_unit_things": {"security_manager", "policy_office"}, "test.read": {"member"}})


@pytest.fixture
def people(ciso, policy_officer, section_head, staff, other_staff, auditor, contractor, admin_user):
    return {
        "ciso": ciso,
        "policy_officer": policy_officer,
        "section_head": section_head,
        "staff": staff,
        "other_staff": other_staff,
        "auditor": auditor,
        "contractor": contractor,
        "admin": admin_user,
    }


MATRIX = [
    # (who, action, unit attribute of city or None, expected)
    ("section_head", "test.edit_unit_things", "shimin", True),
    ("section_head", "test.edit_unit_things", "zeimu", False),
    ("section_head", "test.edit_unit_things", "department", False),
    ("staff", "test.edit_unit_things", "shimin", False),
    ("policy_officer", "test.edit_unit_things", "zeimu", True),
    ("ciso", "test.edit_unit_things", "shimin", False),
    ("admin", "test.edit_unit_things", "zeimu", True),
    ("contractor", "test.edit_unit_things", "shimin", False),
    ("staff", "test.read", "shimin", True),
    ("staff", "test.read", "zeimu", False),
    ("other_staff", "test.read", "zeimu", True),
    ("contractor", "test.read", "shimin", False),
    ("auditor", "core.view_audit_log", None, True),
    ("staff", "core.view_audit_log", None, False),
    ("section_head", "core.view_audit_log", None, False),
    ("ciso", "core.view_audit_log", None, True),
    ("policy_officer", "core.manage_organisation", None, True),
    ("section_head", "core.manage_organisation", None, False),
    ("staff", "core.view_person", "shimin", True),
    ("staff", "core.view_person", "zeimu", False),
    ("section_head", "core.view_person", "shimin", True),
    ("section_head", "core.view_person", "zeimu", False),
]


class _Thing:
    def __init__(self, unit):
        self.unit = unit


@pytest.mark.parametrize(("who", "action", "unit_name", "expected"), MATRIX)
def test_matrix(people, city, who, action, unit_name, expected):
    obj = _Thing(getattr(city, unit_name)) if unit_name else None
    assert can(people[who], action, obj) is expected


def test_sub_units_are_covered_by_a_department_scope(city, db):
    from tests.conftest import make_person

    officer = make_person(
        "dept", city.department, number="910001", family="清水", roles=[("security_officer", city.department)]
    )
    register_rules({"test.dept": {"security_officer"}})
    assert can(officer, "test.dept", _Thing(city.shimin)) is True
    assert can(officer, "test.dept", _Thing(city.seisaku)) is False


def test_ended_assignment_gives_nothing(city, db):
    import datetime as dt

    from mamori.core.models import Role, RoleAssignment
    from tests.conftest import make_person

    former = make_person("former", city.shimin, number="910002", family="元")
    RoleAssignment.objects.create(
        person=Person.objects.get(user=former),
        role=Role.objects.get(code="security_manager"),
        unit=city.shimin,
        starts_on=dt.date(2020, 4, 1),
        ends_on=dt.date(2021, 3, 31),
    )
    assert can(former, "test.edit_unit_things", _Thing(city.shimin)) is False


def test_person_who_left_loses_everything(section_head, city):
    Person.objects.filter(user=section_head).update(is_active=False)
    section_head.refresh_from_db()
    assert can(section_head, "test.edit_unit_things", _Thing(city.shimin)) is False


def test_filter_visible_limits_a_queryset_to_the_scope(section_head, staff, other_staff, city):
    visible = filter_visible(Person.objects.all(), section_head, "core.view_person")
    assert set(visible.values_list("unit__code", flat=True)) == {"A0201"}


def test_object_without_unit_needs_municipality_wide_scope(section_head, policy_officer):
    assert can(section_head, "test.edit_unit_things", _Thing(None)) is False
    assert can(policy_officer, "test.edit_unit_things", _Thing(None)) is True


def test_staff_cannot_see_a_person_of_another_unit(login, staff, other_staff):
    other = Person.objects.get(user=other_staff)
    assert login(staff).get(reverse("core:person_detail", args=[other.pk])).status_code == 404


def test_staff_sees_a_colleague(login, staff, section_head):
    colleague = Person.objects.get(user=section_head)
    assert login(staff).get(reverse("core:person_detail", args=[colleague.pk])).status_code == 200


def test_audit_log_screen_is_for_auditors_and_administrators(login, auditor, staff, admin_user):
    assert login(auditor).get(reverse("core:audit_log")).status_code == 200
    assert login(staff).get(reverse("core:audit_log")).status_code == 404


def test_organisation_import_is_refused_to_section_heads(login, section_head):
    assert login(section_head).get(reverse("core:organisation_import")).status_code == 404


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("core:organisation"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_unit_tree_materialised_path_follows_moves(city):
    city.zeimu.parent = city.seisaku
    city.zeimu.save()
    moved = Unit.objects.get(pk=city.zeimu.pk)
    assert moved.is_within(city.seisaku)
    assert not moved.is_within(city.department)
