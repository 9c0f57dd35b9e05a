"""Shared set-up of the asset benchmarks: a throw-away SQLite database with a small city."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django() -> None:
    """Point Mamori at a fresh data dir (SQLite), configure Django and migrate quietly."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["MAMORI_DATA_DIR"] = tempfile.mkdtemp(prefix="mamori-bench-")
    os.environ.pop("MAMORI_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "mamori.config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import override_settings

    # No collectstatic in a throw-away data dir: serve templates' static URLs without the manifest.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()

    call_command("migrate", verbosity=0)


def make_city(units: int = 20) -> tuple[object, list[object], list[object]]:
    """Create a body, ``units`` sections with a head each, and a policy-office user; return them."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    from mamori.core.models import Body, Person, Role, RoleAssignment, Unit

    body = Body.objects.create(code="mayor", name="市長部局")
    department = Unit.objects.create(code="A01", name="総務部", kind="department", body=body)
    sections = [
        Unit.objects.create(code=f"S{i:03d}", name=f"第{i}課", parent=department, body=body)
        for i in range(units)
    ]
    people = [
        Person.objects.create(employee_number=f"{200000 + i}", family_name=f"職員{i}", unit=unit)
        for i, unit in enumerate(sections)
    ]
    user = get_user_model().objects.create_user("policy", password="bench-password-123")
    officer = Person.objects.create(employee_number="100008", family_name="久保", unit=sections[0], user=user)
    RoleAssignment.objects.create(
        person=officer, role=Role.objects.get(code="policy_office"), unit=None, starts_on=dt.date(2020, 4, 1)
    )
    return user, sections, people
