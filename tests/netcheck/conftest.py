"""Shared fixtures for netcheck tests: a helper that writes MODEL.yaml with its config files."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

MODEL_HEAD = """\
version: 1
network_model: alpha
zones:
  - {id: mynumber, kind: mynumber, label: マイナンバー利用事務系}
  - {id: lgwan, kind: lgwan, label: LGWAN接続系}
  - {id: internet, kind: internet, label: インターネット接続系}
segments:
  - {id: mn-lan, zone: mynumber, cidrs: [10.10.0.0/16]}
  - {id: lg-lan, zone: lgwan, cidrs: [10.20.0.0/16]}
  - {id: inet-dmz, zone: internet, cidrs: [192.168.50.0/24]}
systems:
  - {id: mail-relay, zone: internet, role: mail-sanitizer, addresses: [192.168.50.10]}
  - {id: web-proxy, zone: internet, role: proxy, addresses: [192.168.50.20]}
"""


@pytest.fixture
def write_model(tmp_path: Path) -> Callable[..., Path]:
    """Write MODEL.yaml (standard zones plus ``extra`` YAML) and config files; return the model path."""

    def write(extra: str = "", configs: Mapping[str, str] | None = None, head: str = MODEL_HEAD) -> Path:
        for name, text in (configs or {}).items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        model = tmp_path / "MODEL.yaml"
        model.write_text(head + textwrap.dedent(extra), encoding="utf-8")
        return model

    return write
