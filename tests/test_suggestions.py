"""Suggestions for unserved tasks: each kind on a tiny world, the insertion plan that proves the
patched week's optimum, and the contract's promise (apply the patch, solve with one worker: the
task is served, coverage no worse) held for every suggestion of every replayed scenario."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

import solver
from mutualaid.contract import clock, plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.domain.plan import (
    AssignedVolunteer,
    Assignment,
    Objective,
    Plan,
    Unserved,
)
from mutualaid.json_patch import PatchError, apply_patch, pointer
from mutualaid.messages.suggestions import EN, ZH, word
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver.suggest import KINDS, Candidate
from solver.suggest_kinds import suggest
from solver.suggest_verify import with_suggestions
from tests.reference import reference_check

ROOT = Path(__file__).parent.parent
REFUSED = {"pin-small-team.yaml"}  # the world whose pin the loader refuses on purpose
REPLAYED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    p for p in (ROOT / "tests" / "worlds").glob("*.yaml") if p.name not in REFUSED
)
HERE = {"lat": 34.75, "lon": 113.65}
TUE_9 = 1 * 24 * 60 + 9 * 60
TUE_WINDOW = {"days": ["tue"], "from": "09:00", "to": "12:00"}


# -- an RFC 6902 apply of the tests' own, to hold the production one to the RFC -------------
def rfc6902(doc: Any, patch: list[dict[str, Any]]) -> Any:
    out = copy.deepcopy(doc)
    for op in patch:
        keys = [k.replace("~1", "/").replace("~0", "~") for k in op["path"].split("/")[1:]]
        *head, last = keys
        parent = out
        for k in head:
            parent = parent[int(k)] if isinstance(parent, list) else parent[k]
        if isinstance(parent, list):
            i = len(parent) if last == "-" else int(last)
            if op["op"] == "add":
                parent.insert(i, copy.deepcopy(op["value"]))
            elif op["op"] == "replace":
                parent[i] = copy.deepcopy(op["value"])
            else:
                del parent[i]
        elif op["op"] == "remove":
            del parent[last]
        else:
            assert op["op"] == "add" or last in parent
            parent[last] = copy.deepcopy(op["value"])
    return out


def promise_holds(
    doc: dict[str, Any], patch: Any, task: str, before: tuple[int, ...], seed: int
) -> bool:
    """The contract's promise, checked apart from `solver.suggest_verify`."""
    patched = build_scenario(rfc6902(doc, list(patch)))
    plan = solver.solve(patched, solver.SolveOptions(workers=1, seed=seed))
    assert plan.objective is not None, plan.error
    served = task in {a.task for a in plan.assignments}
    return served and plan.objective.coverage_key() >= before


def world(volunteers: list[Any], tasks: list[Any], **more: Any) -> dict[str, Any]:
    return {
        "name": "tiny",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "settings": {"time_limit_seconds": 2},
        "volunteers": volunteers,
        "tasks": tasks,
        **more,
    }


def volunteer(vid: str, **more: Any) -> dict[str, Any]:
    base = {"id": vid, "name": vid, "skills": ["repair"], "home": HERE, "vetted": True,
            "availability": [{"days": ["tue"], "from": "09:00", "to": "12:00"}]}  # fmt: skip
    return {**base, **more}


def task(tid: str, **more: Any) -> dict[str, Any]:
    base = {"id": tid, "location": HERE, "needs": [{"skill": "repair", "count": 1}],
            "duration_minutes": 60, "windows": [TUE_WINDOW]}  # fmt: skip
    return {**base, **more}


def solved(doc: dict[str, Any]) -> tuple[Any, Plan]:
    scenario = build_scenario(doc)
    return scenario, solver.solve(scenario, solver.SolveOptions(workers=1))


def only(doc: dict[str, Any], plan: Plan | None = None) -> dict[str, list[Candidate]]:
    scenario = build_scenario(doc)
    plan = plan or solver.solve(scenario, solver.SolveOptions(workers=1))
    return suggest(scenario, doc, plan)


def kinds(found: list[Candidate]) -> list[str]:
    return [c.kind for c in found]


