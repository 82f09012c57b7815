"""The top tasks' share of a large part's budget (`solver.large.top_share`) follows how many of
them greedy's floor leaves unserved, seen before any search."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import solver.large as parts
from mutualaid.contract.scenario import load_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver import analyse
from solver.greedy import greedy_plan
from solver.large import top_share
from solver.parts import PartJob
from solver.solution import Solution
from solver.stages import coverage_weights

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "01-jingbalu-life-centre.yaml"


def _job_and_floor() -> tuple[PartJob, Solution, list[str]]:
    scenario = load_scenario(SCENARIO)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    tids = sorted(analyses)
    floor = greedy_plan(scenario, analyses, travel)
    weights = coverage_weights(dict.fromkeys(PRIORITIES, 1))
    job = PartJob(tids, analyses, weights, floor, share=10.0, budget=10.0, workers=1, seed=0,
                  max_exact_arcs=0)  # fmt: skip
    top = [t for t in tids if scenario.tasks[t].priority in PRIORITIES[:2]]
    return job, floor, top


def _serving(tids: list[str]) -> Solution:
    return Solution({t: 0 for t in tids}, {t: () for t in tids})  # only membership is read


def test_the_share_widens_at_the_gap() -> None:
    scenario = load_scenario(SCENARIO)
    job, _, top = _job_and_floor()
    assert len(top) >= 5
    at_gap = math.ceil(parts.TOP_GAP * len(top))
    assert top_share(scenario, job, Solution()) == parts.TOP_WIDE
    assert top_share(scenario, job, _serving(top[at_gap:])) == parts.TOP_WIDE
    assert top_share(scenario, job, _serving(top[at_gap - 1 :])) == parts.TOP_SHARE
    assert top_share(scenario, job, _serving(top)) == parts.TOP_SHARE


def test_without_the_gap_rule_the_share_is_fixed(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(SCENARIO)
    job, _, _ = _job_and_floor()
    monkeypatch.setattr(parts, "SHARE_BY_GAP", False)
    assert top_share(scenario, job, Solution()) == parts.TOP_SHARE
