import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mamori.core import audit
from mamori.core.backup import BackupError, restore_backup, write_backup
from mamori.core.cli import prepare
from mamori.core.models import AuditEntry, Body, Person, Role, RoleAssignment, Unit


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("MAMORI_ADMIN_PASSWORD", "an-admin-password-for-tests")
    monkeypatch.setenv("MAMORI_DEMO_PASSWORD", "a-demo-password-for-tests")
    prepare(verbose=False)


def test_demo_city_has_five_bodies_forty_staff_of_three_types_and_every_role(demo):
    assert set(Body.objects.values_list("name", flat=True)) == {
        "市長部局",
        "教育委員会",
        "行政委員会",
        "議会事務局",
        "上下水道部",
    }
    assert Person.objects.count() == 40
    assert set(Person.objects.values_list("staff_type", flat=True)) == {"regular", "part_time", "fiscal_year"}
    held = set(RoleAssignment.objects.values_list("role__code", flat=True))
    assert held == set(Role.objects.values_list("code", flat=True))
    assert get_user_model().objects.get(username="admin").is_superuser


def test_quickstart_twice_changes_nothing(demo):
    counts = (
        Unit.objects.count(),
        Person.objects.count(),
        RoleAssignment.objects.count(),
        get_user_model().objects.count(),
        AuditEntry.objects.count(),
    )
    prepare(verbose=False)
    assert counts == (
        Unit.objects.count(),
        Person.objects.count(),
        RoleAssignment.objects.count(),
        get_user_model().objects.count(),
        AuditEntry.objects.count(),
    )


def test_prepare_prints_a_generated_admin_password_once(db, monkeypatch, capsys):
    monkeypatch.delenv("MAMORI_ADMIN_PASSWORD", raising=False)
    prepare()
    out = capsys.readouterr().out
    assert "ユーザー名: admin" in out
    line = next(item for item in out.splitlines() if "パスワード:" in item and "共通" not in item)
    password = line.split("パスワード:")[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    prepare()
    assert "ユーザー名: admin" not in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(demo, tmp_path, settings):
    archive = tmp_path / "backup.tar.gz"
    (settings.DATA_DIR / "media").mkdir(exist_ok=True)
    (settings.DATA_DIR / "media" / "evidence.txt").write_text("証跡", encoding="utf-8")
    write_backup(archive)
    people = sorted(Person.objects.values_list("employee_number", "family_name"))
    audit_count = AuditEntry.objects.count()
    with pytest.raises(BackupError, match="--force"):
        restore_backup(archive)
    (settings.DATA_DIR / "media" / "evidence.txt").unlink()
    call_command("flush", interactive=False, verbosity=0)
    assert Person.objects.count() == 0
    restore_backup(archive)
    assert sorted(Person.objects.values_list("employee_number", "family_name")) == people
    assert AuditEntry.objects.count() == audit_count
    assert audit.verify_chain().ok is True
    assert (settings.DATA_DIR / "media" / "evidence.txt").read_text(encoding="utf-8") == "証跡"


def test_restore_of_a_missing_file_fails_clearly(db, tmp_path):
    with pytest.raises(BackupError, match="見つかりません"):
        restore_backup(tmp_path / "nope.tar.gz")
