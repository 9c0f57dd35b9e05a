"""Reader of ``nft list ruleset`` text (nft(8) syntax) into the shared intermediate form."""

from __future__ import annotations

import re

from mamori.netcheck.ir import Unsupported
from mamori.netcheck.limits import MAX_SET_MEMBERS
from mamori.netcheck.vendors import split_lines
from mamori.netcheck.vendors._nft_ruleset import (
    PORT_PROTOCOL_NAMES,
    VERDICTS,
    Cond,
    RawChain,
    RawRule,
    RuleError,
    Ruleset,
)

__all__ = ["parse_text"]


_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|[{}();,]|[^\s{}();,]+')


def _tokens(line: str) -> list[str]:
    return _TOKEN_RE.findall(line)


def parse_text(text: str, source: str) -> Ruleset:
    ruleset = Ruleset()
    defines: dict[str, list[str]] = {}
    stack: list[
        tuple[str, str]
    ] = []  # ("table", "family name") / ("chain", name) / ("set", name) / ("other", x)
    table: tuple[str, str] | None = None
    chain: RawChain | None = None
    set_key: tuple[str, str, str] | None = None
    collecting_elements = False
    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.strip().startswith('"') else raw.strip()
        if not line:
            continue
        tokens = _tokens(line)
        for name, value in defines.items():
            tokens = [t for tok in tokens for t in (value if tok == f"${name}" else [tok])]
        if collecting_elements and set_key is not None:
            elements = ruleset.sets.get(set_key) or []
            for tok in tokens:
                if tok not in "{},;=" and tok != "}":
                    elements.append(tok)
            ruleset.sets[set_key] = elements
            if "}" in tokens:
                collecting_elements = False
                if tokens.count("}") > 1:
                    stack.pop()
                    set_key = None
            continue
        head = tokens[0]
        if head == "}":
            if stack:
                kind, _ = stack.pop()
                if kind == "chain":
                    chain = None
                elif kind == "table":
                    table = None
                elif kind == "set":
                    set_key = None
            continue
        if head == "define" and len(tokens) >= 4 and tokens[2] == "=":
            defines[tokens[1]] = tokens[3:]
            continue
        if head in ("flush", "delete") and not stack:
            continue
        if head == "table" and len(tokens) >= 3:
            family, name = (tokens[1], tokens[2]) if tokens[2] != "{" else ("ip", tokens[1])
            table = (family, name)
            stack.append(("table", name))
            continue
        if table is not None and chain is None and set_key is None and head == "chain" and len(tokens) >= 2:
            key = (table[0], table[1], tokens[1])
            chain = ruleset.chains.setdefault(key, RawChain(table[0], table[1], tokens[1], number))
            stack.append(("chain", tokens[1]))
            rest = tokens[3:] if len(tokens) > 2 and tokens[2] == "{" else []
            if rest and rest[-1] == "}":
                stack.pop()
                chain = None
            continue
        if table is not None and chain is None and head in ("set", "map") and len(tokens) >= 2:
            set_key = (table[0], table[1], tokens[1])
            ruleset.sets[set_key] = None
            stack.append(("set", tokens[1]))
            continue
        if set_key is not None:
            if head == "elements":
                ruleset.sets[set_key] = [t for t in tokens[2:] if t not in ("{", "}", ",", ";", "=")]
                if "}" not in tokens:
                    collecting_elements = True
            continue
        if chain is None:
            if table is None and head not in ("table",):
                ruleset.unsupported.append(
                    Unsupported(source, number, raw.strip(), "テーブルの外にある行です")
                )
            elif tokens[-1] == "{":
                stack.append(("other", head))
            continue
        if head == "type" and "hook" in tokens:
            chain.hook = tokens[tokens.index("hook") + 1]
            if "priority" in tokens:
                chain.priority = _priority(tokens[tokens.index("priority") + 1].rstrip(";"))
            if "policy" in tokens:
                chain.policy = tokens[tokens.index("policy") + 1].rstrip(";")
                chain.policy_line = number
            continue
        if head == "policy" and len(tokens) >= 2:
            chain.policy = tokens[1].rstrip(";")
            chain.policy_line = number
            continue
        if head in ("comment", "devices"):
            continue
        try:
            chain.rules.append(_text_rule(tokens, number, raw.strip()))
        except RuleError as exc:
            ruleset.unsupported.append(Unsupported(source, number, raw.strip(), exc.reason))
    return ruleset


_PRIORITY_NAMES = {"raw": -300, "mangle": -150, "dstnat": -100, "filter": 0, "security": 50, "srcnat": 100}


def _priority(text: str) -> int:
    match = re.fullmatch(r"([a-z]+)?\s*([+-]\s*\d+)?|(-?\d+)", text.replace(" ", ""))
    if match is None:
        return 0
    if match.group(3):
        return int(match.group(3))
    base = _PRIORITY_NAMES.get(match.group(1) or "filter", 0)
    return base + int(match.group(2) or 0)


