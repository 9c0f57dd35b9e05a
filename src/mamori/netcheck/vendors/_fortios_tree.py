"""Read FortiOS `config` / `edit` / `set` / `next` / `end` text into a tree of blocks and entries.

The tree keeps every command with its source line so the FortiGate parser can report problems by line.
Lines the grammar does not know become :class:`Problem` entries and reading goes on with the next line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mamori.netcheck.vendors._tokens import Line, TokenError, iter_lines, split_quoted

__all__ = ["Block", "Command", "Entry", "Problem", "read_tree"]

# Commands that change one entry's attributes (FortiOS CLI reference, "CLI basics": set, unset,
# append, select, unselect; `clear` on some list attributes).
_ATTRIBUTE_VERBS = frozenset({"set", "unset", "append", "select", "unselect", "clear"})
# Commands inside a table that act on whole entries.
_TABLE_VERBS = frozenset({"move", "clone", "delete", "rename", "purge"})


@dataclass(slots=True)
class Command:
    """One attribute or table command such as ``set srcaddr "a" "b"`` or ``move 3 before 1``."""

    verb: str
    words: list[str]
    line: Line


@dataclass(slots=True)
class Entry:
    """One ``edit NAME`` ... ``next`` entry with its commands and nested blocks, in source order."""

    name: str
    line: Line
    commands: list[Command] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """One ``config PATH`` ... ``end`` block; ``items`` keeps entries and table commands in order."""

    path: str
    line: Line
    items: list[Entry | Command] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Problem:
    """A line the reader could not place, with the reason in English for logs and reports."""

    line: Line
    reason: str


def read_tree(text: str) -> tuple[list[Block], list[Problem]]:
    """Read the whole configuration; return the top-level blocks and the problems found."""
    top: list[Block] = []
    problems: list[Problem] = []
    # The stack alternates Block and Entry frames; an Entry is only ever on top of a Block.
    stack: list[Block | Entry] = []
    for line in iter_lines(text):
        stripped = line.text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            words = split_quoted(stripped)
        except TokenError as error:
            problems.append(Problem(line, str(error)))
            continue
        verb = words[0].lower()
        frame = stack[-1] if stack else None
        if verb == "config" and len(words) >= 2:
            block = Block(" ".join(words[1:]), line)
            if frame is None:
                top.append(block)
            else:
                frame.blocks.append(block)
            stack.append(block)
        elif verb == "end" and len(words) == 1:
            if isinstance(frame, Entry):
                # A missing `next` before `end`: FortiOS closes the entry too.
                stack.pop()
                frame = stack[-1] if stack else None
            if isinstance(frame, Block):
                stack.pop()
            else:
                problems.append(Problem(line, "end without config"))
        elif verb == "edit" and len(words) >= 2:
            if isinstance(frame, Entry):
                # A missing `next`: the new edit starts a sibling entry in the same table.
                stack.pop()
                frame = stack[-1] if stack else None
            if isinstance(frame, Block):
                entry = Entry(" ".join(words[1:]) if len(words) > 2 else words[1], line)
                frame.items.append(entry)
                stack.append(entry)
            else:
                problems.append(Problem(line, "edit outside config"))
        elif verb == "next" and len(words) == 1:
            if isinstance(frame, Entry):
                stack.pop()
            else:
                problems.append(Problem(line, "next without edit"))
        elif verb in _ATTRIBUTE_VERBS and len(words) >= 2:
            if frame is None:
                problems.append(Problem(line, f"{verb} outside config"))
            else:
                command = Command(verb, words[1:], line)
                if isinstance(frame, Entry):
                    frame.commands.append(command)
                else:
                    frame.items.append(command)
        elif verb in _TABLE_VERBS and isinstance(frame, Block):
            frame.items.append(Command(verb, words[1:], line))
        else:
            problems.append(Problem(line, "unknown command"))
    for frame in reversed(stack):
        if isinstance(frame, Block):
            problems.append(Problem(frame.line, "config block without end"))
    return top, problems
