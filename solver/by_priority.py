"""Coverage one priority at a time (`solver.stages`, `by_priority`) in a part: where the planner
takes that way (decided before any search, from greedy's floor), and the bounds per priority
its steps prove, as the contract reads them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mutualaid.domain.model import PRIORITIES, Scenario
from solver.solution import Solution, count_by_priority
from solver.stages import StageResult

if TYPE_CHECKING:
    from solver.parts import PartJob

BY_PRIORITY_FLOOR = 0.8
"""Coverage is solved one priority at a time on a part where greedy's floor serves fewer than
this share of its tasks. Measured (bench/by_priority.py, seeds 7001-7010 and subdistrict-a,
12 s a part, 2 workers, load 7-10): greedy serves 67-69% of the one-day weeks' large parts;
there one priority at a time served as many normal tasks or more (7004: 59 and 59, 7010: 68
against 65) under a normal bound 4-5 tighter (64 against 68, 76 against 81); through the
planner at 30 s (bench/unseen.py) 62 against 60 and 71 against 69. It serves 89-100% of every
other week's, which the weighted search proved sooner (7001 0.9 against 1.6 s, 7008 0.6
against 1.4 s; the wide 7009 proved in 10 s weighted, open after 17 s one priority at a time).
Over six planner runs of one-day weeks before and after (docs/engine-on-unseen-weeks.md,
"Coverage one priority at a time"): +2, +4, +2, -5, +1, +3 normal tasks."""


def by_priority(job: PartJob) -> bool:
    """Whether the part's coverage is solved one priority at a time (`BY_PRIORITY_FLOOR`):
    decided by what greedy served, before any search."""
    if not job.by_priority or job.floor is None:
        return False
    return len(job.floor.crews) < BY_PRIORITY_FLOOR * len(job.tids)


def stepped_bounds(
    scenario: Scenario, tids: list[str], sol: Solution, cover: StageResult
) -> dict[str, int] | None:
    """The bounds of a coverage stage solved one priority at a time, as the contract reads
    them (None when it was weighted): at p, each step's bound holds for every plan serving at
    least the steps' values above (a proved step's value is the most any such plan serves), so
    for every plan serving at least `sol`'s counts above while `sol` serves at least those
    values; below a priority where `sol` serves fewer (a later search traded lower tasks for a
    higher one), only the part's task count."""
    if not cover.priorities:
        return None
    served = count_by_priority(scenario, sol.crews)
    out = count_by_priority(scenario, tids)
    steps = {r.priority: r for r in cover.priorities}
    for p in PRIORITIES:
        if p in steps:
            out[p] = max(served[p], steps[p].bound)
            if served[p] < steps[p].value:
                break
    return out
