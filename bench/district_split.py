"""Where a one-day district week's gap lies (issue 10, item 2): plan side or bound side. Not a
test; prints each figure with the load beside it.

1. `--solve`: one solve of the week (`run_week`, the reference checker on its plan), the large
   part's plan kept in `--keep` (a pickle) and its counts per subdistrict.
2. `--free S`: each subdistrict's tasks of the kept plan freed at once, every other visit fixed,
   on the pairwise coverage model (`solver.coverage`: exact, so each result is a valid plan),
   S seconds each, the plan taken on from one to the next: how much an exact run on each part
   of the week gains where the plan stands (a lower bound on how short the plan is).
3. `--bound P`: the route-set relaxation of the large part (`solver.columns`: every set of
   visits one volunteer's block can hold), its LP solved by column generation, priced per
   block by label setting: a beam first (columns only), then exact label setting, a block
   past `--labels` bounded by walks that may repeat a visit (`solver.route_labels`'s
   `relaxed_least`). Priority P's count given the kept plan's counts above it. Every round
   with exact pricing gives a Lagrangian bound (the LP plus each block's best positive
   reduced profit), valid whether or not the LP has converged.

    .venv/bin/python bench/district_split.py --seed 7004 --solve --free 90 --bound normal
    .venv/bin/python bench/district_split.py --seed 7004 --bound low --held 88 354 728
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ortools.linear_solver import pywraplp  # noqa: E402
from unseen import Week, run_week  # noqa: E402

import solver.large  # noqa: E402
import solver.parts  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES, Scenario  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import analyse, components  # noqa: E402
from solver.coverage import CoverageModel  # noqa: E402
from solver.route_sets import legs_of, starts_of  # noqa: E402
from solver.solution import Solution, count_by_priority  # noqa: E402
from solver.stages import staged_solve  # noqa: E402


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def quad(counts: dict[str, int]) -> str:
    return "/".join(str(counts[p]) for p in PRIORITIES)


def subdistrict(tid: str) -> str:
    """The generator's ids name the subdistrict second (`t-dahelu-0506-visit`)."""
    return tid.split("-")[1]


def solve_and_keep(week: Week, time_limit: float, keep: Path) -> None:
    """`run_week` with the large part's plan taken from `solver.large.search_part`."""
    kept: dict[str, Any] = {}
    search = solver.large.search_part

    def wrapped(*args: Any) -> Any:
        out = search(*args)
        kept.update(sol=out[0], tids=list(args[1].tids), weights=dict(args[1].weights))
        return out

    solver.parts.search_part = wrapped  # type: ignore[attr-defined]
    try:
        started, before = time.monotonic(), load()
        got = run_week(week, time_limit, 2)
    finally:
        solver.parts.search_part = search  # type: ignore[attr-defined]
    print(f"solve {week.label} {time_limit:.0f} s: served {quad(got['served'])} bound "
          f"{quad(got['bound'])} gap {got['gap']:.2%} check {got['check']} in "
          f"{time.monotonic() - started:.0f} s ({before} -> {load()})", flush=True)  # fmt: skip
    keep.write_bytes(pickle.dumps(kept))


def per_subdistrict(scenario: Scenario, tids: list[str], sol: Solution) -> None:
    groups: dict[str, list[str]] = defaultdict(list)
    for t in tids:
        groups[subdistrict(t)].append(t)
    for name, group in sorted(groups.items()):
        served = count_by_priority(scenario, [t for t in group if t in sol.crews])
        print(f"  {name}: {quad(served)} of {quad(count_by_priority(scenario, group))}")


