"""Verify devices against the zone model: every forbidden flow a device lets through, with a witness.

Per device, the forbidden region (every zone pair the built-in rules forbid, minus unexpired allowed
flows, restricted to connection-opening packets and to the interfaces the model maps) is pushed through
the device's stages with first-match semantics, twice: once reading unknown objects pessimistically
(every possible leak) and once optimistically (what leaks for sure). Rules that cannot touch the region
are skipped by an interval test before any BDD is built.
"""

from __future__ import annotations

import bisect
import datetime as dt
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from mamori.netcheck._compile import (
    InterfaceIndex,
    Reading,
    RuleCompiler,
    address_hull,
    build_interface_index,
    has_unknown,
    union,
    unknown_names,
)
from mamori.netcheck.errors import ConfigReadError, LimitExceededError
from mamori.netcheck.findings import (
    Certainty,
    ExpiredFlow,
    Report,
    UnsupportedLine,
    Violation,
    Warning,
    Witness,
)
from mamori.netcheck.headerset import Backend, Field, HeaderSet, HeaderSpace, Packet
from mamori.netcheck.ir import Action, Chain, DefaultAction, ParsedConfig, Rule, Stage
from mamori.netcheck.limits import MAX_CHAIN_DEPTH, MAX_RULES_PER_DEVICE
from mamori.netcheck.model import SANITIZING_ROLES, AllowedFlow, Device, FlowService, Model, ZoneKind
from mamori.netcheck.vendors import decode_config, parse_config
from mamori.netcheck.zones import AddressPlan, build_address_plan

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "forbidden_pairs",
    "load_configs",
    "read_config_texts",
    "today_in_japan",
    "verify",
]

# Exceptions expiring within this many days are listed as "soon expiring" in text and HTML reports.
EXPIRY_NOTICE_DAYS = 30

JST = ZoneInfo("Asia/Tokyo")

# Preferred witness services: the ones an auditor recognises at a glance.
PREFERRED_SERVICES: tuple[tuple[int, int | None], ...] = (
    (6, 443),
    (6, 80),
    (6, 25),
    (6, 22),
    (6, 3389),
    (6, 445),
    (17, 53),
    (6, 21),
    (6, 23),
    (6, 139),
    (6, 1433),
    (17, 123),
    (6, None),
    (17, None),
    (1, 8 * 256),
    (1, None),
)
PROTOCOL_NAMES = {
    1: "icmp",
    6: "tcp",
    17: "udp",
    47: "gre",
    50: "esp",
    51: "ah",
    58: "icmpv6",
    89: "ospf",
    132: "sctp",
}


def today_in_japan() -> dt.date:
    """Return today's date in Japan (the municipality's calendar)."""
    return dt.datetime.now(tz=JST).date()


def forbidden_pairs(model: Model) -> list[tuple[str, str]]:
    """Return the (from_zone, to_zone) pairs the built-in rules forbid."""
    pairs: list[tuple[str, str]] = []
    for a in model.zones:
        for b in model.zones:
            if a.id == b.id:
                continue
            kinds = {a.kind, b.kind}
            if (
                ZoneKind.MYNUMBER in kinds
                or ZoneKind.ISOLATED in kinds
                or kinds == {ZoneKind.LGWAN, ZoneKind.INTERNET}
            ):
                pairs.append((a.id, b.id))
    return pairs


def read_config_texts(model: Model) -> dict[str, str]:
    """Read and decode every device config named in the model, relative to its folder."""
    texts: dict[str, str] = {}
    base = model.base_dir or Path.cwd()
    for device in model.devices:
        try:
            data = (base / device.config).read_bytes()
        except OSError as exc:
            raise ConfigReadError(
                f"機器「{device.id}」の設定ファイル {device.config} を開けません（{exc.strerror}）",
                file=model.source,
                line=device.line,
            ) from None
        texts[device.id] = decode_config(data, source=device.config)
    return texts


