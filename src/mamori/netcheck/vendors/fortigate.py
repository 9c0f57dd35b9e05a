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

from collections.abc import Iterable

from mamori.netcheck.errors import ConfigSyntaxError, LimitExceededError
from mamori.netcheck.ir import (
    Action,
    AddressMatch,
    Attachment,
    Chain,
    DefaultAction,
    InterfaceMatch,
    NamedObject,
    ParsedConfig,
    Rule,
    ServiceMatch,
    Stage,
)
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE
from mamori.netcheck.vendors._fortios_objects import (
    SDWAN_MEMBERS,
    AddressSet,
    ObjectResolver,
    ServiceSet,
    merge_names,
)
from mamori.netcheck.vendors._fortios_tables import Report, Table, TableEntry, Value, Vdom, fold, single
from mamori.netcheck.vendors._fortios_tree import Block, Command, Entry, Problem, read_tree

__all__ = ["VENDOR", "parse"]

VENDOR = "fortigate"
POLICY_CHAIN = "firewall policy"
LOCAL_IN_CHAIN = "firewall local-in-policy"

# FortiOS attribute names are words joined by hyphens (a few carry capitals, e.g. secondary-IP);
# underscores or other punctuation mean the line is not FortiOS syntax (see _is_attribute_name).
# FortiOS limits most table keys (address, addrgrp, service, zone) to 79 characters.
_MAX_NAME_LENGTH = 79
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
        "nat46",
        "nat64",
        "policy-expiry",
        "policy-expiry-date",
        "delay-tcp-npu-session",
        "auth-path",
        "auth-cert",
        "auth-redirect-addr",
        "redirect-url",
        "fsso-agent-for-ntlm",
        "radius-mac-auth-bypass",
        "http-policy-redirect",
        "ssh-policy-redirect",
        "webproxy-profile",
        "webproxy-forward-server",
        "cgn-log-server-grp",
        "cgn-eif",
        "cgn-eim",
        "cgn-session-quota",
        "cgn-resource-quota",
        "pcp-outbound",
        "pcp-inbound",
        "pcp-poolname",
        "reputation-direction",
        "reputation-direction6",
        "dstaddr6-negate",
        "srcaddr6-negate",
        "service-negate6",
        "captive-portal-exempt",
        "dsri",
        "custom-log-fields",
        "uuid-idx",
    }
)

# Policy attributes left out of a rule's text: they do not decide which packets match.
_TEXT_OMITTED = frozenset({"uuid", "comments", "comment", "logtraffic", "logtraffic-start", "global-label"})

# Policy attributes that restrict matching by something this parser cannot see: named as unknown.
_IDENTITY_ATTRIBUTES = ("users", "groups", "fsso-groups", "src-vendor-mac", "devices")


def parse(text: str, *, source: str) -> ParsedConfig:
    """Parse FortiOS configuration text; raise ConfigSyntaxError if no line of it is FortiOS syntax."""
    blocks, problems = read_tree(text)
    report = Report(source)
    for problem in problems:
        report.add(problem.line, _problem_reason(problem))
    if not blocks and problems:
        raise ConfigSyntaxError("FortiOS の config ブロックが見つかりません", file=source)

    interfaces: dict[str, TableEntry] = {}
    vdoms: dict[str | None, Vdom] = {}
    vdom_names: list[str] = []
    for block in blocks:
        if block.path == "vdom":
            for item in block.items:
                if isinstance(item, Entry):
                    if item.name not in vdom_names:
                        vdom_names.append(item.name)
                    _load_blocks(
                        item.blocks, vdoms.setdefault(item.name, Vdom(item.name)), interfaces, report
                    )
                else:
                    report.add(item.line, "config vdom 内の未対応コマンド")
        elif block.path == "global":
            _load_blocks(block.blocks, vdoms.setdefault(None, Vdom(None)), interfaces, report)
        else:
            _load_blocks([block], vdoms.setdefault(None, Vdom(None)), interfaces, report)

    multi_vdom = len(vdom_names) > 1
    interface_vdom = {
        name: (single(fold(obj.entries, report), "vdom") or "root") for name, obj in interfaces.items()
    }
    policy_rules: list[Rule] = []
    local_rules: list[Rule] = []
    objects: list[NamedObject] = [
        NamedObject("interface", obj.name, obj.line.number) for obj in interfaces.values()
    ]
    for vdom in vdoms.values():
        zones = vdom.tables.get("system zone")
        known = frozenset(interfaces) | frozenset(zones.objects if zones else ())
        resolver = ObjectResolver(vdom, report, known if interfaces else frozenset())
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
                        table, resolver, report, prefix, version, vdom_interfaces if multi_vdom else None
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
        "引用符が閉じていません": "引用符が閉じていません",
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


