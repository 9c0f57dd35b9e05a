"""Intermediate form shared by the nftables text and JSON readers (before IR rules are built)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mamori.netcheck.ir import Action, Unsupported

__all__ = [
    "OPENING_STATES",
    "PORT_PROTOCOL_NAMES",
    "VERDICTS",
    "Cond",
    "RawChain",
    "RawRule",
    "RuleError",
    "Ruleset",
]

OPENING_STATES = frozenset({"new", "invalid", "untracked"})
VERDICTS = {"accept": Action.PERMIT, "drop": Action.DENY, "reject": Action.DENY, "return": Action.RETURN}
PORT_PROTOCOL_NAMES = {"tcp": 6, "udp": 17, "sctp": 132, "udplite": 136, "th": None}


class RuleError(Exception):
    """A statement that cannot be read; becomes an Unsupported entry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Cond:
    """One match: ``key`` such as ``ip saddr``, ``tcp dport``, ``ct state``; values are literals."""

    key: str
    values: list[str]
    negate: bool = False
    set_ref: str | None = None


@dataclass
class RawRule:
    line: int
    text: str
    conds: list[Cond]
    verdict: str | None
    target: str | None
    unknown: list[str] = field(default_factory=list)


@dataclass
class RawChain:
    family: str
    table: str
    name: str
    line: int
    hook: str | None = None
    priority: int = 0
    policy: str | None = None
    policy_line: int = 0
    rules: list[RawRule] = field(default_factory=list)


@dataclass
class Ruleset:
    chains: dict[tuple[str, str, str], RawChain] = field(default_factory=dict)
    sets: dict[tuple[str, str, str], list[str] | None] = field(default_factory=dict)
    unsupported: list[Unsupported] = field(default_factory=list)