def free_each(scenario: Scenario, kept: dict[str, Any], seconds: float) -> Solution:
    """Each subdistrict's tasks freed in turn (see the module); the plan after them."""
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    best: Solution = kept["sol"]
    groups: dict[str, list[str]] = defaultdict(list)
    for t in kept["tids"]:
        groups[subdistrict(t)].append(t)
    for name, group in sorted(groups.items()):
        mine = set(group)
        rest = Solution(
            {t: s for t, s in best.starts.items() if t not in mine},
            {t: c for t, c in best.crews.items() if t not in mine},
        )
        before = count_by_priority(scenario, [t for t in group if t in best.crews])
        started, was = time.monotonic(), load()
        model = CoverageModel(scenario, analyses, sorted(group), travel, kept["weights"],
                              fixed=rest)  # fmt: skip
        sol, stages, _ = staged_solve(
            model, best, budget=seconds, workers=2, seed=0, stages_wanted=("coverage",)
        )
        if sol is not None:
            for t in group:
                best.starts.pop(t, None)
                best.crews.pop(t, None)
            best.merge(sol)
        after = count_by_priority(scenario, [t for t in group if t in best.crews])
        proved = bool(stages) and stages[0].optimal
        print(f"  {name} ({len(group)} tasks): {quad(before)} -> {quad(after)}, "
              f"{'proved' if proved else 'not proved'}, {time.monotonic() - started:.0f} s "
              f"({was} -> {load()})", flush=True)  # fmt: skip
    served = count_by_priority(scenario, [t for t in kept["tids"] if t in best.crews])
    print(f"after freeing each: {quad(served)}")
    return best


Block = tuple[str, int]