def insertion_is_a_plan(doc: dict[str, Any], plan: Plan, cand: Candidate) -> None:
    """The plan as it stands, less the visits a swap frees, plus the task at the candidate's
    start with its crew, keeps every hard rule of the patched week (our validator), and its
    coverage is lexicographically above the plan's: so no proved bound of the patched week is
    ever below `before`, and a failing check cannot be ended early from above
    (`solver.settle`)."""
    patched = build_scenario(rfc6902(doc, cand.patch))
    start, crew = cand.insertion
    keep = [a for a in plan.assignments if a.task not in cand.dropped]
    task_ = patched.tasks[cand.task]
    volunteers = [{"id": v, "role": r, "team": t} for v, r, t in crew]
    assignments = [
        {"task": a.task, "start": clock.iso(patched, a.start), "end": clock.iso(patched, a.end),
         "volunteers": [{"id": v.id, "role": v.role, "team": v.team} for v in a.volunteers]}
        for a in keep
    ] + [{"task": cand.task, "start": clock.iso(patched, start),
          "end": clock.iso(patched, start + task_.duration_minutes),
          "volunteers": volunteers}]  # fmt: skip
    listed = {a["task"] for a in assignments}
    unserved = [
        {"task": t, "reason": "capacity", "detail": ""} for t in patched.tasks if t not in listed
    ]
    report = validate(
        patched, {"status": "feasible", "assignments": assignments, "unserved": unserved}
    )
    broken = [v for v in report.violations if v not in report.derived]
    assert broken == []
    assert plan.objective is not None
    served = [patched.tasks[t].priority for t in listed]
    assert tuple(served.count(p) for p in PRIORITIES) > plan.objective.coverage_key()


# -- JSON Patch ---------------------------------------------------------------------------
def test_patch_adds_replaces_removes_and_appends_like_the_rfc() -> None:
    doc = {"a": [1, 2], "b": {"c~d/e": 1}}
    patch = [
        {"op": "add", "path": "/a/-", "value": 3},
        {"op": "add", "path": "/a/0", "value": 0},
        {"op": "replace", "path": pointer("b", "c~d/e"), "value": 2},
        {"op": "remove", "path": "/a/1"},
        {"op": "add", "path": "/f", "value": {"g": 1}},
    ]
    assert (
        apply_patch(doc, patch)
        == rfc6902(doc, patch)
        == {"a": [0, 2, 3], "b": {"c~d/e": 2}, "f": {"g": 1}}
    )
    assert doc == {"a": [1, 2], "b": {"c~d/e": 1}}  # the original is left as it was


@pytest.mark.parametrize(
    "op",
    [
        {"op": "replace", "path": "/missing", "value": 1},
        {"op": "remove", "path": "/a/5"},
        {"op": "add", "path": "/a/01", "value": 1},
        {"op": "move", "path": "/a/0", "from": "/b"},
        {"op": "add", "path": "a", "value": 1},
    ],
)
def test_patch_that_does_not_apply_is_refused_whole(op: dict[str, Any]) -> None:
    with pytest.raises(PatchError):
        apply_patch({"a": [1, 2]}, [op])


# -- the sentences --------------------------------------------------------------------------
def test_every_kind_has_a_sentence_in_both_languages() -> None:
    assert set(EN) == set(ZH) and set(KINDS) <= set(EN)
    fields = dict(task="T", day="wed", start="09:00", end="10:00", people=["A", "B"], hours="2 h",
                  minutes=20, count=1, skill="repair", others=["U"])  # fmt: skip
    for kind in KINDS:
        en, zh = word(kind, "en", **fields), word(kind, "zh", **fields)
        assert "T" in en and "T" in zh and en != zh
    assert "Wed" in word("move_day", "en", **fields) and "周三" in word("move_day", "zh", **fields)
    assert "A、B" in word("swap", "zh", **fields) and "A, B" in word("swap", "en", **fields)


# -- each kind on a tiny world ------------------------------------------------------------
def pin(tid: str, vids: list[str]) -> dict[str, Any]:
    """The operation a suggestion's patch ends with on a world with no pins: its task pinned
    to the people it names, so every plan of the patched week serves it."""
    return {"op": "add", "path": "/pinned", "value": [{"task": tid, "volunteers": vids}]}


