"""Each hard rule, the every-task-once rule, the reasons and the figures, two ways:

1. A valid hand-written plan of a small world, mutated to break exactly one rule, is rejected
   by `mutualaid.validation.validate` and by the reference checker (and the same plan moved to
   the very edge of the rule is still accepted).
2. In a tiny world where the rule is what decides, the solver's plan keeps it.

(That a crew starts and ends together is the plan format itself: one start and end per task.)
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import solver
from mutualaid import validation as rule
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Location, Settings
from mutualaid.messages import using_locale, violation_text
from mutualaid.travel import HaversineTravel
from mutualaid.validation import Violation, validate
from tests.reference import reference_check

Plan = dict[str, Any]
World = dict[str, Any]

MON = "2026-11-30"
HALL = {"lat": 34.77, "lon": 113.68}
FANG = {"lat": 34.772, "lon": 113.68}  # 4 min walk from the hall
GU = {"lat": 34.768, "lon": 113.68}  # 8 min walk from 方奶奶
LI_HOME = {"lat": 34.771, "lon": 113.68}  # 2 min from 方奶奶 and from the hall
MA_HOME = {"lat": 34.769, "lon": 113.68}  # 2 min from 顾大爷
NEAR = {"lat": 34.7705, "lon": 113.68}  # 3 min from 方奶奶, 5 from 顾大爷, 1 from the hall
FAR = {"lat": 34.79, "lon": 113.68}  # 35 min from 方奶奶


def walk(a: dict[str, float], b: dict[str, float]) -> int:
    """The contract's walking minutes from a to b."""
    travel = HaversineTravel(Settings())
    return travel.minutes("walk", Location(a["lat"], a["lon"]), Location(b["lat"], b["lon"]))


def at(clock: str) -> str:
    """Monday at a clock time, as a plan writes it."""
    return f"{MON}T{clock}:00+08:00"


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def mon(start: str, end: str) -> dict[str, Any]:
    return {"days": ["mon"], "from": start, "to": end}


def person(vid: str, home: dict[str, float], **fields: Any) -> dict[str, Any]:
    """A vetted walker with companionship, free on Monday morning, unless told otherwise."""
    return {
        "id": vid,
        "home": home,
        "skills": ["companionship"],
        "vetted": True,
        "availability": [mon("08:00", "12:00")],
        **fields,
    }


# --- 1. a hand-written world and plan, and ways to break it ----------------------------------


def rules_world() -> World:
    henan_f = {"gender": "f", "languages": ["henan"]}
    lions = {"teams": ["lions"], "gender": "m", "availability": [mon("13:00", "17:00")]}
    return {
        "name": "金水区 rules week",
        "timezone": "Asia/Shanghai",
        "week_start": MON,
        "sites": [{"id": "s-hall", "name": "社区活动中心", "location": HALL}],
        "teams": [{"id": "lions", "name": "舞狮队", "skills": ["lion_dance"]}],
        "volunteers": [
            person(
                "v-li",
                LI_HOME,
                skills=["companionship", "first_aid"],
                gender="f",
                languages=["zh", "henan"],
                max_hours_per_week=1.5,
            ),
            person(
                "v-ma",
                MA_HOME,
                skills=["home_repair", "companionship"],
                gender="m",
                languages=["zh"],
                max_hours_per_week=1,
                availability=[mon("09:00", "12:00")],
                unavailable=[{"date": MON, "from": "11:45", "to": "12:00"}],
            ),
            person("v-niu", NEAR, vetted=False, **henan_f),
            person("v-ou", FAR, availability=[mon("08:00", "13:00")], **henan_f),
            person("v-shi", NEAR, skills=["home_repair"], **henan_f),
            person("v-tang", NEAR, gender="m", languages=["henan"]),
            person("v-wei", NEAR, gender="f", languages=["zh"]),
            person("v-rao", NEAR, **henan_f),
            person(
                "v-yan",
                NEAR,
                availability=[mon("08:00", "10:00"), mon("10:05", "12:00")],
                **henan_f,
            ),
            person(
                "v-ying",
                NEAR,
                availability=[mon("08:00", "10:00"), mon("10:00", "12:00")],
                **henan_f,
            ),
            person(
                "v-xu", NEAR, skills=["first_aid"], gender="m", availability=[mon("13:00", "17:00")]
            ),
            person("v-pan", NEAR, **lions),
            person("v-qiu", NEAR, **lions),
            person("v-sun", NEAR, **lions),
            person("v-zhu", NEAR, **{**lions, "availability": [mon("15:00", "17:00")]}),
        ],
        "residents": [
            {
                "id": "r-fang",
                "name": "方奶奶",
                "location": FANG,
                "gender_preference": "f",
                "preferred_volunteers": ["v-li"],
            },
            {"id": "r-gu", "name": "顾大爷", "location": GU},
        ],
        "tasks": [
            {
                "id": "t-chat-fang",
                "resident": "r-fang",
                "needs": [{"skill": "companionship", "count": 1}],
                "duration_minutes": 60,
                "windows": [mon("09:00", "11:00")],
                "languages": ["henan"],
                "priority": "high",
            },
            {
                "id": "t-aid-hall",
                "site": "s-hall",
                "needs": [{"skill": "first_aid", "count": 1}],
                "duration_minutes": 30,
                "windows": [mon("10:00", "12:00")],
            },
            {
                "id": "t-fix-gu",
                "resident": "r-gu",
                "needs": [{"skill": "home_repair", "count": 1}],
                "duration_minutes": 60,
                "windows": [mon("09:00", "12:00")],
            },
            {
                "id": "t-call-gu",
                "resident": "r-gu",
                "needs": [{"skill": "companionship", "count": 1}],
                "duration_minutes": 30,
                "windows": [mon("11:00", "12:00")],
            },
            {
                "id": "t-lion",
                "site": "s-hall",
                "needs": [{"team_skill": "lion_dance", "min_members": 2}],
                "duration_minutes": 60,
                "start": f"{MON}T14:00",
            },
            {
                "id": "t-late",
                "site": "s-hall",
                "needs": [{"skill": "home_repair", "count": 1}],
                "duration_minutes": 60,
                "windows": [mon("18:00", "19:00")],
                "priority": "low",
            },
        ],
        "history": [{"resident": "r-gu", "volunteer": "v-ma"}],
        "pinned": [{"task": "t-lion", "volunteers": ["v-pan"]}],
        "declined": [{"task": "t-chat-fang", "volunteer": "v-rao"}],
    }


