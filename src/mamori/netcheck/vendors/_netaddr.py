"""Address, port and ICMP literals shared by the Linux parsers (iptables, nftables)."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from mamori.netcheck.ir import AddressRange, PortRange

# Service names iptables and nft accept from /etc/services (IANA registry), the common subset.
SERVICE_PORTS: Mapping[str, int] = {
    "ftp-data": 20,
    "ftp": 21,
    "ssh": 22,
    "telnet": 23,
    "smtp": 25,
    "domain": 53,
    "dns": 53,
    "bootps": 67,
    "bootpc": 68,
    "tftp": 69,
    "http": 80,
    "www": 80,
    "kerberos": 88,
    "pop3": 110,
    "ntp": 123,
    "netbios-ns": 137,
    "netbios-dgm": 138,
    "netbios-ssn": 139,
    "imap": 143,
    "imap2": 143,
    "snmp": 161,
    "snmp-trap": 162,
    "ldap": 389,
    "https": 443,
    "microsoft-ds": 445,
    "smtps": 465,
    "submission": 587,
    "ldaps": 636,
    "imaps": 993,
    "pop3s": 995,
    "ms-sql-s": 1433,
    "mysql": 3306,
    "ms-wbt-server": 3389,
    "rdp": 3389,
    "postgresql": 5432,
}

# ICMP type names (iptables --icmp-type, nft icmp type), RFC 792 / RFC 4443.
ICMP_TYPES: Mapping[str, tuple[int, int | None]] = {
    "echo-reply": (0, None),
    "pong": (0, None),
    "destination-unreachable": (3, None),
    "source-quench": (4, None),
    "redirect": (5, None),
    "echo-request": (8, None),
    "ping": (8, None),
    "router-advertisement": (9, None),
    "router-solicitation": (10, None),
    "time-exceeded": (11, None),
    "ttl-exceeded": (11, None),
    "parameter-problem": (12, None),
    "timestamp-request": (13, None),
    "timestamp-reply": (14, None),
    "info-request": (15, None),
    "info-reply": (16, None),
    "address-mask-request": (17, None),
    "address-mask-reply": (18, None),
    "port-unreachable": (3, 3),
    "host-unreachable": (3, 1),
    "network-unreachable": (3, 0),
}
ICMPV6_TYPES: Mapping[str, tuple[int, int | None]] = {
    "destination-unreachable": (1, None),
    "packet-too-big": (2, None),
    "time-exceeded": (3, None),
    "parameter-problem": (4, None),
    "echo-request": (128, None),
    "echo-reply": (129, None),
    "mld-listener-query": (130, None),
    "mld-listener-report": (131, None),
    "mld-listener-done": (132, None),
    "mld-listener-reduction": (132, None),
    "nd-router-solicit": (133, None),
    "nd-router-advert": (134, None),
    "nd-neighbor-solicit": (135, None),
    "nd-neighbor-advert": (136, None),
    "nd-redirect": (137, None),
    "router-renumbering": (138, None),
    "mld2-listener-report": (143, None),
}


def parse_network(text: str) -> AddressRange | None:
    """Parse ``a.b.c.d``, ``a.b.c.d/len``, ``a.b.c.d/m.a.s.k`` or an IPv6 prefix; None if not an address."""
    try:
        if "/" in text:
            address, _, mask = text.partition("/")
            if "." in mask:
                mask_int = int(ipaddress.IPv4Address(mask))
                length = bin(mask_int).count("1")
                if mask_int != ((1 << 32) - 1) ^ ((1 << (32 - length)) - 1):
                    return None
                text = f"{address}/{length}"
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return AddressRange(int(network.network_address), int(network.broadcast_address), network.version)


def parse_address_range(text: str) -> AddressRange | None:
    """Parse ``first-last`` address ranges (iptables iprange, nft ranges)."""
    first_text, sep, last_text = text.partition("-")
    if not sep:
        return None
    try:
        first = ipaddress.ip_address(first_text.strip())
        last = ipaddress.ip_address(last_text.strip())
    except ValueError:
        return None
    if first.version != last.version or int(first) > int(last):
        return None
    return AddressRange(int(first), int(last), first.version)


def parse_port(text: str) -> int | None:
    """Parse a port number or service name."""
    text = text.strip()
    if text.isdigit():
        value = int(text)
        return value if 0 <= value <= 65535 else None
    return SERVICE_PORTS.get(text.lower())


def parse_port_range(text: str, separator: str = ":") -> PortRange | None:
    """Parse ``80``, ``1024:65535``, ``:1023``, ``1024:`` (iptables) or ``a-b`` (nft)."""
    if separator in text:
        low_text, _, high_text = text.partition(separator)
        low = parse_port(low_text) if low_text else 0
        high = parse_port(high_text) if high_text else 65535
        if low is None or high is None or low > high:
            return None
        return PortRange(low, high)
    port = parse_port(text)
    return PortRange(port, port) if port is not None else None
