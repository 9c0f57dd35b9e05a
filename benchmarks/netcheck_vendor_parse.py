"""Benchmark the FortiGate, YAMAHA RTX, Cisco ASA and Cisco IOS parsers on generated configurations.

Prints, per vendor, the parse time, the time per configuration line and the ratio to a baseline measured
in the same run: splitting the same text into lines and words (the floor any parser pays).
Run: ``PYTHONPATH=src python benchmarks/netcheck_vendor_parse.py [RULES]``.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable

from mamori.netcheck.ir import ParsedConfig
from mamori.netcheck.vendors import cisco_asa, cisco_ios, fortigate, yamaha_rtx


def _address(rng: random.Random) -> str:
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"


def _fortigate(rng: random.Random, count: int) -> str:
    lines = ["config firewall address"]
    for index in range(count):
        lines += [f'    edit "a{index}"', f"        set subnet {_address(rng)} 255.255.255.0", "    next"]
    lines += ["end", "config firewall policy"]
    for index in range(count):
        lines += [
            f"    edit {index + 1}",
            '        set srcintf "port1"',
            '        set dstintf "port2"',
            f'        set srcaddr "a{index}"',
            f'        set dstaddr "a{(index * 7) % count}"',
            "        set action accept",
            '        set service "HTTPS" "SSH"',
            "    next",
        ]
    return "\n".join([*lines, "end"])


def _ios(rng: random.Random, count: int) -> str:
    entries = [
        f" permit tcp {_address(rng)} 0.0.0.255 host {_address(rng)} eq {rng.randrange(1, 65536)}"
        for _ in range(count)
    ]
    return "\n".join(["ip access-list extended BIG", *entries])


def _asa(rng: random.Random, count: int) -> str:
    return "\n".join(
        f"access-list BIG extended permit tcp {_address(rng)} 255.255.255.0 host {_address(rng)}"
        f" eq {rng.randrange(1, 65536)}"
        for _ in range(count)
    )


def _rtx(rng: random.Random, count: int) -> str:
    numbers = " ".join(str(index + 1) for index in range(count))
    filters = [
        f"ip filter {index + 1} pass {_address(rng)}/24 {_address(rng)} tcp * {rng.randrange(1, 65536)}"
        for index in range(count)
    ]
    return "\n".join([f"ip lan1 secure filter in {numbers}", *filters])


def _best(function: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Generate one configuration per vendor and print parse time against the split baseline."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rng = random.Random(20261125)
    cases: list[tuple[str, Callable[..., ParsedConfig], str]] = [
        ("fortigate", fortigate.parse, _fortigate(rng, count)),
        ("yamaha-rtx", yamaha_rtx.parse, _rtx(rng, count)),
        ("cisco-asa", cisco_asa.parse, _asa(rng, count)),
        ("cisco-ios", cisco_ios.parse, _ios(rng, count)),
    ]
    print(f"rules per vendor: {count}")
    for name, parse, text in cases:
        lines = text.count("\n") + 1
        baseline = _best(lambda text=text: [line.split() for line in text.splitlines()])
        elapsed = _best(lambda parse=parse, text=text: parse(text, source="bench"))
        rules = len(parse(text, source="bench").rules())
        print(
            f"{name:11} lines={lines:7} rules={rules:6} parse={elapsed:6.3f}s "
            f"per-line={elapsed / lines * 1e6:6.1f}us ratio-to-split={elapsed / baseline:6.1f}"
        )


if __name__ == "__main__":
    main()