def one(vid: str, role: int = 0, team: str | None = None) -> list[dict[str, Any]]:
    return [{"id": vid, "role": role, "team": team}]


def visit(task: str, start: str, end: str, crew: list[dict[str, Any]]) -> dict[str, Any]:
    return {"task": task, "start": at(start), "end": at(end), "volunteers": crew}


def rules_plan() -> Plan:
    """方奶奶's chat then first aid at the hall for 李 (exactly her 90 minutes), 马's repair
    (exactly his hour), the lion dance with the pinned 潘; the late job nobody can do."""
    return {
        "scenario": "金水区 rules week",
        "status": "feasible",
        "bound": {"urgent": 0, "high": 1, "normal": 4, "low": 1},
        "assignments": [
            visit("t-chat-fang", "09:30", "10:30", one("v-li")),
            visit("t-aid-hall", "10:45", "11:15", one("v-li")),
            visit("t-fix-gu", "10:00", "11:00", one("v-ma")),
            visit("t-call-gu", "11:00", "11:30", one("v-rao")),
            visit("t-lion", "14:00", "15:00", one("v-pan", 0, "lions") + one("v-qiu", 0, "lions")),
        ],
        "unserved": [{"task": "t-late", "reason": "no_time", "detail": ""}],
    }


def assignment(plan: Plan, task: str) -> dict[str, Any]:
    return next(a for a in plan["assignments"] if a["task"] == task)


def crew(*vids: str, team: str | None = None) -> Callable[[World, Plan, str], None]:
    def change(world: World, plan: Plan, task: str) -> None:
        assignment(plan, task)["volunteers"] = [{"id": v, "role": 0, "team": team} for v in vids]

    return change


def move(start: str, end: str, task: str | None = None) -> Callable[[World, Plan, str], None]:
    def change(world: World, plan: Plan, default: str) -> None:
        a = assignment(plan, task or default)
        a["start"], a["end"] = at(start), at(end)

    return change


def set_limit(vid: str, minutes: int) -> Callable[[World, Plan, str], None]:
    def change(world: World, plan: Plan, task: str) -> None:
        next(v for v in world["volunteers"] if v["id"] == vid)["max_travel_minutes"] = minutes
        crew(vid)(world, plan, task)

    return change


def both(*changes: Callable[[World, Plan, str], None]) -> Callable[[World, Plan, str], None]:
    def change(world: World, plan: Plan, task: str) -> None:
        for c in changes:
            c(world, plan, task)

    return change