def load_configs(model: Model) -> dict[str, ParsedConfig]:
    """Read and parse every device config named in the model."""
    texts = read_config_texts(model)
    return {d.id: parse_config(texts[d.id], vendor=d.vendor, source=d.config) for d in model.devices}


def _model_flow_violates(model: Model, flow: AllowedFlow) -> bool:
    from_zone = model.zone(model.endpoint_zone(flow.source))
    to_zone = model.zone(model.endpoint_zone(flow.destination))
    if from_zone.kind is not ZoneKind.INTERNET or to_zone.kind is not ZoneKind.LGWAN:
        return False
    if flow.source.kind != "system":
        return True
    system = model.system(flow.source.ref)
    return system is None or system.role not in SANITIZING_ROLES


@dataclass
class _Record:
    priority: int
    ref: Rule | DefaultAction
    chain: str
    hits: HeaderSet


class _Context:
    """Shared state of one verification run: the BDD space, zone sets and witness preferences."""

    def __init__(self, model: Model, plan: AddressPlan, space: HeaderSpace, as_of: dt.date) -> None:
        self.model = model
        self.plan = plan
        self.space = space
        self.as_of = as_of
        self.zone_intervals: dict[str, tuple[list[int], list[int]]] = {}
        self.zone_sets: dict[str, tuple[HeaderSet, HeaderSet]] = {}
        for zone in model.zones:
            intervals = list(plan.intervals(zone.id))
            self.zone_intervals[zone.id] = ([s for s, _ in intervals], [e for _, e in intervals])
            src = union(space, (space.range(Field.SRC_IP, s, e) for s, e in intervals))
            dst = union(space, (space.range(Field.DST_IP, s, e) for s, e in intervals))
            self.zone_sets[zone.id] = (src, dst)
        self.allowed = space.nothing
        for flow in model.allowed_flows:
            if flow.is_expired(as_of) or _model_flow_violates(model, flow):
                continue
            self.allowed = self.allowed | self.flow_set(flow)
        self.pairs = forbidden_pairs(model)
        self.pair_sets: dict[tuple[str, str], HeaderSet] = {}
        for a, b in self.pairs:
            self.pair_sets[(a, b)] = (
                self.zone_sets[a][0] & self.zone_sets[b][1] & space.universe
            ) - self.allowed

    def endpoint_set(self, field: Field, flow_end: object) -> HeaderSet:
        from mamori.netcheck.model import Endpoint

        assert isinstance(flow_end, Endpoint)
        intervals = self.plan.endpoint_intervals(flow_end)
        return union(self.space, (self.space.range(field, s, e) for s, e in intervals))

    def service_set(self, services: Sequence[FlowService]) -> HeaderSet:
        space = self.space
        result = space.nothing
        for service in services:
            if service.protocol is None:
                return space.universe
            item = space.equals(Field.PROTOCOL, service.protocol)
            if service.first_port is not None and service.last_port is not None:
                item = item & space.range(Field.DST_PORT, service.first_port, service.last_port)
            result = result | item
        return result & space.universe

    def flow_set(self, flow: AllowedFlow) -> HeaderSet:
        return (
            self.endpoint_set(Field.SRC_IP, flow.source)
            & self.endpoint_set(Field.DST_IP, flow.destination)
            & self.service_set(flow.services)
        )

    def touches(self, zone_id: str, hull: Sequence[tuple[int, int]]) -> bool:
        starts, ends = self.zone_intervals[zone_id]
        for lo, hi in hull:
            index = bisect.bisect_right(starts, hi) - 1
            if index >= 0 and ends[index] >= lo:
                return True
        return False

    def witness(
        self, packets: HeaderSet, from_zone: str, to_zone: str, interfaces: InterfaceIndex | None
    ) -> Witness | None:
        """Pick a readable packet: common services, declared systems' addresses, host addresses."""
        space = self.space
        chosen = packets
        for protocol, port in PREFERRED_SERVICES:
            candidate = chosen & space.equals(Field.PROTOCOL, protocol)
            if port is not None:
                candidate = candidate & space.equals(Field.DST_PORT, port)
            if not candidate.is_empty():
                chosen = candidate
                break
        for field, zone_id in ((Field.SRC_IP, from_zone), (Field.DST_IP, to_zone)):
            for system in self.model.systems:
                if system.zone != zone_id:
                    continue
                hit = False
                for network in system.addresses:
                    if isinstance(network, ipaddress.IPv4Network):
                        first = int(network.network_address)
                        candidate = chosen & space.range(field, first, int(network.broadcast_address))
                        if not candidate.is_empty():
                            chosen = candidate
                            hit = True
                            break
                if hit:
                    break
            # Then a documentation address (TEST-NET-3, RFC 5737) when the zone spans the internet.
            candidate = chosen & space.range(field, 0xCB007100, 0xCB0071FF)
            if not candidate.is_empty():
                chosen = candidate
            # Prefer a host address over a network address (pick fills free bits with 0).
            candidate = chosen & space.masked(field, 1, 0xFFFFFFFE)
            if not candidate.is_empty():
                chosen = candidate
        ephemeral = chosen & space.range(Field.SRC_PORT, 49152, 65535)
        if not ephemeral.is_empty():
            chosen = ephemeral
        packet = chosen.pick()
        if packet is None:
            return None
        return _witness_from_packet(packet, interfaces)


