"""List the address and service objects FortiOS ships predefined, so a policy may name them undefined.

Values follow the factory-default `config firewall service custom` and `config firewall address` tables
of FortiOS 6.4-7.4 (FortiOS Administration Guide, "Predefined services"). A configuration that defines an
object with the same name overrides the entry here.
"""

from __future__ import annotations

from typing import Final

__all__ = ["PREDEFINED_ADDRESSES", "PREDEFINED_SERVICES", "ServiceSpec"]

# One predefined service: a list of (protocol, destination ranges, source ranges); protocol is a
# number, ranges are inclusive (low, high) pairs; an empty destination list means every port.
# ICMP services carry ("icmp-type", type) in the source slot instead, see _icmp().
ServiceSpec = tuple[tuple[int, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]], ...]

_TCP: Final = 6
_UDP: Final = 17
_ICMP: Final = 1

_ANY_SRC: Final = ((0, 65535),)


def _tcp(*ranges: tuple[int, int]) -> tuple[int, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    return (_TCP, tuple(ranges), _ANY_SRC)


def _udp(*ranges: tuple[int, int]) -> tuple[int, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    return (_UDP, tuple(ranges), _ANY_SRC)


def _p(port: int) -> tuple[int, int]:
    return (port, port)


# ICMP types are kept apart from port services: name -> ICMP type (None = every type).
PREDEFINED_ICMP: Final[dict[str, int | None]] = {
    "ALL_ICMP": None,
    "PING": 8,
    "TIMESTAMP": 13,
    "INFO_REQUEST": 15,
    "INFO_ADDRESS": 17,
}

# IP protocol services (protocol IP with a protocol number; 0 = every protocol).
PREDEFINED_IP: Final[dict[str, int]] = {
    "ALL": 0,
    "GRE": 47,
    "ESP": 50,
    "AH": 51,
    "OSPF": 89,
}

PREDEFINED_SERVICES: Final[dict[str, ServiceSpec]] = {
    "ALL_TCP": (_tcp((1, 65535)),),
    "ALL_UDP": (_udp((1, 65535)),),
    "AFS3": (_tcp((7000, 7009)), _udp((7000, 7009))),
    "AOL": (_tcp((5190, 5194)),),
    "BGP": (_tcp(_p(179)),),
    "CVSPSERVER": (_tcp(_p(2401)), _udp(_p(2401))),
    "DCE-RPC": (_tcp(_p(135)), _udp(_p(135))),
    "DHCP": (_udp((67, 68)),),
    "DHCP6": (_udp((546, 547)),),
    "DNS": (_tcp(_p(53)), _udp(_p(53))),
    "FINGER": (_tcp(_p(79)),),
    "FTP": (_tcp(_p(21)),),
    "FTP_GET": (_tcp(_p(21)),),
    "FTP_PUT": (_tcp(_p(21)),),
    "GOPHER": (_tcp(_p(70)),),
    "H323": (_tcp(_p(1720), _p(1503)), _udp(_p(1719))),
    "HTTP": (_tcp(_p(80)),),
    "HTTPS": (_tcp(_p(443)),),
    "IKE": (_udp(_p(500), _p(4500)),),
    "IMAP": (_tcp(_p(143)),),
    "IMAPS": (_tcp(_p(993)),),
    "Internet-Locator-Service": (_tcp(_p(389)),),
    "IRC": (_tcp((6660, 6669)),),
    "KERBEROS": (_tcp(_p(88)), _udp(_p(88))),
    "L2TP": (_tcp(_p(1701)), _udp(_p(1701))),
    "LDAP": (_tcp(_p(389)),),
    "LDAP_UDP": (_udp(_p(389)),),
    "MMS": (_tcp(_p(1755)), _udp((1024, 5000))),
    "MS-SQL": (_tcp(_p(1433), _p(1434)),),
    "MGCP": (_udp(_p(2427), _p(2727)),),
    "MYSQL": (_tcp(_p(3306)),),
    "NetMeeting": (_tcp(_p(1720)),),
    "NFS": (_tcp(_p(111), _p(2049)), _udp(_p(111), _p(2049))),
    "NNTP": (_tcp(_p(119)),),
    "NTP": (_tcp(_p(123)), _udp(_p(123))),
    "ONC-RPC": (_tcp(_p(111)), _udp(_p(111))),
    "PC-Anywhere": (_tcp(_p(5631)), _udp(_p(5632))),
    "POP3": (_tcp(_p(110)),),
    "POP3S": (_tcp(_p(995)),),
    "PPTP": (_tcp(_p(1723)),),
    "QUAKE": (_udp(_p(26000), _p(27000), _p(27910), _p(27960)),),
    "RADIUS": (_udp(_p(1812), _p(1813)),),
    "RADIUS-OLD": (_udp(_p(1645), _p(1646)),),
    "RAUDIO": (_udp(_p(7070)),),
    "RDP": (_tcp(_p(3389)),),
    "REXEC": (_tcp(_p(512)),),
    "RIP": (_udp(_p(520)),),
    # RLOGIN and RSH restrict the source port too (privileged client ports).
    "RLOGIN": ((_TCP, (_p(513),), ((512, 1023),)),),
    "RSH": ((_TCP, (_p(514),), ((512, 1023),)),),
    "RTSP": (_tcp(_p(554), _p(7070), _p(8554)), _udp(_p(554))),
    "SAMBA": (_tcp(_p(139)),),
    "SCCP": (_tcp(_p(2000)),),
    "SIP": (_tcp(_p(5060)), _udp(_p(5060))),
    "SIP-MSNmessenger": (_tcp(_p(1863)),),
    "SMB": (_tcp(_p(445)),),
    "SMTP": (_tcp(_p(25)),),
    "SMTPS": (_tcp(_p(465)),),
    "SNMP": (_tcp((161, 162)), _udp((161, 162))),
    "SOCKS": (_tcp(_p(1080)), _udp(_p(1080))),
    "SQUID": (_tcp(_p(3128)),),
    "SSH": (_tcp(_p(22)),),
    "SYSLOG": (_udp(_p(514)),),
    "TALK": (_udp((517, 518)),),
    "TELNET": (_tcp(_p(23)),),
    "TFTP": (_udp(_p(69)),),
    "TRACEROUTE": (_udp((33434, 33535)),),
    "UUCP": (_tcp(_p(540)),),
    "VDOLIVE": (_tcp((7000, 7010)),),
    "VNC": (_tcp(_p(5900)),),
    "WAIS": (_tcp(_p(210)),),
    "WINFRAME": (_tcp(_p(1494), _p(2598)),),
    "WINS": (_tcp(_p(1512)), _udp(_p(1512))),
    "X-WINDOWS": (_tcp((6000, 6063)),),
}

# Predefined addresses: name -> (first address, last address) as 32-bit integers. `none` is
# 0.0.0.0/32 in the factory configuration, so it matches only the unspecified address.
PREDEFINED_ADDRESSES: Final[dict[str, tuple[int, int]]] = {
    "all": (0, 0xFFFFFFFF),
    "none": (0, 0),
    # 10.212.134.200-10.212.134.210
    "SSLVPN_TUNNEL_ADDR1": (0x0AD486C8, 0x0AD486D2),
}
