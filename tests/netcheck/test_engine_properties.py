"""Property tests: the BDD engine agrees with the plain first-match oracle on random rules and packets."""

from __future__ import annotations

import datetime as dt
import ipaddress
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.netcheck._compile import Reading, RuleCompiler, build_interface_index
from mamori.netcheck._evaluate import DeviceRun
from mamori.netcheck.findings import Certainty, Report
from mamori.netcheck.headerset import Backend, HeaderSpace, Packet
from mamori.netcheck.ir import (
    ANY_ADDRESS,
    ANY_SERVICE,
    Action,
    AddressMatch,
    AddressRange,
    Attachment,
    Chain,
    DefaultAction,
    InterfaceMatch,
    PairDefault,
    ParsedConfig,
    PortRange,
    Rule,
    Service,
    ServiceMatch,
    Stage,
    Wildcard,
)
from mamori.netcheck.model import load_model
from mamori.netcheck.verify import verify
from mamori.netcheck.zones import build_address_plan

from .oracle import OraclePacket, forwards

# dd's pure-Python manager complains at garbage collection when cached nodes outlive it: noise only.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

INTERFACES = ("eth0", "eth1", "eth2", "(その他)")
# A small address pool so random rules and packets overlap often.
PREFIXES = [
    "10.10.0.0/16",
    "10.10.5.0/24",
    "10.20.0.0/16",
    "10.20.1.0/24",
    "192.168.50.0/24",
    "8.8.8.0/24",
    "0.0.0.0/1",
]


def _range(text: str) -> AddressRange:
    net = ipaddress.ip_network(text)
    return AddressRange(int(net.network_address), int(net.broadcast_address), 4)


addresses = st.one_of(
    st.just(ANY_ADDRESS),
    st.builds(
        AddressMatch,
        ranges=st.lists(st.sampled_from(PREFIXES).map(_range), min_size=1, max_size=2).map(tuple),
        wildcards=st.lists(
            st.builds(
                Wildcard,
                st.sampled_from([0x0A0A0001, 0x0A140000, 0xC0A83200]),
                st.sampled_from([0xFF00, 0xFFFF00FE]),
            ),
            max_size=1,
        ).map(tuple),
        negate=st.booleans(),
        unknown=st.sampled_from([(), (), (), ("OBJ",)]),
    ),
)
ports = st.lists(
    st.tuples(st.sampled_from([0, 22, 25, 53, 80, 443, 1024]), st.sampled_from([0, 10, 1000, 65535])).map(
        lambda t: PortRange(t[0], min(65535, t[0] + t[1]))
    ),
    max_size=2,
).map(tuple)
services = st.one_of(
    st.just(ANY_SERVICE),
    st.builds(
        ServiceMatch,
        services=st.lists(
            st.one_of(
                st.builds(Service, st.sampled_from([6, 17]), src_ports=ports, dst_ports=ports),
                st.builds(Service, st.just(1), icmp_type=st.sampled_from([None, 0, 8])),
                st.builds(Service, st.sampled_from([None, 47])),
            ),
            max_size=2,
        ).map(tuple),
        negate=st.booleans(),
        unknown=st.sampled_from([(), (), ("SVC",)]),
    ),
)
interfaces = st.one_of(
    st.none(),
    st.builds(
        InterfaceMatch, st.sampled_from([("eth0",), ("eth1",), ("eth+",), ("eth0", "eth2")]), st.booleans()
    ),
)


@st.composite
def rules(draw: st.DrawFn, chain: str, targets: tuple[str, ...], allow_return: bool) -> list[Rule]:
    result = []
    actions = [Action.PERMIT, Action.DENY]
    if targets:
        actions += [Action.JUMP, Action.GOTO]
    if allow_return:
        actions.append(Action.RETURN)
    for position in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(actions))
        result.append(
            Rule(
                rule_id=f"{chain} #{position + 1}",
                line=position + 1,
                text="",
                action=action,
                source=draw(addresses),
                destination=draw(addresses),
                service=draw(services),
                in_interface=draw(interfaces),
                out_interface=draw(interfaces),
                target=draw(st.sampled_from(targets)) if action in (Action.JUMP, Action.GOTO) else None,
                enabled=draw(st.sampled_from([True, True, True, False])),
                state_only=draw(st.sampled_from([False, False, False, True])),
                unknown=draw(st.sampled_from([(), (), (), ("-m time",)])),
            )
        )
    return result


