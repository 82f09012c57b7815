"""A plan holding a grown task apart (the marked visit kept as `marked_kept`): the desk's
plan page says why it is `feasible` (scored again, not out of time) and that its "most
possible" is static (en/zh); and a chosen recommendation's repair keeps the marked visit
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pendulum
import pytest

from tests.adapters import world

from .conftest import Client
from .test_books_api import AREA, PAST, Headers, coordinator, publish
from .test_marked_grown import _needs
from .test_marked_solve import _solved, _start
from .test_pages import sign_in

__all__ = ["coordinator"]  # the fixture, used by name

NEW = {
    "id": "t-visit-new",
    "resident": "r-zhang",
    "needs": [{"skill": "companionship", "count": 1}],
    "duration_minutes": 60,
    "windows": [{"days": ["wed", "fri"], "from": "09:00", "to": "17:00"}],
    "priority": "high",
}


def _held_apart(client: Client, coordinator: Headers) -> tuple[int, str, dict[str, object]]:
    """v-wang's visit to 张奶奶 marked done, then the task grown to three people: the plan."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    was = _start(client, coordinator, zhang)
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    _needs(client, coordinator, 3)
    plan = _solved(client, coordinator)
    assert plan["status"] in ("optimal", "feasible") and plan["plan"].get("marked_kept"), plan
    return zhang, was, plan


def test_the_plan_page_says_why_a_plan_holding_a_grown_task_apart_is_not_proved_and_draws_it(
    client: Client, coordinator: Headers
) -> None:
    """The status says it was scored again, the figures that "most possible" is static (never
    "time ran out"), and the timeline draws the marked visit kept apart, marked as kept."""
    _, _, plan = _held_apart(client, coordinator)
    assert plan["status"] == "feasible" and plan["plan"].get("rescored"), plan
    sign_in(client, coordinator["Authorization"].split()[1])
    url = f"/desk/{AREA}/weeks/{PAST.isoformat()}/plans/{plan['id']}"
    for lang, words, never in (
        (
            "en",
            ["scored again: a grown task held apart", "static count", "marked visit, kept apart"],
            "time ran out",
        ),
        ("zh", ["已重新评分", "静态估算", "已标记的探访，另行保留"], "已到时限"),
    ):
        client.cookies.set("lang", lang)
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        assert all(w in page.text for w in words), [w for w in words if w not in page.text]
        assert never not in page.text
        # the marked visit on the timeline, in 王师傅's row, drawn as kept
        assert page.text.count('class="tl-block tl-kept"') == 1


