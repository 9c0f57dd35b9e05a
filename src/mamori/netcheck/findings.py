"""Result types of a verification run: violations, shadowed rules, warnings, and the report."""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass

__all__ = [
    "Certainty",
    "ExpiredFlow",
    "Report",
    "ShadowedRule",
    "UnsupportedLine",
    "Violation",
    "Warning",
    "Witness",
]


class Certainty(enum.StrEnum):
    """Whether a violation holds for sure or only if an unknown object matches."""

    DEFINITE = "definite"
    POSSIBLE = "possible"


@dataclass(frozen=True)
class Witness:
    """A concrete packet that shows a violation."""

    src: str
    dst: str
    protocol: str
    dst_port: int | None
    src_port: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None
    in_interface: str | None = None
    out_interface: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form: src, dst, protocol, dst_port (+ src_port, ICMP type when present)."""
        data: dict[str, object] = {
            "src": self.src,
            "dst": self.dst,
            "protocol": self.protocol,
            "dst_port": self.dst_port,
        }
        if self.src_port is not None:
            data["src_port"] = self.src_port
        if self.icmp_type is not None:
            data["icmp_type"] = self.icmp_type
            data["icmp_code"] = self.icmp_code
        return data


@dataclass(frozen=True)
class Violation:
    """A forbidden flow that a device rule (or the model itself) lets through."""

    device: str | None
    rule: str
    line: int
    from_zone: str
    to_zone: str
    witness: Witness | None
    certainty: Certainty
    file: str = ""
    text: str = ""
    unknown_objects: tuple[str, ...] = ()
    message: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form of issue 7 (``unknown_objects`` added for possible violations)."""
        data: dict[str, object] = {
            "device": self.device,
            "rule": self.rule,
            "line": self.line,
            "from_zone": self.from_zone,
            "to_zone": self.to_zone,
            "witness": self.witness.to_dict() if self.witness is not None else None,
            "certainty": self.certainty.value,
        }
        if self.certainty is Certainty.POSSIBLE:
            data["unknown_objects"] = list(self.unknown_objects)
        return data


@dataclass(frozen=True)
class ShadowedRule:
    """A rule no packet can reach, and the earlier rules that cover it."""

    device: str
    rule: str
    line: int
    text: str
    shadowed_by: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "device": self.device,
            "rule": self.rule,
            "line": self.line,
            "shadowed_by": [{"rule": rule, "line": line} for rule, line in self.shadowed_by],
        }


@dataclass(frozen=True)
class UnsupportedLine:
    """A config line the parser could not understand."""

    device: str
    file: str
    line: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "device": self.device,
            "file": self.file,
            "line": self.line,
            "text": self.text,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class ExpiredFlow:
    """An allowed flow past its expiry date (or close to it, in ``expiring``)."""

    id: str
    expires: dt.date
    line: int
    from_zone: str
    to_zone: str
    rationale: str

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "id": self.id,
            "expires": self.expires.isoformat(),
            "line": self.line,
            "from_zone": self.from_zone,
            "to_zone": self.to_zone,
        }


@dataclass(frozen=True)
class Warning:
    """A finding that is not a violation (state-only rule, IPv6 not verified, ...)."""

    device: str | None
    rule: str | None
    line: int
    message: str
    text: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {"device": self.device, "rule": self.rule, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Report:
    """Everything one verification found."""

    model_source: str
    network_model: str
    as_of: dt.date
    devices: tuple[tuple[str, str, str], ...]  # (id, vendor, config file)
    zones: tuple[tuple[str, str, str], ...]  # (id, kind, label)
    violations: tuple[Violation, ...]
    shadowed_rules: tuple[ShadowedRule, ...]
    unsupported: tuple[UnsupportedLine, ...]
    expired_flows: tuple[ExpiredFlow, ...]
    expiring_flows: tuple[ExpiredFlow, ...]
    warnings: tuple[Warning, ...]

    @property
    def exit_code(self) -> int:
        """Return 1 when there is at least one violation (definite or possible), else 0."""
        return 1 if self.violations else 0

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form of issue 7."""
        return {
            "violations": [v.to_dict() for v in self.violations],
            "shadowed_rules": [s.to_dict() for s in self.shadowed_rules],
            "unsupported": [u.to_dict() for u in self.unsupported],
            "expired_flows": [e.to_dict() for e in self.expired_flows],
            "warnings": [w.to_dict() for w in self.warnings],
        }

    def to_json(self) -> str:
        """Return the JSON report text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
