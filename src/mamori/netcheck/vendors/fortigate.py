"""Parse a FortiGate / FortiOS configuration into the vendor-neutral rule IR.

Semantics (FortiOS Administration Guide, "Firewall policy"; CLI reference, "config firewall policy"):
policies are evaluated top-down in listing order (``move`` changes it, the id does not), a packet must
match srcintf, dstintf, srcaddr, dstaddr and service, the first match decides and an implicit deny ends
the list. Each VDOM has its own policy list; rule ids carry the VDOM name when there is more than one.
Objects that cannot be resolved (FQDN, geography, dynamic, interface-subnet, VIP, undefined names) are
named in the rule's ``unknown`` lists so the engine treats them as "any" in an accept and "nothing" in a
deny. NAT (VIP, IP pools) is not modelled and is reported as unsupported.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from mamori.netcheck.errors import ConfigSyntaxError, LimitExceededError
from mamori.netcheck.ir import (
    IPV4_MAX,
    IPV6_MAX,
    Action,
    AddressMatch,
    AddressRange,
    Attachment,
    Chain,
    DefaultAction,
    InterfaceMatch,
    NamedObject,
    ParsedConfig,
    PortRange,
    Rule,
    Service,
    ServiceMatch,
    Stage,
    Unsupported,
    Wildcard,
)
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE, MAX_SET_MEMBERS
from mamori.netcheck.vendors._fortios_defaults import (
    PREDEFINED_ADDRESSES,
    PREDEFINED_ICMP,
    PREDEFINED_IP,
    PREDEFINED_SERVICES,
)
from mamori.netcheck.vendors._fortios_tree import Block, Command, Entry, Problem, read_tree
from mamori.netcheck.vendors._tokens import Line, TokenError, mask_to_prefix, parse_ipv4

__all__ = ["VENDOR", "parse"]

VENDOR = "fortigate"
POLICY_CHAIN = "firewall policy"
LOCAL_IN_CHAIN = "firewall local-in-policy"

# FortiOS attribute names are words joined by hyphens (a few carry capitals, e.g. secondary-IP);
# underscores or other punctuation mean the line is not FortiOS syntax.
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
# FortiOS limits most table keys (address, addrgrp, service, zone) to 79 characters.
_MAX_NAME_LENGTH = 79
# Depth of nested groups: FortiOS allows few levels; the bound stops cycles and hostile nesting.
_MAX_GROUP_DEPTH = 16
_MAX_POLICY_ID = 4294967294

# Blocks that change what is forwarded but are not modelled: reported once at their `config` line.
_UNMODELLED_BLOCKS = {
    "firewall vip": "VIP（宛先NAT）は検証対象外です",
    "firewall vip6": "VIP（宛先NAT）は検証対象外です",
    "firewall vip46": "VIP（宛先NAT）は検証対象外です",
    "firewall vip64": "VIP（宛先NAT）は検証対象外です",
    "firewall vipgrp": "VIPグループ（宛先NAT）は検証対象外です",
    "firewall ippool": "IPプール（送信元NAT）は検証対象外です",
    "firewall ippool6": "IPプール（送信元NAT）は検証対象外です",
    "firewall central-snat-map": "セントラルSNATは検証対象外です",
    "firewall proxy-policy": "プロキシポリシーは検証対象外です",
    "firewall security-policy": "ポリシーベースNGFWのセキュリティポリシーは検証対象外です",
    "firewall policy46": "NAT46ポリシーは検証対象外です",
    "firewall policy64": "NAT64ポリシーは検証対象外です",
    "firewall multicast-policy": "マルチキャストポリシーは検証対象外です",
}

# Policy attributes that do not change which packets match (logging, inspection profiles, names).
_HARMLESS_POLICY_ATTRIBUTES = frozenset(
    {
        "uuid",
        "name",
        "comments",
        "comment",
        "logtraffic",
        "logtraffic-start",
        "log-http-transaction",
        "utm-status",
        "inspection-mode",
        "ssl-ssh-profile",
        "av-profile",
        "webfilter-profile",
        "dnsfilter-profile",
        "emailfilter-profile",
        "ips-sensor",
        "application-list",
        "voip-profile",
        "waf-profile",
        "file-filter-profile",
        "dlp-sensor",
        "dlp-profile",
        "icap-profile",
        "profile-protocol-options",
        "profile-type",
        "profile-group",
        "global-label",
        "label",
        "nat",
        "natip",
        "ippool",
        "fixedport",
        "permit-any-host",
        "match-vip",
        "match-vip-only",
        "auto-asic-offload",
        "np-acceleration",
        "capture-packet",
        "tcp-mss-sender",
        "tcp-mss-receiver",
        "session-ttl",
        "traffic-shaper",
        "traffic-shaper-reverse",
        "per-ip-shaper",
        "diffserv-forward",
        "diffserv-reverse",
        "diffservcode-forward",
        "diffservcode-rev",
        "timeout-send-rst",
        "anti-replay",
        "tcp-session-without-syn",
        "block-notification",
        "replacemsg-override-group",
        "srcaddr-negate",
        "dstaddr-negate",
        "service-negate",
        "action",
        "status",
        "schedule",
        "srcintf",
        "dstintf",
        "srcaddr",
        "dstaddr",
        "srcaddr6",
        "dstaddr6",
        "service",
        "poolname",
        "poolname6",
        "vpntunnel",
        "inbound",
        "outbound",
        "color",
        "policyid",
        "internet-service",
        "internet-service-src",
        "users",
        "groups",
        "fsso-groups",
        "ztna-status",
        "webcache",
        "webcache-https",
        "wccp",
        "disclaimer",
        "email-collect",
        "ntlm",
        "fsso",
        "rtp-nat",
        "send-deny-packet",
        "schedule-timeout",
        "geoip-anycast",
        "geoip-match",
        "dynamic-shaping",
        "passive-wan-health-measurement",
        "sgt-check",
        "reputation-minimum",
        "internet-service-name",
        "internet-service-id",
        "internet-service-group",
        "internet-service-custom",
        "internet-service-src-name",
        "internet-service-src-id",
        "internet-service-src-group",
        "internet-service-src-custom",
        "src-vendor-mac",
        "devices",
        "ssh-filter-profile",
        "cifs-profile",
        "videofilter-profile",
        "sctp-filter-profile",
        "casb-profile",
        "virtual-patch-profile",
        "ips-voip-filter",
        "identity-based-route",
        "vlan-cos-fwd",
        "vlan-cos-rev",
        "vlan-filter",
        "decrypted-traffic-mirror",
    }
)

# Policy attributes that restrict matching by something this parser cannot see: named as unknown.
_IDENTITY_ATTRIBUTES = ("users", "groups", "fsso-groups", "src-vendor-mac", "devices")

_ADDRESS_TYPE_ATTRIBUTES = {
    "ipmask": frozenset({"subnet"}),
    "iprange": frozenset({"start-ip", "end-ip"}),
    "wildcard": frozenset({"wildcard"}),
    "fqdn": frozenset({"fqdn"}),
    "geography": frozenset({"country"}),
    "interface-subnet": frozenset({"interface", "subnet"}),
    "dynamic": frozenset({"sdn", "sub-type", "filter", "sdn-addr-type", "obj-type"}),
    "mac": frozenset({"start-mac", "end-mac", "macaddr"}),
    "wildcard-fqdn": frozenset({"wildcard-fqdn"}),
}
_TYPE_SPECIFIC = frozenset().union(*_ADDRESS_TYPE_ATTRIBUTES.values()) - {"interface"}

_SERVICE_PROTOCOL_ATTRIBUTES = frozenset(
    {"tcp-portrange", "udp-portrange", "sctp-portrange", "icmptype", "icmpcode", "protocol-number"}
)
_PROTOCOL_NUMBER = {"tcp": 6, "udp": 17, "sctp": 132}


@dataclass(slots=True)
class _Value:
    """The folded value of one attribute and the lines that built it."""

    words: list[str]
    lines: list[Line]


@dataclass(slots=True)
class _Object:
    """One table entry after all its `edit` occurrences: attributes and source lines."""

    name: str
    line: Line
    entries: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class _Table:
    """One FortiOS table (e.g. firewall address) in one VDOM; keeps listing order for policies."""

    path: str
    objects: dict[str, _Object] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Vdom:
    """All tables of one VDOM (or of the whole device when VDOMs are off)."""

    name: str | None
    tables: dict[str, _Table] = field(default_factory=dict)

    def table(self, path: str) -> _Table:
        found = self.tables.get(path)
        if found is None:
            found = self.tables[path] = _Table(path)
        return found


class _Report:
    """Collect unsupported lines for one file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Unsupported] = []

    def add(self, line: Line, reason: str) -> None:
        self.items.append(Unsupported(self.source, line.number, line.text.strip(), reason))


