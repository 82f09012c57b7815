"""A task whose needs grew after its visit was marked (张奶奶's visit now takes two people,
v-wang's marked done): the plan keeps the marked visit and fills the other place, and the
desk's plan page says so (en/zh); when no one can fill it, the plan ends in error saying the
task now needs more people (SQLite and PostgreSQL)."""

from __future__ import annotations

from .conftest import Client
from .test_books_api import AREA, PAST, Headers, coordinator, publish
from .test_marked_solve import ZHANG, _solved
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


def test_a_grown_task_no_one_can_join_ends_in_error_saying_it_needs_more_people(
    client: Client, coordinator: Headers
) -> None:
    """Three people now, two with the skill in the area: the plan ends in error naming the
    marked visit and that the task now needs 3 (en/zh), not the solver's pin sentence."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/missed", headers=coordinator).status_code == 200
    _needs(client, coordinator, 3)
    plan = _solved(client, coordinator)
    assert plan["status"] == "error", plan
    for lang, words in (
        ("en", ["now needs 3 people", "no one else can join", "undo the mark"]),
        ("zh", ["现在需要 3 人", "没有其他人能与其志愿者一同前往", "撤销标记"]),
    ):
        got = client.get(f"/plans/{plan['id']}", headers={**coordinator, "Accept-Language": lang})
        error = got.json()["error"]
        assert all(w in error for w in words), error
        assert f"{zhang} (" in error or f"{zhang}（" in error, error
        assert "pinned" not in error and "固定" not in error, error