defaults = st.builds(
    DefaultAction, st.sampled_from([Action.PERMIT, Action.DENY]), st.just("policy"), st.just(1)
)


@st.composite
def configs(draw: st.DrawFn) -> ParsedConfig:
    chains = [
        Chain("U2", tuple(draw(rules("U2", (), True)))),
        Chain("U1", tuple(draw(rules("U1", ("U2",), True)))),
        Chain("FORWARD", tuple(draw(rules("FORWARD", ("U1", "U2"), False))), draw(defaults)),
        Chain("IN0", tuple(draw(rules("IN0", ("U2",), False))), draw(defaults)),
        Chain("OUT1", tuple(draw(rules("OUT1", (), False))), draw(defaults)),
    ]
    attachments = []
    if draw(st.booleans()):
        attachments.append(Attachment(Stage.FORWARD, "FORWARD"))
    if draw(st.booleans()):
        attachments.append(Attachment(Stage.INGRESS, "IN0", "eth0"))
    if draw(st.booleans()):
        attachments.append(Attachment(Stage.EGRESS, "OUT1", "eth1"))
    pair_defaults: tuple[PairDefault, ...] = ()
    if draw(st.booleans()):
        pair_defaults = (
            PairDefault("eth2", "eth1", draw(defaults)),
            PairDefault(None, "eth0", draw(defaults)),
        )
    return ParsedConfig(
        vendor="iptables",
        source="random",
        chains=tuple(chains),
        attachments=tuple(attachments),
        interfaces=("eth0", "eth1", "eth2"),
        default=draw(defaults),
        pair_defaults=pair_defaults,
    )


@st.composite
def packets(draw: st.DrawFn) -> OraclePacket:
    def address() -> int:
        net = ipaddress.ip_network(draw(st.sampled_from(PREFIXES)))
        return int(net.network_address) + draw(st.integers(0, min(net.num_addresses - 1, 300)))

    protocol = draw(st.sampled_from([6, 17, 1, 47]))
    if protocol in (6, 17):
        sport = draw(st.sampled_from([22, 1024, 49152, 65535]))
        dport = draw(st.sampled_from([0, 22, 25, 53, 80, 443, 1030, 65535]))
    elif protocol == 1:
        sport, dport = 0, draw(st.sampled_from([0, 8 * 256, 3 * 256 + 3]))
    else:
        sport, dport = 0, 0
    return OraclePacket(
        address(),
        address(),
        protocol,
        sport,
        dport,
        draw(st.sampled_from(INTERFACES)),
        draw(st.sampled_from(INTERFACES)),
    )


def _permitted_set(config: ParsedConfig, space: HeaderSpace, reading: Reading):  # type: ignore[no-untyped-def]
    index = build_interface_index(config, ())
    compiler = RuleCompiler(space, index)
    run = DeviceRun(config, compiler, reading, {})
    return run.run(space.universe, index), index


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.lists(packets(), min_size=1, max_size=12), st.sampled_from(list(Reading)))
def test_bdd_membership_equals_first_match_oracle(
    config: ParsedConfig, sample: list[OraclePacket], reading: Reading
) -> None:
    space = HeaderSpace(Backend.CUDD)
    permitted, index = _permitted_set(config, space, reading)
    for p in sample:
        encoded = Packet(
            p.src, p.dst, p.protocol, p.src_port, p.dst_port, index.number(p.in_if), index.number(p.out_if)
        )
        assert permitted.contains(encoded) == forwards(config, p, reading is Reading.PESSIMISTIC), p


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.lists(packets(), min_size=1, max_size=6))
def test_pure_python_backend_agrees_with_cudd(config: ParsedConfig, sample: list[OraclePacket]) -> None:
    cudd_set, index = _permitted_set(config, HeaderSpace(Backend.CUDD), Reading.PESSIMISTIC)
    python_set, _ = _permitted_set(config, HeaderSpace(Backend.PYTHON), Reading.PESSIMISTIC)
    for p in sample:
        encoded = Packet(
            p.src, p.dst, p.protocol, p.src_port, p.dst_port, index.number(p.in_if), index.number(p.out_if)
        )
        assert cudd_set.contains(encoded) == python_set.contains(encoded)