def parse(text: str, *, source: str) -> ParsedConfig:
    """Parse FortiOS configuration text; raise ConfigSyntaxError if no line of it is FortiOS syntax."""
    blocks, problems = read_tree(text)
    report = _Report(source)
    for problem in problems:
        report.add(problem.line, _problem_reason(problem))
    if not blocks and problems:
        raise ConfigSyntaxError("FortiOS の config ブロックが見つかりません", file=source)

    interfaces: dict[str, _Object] = {}
    vdoms: dict[str | None, _Vdom] = {}
    vdom_names: list[str] = []
    for block in blocks:
        if block.path == "vdom":
            for item in block.items:
                if isinstance(item, Entry):
                    if item.name not in vdom_names:
                        vdom_names.append(item.name)
                    _load_blocks(
                        item.blocks, vdoms.setdefault(item.name, _Vdom(item.name)), interfaces, report
                    )
                else:
                    report.add(item.line, "config vdom 内の未対応コマンド")
        elif block.path == "global":
            _load_blocks(block.blocks, vdoms.setdefault(None, _Vdom(None)), interfaces, report)
        else:
            _load_blocks([block], vdoms.setdefault(None, _Vdom(None)), interfaces, report)

    multi_vdom = len(vdom_names) > 1
    interface_vdom = {
        name: (_single(_fold(obj.entries, report), "vdom") or "root") for name, obj in interfaces.items()
    }
    policy_rules: list[Rule] = []
    local_rules: list[Rule] = []
    objects: list[NamedObject] = [
        NamedObject("interface", obj.name, obj.line.number) for obj in interfaces.values()
    ]
    for vdom in vdoms.values():
        zones = vdom.tables.get("system zone")
        known = frozenset(interfaces) | frozenset(zones.objects if zones else ())
        resolver = _Resolver(vdom, report, known if interfaces else frozenset())
        objects.extend(resolver.named_objects())
        vdom_interfaces = tuple(
            name for name, owner in interface_vdom.items() if vdom.name is None or owner == vdom.name
        )
        prefix = f"{vdom.name}/" if multi_vdom and vdom.name is not None else ""
        for path, version in (("firewall policy", None), ("firewall policy6", 6)):
            table = vdom.tables.get(path)
            if table is not None:
                policy_rules.extend(
                    _policy_rules(
                        table, resolver, report, prefix, version, vdom_interfaces if multi_vdom else ()
                    )
                )
        local = vdom.tables.get("firewall local-in-policy")
        if local is not None:
            local_rules.extend(_local_in_rules(local, resolver, report, prefix))
    if len(policy_rules) + len(local_rules) > MAX_RULES_PER_DEVICE:
        raise LimitExceededError(f"ルール数 {MAX_RULES_PER_DEVICE}", file=source)

    # FortiOS ends every policy list with the implicit deny (policy id 0).
    implicit_deny = DefaultAction(Action.DENY, "暗黙の拒否 (policy 0)", 0)
    chains = [Chain(POLICY_CHAIN, tuple(policy_rules), implicit_deny)]
    if local_rules:
        # Local-in policies guard the device itself, not forwarded traffic: kept, not attached.
        chains.append(
            Chain(LOCAL_IN_CHAIN, tuple(local_rules), DefaultAction(Action.PERMIT, "local-in 既定", 0))
        )
    zone_names = tuple(name for vdom in vdoms.values() for name in vdom.table("system zone").objects)
    return ParsedConfig(
        vendor=VENDOR,
        source=source,
        chains=tuple(chains),
        attachments=(Attachment(Stage.FORWARD, POLICY_CHAIN, None, 0),),
        interfaces=tuple(dict.fromkeys((*interfaces, *zone_names))),
        default=implicit_deny,
        unsupported=tuple(sorted(report.items, key=lambda item: item.line)),
        objects=tuple(objects),
    )


