"""The solver's parts on their own: lexicographic weights, bounds, components, crews."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, SkillNeed, TeamSkillNeed
from mutualaid.domain.plan import AssignedVolunteer
from solver import analyse, components
from solver.analysis import Analyzer, Pool
from solver.greedy import assign_roles
from solver.part_bounds import POLISH_BOUND_SHARE
from solver.parts import POLISH_SHARE, PartJob, _exact_deadline
from solver.stages import coverage_weights, split_bound
from tests.strategies import World, small_worlds

counts = st.fixed_dictionaries({p: st.integers(0, 40) for p in PRIORITIES})


@given(counts, st.data())
def test_weighted_coverage_orders_plans_lexicographically(
    n: dict[str, int], data: st.DataObject
) -> None:
    w = coverage_weights(n)
    a = {p: data.draw(st.integers(0, n[p])) for p in PRIORITIES}
    b = {p: data.draw(st.integers(0, n[p])) for p in PRIORITIES}
    key = lambda s: tuple(s[p] for p in PRIORITIES)  # noqa: E731
    value = lambda s: sum(w[p] * s[p] for p in PRIORITIES)  # noqa: E731
    if key(a) > key(b):
        assert value(a) > value(b)
    elif key(a) == key(b):
        assert value(a) == value(b)


@given(counts, st.data())
def test_split_bound_is_tight_when_the_bound_is_the_plan(
    n: dict[str, int], data: st.DataObject
) -> None:
    w = coverage_weights(n)
    served = {p: data.draw(st.integers(0, n[p])) for p in PRIORITIES}
    weighted = sum(w[p] * served[p] for p in PRIORITIES)
    assert split_bound(weighted, served, w, n) == served
    # one more unit of bound never lifts urgent unless it is worth an urgent task
    loose = split_bound(weighted + w["urgent"], served, w, n)
    assert loose["urgent"] == min(n["urgent"], served["urgent"] + 1)


def test_split_bound_never_claims_less_than_served() -> None:
    n = {"urgent": 2, "high": 3, "normal": 5, "low": 1}
    w = coverage_weights(n)
    served = {"urgent": 1, "high": 3, "normal": 2, "low": 0}
    bound = split_bound(sum(w[p] * served[p] for p in PRIORITIES) + 7, served, w, n)
    assert all(bound[p] >= served[p] for p in PRIORITIES)
    assert all(bound[p] <= n[p] for p in PRIORITIES)


MONDAY = {"days": ["mon"], "from": "09:00", "to": "12:00"}


def _world(far: bool) -> dict[str, object]:
    lon2 = 113.80 if far else 113.681
    return {
        "name": "two places",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "a", "skills": ["x"], "home": {"lat": 34.77, "lon": 113.68},
             "availability": [MONDAY]},
            {"id": "b", "skills": ["x"], "home": {"lat": 34.77, "lon": lon2},
             "availability": [MONDAY]},
        ],
        "tasks": [
            {"id": "t1", "location": {"lat": 34.7701, "lon": 113.68}, "needs": [{"skill": "x"}],
             "duration_minutes": 30, "windows": [MONDAY]},
            {"id": "t2", "location": {"lat": 34.7701, "lon": lon2}, "needs": [{"skill": "x"}],
             "duration_minutes": 30, "windows": [MONDAY]},
        ],
    }  # fmt: skip


def test_tasks_sharing_no_volunteer_are_solved_apart() -> None:
    assert len(components(analyse(build_scenario(_world(far=True))))) == 2
    assert len(components(analyse(build_scenario(_world(far=False))))) == 1


def test_crew_keeps_pinned_people_and_fills_every_role() -> None:
    needs = (TeamSkillNeed("lion_dance", 2, 3), SkillNeed("first_aid", 1))
    pools = [
        [Pool("lions", frozenset({"l1", "l2", "l3"}))],
        [Pool(None, frozenset({"l1", "m"}))],
    ]
    free = {"l1", "l2", "l3", "m"}
    crew = assign_roles(needs, pools, free, ("l1", "l2", "l3"), rank=lambda v: (v,))
    assert crew is not None
    assert {"l1", "l2", "l3"} <= {a.id for a in crew}
    dancers = [a.id for a in crew if a.role == 0]
    medics = [a.id for a in crew if a.role == 1]
    assert 2 <= len(dancers) <= 3 and set(dancers) <= {"l1", "l2", "l3"}
    assert len(medics) == 1 and medics[0] in {"l1", "m"}
    assert len({a.id for a in crew}) == len(crew)
    # without m, first aid must come from l1, leaving two dancers
    crew = assign_roles(needs, pools, free - {"m"}, (), rank=lambda v: (v,))
    assert crew is not None and len(crew) == 3
    assert [a.id for a in crew if a.role == 1] == ["l1"]
    # pinning l2, l3 and m leaves l1 free, and the crew still works
    crew = assign_roles(needs, pools, free, ("l2", "l3", "m"), rank=lambda v: (v,))
    assert crew is not None and {"l2", "l3", "m"} <= {a.id for a in crew}
    # a pinned person who fits no role makes the crew impossible
    assert assign_roles(needs, pools, free | {"x"}, ("x",), rank=lambda v: (v,)) is None


@pytest.mark.slow
def test_a_bound_from_a_short_solve_holds_against_a_longer_one() -> None:
    """Regression: a coverage stage that timed out once reported its own plan as the bound.
    The short solve stops at 0.5 s with normal 87 of a bound 92 (load 5); the long one serves
    6/47/91/28 by 2 s and its bound proves that optimum by 4 s (12 s served no more), so a
    short bound that is the short plan fails at normal (87 < 91). Wall-clock seconds on two
    workers are CPU seconds twice over on a quiet machine: 4, not 12."""
    from solver import SolveOptions, solve
    from worldgen import generate_world

    scenario = build_scenario(generate_world(200, 80, 1, 1))
    short = solve(scenario, SolveOptions(time_limit=0.5, workers=2))
    long = solve(scenario, SolveOptions(time_limit=4, workers=2))
    assert short.objective is not None and long.objective is not None
    for p in PRIORITIES:
        assert short.bound[p] >= long.objective.served[p]
        if short.objective.served[p] != long.objective.served[p]:
            break  # lower priorities' bounds assume what this plan serves above them


def test_greedy_places_pinned_events_before_flexible_pinned_visits() -> None:
    from pathlib import Path

    from mutualaid.contract.scenario import load_scenario
    from mutualaid.validation import validate
    from solver import greedy

    scenario = load_scenario(Path(__file__).parent / "worlds" / "greedy-pins.yaml")
    plan = greedy(scenario)
    assert {a.task for a in plan.assignments} == {"t-a", "t-b"}
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []


def test_fairness_divides_by_the_hours_given_not_the_whole_minutes() -> None:
    """Review finding: 1.01 h and 1.0 h looked alike to the model (int minutes), so it could
    pick the 1.0 h volunteer (load 1.0) and still claim optimal fairness."""
    from pathlib import Path

    from mutualaid.contract.scenario import load_scenario
    from solver import SolveOptions, solve

    scenario = load_scenario(Path(__file__).parent / "worlds" / "fairness-hours.yaml")
    plan = solve(scenario, SolveOptions(time_limit=5, workers=1))
    assert plan.status == "optimal" and plan.objective is not None
    assert [v.id for a in plan.assignments for v in a.volunteers] == ["a"]
    assert plan.objective.max_load < 1.0


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=small_worlds())
def test_one_person_s_check_agrees_with_the_analysis(world: World) -> None:
    """`can_serve` (what a repair asks of a published crew) says yes exactly for the people
    and starts the analysis gives a task: candidates, in their team, at their free starts.
    The lazy analyses are the same as the eager ones."""
    scenario = build_scenario(world)
    analyzer = Analyzer(scenario)
    analyses = analyzer.analyse_all()
    lazy = analyzer.lazily()
    assert dict(lazy.items()) == analyses
    for tid, a in analyses.items():
        task = scenario.tasks[tid]
        starts = sorted({lo for lo, _ in task.start_ranges} | {hi for _, hi in task.start_ranges})
        for vid in scenario.volunteers:
            for role, need in enumerate(task.needs):
                teams = [p.team for p in analyzer.pools_for(need) if vid in p.members] or [None]
                for team in teams:
                    av = AssignedVolunteer(vid, role, team)
                    edges = {e + d for lo, hi in a.free.get(vid, ()) for e in (lo, hi)
                             for d in (-1, 0, 1)}  # fmt: skip
                    for start in sorted(set(starts) | edges):
                        said = analyzer.can_serve(task, av, start)
                        if (
                            a.reason is None
                            and vid in a.free
                            and any(vid in p.members and p.team == team for p in a.pools[role])
                        ):
                            free = any(lo <= start <= hi for lo, hi in a.free[vid])
                            assert said == free, (tid, vid, role, start)


def test_the_exact_model_leaves_the_bounds_their_share_of_the_polishing() -> None:
    """With a wall clock, polishing after the exact model and column generation's bound, the
    exact model ends early by the bounds' share of the polishing, so its overrun cannot take
    their time; without any of the three, at the part's deadline."""
    job = PartJob([], {}, {}, None, share=40.0, budget=40.0, workers=2, seed=0,
                  max_exact_arcs=0, deadline=1_000.0)  # fmt: skip
    assert _exact_deadline(job, POLISH_SHARE) == 1_000.0 - 40.0 * POLISH_SHARE * POLISH_BOUND_SHARE
    assert _exact_deadline(job, 0.0) == 1_000.0
    assert _exact_deadline(replace(job, colgen=False), POLISH_SHARE) == 1_000.0
    assert _exact_deadline(replace(job, deadline=None), POLISH_SHARE) is None
