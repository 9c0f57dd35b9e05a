"""First-match evaluation of one device over a set of packets, stage by stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mamori.netcheck._compile import InterfaceIndex, Reading, RuleCompiler, has_unknown, union
from mamori.netcheck.errors import LimitExceededError
from mamori.netcheck.headerset import Field, HeaderSet
from mamori.netcheck.ir import Action, Chain, DefaultAction, ParsedConfig, Rule, Stage
from mamori.netcheck.limits import MAX_CHAIN_DEPTH

__all__ = ["DeviceRun", "Record"]


@dataclass
class Record:
    priority: int
    ref: Rule | DefaultAction
    chain: str
    hits: HeaderSet


class DeviceRun:
    """First-match evaluation of one device over a region, under one reading of unknowns."""

    def __init__(
        self,
        config: ParsedConfig,
        compiler: RuleCompiler,
        reading: Reading,
        relevant: Mapping[int, bool],
    ) -> None:
        self.config = config
        self.compiler = compiler
        self.reading = reading
        self.relevant = relevant
        self.records: list[Record] = []
        self.chains = {chain.name: chain for chain in config.chains}
        # Whether two records may share packets: a doubtful jump sends packets both ways, and a
        # packet passes one rule in each of several stages. When False, the records' hits are
        # pairwise disjoint (one first-match evaluation hands each packet to one rule).
        self.overlapping = False
        self._groups = 0  # stage-bound chain runs that recorded permits

    def run_chain(
        self, chain: Chain, packets: HeaderSet, stage_priority: int, depth: int = 0
    ) -> tuple[HeaderSet, HeaderSet]:
        """Return (permitted, returned) subsets of ``packets``; record the permit hits."""
        if depth > MAX_CHAIN_DEPTH:
            raise LimitExceededError(
                f"チェーンの呼び出しが深すぎます（上限 {MAX_CHAIN_DEPTH}）", file=self.config.source
            )
        space = self.compiler.space
        remaining = packets
        permitted = space.nothing
        returned = space.nothing
        for rule in chain.rules:
            if remaining.is_empty():
                break
            if not self.relevant.get(id(rule), True):
                continue
            hit = self.compiler.rule_set(rule, self.reading) & remaining
            if hit.is_empty():
                continue
            if (
                rule.action in (Action.JUMP, Action.GOTO)
                and self.reading is Reading.PESSIMISTIC
                and has_unknown(rule)
            ):
                # Whether doubtful packets take the jump is unknown: follow both ways (they enter the
                # target chain and also go on in this one), so neither choice can hide a leak.
                self.overlapping = True
                remaining = remaining - (self.compiler.rule_set(rule, Reading.OPTIMISTIC) & remaining)
            else:
                remaining = remaining - hit
            if rule.action is Action.PERMIT:
                permitted = permitted | hit
                self.records.append(Record(stage_priority, rule, chain.name, hit))
            elif rule.action is Action.RETURN:
                returned = returned | hit
            elif rule.action in (Action.JUMP, Action.GOTO):
                target = self.chains.get(rule.target or "")
                if target is None:
                    # A jump to a chain that does not exist: iptables refuses such a file; treat it as
                    # not matching so the packets continue (the parser reports the line).
                    remaining = remaining | hit
                    continue
                sub_permitted, sub_returned = self.run_chain(target, hit, stage_priority, depth + 1)
                permitted = permitted | sub_permitted
                if rule.action is Action.JUMP:
                    remaining = remaining | sub_returned
                else:
                    returned = returned | sub_returned
        if chain.default is None:
            return permitted, returned | remaining
        leftover = remaining | returned
        if chain.default.action is Action.PERMIT and not leftover.is_empty():
            permitted = permitted | leftover
            self.records.append(Record(stage_priority + 3, chain.default, chain.name, leftover))
        return permitted, space.nothing

    def _run_top(self, chain: Chain, packets: HeaderSet, priority: int) -> HeaderSet:
        """Run a chain bound to a stage; note when its records may overlap earlier ones."""
        before = len(self.records)
        permitted, _ = self.run_chain(chain, packets, priority)
        if len(self.records) > before:
            self._groups += 1
            if self._groups > 1:
                self.overlapping = True
        return permitted

    def run(self, region: HeaderSet, index: InterfaceIndex) -> HeaderSet:
        """Return the packets of ``region`` the device forwards."""
        space = self.compiler.space
        config = self.config
        by_stage: dict[Stage, list[tuple[str | None, Chain]]] = {stage: [] for stage in Stage}
        for attachment in config.attachments:
            chain = self.chains.get(attachment.chain)
            if chain is not None:
                by_stage[attachment.stage].append((attachment.interface, chain))
        self._groups = 0
        survivors = region
        scopes: dict[Stage, HeaderSet] = {}
        for stage, field, priority in (
            (Stage.INGRESS, Field.IN_IF, 1),
            (Stage.FORWARD, None, 0),
            (Stage.EGRESS, Field.OUT_IF, 2),
        ):
            bound = by_stage[stage]
            if field is None:
                for _, chain in bound:
                    survivors = self._run_top(chain, survivors, priority)
                scopes[stage] = space.everything if bound else space.nothing
                continue
            names = list(dict.fromkeys(name for name, _ in bound if name is not None))
            scope = union(
                space, (space.equals(field, index.number(name)) for name in names if index.number(name))
            )
            scopes[stage] = scope
            passed = survivors - scope
            for name in names:
                part = survivors & space.equals(field, index.number(name))
                for iface, chain in bound:
                    if iface == name:
                        part = self._run_top(chain, part, priority)
                passed = passed | part
            survivors = passed
        if by_stage[Stage.FORWARD]:
            return survivors
        # Pair and device defaults below may overlap the stages' records.
        self.overlapping = True
        untouched = survivors - scopes[Stage.INGRESS] - scopes[Stage.EGRESS]
        pair_scope = survivors - scopes[Stage.INGRESS]
        for pair in config.pair_defaults:
            condition = pair_scope
            if pair.in_interface is not None:
                condition = condition & space.equals(Field.IN_IF, index.number(pair.in_interface))
            if pair.out_interface is not None:
                condition = condition & space.equals(Field.OUT_IF, index.number(pair.out_interface))
            if condition.is_empty():
                continue
            pair_scope = pair_scope - condition
            untouched = untouched - condition
            if pair.default.action is Action.PERMIT:
                self.records.append(Record(6, pair.default, "", condition))
            else:
                survivors = survivors - condition
        if not untouched.is_empty():
            if config.default.action is Action.PERMIT:
                self.records.append(Record(7, config.default, "", untouched))
            else:
                survivors = survivors - untouched
        return survivors
