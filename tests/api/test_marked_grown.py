"""A task whose needs grew after its visit was marked (张奶奶's visit now takes two people,
v-wang's marked done): the plan keeps the marked visit and fills the other place, and the
desk's plan page says so (en/zh); when no one can fill it, the plan ends in error saying the
task now needs more people (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from api.pages.marked_notes import people_needed
from mutualaid.domain.model import Settings, SkillNeed, TeamSkillNeed
from mutualaid.domain.tasks import StoredTask
from mutualaid.domain.week import WrittenWeek
from tests.reference import reference_check

from .conftest import Client
from .test_books_api import AREA, PAST, Headers, coordinator, publish
from .test_marked_solve import ZHANG, _solved, _start
from .test_pages import sign_in

__all__ = ["coordinator"]  # the fixture, used by name


def _needs(client: Client, headers: Headers, people: int) -> None:
    more = {**ZHANG, "needs": [{"skill": "companionship", "count": people}]}
    changed = client.put(f"/weeks/{PAST.isoformat()}/tasks/t-visit-zhang?area={AREA}",
                         json=more, headers=headers)  # fmt: skip
    assert changed.is_success, changed.text


def test_the_plan_page_says_the_marked_visit_stays_and_who_joins_it(
    client: Client, coordinator: Headers
) -> None:
    """Two people now: the plan gives the task v-wang (marked) and v-li; the plan page says
    the task now needs 2, v-wang's marked visit stays and the plan adds 李姐 (by name)."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    _needs(client, coordinator, 2)
    plan = _solved(client, coordinator)
    assert plan["status"] in ("optimal", "feasible"), plan
    crew = [a for a in plan["plan"]["assignments"] if a["task"] == "t-visit-zhang"]
    assert [sorted(v["id"] for v in a["volunteers"]) for a in crew] == [["v-li", "v-wang"]]
    sign_in(client, coordinator["Authorization"].split()[1])
    url = f"/desk/{AREA}/weeks/{PAST.isoformat()}/plans/{plan['id']}"
    for lang, words in (
        ("en", ["now needs 2 people", "marked done", "(王师傅) stays as it was", "adds 李姐"]),
        ("zh", ["现在需要 2 人", "标记为已完成", "（王师傅）保持不变", "另安排 李姐"]),
    ):
        client.cookies.set("lang", lang)
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        assert all(w in page.text for w in words), [w for w in words if w not in page.text]


def test_a_plan_for_a_week_without_grown_needs_says_nothing_of_it(
    client: Client, coordinator: Headers
) -> None:
    """The visit marked, the task unchanged: the plan page has no such note."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    plan = _solved(client, coordinator)
    assert plan["status"] in ("optimal", "feasible"), plan
    sign_in(client, coordinator["Authorization"].split()[1])
    client.cookies.set("lang", "en")
    page = client.get(f"/desk/{AREA}/weeks/{PAST.isoformat()}/plans/{plan['id']}")
    assert page.status_code == 200 and "Needs changed after a visit was marked" not in page.text


def test_a_grown_task_no_one_can_join_is_listed_unserved_and_its_marked_visit_kept(
    client: Client, coordinator: Headers, tmp_path: Path
) -> None:
    """Three people now, two with the skill in the area: the plan lists the task unserved,
    with the contract's reason and a detail saying the marked visit stays (en/zh); the plan
    carries the marked visit (`marked_kept`), the reference checker passes it against the
    week as exported, and publishing it keeps the visit, still marked, at its time."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    was = _start(client, coordinator, zhang)
    assert client.post(f"/assignments/{zhang}/missed", headers=coordinator).status_code == 200
    _needs(client, coordinator, 3)
    plan = _solved(client, coordinator)
    assert plan["status"] in ("optimal", "feasible"), plan
    for lang, words in (
        ("en", ["marked missed", "stays as it was", "now needs 3 people", "no one else can join"]),
        ("zh", ["已标记为未成行", "保持不变", "现在需要 3 人", "没有其他人能一同前往"]),
    ):
        got = client.get(f"/plans/{plan['id']}", headers={**coordinator, "Accept-Language": lang})
        (entry,) = [u for u in got.json()["plan"]["unserved"] if u["task"] == "t-visit-zhang"]
        assert all(w in entry["detail"] for w in words), entry
    assert not [a for a in plan["plan"]["assignments"] if a["task"] == "t-visit-zhang"]
    (kept,) = plan["plan"]["marked_kept"]
    assert (kept["task"], kept["start"], kept["state"]) == ("t-visit-zhang", was, "missed")
    assert [v["id"] for v in kept["volunteers"]] == ["v-wang"]
    week = client.get(f"/weeks/{PAST.isoformat()}/scenario?area={AREA}", headers=coordinator)
    errs, _ = reference_check(week.json(), plan["plan"], tmp_path)
    assert errs == [], errs
    answer = client.post(f"/plans/{plan['id']}/publish", headers=coordinator)
    assert answer.status_code == 200, answer.text
    assert _start(client, coordinator, zhang) == was
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == "missed"


