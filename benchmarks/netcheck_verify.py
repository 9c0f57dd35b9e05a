"""Benchmark: verification time of a 10,000-rule network against the bare parse time of its configs.

Generates (in memory, seeded) a municipality with 200 segments across the My Number, LGWAN and
internet zones, then four configurations:

* iptables, realistic: FORWARD dispatches to one user chain per source segment; each chain permits
  traffic inside its zone on common ports, the declared sanitizer flows, a few deliberate leaks, and
  ends with a drop;
* FortiGate, realistic: the same policy as ``config firewall policy`` with address objects;
* iptables, adversarial: 10,000 random rules in FORWARD (random source and destination prefixes of
  random length, random port ranges, random actions);
* iptables, adversarial in chains: random rules within the realistic structure (one chain per
  source segment; random destination prefixes, port ranges and actions inside each chain).

Prints for each: rules, bare parse time, verification time (without and with the shadowed-rule
pass) and the ratio verification / parse. Targets (realistic and adversarial): verification < 1 s,
ratio < 3x.
Run: ``PYTHONPATH=src python benchmarks/netcheck_verify.py``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from mamori.netcheck.ir import ParsedConfig
from mamori.netcheck.model import Model, load_model
from mamori.netcheck.vendors import VENDORS, get_parser
from mamori.netcheck.verify import verify

SEGMENTS = 200
RULES = 10_000
AS_OF = dt.date(2026, 11, 25)
PORTS = [22, 25, 53, 80, 123, 389, 443, 445, 636, 1433, 3306, 3389, 5432, 8080, 8443]


def segment_plan() -> list[tuple[str, str, str]]:
    """Return (segment id, zone, cidr) for 200 /24 segments: 70 My Number, 70 LGWAN, 60 internet."""
    plan = []
    for i in range(SEGMENTS):
        if i < 70:
            plan.append((f"mn{i}", "mynumber", f"10.10.{i}.0/24"))
        elif i < 140:
            plan.append((f"lg{i}", "lgwan", f"10.20.{i}.0/24"))
        else:
            plan.append((f"in{i}", "internet", f"172.16.{i}.0/24"))
    return plan


def model_text(vendor: str) -> str:
    lines = [
        "version: 1",
        "zones:",
        "  - {id: mynumber, kind: mynumber, label: マイナンバー利用事務系}",
        "  - {id: lgwan, kind: lgwan, label: LGWAN接続系}",
        "  - {id: internet, kind: internet, label: インターネット接続系}",
        "segments:",
    ]
    lines += [f"  - {{id: {sid}, zone: {zone}, cidrs: [{cidr}]}}" for sid, zone, cidr in segment_plan()]
    lines += [
        "systems:",
        "  - {id: relay, zone: internet, role: mail-sanitizer, addresses: [172.16.150.10]}",
        "allowed_flows:",
        "  - {id: mail, from: {system: relay}, to: {zone: lgwan}, services: [tcp/25]}",
        "devices:",
        f"  - {{id: fw, vendor: {vendor}, config: fw.conf}}",
    ]
    return "\n".join(lines) + "\n"


def realistic_policy(rng: random.Random) -> list[tuple[str, str, str, int, bool]]:
    """Return (source cidr, destination cidr, protocol, port, permit) rules, 10,000 in all."""
    plan = segment_plan()
    by_zone: dict[str, list[str]] = {}
    for _, zone, cidr in plan:
        by_zone.setdefault(zone, []).append(cidr)
    rules: list[tuple[str, str, str, int, bool]] = []
    per_segment = RULES // SEGMENTS
    for _, zone, cidr in plan:
        for _ in range(per_segment - 2):
            destination = rng.choice(by_zone[zone])
            rules.append((cidr, destination, rng.choice(["tcp", "tcp", "udp"]), rng.choice(PORTS), True))
        if zone == "internet":
            rules.append(("172.16.150.10/32", rng.choice(by_zone["lgwan"]), "tcp", 25, True))
        else:
            rules.append((cidr, "0.0.0.0/0", "tcp", 22, False))
        # A few deliberate leaks, as auditors find them.
        if rng.random() < 0.05:
            other = "lgwan" if zone != "lgwan" else "internet"
            rules.append((cidr, rng.choice(by_zone[other]), "tcp", 443, True))
        else:
            rules.append((cidr, cidr, "icmp", 0, True))
    return rules[:RULES]


def iptables_text(rules: list[tuple[str, str, str, int, bool]]) -> str:
    lines = ["*filter", ":INPUT DROP [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]"]
    chains: dict[str, list[str]] = {}
    for src, dst, proto, port, permit in rules:
        chain = "S_" + src.split("/")[0].replace(".", "_")
        target = "ACCEPT" if permit else "DROP"
        port_part = f" --dport {port}" if proto in ("tcp", "udp") else ""
        chains.setdefault(chain, []).append(f"-A {chain} -d {dst} -p {proto}{port_part} -j {target}")
    lines.append("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
    lines += [f":{name} - [0:0]" for name in chains]
    for name in chains:
        source = name[2:].replace("_", ".")
        lines.append(
            f"-A FORWARD -s {source}/24 -j {name}"
            if not source.endswith(".10")
            else f"-A FORWARD -s {source}/32 -j {name}"
        )
    for body in chains.values():
        lines += body
    lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def fortigate_text(rules: list[tuple[str, str, str, int, bool]]) -> str:
    names: dict[str, str] = {}
    lines = ["config firewall address"]
    for src, dst, _, _, _ in rules:
        for cidr in (src, dst):
            if cidr not in names:
                names[cidr] = f"net_{len(names)}"
                address, length = cidr.split("/")
                mask = (0xFFFFFFFF << (32 - int(length))) & 0xFFFFFFFF
                dotted = ".".join(str((mask >> s) & 0xFF) for s in (24, 16, 8, 0))
                lines += [f'    edit "{names[cidr]}"', f"        set subnet {address} {dotted}", "    next"]
    lines += ["end", "config firewall service custom"]
    services: dict[tuple[str, int], str] = {}
    for _, _, proto, port, _ in rules:
        if proto != "icmp" and (proto, port) not in services:
            services[(proto, port)] = f"svc_{proto}_{port}"
            lines += [
                f'    edit "{services[(proto, port)]}"',
                f"        set {proto}-portrange {port}",
                "    next",
            ]
    lines += ["end", "config firewall policy"]
    for number, (src, dst, proto, port, permit) in enumerate(rules, start=1):
        service = "ALL_ICMP" if proto == "icmp" else services[(proto, port)]
        lines += [
            f"    edit {number}",
            '        set srcintf "any"',
            '        set dstintf "any"',
            f'        set srcaddr "{names[src]}"',
            f'        set dstaddr "{names[dst]}"',
            f"        set action {'accept' if permit else 'deny'}",
            '        set schedule "always"',
            f'        set service "{service}"',
            "    next",
        ]
    lines.append("end")
    return "\n".join(lines) + "\n"


def random_prefix(rng: random.Random, shortest: int) -> str:
    """Return a random prefix inside one of the zones' /16 spaces (so it touches forbidden pairs)."""
    base = rng.choice([0x0A0A0000, 0x0A140000, 0xAC100000])
    length = rng.randint(shortest, 32)
    value = (base | rng.getrandbits(16)) & ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF)
    return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}/{length}"


