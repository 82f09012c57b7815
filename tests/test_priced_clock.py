"""Priced routes under the clock (issue 10, item 7; `solver.route_labels`,
`solver.route_pricing`, `solver.priced_after`): label setting stops within one label's
extension of its clock, a pricing round whose blocks are slow stops at the clock rather than
after every block, the master LP is never started past it, and what pricing after ruin and
recreate hands back is never worse than the plan it started from, whatever its choice or its
second ruin and recreate gave."""

from __future__ import annotations

import itertools
import math
import time
import types
from typing import Any

import pytest

import solver
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver import part_routes, priced_after, route_labels, route_pricing
from solver.greedy import greedy_plan
from solver.parts import PartJob
from solver.planner import components
from solver.priced_after import no_worse_anywhere
from solver.reroute import REROUTING, later_goals, reroute
from solver.route_labels import LabelBlock
from solver.route_pricing import priced_listing
from solver.route_sets import HOME, movable_part
from solver.solution import Solution
from worldgen import generate_world


def wide_block(n: int) -> LabelBlock:
    """A block of `n` visits at one place, each of 5 minutes anywhere in 12 hours: every order
    fits, so label setting over it has no end in any test's time."""
    tids = [f"t{i:02d}" for i in range(n)]
    places = [HOME, *tids]
    legs = {(a, b): (0 if a == b else 3) for a in places for b in places}
    return LabelBlock("v", 0, 480, 1200, {t: [(480, 1190)] for t in tids}, None, legs,
                      dict.fromkeys(tids, 5))  # fmt: skip


def test_label_setting_stops_within_one_label_of_its_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock passes (made to jump) after 200 extensions, in the middle of a level: at most
    one label's extensions (one per visit) follow, and the pricing is not whole."""
    n = 14
    blk = wide_block(n)
    real_extend, calls, jumped = route_labels.extend, [0], [0]
    now = time.monotonic()

    def extend(*args: Any) -> Any:
        calls[0] += 1
        if calls[0] == 200:
            jumped[0] = calls[0]
        return real_extend(*args)

    monkeypatch.setattr(route_labels, "extend", extend)
    monkeypatch.setattr(route_labels.time, "monotonic", lambda: now + 10**6 * bool(jumped[0]))
    gain = {t: 10.0 + i for i, t in enumerate(sorted(blk.ranges))}
    found, low, whole = route_labels.price_block(blk, gain, 0.0, ends=now + 1, labels=10**9)
    assert jumped[0] and not whole
    assert calls[0] - jumped[0] <= n
    assert found and low < 0


def test_the_relaxed_bound_is_minus_infinity_once_its_clock_has_passed() -> None:
    blk = wide_block(6)
    gain = dict.fromkeys(blk.ranges, 10.0)
    assert route_labels.relaxed_least(blk, gain, 0.0, ends=time.monotonic() - 1) == -math.inf
    assert -math.inf < route_labels.relaxed_least(blk, gain, 0.0) < 0


def wide_routing_week() -> tuple[Any, HaversineTravel, Any, list[str], Solution]:
    """A small generated routing week with every window 08:00-21:00, analysed, its largest
    part and greedy's plan."""
    world = generate_world(40, 10, 1, 7301, routing_compatible=True)
    for task in world["tasks"]:
        for window in task.get("windows") or ([task["window"]] if "window" in task else []):
            window["from"], window["to"] = "08:00", "21:00"
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    part = max(components(analyses), key=len)
    assert movable_part(scenario, analyses, part)
    return scenario, travel, analyses, part, greedy_plan(scenario, analyses, travel)


SLOW = 0.25
"""Seconds each block's pricing takes in the slow round, on pricing's clock."""