def test_a_chosen_recommendation_after_a_grown_task_was_held_apart_keeps_the_marked_visit(
    client: Client, coordinator: Headers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan holding the grown task apart published, then (on that Tuesday afternoon,
    the marked visit past) a new request's option chosen: the repair is published and keeps
    the marked visit (`marked_kept`), still marked, at its time."""
    zhang, was, plan = _held_apart(client, coordinator)
    assert client.post(f"/plans/{plan['id']}/publish", headers=coordinator).status_code == 200
    tuesday = pendulum.datetime(PAST.year, PAST.month, PAST.day + 1, 14, tz=world.ZONE)
    monkeypatch.setattr("api.app.utc_now", lambda: tuesday.in_timezone("UTC"))
    url = f"/weeks/{PAST.isoformat()}/recommendations?area={AREA}"
    found = client.post(url, json=NEW, headers=coordinator)
    assert found.status_code == 200, found.text
    assert found.json()["options"], found.json()
    option = found.json()["options"][0]["id"]
    answer = client.post(f"/weeks/{PAST.isoformat()}/recommendations/{option}/apply?area={AREA}",
                         json=NEW, headers=coordinator)  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["published"], answer.json()
    repaired = client.get(f"/plans/{answer.json()['plan_id']}", headers=coordinator).json()
    assert [k["task"] for k in repaired["plan"]["marked_kept"]] == ["t-visit-zhang"]
    assert "t-visit-new" in {a["task"] for a in repaired["plan"]["assignments"]}
    assert _start(client, coordinator, zhang) == was
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == "done"


def test_the_noticeboard_and_the_coordinators_sheets_print_the_marked_visit_kept_apart(
    client: Client, coordinator: Headers
) -> None:
    """The plan holding the grown task apart published: the board's grid and the sheets the
    desk prints (everyone's, and 王师傅's) show the marked visit once, marked as kept."""
    _, _, plan = _held_apart(client, coordinator)
    assert client.post(f"/plans/{plan['id']}/publish", headers=coordinator).status_code == 200
    sign_in(client, coordinator["Authorization"].split()[1])
    week = PAST.isoformat()
    for lang, label in (("en", "marked visit, kept apart"), ("zh", "已标记的探访，另行保留")):
        client.cookies.set("lang", lang)
        for url in ("board", "sheets", "sheets?volunteer=v-wang"):
            page = client.get(f"/print/{AREA}/{week}/{url}")
            assert page.status_code == 200, page.text[:300]
            assert page.text.count(label) == 1, (url, lang)


def test_the_week_pages_list_of_plans_names_a_plan_holding_a_grown_task_apart_as_the_plan_page_does(
    client: Client, coordinator: Headers
) -> None:
    """The week page's list of plans uses the plan page's words for such a plan ("scored
    again"), never "time ran out" (en/zh)."""
    _, _, plan = _held_apart(client, coordinator)
    sign_in(client, coordinator["Authorization"].split()[1])
    url = f"/desk/{AREA}/weeks/{PAST.isoformat()}"
    for lang, words, never in (
        ("en", "scored again: a grown task held apart", "time ran out"),
        ("zh", "已重新评分", "已到时限"),
    ):
        client.cookies.set("lang", lang)
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        listed = page.text.split(f'/plans/{plan["id"]}">', 1)[1].split("</li>", 1)[0]
        assert words in listed and never not in page.text, listed


def test_the_plans_export_lists_the_marked_visit_kept_apart_labelled_as_kept(
    client: Client, coordinator: Headers
) -> None:
    """The published plan's spreadsheet (CSV and XLSX) lists the marked visit kept apart in
    its visit table, once, 王师傅's, labelled as kept (en/zh), as the page and paper do."""
    _, _, plan = _held_apart(client, coordinator)
    assert client.post(f"/plans/{plan['id']}/publish", headers=coordinator).status_code == 200
    sign_in(client, coordinator["Authorization"].split()[1])
    week = PAST.isoformat()
    for lang, label in (("en", "marked visit, kept apart"), ("zh", "已标记的探访，另行保留")):
        client.cookies.set("lang", lang)
        got = client.get(f"/desk/{AREA}/export/plan.csv?week={week}")
        assert got.status_code == 200, got.text[:300]
        rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
        table = rows[: rows.index([])]  # the visits, before the unserved section
        book = openpyxl.load_workbook(io.BytesIO(
            client.get(f"/desk/{AREA}/export/plan.xlsx?week={week}").content))  # fmt: skip
        sheet = [[str(c or "") for c in r] for r in book.worksheets[0].iter_rows(values_only=True)]
        for found in (table, sheet):
            kept = [r for r in found if r[-1] == "t-visit-zhang"]
            assert len(kept) == 1, (lang, found)
            assert label in kept[0][-2] and kept[0][4] == "王师傅", kept
            assert sum(label in " ".join(r) for r in found) == 1


def test_the_plan_page_says_why_a_plan_holding_a_grown_task_apart_gives_no_suggestions(
    client: Client, coordinator: Headers
) -> None:
    """Its unserved tasks carry no suggestions (the second solve's were for the week with the
    grown task taken out): the page says so and why, under what is not served (en/zh)."""
    _, _, plan = _held_apart(client, coordinator)
    assert plan["plan"]["unserved"], plan
    assert not any(u.get("suggestions") for u in plan["plan"]["unserved"]), plan
    sign_in(client, coordinator["Authorization"].split()[1])
    url = f"/desk/{AREA}/weeks/{PAST.isoformat()}/plans/{plan['id']}"
    for lang, words in (
        ("en", ["No suggestions are given for this plan", "held apart"]),
        ("zh", ["此计划不提供建议", "另行处理"]),
    ):
        client.cookies.set("lang", lang)
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        said = page.text.split('id="unserved-h"', 1)[1].split("</section>", 1)[0]
        assert 'id="suggestions-none"' in said, said
        note = said.split('id="suggestions-none"', 1)[1].split("</p>", 1)[0]
        assert all(w in note for w in words), note
