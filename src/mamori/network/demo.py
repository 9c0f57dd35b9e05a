"""The demo city's network: three zones, two firewalls, one expired exception the FortiGate still allows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mamori.core.models import Person

DATA = Path(__file__).resolve().parent / "demo_data"


def load_demo() -> None:
    """Load the demo zone model, its configurations and one finished verification; only into an empty model."""
    from mamori.network import services
    from mamori.network.models import AllowedFlow, Device, VerificationRun, Zone

    if Zone.objects.exists():
        return
    services.import_model_yaml((DATA / "MODEL.yaml").read_text(encoding="utf-8"), actor=None)
    ciso = Person.objects.filter(employee_number="100001").first()
    for flow in AllowedFlow.objects.all():
        flow.approver = ciso
        flow.approved_on = dt.date(2025, 4, 1)
        flow.save()
    for device in Device.objects.all():
        path = DATA / "configs" / ("fw-lgwan.conf" if device.vendor == "fortigate" else "fw-mynumber.rules")
        services.upload_config(device, path.read_bytes(), path.name, actor=None)
    run = services.start_verification(actor=None)
    if VerificationRun.objects.filter(pk=run.pk, status=VerificationRun.Status.QUEUED).exists():
        services.execute_run(run.pk)