def check_kind(doc: dict[str, Any], tid: str, kind: str, plan: Plan | None = None) -> Candidate:
    scenario = build_scenario(doc)
    plan = plan or solver.solve(scenario, solver.SolveOptions(workers=1))
    assert tid in {u.task for u in plan.unserved}
    found = suggest(scenario, doc, plan)[tid]
    cand = next(c for c in found if c.kind == kind)
    insertion_is_a_plan(doc, plan, cand)
    assert plan.objective is not None
    assert promise_holds(doc, cand.patch, tid, plan.objective.coverage_key(), 0)
    assert [c.changes for c in found] == sorted(c.changes for c in found)
    return cand


def test_a_missing_skill_suggests_recruiting_exactly_it_at_the_place_and_time() -> None:
    doc = world([volunteer("v")], [task("t", needs=[{"skill": "sign_language", "count": 1}])])
    cand = check_kind(doc, "t", "recruit")
    op, pinned = cand.patch
    assert op["op"] == "add" and op["path"] == "/volunteers/-"
    new = op["value"]
    assert new["skills"] == ["sign_language"] and new["home"] == HERE
    assert new["availability"] == [{"date": "2026-12-01", "from": "09:00", "to": "10:00"}]
    assert pinned == pin("t", [new["id"]])


def test_a_week_without_volunteers_recruits_every_missing_person_into_one_new_list() -> None:
    doc = world([], [task("t", needs=[{"skill": "sign_language", "count": 2}])])
    del doc["volunteers"]
    cand = check_kind(doc, "t", "recruit")
    first, second, pinned = cand.patch
    assert first["path"] == "/volunteers" and second["path"] == "/volunteers/-"
    patched = apply_patch(doc, cand.patch)
    assert [v["id"] for v in patched["volunteers"]] == pinned["value"][0]["volunteers"]


def test_two_recruits_have_two_names_the_sentence_can_tell_apart() -> None:
    """Two new people with one skill were both 'New volunteer (sign_language)': the sentence
    read 'pins New volunteer (sign_language), New volunteer (sign_language)' and the patched
    week held two people of one name. Each is numbered, in the patch and in the sentence."""
    doc = world([], [task("t", needs=[{"skill": "sign_language", "count": 2}])])
    cand = check_kind(doc, "t", "recruit")
    names = [op["value"]["name"] for op in cand.patch if op["path"].startswith("/volunteers")]
    assert len(set(names)) == 2
    for name in names:
        assert cand.text("en").count(name) == 1
    zh = word("new_volunteer_n", "zh", n=2, skill="sign_language")
    assert zh != word("new_volunteer_n", "zh", n=1, skill="sign_language") and "2" in zh


def test_a_recruit_s_sentence_names_its_new_people_in_the_language_it_is_said_in() -> None:
    """The new people's names were worded once, in the solving locale, and kept as strings:
    the zh sentence read '……固定安排 New volunteer 1 (sign_language)、…'."""
    doc = world([], [task("t", needs=[{"skill": "sign_language", "count": 2}])])
    cand = check_kind(doc, "t", "recruit")
    en, zh = cand.text("en"), cand.text("zh")
    assert "New volunteer 1" in en and "New volunteer 2" in en and "(s)" not in en
    assert "新志愿者1" in zh and "新志愿者2" in zh and "New volunteer" not in zh
    stored = json.loads(json.dumps(dict(cand.text_fields)))  # as the plan JSON keeps it
    assert word("recruit", "zh", **stored) == zh


def test_a_recruit_names_the_skill_as_a_coordinator_says_it_in_each_language() -> None:
    """The sentences named skills by their ids: '招募1名会meal_delivery的志愿者'. A known skill is
    worded in the language of the sentence, an unknown one as words, both in the sentence and
    in the new person's name; the plan JSON's stored fields word the same."""
    doc = world([], [task("t", needs=[{"skill": "meal_delivery", "count": 1}])])
    cand = check_kind(doc, "t", "recruit")
    en, zh = cand.text("en"), cand.text("zh")
    assert "meal_delivery" not in en + zh
    assert "1 × meal delivery" in en and "New volunteer (meal delivery)" in en
    assert "会送餐的志愿者" in zh and "新志愿者（送餐）" in zh
    stored = json.loads(json.dumps(dict(cand.text_fields)))
    assert word("recruit", "zh", **stored) == zh and word("recruit", "en", **stored) == en
    doc = world([], [task("t", needs=[{"skill": "sign_language", "count": 1}])])
    assert "1 × sign language" in check_kind(doc, "t", "recruit").text("en")