def add_visit(task: str, start: str, end: str, vid: str) -> Callable[[World, Plan, str], None]:
    def change(world: World, plan: Plan, _: str) -> None:
        assignment(plan, task).update(start=at(start), end=at(end), volunteers=one(vid))

    return change


def unserve(task: str, reason: str) -> Callable[[World, Plan, str], None]:
    def change(world: World, plan: Plan, _: str) -> None:
        plan["assignments"] = [a for a in plan["assignments"] if a["task"] != task]
        plan["unserved"] = [u for u in plan["unserved"] if u["task"] != task]
        plan["unserved"].append({"task": task, "reason": reason, "detail": ""})

    return change


def edit(fn: Callable[[Plan], None]) -> Callable[[World, Plan, str], None]:
    def change(world: World, plan: Plan, _: str) -> None:
        fn(plan)

    return change


Change = tuple[str, Callable[[World, Plan, str], None]]

BREAKS: dict[str, Change] = {
    # rule 1
    "lacks the skill": ("t-chat-fang", crew("v-shi")),
    "not vetted for a home visit": ("t-chat-fang", crew("v-niu")),
    "against the gender preference": ("t-chat-fang", crew("v-tang")),
    "speaks none of the languages": ("t-chat-fang", crew("v-wei")),
    "declined the task": ("t-chat-fang", crew("v-rao")),
    "not in the team it claims": ("t-lion", crew("v-pan", "v-xu", team="lions")),
    "a team role with no team": ("t-lion", crew("v-pan", "v-qiu")),
    "a role short of people": ("t-lion", crew("v-pan", team="lions")),
    "one volunteer twice in a crew": ("t-lion", crew("v-pan", "v-pan", team="lions")),
    # rule 2
    "lives too far": ("t-chat-fang", crew("v-ou")),
    "lives one minute too far": ("t-chat-fang", set_limit("v-ou", walk(FAR, FANG) - 1)),
    # rule 3
    "starts before the window": ("t-chat-fang", move("08:45", "09:45")),
    "ends after the window": (
        "t-chat-fang",
        both(move("10:01", "11:01"), move("11:05", "11:35", "t-aid-hall")),
    ),
    "end is not start plus duration": ("t-fix-gu", move("10:00", "10:55")),
    "moves a fixed start": ("t-lion", move("14:30", "15:30")),
    # rule 4
    "outside the volunteer's blocks": ("t-lion", crew("v-pan", "v-zhu", team="lions")),
    "no time to walk from home": ("t-fix-gu", move("09:00", "10:00")),
    "no time to walk between visits": ("t-aid-hall", move("10:31", "11:01")),
    "not home by the end of the block": ("t-aid-hall", move("11:30", "12:00")),
    "two visits at once": ("t-aid-hall", move("10:00", "10:30")),
    "straddles an unavailable period": ("t-fix-gu", move("11:00", "12:00")),
    "straddles two blocks": ("t-chat-fang", crew("v-yan")),
    # rule 5
    "over weekly hours": ("t-call-gu", add_visit("t-call-gu", "11:00", "11:30", "v-ma")),
    # rule 6
    "drops a pin": ("t-lion", crew("v-sun", "v-qiu", team="lions")),
    # every task once
    "a task both served and unserved": (
        "t-call-gu",
        edit(lambda p: p["unserved"].append({"task": "t-call-gu", "reason": "capacity"})),
    ),
    "a task missing": ("t-late", edit(lambda p: p["unserved"].clear())),
    "an unknown task": (
        "t-late",
        edit(lambda p: p["unserved"].append({"task": "t-nope", "reason": "no_skill"})),
    ),
    # reasons
    "capacity for an impossible task": ("t-late", unserve("t-late", "capacity")),
    "an impossible reason for a possible task": ("t-call-gu", unserve("t-call-gu", "no_time")),
    # bound and status
    "optimal with a bound above served": ("t-late", edit(lambda p: p.update(status="optimal"))),
    "a bound below served": ("t-late", edit(lambda p: p["bound"].update(normal=3))),
    "a bound above the tasks": ("t-late", edit(lambda p: p["bound"].update(high=2))),
    "no bound": ("t-late", edit(lambda p: p.pop("bound"))),
    "an unknown status": ("t-late", edit(lambda p: p.update(status="done"))),
}

