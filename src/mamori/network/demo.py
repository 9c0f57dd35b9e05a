"""The demo city's network: three zones, two firewalls, one expired exception the FortiGate still allows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mamori.core.models import Person

DATA = Path(__file__).resolve().parent / "demo_data"


# Network systems of the demo model that are systems of the demo asset register (assets/demo.py).
REGISTER_LINKS = {"jyuki-server": "SYS-000001", "mail-relay": "SYS-000005"}


def load_demo() -> None:
    """Load the demo zone model, its configurations and one finished verification; only into an empty model.

    Then link the demo systems to the asset register's systems where they are still unlinked.
    """
    from mamori.network.models import Zone

    if not Zone.objects.exists():
        _load_model()
    _link_register_systems()


def _link_register_systems() -> None:
    from mamori.assets.services import find_system
    from mamori.network import services
    from mamori.network.models import NetworkSystem

    for key, code in REGISTER_LINKS.items():
        system = NetworkSystem.objects.filter(key=key, register_system__isnull=True).first()
        register = find_system(code)
        if system is not None and register is not None:
            services.link_register_system(system, register, actor=None)


def _load_model() -> None:
    from mamori.network import services
    from mamori.network.models import AllowedFlow, Device, VerificationRun

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
