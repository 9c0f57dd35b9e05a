"""Contract every vendor parser must keep; each vendor's test module inherits :class:`VendorContract`.

How to use it (FortiGate, YAMAHA RTX, Cisco ASA/IOS, iptables and nftables tests alike)::

    class TestFortigateContract(VendorContract):
        vendor = "fortigate"
        valid_config = "...a small config in real syntax with at least two rules..."
        unknown_config = "...a config whose permit rule uses an object the parser cannot resolve..."
        unknown_name = "WSUS_CDN"           # must appear in one rule's unknown lists
        unsupported_config = "...a config with one line the parser does not understand..."
        unsupported_line = 7               # 1-based line number of that line
        rule_after_unsupported = "2"       # rule_id of a rule defined after it (parsing went on)

The contract: rule lines are 1-based and point at the rule's own text, unknown objects are named,
unsupported lines are reported with file, line and text and parsing continues past them, empty input
gives zero rules, and random text never raises anything but :class:`NetcheckError`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mamori.netcheck.errors import NetcheckError
from mamori.netcheck.ir import ParsedConfig, Rule
from mamori.netcheck.vendors import get_parser

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def network_corpus(folder: str) -> Path:
    """Return corpora/network-configs/<folder>, skipping the test when the shared corpora are absent."""
    env = os.environ.get("MAMORI_CORPORA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora")
    for base in candidates:
        path = base / "network-configs" / folder
        if path.is_dir():
            return path
    pytest.skip("shared corpora not found (set MAMORI_CORPORA or place shared/ beside the repository)")


def source_lines(text: str) -> list[str]:
    """Split text the way parsers number lines (CR LF, CR or LF)."""
    return _LINE_BREAK.split(text)


def all_unknown_names(rule: Rule) -> set[str]:
    """Return every unknown name a rule carries, in any of its matches."""
    return {*rule.unknown, *rule.source.unknown, *rule.destination.unknown, *rule.service.unknown}


class VendorContract:
    """Base class of every vendor parser test; subclasses set the class variables below."""

    vendor: ClassVar[str]
    valid_config: ClassVar[str]
    unknown_config: ClassVar[str]
    unknown_name: ClassVar[str]
    unsupported_config: ClassVar[str]
    unsupported_line: ClassVar[int]
    rule_after_unsupported: ClassVar[str]

    def parse(self, text: str, source: str = "device.conf") -> ParsedConfig:
        """Parse ``text`` with this vendor's registered parser."""
        return get_parser(self.vendor)(text, source=source)

    def test_empty_input_gives_zero_rules(self) -> None:
        for text in ("", "\n", "   \n\n"):
            parsed = self.parse(text)
            assert parsed.rules() == ()
            assert parsed.vendor == self.vendor

    def test_rule_lines_are_one_based_and_point_at_the_rule_text(self) -> None:
        parsed = self.parse(self.valid_config)
        lines = source_lines(self.valid_config)
        rules = [rule for rule in parsed.rules() if rule.line > 0]
        assert len(rules) >= 2
        for rule in rules:
            assert 1 <= rule.line <= len(lines)
            assert lines[rule.line - 1].strip() == rule.text.splitlines()[0].strip()

    def test_valid_config_has_nothing_unsupported(self) -> None:
        assert self.parse(self.valid_config).unsupported == ()

    def test_unknown_objects_are_named_in_the_rule(self) -> None:
        parsed = self.parse(self.unknown_config)
        assert any(self.unknown_name in " ".join(all_unknown_names(rule)) for rule in parsed.rules())

    def test_unsupported_line_is_reported_and_parsing_goes_on(self) -> None:
        parsed = self.parse(self.unsupported_config, source="odd.conf")
        lines = source_lines(self.unsupported_config)
        reported = [item for item in parsed.unsupported if item.line == self.unsupported_line]
        assert reported, parsed.unsupported
        assert reported[0].file == "odd.conf"
        assert reported[0].text == lines[self.unsupported_line - 1].strip()
        assert reported[0].reason
        assert self.rule_after_unsupported in {rule.rule_id for rule in parsed.rules()}

    def test_every_unsupported_entry_points_at_its_line(self) -> None:
        parsed = self.parse(self.unsupported_config, source="odd.conf")
        lines = source_lines(self.unsupported_config)
        for item in parsed.unsupported:
            assert item.file == "odd.conf"
            assert 1 <= item.line <= len(lines)
            assert item.text == lines[item.line - 1].strip()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
    def test_random_text_raises_only_netcheck_errors(self, text: str) -> None:
        try:
            parsed = self.parse(text)
        except NetcheckError as error:
            assert error.code
            return
        count = len(source_lines(text))
        assert all(1 <= item.line <= count for item in parsed.unsupported)
        assert all(0 <= rule.line <= count for rule in parsed.rules())

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def test_damaged_config_raises_only_netcheck_errors(self, data: st.DataObject) -> None:
        lines = source_lines(self.unsupported_config)
        words = " ".join(lines).split() or ["x"]
        for _ in range(data.draw(st.integers(0, 6))):
            action = data.draw(st.sampled_from(["drop", "duplicate", "garble", "insert"]))
            index = data.draw(st.integers(0, max(len(lines) - 1, 0)))
            if action == "drop" and lines:
                del lines[index]
            elif action == "duplicate" and lines:
                lines.insert(index, lines[index])
            elif action == "garble" and lines:
                lines[index] = data.draw(st.text(max_size=60))
            else:
                picked = data.draw(st.lists(st.sampled_from(words), max_size=8))
                lines.insert(index, " ".join(picked))
        text = "\n".join(lines)
        try:
            parsed = self.parse(text)
        except NetcheckError as error:
            assert error.code
            return
        count = len(source_lines(text))
        assert all(1 <= item.line <= count for item in parsed.unsupported)
        assert all(0 <= rule.line <= count for rule in parsed.rules())