def test_the_noticeboard_and_the_plan_export_say_the_marked_visit_stays_and_who_joins_it(
    client: Client, coordinator: Headers
) -> None:
    """The grown task's note of the plan page, on paper and in the export too (en/zh), once
    the plan that adds 李姐 is published (the export is of the published plan)."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    _needs(client, coordinator, 2)
    plan = _solved(client, coordinator)
    assert plan["status"] in ("optimal", "feasible"), plan
    published = client.post(f"/plans/{plan['id']}/publish", headers=coordinator)
    assert published.status_code == 200, published.text
    sign_in(client, coordinator["Authorization"].split()[1])
    week = PAST.isoformat()
    for lang, title, words in (
        ("en", "Needs changed", ["now needs 2 people", "(王师傅) stays as it was", "adds 李姐"]),
        ("zh", "需求有变", ["现在需要 2 人", "（王师傅）保持不变", "另安排 李姐"]),
    ):
        client.cookies.set("lang", lang)
        board = client.get(f"/print/{AREA}/{week}/board")
        assert board.status_code == 200, board.text[:300]
        assert all(w in board.text for w in words), [w for w in words if w not in board.text]
        got = client.get(f"/desk/{AREA}/export/plan.csv?week={week}")
        assert got.status_code == 200, got.text[:300]
        rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
        at = rows.index([title])
        (note,) = rows[at + 2]
        assert all(w in note for w in words), note
        book = openpyxl.load_workbook(io.BytesIO(
            client.get(f"/desk/{AREA}/export/plan.xlsx?week={week}").content))  # fmt: skip
        assert book.sheetnames[-1] == title
        assert [r[0] for r in book[title].iter_rows(values_only=True)][1:] == [note]


def test_the_people_a_task_needs_come_from_its_needs_in_the_domain() -> None:
    """A skill role of 2 and a team role of at least 3 (at most 5): 5 people at the least."""
    needs = (SkillNeed("companionship", 2), TeamSkillNeed("lion_dance", 3, 5))
    week = WrittenWeek("w", "Asia/Shanghai", PAST, Settings(),
                       tasks=(StoredTask("t-a", "A", needs, 60),))  # fmt: skip
    assert people_needed(week) == {"t-a": 5}


def test_a_repair_after_a_grown_task_was_held_apart_keeps_the_marked_visit(
    client: Client, coordinator: Headers
) -> None:
    """The plan holding the grown task apart published, then 李姐 declines a visit: the
    repair is published and keeps the marked visit (carried as `marked_kept`)."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    was = _start(client, coordinator, zhang)
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    _needs(client, coordinator, 3)
    plan = _solved(client, coordinator)
    assert plan["status"] in ("optimal", "feasible") and plan["plan"].get("marked_kept"), plan
    assert client.post(f"/plans/{plan['id']}/publish", headers=coordinator).status_code == 200
    week = client.get(f"/volunteers/v-li/assignments?week={PAST.isoformat()}&area={AREA}",
                      headers=coordinator).json()["assignments"]  # fmt: skip
    meals = next(a["id"] for a in week if a["task"].startswith("t-meals"))
    answer = client.post(f"/assignments/{meals}/decline", headers=coordinator,
                         json={"reason": "ill"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["repair"]["published"] is True, answer.json()
    repaired = client.get(f"/plans/{answer.json()['repair']['plan_id']}", headers=coordinator)
    assert [k["task"] for k in repaired.json()["plan"]["marked_kept"]] == ["t-visit-zhang"]
    assert _start(client, coordinator, zhang) == was
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == "done"


def test_an_absence_after_a_grown_task_was_held_apart_keeps_the_marked_visit(
    client: Client, coordinator: Headers
) -> None:
    """As a decline's: 李姐 away on Monday, the absence's repair published with the marked
    visit kept (`marked_kept`), still marked at its time."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    was = _start(client, coordinator, zhang)
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    _needs(client, coordinator, 3)
    plan = _solved(client, coordinator)
    assert plan["plan"].get("marked_kept"), plan
    assert client.post(f"/plans/{plan['id']}/publish", headers=coordinator).status_code == 200
    monday = PAST.isoformat()
    answer = client.post(f"/volunteers/v-li/absences?area={AREA}", headers=coordinator,
                         json={"from": monday, "to": monday, "reason": "ill"})  # fmt: skip
    assert answer.status_code == 201, answer.text
    (week,) = answer.json()["repairs"]
    assert week["published"], week
    repaired = client.get(f"/plans/{week['plan_id']}", headers=coordinator)
    assert [k["task"] for k in repaired.json()["plan"]["marked_kept"]] == ["t-visit-zhang"]
    assert _start(client, coordinator, zhang) == was
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == "done"