def _witness_from_packet(packet: Packet, interfaces: InterfaceIndex | None) -> Witness:
    protocol = PROTOCOL_NAMES.get(packet.protocol, str(packet.protocol))
    has_ports = packet.protocol in (6, 17, 132)
    is_icmp = packet.protocol in (1, 58)
    return Witness(
        src=str(ipaddress.IPv4Address(packet.src)),
        dst=str(ipaddress.IPv4Address(packet.dst)),
        protocol=protocol,
        dst_port=packet.dst_port if has_ports else None,
        src_port=packet.src_port if has_ports else None,
        icmp_type=packet.dst_port >> 8 if is_icmp else None,
        icmp_code=packet.dst_port & 0xFF if is_icmp else None,
        in_interface=interfaces.name(packet.in_if) if interfaces is not None else None,
        out_interface=interfaces.name(packet.out_if) if interfaces is not None else None,
    )


class _DeviceRun:
    """First-match evaluation of one device over a region, under one reading of unknowns."""

    def __init__(
        self,
        config: ParsedConfig,
        compiler: RuleCompiler,
        reading: Reading,
        relevant: Mapping[int, bool],
    ) -> None:
        self.config = config
        self.compiler = compiler
        self.reading = reading
        self.relevant = relevant
        self.records: list[_Record] = []
        self.chains = {chain.name: chain for chain in config.chains}

    def run_chain(
        self, chain: Chain, packets: HeaderSet, stage_priority: int, depth: int = 0
    ) -> tuple[HeaderSet, HeaderSet]:
        """Return (permitted, returned) subsets of ``packets``; record the permit hits."""
        if depth > MAX_CHAIN_DEPTH:
            raise LimitExceededError(
                f"チェーンの呼び出しが深すぎます（上限 {MAX_CHAIN_DEPTH}）", file=self.config.source
            )
        space = self.compiler.space
        remaining = packets
        permitted = space.nothing
        returned = space.nothing
        for rule in chain.rules:
            if remaining.is_empty():
                break
            if not self.relevant.get(id(rule), True):
                continue
            hit = self.compiler.rule_set(rule, self.reading) & remaining
            if hit.is_empty():
                continue
            remaining = remaining - hit
            if rule.action is Action.PERMIT:
                permitted = permitted | hit
                self.records.append(_Record(stage_priority, rule, chain.name, hit))
            elif rule.action is Action.RETURN:
                returned = returned | hit
            elif rule.action in (Action.JUMP, Action.GOTO):
                target = self.chains.get(rule.target or "")
                if target is None:
                    # A jump to a chain that does not exist: iptables refuses such a file; treat it as
                    # not matching so the packets continue (the parser reports the line).
                    remaining = remaining | hit
                    continue
                sub_permitted, sub_returned = self.run_chain(target, hit, stage_priority, depth + 1)
                permitted = permitted | sub_permitted
                if rule.action is Action.JUMP:
                    remaining = remaining | sub_returned
                else:
                    returned = returned | sub_returned
        if chain.default is None:
            return permitted, returned | remaining
        leftover = remaining | returned
        if chain.default.action is Action.PERMIT and not leftover.is_empty():
            permitted = permitted | leftover
            self.records.append(_Record(stage_priority + 3, chain.default, chain.name, leftover))
        return permitted, space.nothing

    def run(self, region: HeaderSet, index: InterfaceIndex) -> HeaderSet:
        """Return the packets of ``region`` the device forwards."""
        space = self.compiler.space
        config = self.config
        by_stage: dict[Stage, list[tuple[str | None, Chain]]] = {stage: [] for stage in Stage}
        for attachment in config.attachments:
            chain = self.chains.get(attachment.chain)
            if chain is not None:
                by_stage[attachment.stage].append((attachment.interface, chain))
        survivors = region
        scopes: dict[Stage, HeaderSet] = {}
        for stage, field, priority in (
            (Stage.INGRESS, Field.IN_IF, 1),
            (Stage.FORWARD, None, 0),
            (Stage.EGRESS, Field.OUT_IF, 2),
        ):
            bound = by_stage[stage]
            if field is None:
                for _, chain in bound:
                    survivors, _ = self.run_chain(chain, survivors, priority)
                scopes[stage] = space.everything if bound else space.nothing
                continue
            names = list(dict.fromkeys(name for name, _ in bound if name is not None))
            scope = union(
                space, (space.equals(field, index.number(name)) for name in names if index.number(name))
            )
            scopes[stage] = scope
            passed = survivors - scope
            for name in names:
                part = survivors & space.equals(field, index.number(name))
                for iface, chain in bound:
                    if iface == name:
                        part, _ = self.run_chain(chain, part, priority)
                passed = passed | part
            survivors = passed
        if by_stage[Stage.FORWARD]:
            return survivors
        untouched = survivors - scopes[Stage.INGRESS] - scopes[Stage.EGRESS]
        pair_scope = survivors - scopes[Stage.INGRESS]
        for pair in config.pair_defaults:
            condition = pair_scope
            if pair.in_interface is not None:
                condition = condition & space.equals(Field.IN_IF, index.number(pair.in_interface))
            if pair.out_interface is not None:
                condition = condition & space.equals(Field.OUT_IF, index.number(pair.out_interface))
            if condition.is_empty():
                continue
            pair_scope = pair_scope - condition
            untouched = untouched - condition
            if pair.default.action is Action.PERMIT:
                self.records.append(_Record(6, pair.default, "", condition))
            else:
                survivors = survivors - condition
        if not untouched.is_empty():
            if config.default.action is Action.PERMIT:
                self.records.append(_Record(7, config.default, "", untouched))
            else:
                survivors = survivors - untouched
        return survivors