class RouteSetLp:
    """The LP of `solver.columns`' model on a part's tasks of `priority` and above, for
    priority's count given `held` above it, by column generation (see the module)."""

    def __init__(
        self, scenario: Scenario, priority: str, held: dict[str, int], start: Solution
    ) -> None:
        self.sc, self.travel = scenario, HaversineTravel(scenario.settings)
        an = self.an = analyse(scenario, self.travel)
        part = max(components(an), key=len)
        upto = PRIORITIES.index(priority)
        tasks = scenario.tasks
        self.open = [
            t for t in sorted(part)
            if an[t].reason is None and an[t].pools and PRIORITIES.index(tasks[t].priority) <= upto
        ]  # fmt: skip
        by_vol: dict[str, list[str]] = defaultdict(list)
        for t in self.open:
            for v in sorted(an[t].candidates):
                by_vol[v].append(t)
        self.blocks: dict[Block, tuple[int, int, dict[str, Any], Callable[[str, str], int]]] = {}
        for v in sorted(by_vol):
            vol, leg = scenario.volunteers[v], legs_of(scenario, self.travel, v)
            for k, blk in enumerate(vol.blocks):
                ranges = {t: r for t in by_vol[v] if (r := starts_of(an[t], v, blk))}
                if ranges:
                    self.blocks[(v, k)] = (blk[0], blk[1], ranges, leg)
        twice = Counter((v, t) for (v, _), b in self.blocks.items() for t in b[2])
        lp = self.lp = pywraplp.Solver.CreateSolver("GLOP")
        inf = lp.infinity()
        self.y = {t: lp.NumVar(0, 1, "") for t in self.open}
        self.per_block = {b: lp.Constraint(-inf, 1) for b in self.blocks}
        self.minutes = {
            v: lp.Constraint(-inf, scenario.volunteers[v].max_service_minutes) for v in by_vol
        }
        self.once = {vt: lp.Constraint(-inf, 1) for vt, n in twice.items() if n > 1}
        self.roles: dict[str, list[tuple[Any, set[str]]]] = defaultdict(list)
        self.crew: dict[str, Any] = {}
        for t in self.open:
            for need, role in zip(tasks[t].needs, an[t].pools, strict=True):
                row = lp.Constraint(0, inf)
                row.SetCoefficient(self.y[t], -need.min_people)
                self.roles[t].append((row, {v for pool in role for v in pool.members}))
            if len(tasks[t].needs) > 1:
                self.crew[t] = lp.Constraint(0, inf)
                self.crew[t].SetCoefficient(self.y[t], -sum(n.min_people for n in tasks[t].needs))
        for q, n in held.items():
            row = lp.Constraint(n, inf)
            for t in self.open:
                if tasks[t].priority == q:
                    row.SetCoefficient(self.y[t], 1)
        objective = lp.Objective()
        for t in self.open:
            if tasks[t].priority == priority:
                objective.SetCoefficient(self.y[t], 1)
        objective.SetMaximization()
        self.columns: set[tuple[str, int, frozenset[str]]] = set()
        routes: dict[Block, set[str]] = defaultdict(set)
        for t, crew in start.crews.items():
            if t not in self.y:
                continue
            for av in crew:
                for k, (lo, hi) in enumerate(scenario.volunteers[av.id].blocks):
                    if lo <= start.starts[t] < hi and (av.id, k) in self.blocks:
                        routes[(av.id, k)].add(t)
        for b, tids in routes.items():
            if all(t in self.blocks[b][2] for t in tids):
                self.add(b, tids)
        for b, blk in self.blocks.items():
            for t in blk[2]:
                self.add(b, {t})

    def add(self, b: Block, tids: set[str] | frozenset[str]) -> bool:
        key = (b[0], b[1], frozenset(tids))
        if key in self.columns:
            return False
        self.columns.add(key)
        x = self.lp.NumVar(0, self.lp.infinity(), "")
        self.per_block[b].SetCoefficient(x, 1)
        self.minutes[b[0]].SetCoefficient(x, sum(self.sc.tasks[t].duration_minutes for t in tids))
        for t in tids:
            if (b[0], t) in self.once:
                self.once[(b[0], t)].SetCoefficient(x, 1)
            for row, members in self.roles[t]:
                if b[0] in members:
                    row.SetCoefficient(x, 1)
            if t in self.crew:
                self.crew[t].SetCoefficient(x, 1)
        return True

    def duals(self) -> dict[Block, tuple[dict[str, float], float]]:
        """Each block's gain per visit (its part of a column's reduced profit) and the block
        row's dual, read from the LP once (pywraplp's reads are slow, and stale once a
        column is added)."""
        role = {
            t: [(row.dual_value(), members) for row, members in rows]
            for t, rows in self.roles.items()
        }
        crew = {t: row.dual_value() for t, row in self.crew.items()}
        once = {vt: row.dual_value() for vt, row in self.once.items()}
        eta = {v: row.dual_value() for v, row in self.minutes.items()}
        out = {}
        for b, blk in self.blocks.items():
            v, gain = b[0], {}
            for t in blk[2]:
                g = -sum(d for d, members in role[t] if v in members) - crew.get(t, 0.0)
                g -= once.get((v, t), 0.0) + eta[v] * self.sc.tasks[t].duration_minutes
                gain[t] = g
            out[b] = (gain, self.per_block[b].dual_value())
        return out

    def price(
        self, b: Block, gain: dict[str, float], mu: float, beam: int | None, labels: int
    ) -> tuple[list[tuple[float, set[str]]], float, bool]:
        """The block's routes of most reduced profit (a few), the most found, and whether
        that is every route's most (exact label setting within `labels`, no `beam`)."""
        begin, end, ranges, leg = self.blocks[b]
        tids = sorted(t for t in ranges if gain[t] > 1e-9)  # a visit of no gain never helps
        bit = {t: 1 << i for i, t in enumerate(tids)}
        kept: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
        frontier: list[tuple[str, int, int, float]] = [("", 0, begin, 0.0)]
        found: dict[int, float] = {}
        count, exact, cut = 0, True, False
        while frontier and not cut:
            following = []
            for last, mask, ready, value in frontier:
                for t in tids:
                    if mask & bit[t]:
                        continue
                    arrive = ready + leg(last, t)
                    start = next((max(arrive, lo) for lo, hi in ranges[t] if hi >= arrive), None)
                    if start is None:
                        continue
                    done = start + self.sc.tasks[t].duration_minutes
                    if done + leg(t, "") > end:
                        continue
                    m, val = mask | bit[t], value + gain[t]
                    same = kept[t]
                    if any(k & m == k and r <= done and g >= val - 1e-9 for k, r, g in same):
                        continue
                    same[:] = [
                        (k, r, g) for k, r, g in same
                        if not (m & k == m and done <= r and val >= g - 1e-9)
                    ]  # fmt: skip
                    same.append((m, done, val))
                    following.append((t, m, done, val))
                    found[m] = max(found.get(m, -math.inf), val - mu)
                    count += 1
                    if count > labels:
                        exact, cut = False, True
            if beam is not None and len(following) > beam:  # (columns only: no bound)
                exact = False
                following = sorted(following, key=lambda f: -f[3])[:beam]
            frontier = following
        best = sorted(found.items(), key=lambda f: -f[1])[:5]
        out = [(p, {t for t in tids if m & bit[t]}) for m, p in best]
        most = best[0][1] if best else -mu
        if not exact and beam is None:
            most = self.walks(b, gain, mu, tids)
        return out, most, exact

    def walks(self, b: Block, gain: dict[str, float], mu: float, tids: list[str]) -> float:
        """At least the block's most reduced profit: walks that may repeat a visit."""
        begin, end, ranges, leg = self.blocks[b]
        best: dict[tuple[str, int], float] = {("", begin): 0.0}
        most = -mu
        for ready in range(begin, end + 1):
            for last in ["", *tids]:
                value = best.get((last, ready))
                if value is None:
                    continue
                for t in tids:
                    if t == last:
                        continue
                    arrive = ready + leg(last, t)
                    start = next((max(arrive, lo) for lo, hi in ranges[t] if hi >= arrive), None)
                    if start is None:
                        continue
                    done = start + self.sc.tasks[t].duration_minutes
                    if done + leg(t, "") > end:
                        continue
                    if value + gain[t] > best.get((t, done), -math.inf):
                        best[(t, done)] = value + gain[t]
                    most = max(most, value + gain[t] - mu)
        return most

    def run(self, beam: int, labels: int, limit: float) -> float:
        """Column generation until exact pricing adds nothing (or `limit` seconds); the
        least Lagrangian bound seen."""
        started, bound, exact = time.monotonic(), math.inf, False
        for it in range(10_000):
            self.lp.Solve()
            value = self.lp.Objective().Value()
            added, lagrange, inexact = 0, value, 0
            for b, (gain, mu) in self.duals().items():
                routes, most, whole = self.price(b, gain, mu, None if exact else beam, labels)
                inexact += not whole
                lagrange += max(0.0, most)
                added += sum(p > 1e-6 and self.add(b, s) for p, s in routes)
            if exact:
                bound = min(bound, lagrange)
            print(f"  round {it} ({'exact' if exact else 'beam'}): LP {value:.2f}"
                  + (f", bound {lagrange:.2f} ({inexact} blocks by walks)" if exact else "")
                  + f", {added} columns added, {len(self.columns)} in all, "
                  f"{time.monotonic() - started:.0f} s ({load()})", flush=True)  # fmt: skip
            if exact and added == 0:
                break
            exact = added == 0
            if time.monotonic() - started > limit and math.isfinite(bound):
                break
        return bound


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7004)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--solve", action="store_true")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--free", type=float)
    ap.add_argument("--bound", choices=PRIORITIES[1:])
    ap.add_argument("--held", type=int, nargs="+", help="counts above --bound (else the plan's)")
    ap.add_argument("--beam", type=int, default=300)
    ap.add_argument("--labels", type=int, default=3000)
    ap.add_argument("--limit", type=float, default=3600.0)
    args = ap.parse_args()
    week = Week.of("district", args.seed)
    keep = args.keep or Path(f"/tmp/district-split-{args.seed}.pkl")
    if args.solve:
        solve_and_keep(week, args.time_limit, keep)
    scenario = build_scenario(week.generate())
    kept = pickle.loads(keep.read_bytes())
    print(f"the kept plan's large part ({len(kept['tids'])} tasks) by subdistrict:")
    per_subdistrict(scenario, kept["tids"], kept["sol"])
    if args.free:
        free_each(scenario, kept, args.free)
    if args.bound:
        above = PRIORITIES[: PRIORITIES.index(args.bound)]
        served = count_by_priority(scenario, kept["sol"].crews)
        held = dict(zip(above, args.held or [served[p] for p in above], strict=True))
        started, was = time.monotonic(), load()
        lp = RouteSetLp(scenario, args.bound, held, kept["sol"])
        print(
            f"route-set LP of {args.bound} given {held}: {len(lp.open)} tasks, "
            f"{len(lp.blocks)} blocks, built in {time.monotonic() - started:.0f} s ({was})"
        )
        bound = lp.run(args.beam, args.labels, args.limit)
        print(f"{args.bound} at most {math.floor(bound + 1e-6)} (Lagrangian {bound:.2f}) in "
              f"{time.monotonic() - started:.0f} s ({load()})")  # fmt: skip


if __name__ == "__main__":
    main()
