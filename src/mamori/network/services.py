"""State changes of the network app: the zone model, device configurations and verification runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import ModelForm
from django.utils import timezone

from mamori.assets.models import System
from mamori.core import audit
from mamori.netcheck import NetcheckError
from mamori.netcheck.model import load_model
from mamori.netcheck.report import render_html
from mamori.netcheck.vendors import decode_config, parse_config
from mamori.netcheck.verify import verify
from mamori.network.model_yaml import config_path, plan_to_yaml
from mamori.network.models import (
    AllowedFlow,
    Device,
    DeviceConfig,
    NetworkPlan,
    NetworkSystem,
    Segment,
    VerificationRun,
    Zone,
)

logger = logging.getLogger(__name__)
MAX_CONFIG_BYTES = 20 * 1024 * 1024  # the largest real firewall exports are a few MB


def save_form(form: ModelForm, *, actor: object) -> object:  # type: ignore[type-arg]
    """Save a validated zone-model form in one transaction (the audit trail records the change)."""
    with transaction.atomic(), audit.acting_as(actor, via="web"):
        return form.save()


def delete_record(record: object, *, actor: object) -> None:
    """Delete a zone-model record; refuse with a Japanese message when others still refer to it."""
    from django.db.models import ProtectedError

    try:
        with transaction.atomic(), audit.acting_as(actor, via="web"):
            record.delete()  # type: ignore[attr-defined]
    except ProtectedError as exc:
        raise ValidationError(
            "他の項目（セグメント・システムなど）から参照されているため削除できません。", code="protected"
        ) from exc


def upload_config(device: Device, data: bytes, filename: str, *, actor: object) -> DeviceConfig:
    """Store a new version of a device's configuration after checking that it can be read."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ValidationError("設定ファイルが大きすぎます（上限 20MB）。", code="too_large")
    try:
        text = decode_config(data, source=filename or config_path(device))
        parse_config(text, vendor=device.vendor, source=filename or config_path(device))
    except NetcheckError as exc:
        raise ValidationError(f"設定ファイルを読み込めませんでした: {exc}", code="unreadable") from exc
    with transaction.atomic(), audit.acting_as(actor, via="web"):
        latest = device.configs.select_for_update().order_by("-version").first()
        return DeviceConfig.objects.create(
            device=device,
            version=(latest.version + 1) if latest else 1,
            filename=filename[:200],
            text=text,
            uploaded_by=actor if getattr(actor, "pk", None) else None,  # type: ignore[misc]
        )


def import_model_yaml(text: str, *, actor: object) -> dict[str, int]:
    """Replace the stored zone model with an uploaded MODEL.yaml; all or nothing.

    Devices keep their uploaded configurations when their id stays; devices absent from the file are
    removed with their configurations.
    """
    try:
        model = load_model(text, source="MODEL.yaml")
    except NetcheckError as exc:
        raise ValidationError(str(exc), code="invalid_model") from exc
    with transaction.atomic(), audit.acting_as(actor, via="import"):
        plan = NetworkPlan.current()
        plan.network_model = str(model.network_model)
        plan.save()
        # Keep each system's link to the asset register across a re-import (matched by its id).
        links = dict(
            NetworkSystem.objects.filter(register_system__isnull=False).values_list(
                "key", "register_system_id"
            )
        )
        AllowedFlow.objects.all().delete()
        NetworkSystem.objects.all().delete()
        Segment.objects.all().delete()
        Device.objects.exclude(key__in=[d.id for d in model.devices]).delete()
        Zone.objects.all().delete()
        zones = {}
        for order, zone in enumerate(model.zones, start=1):
            zones[zone.id] = Zone.objects.create(
                key=zone.id, kind=str(zone.kind), label=zone.label, order=order
            )
        for segment in model.segments:
            Segment.objects.create(
                key=segment.id, zone=zones[segment.zone], cidrs="\n".join(str(c) for c in segment.cidrs)
            )
        for system in model.systems:
            NetworkSystem.objects.create(
                key=system.id,
                zone=zones[system.zone],
                role=str(system.role),
                addresses="\n".join(str(a) for a in system.addresses),
                register_system_id=links.get(system.id),
            )
        for flow in model.allowed_flows:
            services = ", ".join(s.text for s in flow.services) or "any"
            AllowedFlow.objects.create(
                key=flow.id,
                source_kind=flow.source.kind,
                source_ref=flow.source.ref,
                destination_kind=flow.destination.kind,
                destination_ref=flow.destination.ref,
                services=services,
                rationale=flow.rationale or "",
                expires=flow.expires,
            )
        for device in model.devices:
            interfaces = "\n".join(f"{name}: {zone}" for name, zone in device.interfaces.items())
            Device.objects.update_or_create(
                key=device.id, defaults={"vendor": device.vendor, "interfaces": interfaces}
            )
    return {
        "zones": len(model.zones),
        "segments": len(model.segments),
        "systems": len(model.systems),
        "allowed_flows": len(model.allowed_flows),
        "devices": len(model.devices),
    }