MODEL = load_model(
    """\
version: 1
zones:
  - {id: mynumber, kind: mynumber}
  - {id: lgwan, kind: lgwan}
  - {id: internet, kind: internet}
segments:
  - {id: mn, zone: mynumber, cidrs: [10.10.0.0/16]}
  - {id: lg, zone: lgwan, cidrs: [10.20.0.0/16]}
systems:
  - {id: relay, zone: internet, role: mail-sanitizer, addresses: [192.168.50.10]}
allowed_flows:
  - {id: mail, from: {system: relay}, to: {zone: lgwan}, services: [tcp/25]}
devices:
  - {id: fw, vendor: iptables, config: fw.rules}
"""
)
PLAN = build_address_plan(MODEL)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_every_witness_re_evaluates_to_a_violation(config: ParsedConfig) -> None:
    report = verify(MODEL, {"fw": config}, as_of=dt.date(2026, 11, 25))
    for violation in report.violations:
        witness = violation.witness
        assert witness is not None
        protocol = {"tcp": 6, "udp": 17, "icmp": 1, "gre": 47}.get(witness.protocol) or int(witness.protocol)
        dport = witness.dst_port if witness.dst_port is not None else 0
        if witness.icmp_type is not None:
            dport = witness.icmp_type * 256 + (witness.icmp_code or 0)
        p = OraclePacket(
            int(ipaddress.IPv4Address(witness.src)),
            int(ipaddress.IPv4Address(witness.dst)),
            protocol,
            witness.src_port or 0,
            dport,
            witness.in_interface or "",
            witness.out_interface or "",
        )
        assert PLAN.zone_of(p.src) == violation.from_zone
        assert PLAN.zone_of(p.dst) == violation.to_zone
        assert forwards(config, p, pessimistic=True)
        if violation.certainty is Certainty.DEFINITE:
            assert forwards(config, p, pessimistic=False)
        is_mail = p.src == int(ipaddress.IPv4Address("192.168.50.10")) and protocol == 6 and dport == 25
        assert not (is_mail and violation.to_zone == "lgwan")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.lists(packets(), min_size=1, max_size=10))
def test_every_forwarded_forbidden_packet_is_reported(
    config: ParsedConfig, sample: list[OraclePacket]
) -> None:
    report = verify(MODEL, {"fw": config}, as_of=dt.date(2026, 11, 25))
    reported = {(v.from_zone, v.to_zone) for v in report.violations}
    forbidden = {(a, b) for a in ("mynumber", "lgwan", "internet") for b in ("mynumber", "lgwan", "internet")}
    forbidden -= {("mynumber", "mynumber"), ("lgwan", "lgwan"), ("internet", "internet")}
    relay = int(ipaddress.IPv4Address("192.168.50.10"))
    for p in sample:
        pair = (PLAN.zone_of(p.src), PLAN.zone_of(p.dst))
        allowed = p.src == relay and p.protocol == 6 and p.dst_port == 25 and pair[1] == "lgwan"
        if pair in forbidden and not allowed and forwards(config, p, pessimistic=True):
            assert pair in reported, (p, pair)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_interval_prefilter_changes_no_finding(config: ParsedConfig) -> None:
    def keys(report: Report) -> set[tuple[object, ...]]:
        return {(v.rule, v.line, v.from_zone, v.to_zone, v.certainty) for v in report.violations}

    filtered = verify(MODEL, {"fw": config}, as_of=dt.date(2026, 11, 25))
    with mock.patch("mamori.netcheck.verify._relevant_rules", lambda *args: {}):
        unfiltered = verify(MODEL, {"fw": config}, as_of=dt.date(2026, 11, 25))
    assert keys(filtered) == keys(unfiltered)
