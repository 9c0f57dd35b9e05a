"""The shadowed-rule pass stays exact when naming the covering rules runs out of its budget."""

from __future__ import annotations

from mamori.netcheck.headerset import HeaderSpace
from mamori.netcheck.shadow import shadow_pass
from mamori.netcheck.vendors import parse_config

CONFIG = """*filter
:FORWARD DROP [0:0]
-A FORWARD -s 10.0.0.0/8 -p tcp --dport 1:1000 -j ACCEPT
-A FORWARD -s 10.1.0.0/16 -p tcp --dport 22 -j DROP
-A FORWARD -s 10.2.0.0/16 -p tcp --dport 80 -j ACCEPT
-A FORWARD -s 10.3.0.0/16 -p tcp --dport 443 -j ACCEPT
COMMIT
"""


def _pass(budget: int) -> tuple[list[tuple[str, tuple[str, ...]]], bool]:
    config = parse_config(CONFIG, vendor="iptables", source="fw.rules")
    found = shadow_pass("fw", config, HeaderSpace(), comparison_budget=budget)
    return [(s.rule, tuple(r for r, _ in s.shadowed_by)) for s in found.rules], found.named_all


def test_ample_budget_names_every_covering_rule() -> None:
    rules, named_all = _pass(1_000)
    assert rules == [
        ("FORWARD #2", ("FORWARD #1",)),
        ("FORWARD #3", ("FORWARD #1",)),
        ("FORWARD #4", ("FORWARD #1",)),
    ]
    assert named_all


def test_exhausted_budget_still_finds_every_shadowed_rule_but_says_naming_is_incomplete() -> None:
    rules, named_all = _pass(3)
    # Rule 2 scans one earlier rule, rule 3 two: the budget is spent before rule 4.
    assert [rule for rule, _ in rules] == ["FORWARD #2", "FORWARD #3", "FORWARD #4"]
    assert rules[0][1] == ("FORWARD #1",)
    assert rules[2][1] == ()
    assert not named_all
