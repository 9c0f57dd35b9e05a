"""The verifier over the other vendors' parsers: FortiGate policies and ASA security levels end to end."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.netcheck import Certainty, load_model, verify
from mamori.netcheck.vendors import VENDORS

AS_OF = dt.date(2026, 11, 25)
ZONES = """\
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
"""
FORTIGATE = """\
config firewall address
    edit "LGWAN_LAN"
        set subnet 10.20.0.0 255.255.0.0
    next
    edit "RELAY"
        set subnet 192.168.50.10 255.255.255.255
    next
    edit "UPDATE_CDN"
        set type fqdn
        set fqdn "update.example.com"
    next
end
config firewall policy
    edit 10
        set srcintf "port2"
        set dstintf "port1"
        set srcaddr "RELAY"
        set dstaddr "LGWAN_LAN"
        set action accept
        set schedule "always"
        set service "SMTP"
    next
    edit 20
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "LGWAN_LAN"
        set dstaddr "UPDATE_CDN"
        set action accept
        set schedule "always"
        set service "HTTPS"
    next
    edit 30
        set srcintf "port1"
        set dstintf "port2"
        set srcaddr "LGWAN_LAN"
        set dstaddr "all"
        set action accept
        set schedule "always"
        set service "SSH"
    next
end
"""
ASA = """\
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
!
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.20.0.1 255.255.0.0
!
interface GigabitEthernet0/2
 nameif mn
 security-level 100
 ip address 10.10.0.1 255.255.0.0
!
access-list OUT_IN extended permit tcp any host 10.20.0.25 eq smtp
access-group OUT_IN in interface outside
"""


def _needs(vendor: str) -> None:
    try:
        __import__(VENDORS[vendor])
    except ModuleNotFoundError:
        pytest.skip(f"{vendor} parser not in this branch")


def test_fortigate_policies_with_interface_map() -> None:
    _needs("fortigate")
    model = load_model(
        ZONES + "devices:\n  - {id: fg, vendor: fortigate, config: fg.conf,"
        " interfaces: {port1: lgwan, port2: internet}}\n"
    )
    report = verify(model, {"fg": FORTIGATE}, as_of=AS_OF)
    found = {(v.rule, v.line, v.from_zone, v.to_zone, v.certainty) for v in report.violations}
    # Policy 10 is the declared sanitizer flow; 20 leaks only if the FQDN resolves there; 30 leaks.
    assert found == {
        ("20", 23, "lgwan", "internet", Certainty.POSSIBLE),
        ("30", 32, "lgwan", "internet", Certainty.DEFINITE),
    }
    possible = next(v for v in report.violations if v.rule == "20")
    assert possible.unknown_objects == ("UPDATE_CDN",)
    definite = next(v for v in report.violations if v.rule == "30")
    assert definite.witness is not None and (definite.witness.protocol, definite.witness.dst_port) == (
        "tcp",
        22,
    )
    assert (definite.witness.in_interface, definite.witness.out_interface) == ("port1", "port2")


def test_asa_security_levels_decide_when_no_acl_is_bound() -> None:
    _needs("cisco-asa")
    model = load_model(
        ZONES + "devices:\n  - {id: asa, vendor: cisco-asa, config: asa.cfg,"
        " interfaces: {outside: internet, inside: lgwan, mn: mynumber}}\n"
    )
    report = verify(model, {"asa": ASA}, as_of=AS_OF)
    found = {(v.rule, v.line, v.from_zone, v.to_zone) for v in report.violations}
    # Higher to lower security level passes without an ACL; equal levels and the bound ACL do not.
    assert found == {
        ("セキュリティレベル inside(100) → outside(0)", 8, "lgwan", "internet"),
        ("セキュリティレベル mn(100) → outside(0)", 13, "mynumber", "internet"),
        ("OUT_IN #1", 16, "internet", "lgwan"),
    }
    smtp = next(v for v in report.violations if v.rule == "OUT_IN #1")
    # The ACL admits SMTP from anyone, not only from the sanitizing relay.
    assert smtp.witness is not None and smtp.witness.src != "192.168.50.10"
