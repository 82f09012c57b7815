"""The bound per priority of `solver.conditional` is the contract's and true: at each priority
p, at least what any plan serves at p while serving, above p, at least what the plan serves.

Held against the brute force's every reachable coverage on tiny worlds (the relaxation on any
focus set, joined over the parts by `combine`; and the planner forced through neighbourhood
search), and `combine` on its own against every way independent parts can be chosen."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.travel import HaversineTravel
from solver import allowed, analyse, components
from solver.conditional import PartBounds, combine, part_bounds
from solver.greedy import greedy_plan
from solver.solution import Solution, count_by_priority
from solver.stages import coverage_weights
from tests.brute_force import BruteForce
from tests.strategies import World, tiny_worlds
from tests.test_coverage import SLOW_OK, two_visits

Counts = tuple[int, ...]


def best_given(reachable: set[Counts], served: dict[str, int]) -> dict[str, int]:
    """The contract's bound, exactly: at each priority, the most any reachable coverage serves
    among those serving at least `served` at every priority above it."""
    out: dict[str, int] = {}
    for i, p in enumerate(PRIORITIES):
        fits = [
            c for c in reachable if all(c[j] >= served[q] for j, q in enumerate(PRIORITIES[:i]))
        ]
        out[p] = max(c[i] for c in fits)
    return out


def _reachable(scenario: Scenario) -> set[Counts]:
    brute = BruteForce(scenario)
    if not brute.assumptions_hold():  # the brute force's exactness needs them
        assume(False)
    return brute.reachable()


def part_of(
    scenario: Scenario, plan: Solution, tids: list[str], weights: dict[str, int],
    conditional: dict[str, int] | None,
) -> PartBounds:  # fmt: skip
    """A part as `combine` reads it: what the plan serves of it, what it could, its weighted
    ceiling, and the bound per priority found for it."""
    mine = set(tids)
    return PartBounds(
        served=count_by_priority(scenario, (t for t in plan.crews if t in mine)),
        possible=count_by_priority(scenario, tids),
        weighted=sum(weights[scenario.tasks[t].priority] for t in tids),
        conditional=conditional,
    )


def _relaxed_bounds_hold(world: World, keep: st.DataObject | None) -> None:
    """Greedy's plan, each part bounded on a focus (`keep` draws it; None: the whole part) with
    its weighted bound as loose as can be (every task), joined by `combine`: never below the
    truth."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    plan = greedy_plan(scenario, analyses, travel)
    served = count_by_priority(scenario, plan.crews)
    truth = best_given(_reachable(scenario), served)
    parts = []
    for tids in components(analyses):
        focus = None
        if keep is not None:
            focus = [t for t in tids if keep.draw(st.booleans(), label=f"keep {t}")]
        got = part_bounds(
            scenario, analyses, tids, travel, weights, plan, focus=focus, budget=5, workers=1,
            seed=0, deterministic=True,
        )  # fmt: skip
        parts.append(part_of(scenario, plan, tids, weights, got))
    bound = combine(parts, weights)
    for p in PRIORITIES:
        assert served[p] <= truth[p] <= bound[p], (p, served, truth, bound)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds(), keep=st.data())
def test_the_bound_per_priority_is_never_below_the_truth(world: World, keep: st.DataObject) -> None:
    _relaxed_bounds_hold(world, keep)


@pytest.mark.parametrize("slack", [-1, 0])
def test_the_bound_per_priority_on_two_visits(slack: int) -> None:
    """Quick (make check): one walker, two visits that fit exactly or a minute too close."""
    _relaxed_bounds_hold(two_visits(slack), None)


def _planner_bound_holds(world: World) -> None:
    """Every priority, not only those where the plan is the best above: the contract's bound."""
    scenario = build_scenario(world)
    reachable = _reachable(scenario)
    options = solver.SolveOptions(time_limit=2, workers=1, seed=0, max_exact_arcs=0)
    plan = solver.solve(scenario, options)
    assert plan.objective is not None
    served = plan.objective.served
    truth = best_given(reachable, served)
    for p in PRIORITIES:
        assert served[p] <= truth[p] <= plan.bound[p], (p, served, truth, plan.bound)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
def test_the_planners_bound_is_the_contracts_at_every_priority(world: World) -> None:
    _planner_bound_holds(world)


