"""Explain one packet: its zones, whether the model forbids it, and which rule of each device decides it."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

from mamori.netcheck._compile import OTHER_INTERFACE, has_unknown, unknown_names
from mamori.netcheck.errors import ConfigReadError, ModelError
from mamori.netcheck.ir import (
    IPV4_MAX,
    Action,
    AddressMatch,
    Chain,
    InterfaceMatch,
    ParsedConfig,
    Rule,
    ServiceMatch,
    Stage,
)
from mamori.netcheck.limits import MAX_CHAIN_DEPTH
from mamori.netcheck.model import Model
from mamori.netcheck.vendors import parse_config
from mamori.netcheck.verify import _model_flow_violates, forbidden_pairs, read_config_texts, today_in_japan
from mamori.netcheck.zones import build_address_plan

__all__ = ["DeviceDecision", "Explanation", "Step", "explain", "render_explanation"]

# Without an interface map, at most this many (in, out) interface pairs are tried per device.
MAX_INTERFACE_PAIRS = 64


@dataclass(frozen=True)
class Step:
    """One rule the packet met on a device."""

    stage: str
    chain: str
    rule: str
    line: int
    text: str
    action: str
    note: str = ""


@dataclass(frozen=True)
class DeviceDecision:
    """What one device does with the packet entering ``in_interface`` and leaving ``out_interface``."""

    device: str
    in_interface: str | None
    out_interface: str | None
    on_path: bool
    permitted: bool
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Explanation:
    """The zones of a packet, whether the model forbids it, and every device's decision."""

    src: str
    dst: str
    protocol: int
    dst_port: int
    src_zone: str | None
    dst_zone: str | None
    forbidden: bool
    allowed_by: str | None
    decisions: tuple[DeviceDecision, ...]

    @property
    def is_violation(self) -> bool:
        """Return whether a device forwards a packet the model forbids."""
        return self.forbidden and any(d.permitted and d.on_path for d in self.decisions)


@dataclass(frozen=True)
class _Packet:
    src: int
    dst: int
    protocol: int
    src_port: int
    dst_port: int
    in_if: str
    out_if: str


def _address_matches(match: AddressMatch, address: int, widen: bool) -> bool:
    known = any(r.version == 4 and r.first <= address <= r.last for r in match.ranges) or any(
        (address & ~w.wildcard & IPV4_MAX) == (w.address & ~w.wildcard & IPV4_MAX) for w in match.wildcards
    )
    if match.unknown:
        if match.negate:
            return (not known) if widen else False
        return True if widen else known
    return known != match.negate


def _service_matches(match: ServiceMatch, packet: _Packet, widen: bool) -> bool:
    known = False
    for service in match.services:
        if service.protocol is None and not service.src_ports and not service.dst_ports:
            known = True
            break
        if service.protocol is None and packet.protocol not in (6, 17, 132):
            continue
        if service.protocol is not None and service.protocol != packet.protocol:
            continue
        if service.src_ports and not any(r.first <= packet.src_port <= r.last for r in service.src_ports):
            continue
        if service.dst_ports and not any(r.first <= packet.dst_port <= r.last for r in service.dst_ports):
            continue
        if service.icmp_type is not None and packet.dst_port >> 8 != service.icmp_type:
            continue
        if service.icmp_code is not None and packet.dst_port & 0xFF != service.icmp_code:
            continue
        known = True
        break
    if match.unknown:
        if match.negate:
            return (not known) if widen else False
        return True if widen else known
    return known != match.negate


def _interface_matches(match: InterfaceMatch | None, name: str) -> bool:
    if match is None:
        return True
    hit = any(
        (p.endswith("+") and name.startswith(p[:-1])) or p == name or p in ("any", "*") for p in match.names
    )
    return hit != match.negate