def test_a_volunteer_too_far_is_asked_to_travel_exactly_as_far_as_needed() -> None:
    far = {"lat": 34.75 + 0.018, "lon": 113.65}
    doc = world([volunteer("v", home=far, max_travel_minutes=15)], [task("t")])
    cand = check_kind(doc, "t", "extend_range")
    scenario = build_scenario(doc)
    minutes = HaversineTravel(scenario.settings).minutes("walk", scenario.volunteers["v"].home,
                                                          scenario.tasks["t"].location)  # fmt: skip
    assert minutes > 15
    assert cand.patch == [
        {"op": "replace", "path": "/volunteers/0/max_travel_minutes", "value": minutes},
        pin("t", ["v"]),
    ]


def test_a_home_visit_without_a_vetted_volunteer_suggests_allowing_unvetted() -> None:
    doc = world([volunteer("v", vetted=False)], [task("t", resident="r", location=None)],
                residents=[{"id": "r", "name": "r", "location": HERE}])  # fmt: skip
    del doc["tasks"][0]["location"]
    cand = check_kind(doc, "t", "allow_unvetted")
    assert cand.patch == [
        {"op": "add", "path": "/tasks/0/vetted_only", "value": False},
        pin("t", ["v"]),
    ]


def test_a_volunteer_out_of_hours_is_asked_for_the_hours_the_task_needs() -> None:
    doc = world([volunteer("v", max_hours_per_week=1)],
                [task("urgent", priority="urgent"), task("t")])  # fmt: skip
    cand = check_kind(doc, "t", "extend_hours")
    assert cand.patch == [
        {"op": "replace", "path": "/volunteers/0/max_hours_per_week", "value": 2},
        pin("t", ["v"]),
    ]
    # the hours in words of the sentence's language (the zh sentence said '（2 h）')
    assert "(2 h in all)" in cand.text("en") and "（共2小时）" in cand.text("zh")


def test_a_window_next_to_someone_free_is_widened_on_its_day() -> None:
    doc = world([volunteer("v", availability=[{"days": ["tue"], "from": "10:00", "to": "12:00"}])],
                [task("t", windows=[{"days": ["tue"], "from": "09:00", "to": "10:00"}])],
                )  # fmt: skip
    cand = check_kind(doc, "t", "widen_window")
    assert cand.patch[1] == {"op": "replace", "path": "/tasks/0/windows/0/to", "value": "11:00"}
    assert cand.patch[2:] == [pin("t", ["v"])]


def test_a_task_whose_helpers_are_free_another_day_is_offered_that_day() -> None:
    doc = world([volunteer("v", availability=[{"days": ["wed"], "from": "09:00", "to": "11:00"}])],
                [task("t", windows=[{"days": ["tue"], "from": "09:00", "to": "11:00"}])],
                )  # fmt: skip
    cand = check_kind(doc, "t", "move_day")
    assert cand.patch == [{"op": "add", "path": "/tasks/0/windows/-",
                           "value": {"days": ["wed"], "from": "09:00", "to": "11:00"}},
                          pin("t", ["v"])]  # fmt: skip
    assert "widen_window" not in kinds(only(doc)["t"])


def test_a_repeat_is_widened_on_its_one_window_and_never_moved_to_another_day() -> None:
    avail = [{"days": ["tue"], "from": "09:00", "to": "10:00"},
             {"days": ["wed"], "from": "10:00", "to": "11:00"}]  # fmt: skip
    rounds = task("t", every=["tue", "wed"], window={"from": "09:00", "to": "10:00"})
    del rounds["windows"]
    doc = world([volunteer("v", availability=avail)], [rounds])
    cand = check_kind(doc, "t@wed", "widen_window")
    assert cand.patch[1] == {"op": "replace", "path": "/tasks/0/window/to", "value": "11:00"}
    assert cand.patch[2:] == [pin("t@wed", ["v"])]
    assert "move_day" not in kinds(only(doc)["t@wed"])