WRONG_FIGURES: dict[str, Callable[[dict[str, Any]], None]] = {
    "served": lambda o: o["served"].update(normal=o["served"]["normal"] + 1),
    "tasks": lambda o: o["tasks"].update(low=o["tasks"]["low"] + 1),
    "continuity": lambda o: o.update(continuity=o["continuity"] + 1),
    "travel_minutes": lambda o: o.update(travel_minutes=o["travel_minutes"] + 1),
    "max_load": lambda o: o.update(max_load=o["max_load"] + 0.1),
}

EDGES: dict[str, Change] = {
    "lives exactly at the travel limit": ("t-chat-fang", set_limit("v-ou", walk(FAR, FANG))),
    "exactly the walk between visits": (
        "t-aid-hall",
        move(hhmm(630 + walk(FANG, HALL)), hhmm(660 + walk(FANG, HALL))),
    ),
    "home exactly at the end of the block": (
        "t-aid-hall",
        move(hhmm(690 - walk(HALL, LI_HOME)), hhmm(720 - walk(HALL, LI_HOME))),
    ),
    "touching blocks are one block": ("t-chat-fang", crew("v-ying")),
    "a window's last start": (
        "t-chat-fang",
        both(move("10:00", "11:00"), move("11:04", "11:34", "t-aid-hall")),
    ),
    "the pinned volunteer with others": ("t-lion", crew("v-pan", "v-sun", team="lions")),
}


BROKEN_RULES: dict[str, set[str]] = {
    "lacks the skill": {rule.QUALIFIES},
    "not vetted for a home visit": {rule.QUALIFIES},
    "against the gender preference": {rule.QUALIFIES},
    "speaks none of the languages": {rule.QUALIFIES},
    "declined the task": {rule.QUALIFIES},
    "not in the team it claims": {rule.QUALIFIES},
    "a team role with no team": {rule.QUALIFIES},
    "a role short of people": {rule.CREW},
    "one volunteer twice in a crew": {rule.CREW, rule.ROUTE},  # and so in two places at once
    "lives too far": {rule.REACH},
    "lives one minute too far": {rule.REACH},
    "starts before the window": {rule.TIME},
    "ends after the window": {rule.TIME},
    "end is not start plus duration": {rule.TIME},
    "moves a fixed start": {rule.TIME},
    "outside the volunteer's blocks": {rule.ROUTE},
    "no time to walk from home": {rule.ROUTE},
    "no time to walk between visits": {rule.ROUTE},
    "not home by the end of the block": {rule.ROUTE},
    "two visits at once": {rule.ROUTE},
    "straddles an unavailable period": {rule.ROUTE},
    "straddles two blocks": {rule.ROUTE},
    "over weekly hours": {rule.HOURS},
    "drops a pin": {rule.PINS},
    "a task both served and unserved": {rule.ONCE},
    "a task missing": {rule.LISTED},
    "an unknown task": {rule.LISTED},
    "capacity for an impossible task": {rule.REASON},
    "an impossible reason for a possible task": {rule.REASON},
    "optimal with a bound above served": {rule.BOUND},
    "a bound below served": {rule.BOUND},
    "a bound above the tasks": {rule.BOUND},
    "no bound": {rule.BOUND},
    "an unknown status": {rule.FORMAT},
}
"""The rule each way of breaking the plan breaks, as the validator names it."""


def judge(world: World, plan: Plan, tmp: Path) -> tuple[list[Violation], list[str]]:
    """(our validator's violations, the reference checker's) for a plan."""
    ours = validate(build_scenario(copy.deepcopy(world)), plan).violations
    theirs, _ = reference_check(world, plan, tmp)
    return ours, theirs


@pytest.mark.slow
def test_the_hand_written_plan_keeps_every_rule(tmp_path: Path) -> None:
    world, plan = rules_world(), rules_plan()
    report = validate(build_scenario(copy.deepcopy(world)), plan)
    assert report.violations == []
    errs, figures = reference_check(world, plan, tmp_path)
    assert errs == []
    assert {k: figures[k] for k in report.figures} == report.figures
    assert report.figures["max_load"] == 1.0  # 李 and 马 work exactly their hours


@pytest.mark.slow
@pytest.mark.parametrize("name", list(BREAKS))
def test_a_plan_breaking_a_rule_is_rejected_by_both_checkers(name: str, tmp_path: Path) -> None:
    world, plan = rules_world(), rules_plan()
    task, change = BREAKS[name]
    change(world, plan, task)
    ours, theirs = judge(world, plan, tmp_path)
    assert ours, f"validate accepts a plan where {task}: {name}"
    assert theirs, f"the reference checker accepts a plan where {task}: {name}"