def _problem_reason(problem: Problem) -> str:
    return {
        "unknown command": "FortiOS の構文として解釈できない行です",
        "unterminated quote": "引用符が閉じていません",
        "config block without end": "config ブロックが end で閉じられていません",
        "end without config": "対応する config のない end です",
        "next without edit": "対応する edit のない next です",
        "edit outside config": "config ブロックの外の edit です",
    }.get(problem.reason, f"解釈できない行です（{problem.reason}）")


_TABLE_PATHS = frozenset(
    {
        "firewall address",
        "firewall address6",
        "firewall addrgrp",
        "firewall addrgrp6",
        "firewall service custom",
        "firewall service group",
        "firewall policy",
        "firewall policy6",
        "firewall local-in-policy",
        "system zone",
    }
)
_ORDERED_PATHS = frozenset({"firewall policy", "firewall policy6", "firewall local-in-policy"})
_CHECKED_PATHS = _TABLE_PATHS | {"system interface"}


def _load_blocks(
    blocks: Iterable[Block], vdom: _Vdom, interfaces: dict[str, _Object], report: _Report
) -> None:
    for block in blocks:
        if block.path in _UNMODELLED_BLOCKS:
            report.add(block.line, _UNMODELLED_BLOCKS[block.path])
            continue
        if block.path == "system interface":
            for item in block.items:
                if isinstance(item, Entry):
                    # Nested blocks (ipv6, secondaryip, vrrp) do not change filtering: not reported.
                    _check_attribute_names(item, report, nested=False)
                    interfaces.setdefault(item.name, _Object(item.name, item.line)).entries.append(item)
            continue
        if block.path not in _TABLE_PATHS:
            continue
        table = vdom.table(block.path)
        for item in block.items:
            if isinstance(item, Entry):
                _edit(table, item, report)
            else:
                _table_command(table, item, report)


def _check_attribute_names(entry: Entry, report: _Report, *, nested: bool = True) -> None:
    for command in entry.commands:
        if not _ATTRIBUTE_NAME.match(command.words[0]):
            report.add(command.line, f"FortiOS にない属性名です: {command.words[0][:40]}")
    if not nested:
        return
    for nested_block in entry.blocks:
        report.add(nested_block.line, f"入れ子の config {nested_block.path[:40]} は解釈しません")


def _edit(table: _Table, entry: Entry, report: _Report) -> None:
    _check_attribute_names(entry, report)
    name = entry.name
    if table.path in _ORDERED_PATHS and not _is_policy_id(name):
        reason = "ポリシーIDが範囲外です" if name.isdigit() else "ポリシーIDが数値ではありません"
        report.add(entry.line, reason)
        return
    if table.path not in _ORDERED_PATHS and len(name) > _MAX_NAME_LENGTH:
        report.add(entry.line, f"名前が {_MAX_NAME_LENGTH} 文字を超えています（機器では設定できません）")
    found = table.objects.get(name)
    if found is None:
        found = table.objects[name] = _Object(name, entry.line)
        table.order.append(name)
    found.entries.append(entry)


