"""Migrating free-text systems of sheets and audit plans onto the asset register's systems."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("inspections", "0002_seed_catalogue")]
AFTER = [("inspections", "0003_register_systems")]


@pytest.mark.django_db(transaction=True)
def test_free_text_systems_known_to_the_register_become_links_and_the_rest_stays_text(city, staff):
    from mamori.assets.models import System

    unit = city.shimin
    person = staff.person
    System.objects.create(code="SYS-9", name="住民基本台帳システム", unit=unit)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    unit = apps.get_model("core", "Unit").objects.get(pk=unit.pk)
    person = apps.get_model("core", "Person").objects.get(pk=person.pk)
    campaign = apps.get_model("inspections", "Campaign").objects.create(
        fiscal_year=2025,
        title="旧自己点検",
        # Another transactional test may have flushed the seeded catalogue: make a version of our own.
        catalogue_version=apps.get_model("inspections", "CatalogueVersion").objects.get_or_create(
            guideline_version="test-migration", defaults={"title": "移行テスト"}
        )[0],
        opens_on="2025-10-01",
        closes_on="2025-10-31",
    )
    sheets = apps.get_model("inspections", "AnswerSheet").objects
    known = sheets.create(
        campaign=campaign,
        person=person,
        unit=unit,
        respondent_type="system",
        system_ref="住民基本台帳システム",
    )
    unknown = sheets.create(
        campaign=campaign, person=person, unit=unit, respondent_type="system", system_ref="廃止した旧システム"
    )
    plan = apps.get_model("inspections", "AuditPlan").objects.create(
        fiscal_year=2025,
        title="旧監査",
        scope="範囲",
        systems="SYS-9\n廃止した旧システム",
        starts_on="2025-09-01",
        ends_on="2025-09-30",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    sheets = apps.get_model("inspections", "AnswerSheet").objects
    assert (sheets.get(pk=known.pk).system.code, sheets.get(pk=known.pk).system_ref) == ("SYS-9", "")
    assert (sheets.get(pk=unknown.pk).system, sheets.get(pk=unknown.pk).system_ref) == (
        None,
        "廃止した旧システム",
    )
    migrated = apps.get_model("inspections", "AuditPlan").objects.get(pk=plan.pk)
    assert list(migrated.register_systems.values_list("code", flat=True)) == ["SYS-9"]
    assert migrated.systems == "廃止した旧システム"
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