@pytest.mark.parametrize("name", list(BREAKS))
def test_a_violation_names_the_rule_it_breaks(name: str) -> None:
    world, plan = rules_world(), rules_plan()
    task, change = BREAKS[name]
    change(world, plan, task)
    report = validate(build_scenario(copy.deepcopy(world)), plan)
    assert {v.rule for v in report.violations} == BROKEN_RULES[name]
    assert all(v.task in (task, None) for v in report.violations), report.violations
    # what a plan says of itself is refused apart from what it assigns (publishing rescores it)
    assert report.assignments_ok == BROKEN_RULES[name].isdisjoint(
        {rule.QUALIFIES, rule.CREW, rule.REACH, rule.TIME, rule.ROUTE, rule.HOURS, rule.PINS,
         rule.ONCE, rule.FORMAT}
    )  # fmt: skip


def test_a_violation_is_data_with_the_rule_the_people_and_the_figures() -> None:
    world, plan = rules_world(), rules_plan()
    task, change = BREAKS["lives one minute too far"]
    change(world, plan, task)
    report = validate(build_scenario(copy.deepcopy(world)), plan)
    limit = walk(FAR, FANG) - 1
    travel = {"travel": walk(FAR, FANG), "limit": limit}
    assert report.violations == [Violation(rule.REACH, task, "v-ou", "check_too_far", travel)]
    assert report.hard == report.violations and report.derived == []
    with using_locale("en"):
        assert violation_text(report.violations[0]) == (
            f"t-chat-fang: v-ou lives {walk(FAR, FANG)} minutes away, over {limit}"
        )


def test_violations_compare_as_data_not_as_words() -> None:
    """Publishing tells hard violations from stale figures by their data: the same breach
    found twice is equal whatever the language it would be worded in."""
    world, plan = rules_world(), rules_plan()
    BREAKS["declined the task"][1](world, plan, "t-chat-fang")
    first = validate(build_scenario(copy.deepcopy(world)), plan).violations
    with using_locale("zh"):
        again = validate(build_scenario(copy.deepcopy(world)), plan).violations
    assert first == again == [Violation(rule.QUALIFIES, "t-chat-fang", "v-rao", "check_declined")]
    assert len({*first, *again}) == 1  # hashable, for sets of them


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EDGES))
def test_a_plan_at_the_edge_of_a_rule_is_accepted_by_both_checkers(
    name: str, tmp_path: Path
) -> None:
    world, plan = rules_world(), rules_plan()
    task, change = EDGES[name]
    change(world, plan, task)
    assert judge(world, plan, tmp_path) == ([], [])


@pytest.mark.slow
@pytest.mark.parametrize("figure", list(WRONG_FIGURES))
def test_a_plan_claiming_wrong_figures_is_rejected_by_both_checkers(
    figure: str, tmp_path: Path
) -> None:
    world, plan = rules_world(), rules_plan()
    right = validate(build_scenario(copy.deepcopy(world)), plan).figures
    plan["objective"] = copy.deepcopy(right)
    assert judge(world, plan, tmp_path) == ([], [])
    WRONG_FIGURES[figure](plan["objective"])
    ours, theirs = judge(world, plan, tmp_path)
    assert ours and theirs


def test_an_error_plan_needs_a_message() -> None:
    scenario = build_scenario(rules_world())
    assert validate(scenario, {"status": "error"}).violations
    assert validate(scenario, {"status": "error", "error": "pins clash: t-lion"}).ok


@pytest.mark.parametrize(
    ("stamp", "problem"),
    [
        (None, "no start"),
        ("half past nine", "not an ISO 8601 timestamp"),
        (f"{MON}T09:30:00", "timestamp without offset"),
        ("2026-12-07T09:30:00+08:00", "timestamp outside the week"),
        ("0001-01-01T00:00:00+14:00", "timestamp outside the week"),
    ],
)
def test_a_bad_timestamp_is_named_not_a_crash(stamp: str | None, problem: str) -> None:
    plan = rules_plan()
    if stamp is None:
        del assignment(plan, "t-fix-gu")["start"]
    else:
        assignment(plan, "t-fix-gu")["start"] = stamp
    violations = validate(build_scenario(rules_world()), plan).violations
    bad_times = [v for v in violations if v.code == "check_bad_time"]
    assert [(v.rule, v.task) for v in bad_times] == [(rule.FORMAT, "t-fix-gu")]
    assert [violation_text(v) for v in bad_times] == [
        f"t-fix-gu: bad time ({problem}{'' if stamp is None else ': ' + stamp})"
    ]


