"""One week's largest part (its tasks sharing candidates), as the one-day probes read it:
`bench/columns_probe.py`, `master_colgen.py`, `master_probe.py`, `price_branch.py`,
`energy_bound.py`, `low_step.py` and `low_truth.py` each start from it."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine import SHARED_A  # noqa: E402
from unseen import Week  # noqa: E402

from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import Scenario  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import analyse, components  # noqa: E402


@dataclass
class WeekPart:
    world: dict[str, Any]
    scenario: Scenario
    travel: HaversineTravel
    analyses: Any
    part: list[str]


def largest_part(size: str = "subdistrict", seed: int = 7010, shared: bool = False) -> WeekPart:
    """The generated week of `seed` (or `../shared/worlds/subdistrict-a.yaml` when `shared`),
    analysed, and its largest part."""
    week = Week("subdistrict-a", 0, "file", SHARED_A) if shared else Week.of(size, seed)
    world = week.generate()
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    part = max(components(analyses), key=len)
    return WeekPart(world, scenario, travel, analyses, part)
