import pytest
from django.core.management import call_command
from django.db import connection

from mamori.core import audit
from mamori.core.models import AuditEntry, Body, Unit


@pytest.fixture
def trail(db):
    with audit.acting_as(None, via="test", label="tester"):
        body = Body.objects.create(code="b", name="テスト機関")
        unit = Unit.objects.create(code="U1", name="総務課", body=body)
        unit.name = "総務企画課"
        unit.save()
        unit2 = Unit.objects.create(code="U2", name="人事課", body=body)
        unit2.delete()
    return unit


def test_changes_are_recorded_with_before_and_after(trail):
    update = AuditEntry.objects.get(action="update", object_type="core.unit")
    assert update.changes["before"]["name"] == "総務課"
    assert update.changes["after"]["name"] == "総務企画課"
    assert update.actor_label == "tester"
    assert AuditEntry.objects.filter(action="delete", object_repr="人事課").exists()


def test_saving_without_a_change_records_nothing(trail):
    before = AuditEntry.objects.count()
    Unit.objects.get(pk=trail.pk).save()
    assert AuditEntry.objects.count() == before


def test_intact_chain_verifies(trail):
    result = audit.verify_chain()
    assert result.ok is True
    assert result.checked == AuditEntry.objects.count()


def test_entries_cannot_be_changed_or_deleted_through_the_orm(trail):
    entry = AuditEntry.objects.first()
    entry.object_repr = "改ざん"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_altered_row_is_found(trail):
    target = AuditEntry.objects.order_by("seq")[2]
    _raw("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["改ざんされた", target.pk])
    result = audit.verify_chain()
    assert result.ok is False
    assert result.broken_seq == target.seq
    assert "改ざん" in result.reason


def test_deleted_row_is_found(trail):
    target = AuditEntry.objects.order_by("seq")[1]
    _raw("DELETE FROM core_auditentry WHERE id = %s", [target.pk])
    result = audit.verify_chain()
    assert result.ok is False
    assert result.broken_seq == target.seq + 1


def test_cli_exits_0_when_intact_and_1_naming_the_row_when_broken(trail, capsys):
    from mamori.core.cli import audit_verify

    assert audit_verify(None) == 0
    assert "改ざんされていません" in capsys.readouterr().out
    target = AuditEntry.objects.order_by("seq")[3]
    _raw("UPDATE core_auditentry SET changes = %s WHERE id = %s", ['{"x": 1}', target.pk])
    assert audit_verify(None) == 1
    assert f"通番 {target.seq}" in capsys.readouterr().err


def test_sensitive_read_is_recorded(trail, staff):
    audit.record_read(trail, actor=staff, detail="閲覧")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "read"
    assert entry.actor == staff
    assert entry.object_id == str(trail.pk)


def test_dumpdata_loaddata_keeps_the_chain_valid(trail, tmp_path):
    path = tmp_path / "dump.json"
    call_command("dumpdata", "core.auditentry", output=str(path), verbosity=0)
    _raw("DELETE FROM core_auditentry", [])
    call_command("loaddata", str(path), verbosity=0)
    assert audit.verify_chain().ok is True
