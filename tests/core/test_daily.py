import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from mamori.core.cli import prepare, run_daily


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("MAMORI_ADMIN_PASSWORD", "an-admin-password-for-tests")
    monkeypatch.setenv("MAMORI_DEMO_PASSWORD", "a-demo-password-for-tests")
    prepare(verbose=False)


def test_daily_runs_every_part_and_sends_reminders(demo, capsys, django_capture_on_commit_callbacks):
    from mamori.inspections.models import Campaign

    campaign = Campaign.objects.filter(status=Campaign.Status.OPEN).first()
    assert campaign is not None
    Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate() + dt.timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_daily(None) == 0
    out = capsys.readouterr().out
    assert "締切間近の自己点検の督促" in out
    assert "原本" in out
    assert any("自己点検" in m.subject or "点検" in m.body for m in mail.outbox)


def test_a_failing_part_is_reported_and_the_others_still_run(demo, capsys, monkeypatch):
    import mamori.quarantine.daily

    def broken() -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(mamori.quarantine.daily, "run_daily", broken)
    assert run_daily(None) == 1
    captured = capsys.readouterr()
    assert "mamori.quarantine の定例処理に失敗しました: disk full" in captured.err
    assert "是正措置の督促" in captured.out