def random_match(rng: random.Random) -> tuple[str, str, str]:
    """Return (protocol, "low:high" destination ports, action) drawn at random."""
    low = rng.randint(0, 65535)
    high = min(65535, low + rng.choice([0, 1, 15, 1000, 65535]))
    return rng.choice(["tcp", "udp"]), f"{low}:{high}", rng.choice(["ACCEPT", "DROP", "DROP"])


def chained_random_text(rng: random.Random) -> str:
    """Return random rules within the realistic structure: one user chain per source segment.

    FORWARD dispatches each source segment to its own chain, as in the realistic variant and in real
    firewalls; inside each chain the rules are random (destination prefixes of random length anywhere
    in the zones' space, random port ranges, random actions), so every chain crosses forbidden pairs.
    """
    lines = ["*filter", ":FORWARD DROP [0:0]"]
    plan = segment_plan()
    per_chain = RULES // len(plan) - 1
    lines += [f":S{i} - [0:0]" for i in range(len(plan))]
    lines += [f"-A FORWARD -s {cidr} -j S{i}" for i, (_, _, cidr) in enumerate(plan)]
    for i in range(len(plan)):
        for _ in range(per_chain):
            proto, ports, action = random_match(rng)
            lines.append(f"-A S{i} -d {random_prefix(rng, 12)} -p {proto} --dport {ports} -j {action}")
    lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def adversarial_text(rng: random.Random) -> str:
    """Return 10,000 random rules in FORWARD alone (the issue's adversarial variant).

    Random source and destination prefixes (/12-/32) across all zones, random port ranges and
    actions, no per-segment chains: the undecided region becomes one large BDD that every rule is
    checked against.
    """
    lines = ["*filter", ":FORWARD DROP [0:0]"]
    for _ in range(RULES):
        proto, ports, action = random_match(rng)
        source = random_prefix(rng, 12)
        destination = random_prefix(rng, 12)
        lines.append(f"-A FORWARD -s {source} -d {destination} -p {proto} --dport {ports} -j {action}")
    lines.append("COMMIT")
    return "\n".join(lines) + "\n"


def timed(function: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(label: str, vendor: str, text: str, model: Model) -> None:
    parser = get_parser(vendor)
    parse_time, parsed = timed(lambda: parser(text, source="fw.conf"))
    assert isinstance(parsed, ParsedConfig)
    verify_time, report = timed(lambda: verify(model, {"fw": parsed}, as_of=AS_OF, find_shadowed=False))
    shadow_time, full = timed(lambda: verify(model, {"fw": parsed}, as_of=AS_OF), repeat=1)
    violations = len(report.violations)  # type: ignore[attr-defined]
    shadowed = len(full.shadowed_rules)  # type: ignore[attr-defined]
    print(
        f"{label:<28} rules={len(parsed.rules()):>6}  parse={parse_time:6.3f}s  verify={verify_time:6.3f}s  "
        f"ratio verify/parse={verify_time / parse_time:5.2f}x  (with shadow pass {shadow_time:6.3f}s)  "
        f"violations={violations} shadowed={shadowed}"
    )


def main() -> None:
    rng = random.Random(20261125)
    policy = realistic_policy(rng)
    print(f"netcheck verify benchmark: {SEGMENTS} segments, {RULES} rules, targets verify < 1 s, ratio < 3x")
    measure("iptables (realistic)", "iptables", iptables_text(policy), load_model(model_text("iptables")))
    if "fortigate" in VENDORS:
        try:
            get_parser("fortigate")
        except Exception as exc:
            print(f"fortigate: skipped ({exc})")
        else:
            measure(
                "FortiGate (realistic)",
                "fortigate",
                fortigate_text(policy),
                load_model(model_text("fortigate")),
            )
    measure("iptables (adversarial)", "iptables", adversarial_text(rng), load_model(model_text("iptables")))
    measure(
        "iptables (adv. in chains)", "iptables", chained_random_text(rng), load_model(model_text("iptables"))
    )


if __name__ == "__main__":
    main()