def _is_policy_id(text: str) -> bool:
    return text.isdigit() and int(text) <= _MAX_POLICY_ID


def _table_command(table: _Table, command: Command, report: _Report) -> None:
    words = command.words
    verb = command.verb
    if verb == "delete" and len(words) == 1:
        if words[0] in table.objects:
            del table.objects[words[0]]
            table.order.remove(words[0])
        else:
            report.add(command.line, "delete の対象が存在しません")
    elif verb == "move" and len(words) == 3 and words[1] in ("before", "after"):
        name, where, pivot = words
        if name not in table.objects or pivot not in table.objects or name == pivot:
            report.add(command.line, "move の対象が存在しません")
            return
        table.order.remove(name)
        index = table.order.index(pivot)
        table.order.insert(index if where == "before" else index + 1, name)
    elif verb == "clone" and len(words) == 3 and words[1] == "to":
        original, _, copy = words
        if original not in table.objects:
            report.add(command.line, "clone の元が存在しません")
        elif table.path in _ORDERED_PATHS and not _is_policy_id(copy):
            report.add(command.line, "clone 先のポリシーIDが数値ではありません")
        elif copy in table.objects:
            report.add(command.line, "clone 先がすでに存在します")
        else:
            source = table.objects[original]
            table.objects[copy] = _Object(copy, command.line, list(source.entries))
            table.order.append(copy)
    elif verb == "rename" and len(words) == 3 and words[1] == "to":
        old, _, new = words
        if old not in table.objects or new in table.objects:
            report.add(command.line, "rename の対象が不正です")
            return
        table.objects[new] = table.objects.pop(old)
        table.objects[new].name = new
        table.order[table.order.index(old)] = new
    elif verb == "purge" and not words:
        table.objects.clear()
        table.order.clear()
    else:
        report.add(command.line, f"{verb} コマンドを解釈できません")


def _fold(
    entries: Sequence[Entry], report: _Report | None, resets: dict[str, frozenset[str]] | None = None
) -> dict[str, _Value]:
    """Apply set/append/unset/select/unselect in order and return the final attribute values."""
    values: dict[str, _Value] = {}
    for entry in entries:
        for command in entry.commands:
            key = command.words[0]
            args = command.words[1:]
            verb = command.verb
            if verb in ("set", "select"):
                if not args:
                    if report is not None:
                        report.add(command.line, f"{key} に値がありません")
                    continue
                if resets is not None and key in resets:
                    for dropped in resets[key]:
                        values.pop(dropped, None)
                values[key] = _Value(list(args), [command.line])
            elif verb == "append":
                current = values.setdefault(key, _Value([], []))
                current.words.extend(args)
                current.lines.append(command.line)
            elif verb in ("unset", "clear"):
                values.pop(key, None)
                # An ICMP code only qualifies a type: unsetting the type drops the code too.
                if key == "icmptype":
                    values.pop("icmpcode", None)
            elif verb == "unselect" and key in values:
                values[key].words = [word for word in values[key].words if word not in args]
            if key in values and len(values[key].words) > MAX_SET_MEMBERS:
                raise LimitExceededError(f"属性 {key} の値の数 {MAX_SET_MEMBERS}")
    return values


def _single(values: dict[str, _Value], key: str) -> str | None:
    found = values.get(key)
    return found.words[0] if found and found.words else None


