"""The suggestions' time box and background checks under what a careless or hostile user, or a
dying runner, does to them: a box that is no number, below zero or endless; a runner that stops
(or whose store fails) while a finished plan's checks go on must not leave its tasks marked as
being checked for ever."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mutualaid.cli import app
from mutualaid.domain.plan import Plan
from mutualaid.messages import msg_in
from mutualaid.services import jobs, plans
from solver.suggest_checks import Checks
from solver.suggest_verify import within
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.test_suggestion_box import AREA, COORDINATOR, two_unserved
from tests.test_suggestions import solved

runner = CliRunner()


def squashed(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("box", ["nan", "-1"])
def test_a_box_of_no_number_or_below_zero_is_refused_by_name(
    lang: str, box: str, tmp_path: Path
) -> None:
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(two_unserved()), encoding="utf-8")
    out = tmp_path / "week.plan.json"
    args = ["solve", str(week), "--out", str(out), "--workers", "1", "--suggest",
            f"--suggest-within={box}"]  # fmt: skip
    done = runner.invoke(app, args, env={"MUTUALAID_LANG": lang, "COLUMNS": "200"})
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    said = squashed(done.output)
    assert squashed(msg_in(lang, "cli_bad_suggest_within", got=float(box))) in said
    assert not out.exists()  # refused before any solve


def test_an_endless_box_waits_for_every_check() -> None:
    """`--suggest-within inf` (or MUTUALAID_SOLVER_SUGGEST_WITHIN=inf, which the settings
    take as a positive number) means: show the plan once every suggestion is checked. An
    endless wait handed to the threads' wait() overflowed instead."""
    doc = two_unserved()
    scenario, plan = solved(doc)
    with Checks(scenario, doc, plan, check=lambda *_: True) as checks:  # one thread
        boxed = within(checks, math.inf)
    assert {u.task for u in boxed.unserved} == {"a", "b"}
    assert all(u.suggestions and not u.checking for u in boxed.unserved)


def _runner_with_rest(store: FakeStore, rest: Any) -> Any:
    """A planner whose plan finished with every task being checked, and `rest` (given the
    plan) as its checks still under way."""
    from mutualaid.contract.scenario import build_scenario

    store.add_week(AREA, build_scenario(two_unserved()))
    _, plan = solved(two_unserved())
    marked = replace(plan, unserved=[replace(u, suggestions=(), checking=True)
                                     for u in plan.unserved])  # fmt: skip

    class Planner:
        def plan(self, *args: Any, **kwargs: Any) -> Plan:
            return replace(marked, rest=rest(marked))

    return Planner()


@pytest.mark.parametrize("how", ["runner stops", "store fails", "checks fail"])
def test_checks_cut_short_leave_no_task_marked_as_being_checked(
    how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner stops (or the store fails, or a check raises) after one task's
    suggestions came: the plan keeps what was checked, and no task still says its
    suggestions are being checked, which nothing would ever end."""
    from mutualaid.services import built
    from mutualaid.services.built import BuiltWeeks

    monkeypatch.setattr(built, "BUILT", BuiltWeeks())
    store = FakeStore()
    stop = {"now": False}

    def rest(marked: Plan) -> Iterator[Plan]:
        a, b = marked.unserved
        first = next(u for u in solved(two_unserved())[1].unserved if u.task == a.task)
        yield replace(marked, unserved=[replace(a, suggestions=first.suggestions or (),
                                                checking=False), b])  # fmt: skip
        if how == "runner stops":
            stop["now"] = True
        elif how == "store fails":
            commit = FakeUnitOfWork.commit

            def fails_once(self: Any) -> None:  # the store goes away for a moment
                monkeypatch.setattr(FakeUnitOfWork, "commit", commit)
                raise OSError("the store went away")

            monkeypatch.setattr(FakeUnitOfWork, "commit", fails_once)
        else:
            raise RuntimeError("a check's process died")
        yield replace(marked, unserved=[replace(u, checking=False) for u in marked.unserved])

    planner = _runner_with_rest(store, rest)
    [(_, week)] = store.state.weeks
    plans.request_plan(FakeUnitOfWork(store), None, COORDINATOR, AREA, week.isoformat())
    options = jobs.RunOptions("w", stopping=lambda: stop["now"])
    jobs.run_next_plan(lambda: FakeUnitOfWork(store), planner, options)
    [record] = store.state.plans.values()
    assert record.status not in ("running", "queued") and record.result is not None
    assert not any(u.checking for u in record.result.unserved)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_suggest_refuses_a_plan_of_another_week_by_name(lang: str, tmp_path: Path) -> None:
    """`mutualaid suggest WEEK PLAN` with the plan of another week (a task it marks as being
    checked is not in WEEK) said a KeyError traceback; it says which plan and which tasks."""
    from mutualaid.contract import plan_json

    doc = two_unserved()
    scenario, plan = solved(doc)
    marked = replace(plan, unserved=[replace(u, checking=True) for u in plan.unserved])
    data = plan_json.dump(marked, scenario)
    data["unserved"][1]["task"] = "t-elsewhere"
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(doc), encoding="utf-8")
    path = tmp_path / "other.plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = runner.invoke(app, ["suggest", str(week), str(path), "--workers", "1"],
                         env={"MUTUALAID_LANG": lang, "COLUMNS": "200"})  # fmt: skip
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    said = msg_in(lang, "cli_suggest_foreign_plan", path=path, week=week, tasks="t-elsewhere")
    assert squashed(said) in squashed(done.output)
    assert json.loads(path.read_text(encoding="utf-8")) == data  # not written


def test_a_plan_written_again_is_never_left_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`suggest` (and `solve --suggest` at its end) writes a plan file that already holds a
    good plan again: a kill in the middle of that write left neither plan, only the first
    part of the new one. The file is replaced whole, or not at all."""
    from mutualaid.contract import plan_json

    doc = two_unserved()
    scenario, plan = solved(doc)
    marked = replace(plan, unserved=[replace(u, checking=True) for u in plan.unserved])
    week = tmp_path / "week.yaml"
    week.write_text(yaml.safe_dump(doc), encoding="utf-8")
    path = tmp_path / "week.plan.json"
    good = json.dumps(plan_json.dump(marked, scenario))
    path.write_text(good, encoding="utf-8")
    write_text = Path.write_text

    def killed_midway(self: Path, text: str, *args: Any, **kwargs: Any) -> int:
        write_text(self, text[: len(text) // 2], *args, **kwargs)
        raise KeyboardInterrupt  # as the process ends, mid-write

    monkeypatch.setattr(Path, "write_text", killed_midway)
    runner.invoke(app, ["suggest", str(week), str(path), "--workers", "1"])
    monkeypatch.undo()
    assert path.read_text(encoding="utf-8") == good
