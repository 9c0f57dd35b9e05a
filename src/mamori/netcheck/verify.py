"""Verify devices against the zone model: every forbidden flow a device lets through, with a witness.

Per device, the forbidden region (every zone pair the built-in rules forbid, minus unexpired allowed
flows, restricted to connection-opening packets and to the interfaces the model maps) is pushed through
the device's stages with first-match semantics, twice: once reading unknown objects pessimistically
(every possible leak) and once optimistically (what leaks for sure). Rules that cannot touch the region
are skipped by an interval test before any BDD is built.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

from mamori.netcheck._compile import (
    Reading,
    RuleCompiler,
    address_hull,
    build_interface_index,
    has_unknown,
    union,
    unknown_names,
)
from mamori.netcheck._evaluate import DeviceRun
from mamori.netcheck._regions import Regions, forbidden_pairs, model_flow_violates
from mamori.netcheck.errors import ConfigReadError, LimitExceededError, describe_os_error
from mamori.netcheck.findings import (
    Certainty,
    ExpiredFlow,
    Report,
    ReportWarning,
    ShadowedRule,
    UnsupportedLine,
    Violation,
)
from mamori.netcheck.headerset import Backend, Field, HeaderSet, HeaderSpace
from mamori.netcheck.ir import IPV4_MAX, Action, ParsedConfig, Rule
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE
from mamori.netcheck.model import Device, Model
from mamori.netcheck.vendors import decode_config, parse_config, split_lines
from mamori.netcheck.zones import build_address_plan

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


def today_in_japan() -> dt.date:
    """Return today's date in Japan (the municipality's calendar)."""
    return dt.datetime.now(tz=JST).date()


def read_config_texts(model: Model) -> dict[str, str]:
    """Read and decode every device config named in the model, relative to its folder."""
    texts: dict[str, str] = {}
    base = model.base_dir or Path.cwd()
    for device in model.devices:
        try:
            data = (base / device.config).read_bytes()
        except OSError as exc:
            raise ConfigReadError(
                f"機器「{device.id}」の設定ファイル {device.config} を開けません（{describe_os_error(exc)}）",
                file=model.source,
                line=device.line,
            ) from None
        texts[device.id] = decode_config(data, source=device.config)
    return texts


def load_configs(model: Model) -> dict[str, ParsedConfig]:
    """Read and parse every device config named in the model."""
    texts = read_config_texts(model)
    return {d.id: parse_config(texts[d.id], vendor=d.vendor, source=d.config) for d in model.devices}


def _verify_device(
    ctx: Regions,
    device: Device,
    config: ParsedConfig,
    lines: Sequence[str],
    compiler: RuleCompiler,
) -> tuple[list[Violation], list[ReportWarning]]:
    space = ctx.space
    index = compiler.interfaces
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
    # Interface numbers beyond the device's interfaces encode nothing real: keep them out.
    top = len(index.names)
    real = space.range(Field.IN_IF, 0, top) & space.range(Field.OUT_IF, 0, top)
    pair_regions = {pair: packets & real for pair, packets in pair_regions.items()}
    region = union(space, pair_regions.values())
    relevant = _relevant_rules(ctx, config, pair_regions)
    warnings: list[ReportWarning] = []
    for rule in rules:
        if rule.state_only and rule.enabled and rule.action is Action.PERMIT and relevant.get(id(rule), True):
            opening = compiler.rule_set(replace(rule, state_only=False), Reading.PESSIMISTIC)
            if opening.intersects(region):
                warnings.append(
                    ReportWarning(
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
    pessimistic = DeviceRun(config, compiler, Reading.PESSIMISTIC, relevant)
    leaked = pessimistic.run(region, index)
    if leaked.is_empty():
        return [], warnings
    if any(has_unknown(rule) and relevant.get(id(rule), True) for rule in rules):
        optimistic = DeviceRun(config, compiler, Reading.OPTIMISTIC, relevant)
        # Definite: forwarded under both readings (a jump with an unknown match can go either way).
        certain = optimistic.run(region, index) & leaked
    else:
        # Nothing unknown: both readings are the same evaluation.
        optimistic = pessimistic
        certain = leaked
    unknown_rules = [rule for rule in rules if has_unknown(rule) and relevant.get(id(rule), True)]
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
            if run.overlapping:
                # Later records may share these packets: they belong to this (earlier) rule.
                remaining = remaining - record.hits
            ref = record.ref
            text = ref.text if isinstance(ref, Rule) else _line_text(lines, ref.line)
            hulls = (
                (address_hull(ref.source), address_hull(ref.destination)) if isinstance(ref, Rule) else None
            )
            for (a, b), pair_set in pair_regions.items():
                if hulls is not None and not (ctx.touches(a, hulls[0]) and ctx.touches(b, hulls[1])):
                    continue  # cheap interval test: the rule's addresses miss this zone pair
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


def _relevant_rules(
    ctx: Regions, config: ParsedConfig, pair_regions: Mapping[tuple[str, str], HeaderSet]
) -> dict[int, bool]:
    """Return, per rule id, whether the rule can touch a forbidden region (cheap interval test).

    A rule in a user chain only sees what its callers' jump rules let in, so a rule without its own
    address match inherits the hull of the jumps that reach its chain.
    """
    full = ((0, IPV4_MAX),)
    # Only user chains that no attachment binds directly see nothing but what their callers pass.
    attached = {attachment.chain for attachment in config.attachments}
    reached_only = {
        chain.name for chain in config.chains if chain.default is None and chain.name not in attached
    }
    caller_hulls: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for _ in range(3):  # nested user chains: a few passes settle realistic depths
        for chain in config.chains:
            inherited = caller_hulls.get(chain.name) if chain.name in reached_only else None
            for rule in chain.rules:
                if rule.action not in (Action.JUMP, Action.GOTO) or rule.target is None:
                    continue
                src = list(address_hull(rule.source))
                dst = list(address_hull(rule.destination))
                if inherited is not None:
                    src = src if tuple(src) != full else list(inherited[0])
                    dst = dst if tuple(dst) != full else list(inherited[1])
                known = caller_hulls.setdefault(rule.target, ([], []))
                for hull, into in ((src, known[0]), (dst, known[1])):
                    seen = set(into)
                    into.extend(h for h in hull if h not in seen)
    relevant: dict[int, bool] = {}
    for chain in config.chains:
        inherited = caller_hulls.get(chain.name) if chain.name in reached_only else None
        for rule in chain.rules:
            src_hull = address_hull(rule.source)
            dst_hull = address_hull(rule.destination)
            if inherited is not None and tuple(src_hull) == full:
                src_hull = inherited[0]
            if inherited is not None and tuple(dst_hull) == full:
                dst_hull = inherited[1]
            relevant[id(rule)] = any(
                ctx.touches(a, src_hull) and ctx.touches(b, dst_hull) for a, b in pair_regions
            )
    return relevant


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
    find_shadowed: bool = True,
) -> Report:
    """Verify every device of ``model`` and return the report.

    ``configs`` maps device id to config text (parsed with the device's vendor) or to a ParsedConfig;
    when omitted, the files named in the model are read relative to its folder. ``as_of`` is "today"
    for expiry (default: today's date in Japan). Raises ConfigReadError, UnsupportedVendorError,
    ConfigSyntaxError, LimitExceededError. ``find_shadowed=False`` skips the shadowed-rule pass.
    """
    from mamori.netcheck.shadow import shadow_pass

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
    ctx = Regions(model, plan, space, today)
    violations: list[Violation] = []
    warnings: list[ReportWarning] = []
    for flow in model.allowed_flows:
        if model_flow_violates(model, flow):
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
        warnings.append(
            ReportWarning(None, None, 0, "IPv6 のアドレスは今回の検証の対象外です（IPv4 のみ検証）")
        )
    unsupported: list[UnsupportedLine] = []
    shadowed: list[ShadowedRule] = []
    for device in model.devices:
        config = parsed[device.id]
        text = texts.get(device.id)
        lines = split_lines(text) if text is not None else []
        compiler = RuleCompiler(space, build_interface_index(config, device.interfaces))
        device_violations, device_warnings = _verify_device(ctx, device, config, lines, compiler)
        violations.extend(device_violations)
        warnings.extend(device_warnings)
        unsupported.extend(
            UnsupportedLine(device.id, u.file, u.line, u.text, u.reason) for u in config.unsupported
        )
        if find_shadowed:
            # Rule sets do not depend on the zone model: the pass reuses the compiled ones when its
            # interface numbering is the same.
            found = shadow_pass(device.id, config, space, compiler=compiler)
            shadowed.extend(found.rules)
            if not found.named_all:
                warnings.append(
                    ReportWarning(
                        device.id,
                        None,
                        0,
                        "到達しないルールの検出: 比較回数の上限に達したため、一部の到達しないルールについて"
                        "先行する原因ルールの列挙が未完了です（到達しないこと自体の判定は完了しています）",
                    )
                )
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