def rule_matches(rule: Rule, packet: _Packet) -> bool:
    """Return whether ``rule`` matches a connection-opening IPv4 packet (unknowns read pessimistically)."""
    if not rule.enabled or rule.state_only or rule.ip_version == 6:
        return False
    widen = rule.action is not Action.DENY
    if rule.unknown and not widen:
        return False
    return (
        _interface_matches(rule.in_interface, packet.in_if)
        and _interface_matches(rule.out_interface, packet.out_if)
        and _address_matches(rule.source, packet.src, widen)
        and _address_matches(rule.destination, packet.dst, widen)
        and _service_matches(rule.service, packet, widen)
    )


def _run_chain(
    config: ParsedConfig, chain: Chain, packet: _Packet, stage: str, steps: list[Step], depth: int = 0
) -> str:
    """Return "permit", "deny" or "return" and append the deciding steps."""
    if depth > MAX_CHAIN_DEPTH:
        return "deny"
    for rule in chain.rules:
        if not rule_matches(rule, packet):
            continue
        note = (
            f"解釈できないオブジェクトを含みます: {'、'.join(unknown_names(rule))}"
            if has_unknown(rule)
            else ""
        )
        steps.append(Step(stage, chain.name, rule.rule_id, rule.line, rule.text, rule.action.value, note))
        if rule.action is Action.PERMIT:
            return "permit"
        if rule.action is Action.DENY:
            return "deny"
        if rule.action is Action.RETURN:
            break
        target = config.chain(rule.target or "")
        if target is None:
            continue
        result = _run_chain(config, target, packet, stage, steps, depth + 1)
        if result in ("permit", "deny"):
            return result
        if rule.action is Action.GOTO:
            break
    if chain.default is None:
        return "return"
    steps.append(
        Step(
            stage,
            chain.name,
            chain.default.rule_id,
            chain.default.line,
            "",
            chain.default.action.value,
            "既定動作",
        )
    )
    return "permit" if chain.default.action is Action.PERMIT else "deny"


def _decide(config: ParsedConfig, packet: _Packet) -> tuple[bool, list[Step]]:
    steps: list[Step] = []
    ingress = [a for a in config.attachments if a.stage is Stage.INGRESS and a.interface == packet.in_if]
    forward = [a for a in config.attachments if a.stage is Stage.FORWARD]
    egress = [a for a in config.attachments if a.stage is Stage.EGRESS and a.interface == packet.out_if]
    for attachments in (ingress, forward, egress):
        for attachment in attachments:
            chain = config.chain(attachment.chain)
            if chain is None:
                continue
            if _run_chain(config, chain, packet, attachment.stage.value, steps) != "permit":
                return False, steps
    if forward:
        return True, steps
    if not ingress:
        for pair in config.pair_defaults:
            if pair.in_interface not in (None, packet.in_if) or pair.out_interface not in (
                None,
                packet.out_if,
            ):
                continue
            steps.append(
                Step("default", "", pair.default.rule_id, pair.default.line, "", pair.default.action.value)
            )
            return pair.default.action is Action.PERMIT, steps
    if not ingress and not egress:
        default = config.default
        steps.append(Step("default", "", default.rule_id, default.line, "", default.action.value, "既定動作"))
        return default.action is Action.PERMIT, steps
    return True, steps