@pytest.mark.parametrize(
    "crew",
    [None, "v-gu", [1], [{"id": ["v-gu"], "role": 0}], [{"id": "v-gu", "role": 0, "team": []}]],
)
def test_a_crew_that_is_not_a_list_of_people_is_named_not_a_crash(crew: Any) -> None:
    """`mutualaid check --plan` with `"volunteers": null` ended in a TypeError traceback."""
    plan = rules_plan()
    assignment(plan, "t-fix-gu")["volunteers"] = crew
    found = validate(build_scenario(rules_world()), plan).violations
    (broken,) = [v for v in found if v.code == "check_not_list"]
    assert broken.rule == rule.FORMAT
    at = next(i for i, a in enumerate(plan["assignments"]) if a["task"] == "t-fix-gu")
    assert violation_text(broken) == f"assignments[{at}].volunteers is not a list of objects"


@pytest.mark.parametrize("said", [None, "x", True, float("nan"), [0.1]])
def test_a_max_load_that_is_no_number_is_a_wrong_figure_not_a_crash(said: Any) -> None:
    """`"max_load": null` in a plan ended `mutualaid check` in a float() TypeError."""
    plan = rules_plan()
    plan.setdefault("objective", {})["max_load"] = said
    found = validate(build_scenario(rules_world()), plan).violations
    assert [v.code for v in found] == ["check_wrong_max_load"]


def test_an_objective_that_is_no_object_is_named_not_a_crash() -> None:
    plan = rules_plan()
    plan["objective"] = 5
    (found,) = validate(build_scenario(rules_world()), plan).violations
    assert (found.rule, violation_text(found)) == (rule.FORMAT, "objective is not an object")


@pytest.mark.parametrize("name", list(BREAKS))
def test_a_broken_plan_is_explained_in_chinese_under_zh(name: str) -> None:
    world, plan = rules_world(), rules_plan()
    task, change = BREAKS[name]
    change(world, plan, task)
    violations = validate(build_scenario(copy.deepcopy(world)), plan).violations
    with using_locale("zh"):  # as an edge that chose zh words them
        texts = [violation_text(v) for v in violations]
    assert texts and all(re.search(r"[\u4e00-\u9fff]", t) for t in texts), texts


# --- 2. the solver keeps each rule where it is what decides ---------------------------------


def tiny_world(volunteers: list[dict[str, Any]], tasks: list[dict[str, Any]], **more: Any) -> World:
    return {
        "name": "a tiny week",
        "timezone": "Asia/Shanghai",
        "week_start": MON,
        "sites": [{"id": "s-hall", "location": HALL}],
        "residents": [
            {"id": "r-fang", "location": FANG},
            {"id": "r-gu", "location": GU},
        ],
        "volunteers": volunteers,
        "tasks": tasks,
        **more,
    }


def task(
    tid: str,
    where: str = "r-fang",
    start: str | None = None,
    windows: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A 60-minute companionship visit to 方奶奶 (or at `where`, a resident or a site) inside
    Monday 09:00-11:00 (or the `windows`, or at a fixed `start`)."""
    place = {"site": where} if where.startswith("s-") else {"resident": where}
    when = {"start": f"{MON}T{start}"} if start else {"windows": windows or [mon("09:00", "11:00")]}
    return {
        "id": tid,
        **place,
        "needs": [{"skill": "companionship", "count": 1}],
        "duration_minutes": 60,
        **when,
        **fields,
    }


def solved(world: World, tmp: Path) -> Plan:
    """The solver's plan, after both checkers found it keeps every rule."""
    scenario = build_scenario(copy.deepcopy(world))
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=5, workers=1, seed=0))
    assert plan.status == "optimal", plan.error
    data = plan_json.dump(plan, scenario)
    assert validate(scenario, data).violations == []
    errs, _ = reference_check(world, data, tmp)
    assert errs == []
    return data


def crew_of(plan: Plan, tid: str) -> set[str] | None:
    got = [a for a in plan["assignments"] if a["task"] == tid]
    return {v["id"] for v in got[0]["volunteers"]} if got else None


def reason(plan: Plan, tid: str) -> str | None:
    return next((u["reason"] for u in plan["unserved"] if u["task"] == tid), None)


def start_of(plan: Plan, tid: str) -> str:
    return assignment(plan, tid)["start"]