class _Resolver:
    """Resolve address, service and zone names of one VDOM into IR matches."""

    def __init__(self, vdom: _Vdom, report: _Report, interfaces: frozenset[str]) -> None:
        self.vdom = vdom
        self.report = report
        # Interface and zone names, to report undefined references; empty when the file has none.
        self.interfaces = interfaces
        self._addresses: dict[tuple[str, int], _Resolved] = {}
        self._services: dict[str, _ResolvedService] = {}
        self._checked: set[tuple[str, str]] = set()

    def named_objects(self) -> list[NamedObject]:
        kinds = {
            "firewall address": "address",
            "firewall address6": "address6",
            "firewall addrgrp": "addrgrp",
            "firewall addrgrp6": "addrgrp6",
            "firewall service custom": "service",
            "firewall service group": "service-group",
            "system zone": "zone",
        }
        found: list[NamedObject] = []
        for path, kind in kinds.items():
            table = self.vdom.tables.get(path)
            if table is None:
                continue
            for name in table.order:
                found.append(NamedObject(kind, name, table.objects[name].line.number))
                # Resolve every object once so per-object findings are reported even if unused.
                if kind in ("address", "addrgrp"):
                    self.address(name, 4, 0)
                elif kind in ("address6", "addrgrp6"):
                    self.address(name, 6, 0)
                elif kind in ("service", "service-group"):
                    self.service(name, 0)
        return found

    def zone_members(self, name: str) -> list[str] | None:
        zone = self.vdom.tables.get("system zone")
        if zone is None or name not in zone.objects:
            return None
        values = _fold(zone.objects[name].entries, None)
        found = values.get("interface")
        return list(found.words) if found else []

    def address(self, name: str, version: int, depth: int) -> _Resolved:
        key = (name, version)
        cached = self._addresses.get(key)
        if cached is not None:
            return cached
        if depth > _MAX_GROUP_DEPTH:
            return _Resolved(unknown=[name])
        # Mark in progress so a cycle resolves to unknown instead of recursing.
        self._addresses[key] = _Resolved(unknown=[name])
        result = self._address_uncached(name, version, depth)
        self._addresses[key] = result
        return result

    def _address_uncached(self, name: str, version: int, depth: int) -> _Resolved:
        suffix = "" if version == 4 else "6"
        table = self.vdom.tables.get(f"firewall address{suffix}")
        if table is not None and name in table.objects:
            return self._address_object(table.objects[name], version)
        groups = self.vdom.tables.get(f"firewall addrgrp{suffix}")
        if groups is not None and name in groups.objects:
            return self._address_group(groups.objects[name], version, depth)
        if version == 4 and name in PREDEFINED_ADDRESSES:
            first, last = PREDEFINED_ADDRESSES[name]
            return _Resolved(ranges=[AddressRange(first, last, 4)])
        if version == 6 and name == "all":
            return _Resolved(ranges=[AddressRange(0, IPV6_MAX, 6)])
        if version == 6 and name == "none":
            return _Resolved()
        return _Resolved(unknown=[name])

    def _address_object(self, obj: _Object, version: int) -> _Resolved:
        first_time = (obj.name, "a") not in self._checked
        values = _fold(obj.entries, self.report if first_time else None)
        self._checked.add((obj.name, "a"))
        if first_time and self.interfaces:
            self._check_interface_references(obj)
        if version == 6:
            return self._address6_object(obj, values)
        kind = _single(values, "type") or "ipmask"
        allowed = _ADDRESS_TYPE_ATTRIBUTES.get(kind)
        if allowed is None:
            return _Resolved(unknown=[obj.name])
        for key, value in values.items():
            if key in _TYPE_SPECIFIC and key not in allowed:
                for line in value.lines:
                    self.report.add(line, f"アドレス種別 {kind} では無効な属性 {key} です（無視します）")
        try:
            if kind == "ipmask":
                subnet = values.get("subnet")
                if subnet is None:
                    return _Resolved(ranges=[AddressRange(0, IPV4_MAX, 4)])
                return _Resolved(ranges=[_subnet_range(subnet.words)])
            if kind == "iprange":
                start = _single(values, "start-ip") or "0.0.0.0"  # noqa: S104 - FortiOS default value
                end = _single(values, "end-ip") or "0.0.0.0"  # noqa: S104 - FortiOS default value
                first, last = int(parse_ipv4(start)), int(parse_ipv4(end))
                if first > last:
                    raise TokenError("start-ip is after end-ip")
                return _Resolved(ranges=[AddressRange(first, last, 4)])
            if kind == "wildcard":
                value = values.get("wildcard")
                if value is None or len(value.words) != 2:
                    # An unset wildcard is 0.0.0.0 0.0.0.0 on the device: it matches every address.
                    return _Resolved(ranges=[AddressRange(0, IPV4_MAX, 4)])
                address, mask = int(parse_ipv4(value.words[0])), int(parse_ipv4(value.words[1]))
                # FortiOS wildcard masks mark the bits that must match; IR wildcards mark don't-care bits.
                return _Resolved(wildcards=[Wildcard(address & mask, (~mask) & IPV4_MAX)])
        except TokenError:
            line = values["type"].lines[0] if "type" in values else obj.line
            self.report.add(line, f"アドレス {obj.name[:40]} の値を解釈できません")
            return _Resolved(unknown=[obj.name])
        # fqdn, geography, dynamic, interface-subnet, mac: the addresses are not in the file.
        return _Resolved(unknown=[obj.name])

    def _check_interface_references(self, obj: _Object) -> None:
        for entry in obj.entries:
            for command in entry.commands:
                if command.verb == "set" and command.words[0] in ("associated-interface", "interface"):
                    for name in command.words[1:]:
                        if name not in self.interfaces:
                            self.report.add(
                                command.line, f"未定義のインターフェース {name[:40]} を参照しています"
                            )

    def _address6_object(self, obj: _Object, values: dict[str, _Value]) -> _Resolved:
        kind = _single(values, "type") or "ipprefix"
        try:
            if kind == "ipprefix":
                prefix = _single(values, "ip6") or "::/0"
                network = ipaddress.IPv6Network(prefix, strict=False)
                return _Resolved(ranges=[AddressRange(int(network[0]), int(network[-1]), 6)])
            if kind == "iprange":
                first = int(ipaddress.IPv6Address(_single(values, "start-ip") or "::"))
                last = int(ipaddress.IPv6Address(_single(values, "end-ip") or "::"))
                if first <= last:
                    return _Resolved(ranges=[AddressRange(first, last, 6)])
        except ValueError:
            self.report.add(obj.line, f"IPv6 アドレス {obj.name[:40]} の値を解釈できません")
        return _Resolved(unknown=[obj.name])

    def _address_group(self, obj: _Object, version: int, depth: int) -> _Resolved:
        values = _fold(obj.entries, None)
        members = _Resolved()
        for member in values.get("member", _Value([], [])).words:
            members = members.union(self.address(member, version, depth + 1))
        if _single(values, "exclude") != "enable":
            return members
        excluded = _Resolved()
        for member in values.get("exclude-member", _Value([], [])).words:
            excluded = excluded.union(self.address(member, version, depth + 1))
        return members.minus(excluded, obj.name)

    def service(self, name: str, depth: int) -> _ResolvedService:
        cached = self._services.get(name)
        if cached is not None:
            return cached
        if depth > _MAX_GROUP_DEPTH:
            return _ResolvedService(unknown=[name])
        self._services[name] = _ResolvedService(unknown=[name])
        result = self._service_uncached(name, depth)
        self._services[name] = result
        return result

    def _service_uncached(self, name: str, depth: int) -> _ResolvedService:
        custom = self.vdom.tables.get("firewall service custom")
        if custom is not None and name in custom.objects:
            return self._custom_service(custom.objects[name])
        groups = self.vdom.tables.get("firewall service group")
        if groups is not None and name in groups.objects:
            result = _ResolvedService()
            for member in _fold(groups.objects[name].entries, None).get("member", _Value([], [])).words:
                result = result.union(self.service(member, depth + 1))
            return result
        if name in PREDEFINED_IP:
            number = PREDEFINED_IP[name]
            return _ResolvedService(services=[Service(protocol=number or None)])
        if name in PREDEFINED_ICMP:
            return _ResolvedService(services=[Service(protocol=1, icmp_type=PREDEFINED_ICMP[name])])
        if name in PREDEFINED_SERVICES:
            return _ResolvedService(
                services=[
                    Service(
                        protocol=protocol,
                        src_ports=_ports(src),
                        dst_ports=_ports(dst),
                    )
                    for protocol, dst, src in PREDEFINED_SERVICES[name]
                ]
            )
        return _ResolvedService(unknown=[name])

    def _custom_service(self, obj: _Object) -> _ResolvedService:
        resets = {"protocol": _SERVICE_PROTOCOL_ATTRIBUTES}
        values = _fold(obj.entries, None, resets)
        protocol = (_single(values, "protocol") or "TCP/UDP/SCTP").upper()
        unknown: list[str] = []
        for restricting in ("iprange", "fqdn", "app-service-type"):
            if restricting in values and _single(values, restricting) not in ("0.0.0.0", "disable", None):  # noqa: S104
                # A destination restricted inside the service is not modelled: the service is unknown.
                unknown.append(obj.name)
        try:
            if protocol == "TCP/UDP/SCTP":
                services: list[Service] = []
                for key, number in (("tcp-portrange", 6), ("udp-portrange", 17), ("sctp-portrange", 132)):
                    value = values.get(key)
                    if value is not None:
                        services.extend(_portrange_services(number, value.words))
                if not services:
                    # FortiOS refuses such a service; name it so a permit using it stays visible.
                    return _ResolvedService(unknown=[obj.name])
                return _ResolvedService(services=services, unknown=unknown)
            if protocol in ("ICMP", "ICMP6"):
                number = 1 if protocol == "ICMP" else 58
                icmp_type = _optional_int(_single(values, "icmptype"), 255)
                icmp_code = _optional_int(_single(values, "icmpcode"), 255) if icmp_type is not None else None
                return _ResolvedService(
                    services=[Service(protocol=number, icmp_type=icmp_type, icmp_code=icmp_code)],
                    unknown=unknown,
                )
            if protocol == "IP":
                number_text = _single(values, "protocol-number")
                number = _optional_int(number_text, 255) or 0
                return _ResolvedService(services=[Service(protocol=number or None)], unknown=unknown)
        except TokenError as error:
            for value in values.values():
                for line in value.lines:
                    self.report.add(line, f"サービス {obj.name[:40]} の値を解釈できません（{error}）")
                    break
                break
            return _ResolvedService(unknown=[obj.name])
        return _ResolvedService(unknown=[obj.name])


