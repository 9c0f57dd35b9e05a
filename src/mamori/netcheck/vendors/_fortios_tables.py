"""Hold FortiOS tables (address, policy, ...) per VDOM and fold set/append/unset commands into values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mamori.netcheck.errors import LimitExceededError
from mamori.netcheck.ir import Unsupported
from mamori.netcheck.limits import MAX_SET_MEMBERS
from mamori.netcheck.vendors._fortios_tree import Entry
from mamori.netcheck.vendors._tokens import Line

__all__ = ["Report", "Table", "TableEntry", "Value", "Vdom", "fold", "single"]


@dataclass(slots=True)
class Value:
    """The folded value of one attribute and the lines that built it."""

    words: list[str]
    lines: list[Line]


@dataclass(slots=True)
class TableEntry:
    """One table entry after all its `edit` occurrences: attributes and source lines."""

    name: str
    line: Line
    entries: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class Table:
    """One FortiOS table (e.g. firewall address) in one VDOM; keeps listing order for policies."""

    path: str
    objects: dict[str, TableEntry] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Vdom:
    """All tables of one VDOM (or of the whole device when VDOMs are off)."""

    name: str | None
    tables: dict[str, Table] = field(default_factory=dict)

    def table(self, path: str) -> Table:
        found = self.tables.get(path)
        if found is None:
            found = self.tables[path] = Table(path)
        return found


class Report:
    """Collect unsupported lines for one file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[Unsupported] = []

    def add(self, line: Line, reason: str) -> None:
        self.items.append(Unsupported(self.source, line.number, line.text.strip(), reason))


def fold(
    entries: Sequence[Entry], report: Report | None, resets: dict[str, frozenset[str]] | None = None
) -> dict[str, Value]:
    """Apply set/append/unset/select/unselect in order and return the final attribute values."""
    values: dict[str, Value] = {}
    for entry in entries:
        for command in entry.commands:
            key = command.words[0]
            args = command.words[1:]
            verb = command.verb
            if verb in ("set", "select"):
                if not args:
                    if report is not None:
                        report.add(command.line, f"{key} に値がありません")
                    continue
                if resets is not None and key in resets:
                    for dropped in resets[key]:
                        values.pop(dropped, None)
                values[key] = Value(list(args), [command.line])
            elif verb == "append":
                current = values.setdefault(key, Value([], []))
                current.words.extend(args)
                current.lines.append(command.line)
            elif verb in ("unset", "clear"):
                values.pop(key, None)
                # An ICMP code only qualifies a type: unsetting the type drops the code too.
                if key == "icmptype":
                    values.pop("icmpcode", None)
            elif verb == "unselect" and key in values:
                values[key].words = [word for word in values[key].words if word not in args]
            if key in values and len(values[key].words) > MAX_SET_MEMBERS:
                raise LimitExceededError(f"属性 {key} の値の数 {MAX_SET_MEMBERS}")
    return values


def single(values: dict[str, Value], key: str) -> str | None:
    found = values.get(key)
    return found.words[0] if found and found.words else None
