"""The contract's formats in one package: a plan's JSON and a domain Plan are one another's
inverse, ISO times and minutes of the week too, and a scenario text is built once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import solver
from mutualaid.contract import clock, plan_json
from mutualaid.contract import scenario as loader
from mutualaid.contract.scenario import load_scenario, read_scenario_json, read_scenario_text
from mutualaid.domain.model import MINUTES_PER_WEEK, Scenario
from mutualaid.errors import ScenarioError

SAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "01-jingbalu-life-centre.yaml"
WEEK = load_scenario(SAMPLE)


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUTUALAID_LANG", "en")


def test_a_plan_read_back_from_its_json_writes_the_same_json() -> None:
    plan = solver.greedy(WEEK)
    written = plan_json.dump(plan, WEEK, said=True)  # as stored: reasons kept as data
    again = plan_json.load(written, WEEK)
    assert again.assignments == plan.assignments and plan.assignments
    assert again.unserved == plan.unserved
    assert plan_json.dump(again, WEEK, said=True) == written


def test_the_solvers_reading_of_a_stored_plan_has_the_plans_starts_and_crews() -> None:
    plan = solver.greedy(WEEK)
    sol = solver.solution_of(WEEK, plan_json.dump(plan, WEEK))
    assert sol.starts == {a.task: a.start for a in plan.assignments}
    assert sol.crews == {a.task: a.volunteers for a in plan.assignments}


def test_an_assignment_without_an_end_ends_its_tasks_duration_after_its_start() -> None:
    tid, task = next(iter(WEEK.tasks.items()))
    start = task.start_ranges[0][0]
    stored = {"assignments": [{"task": tid, "start": clock.iso(WEEK, start), "volunteers": []}]}
    [a] = plan_json.load(stored, WEEK).assignments
    assert (a.start, a.end) == (start, start + task.duration_minutes)


@given(st.integers(0, MINUTES_PER_WEEK - 1))
def test_a_minute_of_the_week_survives_iso_time_both_ways(minute: int) -> None:
    assert clock.minute_of(WEEK, clock.iso(WEEK, minute)) == minute
    text = clock.local_text(WEEK.week_start, minute)
    assert clock.local_start(text) == text
    parsed = dt.datetime.fromisoformat(text)
    assert clock.local_minute(WEEK.week_start, parsed) == minute


def test_an_iso_time_in_another_zone_is_read_in_the_scenarios() -> None:
    # 01:00 UTC on the week's Monday is 09:00 in Shanghai (the sample's zone)
    monday = WEEK.week_start.isoformat()
    assert WEEK.timezone == "Asia/Shanghai"
    assert clock.minute_of(WEEK, f"{monday}T01:00:00+00:00") == 9 * 60


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    built: list[object] = []
    real = loader._build

    def build(*args: object) -> Scenario:
        built.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "_build", build)
    return built


def test_a_scenario_text_is_read_and_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built = _counting_builds(monkeypatch)
    scenario, data = read_scenario_text(SAMPLE.read_text("utf-8"))
    assert len(built) == 1
    assert scenario.tasks == WEEK.tasks and data["week_start"] is not None


def test_a_json_scenario_is_built_once_and_its_syntax_errors_have_a_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = _counting_builds(monkeypatch)
    text = json.dumps(yaml.safe_load(SAMPLE.read_text("utf-8")), default=str, indent=1)
    scenario, _ = read_scenario_json(text)
    assert len(built) == 1 and scenario.tasks == WEEK.tasks
    with pytest.raises(ScenarioError) as caught:
        read_scenario_json('{"name": "x",\n "tasks": [}')
    [problem] = caught.value.problems
    assert problem.line == 2 and "JSON" in problem.message