@dataclass(slots=True)
class _Resolved:
    """Addresses an object stands for, as exactly as the IR allows, plus names not understood."""

    ranges: list[AddressRange] = field(default_factory=list)
    wildcards: list[Wildcard] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    # Names whose meaning is only a superset (excludes that could not be applied exactly).
    inexact: list[str] = field(default_factory=list)

    def union(self, other: _Resolved) -> _Resolved:
        return _Resolved(
            self.ranges + other.ranges,
            self.wildcards + other.wildcards,
            _merge(self.unknown, other.unknown),
            _merge(self.inexact, other.inexact),
        )

    def minus(self, other: _Resolved, group: str) -> _Resolved:
        """Subtract ``other``; when that is not exact, keep the superset and name the group."""
        if other.wildcards or other.unknown or self.wildcards:
            return _Resolved(self.ranges, self.wildcards, self.unknown, _merge(self.inexact, [group]))
        remaining = list(self.ranges)
        for cut in other.ranges:
            remaining = [piece for part in remaining for piece in _subtract(part, cut)]
        return _Resolved(remaining, [], list(self.unknown), list(self.inexact))


@dataclass(slots=True)
class _ResolvedService:
    services: list[Service] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def union(self, other: _ResolvedService) -> _ResolvedService:
        return _ResolvedService(self.services + other.services, _merge(self.unknown, other.unknown))


