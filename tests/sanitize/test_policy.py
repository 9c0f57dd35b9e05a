"""Policy: strict defaults, TOML loading, unknown keys refused in Japanese, every option documented."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mamori.sanitize import EncryptedHandling, Limits, LinkHandling, Mode, Policy, PolicyError

REPOSITORY = Path(__file__).resolve().parents[2]


def test_default_policy_is_strict() -> None:
    policy = Policy()
    assert policy.links is LinkHandling.DEFANG
    assert policy.encrypted is EncryptedHandling.HOLD
    assert policy.pdf_remove_links is True
    assert policy.remove_tracking_images is True
    assert "exe" in policy.blocked_extensions and "lnk" in policy.blocked_extensions
    assert policy.limits == Limits()


def test_toml_policy_is_read(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        'pdf = "render"\nlinks = "remove"\nblocked_extensions = [".EXE", "js"]\n[limits]\ncpu_seconds = 5\n',
        "utf-8",
    )
    policy = Policy.from_toml(path)
    assert policy.pdf is Mode.RENDER
    assert policy.links is LinkHandling.REMOVE
    assert policy.blocked_extensions == frozenset({"exe", "js"})
    assert policy.limits.cpu_seconds == 5
    assert policy.limits.max_input_bytes == Limits().max_input_bytes


def test_unknown_keys_are_refused_with_the_key_named_in_japanese() -> None:
    with pytest.raises(PolicyError) as error:
        Policy.from_mapping({"pdff": "render"})
    assert error.value.code == "policy_invalid"
    assert "不明なキー「pdff」" in error.value.message
    with pytest.raises(PolicyError) as nested:
        Policy.from_mapping({"limits": {"cpu_second": 1}})
    assert "limits.cpu_second" in nested.value.message


@pytest.mark.parametrize(
    "mapping",
    [
        {"pdf": "maybe"},
        {"links": 1},
        {"limits": {"cpu_seconds": -1}},
        {"limits": {"cpu_seconds": True}},
        {"render_dpi": 1000},
        {"pdf_remove_links": "yes"},
        {"allowed_types": ["pdf", "exe"]},
        {"blocked_extensions": "exe"},
    ],
)
def test_bad_values_are_refused(mapping: dict[str, object]) -> None:
    with pytest.raises(PolicyError):
        Policy.from_mapping(mapping)


def test_unreadable_or_broken_toml_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError):
        Policy.from_toml(tmp_path / "missing.toml")
    (tmp_path / "bad.toml").write_text("pdf = [", "utf-8")
    with pytest.raises(PolicyError):
        Policy.from_toml(tmp_path / "bad.toml")


def test_policy_round_trips_through_a_mapping() -> None:
    policy = Policy(pdf=Mode.RENDER, links=LinkHandling.REMOVE, limits=Limits(cpu_seconds=9))
    assert Policy.from_mapping(policy.to_mapping()) == policy


def test_every_option_is_documented() -> None:
    document = (REPOSITORY / "docs" / "sanitize-policy.md").read_text("utf-8")
    for item in dataclasses.fields(Policy):
        assert f"`{item.name}`" in document, item.name
    for item in dataclasses.fields(Limits):
        assert f"`{item.name}`" in document, item.name
