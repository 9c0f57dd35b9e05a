"""Reader of ``nft -j list ruleset`` JSON (libnftables-json(5)) into the shared intermediate form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from mamori.netcheck.errors import ConfigSyntaxError
from mamori.netcheck.ir import Unsupported
from mamori.netcheck.vendors._nft_ruleset import (
    PORT_PROTOCOL_NAMES,
    VERDICTS,
    Cond,
    RawChain,
    RawRule,
    RuleError,
    Ruleset,
)

__all__ = ["parse_json"]


def _json_value(value: object) -> tuple[list[str], str | None]:
    if isinstance(value, str):
        return ([], value[1:]) if value.startswith("@") else ([value], None)
    if isinstance(value, int | float):
        return [str(int(value))], None
    if isinstance(value, list):
        values: list[str] = []
        for item in value:
            values.extend(_json_value(item)[0])
        return values, None
    if isinstance(value, dict):
        if "set" in value:
            return _json_value(value["set"])
        if "prefix" in value and isinstance(value["prefix"], dict):
            return [f"{value['prefix'].get('addr')}/{value['prefix'].get('len')}"], None
        if "range" in value and isinstance(value["range"], list) and len(value["range"]) == 2:
            low, high = value["range"]
            return [f"{low}-{high}"], None
        if "elem" in value and isinstance(value["elem"], dict):
            return _json_value(value["elem"].get("val"))
    raise RuleError("値を解釈できません")


def _json_match(match: dict[str, object]) -> Cond:
    left = match.get("left")
    op = match.get("op", "==")
    negate = op == "!="
    if op not in ("==", "!=", "in"):
        raise RuleError(f"比較「{op}」には対応していません")
    values, ref = _json_value(match.get("right"))
    if isinstance(left, dict):
        if isinstance(left.get("payload"), dict):
            payload = left["payload"]
            proto, fld = payload.get("protocol"), payload.get("field")
            if proto in ("ip", "ip6") and fld in ("saddr", "daddr"):
                return Cond(f"{proto} {fld}", values, negate, ref)
            if proto in ("ip", "ip6") and fld in ("protocol", "nexthdr"):
                return Cond("l4proto", values, negate, ref)
            if proto in PORT_PROTOCOL_NAMES and fld in ("sport", "dport"):
                return Cond(f"{proto} {fld}", values, negate, ref)
            if proto in ("icmp", "icmpv6") and fld in ("type", "code"):
                return Cond(f"{proto} {fld}", values, negate, ref)
            if proto == "tcp" and fld == "flags":
                return Cond("tcp flags", values, negate, ref)
            raise RuleError(f"未対応の一致条件「{proto} {fld}」")
        if isinstance(left.get("meta"), dict):
            key = str(left["meta"].get("key"))
            key = {"iif": "iifname", "oif": "oifname"}.get(key, key)
            if key in ("l4proto", "nfproto", "iifname", "oifname", "protocol"):
                return Cond(key, values, negate, ref)
            raise RuleError(f"未対応の一致条件「meta {key}」")
        if isinstance(left.get("ct"), dict) and left["ct"].get("key") == "state":
            return Cond("ct state", values, negate, ref)
    raise RuleError("未対応の一致条件です")


def parse_json(text: str, source: str) -> Ruleset:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigSyntaxError(f"JSON として読めません（{exc.lineno} 行目）", file=source) from None
    items = document.get("nftables") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise ConfigSyntaxError(
            "「nftables」配列がありません（nft -j list ruleset の出力を渡してください）", file=source
        )
    rule_lines = iter(_key_lines(text, "rule"))
    chain_lines = iter(_key_lines(text, "chain"))
    ruleset = Ruleset()
    for item in items:
        if not isinstance(item, dict):
            continue
        if isinstance(item.get("chain"), dict):
            data = item["chain"]
            line = next(chain_lines, 0)
            key = (str(data.get("family")), str(data.get("table")), str(data.get("name")))
            chain = ruleset.chains.setdefault(key, RawChain(*key, line=line))
            if data.get("hook"):
                chain.hook = str(data["hook"])
                prio = data.get("prio", 0)
                chain.priority = int(prio) if isinstance(prio, int) else 0
                chain.policy = str(data.get("policy", "accept"))
                chain.policy_line = line
            continue
        if isinstance(item.get("set"), dict):
            data = item["set"]
            key = (str(data.get("family")), str(data.get("table")), str(data.get("name")))
            elements = data.get("elem")
            try:
                # An empty named set is usually filled at run time (fail2ban, scripts): its
                # contents are unknown, not "nothing".
                ruleset.sets[key] = _json_value(elements)[0] if elements else None
            except RuleError:
                ruleset.sets[key] = None
            continue
        if not isinstance(item.get("rule"), dict):
            continue
        data = item["rule"]
        line = next(rule_lines, 0)
        key = (str(data.get("family")), str(data.get("table")), str(data.get("chain")))
        chain = ruleset.chains.setdefault(key, RawChain(*key, line=0))
        text_form = json.dumps(data.get("expr", []), ensure_ascii=False)[:300]
        try:
            chain.rules.append(_json_rule(data, line, text_form))
        except RuleError as exc:
            ruleset.unsupported.append(Unsupported(source, line, text_form, exc.reason))
    return ruleset


def _key_lines(text: str, key: str) -> Iterator[int]:
    for match in re.finditer(rf'"{key}"\s*:\s*\{{', text):
        yield text.count("\n", 0, match.start()) + 1


def _json_rule(data: dict[str, object], line: int, text: str) -> RawRule:
    conds: list[Cond] = []
    verdict: str | None = None
    target: str | None = None
    unknown: list[str] = []
    expressions = data.get("expr", [])
    if not isinstance(expressions, list):
        raise RuleError("expr が配列ではありません")
    for expression in expressions:
        if not isinstance(expression, dict) or len(expression) != 1:
            raise RuleError("式を解釈できません")
        ((name, body),) = expression.items()
        if name == "match" and isinstance(body, dict):
            try:
                conds.append(_json_match(body))
            except RuleError as exc:
                unknown.append(exc.reason)
        elif name in VERDICTS:
            verdict = name
        elif name in ("jump", "goto") and isinstance(body, dict):
            verdict, target = name, str(body.get("target"))
        elif name in ("counter", "log", "comment", "continue"):
            continue
        else:
            unknown.append(f"{name}")
    return RawRule(line, text, conds, verdict, target, unknown)
