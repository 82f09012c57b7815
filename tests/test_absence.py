"""An absence's repair on random weeks: a volunteer becomes unavailable over one of their
visits (all day, or hours around it); every visit it takes is re-planned in one repair, which
keeps every hard rule (our validator and the reference checker) and every other visit served."""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import DAYS, MINUTES_PER_DAY
from mutualaid.errors import ScenarioError
from mutualaid.validation import validate
from solver.absence import repair_all
from tests.reference import reference_check
from tests.strategies import DATES, World, small_worlds


def _clock(minute: int) -> str:
    minute = max(0, min(MINUTES_PER_DAY - 1, minute))
    return f"{minute // 60:02d}:{minute % 60:02d}"


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(world=small_worlds(), rnd=st.randoms(use_true_random=False), whole=st.booleans())
def test_an_absence_s_repair_keeps_every_rule_and_every_other_visit(
    world: World, rnd: random.Random, whole: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scenario = build_scenario(world)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=1, workers=1))
    if plan.status == "error" or not plan.assignments:
        return
    visit = rnd.choice(plan.assignments)
    who = rnd.choice(visit.volunteers).id
    day, minute = divmod(visit.start, MINUTES_PER_DAY)
    entry = {"date": DATES[DAYS[day]]}
    if not whole:
        end = minute + visit.end - visit.start
        entry |= {"from": _clock(minute - 30), "to": _clock(end + 30)}
    week = copy.deepcopy(world)
    person = next(v for v in week["volunteers"] if v["id"] == who)
    person["unavailable"] = [*(person.get("unavailable") or []), entry]
    try:
        changed = build_scenario(week)
    except ScenarioError:
        return  # a pin of theirs on that day: the service would refuse the roster edit
    published = plan_json.load(plan_json.dump(plan, scenario), changed)
    hit = [a.task for a in published.assignments if any(v.id == who for v in a.volunteers)
           and a.start // MINUTES_PER_DAY == day]  # fmt: skip
    done, changes = repair_all(changed, published, hit, 0.5)
    repaired = plan_json.dump(done, changed)
    report = validate(changed, repaired)
    assert report.ok, report.violations
    violations, _ = reference_check(week, repaired, tmp_path_factory.mktemp("absence"))
    assert not violations, violations
    lost = set(done.extra["repair"]["tasks"])
    assert visit.task in lost
    served = {a.task for a in done.assignments}
    assert {a.task for a in published.assignments} - lost <= served
    before = {(v.id, a.task) for a in published.assignments for v in a.volunteers}
    after = {(v.id, a.task) for a in done.assignments for v in a.volunteers}
    assert changes == len(before ^ after)