def _merge(first: list[str], second: list[str]) -> list[str]:
    return list(dict.fromkeys([*first, *second]))


def _subtract(part: AddressRange, cut: AddressRange) -> list[AddressRange]:
    if cut.version != part.version or cut.last < part.first or cut.first > part.last:
        return [part]
    pieces = []
    if part.first < cut.first:
        pieces.append(AddressRange(part.first, cut.first - 1, part.version))
    if cut.last < part.last:
        pieces.append(AddressRange(cut.last + 1, part.last, part.version))
    return pieces


def _subnet_range(words: Sequence[str]) -> AddressRange:
    if len(words) == 1 and "/" in words[0]:
        address_text, _, length_text = words[0].partition("/")
        if not length_text.isdigit() or int(length_text) > 32:
            raise TokenError("bad prefix length")
        prefix = int(length_text)
    elif len(words) == 2:
        address_text = words[0]
        prefix = mask_to_prefix(words[1])
    else:
        raise TokenError("subnet needs an address and a mask")
    address = int(parse_ipv4(address_text))
    size = 1 << (32 - prefix)
    first = address & ~(size - 1) & IPV4_MAX
    return AddressRange(first, first + size - 1, 4)


def _optional_int(text: str | None, maximum: int) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or int(text) > maximum:
        raise TokenError(f"not a number 0-{maximum}: {text[:20]!r}")
    return int(text)


def _ports(ranges: Iterable[tuple[int, int]]) -> tuple[PortRange, ...]:
    result = tuple(PortRange(low, high) for low, high in ranges)
    return () if result == (PortRange(0, 65535),) else result


def _port_range(text: str) -> tuple[int, int]:
    low_text, _, high_text = text.partition("-")
    if not low_text.isdigit() or (high_text and not high_text.isdigit()):
        raise TokenError(f"bad port range: {text[:20]!r}")
    low = int(low_text)
    high = int(high_text) if high_text else low
    if high > 65535 or low > high:
        raise TokenError(f"bad port range: {text[:20]!r}")
    return low, high


def _portrange_services(protocol: int, words: Sequence[str]) -> list[Service]:
    """Read ``dst[-high][:src[-high]]`` items (FortiOS: the part after the colon is the source range)."""
    services = []
    for word in words:
        destination, _, source = word.partition(":")
        dst = _port_range(destination)
        src = _port_range(source) if source else (0, 65535)
        services.append(Service(protocol=protocol, src_ports=_ports([src]), dst_ports=_ports([dst])))
    return services


def _policy_rules(
    table: _Table,
    resolver: _Resolver,
    report: _Report,
    prefix: str,
    version: int | None,
    vdom_interfaces: tuple[str, ...],
) -> list[Rule]:
    rules = []
    for policy_id in table.order:
        obj = table.objects[policy_id]
        values = _fold(obj.entries, report)
        missing = [
            key for key in ("srcintf", "dstintf", "srcaddr", "dstaddr", "service") if key not in values
        ]
        if version is None and "srcaddr" not in values and "srcaddr6" in values:
            missing = [key for key in missing if key not in ("srcaddr", "dstaddr")]
        if missing:
            report.add(
                obj.line, f"ポリシー {policy_id} に必須属性 {', '.join(missing)} がなく、機器では成立しません"
            )
            continue
        rules.append(_policy_rule(obj, values, resolver, report, prefix, version, vdom_interfaces))
    return rules


