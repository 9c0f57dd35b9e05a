"""MODEL.yaml loading: exact semantics and Japanese errors that name the problem and its line."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.netcheck.errors import ModelError
from mamori.netcheck.model import NetworkModel, ZoneKind, load_model

VALID = """\
version: 1
network_model: beta-prime
zones:
  - {id: mynumber, kind: mynumber, label: マイナンバー利用事務系}
  - {id: internet, kind: internet}
segments:
  - {id: mn-lan, zone: mynumber, cidrs: [10.10.0.0/16]}
systems:
  - {id: relay, zone: internet, role: mail-sanitizer, addresses: [192.168.50.10]}
allowed_flows:
  - id: eltax
    from: {segment: mn-lan}
    to: {system: relay}
    services: [tcp/443, udp/1000-2000, icmp]
    rationale: 特定通信
    expires: 2027-03-31
devices:
  - id: fw
    vendor: iptables
    config: fw.rules
    interfaces: {eth0: mynumber, eth1: internet}
"""


def test_valid_model_loads_with_every_field() -> None:
    model = load_model(VALID)
    assert model.network_model is NetworkModel.BETA_PRIME
    assert [z.kind for z in model.zones] == [ZoneKind.MYNUMBER, ZoneKind.INTERNET]
    assert model.zones[1].label == "internet"
    flow = model.allowed_flows[0]
    assert flow.expires == dt.date(2027, 3, 31)
    assert flow.line == 11
    assert [(s.protocol, s.first_port, s.last_port) for s in flow.services] == [
        (6, 443, 443),
        (17, 1000, 2000),
        (1, None, None),
    ]
    assert model.devices[0].interfaces == {"eth0": "mynumber", "eth1": "internet"}
    assert model.devices[0].line == 18


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ("version: 1", "version: 2", 1, "version は 1 だけ"),
        ("network_model: beta-prime", "network_model: gamma", 2, "network_model「gamma」は使えません"),
        ("kind: mynumber,", "kind: secret,", 4, "kind「secret」は使えません"),
        ("zone: mynumber, cidrs", "zone: nowhere, cidrs", 7, "zone「nowhere」は zones に定義されていません"),
        ("[10.10.0.0/16]", "[10.10.0.0/33]", 7, "10.10.0.0/33"),
        ("role: mail-sanitizer", "role: firewall", 9, "role「firewall」は使えません"),
        ("to: {system: relay}", "to: {system: ghost}", 13, "to.system「ghost」は定義されていません"),
        ("tcp/443,", "tcp/70000,", 14, "ポート範囲が不正"),
        ("expires: 2027-03-31", "expires: 2027-02-30", 16, "YYYY-MM-DD"),
        ("expires: 2027-03-31", "expire: 2027-03-31", 16, "不明な項目「expire」"),
        ("vendor: iptables", "vendor: juniper", 19, "vendor「juniper」には対応していません"),
        ("eth1: internet", "eth1: dmz", 21, "インタフェース「eth1」のゾーン「dmz」"),
        ("from: {segment: mn-lan}", "from: {segment: mn-lan, zone: internet}", 12, "どれか一つだけ"),
    ],
)
def test_invalid_model_names_problem_and_line(old: str, new: str, line: int, fragment: str) -> None:
    assert old in VALID
    with pytest.raises(ModelError) as caught:
        load_model(VALID.replace(old, new, 1))
    assert caught.value.line == line
    assert fragment in caught.value.message
    assert caught.value.message.startswith(f"MODEL.yaml {line}行目: ")
    assert caught.value.code == "invalid_model"


def test_duplicate_ids_are_rejected_at_the_second_definition() -> None:
    text = VALID.replace(
        "  - {id: internet, kind: internet}\n",
        "  - {id: internet, kind: internet}\n  - {id: internet, kind: lgwan}\n",
    )
    with pytest.raises(ModelError) as caught:
        load_model(text)
    assert caught.value.line == 6
    assert "ゾーン id「internet」が重複" in caught.value.message


def test_yaml_syntax_error_reports_its_line() -> None:
    with pytest.raises(ModelError) as caught:
        load_model("version: 1\nzones:\n  - {id: a, kind: custom\ndevices: []\n")
    assert caught.value.line == 4
    assert "YAML の構文エラー" in caught.value.message


def test_missing_required_key_is_named() -> None:
    with pytest.raises(ModelError) as caught:
        load_model("version: 1\nzones:\n  - {id: a, kind: custom}\n")
    assert "必須項目「devices」" in caught.value.message
    assert caught.value.line == 1


def test_services_any_scalar_and_list_mean_the_same() -> None:
    scalar = load_model(VALID.replace("services: [tcp/443, udp/1000-2000, icmp]", "services: any"))
    listed = load_model(VALID.replace("services: [tcp/443, udp/1000-2000, icmp]", "services: [any]"))
    assert [s.protocol for s in scalar.allowed_flows[0].services] == [None]
    assert [s.protocol for s in listed.allowed_flows[0].services] == [None]


def test_overlapping_identical_cidrs_are_ambiguous() -> None:
    text = VALID.replace(
        "  - {id: mn-lan, zone: mynumber, cidrs: [10.10.0.0/16]}\n",
        "  - {id: mn-lan, zone: mynumber, cidrs: [10.10.0.0/16]}\n"
        "  - {id: dup, zone: internet, cidrs: [10.10.0.0/16]}\n",
    )
    with pytest.raises(ModelError) as caught:
        load_model(text)
    assert caught.value.line == 8
