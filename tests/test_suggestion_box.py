"""Suggestions checked as the checks end (`solver.suggest_checks`): the plan given at a time
box carries only checked suggestions and says which tasks are still being checked; every task
gets its first check before any task its second; once every check has ended the plan is the
one `with_suggestions` gives; the marks go through the plan JSON, the CLI (`solve --suggest`,
`suggest`) in English and Chinese, and the job runner, which stores the rest as they come."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mutualaid.cli import app
from mutualaid.contract import plan_json
from mutualaid.domain.plan import Plan
from mutualaid.messages import msg_in
from mutualaid.services import jobs, plans
from mutualaid.services.access import Actor
from mutualaid.services.built import BuiltWeeks
from solver.service import PlannerSettings, SolverPlanner
from solver.suggest_checks import Checks, wanted
from solver.suggest_verify import with_suggestions, within
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.test_suggestions import solved, task, volunteer, world

SIGN = [{"skill": "sign_language", "count": 1}]


def two_unserved() -> dict[str, Any]:
    """A week whose tasks a and b nobody can do (a missing skill): each has candidates."""
    return world([volunteer("v")], [task("a", needs=SIGN), task("b", needs=SIGN), task("s")])


def test_the_plan_at_the_box_shows_only_checked_suggestions_and_says_what_is_left() -> None:
    doc = two_unserved()
    scenario, plan = solved(doc)
    b_may_end = threading.Event()
    asked: list[str] = []

    def check(d: Any, patch: Any, tid: str, before: Any, seed: int) -> bool:
        asked.append(tid)
        if tid == "b":
            assert b_may_end.wait(60)
        return True

    with Checks(scenario, doc, plan, check=check) as checks:  # one thread
        boxed = within(checks, 0.0)  # nothing checked yet
        assert all(u.checking and not u.suggestions for u in boxed.unserved)
        while "a" not in checks.advance():
            pass
        now = {u.task: u for u in checks.plan().unserved}
        assert now["a"].suggestions and not now["a"].checking
        assert not now["b"].suggestions and now["b"].checking  # its check is under way
        data = plan_json.dump(checks.plan(), scenario)
        marks = {u["task"]: u.get("suggestions_checking") for u in data["unserved"]}
        assert marks == {"a": None, "b": True}
        loaded = plan_json.load(data, scenario).unserved
        assert [(u.task, u.checking) for u in loaded] == [("a", False), ("b", True)]
        b_may_end.set()
        while not checks.done:
            checks.advance()
        final = checks.plan()
    assert not any(u.checking for u in final.unserved)
    assert final.unserved == with_suggestions(scenario, doc, plan, check=lambda *_: True).unserved
    assert asked[:2] in (["a", "b"], ["b", "a"])  # each task's first before any second


def test_each_task_gets_its_first_check_before_any_task_its_second() -> None:
    doc = two_unserved()
    scenario, plan = solved(doc)
    asked: list[str] = []

    def check(d: Any, patch: Any, tid: str, before: Any, seed: int) -> bool:
        asked.append(tid)
        return False  # so that every candidate is asked for

    with Checks(scenario, doc, plan, check=check, pooled=False) as checks:
        counts = {t: len(c) for t, c in checks.found.items()}
        while not checks.done:
            checks.advance()
    assert min(counts.values()) >= 1 and sum(counts.values()) == len(asked)
    firsts = len(counts)
    assert sorted(asked[:firsts]) == sorted(counts)


def test_a_candidate_is_asked_for_only_while_it_could_still_be_shown() -> None:
    cands: list[Any] = [object()] * 5
    assert wanted(cands, {}, set(), "t", 3) == [0, 1, 2]
    assert wanted(cands, {}, {("t", 0)}, "t", 3) == [1, 2]  # under check: counts as maybe
    verdicts = {("t", 0): True, ("t", 1): False, ("t", 2): True}
    assert wanted(cands, verdicts, set(), "t", 3) == [3]
    assert wanted(cands, {**verdicts, ("t", 3): True}, set(), "t", 3) == []


# -- the command line ----------------------------------------------------------------------
runner = CliRunner()


def squashed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_solve_shows_the_plan_at_the_box_then_the_rest_and_writes_it_again(
    lang: str, tmp_path: Path
) -> None:
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(two_unserved()), encoding="utf-8")
    out = tmp_path / "week.plan.json"
    args = ["solve", str(week), "--out", str(out), "--workers", "1", "--suggest",
            "--suggest-within", "0"]  # fmt: skip
    done = runner.invoke(app, args, env={"MUTUALAID_LANG": lang, "COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    said = squashed(done.output)  # however the console wraps its lines
    assert squashed(msg_in(lang, "cli_suggest_checking", count=2)) in said
    assert squashed(msg_in(lang, "cli_suggest_written", path=out)) in said
    data = json.loads(out.read_text(encoding="utf-8"))
    entries = {u["task"]: u for u in data["unserved"]}
    assert set(entries) == {"a", "b"}
    for entry in entries.values():
        assert entry["suggestions"] and "suggestions_checking" not in entry


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_suggest_checks_what_a_plan_still_marks_as_being_checked(lang: str, tmp_path: Path) -> None:
    doc = two_unserved()
    scenario, plan = solved(doc)
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(doc), encoding="utf-8")
    marked = replace(plan, unserved=[replace(u, checking=u.task == "b") for u in plan.unserved])
    path = tmp_path / "week.plan.json"
    path.write_text(json.dumps(plan_json.dump(marked, scenario)), encoding="utf-8")
    done = runner.invoke(app, ["suggest", str(week), str(path), "--workers", "1"],
                         env={"MUTUALAID_LANG": lang, "COLUMNS": "200"})  # fmt: skip
    assert done.exit_code == 0, done.output
    entries = {u["task"]: u for u in json.loads(path.read_text(encoding="utf-8"))["unserved"]}
    assert entries["b"]["suggestions"] and "suggestions_checking" not in entries["b"]
    assert "suggestions" not in entries["a"]  # not asked for: as it was
    again = runner.invoke(app, ["suggest", str(week), str(path)],
                          env={"MUTUALAID_LANG": lang, "COLUMNS": "200"})  # fmt: skip
    assert squashed(msg_in(lang, "cli_suggest_nothing", path=path)) in squashed(again.output)


# -- the job runner --------------------------------------------------------------------------
AREA = "area"
COORDINATOR = Actor("tok-c", "coordinator", (AREA,))


def two_unserved_stored(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeStore, Any, SolverPlanner]:
    """A store holding `two_unserved` as a week of AREA, and a planner whose suggestions are
    all checked after the plan (a box of 0 s)."""
    from mutualaid.contract.scenario import build_scenario
    from mutualaid.services import built

    monkeypatch.setattr(built, "BUILT", BuiltWeeks())
    store = FakeStore()
    store.add_week(AREA, build_scenario(two_unserved()))
    [(_, week)] = store.state.weeks
    inner = SolverPlanner(PlannerSettings(2.0, 1, True, suggest=True,
                                          suggest_within_seconds=0))  # fmt: skip
    return store, week, inner


def test_a_plan_finishes_at_the_box_and_its_rest_is_stored_as_it_comes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, week, inner = two_unserved_stored(monkeypatch)
    seen: list[Any] = []

    class Watching:
        def plan(self, *args: Any, **kwargs: Any) -> Plan:
            plan = inner.plan(*args, **kwargs)
            assert plan.rest is not None

            def rest() -> Any:
                [record] = store.state.plans.values()
                seen.append(record)  # as stored before the first of the rest
                yield from plan.rest  # type: ignore[misc]

            return replace(plan, rest=rest())

    made = plans.request_plan(FakeUnitOfWork(store), None, COORDINATOR, AREA, week.isoformat())
    done = jobs.run_next_plan(lambda: FakeUnitOfWork(store), Watching(), jobs.RunOptions("w"))
    assert done is not None and done.id == made.id
    [first] = seen
    assert first.status != "running" and first.result is not None
    assert all(u.checking for u in first.result.unserved)  # finished: shown, marked
    assert done.result is not None and {u.task for u in done.result.unserved} == {"a", "b"}
    for u in done.result.unserved:
        assert u.suggestions and not u.checking


def test_a_plan_superseded_by_a_newer_published_one_stops_its_checks_and_its_marks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once a newer plan of the week is published, the older plan's checks are wasted work:
    they stop, nothing more is written into it, and no task of it stays marked as checking."""
    store, week, inner = two_unserved_stored(monkeypatch)
    asked: list[Plan] = []

    class Superseded:
        def plan(self, *args: Any, **kwargs: Any) -> Plan:
            plan = inner.plan(*args, **kwargs)
            assert plan.rest is not None

            def rest() -> Any:
                [record] = store.state.plans.values()
                store.clock.advance(1)
                with FakeUnitOfWork(store) as uow:  # a newer plan, published meanwhile
                    newer = uow.plans.create(AREA, week)
                    uow.plans.finish(newer.id, replace(plan, rest=None))
                    uow.plans.publish(newer.id)
                    uow.commit()
                assert record.result is not None
                for more in plan.rest:  # type: ignore[union-attr]
                    asked.append(more)
                    yield more

            return replace(plan, rest=rest())

    made = plans.request_plan(FakeUnitOfWork(store), None, COORDINATOR, AREA, week.isoformat())
    jobs.run_next_plan(lambda: FakeUnitOfWork(store), Superseded(), jobs.RunOptions("w"))
    assert len(asked) <= 1  # the checks ended at the first word after the newer plan
    done = store.state.plans[made.id]
    assert done.result is not None and {u.task for u in done.result.unserved} == {"a", "b"}
    for u in done.result.unserved:
        assert not u.checking and not u.suggestions  # nothing of the rest written


@pytest.mark.parametrize("seconds", ["1e10", "1e300"])
def test_a_box_too_long_for_a_timer_waits_for_every_check_as_inf_does(
    seconds: str, tmp_path: Path
) -> None:
    """A box past threading's TIMEOUT_MAX (about 292 years) is as good as inf: every check
    waited for. It was handed to wait() as a timeout, which raised OverflowError (a traceback
    on `solve --suggest-within 1e300`, and on a server with MUTUALAID_SOLVER_SUGGEST_WITHIN
    so set, every plan with suggestions failed)."""
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(two_unserved()), encoding="utf-8")
    out = tmp_path / "week.plan.json"
    args = ["solve", str(week), "--out", str(out), "--workers", "1", "--suggest",
            "--suggest-within", seconds]  # fmt: skip
    done = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert all(u["suggestions"] and "suggestions_checking" not in u for u in data["unserved"])