def _policy_rule(
    obj: _Object,
    values: dict[str, _Value],
    resolver: _Resolver,
    report: _Report,
    prefix: str,
    version: int | None,
    vdom_interfaces: tuple[str, ...],
) -> Rule:
    action_text = _single(values, "action") or "deny"
    unknown: list[str] = []
    if action_text == "accept":
        action = Action.PERMIT
    elif action_text == "ipsec":
        # Traffic matching an ipsec policy is forwarded into the tunnel: it is allowed.
        action = Action.PERMIT
        report.add(values["action"].lines[-1], "action ipsec（VPNトンネル）は許可として扱います")
    elif action_text == "deny":
        action = Action.DENY
    else:
        report.add(values["action"].lines[-1], f"不明な action {action_text[:20]}（許可として扱います）")
        action = Action.PERMIT
        unknown.append(f"action {action_text[:20]}")
    is_permit = action is Action.PERMIT
    for key in ("poolname", "poolname6"):
        if key in values and _single(values, "nat") == "enable":
            report.add(values[key].lines[-1], "IPプール（送信元NAT）は検証対象外です")
    schedule = _single(values, "schedule")
    if schedule is not None and schedule != "always":
        unknown.append(f"schedule {schedule}")
    for key in _IDENTITY_ATTRIBUTES:
        if key in values:
            unknown.append(f"{key} {' '.join(values[key].words)[:60]}")
    for key, value in values.items():
        if _ATTRIBUTE_NAME.match(key) and key not in _HARMLESS_POLICY_ATTRIBUTES:
            report.add(value.lines[-1], f"ポリシー属性 {key} は解釈しません")

    source = _address_match(values, "srcaddr", resolver, version, is_permit)
    destination = _address_match(values, "dstaddr", resolver, version, is_permit)
    if _single(values, "internet-service") == "enable":
        names = values.get("internet-service-name", values.get("internet-service-id", _Value([], []))).words
        destination = AddressMatch(
            unknown=tuple(f"internet-service {name}" for name in names) or ("internet-service",)
        )
    if _single(values, "internet-service-src") == "enable":
        names = values.get(
            "internet-service-src-name", values.get("internet-service-src-id", _Value([], []))
        ).words
        source = AddressMatch(
            unknown=tuple(f"internet-service {name}" for name in names) or ("internet-service",)
        )
    service_names = values["service"].words
    resolved_service = _ResolvedService()
    for name in service_names:
        resolved_service = resolved_service.union(resolver.service(name, 0))
    service = ServiceMatch(
        services=tuple(resolved_service.services),
        negate=_single(values, "service-negate") == "enable",
        unknown=tuple(resolved_service.unknown),
    )
    # The text starts with the `edit` (or `clone`) line so `line` points at its first line.
    text = "\n".join(
        [obj.line.text.strip()]
        + [command.line.text.strip() for entry in obj.entries for command in entry.commands]
    )
    return Rule(
        rule_id=f"{prefix}{obj.name}",
        line=obj.line.number,
        text=text,
        action=action,
        source=source,
        destination=destination,
        service=service,
        in_interface=_interface_match(values["srcintf"], resolver, report, is_permit, vdom_interfaces),
        out_interface=_interface_match(values["dstintf"], resolver, report, is_permit, vdom_interfaces),
        enabled=_single(values, "status") != "disable",
        ip_version=version,
        unknown=tuple(unknown),
    )


def _address_match(
    values: dict[str, _Value], key: str, resolver: _Resolver, version: int | None, is_permit: bool
) -> AddressMatch:
    resolved = _Resolved()
    keys = [(key, 6)] if version == 6 else [(key, 4), (f"{key}6", 6)]
    for attribute, family in keys:
        for name in values.get(attribute, _Value([], [])).words:
            resolved = resolved.union(resolver.address(name, family, 0))
    unknown = list(resolved.unknown)
    if resolved.inexact:
        if is_permit:
            unknown.extend(resolved.inexact)
        else:
            # In a deny an inexact exclude could deny less than stated: keep only what is certain.
            return AddressMatch(
                negate=_single(values, f"{key}-negate") == "enable",
                unknown=tuple(_merge(unknown, resolved.inexact)),
            )
    return AddressMatch(
        ranges=tuple(resolved.ranges),
        wildcards=tuple(resolved.wildcards),
        negate=_single(values, f"{key}-negate") == "enable",
        unknown=tuple(_merge(unknown, [])),
    )


def _interface_match(
    value: _Value, resolver: _Resolver, report: _Report, is_permit: bool, vdom_interfaces: tuple[str, ...]
) -> InterfaceMatch | None:
    names = value.words
    if "any" in names:
        others = [name for name in names if name != "any"]
        if not others or is_permit:
            if others:
                report.add(value.lines[-1], "any と他のインターフェースの混在（許可では any として扱います）")
            return InterfaceMatch(vdom_interfaces) if vdom_interfaces else None
        report.add(value.lines[-1], "any と他のインターフェースの混在（拒否では any を除いて扱います）")
        names = others
    expanded: list[str] = []
    for name in names:
        members = resolver.zone_members(name)
        expanded.extend(members if members is not None else [name])
        if members is not None:
            expanded.append(name)
    return InterfaceMatch(tuple(dict.fromkeys(expanded)))


def _local_in_rules(table: _Table, resolver: _Resolver, report: _Report, prefix: str) -> list[Rule]:
    rules = []
    for policy_id in table.order:
        obj = table.objects[policy_id]
        values = _fold(obj.entries, report)
        action = Action.PERMIT if _single(values, "action") == "accept" else Action.DENY
        is_permit = action is Action.PERMIT
        service = _ResolvedService()
        for name in values.get("service", _Value(["ALL"], [])).words:
            service = service.union(resolver.service(name, 0))
        intf = values.get("intf")
        rules.append(
            Rule(
                rule_id=f"{prefix}local-in {obj.name}",
                line=obj.line.number,
                text=obj.line.text.strip(),
                action=action,
                source=_address_match(values, "srcaddr", resolver, None, is_permit),
                destination=_address_match(values, "dstaddr", resolver, None, is_permit),
                service=ServiceMatch(services=tuple(service.services), unknown=tuple(service.unknown)),
                in_interface=_interface_match(intf, resolver, report, is_permit, ()) if intf else None,
                enabled=_single(values, "status") != "disable",
            )
        )
    return rules
