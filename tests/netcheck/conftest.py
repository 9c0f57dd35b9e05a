"""Shared fixtures for netcheck tests: the corpora folder and a helper that writes a model with configs."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

CONFIGS = Path(__file__).resolve().parent / "configs"


def corpora_dir() -> Path | None:
    """Return the shared corpora folder, or None when it is not beside the repository."""
    env = os.environ.get("MAMORI_CORPORA")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture
def network_corpus() -> Path:
    """Return corpora/network-configs, skipping when the shared corpora are absent."""
    base = corpora_dir()
    if base is None or not (base / "network-configs").is_dir():
        pytest.skip("shared corpora not found (set MAMORI_CORPORA or place shared/ beside the repository)")
    return base / "network-configs"


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