UNQUALIFIED: dict[str, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    # (what 王 is like, what the task asks, what the world adds)
    "skill": ({"skills": ["home_repair"]}, {}, {}),
    "vetting": ({"vetted": False}, {}, {}),
    "gender": ({"gender": "m"}, {}, {"gender_preference": "f"}),
    "language": ({"languages": ["zh"]}, {"languages": ["henan"]}, {}),
    "decline": ({}, {}, {"declined": [{"task": "t-visit", "volunteer": "v-wang"}]}),
}


@pytest.mark.slow
@pytest.mark.parametrize("rule", list(UNQUALIFIED))
def test_never_assigns_a_volunteer_who_does_not_qualify(rule: str, tmp_path: Path) -> None:
    """王 lives next door and visited last week; only the rule keeps him away."""
    wang, asks, adds = UNQUALIFIED[rule]
    world = tiny_world(
        [
            person("v-wang", FANG, **{"gender": "m", "languages": ["zh", "henan"], **wang}),
            person("v-zhou", NEAR, gender="f", languages=["henan"]),
        ],
        [task("t-visit", **asks)],
        history=[{"resident": "r-fang", "volunteer": "v-wang"}],
        declined=adds.get("declined", []),
    )
    if "gender_preference" in adds:
        world["residents"][0]["gender_preference"] = adds["gender_preference"]
    assert crew_of(solved(world, tmp_path), "t-visit") == {"v-zhou"}
    without_zhou = {**world, "volunteers": world["volunteers"][:1]}
    expected = "no_skill" if rule == "skill" else "excluded"
    assert reason(solved(without_zhou, tmp_path), "t-visit") == expected


@pytest.mark.slow
@pytest.mark.parametrize("slack", [-1, 0])
def test_never_assigns_a_volunteer_beyond_their_travel_limit(slack: int, tmp_path: Path) -> None:
    limit = walk(FAR, FANG) + slack
    world = tiny_world(
        [person("v-ou", FAR, max_travel_minutes=limit, availability=[mon("08:00", "13:00")])],
        [task("t-visit")],
    )
    plan = solved(world, tmp_path)
    if slack < 0:
        assert reason(plan, "t-visit") == "out_of_range"
    else:
        assert crew_of(plan, "t-visit") == {"v-ou"}


@pytest.mark.slow
@pytest.mark.parametrize("slack", [-1, 0])
def test_starts_inside_the_window_with_time_to_walk_home(slack: int, tmp_path: Path) -> None:
    """The window opens at 10:00 and the block ends just when a 10:00 start gets home."""
    end = 11 * 60 + walk(FANG, NEAR) + slack
    world = tiny_world(
        [person("v-zhou", NEAR, availability=[mon("08:00", hhmm(end))])],
        [task("t-visit", windows=[mon("10:00", "12:00")])],
    )
    plan = solved(world, tmp_path)
    if slack < 0:
        assert reason(plan, "t-visit") == "no_time"
    else:
        assert start_of(plan, "t-visit") == at("10:00")


@pytest.mark.slow
def test_a_crew_starts_at_the_fixed_start_from_one_team(tmp_path: Path) -> None:
    """Team A has one dancer, team B two: mixing them would be the only other way."""
    dancer = {"availability": [mon("13:00", "17:00")]}
    world = tiny_world(
        [
            person("v-a1", NEAR, teams=["team-a"], **dancer),
            person("v-b1", NEAR, teams=["team-b"], **dancer),
            person("v-b2", HALL, teams=["team-b"], **dancer),
        ],
        [
            task(
                "t-lion",
                "s-hall",
                start="14:15",
                needs=[{"team_skill": "lion_dance", "min_members": 2, "max_members": 3}],
            )
        ],
        teams=[
            {"id": "team-a", "skills": ["lion_dance"]},
            {"id": "team-b", "skills": ["lion_dance"]},
        ],
    )
    plan = solved(world, tmp_path)
    got = assignment(plan, "t-lion")
    assert got["start"] == at("14:15")
    assert {v["id"] for v in got["volunteers"]} == {"v-b1", "v-b2"}
    assert {v["team"] for v in got["volunteers"]} == {"team-b"}


@pytest.mark.slow
def test_one_volunteer_fills_one_role(tmp_path: Path) -> None:
    both_roles = [{"skill": "companionship", "count": 1}, {"skill": "first_aid", "count": 1}]
    alone = tiny_world(
        [person("v-zhou", NEAR, skills=["companionship", "first_aid"])],
        [task("t-visit", needs=both_roles)],
    )
    assert reason(solved(alone, tmp_path), "t-visit") == "no_skill"
    pair = {**alone, "volunteers": [*alone["volunteers"], person("v-wang", FANG)]}
    got = assignment(solved(pair, tmp_path), "t-visit")["volunteers"]
    assert sorted((v["id"], v["role"]) for v in got) == [("v-wang", 0), ("v-zhou", 1)]