def test_a_volunteer_on_a_lower_priority_visit_is_moved_by_a_pin() -> None:
    doc = world([volunteer("v", availability=[{"days": ["tue"], "from": "09:00", "to": "10:00"}])],
                [task("t", priority="high"), task("u", priority="low")])  # fmt: skip
    scenario = build_scenario(doc)
    served = {"urgent": 0, "high": 0, "normal": 0, "low": 1}
    weaker = Plan("tiny", "feasible", 0.0,
                  Objective(served, {"urgent": 0, "high": 1, "normal": 0, "low": 1}, 0, 0, 1.0),
                  assignments=[Assignment("u", TUE_9, TUE_9 + 60, (AssignedVolunteer("v", 0),))],
                  unserved=[Unserved("t", "capacity", "")])  # fmt: skip
    cand = check_kind(doc, "t", "swap", weaker)
    assert cand.patch == [pin("t", ["v"])]
    assert cand.dropped == ("u",)
    assert "swap" not in kinds(suggest(scenario, doc, solved(doc)[1]).get("u", []))


def test_a_plan_shows_suggestions_only_on_entries_that_have_them() -> None:
    doc = world([volunteer("v")], [task("t", needs=[{"skill": "sign_language", "count": 1}]),
                                   task("s")])  # fmt: skip
    scenario, plan = solved(doc)
    data = plan_json.dump(with_suggestions(scenario, doc, plan), scenario)
    (entry,) = data["unserved"]
    assert [s["kind"] for s in entry["suggestions"]] == ["recruit"]
    assert set(entry["suggestions"][0]) == {"kind", "text", "patch"}
    assert "suggestions" not in plan_json.dump(plan, scenario)["unserved"][0]
    json.dumps(data)


def test_a_team_skill_no_team_has_is_recruited_as_a_new_team() -> None:
    dance = task("t", needs=[{"team_skill": "lion_dance", "min_members": 2}], site="hall")
    del dance["location"]
    doc = world([volunteer("v")], [dance],
                sites=[{"id": "hall", "name": "hall", "location": HERE}])  # fmt: skip
    cand = check_kind(doc, "t", "recruit")
    team, *members, pinned = cand.patch
    assert team["path"] == "/teams" and team["value"][0]["skills"] == ["lion_dance"]
    assert [m["value"]["teams"] for m in members] == [[team["value"][0]["id"]]] * 2
    assert pinned == pin("t", [m["value"]["id"] for m in members])


def test_the_service_planner_carries_suggestions_against_the_weeks_export() -> None:
    from mutualaid.contract.export import from_scenario
    from solver.service import PlannerSettings, SolverPlanner

    doc = world([volunteer("v")], [task("t", needs=[{"skill": "sign_language", "count": 1}])])
    scenario = build_scenario(doc)
    data = SolverPlanner(PlannerSettings(workers=1, suggest=True)).plan(scenario, lambda _: None)
    (entry,) = data.unserved
    (first, *_) = entry.suggestions
    assert first.kind == "recruit" and first.fields  # its sentence can be said again
    export = from_scenario(scenario)
    assert promise_holds(export, list(first.patch), "t", (0, 0, 0, 0), 0)
    plain = SolverPlanner(PlannerSettings(workers=1)).plan(scenario, lambda _: None)
    assert plain.unserved[0].suggestions == ()


@pytest.mark.parametrize(("lang", "heading"), [("en", "Suggestions"), ("zh", "建议")])
def test_solve_with_suggest_prints_them_and_writes_them_in_the_plan(
    lang: str, heading: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from mutualaid.cli import app

    monkeypatch.setenv("MUTUALAID_LANG", lang)
    path = ROOT / "scenarios" / "09-edge-reason-codes.yaml"
    out = tmp_path / "plan.json"
    args = ["solve", str(path), "--workers", "1", "--suggest", "--out", str(out), "--rows", "50"]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    data = json.loads(out.read_text(encoding="utf-8"))
    texts = [s["text"] for u in data["unserved"] for s in u.get("suggestions", [])]
    assert len(texts) >= len(data["unserved"]) and heading in done.output
    table = done.output.split(heading, 1)[1]
    assert all(u["task"] in table for u in data["unserved"] if u.get("suggestions"))
    errs, _ = reference_check(path, data, tmp_path)
    assert errs == []
    plain = CliRunner().invoke(app, ["solve", str(path), "--workers", "1", "--out", str(out)])
    assert plain.exit_code == 0 and heading not in plain.output
