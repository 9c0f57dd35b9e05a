"""Netcheck: verify 三層分離 (three-zone separation) from real firewall and router configurations."""

from __future__ import annotations

from mamori.netcheck.errors import (
    ConfigReadError,
    ConfigSyntaxError,
    LimitExceededError,
    ModelError,
    NetcheckError,
    UnsupportedVendorError,
)

__all__ = [
    "ConfigReadError",
    "ConfigSyntaxError",
    "LimitExceededError",
    "ModelError",
    "NetcheckError",
    "UnsupportedVendorError",
]