@pytest.mark.slow
@pytest.mark.parametrize("slack", [-1, 0])
def test_leaves_time_to_walk_between_visits(slack: int, tmp_path: Path) -> None:
    """After the hall at 09:00-10:00, 方奶奶's visit can start no later than 10:00 plus the
    walk (+ slack): one minute short, only one of the two is served."""
    latest = 10 * 60 + walk(HALL, FANG) + slack
    world = tiny_world(
        [person("v-zhou", NEAR, availability=[mon("08:00", "13:00")])],
        [
            task("t-hall", "s-hall", start="09:00", priority="high"),
            task("t-visit", windows=[mon("10:00", hhmm(latest + 60))]),
        ],
    )
    plan = solved(world, tmp_path)
    assert crew_of(plan, "t-hall") == {"v-zhou"}
    if slack < 0:
        assert reason(plan, "t-visit") == "capacity"
    else:
        assert start_of(plan, "t-visit") == at(hhmm(latest))


@pytest.mark.slow
def test_never_in_two_places_at_once(tmp_path: Path) -> None:
    world = tiny_world(
        [person("v-zhou", NEAR)],
        [
            task("t-fang", start="09:30", priority="low"),
            task("t-gu", "r-gu", start="09:45", priority="urgent"),
        ],
    )
    plan = solved(world, tmp_path)
    assert crew_of(plan, "t-gu") == {"v-zhou"}
    assert reason(plan, "t-fang") == "capacity"


@pytest.mark.slow
def test_never_assigns_across_an_unavailable_period(tmp_path: Path) -> None:
    """Free 08:00-12:00 but not 09:30-10:00: a 60-minute visit must fit on one side."""
    world = tiny_world(
        [
            person(
                "v-zhou",
                NEAR,
                unavailable=[{"date": MON, "from": "09:30", "to": "10:00"}],
            )
        ],
        [task("t-visit", windows=[mon("08:45", "11:30")])],
    )
    plan = solved(world, tmp_path)
    there = walk(NEAR, FANG)
    start = assignment(plan, "t-visit")["start"]
    minute = int(start[11:13]) * 60 + int(start[14:16])
    assert minute + 60 + there <= 9 * 60 + 30 or minute - there >= 10 * 60


@pytest.mark.slow
def test_never_assigns_on_a_day_off(tmp_path: Path) -> None:
    world = tiny_world(
        [person("v-zhou", NEAR, unavailable=[{"date": MON}])],
        [task("t-visit")],
    )
    assert reason(solved(world, tmp_path), "t-visit") == "no_time"


def test_serves_across_touching_blocks(tmp_path: Path) -> None:
    """08:00-10:00 and 10:00-12:00 are one block: the 09:30-10:30 visit fits."""
    world = tiny_world(
        [person("v-zhou", NEAR, availability=[mon("08:00", "10:00"), mon("10:00", "12:00")])],
        [task("t-visit", windows=[mon("09:30", "10:30")])],
    )
    assert crew_of(solved(world, tmp_path), "t-visit") == {"v-zhou"}


def test_never_exceeds_weekly_hours(tmp_path: Path) -> None:
    """One hour a week: two 45-minute visits at different times, only the urgent one."""
    world = tiny_world(
        [person("v-zhou", NEAR, max_hours_per_week=1)],
        [
            task("t-fang", duration_minutes=45, windows=[mon("08:30", "09:30")], priority="low"),
            task("t-gu", "r-gu", duration_minutes=45, windows=[mon("10:30", "11:30")]),
        ],
    )
    plan = solved(world, tmp_path)
    assert crew_of(plan, "t-gu") == {"v-zhou"}
    assert reason(plan, "t-fang") == "capacity"


def test_keeps_a_pin_even_when_it_costs_coverage(tmp_path: Path) -> None:
    """周 is pinned to the low-priority visit at the hour of the urgent one she alone could do."""
    world = tiny_world(
        [person("v-zhou", NEAR)],
        [
            task("t-fang", start="09:30", priority="low"),
            task("t-gu", "r-gu", start="09:30", priority="urgent"),
        ],
        pinned=[{"task": "t-fang", "volunteers": ["v-zhou"]}],
    )
    plan = solved(world, tmp_path)
    assert crew_of(plan, "t-fang") == {"v-zhou"}
    assert reason(plan, "t-gu") == "capacity"