def start_verification(*, actor: object, as_of: dt.date | None = None) -> VerificationRun:
    """Snapshot the zone model and the latest configurations, and queue their verification."""
    from mamori.network.tasks import run_verification

    configs = {d.key: d.latest_config() for d in Device.objects.all()}
    missing = [key for key, config in configs.items() if config is None]
    if missing:
        raise ValidationError(
            f"設定ファイルが登録されていない機器があります: {', '.join(sorted(missing))}",
            code="missing_config",
        )
    with transaction.atomic(), audit.acting_as(actor, via="web"):
        run = VerificationRun.objects.create(
            as_of=as_of or timezone.localdate(),
            requested_by=actor if getattr(actor, "pk", None) else None,  # type: ignore[misc]
            model_yaml=plan_to_yaml(),
            config_versions={key: config.pk for key, config in configs.items() if config is not None},
        )
        transaction.on_commit(lambda: run_verification.enqueue(run.pk))
    return run


def execute_run(run_id: int) -> None:
    """Run a queued verification; safe to call twice (only the caller that claims it does the work)."""
    claimed = VerificationRun.objects.filter(pk=run_id, status=VerificationRun.Status.QUEUED).update(
        status=VerificationRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    run = VerificationRun.objects.get(pk=run_id)
    updates: dict[str, object]
    try:
        updates = _verify_snapshot(run)
    except NetcheckError as exc:
        updates = {"status": VerificationRun.Status.FAILED, "error": str(exc)}
    except Exception:  # the task's outermost level: record the failure, keep the worker alive
        logger.exception("verification run %s failed", run_id)
        updates = {
            "status": VerificationRun.Status.FAILED,
            "error": "検証中に予期しないエラーが発生しました。管理者にログの確認を依頼してください。",
        }
    updates["finished_at"] = timezone.now()
    with audit.acting_as(None, via="task", label="verification"):
        VerificationRun.objects.filter(pk=run_id).update(**updates)
        audit.record(
            "update",
            object_type="network.verificationrun",
            object_id=run_id,
            object_repr=f"検証 #{run_id}",
            changes={"status": str(updates["status"]), "violations": updates.get("violation_count", 0)},
        )


def _verify_snapshot(run: VerificationRun) -> dict[str, object]:
    model = load_model(run.model_yaml, source="MODEL.yaml")
    texts = dict(
        DeviceConfig.objects.filter(pk__in=run.config_versions.values()).values_list("device__key", "text")
    )
    report = verify(model, texts, as_of=run.as_of)
    result = serialise_report(report)
    return {
        "status": VerificationRun.Status.DONE,
        "result": result,
        "report_html": render_html(report),
        "violation_count": sum(1 for v in report.violations if v.certainty == "definite"),
        "possible_count": sum(1 for v in report.violations if v.certainty == "possible"),
    }


def serialise_report(report: object) -> dict[str, object]:
    """Return the JSON report plus what the pages show (quoted rule text, zone labels, messages)."""
    data = report.to_dict()  # type: ignore[attr-defined]
    data["violations"] = [
        {
            **v.to_dict(),
            "text": v.text,
            "file": v.file,
            "message": v.message,
            "unknown_objects": list(v.unknown_objects),
        }
        for v in report.violations  # type: ignore[attr-defined]
    ]
    data["shadowed_rules"] = [{**s.to_dict(), "text": s.text} for s in report.shadowed_rules]  # type: ignore[attr-defined]
    data["warnings"] = [{**w.to_dict(), "text": w.text} for w in report.warnings]  # type: ignore[attr-defined]
    data["expiring_flows"] = [e.to_dict() for e in report.expiring_flows]  # type: ignore[attr-defined]
    data["zones"] = [{"id": z[0], "kind": z[1], "label": z[2]} for z in report.zones]  # type: ignore[attr-defined]
    data["network_model"] = str(report.network_model)  # type: ignore[attr-defined]
    return data


def violation_key(violation: Mapping[str, object]) -> tuple[str, str, str, str]:
    return (
        str(violation.get("device")),
        str(violation.get("rule")),
        str(violation.get("from_zone")),
        str(violation.get("to_zone")),
    )


def compare_runs(current: VerificationRun, previous: VerificationRun | None) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """Return the violations that appeared and those that disappeared since ``previous``."""
    now = {violation_key(v): v for v in (current.result or {}).get("violations", [])}
    before = {
        violation_key(v): v for v in ((previous.result or {}) if previous else {}).get("violations", [])
    }
    return {
        "new": [v for k, v in now.items() if k not in before],
        "resolved": [v for k, v in before.items() if k not in now],
    }


# --- links to the asset register (mamori.assets owns information systems) -------------------------

# The asset register's zone kinds, spelled as the netcheck engine spells them; custom zones compare
# by nothing (a municipality's own zone has no fixed meaning to check against).
REGISTER_ZONE_KINDS = {
    "my_number": Zone.Kind.MYNUMBER,
    "lgwan": Zone.Kind.LGWAN,
    "internet": Zone.Kind.INTERNET,
    "standalone": Zone.Kind.ISOLATED,
}


@dataclass(frozen=True)
class ZoneVerdict:
    """What the latest finished verification says about the traffic into and out of one zone."""

    run_id: int | None
    finished_at: dt.datetime | None
    definite: int
    possible: int

    @property
    def verified(self) -> bool:
        return self.run_id is not None

    @property
    def label(self) -> str:
        if self.run_id is None:
            return "未検証"
        if self.definite or self.possible:
            return f"違反 {self.definite}件・可能性 {self.possible}件"
        return "違反なし"


@dataclass(frozen=True)
class NetworkProfile:
    """How one register system appears in the zone model: its network systems, addresses and zones."""

    key: str
    name: str
    zone_key: str
    zone_label: str
    addresses: tuple[str, ...]
    verdict: ZoneVerdict


@dataclass(frozen=True)
class ZoneMismatch:
    """A register system whose zone kind disagrees with the zone of the network system linked to it."""

    network_system: NetworkSystem
    register_zone: str
    network_zone: str
    fix: str


def link_register_system(system: NetworkSystem, register_system: System | None, *, actor: object) -> None:
    """Link a network system to an asset register system (or unlink it with ``None``)."""
    with transaction.atomic(), audit.acting_as(actor, via="web" if actor is not None else "cli"):
        system.register_system = register_system
        system.save(update_fields=["register_system"])


def zone_verdict(zone_key: str) -> ZoneVerdict:
    """Return the latest finished verification's violations that start or end in zone ``zone_key``."""
    run = VerificationRun.objects.filter(status=VerificationRun.Status.DONE).first()
    if run is None:
        return ZoneVerdict(None, None, 0, 0)
    touching = [
        v
        for v in (run.result or {}).get("violations", [])
        if zone_key in (v.get("from_zone"), v.get("to_zone"))
    ]
    definite = sum(1 for v in touching if v.get("certainty") == "definite")
    return ZoneVerdict(run.pk, run.finished_at, definite, len(touching) - definite)


def network_profiles_of(register_system: System) -> list[NetworkProfile]:
    """Return the network systems linked to ``register_system`` (an asset register system)."""
    systems = NetworkSystem.objects.filter(register_system=register_system).select_related("zone")
    verdicts: dict[str, ZoneVerdict] = {}
    profiles = []
    for system in systems:
        if system.zone.key not in verdicts:
            verdicts[system.zone.key] = zone_verdict(system.zone.key)
        profiles.append(
            NetworkProfile(
                key=system.key,
                name=str(system),
                zone_key=system.zone.key,
                zone_label=system.zone.label,
                addresses=tuple(system.address_list()),
                verdict=verdicts[system.zone.key],
            )
        )
    return profiles


def zone_mismatches(systems: Sequence[NetworkSystem] | None = None) -> list[ZoneMismatch]:
    """Return the linked register systems whose zone kind disagrees with their network system's zone."""
    rows = (
        systems
        if systems is not None
        else NetworkSystem.objects.filter(register_system__isnull=False).select_related(
            "zone", "register_system__zone"
        )
    )
    found = []
    for system in rows:
        register = system.register_system
        if register is None or register.zone is None:
            continue
        expected = REGISTER_ZONE_KINDS.get(register.zone.kind)
        if expected is None or system.zone.kind == Zone.Kind.CUSTOM or expected == system.zone.kind:
            continue
        found.append(
            ZoneMismatch(
                network_system=system,
                register_zone=register.zone.name,
                network_zone=system.zone.label,
                fix=(
                    f"情報資産台帳では「{register.name}」は{register.zone.name}ですが、ゾーンモデルのシステム"
                    f"「{system}」は{system.zone.label}にあります。実際の配置を確認し、台帳のゾーンか"
                    "ゾーンモデルのシステムのゾーン（またはアドレス）のどちらかを正してください。"
                ),
            )
        )
    return found
