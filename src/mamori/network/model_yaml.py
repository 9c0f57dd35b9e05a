"""Translate between the stored zone model and MODEL.yaml (version 1) of the netcheck engine."""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from mamori.network.models import AllowedFlow, Device, NetworkPlan, NetworkSystem, Segment, Zone


def config_path(device: Device) -> str:
    """Return the nominal config path written into MODEL.yaml for a device."""
    return f"configs/{device.key}.cfg"


def plan_to_mapping() -> dict[str, object]:
    """Return the stored zone model as the MODEL.yaml structure."""
    data: dict[str, object] = {
        "version": 1,
        "network_model": NetworkPlan.current().network_model,
        "zones": [{"id": z.key, "kind": z.kind, "label": z.label} for z in Zone.objects.all()],
        "segments": [
            {"id": s.key, "zone": s.zone.key, "cidrs": s.cidr_list()}
            for s in Segment.objects.select_related("zone")
        ],
        "systems": [
            {"id": s.key, "zone": s.zone.key, "role": s.role, "addresses": s.address_list()}
            for s in NetworkSystem.objects.select_related("zone")
        ],
        "allowed_flows": [_flow_mapping(f) for f in AllowedFlow.objects.select_related("approver")],
        "devices": [_device_mapping(d) for d in Device.objects.all()],
    }
    return data


def _flow_mapping(flow: AllowedFlow) -> dict[str, object]:
    services = flow.service_list()
    item: dict[str, object] = {
        "id": flow.key,
        "from": {flow.source_kind: flow.source_ref},
        "to": {flow.destination_kind: flow.destination_ref},
        "services": "any" if services == ["any"] else services,
        "rationale": flow.rationale,
    }
    if flow.expires is not None:
        item["expires"] = flow.expires
    return item


def _device_mapping(device: Device) -> dict[str, object]:
    item: dict[str, object] = {"id": device.key, "vendor": device.vendor, "config": config_path(device)}
    interfaces = device.interface_map()
    if interfaces:
        item["interfaces"] = interfaces
    return item


def plan_to_yaml() -> str:
    """Return the stored zone model as MODEL.yaml text (Japanese labels kept readable)."""
    return dump_yaml(plan_to_mapping())


def dump_yaml(data: Mapping[str, object]) -> str:
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, default_flow_style=False)