def _take_value(tokens: list[str], index: int) -> tuple[list[str], bool, str | None, int]:
    """Read an optional ``!=``/``==`` then a literal, ``{ set }`` or ``@set``; return the next index."""
    negate = False
    if index < len(tokens) and tokens[index] in ("!=", "=="):
        negate = tokens[index] == "!="
        index += 1
    if index >= len(tokens):
        raise RuleError("値がありません")
    tok = tokens[index]
    if tok == "{":
        values: list[str] = []
        index += 1
        while index < len(tokens) and tokens[index] != "}":
            if tokens[index] != ",":
                values.append(tokens[index])
            index += 1
        if len(values) > MAX_SET_MEMBERS:
            raise RuleError("集合の要素が多すぎます")
        return values, negate, None, index + 1
    if tok.startswith("@"):
        return [], negate, tok[1:], index + 1
    values = [tok]
    index += 1
    # "established,related": a comma list without braces.
    while index + 1 < len(tokens) and tokens[index] == ",":
        values.append(tokens[index + 1])
        index += 2
    return values, negate, None, index


_STATEMENT_STARTS = frozenset(
    {
        *VERDICTS,
        "jump",
        "goto",
        "continue",
        "counter",
        "log",
        "comment",
        "ip",
        "ip6",
        "tcp",
        "udp",
        "sctp",
        "th",
    }
    | {"icmp", "icmpv6", "iifname", "oifname", "iif", "oif", "ct"}
)


def _vmap_rule(tokens: list[str], line: int, text: str) -> RawRule:
    """Read a verdict-map rule (``ct state vmap { established : accept, new : drop }``)."""
    at = tokens.index("vmap")
    selector = " ".join(tokens[max(at - 2, 0) : at])
    entries: dict[str, str] = {}
    body = [t for t in tokens[at + 1 :] if t not in ("{", "}")]
    key: list[str] = []
    index = 0
    while index < len(body):
        if body[index] == ":" and index + 1 < len(body):
            for name in key:
                entries[name] = body[index + 1]
            key = []
            index += 2
            continue
        if body[index] != ",":
            key.append(body[index])
        index += 1
    if selector == "ct state":
        # Only the verdict for new (or untracked) connections matters for connection opening.
        verdict = entries.get("new") or entries.get("untracked")
        return RawRule(line, text, [], verdict if verdict in VERDICTS else None, None)
    verdicts = set(entries.values())
    verdict = "accept" if "accept" in verdicts else ("drop" if verdicts & {"drop", "reject"} else None)
    return RawRule(line, text, [], verdict, None, [f"{selector} vmap"])


def _text_rule(tokens: list[str], line: int, text: str) -> RawRule:
    if "vmap" in tokens:
        return _vmap_rule(tokens, line, text)
    conds: list[Cond] = []
    verdict: str | None = None
    target: str | None = None
    unknown: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok == ";":
            i += 1
            continue
        if tok in ("ip", "ip6") and nxt in ("saddr", "daddr", "protocol", "nexthdr"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            key = f"{tok} {nxt}" if nxt in ("saddr", "daddr") else "l4proto"
            conds.append(Cond(key, values, negate, ref))
            if nxt in ("protocol",) or tok == "ip6":
                conds.append(Cond("nfproto", ["ipv4" if tok == "ip" else "ipv6"]))
            continue
        if tok in PORT_PROTOCOL_NAMES and nxt in ("sport", "dport"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(Cond(f"{tok} {nxt}", values, negate, ref))
            continue
        if tok in ("tcp", "udp", "sctp") and nxt not in ("sport", "dport", "flags"):
            raise RuleError(f"未対応の一致条件「{tok} {nxt}」")
        if tok == "tcp" and nxt == "flags":
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(Cond("tcp flags", values, negate, ref))
            continue
        if tok in ("icmp", "icmpv6") and nxt in ("type", "code"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(Cond(f"{tok} {nxt}", values, negate, ref))
            continue
        if tok == "meta" and nxt in ("l4proto", "nfproto", "iifname", "oifname", "iif", "oif", "protocol"):
            values, negate, ref, i = _take_value(tokens, i + 2)
            key = {"iif": "iifname", "oif": "oifname"}.get(nxt, nxt)
            conds.append(Cond(key, values, negate, ref))
            continue
        if tok in ("iifname", "oifname", "iif", "oif"):
            values, negate, ref, i = _take_value(tokens, i + 1)
            conds.append(Cond({"iif": "iifname", "oif": "oifname"}.get(tok, tok), values, negate, ref))
            continue
        if tok == "ct" and nxt == "state":
            values, negate, ref, i = _take_value(tokens, i + 2)
            conds.append(Cond("ct state", values, negate, ref))
            continue
        if tok == "counter":
            i += 1
            while i + 1 < len(tokens) and tokens[i] in ("packets", "bytes"):
                i += 2
            continue
        if tok == "log":
            i += 1
            while i + 1 < len(tokens) and tokens[i] in (
                "prefix",
                "level",
                "group",
                "snaplen",
                "queue-threshold",
            ):
                i += 2
            continue
        if tok == "comment":
            i += 2
            continue
        if tok in VERDICTS:
            verdict = tok
            i += 1
            if tok == "reject" and i < len(tokens) and tokens[i] == "with":
                i += 3
            continue
        if tok in ("jump", "goto") and nxt:
            verdict, target = tok, nxt
            i += 2
            continue
        if tok == "continue":
            i += 1
            continue
        # Anything else (limit, meta mark, fib, socket, quota ...): an unknown condition up to the
        # next statement the parser knows.
        words = [tok]
        i += 1
        while i < len(tokens) and tokens[i] not in _STATEMENT_STARTS:
            words.append(tokens[i])
            i += 1
        unknown.append(" ".join(words))
    return RawRule(line, text, conds, verdict, target, unknown)