def _verify_device(
    ctx: _Context,
    device: Device,
    config: ParsedConfig,
    lines: Sequence[str],
) -> tuple[list[Violation], list[Warning]]:
    space = ctx.space
    index = build_interface_index(config, device.interfaces)
    compiler = RuleCompiler(space, index)
    rules = config.rules()
    if len(rules) > MAX_RULES_PER_DEVICE:
        raise LimitExceededError(f"ルール数 {len(rules)}（上限 {MAX_RULES_PER_DEVICE}）", file=config.source)
    # Zone pairs this device can carry, and the region they span.
    pair_regions: dict[tuple[str, str], HeaderSet] = {}
    for a, b in ctx.pairs:
        pair_set = ctx.pair_sets[(a, b)]
        if device.interfaces:
            ins = [index.number(i) for i, z in device.interfaces.items() if z == a]
            outs = [index.number(i) for i, z in device.interfaces.items() if z == b]
            if not ins or not outs:
                continue
            pair_set = pair_set & union(space, (space.equals(Field.IN_IF, n) for n in ins))
            pair_set = pair_set & union(space, (space.equals(Field.OUT_IF, n) for n in outs))
        if not pair_set.is_empty():
            pair_regions[(a, b)] = pair_set
    region = union(space, pair_regions.values())
    relevant: dict[int, bool] = {}
    for rule in rules:
        src_hull = address_hull(rule.source)
        dst_hull = address_hull(rule.destination)
        relevant[id(rule)] = any(
            ctx.touches(a, src_hull) and ctx.touches(b, dst_hull) for a, b in pair_regions
        )
    warnings: list[Warning] = []
    for rule in rules:
        if rule.state_only and rule.enabled and rule.action is Action.PERMIT and relevant[id(rule)]:
            opening = compiler.rule_set(replace(rule, state_only=False), Reading.PESSIMISTIC)
            if opening.intersects(region):
                warnings.append(
                    Warning(
                        device.id,
                        rule.rule_id,
                        rule.line,
                        "確立済み（ESTABLISHED/RELATED）または ACK 付きの通信だけに一致するため、"
                        "通信の開始は許可しません（禁止ゾーン間にかかる許可ルールです）",
                        rule.text,
                    )
                )
    if region.is_empty():
        return [], warnings
    pessimistic = _DeviceRun(config, compiler, Reading.PESSIMISTIC, relevant)
    leaked = pessimistic.run(region, index)
    if leaked.is_empty():
        return [], warnings
    optimistic = _DeviceRun(config, compiler, Reading.OPTIMISTIC, relevant)
    certain = optimistic.run(region, index)
    unknown_rules = [rule for rule in rules if has_unknown(rule) and relevant[id(rule)]]
    violations: list[Violation] = []
    definite_keys: set[tuple[str, int, str, str]] = set()
    # Definite leaks are attributed by the optimistic run (the rules that leak for sure); what only
    # the pessimistic run lets through is possible and attributed by that run.
    for certainty, run, packets_left in (
        (Certainty.DEFINITE, optimistic, certain),
        (Certainty.POSSIBLE, pessimistic, leaked - certain),
    ):
        remaining = packets_left
        for record in sorted(run.records, key=lambda r: r.priority):
            if remaining.is_empty():
                break
            part = record.hits & remaining
            if part.is_empty():
                continue
            remaining = remaining - record.hits
            ref = record.ref
            text = ref.text if isinstance(ref, Rule) else _line_text(lines, ref.line)
            for (a, b), pair_set in pair_regions.items():
                packets = part & pair_set
                if packets.is_empty():
                    continue
                key = (ref.rule_id, ref.line, a, b)
                if certainty is Certainty.POSSIBLE and key in definite_keys:
                    continue
                definite_keys.add(key)
                names = (
                    _responsible_unknowns(compiler, unknown_rules, packets)
                    if certainty is Certainty.POSSIBLE
                    else ()
                )
                violations.append(
                    Violation(
                        device=device.id,
                        rule=ref.rule_id,
                        line=ref.line,
                        from_zone=a,
                        to_zone=b,
                        witness=ctx.witness(packets, a, b, index),
                        certainty=certainty,
                        file=config.source,
                        text=text,
                        unknown_objects=names,
                    )
                )
    return violations, warnings


