"""Parse a Cisco IOS / IOS-XE configuration's ACLs and their interface bindings into the rule IR.

Semantics (Cisco IOS Security Configuration Guide, "IP Access List Overview"): entries are checked in
sequence-number order, the first match decides, every ACL ends with an implicit deny, an interface
without ``ip access-group`` forwards everything, and an ACL that is bound but not defined permits
everything. Numbered ACLs 1-99 and 1300-1999 are standard (source only), 100-199 and 2000-2699 extended.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mamori.netcheck.errors import LimitExceededError
from mamori.netcheck.ir import (
    Action,
    Attachment,
    Chain,
    DefaultAction,
    NamedObject,
    ParsedConfig,
    Rule,
    Stage,
    Unsupported,
)
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE
from mamori.netcheck.vendors import decode_config
from mamori.netcheck.vendors._cisco import CiscoObjects, Definition, parse_acl_entry
from mamori.netcheck.vendors._tokens import Line, TokenError, iter_lines, strip_inline_comment

__all__ = ["VENDOR", "parse"]

VENDOR = "cisco-ios"

# Top-level commands that change forwarding but are not modelled (zone-based firewall, NAT).
_UNMODELLED = {
    ("zone", "security"): "ゾーンベースファイアウォールは検証対象外です",
    ("zone-pair", "security"): "ゾーンベースファイアウォールは検証対象外です",
    ("policy-map", "type"): "ゾーンベースファイアウォールの policy-map は検証対象外です",
    ("class-map", "type"): "ゾーンベースファイアウォールの class-map は検証対象外です",
    ("ip", "nat"): "NAT は検証対象外です",
}


@dataclass(slots=True)
class _AclLine:
    sequence: int
    line: Line
    words: list[str]


@dataclass(slots=True)
class _Acl:
    name: str
    line: Line
    standard: bool
    version: int
    entries: list[_AclLine] = field(default_factory=list)

    def add(self, line: Line, words: list[str], sequence: int | None) -> None:
        if sequence is None:
            sequence = (max((entry.sequence for entry in self.entries), default=0) // 10 + 1) * 10
        self.entries.append(_AclLine(sequence, line, words))


class _Report:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Unsupported] = []

    def add(self, line: Line, reason: str) -> None:
        self.items.append(Unsupported(self.source, line.number, line.text.strip(), reason))


def _numbered_kind(name: str) -> bool | None:
    """Return True for a standard, False for an extended numbered ACL, None for other numbers."""
    number = int(name)
    if 1 <= number <= 99 or 1300 <= number <= 1999:
        return True
    if 100 <= number <= 199 or 2000 <= number <= 2699:
        return False
    return None


def _redecode(text: str) -> str:
    # A UTF-16 file read as Latin-1 arrives with a NUL in every other character: decode it properly.
    if "\x00" in text:
        try:
            return decode_config(text.encode("latin-1"), source="")
        except (UnicodeEncodeError, ValueError):
            return text.replace("\x00", "")
    return text.removeprefix("\ufeff")


def parse(text: str, *, source: str) -> ParsedConfig:
    """Parse IOS / IOS-XE configuration text."""
    text = _redecode(text)
    report = _Report(source)
    objects = CiscoObjects("ios", report.add)
    acls: dict[str, _Acl] = {}
    interfaces: dict[str, Line] = {}
    bindings: list[tuple[Stage, str, str, Line]] = []
    mode: tuple[str, object] | None = None
    for line in iter_lines(text):
        stripped = line.text.strip()
        if not stripped or stripped.startswith("!"):
            continue
        words = strip_inline_comment(stripped).split()
        indented = line.text[:1] in (" ", "\t")
        if not indented:
            mode = _top_level(words, line, acls, objects, interfaces, report)
            continue
        if mode is None:
            continue
        kind, target = mode
        if words[0].lower() == "exit":
            mode = None
        elif kind == "acl":
            assert isinstance(target, _Acl)
            _acl_member(target, words, line, report)
        elif kind == "group":
            assert isinstance(target, Definition)
            target.members.append((line, words))
        elif kind == "interface":
            assert isinstance(target, str)
            _interface_member(target, words, line, bindings, report)
    return _build(source, acls, interfaces, bindings, objects, report)


def _top_level(
    words: list[str],
    line: Line,
    acls: dict[str, _Acl],
    objects: CiscoObjects,
    interfaces: dict[str, Line],
    report: _Report,
) -> tuple[str, object] | None:
    lowered = [word.lower() for word in words]
    head = lowered[0]
    if head in ("exit", "end"):
        return None
    if head == "no" and len(words) >= 4 and lowered[1] in ("ip", "ipv6") and lowered[2] == "access-list":
        name = words[-1]
        acls.pop(name, None)
        return None
    if head in ("ip", "ipv6") and len(words) >= 2 and lowered[1] == "access-list":
        version = 4 if head == "ip" else 6
        rest = words[2:]
        if rest and rest[0].lower() in ("logging", "resequence", "log-update", "role-based"):
            return None
        standard = False
        if rest and rest[0].lower() in ("standard", "extended") and len(rest) >= 2:
            standard = rest[0].lower() == "standard"
            rest = rest[1:]
        if len(rest) != 1:
            report.add(line, "ACL 名を解釈できません")
            return ("ignore", None)
        acl = acls.get(rest[0])
        if acl is None:
            acl = acls[rest[0]] = _Acl(rest[0], line, standard, version)
        return ("acl", acl)
    if head == "access-list" and len(words) >= 2:
        return _numbered_line(words, line, acls, report)
    if head == "object-group" and len(words) >= 3:
        kind = lowered[1]
        name_index = 3 if kind == "network" and lowered[2] in ("ipv4", "ipv6") and len(words) >= 4 else 2
        if kind not in ("network", "service", "port") or len(words) != name_index + 1:
            report.add(line, "object-group を解釈できません")
            return ("ignore", None)
        return ("group", objects.define(f"object-group {kind}", words[name_index], line))
    if head == "interface" and len(words) >= 2:
        name = " ".join(words[1:])
        interfaces.setdefault(name, line)
        return ("interface", name)
    reason = _UNMODELLED.get((lowered[0], lowered[1] if len(lowered) > 1 else ""))
    if reason is not None and (lowered[1] != "type" or "inspect" in lowered):
        report.add(line, reason)
    return ("ignore", None)


def _numbered_line(
    words: list[str], line: Line, acls: dict[str, _Acl], report: _Report
) -> tuple[str, object] | None:
    name = words[1]
    rest = words[2:]
    if name.lower() == "dynamic-extended" and not rest:
        return None
    if name.isdigit():
        standard = _numbered_kind(name)
        if standard is None:
            report.add(line, "IP 以外の番号付き ACL は解釈しません")
            return None
        if rest and rest[0].lower() == "dynamic":
            report.add(line, "dynamic（lock-and-key）ACL は解釈しません")
            return None
    elif rest and rest[0].lower() in ("standard", "extended"):
        standard = rest[0].lower() == "standard"
        rest = rest[1:]
    else:
        report.add(line, "ACL の種類（standard/extended）がありません")
        return None
    acl = acls.get(name)
    if acl is None:
        acl = acls[name] = _Acl(name, line, standard, 4)
    if not rest:
        # "access-list NAME standard|extended" alone opens the ACL for indented entries.
        return ("acl", acl)
    _acl_member(acl, rest, line, report)
    return None


def _acl_member(acl: _Acl, words: list[str], line: Line, report: _Report) -> None:
    sequence = None
    if words[0].isdigit():
        sequence = int(words[0])
        words = words[1:]
        if not words:
            report.add(line, "シーケンス番号だけの行です")
            return
    head = words[0].lower()
    if head == "remark":
        return
    if head in ("permit", "deny"):
        acl.add(line, words, sequence)
        return
    if head in ("statistics", "no", "fragments"):
        return
    report.add(line, f"ACL {acl.name[:40]} の行を解釈できません")


def _interface_member(
    name: str, words: list[str], line: Line, bindings: list[tuple[Stage, str, str, Line]], report: _Report
) -> None:
    lowered = [word.lower() for word in words]
    if lowered[:2] in (["ip", "access-group"], ["ipv6", "traffic-filter"]) and len(words) == 4:
        if lowered[3] not in ("in", "out"):
            report.add(line, "方向（in/out）を解釈できません")
            return
        bindings.append((Stage.INGRESS if lowered[3] == "in" else Stage.EGRESS, words[2], name, line))
    elif lowered[:2] == ["zone-member", "security"]:
        report.add(line, "ゾーンベースファイアウォールは検証対象外です")


def _build(
    source: str,
    acls: dict[str, _Acl],
    interfaces: dict[str, Line],
    bindings: list[tuple[Stage, str, str, Line]],
    objects: CiscoObjects,
    report: _Report,
) -> ParsedConfig:
    chains: list[Chain] = []
    total = 0
    for acl in acls.values():
        rules = []
        position = 0
        for entry in sorted(acl.entries, key=lambda item: item.sequence):
            position += 1
            rule_id = f"{acl.name} #{position}"
            try:
                parsed = parse_acl_entry(
                    entry.words, objects, "ios", standard=acl.standard, version=acl.version
                )
            except TokenError as error:
                report.add(entry.line, f"ACL エントリを解釈できません（{error}）")
                continue
            rules.append(
                Rule(
                    rule_id=rule_id,
                    line=entry.line.number,
                    text=entry.line.text.strip(),
                    action=Action.PERMIT if parsed.is_permit else Action.DENY,
                    source=parsed.source,
                    destination=parsed.destination,
                    service=parsed.service,
                    enabled=not parsed.inactive,
                    state_only=parsed.state_only,
                    ip_version=parsed.ip_version,
                    unknown=parsed.unknown,
                )
            )
        total += len(rules)
        if total > MAX_RULES_PER_DEVICE:
            raise LimitExceededError(f"ルール数 {MAX_RULES_PER_DEVICE}", file=source)
        chains.append(Chain(acl.name, tuple(rules), DefaultAction(Action.DENY, f"{acl.name} 暗黙の拒否", 0)))
    attachments = []
    for stage, name, interface, line in bindings:
        if name not in acls:
            # IOS forwards everything through an interface whose bound ACL does not exist.
            report.add(line, f"未定義の ACL {name[:40]} が適用されています（IOS では全て許可）")
            if all(chain.name != name for chain in chains):
                default = DefaultAction(Action.PERMIT, f"未定義ACL {name}（全許可）", line.number)
                chains.append(Chain(name, (), default))
        attachments.append(Attachment(stage, name, interface, line.number))
    objects.check_all()
    named = [
        NamedObject(kind, name, definition.line.number)
        for (kind, name), definition in objects.definitions.items()
    ]
    named.extend(NamedObject("acl", acl.name, acl.line.number) for acl in acls.values())
    return ParsedConfig(
        vendor=VENDOR,
        source=source,
        chains=tuple(chains),
        attachments=tuple(attachments),
        interfaces=tuple(interfaces),
        unsupported=tuple(sorted(report.items, key=lambda item: item.line)),
        objects=tuple(named),
    )
