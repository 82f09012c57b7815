"""The world generator: the same arguments give the same world, byte for byte (the digests
were taken before the generator left `mutualaid/` for `worldgen/`, and hold it to what it
wrote then)."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from mutualaid.contract.scenario import build_scenario
from worldgen import generate_world, world_yaml

# (tasks, volunteers, subdistricts, seed, options) -> sha256 of the YAML `mutualaid generate`
# writes for them.
PINNED: list[tuple[tuple[int, int, int, int], dict[str, Any], str]] = [
    ((200, 80, 1, 0), {}, "01b3164f738cf1e91f89021de31c0bead8f2aa0ca4378e493249611c5aa135f1"),
    ((300, 120, 3, 7), {}, "6be9afafe3f0021a40840f7e115f9e734a0dd1f7a5b052f564c4b6535e2d2b52"),
    (
        (120, 60, 2, 11),
        {"contended": True},
        "bb9d8afe52984979312d8db17f98ea532c2ac5af67879d31026b7b7322348d93",
    ),
    (
        (150, 40, 1, 3),
        {"routing_compatible": True},
        "ec5a4de418c51573e695ea7c4e890bacd7454496b1d927ebc50b392646a5f659",
    ),
    ((400, 160, 30, 5), {}, "90a7c29dd6c8d481c5b95620b191f0f459eed8949470785e3ccc979a0e96b03b"),
]


def _digest(world: dict[str, Any]) -> str:
    return hashlib.sha256(world_yaml(world).encode("utf-8")).hexdigest()


@pytest.mark.parametrize(("sizes", "options", "digest"), PINNED)
def test_the_same_seed_writes_the_same_world_byte_for_byte(
    sizes: tuple[int, int, int, int], options: dict[str, Any], digest: str
) -> None:
    world = generate_world(*sizes, **options)
    assert _digest(world) == digest
    build_scenario(world)  # and it keeps the contract


def test_another_seed_writes_another_world() -> None:
    assert _digest(generate_world(200, 80, 1, 0)) != _digest(generate_world(200, 80, 1, 1))
