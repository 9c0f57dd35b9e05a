"""Load and validate MODEL.yaml (version 1): zones, segments, systems, allowed flows and devices.

Every error is a :class:`ModelError` with a Japanese message naming the problem and its line. Unknown
keys are errors too: a misspelt ``expires`` must not silently turn an exception into a permanent one.
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mamori.netcheck.errors import ModelError
from mamori.netcheck.ir import PROTOCOL_NUMBERS
from mamori.netcheck.limits import MAX_DEVICES, MAX_MODEL_BYTES
from mamori.netcheck.vendors import VENDORS

__all__ = [
    "AllowedFlow",
    "Device",
    "Endpoint",
    "FlowService",
    "Model",
    "NetworkModel",
    "Segment",
    "System",
    "SystemRole",
    "Zone",
    "ZoneKind",
    "load_model",
]


class NetworkModel(enum.StrEnum):
    """The MIC guideline's network model (α, α', β, β'); recorded only in version 1."""

    ALPHA = "alpha"
    ALPHA_PRIME = "alpha-prime"
    BETA = "beta"
    BETA_PRIME = "beta-prime"


class ZoneKind(enum.StrEnum):
    """What the built-in rules know about a zone."""

    MYNUMBER = "mynumber"
    LGWAN = "lgwan"
    INTERNET = "internet"
    ISOLATED = "isolated"
    CUSTOM = "custom"


class SystemRole(enum.StrEnum):
    """A system's role; only sanitizers and screen transfer may feed LGWAN from the internet."""

    MAIL_SANITIZER = "mail-sanitizer"
    FILE_SANITIZER = "file-sanitizer"
    SCREEN_TRANSFER = "screen-transfer"
    PROXY = "proxy"
    SECURITY_CLOUD = "security-cloud"
    OTHER = "other"


SANITIZING_ROLES = frozenset(
    {SystemRole.MAIL_SANITIZER, SystemRole.FILE_SANITIZER, SystemRole.SCREEN_TRANSFER}
)


@dataclass(frozen=True)
class Zone:
    """A security zone."""

    id: str
    kind: ZoneKind
    label: str
    line: int


@dataclass(frozen=True)
class Segment:
    """An address block of a zone."""

    id: str
    zone: str
    cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    line: int


@dataclass(frozen=True)
class System:
    """A declared system (host or block) with a role."""

    id: str
    zone: str
    role: SystemRole
    addresses: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    line: int


@dataclass(frozen=True)
class Endpoint:
    """One end of an allowed flow: ``kind`` is zone, segment or system."""

    kind: str
    ref: str


@dataclass(frozen=True)
class FlowService:
    """``protocol`` (None = any) and inclusive destination ports (None = any)."""

    protocol: int | None
    first_port: int | None = None
    last_port: int | None = None
    text: str = "any"


@dataclass(frozen=True)
class AllowedFlow:
    """A declared exception to the built-in rules."""

    id: str
    source: Endpoint
    destination: Endpoint
    services: tuple[FlowService, ...]
    rationale: str
    expires: dt.date | None
    line: int
    owner: str = ""
    approval: str = ""

    def is_expired(self, today: dt.date) -> bool:
        """Return whether the flow has expired (``expires`` itself is still valid)."""
        return self.expires is not None and today > self.expires


@dataclass(frozen=True)
class Device:
    """A filtering device and where its configuration is."""

    id: str
    vendor: str
    config: str
    interfaces: Mapping[str, str]
    line: int


@dataclass(frozen=True)
class Model:
    """A validated MODEL.yaml."""

    version: int
    network_model: NetworkModel
    zones: tuple[Zone, ...]
    segments: tuple[Segment, ...]
    systems: tuple[System, ...]
    allowed_flows: tuple[AllowedFlow, ...]
    devices: tuple[Device, ...]
    source: str = "MODEL.yaml"
    base_dir: Path | None = None
    zone_index: Mapping[str, Zone] = field(default_factory=dict, compare=False)

    def zone(self, zone_id: str) -> Zone:
        """Return the zone called ``zone_id``."""
        return self.zone_index[zone_id]

    def system(self, system_id: str) -> System | None:
        """Return the system called ``system_id``, or ``None``."""
        return next((s for s in self.systems if s.id == system_id), None)

    def endpoint_zone(self, endpoint: Endpoint) -> str:
        """Return the zone id an endpoint belongs to."""
        if endpoint.kind == "zone":
            return endpoint.ref
        if endpoint.kind == "segment":
            return next(s.zone for s in self.segments if s.id == endpoint.ref)
        return next(s.zone for s in self.systems if s.id == endpoint.ref)