def _responsible_unknowns(
    compiler: RuleCompiler, rules: Sequence[Rule], packets: HeaderSet
) -> tuple[str, ...]:
    names: list[str] = []
    for rule in rules:
        wide = compiler.rule_set(rule, Reading.PESSIMISTIC)
        narrow = compiler.rule_set(rule, Reading.OPTIMISTIC)
        doubtful = (wide - narrow) | (narrow - wide)
        if doubtful.intersects(packets):
            names.extend(n for n in unknown_names(rule) if n not in names)
    return tuple(names)


def _line_text(lines: Sequence[str], line: int) -> str:
    return lines[line - 1].strip() if 1 <= line <= len(lines) else ""


def verify(
    model: Model,
    configs: Mapping[str, str | ParsedConfig] | None = None,
    *,
    as_of: dt.date | None = None,
    backend: Backend = Backend.CUDD,
) -> Report:
    """Verify every device of ``model`` and return the report.

    ``configs`` maps device id to config text (parsed with the device's vendor) or to a ParsedConfig;
    when omitted, the files named in the model are read relative to its folder. ``as_of`` is "today"
    for expiry (default: today's date in Japan). Raises ConfigReadError, UnsupportedVendorError,
    ConfigSyntaxError, LimitExceededError.
    """
    from mamori.netcheck.shadow import find_shadowed_rules

    today = as_of or today_in_japan()
    texts: dict[str, str] = {}
    parsed: dict[str, ParsedConfig] = {}
    if configs is None:
        texts = read_config_texts(model)
        for device in model.devices:
            parsed[device.id] = parse_config(texts[device.id], vendor=device.vendor, source=device.config)
    else:
        for device in model.devices:
            given = configs.get(device.id)
            if given is None:
                raise ConfigReadError(
                    f"機器「{device.id}」の設定が渡されていません", file=model.source, line=device.line
                )
            if isinstance(given, ParsedConfig):
                parsed[device.id] = given
            else:
                texts[device.id] = given
                parsed[device.id] = parse_config(given, vendor=device.vendor, source=device.config)
    plan = build_address_plan(model)
    space = HeaderSpace(backend)
    ctx = _Context(model, plan, space, today)
    violations: list[Violation] = []
    warnings: list[Warning] = []
    for flow in model.allowed_flows:
        if _model_flow_violates(model, flow):
            a = model.endpoint_zone(flow.source)
            b = model.endpoint_zone(flow.destination)
            violations.append(
                Violation(
                    device=None,
                    rule=flow.id,
                    line=flow.line,
                    from_zone=a,
                    to_zone=b,
                    witness=ctx.witness(ctx.flow_set(flow), a, b, None),
                    certainty=Certainty.DEFINITE,
                    file=model.source,
                    message="インターネット接続系から LGWAN 接続系への例外は、メール無害化・ファイル無害化・"
                    "画面転送のシステムからの通信に限られます（この例外は何も許可しません）",
                )
            )
    if any(not isinstance(n, ipaddress.IPv4Network) for s in model.segments for n in s.cidrs) or any(
        not isinstance(n, ipaddress.IPv4Network) for s in model.systems for n in s.addresses
    ):
        warnings.append(Warning(None, None, 0, "IPv6 のアドレスは今回の検証の対象外です（IPv4 のみ検証）"))
    unsupported: list[UnsupportedLine] = []
    shadowed = []
    for device in model.devices:
        config = parsed[device.id]
        text = texts.get(device.id)
        lines = text.splitlines() if text is not None else []
        device_violations, device_warnings = _verify_device(ctx, device, config, lines)
        violations.extend(device_violations)
        warnings.extend(device_warnings)
        unsupported.extend(
            UnsupportedLine(device.id, u.file, u.line, u.text, u.reason) for u in config.unsupported
        )
        shadowed.extend(find_shadowed_rules(device.id, config, space))
    expired = []
    expiring = []
    for flow in model.allowed_flows:
        if flow.expires is None:
            continue
        entry = ExpiredFlow(
            flow.id,
            flow.expires,
            flow.line,
            model.endpoint_zone(flow.source),
            model.endpoint_zone(flow.destination),
            flow.rationale,
        )
        if flow.is_expired(today):
            expired.append(entry)
        elif (flow.expires - today).days <= EXPIRY_NOTICE_DAYS:
            expiring.append(entry)
    return Report(
        model_source=model.source,
        network_model=model.network_model.value,
        as_of=today,
        devices=tuple((d.id, d.vendor, d.config) for d in model.devices),
        zones=tuple((z.id, z.kind.value, z.label) for z in model.zones),
        violations=tuple(violations),
        shadowed_rules=tuple(shadowed),
        unsupported=tuple(unsupported),
        expired_flows=tuple(expired),
        expiring_flows=tuple(expiring),
        warnings=tuple(warnings),
    )
