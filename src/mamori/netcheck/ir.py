"""Vendor-neutral representation of a device's packet filter, produced by every vendor parser.

Contract for parsers (``vendors/<vendor>.py``):

* ``parse(text: str, *, source: str) -> ParsedConfig``; ``source`` is the file name shown in reports.
* A line that cannot be understood becomes an :class:`Unsupported` entry and parsing goes on. Only a file
  that cannot be parsed at all raises :class:`mamori.netcheck.errors.ConfigSyntaxError`.
* An object or match the parser cannot resolve (FQDN, geography, ipset, undefined name, application id)
  is kept by name in an ``unknown`` tuple; the engine treats it as "any" in a permit and "nothing" in a
  deny and reports violations that depend on it as *possible*.
* Rules that match only established/related state or TCP packets with ACK set ``state_only=True``:
  they cannot open a connection and are listed as warnings.

How the engine evaluates one forwarded packet entering interface ``i`` and leaving interface ``o``:

1. the ingress chain attached to ``i`` (:class:`Attachment` with stage ``INGRESS``), if any;
2. the forward (global) chain (stage ``FORWARD``, interface ``None``), if any: iptables/nftables
   FORWARD, FortiGate's policy list, an ASA global ACL;
3. the egress chain attached to ``o`` (stage ``EGRESS``), if any.

The packet passes when every present stage permits it. When ``i`` has no ingress attachment and there is
no forward attachment, the first :class:`PairDefault` matching ``(i, o)`` adds a stage decided by its
default action (ASA security levels). When no stage applies at all, ``ParsedConfig.default`` decides
(an RTX interface with no filter list passes everything).

Each chain is first-match. ``JUMP`` evaluates the target chain and continues after the jump when the
target falls through or returns; ``GOTO`` does not come back (a return in the target returns from the
caller); ``RETURN`` leaves the current chain. A built-in chain ends with its ``default``; a user chain
(``default is None``) falls through to its caller.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "ANY_ADDRESS",
    "ANY_SERVICE",
    "IPV4_MAX",
    "IPV6_MAX",
    "NO_ADDRESS",
    "NO_SERVICE",
    "PROTOCOL_NUMBERS",
    "Action",
    "AddressMatch",
    "AddressRange",
    "Attachment",
    "Chain",
    "DefaultAction",
    "InterfaceMatch",
    "NamedObject",
    "PairDefault",
    "ParsedConfig",
    "PortRange",
    "Rule",
    "Service",
    "ServiceMatch",
    "Stage",
    "Unsupported",
    "Wildcard",
]

IPV4_MAX = (1 << 32) - 1
IPV6_MAX = (1 << 128) - 1

# IANA protocol numbers for the names vendors use (RFC 790 and the IANA registry).
PROTOCOL_NUMBERS: Mapping[str, int] = {
    "icmp": 1,
    "igmp": 2,
    "ipip": 4,
    "tcp": 6,
    "egp": 8,
    "udp": 17,
    "gre": 47,
    "esp": 50,
    "ah": 51,
    "icmpv6": 58,
    "ipv6-icmp": 58,
    "eigrp": 88,
    "ospf": 89,
    "pim": 103,
    "vrrp": 112,
    "l2tp": 115,
    "sctp": 132,
}


class Action(enum.StrEnum):
    """What a rule does with the packets it matches."""

    PERMIT = "permit"
    DENY = "deny"
    JUMP = "jump"
    GOTO = "goto"
    RETURN = "return"


class Stage(enum.StrEnum):
    """Where a chain is attached on the forwarding path."""

    INGRESS = "ingress"
    FORWARD = "forward"
    EGRESS = "egress"


@dataclass(frozen=True, slots=True)
class AddressRange:
    """Inclusive address range ``first``-``last`` (a prefix is a range) of IP ``version`` 4 or 6."""

    first: int
    last: int
    version: int = 4


@dataclass(frozen=True, slots=True)
class Wildcard:
    """IPv4 address with a Cisco wildcard mask: bits set in ``wildcard`` are "don't care"."""

    address: int
    wildcard: int


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """Union of ranges and wildcard pairs, optionally negated; ``unknown`` names unresolved objects."""

    ranges: tuple[AddressRange, ...] = ()
    wildcards: tuple[Wildcard, ...] = ()
    negate: bool = False
    unknown: tuple[str, ...] = ()


ANY_ADDRESS = AddressMatch(ranges=(AddressRange(0, IPV4_MAX, 4), AddressRange(0, IPV6_MAX, 6)))
NO_ADDRESS = AddressMatch()


@dataclass(frozen=True, slots=True)
class PortRange:
    """Inclusive port range."""

    first: int
    last: int


@dataclass(frozen=True, slots=True)
class Service:
    """One protocol with optional ports or ICMP type/code; ``protocol=None`` means every protocol.

    Empty ``src_ports``/``dst_ports`` mean any port. ``icmp_type``/``icmp_code`` apply to ICMP (1) and
    ICMPv6 (58) only.
    """

    protocol: int | None = None
    src_ports: tuple[PortRange, ...] = ()
    dst_ports: tuple[PortRange, ...] = ()
    icmp_type: int | None = None
    icmp_code: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    """Union of services, optionally negated; an empty ``services`` tuple matches nothing."""

    services: tuple[Service, ...] = (Service(),)
    negate: bool = False
    unknown: tuple[str, ...] = ()


ANY_SERVICE = ServiceMatch()
NO_SERVICE = ServiceMatch(services=())


@dataclass(frozen=True, slots=True)
class InterfaceMatch:
    """Interface names (iptables ``eth+`` means the prefix ``eth``), optionally negated."""

    names: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class Rule:
    """One filter rule as the device states it.

    ``rule_id`` is the vendor's identifier (FortiGate policy id, ``"ACL名 #3"``, RTX filter number,
    ``"FORWARD #2"``); ``line`` is the 1-based line where the rule starts (FortiGate: the ``edit``
    line); ``text`` is the source text shown in reports. ``unknown`` names matches that constrain the
    rule as a whole but are not understood (iptables ``-m time``, a FortiGate schedule).
    """

    rule_id: str
    line: int
    text: str
    action: Action
    source: AddressMatch = ANY_ADDRESS
    destination: AddressMatch = ANY_ADDRESS
    service: ServiceMatch = ANY_SERVICE
    in_interface: InterfaceMatch | None = None
    out_interface: InterfaceMatch | None = None
    target: str | None = None
    enabled: bool = True
    state_only: bool = False
    ip_version: int | None = None
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DefaultAction:
    """A default verdict, named for reports, with the line that sets it (0 when implicit)."""

    action: Action
    rule_id: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Chain:
    """Ordered first-match rule list; ``default`` is ``None`` for a user chain that falls through."""

    name: str
    rules: tuple[Rule, ...]
    default: DefaultAction | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A chain bound to the forwarding path; ``interface`` is ``None`` for the forward stage."""

    stage: Stage
    chain: str
    interface: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class PairDefault:
    """Verdict for traffic from ``in_interface`` to ``out_interface`` when no ACL applies (ASA)."""

    in_interface: str | None
    out_interface: str | None
    default: DefaultAction


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A line the parser did not understand; parsing went on past it."""

    file: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class NamedObject:
    """An address or service object defined in the config (for parser tests and ``parse`` output)."""

    kind: str
    name: str
    line: int


@dataclass(frozen=True)
class ParsedConfig:
    """Everything the engine needs from one device configuration."""

    vendor: str
    source: str
    chains: tuple[Chain, ...]
    attachments: tuple[Attachment, ...]
    interfaces: tuple[str, ...] = ()
    default: DefaultAction = field(
        default_factory=lambda: DefaultAction(Action.PERMIT, "フィルタ未設定", 0),
    )
    pair_defaults: tuple[PairDefault, ...] = ()
    unsupported: tuple[Unsupported, ...] = ()
    objects: tuple[NamedObject, ...] = ()

    def chain(self, name: str) -> Chain | None:
        """Return the chain called ``name``, or ``None``."""
        for chain in self.chains:
            if chain.name == name:
                return chain
        return None

    def rules(self) -> tuple[Rule, ...]:
        """Return every rule of every chain in order."""
        return tuple(rule for chain in self.chains for rule in chain.rules)