_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$")
_SERVICE_RE = re.compile(r"^(?P<proto>[a-z0-9\-]+)(?:/(?P<lo>\d{1,5})(?:-(?P<hi>\d{1,5}))?)?$")


class _Reader:
    """Turn a composed YAML node tree into checked values, remembering line numbers."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node | None, detail: str) -> ModelError:
        line = node.start_mark.line + 1 if node is not None else None
        return ModelError(detail, file=self.source, line=line)

    def mapping(
        self, node: yaml.Node, what: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} は「キー: 値」の形式で書いてください")
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in required + optional:
                allowed = "、".join(required + optional)
                raise self.fail(key_node, f"{what} に不明な項目「{key}」があります（使える項目: {allowed}）")
            if key in result:
                raise self.fail(key_node, f"{what} の項目「{key}」が重複しています")
            result[key] = value_node
        for key in required:
            if key not in result:
                raise self.fail(node, f"{what} に必須項目「{key}」がありません")
        return result

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} はリスト（- で始まる行）で書いてください")
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            raise self.fail(node, f"{what} は文字列で書いてください")
        return str(node.value)

    def ident(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if not _ID_RE.match(value):
            raise self.fail(node, f"{what}「{value}」は英数字・「-」「_」「.」で書いてください")
        return value

    def choice(self, node: yaml.Node, what: str, enum_type: type[enum.StrEnum]) -> str:
        value = self.text(node, what)
        allowed = [member.value for member in enum_type]
        if value not in allowed:
            raise self.fail(node, f"{what}「{value}」は使えません（使える値: {'、'.join(allowed)}）")
        return value


def _network(reader: _Reader, node: yaml.Node, what: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    value = reader.text(node, what)
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise reader.fail(node, f"{what}「{value}」は IP アドレスまたは CIDR ではありません") from None


def _service(reader: _Reader, node: yaml.Node) -> FlowService:
    value = reader.text(node, "services の要素").strip().lower()
    if value == "any":
        return FlowService(None)
    match = _SERVICE_RE.match(value)
    if match is None:
        raise reader.fail(node, f"サービス「{value}」は tcp/443、udp/1000-2000、any の形式で書いてください")
    proto_text = match["proto"]
    protocol = int(proto_text) if proto_text.isdigit() else PROTOCOL_NUMBERS.get(proto_text)
    if protocol is None or not 0 <= protocol <= 255:
        raise reader.fail(node, f"サービス「{value}」のプロトコル「{proto_text}」が不明です")
    if match["lo"] is None:
        return FlowService(protocol, text=value)
    if protocol not in (6, 17, 132):
        raise reader.fail(node, f"サービス「{value}」: ポートを指定できるのは tcp・udp・sctp だけです")
    first = int(match["lo"])
    last = int(match["hi"]) if match["hi"] is not None else first
    if not 0 <= first <= last <= 65535:
        raise reader.fail(node, f"サービス「{value}」のポート範囲が不正です（0〜65535、下限≦上限）")
    return FlowService(protocol, first, last, text=value)


def _date(reader: _Reader, node: yaml.Node) -> dt.date:
    value = reader.text(node, "expires")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise reader.fail(node, f"expires「{value}」は YYYY-MM-DD 形式の日付で書いてください") from None


def load_model(path_or_text: Path | str, *, source: str | None = None, base_dir: Path | None = None) -> Model:
    """Load MODEL.yaml from a ``Path`` or from YAML text; raise ModelError when it is invalid.

    Device config paths are relative to ``base_dir`` (default: the model file's folder).
    """
    if isinstance(path_or_text, Path):
        name = source or path_or_text.name
        try:
            data = path_or_text.read_bytes()
        except OSError as exc:
            raise ModelError(f"ファイルを読み込めません（{exc.strerror}）", file=name) from None
        base = base_dir or path_or_text.resolve().parent
    else:
        name = source or "MODEL.yaml"
        data = path_or_text.encode("utf-8")
        base = base_dir
    if len(data) > MAX_MODEL_BYTES:
        raise ModelError(f"ファイルが大きすぎます（上限 {MAX_MODEL_BYTES} バイト）", file=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ModelError("UTF-8 のテキストではありません", file=name) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise ModelError(f"YAML の構文エラーです（{exc.problem}）", file=name, line=line) from None
    except yaml.YAMLError:
        raise ModelError("YAML の構文エラーです", file=name) from None
    reader = _Reader(name)
    if root is None:
        raise ModelError("ファイルが空です", file=name)
    return _build(reader, root, name, base)


def _build(reader: _Reader, root: yaml.Node, name: str, base: Path | None) -> Model:
    top = reader.mapping(
        root,
        "モデル",
        required=("version", "zones", "devices"),
        optional=("network_model", "segments", "systems", "allowed_flows"),
    )
    version_node = top["version"]
    if reader.text(version_node, "version") != "1":
        raise reader.fail(version_node, "version は 1 だけに対応しています")
    network_model = NetworkModel.ALPHA
    if "network_model" in top:
        network_model = NetworkModel(reader.choice(top["network_model"], "network_model", NetworkModel))

    zones: dict[str, Zone] = {}
    for node in reader.sequence(top["zones"], "zones"):
        item = reader.mapping(node, "ゾーン", required=("id", "kind"), optional=("label",))
        zone_id = reader.ident(item["id"], "ゾーン id")
        if zone_id in zones:
            raise reader.fail(item["id"], f"ゾーン id「{zone_id}」が重複しています")
        kind = ZoneKind(reader.choice(item["kind"], "kind", ZoneKind))
        label = reader.text(item["label"], "label") if "label" in item else zone_id
        zones[zone_id] = Zone(zone_id, kind, label, node.start_mark.line + 1)
    if not zones:
        raise reader.fail(top["zones"], "zones にゾーンが一つもありません")

    def zone_ref(node: yaml.Node, what: str) -> str:
        value = reader.text(node, what)
        if value not in zones:
            raise reader.fail(node, f"{what}「{value}」は zones に定義されていません")
        return value

    segments: dict[str, Segment] = {}
    seen_cidrs: dict[object, str] = {}
    for node in reader.sequence(top["segments"], "segments") if "segments" in top else []:
        item = reader.mapping(node, "セグメント", required=("id", "zone", "cidrs"))
        seg_id = reader.ident(item["id"], "セグメント id")
        if seg_id in segments:
            raise reader.fail(item["id"], f"セグメント id「{seg_id}」が重複しています")
        cidrs = []
        for cidr_node in reader.sequence(item["cidrs"], "cidrs"):
            network = _network(reader, cidr_node, "cidrs の要素")
            if network in seen_cidrs:
                raise reader.fail(
                    cidr_node, f"CIDR「{network}」はセグメント「{seen_cidrs[network]}」と重複しています"
                )
            seen_cidrs[network] = seg_id
            cidrs.append(network)
        segments[seg_id] = Segment(
            seg_id, zone_ref(item["zone"], "zone"), tuple(cidrs), node.start_mark.line + 1
        )

    systems: dict[str, System] = {}
    for node in reader.sequence(top["systems"], "systems") if "systems" in top else []:
        item = reader.mapping(node, "システム", required=("id", "zone", "role", "addresses"))
        sys_id = reader.ident(item["id"], "システム id")
        if sys_id in systems:
            raise reader.fail(item["id"], f"システム id「{sys_id}」が重複しています")
        addresses = []
        for addr_node in reader.sequence(item["addresses"], "addresses"):
            network = _network(reader, addr_node, "addresses の要素")
            if network in seen_cidrs:
                raise reader.fail(
                    addr_node, f"アドレス「{network}」は「{seen_cidrs[network]}」と重複しています"
                )
            seen_cidrs[network] = sys_id
            addresses.append(network)
        systems[sys_id] = System(
            sys_id,
            zone_ref(item["zone"], "zone"),
            SystemRole(reader.choice(item["role"], "role", SystemRole)),
            tuple(addresses),
            node.start_mark.line + 1,
        )

    flows: dict[str, AllowedFlow] = {}
    for node in reader.sequence(top["allowed_flows"], "allowed_flows") if "allowed_flows" in top else []:
        item = reader.mapping(
            node,
            "allowed_flows の要素",
            required=("id", "from", "to", "services"),
            optional=("rationale", "expires", "owner", "approval"),
        )
        flow_id = reader.ident(item["id"], "allowed_flows の id")
        if flow_id in flows:
            raise reader.fail(item["id"], f"allowed_flows の id「{flow_id}」が重複しています")
        ends = []
        for key in ("from", "to"):
            end = reader.mapping(item[key], key, required=(), optional=("zone", "segment", "system"))
            if len(end) != 1:
                raise reader.fail(
                    item[key], f"{key} には zone・segment・system のどれか一つだけを書いてください"
                )
            kind, ref_node = next(iter(end.items()))
            ref = reader.text(ref_node, f"{key}.{kind}")
            known = {"zone": zones, "segment": segments, "system": systems}[kind]
            if ref not in known:
                raise reader.fail(ref_node, f"{key}.{kind}「{ref}」は定義されていません")
            ends.append(Endpoint(kind, ref))
        services_node = item["services"]
        if isinstance(services_node, yaml.ScalarNode):
            if reader.text(services_node, "services").strip().lower() != "any":
                raise reader.fail(services_node, "services は any かリストで書いてください")
            services: tuple[FlowService, ...] = (FlowService(None),)
        else:
            service_nodes = reader.sequence(services_node, "services")
            if not service_nodes:
                raise reader.fail(services_node, "services が空です")
            services = tuple(_service(reader, s) for s in service_nodes)
        flows[flow_id] = AllowedFlow(
            id=flow_id,
            source=ends[0],
            destination=ends[1],
            services=services,
            rationale=reader.text(item["rationale"], "rationale") if "rationale" in item else "",
            expires=_date(reader, item["expires"]) if "expires" in item else None,
            line=node.start_mark.line + 1,
            owner=reader.text(item["owner"], "owner") if "owner" in item else "",
            approval=reader.text(item["approval"], "approval") if "approval" in item else "",
        )

    devices: dict[str, Device] = {}
    device_nodes = reader.sequence(top["devices"], "devices")
    if len(device_nodes) > MAX_DEVICES:
        raise reader.fail(top["devices"], f"機器が多すぎます（上限 {MAX_DEVICES} 台）")
    for node in device_nodes:
        item = reader.mapping(node, "機器", required=("id", "vendor", "config"), optional=("interfaces",))
        dev_id = reader.ident(item["id"], "機器 id")
        if dev_id in devices:
            raise reader.fail(item["id"], f"機器 id「{dev_id}」が重複しています")
        vendor = reader.text(item["vendor"], "vendor")
        if vendor not in VENDORS:
            raise reader.fail(
                item["vendor"], f"vendor「{vendor}」には対応していません（対応: {'、'.join(VENDORS)}）"
            )
        interfaces: dict[str, str] = {}
        if "interfaces" in item:
            iface_node = item["interfaces"]
            if not isinstance(iface_node, yaml.MappingNode):
                raise reader.fail(
                    iface_node, "interfaces は「インタフェース名: ゾーン id」の形式で書いてください"
                )
            for key_node, value_node in iface_node.value:
                iface = reader.text(key_node, "インタフェース名")
                if iface in interfaces:
                    raise reader.fail(key_node, f"インタフェース「{iface}」が重複しています")
                interfaces[iface] = zone_ref(value_node, f"インタフェース「{iface}」のゾーン")
        devices[dev_id] = Device(
            dev_id, vendor, reader.text(item["config"], "config"), interfaces, node.start_mark.line + 1
        )

    return Model(
        version=1,
        network_model=network_model,
        zones=tuple(zones.values()),
        segments=tuple(segments.values()),
        systems=tuple(systems.values()),
        allowed_flows=tuple(flows.values()),
        devices=tuple(devices.values()),
        source=name,
        base_dir=base,
        zone_index=dict(zones),
    )