def explain(
    model: Model,
    configs: Mapping[str, str | ParsedConfig] | None = None,
    *,
    src: str,
    dst: str,
    protocol: int,
    dst_port: int = 0,
    src_port: int = 49152,
    as_of: dt.date | None = None,
) -> Explanation:
    """Explain what each device does with one connection-opening IPv4 packet.

    For ICMP, ``dst_port`` is ``type * 256 + code``. Raises ModelError for addresses that are not IPv4.
    """
    try:
        src_addr = int(ipaddress.IPv4Address(src))
        dst_addr = int(ipaddress.IPv4Address(dst))
    except ValueError:
        raise ModelError(f"IPv4 アドレスではありません: {src} / {dst}") from None
    today = as_of or today_in_japan()
    plan = build_address_plan(model)
    src_zone = plan.zone_of(src_addr)
    dst_zone = plan.zone_of(dst_addr)
    forbidden = (src_zone, dst_zone) in set(forbidden_pairs(model))
    allowed_by = None
    if forbidden:
        from mamori.netcheck.headerset import HeaderSpace, Packet
        from mamori.netcheck.verify import _Context

        space = HeaderSpace()
        ctx = _Context(model, plan, space, today)
        probe = Packet(src_addr, dst_addr, protocol, src_port if protocol in (6, 17, 132) else 0, dst_port)
        for flow in model.allowed_flows:
            if flow.is_expired(today) or _model_flow_violates(model, flow):
                continue
            if ctx.flow_set(flow).contains(probe):
                allowed_by = flow.id
                forbidden = False
                break
    parsed: dict[str, ParsedConfig] = {}
    texts = read_config_texts(model) if configs is None else {}
    for device in model.devices:
        given = configs.get(device.id) if configs is not None else texts.get(device.id)
        if given is None:
            raise ConfigReadError(f"機器「{device.id}」の設定が渡されていません")
        parsed[device.id] = (
            given
            if isinstance(given, ParsedConfig)
            else parse_config(given, vendor=device.vendor, source=device.config)
        )
    decisions: list[DeviceDecision] = []
    for device in model.devices:
        config = parsed[device.id]
        if device.interfaces:
            ins = [i for i, z in device.interfaces.items() if z == src_zone]
            outs = [i for i, z in device.interfaces.items() if z == dst_zone]
            if not ins or not outs:
                decisions.append(DeviceDecision(device.id, None, None, False, False, ()))
                continue
        else:
            names = list(
                dict.fromkeys([*config.interfaces, *(a.interface for a in config.attachments if a.interface)])
            )
            ins = [*names, OTHER_INTERFACE]
            outs = [*names, OTHER_INTERFACE]
        seen: set[tuple[bool, tuple[Step, ...]]] = set()
        for in_if in ins:
            for out_if in outs:
                if len(seen) >= MAX_INTERFACE_PAIRS:
                    break
                packet = _Packet(
                    src_addr,
                    dst_addr,
                    protocol,
                    src_port if protocol in (6, 17, 132) else 0,
                    dst_port,
                    in_if,
                    out_if,
                )
                permitted, steps = _decide(config, packet)
                key = (permitted, tuple(steps))
                if key in seen:
                    continue
                seen.add(key)
                decisions.append(DeviceDecision(device.id, in_if, out_if, True, permitted, tuple(steps)))
    return Explanation(
        src, dst, protocol, dst_port, src_zone, dst_zone, forbidden, allowed_by, tuple(decisions)
    )


def render_explanation(explanation: Explanation) -> str:
    """Render an explanation as Japanese text."""
    lines = [
        f"パケット: プロトコル {explanation.protocol} {explanation.src} → {explanation.dst}"
        + (f" ポート {explanation.dst_port}" if explanation.protocol in (6, 17, 132) else ""),
        f"送信元ゾーン: {explanation.src_zone or '（なし）'}　宛先ゾーン: {explanation.dst_zone or '（なし）'}",
    ]
    if explanation.allowed_by:
        lines.append(f"ゾーンモデル: 例外「{explanation.allowed_by}」で許可された通信です")
    elif explanation.forbidden:
        lines.append("ゾーンモデル: 禁止された通信です")
    else:
        lines.append("ゾーンモデル: 禁止されていない通信です")
    for decision in explanation.decisions:
        if not decision.on_path:
            lines.append(f"■ {decision.device}: この経路のインタフェースがないため通過しません")
            continue
        verdict = "許可（転送する）" if decision.permitted else "拒否（転送しない）"
        lines.append(
            f"■ {decision.device}（入力 {decision.in_interface} → 出力 {decision.out_interface}）: {verdict}"
        )
        for step in decision.steps:
            where = f"{step.line} 行目" if step.line else "暗黙"
            lines.append(
                f"    {step.stage} {step.rule}（{where}）→ {step.action}"
                + (f"　{step.note}" if step.note else "")
            )
            if step.text:
                lines.append(f"        > {step.text}")
    if explanation.is_violation:
        lines.append("結論: 禁止された通信を許可する機器があります（違反）")
    return "\n".join(lines) + "\n"