@pytest.fixture
def slow_blocks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every block's pricing takes SLOW seconds more (a loaded machine's wide blocks) on the
    clock pricing reads (`route_pricing`'s: the real one plus SLOW a block priced, so a busy
    machine only makes it later, never earlier, and no test waits on a wall clock); the
    number of blocks priced so far."""
    real, priced = route_pricing.price_block, [0]

    def slow(*args: Any, **kw: Any) -> Any:
        priced[0] += 1
        return real(*args, **kw)

    clock = types.SimpleNamespace(monotonic=lambda: time.monotonic() + SLOW * priced[0])
    monkeypatch.setattr(route_pricing, "time", clock)
    monkeypatch.setattr(route_pricing, "price_block", slow)
    return priced


def test_a_slow_pricing_round_stops_at_the_clock(slow_blocks: list[int]) -> None:
    """A round over the week's blocks would take SLOW s a block, more than 3 s: pricing given
    1 s ends within one block of it, with the routes of its first round."""
    scenario, travel, analyses, part, start = wide_routing_week()
    _, cut = priced_listing(scenario, analyses, part, travel, start, seconds=1.0, cache={},
                            bounded=False, whole=False)  # fmt: skip
    assert cut is not None
    assert len(cut.routes) * SLOW > 3  # (every block's routes, priced or not)
    assert 0 < slow_blocks[0] <= 1.0 / SLOW + 1  # (the clock passed after at most 4 blocks)
    assert cut.rounds == 1 and slow_blocks[0] < len(cut.routes)


def test_pricing_after_ruin_and_recreate_ends_by_its_clock_and_no_worse(
    slow_blocks: list[int],
) -> None:
    """The same slow blocks, through `priced_after` given 3 s: it ends within one block of
    them, and its plan is the one it started from or no worse in any goal."""
    scenario, travel, analyses, part, start = wide_routing_week()
    weights = dict.fromkeys(PRIORITIES, 1)
    job = PartJob(part, analyses, weights, None, share=20.0, budget=20.0, workers=2, seed=0,
                  max_exact_arcs=10**9, deterministic=False)  # fmt: skip
    sol = reroute(scenario, analyses, part, travel, start, deadline=time.time() + 5)

    def weighted(s: Solution) -> tuple[int, int]:
        return part_routes.weighted_coverage(scenario, job, s)

    new = priced_after.priced_after(scenario, job, travel, sol, time.time() + 3.0, {}, weighted)
    assert 0 < slow_blocks[0] <= 3.0 * priced_after.PRICING_SHARE / SLOW + 1
    if new is not sol:
        assert no_worse_anywhere(
            (weighted(new), later_goals(scenario, analyses, part, travel, new)),
            (weighted(sol), later_goals(scenario, analyses, part, travel, sol)),
        )


def test_the_master_lp_is_never_solved_past_its_clock() -> None:
    scenario, travel, analyses, part, start = wide_routing_week()
    with pytest.raises(TimeoutError):
        priced_listing(scenario, analyses, part, travel, start, seconds=0.0, cache={},
                       bounded=False, whole=False)  # fmt: skip
    assert route_pricing._master(scenario, {}, {}, 0, set(), ends=time.monotonic() - 1) is None


@pytest.mark.parametrize("worse_at", ["choice", "again"])
def test_pricing_after_never_hands_back_a_plan_worse_than_its_start(
    monkeypatch: pytest.MonkeyPatch, worse_at: str
) -> None:
    """Whether the choice over priced routes or ruin and recreate after it gives a plan worse
    than the one pricing started from (here greedy's, against its rerouted plan: fewer pairs
    or more travel), the plan it started from comes back."""
    scenario, travel, analyses, part, start = wide_routing_week()
    weights = dict.fromkeys(PRIORITIES, 1)
    job = PartJob(part, analyses, weights, None, share=20.0, budget=20.0, workers=2, seed=0,
                  max_exact_arcs=10**9, deterministic=False,
                  rerouting=REROUTING)  # fmt: skip
    sol = reroute(scenario, analyses, part, travel, start, deadline=time.time() + 5)
    worse, better = (later_goals(scenario, analyses, part, travel, s) for s in (start, sol))
    assert better < worse  # (greedy's routes: ruin and recreate gains on this week)
    if worse_at == "choice":
        monkeypatch.setattr(priced_after, "priced_choice", lambda *a, **kw: start)
        monkeypatch.setattr(priced_after, "reroute", lambda *a, **kw: a[4])  # (as it came)
    else:  # a choice no worse anywhere (the plan itself, a copy), then a worse reroute
        copy = Solution(dict(sol.starts), dict(sol.crews))
        monkeypatch.setattr(priced_after, "priced_choice", lambda *a, **kw: copy)
        monkeypatch.setattr(priced_after, "no_worse_anywhere", _strict_or_equal)
        monkeypatch.setattr(priced_after, "reroute", lambda *a, **kw: start)

    def weighted(s: Solution) -> tuple[int, int]:
        return part_routes.weighted_coverage(scenario, job, s)

    new = priced_after.priced_after(scenario, job, travel, sol, time.time() + 10, {}, weighted)
    assert later_goals(scenario, analyses, part, travel, new) == better
    assert weighted(new) == weighted(sol)


def _strict_or_equal(new: Any, old: Any) -> bool:
    """`no_worse_anywhere` that lets an equal plan through (so the reroute after it runs)."""
    return new == old or no_worse_anywhere(new, old)


def test_a_pricing_round_prices_first_the_blocks_where_the_plan_travels_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A round the clock cuts short has priced the blocks where travel can be saved: the first
    round prices the plan's blocks from its longest route (travel from home, along the visits
    in their order and home again, counted here apart from the solver) to its shortest, then
    the blocks the plan leaves empty."""
    scenario, travel, analyses, part, start = wide_routing_week()
    real_price, real_master = route_pricing.price_block, route_pricing._master
    seen: list[tuple[str, int]] = []
    masters = [0]

    def price(blk: LabelBlock, *args: Any, **kw: Any) -> Any:
        seen.append((blk.vid, blk.b))
        return real_price(blk, *args, **kw)

    def one_round(*args: Any, **kw: Any) -> Any:  # (the second master: out of time)
        masters[0] += 1
        return real_master(*args, **kw) if masters[0] == 1 else None

    monkeypatch.setattr(route_pricing, "price_block", price)
    monkeypatch.setattr(route_pricing, "_master", one_round)
    _, priced = priced_listing(scenario, analyses, part, travel, start, seconds=600, cache={},
                               bounded=False, whole=False, labels=100)  # fmt: skip
    assert priced is not None and priced.rounds == 1 and seen
    travelled: dict[tuple[str, int], int] = {}
    for vid, vol in scenario.volunteers.items():
        for b, (begin, end) in enumerate(vol.blocks):
            mine = sorted((t for t, crew in start.crews.items() if t in part
                           and any(a.id == vid for a in crew) and begin <= start.starts[t] < end),
                          key=lambda t: start.starts[t])  # fmt: skip
            if mine:
                places = [vol.home, *(scenario.tasks[t].location for t in mine), vol.home]
                travelled[(vid, b)] = sum(travel.minutes(vol.mode, a, c)
                                          for a, c in itertools.pairwise(places))  # fmt: skip
    ahead = [k for k in seen if k in travelled]
    assert len(set(ahead)) >= 3 and len({travelled[k] for k in ahead}) >= 2
    assert seen[: len(ahead)] == ahead  # the plan's blocks before the empty ones
    assert [travelled[k] for k in ahead] == sorted((travelled[k] for k in ahead), reverse=True)
