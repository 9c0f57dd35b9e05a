"""Migrating the free-text asset reference of network systems onto the asset register's systems."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("network", "0001_initial")]
AFTER = [("network", "0002_register_system")]


@pytest.mark.django_db(transaction=True)
def test_references_naming_a_register_system_become_links(city):
    from mamori.assets.models import System

    register = System.objects.create(code="SYS-7", name="住民基本台帳システム", unit=city.shimin)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    zone = apps.get_model("network", "Zone").objects.create(key="mn", kind="mynumber", label="マイナンバー")
    systems = apps.get_model("network", "NetworkSystem").objects
    by_name = systems.create(key="a", zone=zone, addresses="10.0.0.1", asset_reference="住民基本台帳システム")
    by_code = systems.create(key="b", zone=zone, addresses="10.0.0.2", asset_reference="SYS-7")
    unknown = systems.create(key="c", zone=zone, addresses="10.0.0.3", asset_reference="台帳にない機器")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    systems = apps.get_model("network", "NetworkSystem").objects
    assert systems.get(pk=by_name.pk).register_system_id == register.pk
    assert systems.get(pk=by_code.pk).register_system_id == register.pk
    assert systems.get(pk=unknown.pk).register_system_id is None
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