def _load_blocks(
    blocks: Iterable[Block], vdom: Vdom, interfaces: dict[str, TableEntry], report: Report
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
                    interfaces.setdefault(item.name, TableEntry(item.name, item.line)).entries.append(item)
            continue
        if block.path in ("system sdwan", "system virtual-wan-link"):
            # SD-WAN members form zones ("virtual-wan-link" by default) that policies name as
            # interfaces (FortiOS Administration Guide, "SD-WAN members and zones").
            members = vdom.table(SDWAN_MEMBERS)
            for nested in block.blocks:
                if nested.path == "members":
                    for item in nested.items:
                        if isinstance(item, Entry):
                            members.objects.setdefault(
                                item.name, TableEntry(item.name, item.line)
                            ).entries.append(item)
            continue
        if block.path not in _TABLE_PATHS:
            continue
        table = vdom.table(block.path)
        for item in block.items:
            if isinstance(item, Entry):
                _edit(table, item, report)
            else:
                _table_command(table, item, report)


def _is_attribute_name(word: str) -> bool:
    return word.isascii() and word[:1] != "-" and word.replace("-", "").isalnum()


def _check_attribute_names(entry: Entry, report: Report, *, nested: bool = True) -> None:
    for command in entry.commands:
        if not _is_attribute_name(command.words[0]):
            report.add(command.line, f"FortiOS にない属性名です: {command.words[0][:40]}")
    if not nested:
        return
    for nested_block in entry.blocks:
        report.add(nested_block.line, f"入れ子の config {nested_block.path[:40]} は解釈しません")


def _edit(table: Table, entry: Entry, report: Report) -> None:
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
        found = table.objects[name] = TableEntry(name, entry.line)
        table.order.append(name)
    found.entries.append(entry)


def _is_policy_id(text: str) -> bool:
    return text.isdigit() and int(text) <= _MAX_POLICY_ID


def _table_command(table: Table, command: Command, report: Report) -> None:
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
            table.objects[copy] = TableEntry(copy, command.line, list(source.entries))
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


def _policy_rules(
    table: Table,
    resolver: ObjectResolver,
    report: Report,
    prefix: str,
    version: int | None,
    vdom_interfaces: tuple[str, ...] | None,
) -> list[Rule]:
    rules = []
    for policy_id in table.order:
        obj = table.objects[policy_id]
        values = fold(obj.entries, report)
        missing = [
            key for key in ("srcintf", "dstintf", "srcaddr", "dstaddr", "service") if key not in values
        ]
        if version is None and "srcaddr" not in values and "srcaddr6" in values:
            missing = [key for key in missing if key not in ("srcaddr", "dstaddr")]
        # Internet-service (ISDB) policies name the destination and service by the ISDB entry.
        if single(values, "internet-service") == "enable":
            missing = [key for key in missing if key not in ("dstaddr", "service")]
        if single(values, "internet-service-src") == "enable":
            missing = [key for key in missing if key != "srcaddr"]
        if missing:
            report.add(
                obj.line, f"ポリシー {policy_id} に必須属性 {', '.join(missing)} がなく、機器では成立しません"
            )
            continue
        rules.append(_policy_rule(obj, values, resolver, report, prefix, version, vdom_interfaces))
    return rules


def _policy_rule(
    obj: TableEntry,
    values: dict[str, Value],
    resolver: ObjectResolver,
    report: Report,
    prefix: str,
    version: int | None,
    vdom_interfaces: tuple[str, ...] | None,
) -> Rule:
    action_text = single(values, "action") or "deny"
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
        if key in values and single(values, "nat") == "enable":
            report.add(values[key].lines[-1], "IPプール（送信元NAT）は検証対象外です")
    schedule = single(values, "schedule")
    if schedule is not None and schedule != "always":
        unknown.append(f"schedule {schedule}")
    for key in _IDENTITY_ATTRIBUTES:
        if key in values:
            unknown.append(f"{key} {' '.join(values[key].words)[:60]}")
    if single(values, "policy-expiry") == "enable":
        unknown.append(f"policy-expiry {single(values, 'policy-expiry-date') or ''}".strip())
    for key, value in values.items():
        if _is_attribute_name(key) and key not in _HARMLESS_POLICY_ATTRIBUTES:
            # An attribute not understood may narrow the match: a deny using it then removes nothing.
            report.add(value.lines[-1], f"ポリシー属性 {key} は解釈しません（一致条件として不明扱い）")
            unknown.append(key)

    source = _address_match(values, "srcaddr", resolver, version, is_permit)
    destination = _address_match(values, "dstaddr", resolver, version, is_permit)
    if single(values, "internet-service") == "enable":
        names = values.get("internet-service-name", values.get("internet-service-id", Value([], []))).words
        destination = AddressMatch(
            unknown=tuple(f"internet-service {name}" for name in names) or ("internet-service",)
        )
    if single(values, "internet-service-src") == "enable":
        names = values.get(
            "internet-service-src-name", values.get("internet-service-src-id", Value([], []))
        ).words
        source = AddressMatch(
            unknown=tuple(f"internet-service {name}" for name in names) or ("internet-service",)
        )
    service_names = values["service"].words if "service" in values else []
    resolved_service = ServiceSet() if service_names else ServiceSet(unknown=["internet-service"])
    for name in service_names:
        resolved_service = resolved_service.union(resolver.service(name, 0))
    service = ServiceMatch(
        services=tuple(resolved_service.services),
        negate=single(values, "service-negate") == "enable",
        unknown=tuple(resolved_service.unknown),
    )
    # The text starts with the `edit` (or `clone`) line so `line` points at its first line, then
    # the commands that decide matching (names, comments and logging would only bury them).
    text = "\n".join(
        [obj.line.text.strip()]
        + [
            command.line.text.strip()
            for entry in obj.entries
            for command in entry.commands
            if command.words[0] not in _TEXT_OMITTED
        ]
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
        enabled=single(values, "status") != "disable",
        ip_version=version,
        unknown=tuple(unknown),
    )


def _address_match(
    values: dict[str, Value], key: str, resolver: ObjectResolver, version: int | None, is_permit: bool
) -> AddressMatch:
    resolved = AddressSet()
    keys = [(key, 6)] if version == 6 else [(key, 4), (f"{key}6", 6)]
    for attribute, family in keys:
        for name in values.get(attribute, Value([], [])).words:
            resolved = resolved.union(resolver.address(name, family, 0))
    unknown = list(resolved.unknown)
    if resolved.inexact:
        if is_permit:
            unknown.extend(resolved.inexact)
        else:
            # In a deny an inexact exclude could deny less than stated: keep only what is certain.
            return AddressMatch(
                negate=single(values, f"{key}-negate") == "enable",
                unknown=tuple(merge_names(unknown, resolved.inexact)),
            )
    return AddressMatch(
        ranges=tuple(resolved.ranges),
        wildcards=tuple(resolved.wildcards),
        negate=single(values, f"{key}-negate") == "enable",
        unknown=tuple(merge_names(unknown, [])),
    )


def _interface_match(
    value: Value,
    resolver: ObjectResolver,
    report: Report,
    is_permit: bool,
    vdom_interfaces: tuple[str, ...] | None,
) -> InterfaceMatch | None:
    names = value.words
    if "any" in names:
        others = [name for name in names if name != "any"]
        if not others or is_permit:
            if others:
                report.add(value.lines[-1], "any と他のインターフェースの混在（許可では any として扱います）")
            # With several VDOMs, "any" means the VDOM's own interfaces (possibly none).
            return InterfaceMatch(vdom_interfaces) if vdom_interfaces is not None else None
        report.add(value.lines[-1], "any と他のインターフェースの混在（拒否では any を除いて扱います）")
        names = others
    expanded: list[str] = []
    for name in names:
        members = resolver.zone_members(name)
        expanded.extend(members if members is not None else [name])
        if members is not None:
            expanded.append(name)
    return InterfaceMatch(tuple(dict.fromkeys(expanded)))


def _local_in_rules(table: Table, resolver: ObjectResolver, report: Report, prefix: str) -> list[Rule]:
    rules = []
    for policy_id in table.order:
        obj = table.objects[policy_id]
        values = fold(obj.entries, report)
        action = Action.PERMIT if single(values, "action") == "accept" else Action.DENY
        is_permit = action is Action.PERMIT
        service = ServiceSet()
        for name in values.get("service", Value(["ALL"], [])).words:
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
                in_interface=_interface_match(intf, resolver, report, is_permit, None) if intf else None,
                enabled=single(values, "status") != "disable",
            )
        )
    return rules
