"""Stand in for a permit line a parser could not read, so it can never hide a leak."""

from __future__ import annotations

from mamori.netcheck.ir import Action, AddressMatch, Rule, ServiceMatch
from mamori.netcheck.vendors._tokens import Line

__all__ = ["opaque_permit"]


def opaque_permit(rule_id: str, line: Line) -> Rule:
    """Return a permit whose every match is unknown: "any" when verifying, named in the report.

    A deny that cannot be read is simply left out (that can only show more traffic passing); a
    permit left out would hide the traffic it lets through, so it is kept with unknown matches.
    """
    name = f"解釈できない許可行（{line.number} 行目）"
    return Rule(
        rule_id=rule_id,
        line=line.number,
        text=line.text.strip(),
        action=Action.PERMIT,
        source=AddressMatch(unknown=(name,)),
        destination=AddressMatch(unknown=(name,)),
        service=ServiceMatch(services=(), unknown=(name,)),
        unknown=(name,),
    )
