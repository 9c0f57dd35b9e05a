"""Netcheck: verify 三層分離 (three-zone separation) from real firewall and router configurations.

The web app and the CLI use this API::

    model = load_model(Path("MODEL.yaml"))            # or load_model(yaml_text, base_dir=...)
    report = verify(model, {"fw-core": config_text}, as_of=date(2026, 11, 25))
    report.to_json(); render_text(report); render_html(report)
    explain(model, {"fw-core": config_text}, src="10.10.1.1", dst="10.20.1.1", protocol=6, dst_port=443)
"""

from __future__ import annotations

from mamori.netcheck.errors import (
    ConfigReadError,
    ConfigSyntaxError,
    LimitExceededError,
    ModelError,
    NetcheckError,
    UnsupportedVendorError,
)
from mamori.netcheck.explain import DeviceDecision, Explanation, Step, explain, render_explanation
from mamori.netcheck.findings import (
    Certainty,
    ExpiredFlow,
    Report,
    ReportWarning,
    ShadowedRule,
    UnsupportedLine,
    Violation,
    Witness,
)
from mamori.netcheck.headerset import Backend
from mamori.netcheck.ir import ParsedConfig
from mamori.netcheck.model import Model, load_model
from mamori.netcheck.report import render_config, render_html, render_text
from mamori.netcheck.vendors import VENDORS, decode_config, parse_config
from mamori.netcheck.verify import forbidden_pairs, load_configs, today_in_japan, verify

__all__ = [
    "VENDORS",
    "Backend",
    "Certainty",
    "ConfigReadError",
    "ConfigSyntaxError",
    "DeviceDecision",
    "ExpiredFlow",
    "Explanation",
    "LimitExceededError",
    "Model",
    "ModelError",
    "NetcheckError",
    "ParsedConfig",
    "Report",
    "ReportWarning",
    "ShadowedRule",
    "Step",
    "UnsupportedLine",
    "UnsupportedVendorError",
    "Violation",
    "Witness",
    "decode_config",
    "explain",
    "forbidden_pairs",
    "load_configs",
    "load_model",
    "parse_config",
    "render_config",
    "render_explanation",
    "render_html",
    "render_text",
    "today_in_japan",
    "verify",
]
