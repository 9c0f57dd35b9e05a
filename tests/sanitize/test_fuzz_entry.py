"""The atheris entry point runs without atheris and accepts hostile inputs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from file_samples import docm_with_macro, malicious_pdf

REPOSITORY = Path(__file__).resolve().parents[2]


def test_fuzz_entry_point_handles_samples_and_garbage() -> None:
    spec = importlib.util.spec_from_file_location(
        "fuzz_sanitize_file", REPOSITORY / "fuzz" / "fuzz_sanitize_file.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for data in (
        b"",
        b"\x00",
        b"\x01" + malicious_pdf(),
        b"\x02" + docm_with_macro()[:500],
        bytes(range(256)),
    ):
        module.test_one_input(data)
