"""Synthetic but plausible weeks of mutual aid in Zhengzhou, for benchmarks and property tests.

`generate_world(tasks, volunteers, subdistricts, seed)` returns a scenario dict in the contract
format (plain YAML-dumpable types), the same dict for the same arguments; `world_yaml` writes
it. The steps build on each other, one module each: town (subdistricts, sites, names) ->
roster (volunteers, teams, residents) -> tasks -> history (continuity, declines, pins).
"""

from __future__ import annotations

from typing import Any

import yaml

from worldgen.catalogue import WEEK_START, Json
from worldgen.history import History

__all__ = ["WEEK_START", "generate_world", "world_yaml"]


class _World(History):
    def build(self) -> Json:
        self.subdistricts()
        self.volunteers()
        self.make_teams()
        self.make_tasks()
        self.continuity()
        declined, pinned = self.declines_and_pins()
        kind = "routing-compatible " if self.routing else "contended " if self.contended else ""
        names = "、".join(sd.name for sd in self.sds[:3]) + ("等" if len(self.sds) > 3 else "")
        world: Json = {
            "name": f"郑州 {names}街道 — generated {kind}world (seed {self.seed}), "
            f"week of {WEEK_START}",
            "timezone": "Asia/Shanghai",
            "week_start": WEEK_START,
            "sites": [s for sd in self.sds for s in sd.sites],
            "teams": self.teams,
            "volunteers": [v for sd in self.sds for v in sd.volunteers],
            "residents": [r for sd in self.sds for r in sd.residents],
            "tasks": self.tasks,
            "history": self.history,
        }
        if pinned:
            world["pinned"] = pinned
        if declined:
            world["declined"] = declined
        return world


def generate_world(
    tasks: int,
    volunteers: int,
    subdistricts: int,
    seed: int,
    *,
    contended: bool = False,
    routing_compatible: bool = False,
) -> dict[str, Any]:
    """A plausible week in Zhengzhou as a scenario dict in the contract format.

    Args:
        tasks: how many tasks after `every` expansion (exactly).
        volunteers: how many volunteers, spread over the subdistricts.
        subdistricts: clusters ~2.5 km apart around (34.75, 113.65), each ~1.5 km across.
        seed: the same seed gives the same world.
        contended: volunteers give far fewer hours, so demand far exceeds capacity.
        routing_compatible: every task needs one person with one skill; no teams, pins or
            repeats, and hours never bind: a world a vehicle-routing engine can solve too.
    """
    if tasks < 0 or volunteers < 0 or subdistricts < 1:
        raise ValueError("need tasks >= 0, volunteers >= 0 and subdistricts >= 1")
    world = _World(tasks, volunteers, subdistricts, seed, contended, routing_compatible)
    return world.build()


def world_yaml(world: dict[str, Any]) -> str:
    """The world as the scenario file `mutualaid generate` writes."""
    return yaml.safe_dump(world, allow_unicode=True, sort_keys=False, width=120)
