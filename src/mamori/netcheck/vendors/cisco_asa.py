"""Parse a Cisco ASA configuration's access lists, bindings and security levels into the rule IR.

Semantics (Cisco ASA Series Firewall Configuration Guide, "Access Rules"): an ACL bound with
``access-group NAME in|out interface X`` is checked first-match and ends with an implicit deny; a
``global`` ACL is checked after the inbound interface ACL and before the implicit deny. An interface with
no inbound ACL (and no global ACL) lets traffic go from a higher to a lower security level; equal levels
pass only with ``same-security-traffic permit inter-interface``. ``inside`` defaults to level 100,
every other ``nameif`` to 0.
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
    PairDefault,
    ParsedConfig,
    Rule,
    Stage,
    Unsupported,
)
from mamori.netcheck.limits import MAX_RULES_PER_DEVICE
from mamori.netcheck.vendors._cisco import CiscoObjects, Definition, parse_acl_entry
from mamori.netcheck.vendors._tokens import Line, TokenError, iter_lines, strip_inline_comment

__all__ = ["VENDOR", "parse"]

VENDOR = "cisco-asa"
_OBJECT_KINDS = frozenset({"network", "service"})
_GROUP_KINDS = frozenset({"network", "service", "protocol", "icmp-type"})


@dataclass(slots=True)
class _Interface:
    name: str
    line: Line
    nameif: str | None = None
    level: int | None = None
    level_line: Line | None = None


@dataclass(slots=True)
class _Acl:
    name: str
    line: Line
    entries: list[tuple[Line, list[str], bool]] = field(default_factory=list)


@dataclass(slots=True)
class _Binding:
    acl: str
    stage: Stage
    interface: str | None
    line: Line


class _Report:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Unsupported] = []

    def add(self, line: Line, reason: str) -> None:
        self.items.append(Unsupported(self.source, line.number, line.text.strip(), reason))


@dataclass(slots=True)
class _State:
    report: _Report
    objects: CiscoObjects
    acls: dict[str, _Acl] = field(default_factory=dict)
    interfaces: list[_Interface] = field(default_factory=list)
    bindings: list[_Binding] = field(default_factory=list)
    same_security: bool = False


def parse(text: str, *, source: str) -> ParsedConfig:
    """Parse Cisco ASA configuration text."""
    report = _Report(source)
    state = _State(report, CiscoObjects("asa", report.add))
    mode: _Interface | Definition | None = None
    for line in iter_lines(text.removeprefix("\ufeff")):
        stripped = line.text.strip()
        if not stripped or stripped.startswith(("!", ":")):
            continue
        words = strip_inline_comment(stripped).split()
        if not words:
            continue
        if line.text[:1] not in (" ", "\t"):
            mode = _top_level(words, line, state)
        elif isinstance(mode, _Interface):
            _interface_member(mode, words, line, report)
        elif isinstance(mode, Definition):
            if words[0].lower() == "nat":
                report.add(line, "オブジェクト NAT は検証対象外です")
            else:
                mode.members.append((line, words))
    return _build(source, state)


def _top_level(words: list[str], line: Line, state: _State) -> _Interface | Definition | None:
    lowered = [word.lower() for word in words]
    head = lowered[0]
    report = state.report
    if head == "access-list" and len(words) >= 3:
        _access_list(words, line, state)
    elif head == "access-group" and len(words) >= 3:
        _access_group(words, line, state)
    elif head == "clear" and lowered[1:3] == ["configure", "access-list"]:
        if len(words) == 4:
            state.acls.pop(words[3], None)
        else:
            state.acls.clear()
    elif head == "name" and len(words) >= 3:
        state.objects.names[words[2]] = words[1]
    elif head == "object" and len(words) == 3 and lowered[1] in _OBJECT_KINDS:
        return state.objects.define(f"object {lowered[1]}", words[2], line)
    elif head == "object-group" and len(words) in (3, 4) and lowered[1] in _GROUP_KINDS:
        protocol = lowered[3] if len(words) == 4 else None
        if protocol is not None and (
            lowered[1] != "service" or protocol not in ("tcp", "udp", "tcp-udp", "sctp")
        ):
            report.add(line, "object-group の種類を解釈できません")
            return None
        return state.objects.define(f"object-group {lowered[1]}", words[2], line, protocol)
    elif head in ("object", "object-group"):
        report.add(line, f"{head} の定義を解釈できません")
    elif head == "interface" and len(words) >= 2:
        interface = _Interface(" ".join(words[1:]), line)
        state.interfaces.append(interface)
        return interface
    elif lowered[:4] == ["same-security-traffic", "permit", "inter-interface"]:
        state.same_security = True
    elif head == "nat" or (head == "static" and len(words) > 2) or head == "global":
        report.add(line, "NAT は検証対象外です")
    return None


def _access_list(words: list[str], line: Line, state: _State) -> None:
    name = words[1]
    rest = words[2:]
    if rest[0].lower() == "line" and len(rest) >= 2 and rest[1].isdigit():
        position = int(rest[1])
        rest = rest[2:]
    else:
        position = 0
    if not rest:
        state.report.add(line, "access-list の内容がありません")
        return
    kind = rest[0].lower()
    if kind == "remark":
        return
    if kind not in ("extended", "standard"):
        state.report.add(line, f"access-list {kind[:20]} は解釈しません")
        return
    acl = state.acls.get(name)
    if acl is None:
        acl = state.acls[name] = _Acl(name, line)
    entry = (line, rest[1:], kind == "standard")
    if position and position <= len(acl.entries):
        # "access-list NAME line N" inserts before the current entry N (remarks are not entries here).
        acl.entries.insert(position - 1, entry)
    else:
        acl.entries.append(entry)


def _access_group(words: list[str], line: Line, state: _State) -> None:
    lowered = [word.lower() for word in words]
    if len(words) == 3 and lowered[2] == "global":
        state.bindings.append(_Binding(words[1], Stage.FORWARD, None, line))
    elif len(words) >= 5 and lowered[2] in ("in", "out") and lowered[3] == "interface":
        stage = Stage.INGRESS if lowered[2] == "in" else Stage.EGRESS
        state.bindings.append(_Binding(words[1], stage, words[4], line))
    else:
        state.report.add(line, "access-group を解釈できません")


def _interface_member(interface: _Interface, words: list[str], line: Line, report: _Report) -> None:
    head = words[0].lower()
    if head == "nameif" and len(words) == 2:
        interface.nameif = words[1]
    elif head == "security-level" and len(words) == 2:
        if words[1].isdigit() and int(words[1]) <= 100:
            interface.level = int(words[1])
            interface.level_line = line
        else:
            report.add(line, "security-level は 0-100 の数値です")


def _build(source: str, state: _State) -> ParsedConfig:
    report = state.report
    objects = state.objects
    has_global = any(binding.stage is Stage.FORWARD for binding in state.bindings)
    chains: list[Chain] = []
    total = 0
    for acl in state.acls.values():
        rules = []
        for position, (line, words, standard) in enumerate(acl.entries, start=1):
            try:
                parsed = parse_acl_entry(words, objects, "asa", standard=standard)
            except TokenError as error:
                report.add(line, f"ACL エントリを解釈できません（{error}）")
                continue
            rules.append(
                Rule(
                    rule_id=f"{acl.name} #{position}",
                    line=line.number,
                    text=line.text.strip(),
                    action=Action.PERMIT if parsed.is_permit else Action.DENY,
                    source=parsed.source,
                    destination=parsed.destination,
                    service=parsed.service,
                    enabled=not parsed.inactive,
                    state_only=parsed.state_only,
                    unknown=parsed.unknown,
                )
            )
        total += len(rules)
        if total > MAX_RULES_PER_DEVICE:
            raise LimitExceededError(f"ルール数 {MAX_RULES_PER_DEVICE}", file=source)
        # With a global ACL an interface ACL falls through to it, so ACL chains become user chains.
        default = None if has_global else DefaultAction(Action.DENY, f"{acl.name} 暗黙の拒否", 0)
        chains.append(Chain(acl.name, tuple(rules), default))
    objects.check_all()

    names = [interface.nameif for interface in state.interfaces if interface.nameif]
    for binding in state.bindings:
        if binding.acl not in state.acls:
            report.add(
                binding.line, f"未定義の ACL {binding.acl[:40]} が適用されています（全て許可として扱います）"
            )
            if all(chain.name != binding.acl for chain in chains):
                empty_default = (
                    None if has_global else DefaultAction(Action.PERMIT, f"未定義ACL {binding.acl}", 0)
                )
                chains.append(Chain(binding.acl, (), empty_default))
        if binding.interface is not None and binding.interface not in names:
            report.add(binding.line, f"nameif {binding.interface[:40]} のインターフェースがありません")
    attachments, wrappers = _attachments(state, names, has_global)
    chains.extend(wrappers)
    named = [
        NamedObject(kind, name, definition.line.number)
        for (kind, name), definition in objects.definitions.items()
    ]
    named.extend(NamedObject("access-list", acl.name, acl.line.number) for acl in state.acls.values())
    return ParsedConfig(
        vendor=VENDOR,
        source=source,
        chains=tuple(chains),
        attachments=tuple(attachments),
        interfaces=tuple(names),
        default=DefaultAction(Action.DENY, "インターフェース未設定", 0),
        pair_defaults=() if has_global else _pair_defaults(state),
        unsupported=tuple(sorted(report.items, key=lambda item: item.line)),
        objects=tuple(named),
    )


def _attachments(state: _State, names: list[str], has_global: bool) -> tuple[list[Attachment], list[Chain]]:
    if not has_global:
        return [
            Attachment(binding.stage, binding.acl, binding.interface, binding.line.number)
            for binding in state.bindings
        ], []
    # Global ACL present: every interface's inbound path is "interface ACL, then global ACL, then the
    # implicit deny"; egress ACLs keep their own implicit deny. Wrapper chains express that order.
    global_binding = next(binding for binding in state.bindings if binding.stage is Stage.FORWARD)
    attachments: list[Attachment] = []
    wrappers: list[Chain] = []
    inbound = {b.interface: b for b in state.bindings if b.stage is Stage.INGRESS}
    for name in names:
        jumps = []
        binding = inbound.get(name)
        if binding is not None:
            jumps.append(_jump(binding))
        jumps.append(_jump(global_binding))
        chain_name = f"{name} in (access-group + global)"
        deny = DefaultAction(Action.DENY, "暗黙の拒否 (global)", global_binding.line.number)
        wrappers.append(Chain(chain_name, tuple(jumps), deny))
        attachments.append(
            Attachment(Stage.INGRESS, chain_name, name, (binding or global_binding).line.number)
        )
    for binding in state.bindings:
        if binding.stage is Stage.EGRESS:
            chain_name = f"{binding.interface} out ({binding.acl})"
            deny = DefaultAction(Action.DENY, f"{binding.acl} 暗黙の拒否", 0)
            wrappers.append(Chain(chain_name, (_jump(binding),), deny))
            attachments.append(Attachment(Stage.EGRESS, chain_name, binding.interface, binding.line.number))
    return attachments, wrappers


def _jump(binding: _Binding) -> Rule:
    return Rule(
        rule_id=f"access-group {binding.acl}",
        line=binding.line.number,
        text=binding.line.text.strip(),
        action=Action.JUMP,
        target=binding.acl,
    )


def _pair_defaults(state: _State) -> tuple[PairDefault, ...]:
    levels: list[tuple[str, int, int]] = []
    for interface in state.interfaces:
        if interface.nameif is None:
            continue
        if interface.level is not None:
            level = interface.level
            line = interface.level_line.number if interface.level_line else 0
        else:
            # ASA assigns level 100 to a nameif "inside" and 0 to every other name.
            level = 100 if interface.nameif.lower() == "inside" else 0
            line = 0
        levels.append((interface.nameif, level, line))
    pairs = []
    for source_name, source_level, line in levels:
        for target_name, target_level, _ in levels:
            if source_name == target_name:
                continue
            passes = source_level > target_level or (source_level == target_level and state.same_security)
            pairs.append(
                PairDefault(
                    source_name,
                    target_name,
                    DefaultAction(
                        Action.PERMIT if passes else Action.DENY,
                        f"セキュリティレベル {source_name}({source_level}) → {target_name}({target_level})",
                        line,
                    ),
                )
            )
    return tuple(pairs)