def test_the_planners_bound_on_two_visits() -> None:
    _planner_bound_holds(two_visits(-1))


# --- combine, on its own ----------------------------------------------------------------------

vectors = st.tuples(*[st.integers(0, 3) for _ in PRIORITIES])


@st.composite
def parts_of_a_week(draw: st.DrawFn) -> list[tuple[list[Counts], Counts]]:
    """One to three parts, each as the most it can reach (one to three coverages; serving
    fewer of any priority is always possible too) and the coverage the plan chose, below one
    of them. A bound that holds for the most a plan can reach holds for every plan: serving
    more never breaks the condition ("at least what this plan serves above")."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        tops = draw(st.lists(vectors, min_size=1, max_size=3))
        top = draw(st.sampled_from(tops))
        chosen = tuple(draw(st.integers(0, n)) for n in top)
        out.append((tops, chosen))
    return out


def _exact(tops: list[Counts], served: Counts) -> dict[str, int]:
    """A part's conditional bound, exactly (the best is always at one of the most reached)."""
    return best_given(set(tops), dict(zip(PRIORITIES, served, strict=True)))


@settings(max_examples=300, deadline=None)
@given(week=parts_of_a_week(), known=st.data())
def test_combine_never_bounds_below_any_way_of_choosing_the_parts(
    week: list[tuple[list[Counts], Counts]], known: st.DataObject
) -> None:
    """Each part's bounds exact (its weighted optimum, its conditional bound, or none), or
    looser; the joined bound is at least the best of every combination of the parts (of the
    most each reaches: the best, given conditions of the form "at least", is among them)."""
    weights = coverage_weights(dict.fromkeys(PRIORITIES, 3 * len(week)))
    parts = []
    for reach, chosen in week:
        loose = known.draw(st.integers(0, 2), label="looser by")
        conditional = _exact(reach, chosen) if known.draw(st.booleans(), label="known") else None
        if conditional is not None:
            conditional = {p: n + loose for p, n in conditional.items()}
        weighted = max(sum(weights[p] * c[i] for i, p in enumerate(PRIORITIES)) for c in reach)
        parts.append(
            PartBounds(
                served=dict(zip(PRIORITIES, chosen, strict=True)),
                possible={p: max(c[i] for c in reach) for i, p in enumerate(PRIORITIES)},
                weighted=weighted + loose,
                conditional=conditional,
            )
        )
    whole = {
        tuple(map(sum, zip(*pick, strict=True)))
        for pick in itertools.product(*(r for r, _ in week))
    }
    served = tuple(map(sum, zip(*(c for _, c in week), strict=True)))
    truth = _exact(sorted(whole), served)
    bound = combine(parts, {p: weights[p] for p in PRIORITIES})
    for i, p in enumerate(PRIORITIES):
        assert served[i] <= truth[p] <= bound[p], (p, truth, bound)


def test_combine_does_not_trust_a_part_whose_condition_another_part_can_relieve() -> None:
    """Part A serves its high task where three normal ones could go instead; part B serves a
    normal task where its high one could go. Each part's bound for normal tasks, given its own
    high count, sums to 1; yet a plan serving B's high task and A's three normal ones keeps the
    high count and serves 3. `combine` must see that B may take over A's high task."""
    a = [(0, 1, 0, 0), (0, 0, 3, 0)]
    b = [(0, 1, 0, 0), (0, 0, 1, 0)]
    closed = [a, b]
    weights = coverage_weights(dict.fromkeys(PRIORITIES, 3))
    parts = [
        PartBounds(
            served=dict(zip(PRIORITIES, chosen, strict=True)),
            possible={p: max(c[i] for c in reach) for i, p in enumerate(PRIORITIES)},
            weighted=max(sum(weights[p] * c[i] for i, p in enumerate(PRIORITIES)) for c in reach),
            conditional=_exact(reach, chosen),
        )
        for reach, chosen in zip(closed, [(0, 1, 0, 0), (0, 0, 1, 0)], strict=True)
    ]
    assert sum(part.conditional["normal"] for part in parts if part.conditional) == 1
    assert combine(parts, weights)["normal"] >= 3
    assert combine(parts, weights)["high"] == 2
