"""A new plan of a week with a visit marked done or missed keeps that visit as marked (its
volunteer, its start), so it can be published; a marked visit the week no longer allows is
named, not solved around (SQLite and PostgreSQL). Found by attack (stop 24): a re-solve moved
a visit marked done, and its plan could then not be published."""

from __future__ import annotations

from typing import Any

import pytest

from tests.adapters import world

from .conftest import Client, wait_for
from .test_books_api import AREA, PAST, Headers, coordinator, publish
from .test_pages import csrf, sign_in

__all__ = ["coordinator"]  # the fixture, used by name

ZHANG = next(t for t in world.scenario(PAST)["tasks"] if t["id"] == "t-visit-zhang")


def _solved(client: Client, headers: Headers) -> dict[str, Any]:
    made = client.post(f"/weeks/{PAST.isoformat()}/plans?area={AREA}", headers=headers)
    assert made.status_code == 202, made.text

    def done() -> Any:
        plan = client.get(f"/plans/{made.json()['id']}", headers=headers).json()
        return plan if plan["status"] not in ("queued", "running") else None

    return dict(wait_for(done, timeout=600))


def _start(client: Client, headers: Headers, ident: int) -> Any:
    week = client.get(f"/volunteers/v-wang/assignments?week={PAST.isoformat()}&area={AREA}",
                      headers=headers).json()["assignments"]  # fmt: skip
    return next(a["start"] for a in week if a["id"] == ident)


@pytest.mark.parametrize("outcome", ["done", "missed"])
def test_a_new_plan_keeps_a_marked_visit_and_is_published(
    client: Client, coordinator: Headers, outcome: str
) -> None:
    """v-wang's Tuesday 09:00 visit to 张奶奶 marked; a plan made afterwards (the page's and
    the API's "make a plan") is published, the visit the same: v-wang, 09:00, still marked."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    was = _start(client, coordinator, zhang)
    assert client.post(f"/assignments/{zhang}/{outcome}", headers=coordinator).status_code == 200
    plan = _solved(client, coordinator)
    assert plan["status"] in ("optimal", "feasible"), plan
    kept = [a for a in plan["plan"]["assignments"] if a["task"] == "t-visit-zhang"]
    assert [(a["start"], [v["id"] for v in a["volunteers"]]) for a in kept] == [(was, ["v-wang"])]
    answer = client.post(f"/plans/{plan['id']}/publish", headers=coordinator)
    assert answer.status_code == 200, answer.text
    assert _start(client, coordinator, zhang) == was
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == outcome


def _window_moved(client: Client, headers: Headers) -> None:
    later = {**ZHANG, "windows": [{"days": ["tue"], "from": "10:00", "to": "11:30"}]}
    changed = client.put(f"/weeks/{PAST.isoformat()}/tasks/t-visit-zhang?area={AREA}",
                         json=later, headers=headers)  # fmt: skip
    assert changed.is_success, changed.text


def _tuesday_off(client: Client, headers: Headers) -> None:
    wang = client.get(f"/volunteers/v-wang?area={AREA}", headers=headers).json()
    wang["availability"] = [{"days": ["mon", "wed", "fri"], "from": "08:00", "to": "18:00"}]
    changed = client.put(f"/volunteers/v-wang?area={AREA}", json=wang, headers=headers)
    assert changed.is_success, changed.text


CHANGES = {
    "window": (_window_moved, "no longer within the task's time windows", "已不在任务的时间窗内"),
    "roster": (
        _tuesday_off,
        "v-wang is no longer available at that time",
        "v-wang 在该时间已不可用",
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_marked_visit_the_week_no_longer_allows_is_named_not_solved_around(
    client: Client, coordinator: Headers, change: str
) -> None:
    """The visit marked done at Tuesday 09:00, then the task's window moved to 10:00-11:30,
    or v-wang's Tuesday taken off the roster: the plan ends in error naming the visit and
    why, in both languages, and saying what to do; nothing crashes."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    apply, en, zh = CHANGES[change]
    apply(client, coordinator)
    plan = _solved(client, coordinator)
    assert plan["status"] == "error", plan
    for lang, words in (("en", [en, "undo the mark"]), ("zh", [zh, "撤销标记"])):
        got = client.get(f"/plans/{plan['id']}", headers={**coordinator, "Accept-Language": lang})
        error = got.json()["error"]
        assert all(w in error for w in words), error
        assert f"{zhang} (" in error or f"{zhang}（" in error, error


@pytest.mark.parametrize("outcome", ["done", "missed"])
def test_a_task_with_a_marked_visit_is_not_deleted_until_the_mark_is_undone(
    client: Client, coordinator: Headers, outcome: str
) -> None:
    """Deleting 张奶奶's task after v-wang's visit was marked withdrew the visit while the
    ledger kept counting it (an hour credited for a visit no longer in any plan). The visit
    happened: 409 naming it, in both languages; the task, the visit and its mark stay; once
    the mark is undone the task is deleted."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/{outcome}", headers=coordinator).status_code == 200
    url = f"/weeks/{PAST.isoformat()}/tasks/t-visit-zhang?area={AREA}"
    for lang, words in (("en", "undo the mark first"), ("zh", "请先撤销标记")):
        refused = client.delete(url, headers={**coordinator, "Accept-Language": lang})
        assert refused.status_code == 409, refused.text
        detail = refused.json()["detail"]
        assert words in detail and (f"{zhang} (" in detail or f"{zhang}（" in detail), detail
    assert client.get(url, headers=coordinator).status_code == 200
    assert _start(client, coordinator, zhang)
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == outcome
    assert client.delete(f"/assignments/{zhang}/outcome", headers=coordinator).status_code == 200
    gone = client.delete(url, headers=coordinator)
    assert gone.status_code == 204, gone.text


def test_the_desk_says_why_a_task_with_a_marked_visit_was_not_deleted(
    client: Client, coordinator: Headers
) -> None:
    """The week page's Delete on that task: back on the week, which says why (en/zh), the
    task still listed."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    sign_in(client, coordinator["Authorization"].split()[1])
    week = f"/desk/{AREA}/weeks/{PAST.isoformat()}"
    for lang, words in (
        ("en", "Not deleted: task t-visit-zhang"),
        ("zh", "未能删除：任务 t-visit-zhang"),
    ):
        client.cookies.set("lang", lang)
        token = csrf(client, week)
        sent = client.post(f"{week}/tasks/t-visit-zhang/delete", data={"_csrf_token": token})
        assert sent.status_code == 200 and str(sent.url).endswith(week), sent.url
        assert words in sent.text, sent.text[:2000]
    assert client.get(f"/weeks/{PAST.isoformat()}/tasks/t-visit-zhang?area={AREA}",
                      headers=coordinator).status_code == 200  # fmt: skip


def test_a_marked_visit_the_solver_cannot_keep_is_named_as_the_marked_visit(
    client: Client, coordinator: Headers
) -> None:
    """The visit marked done, then v-wang's companionship taken away: nothing the service
    checks beforehand (the window, the roster's hours) changed, so the solver's own pin check
    finds it. The plan's error names the marked visit and says it is marked, in both
    languages, not the scenario format's "pinned volunteer 'v-wang'"."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    wang = client.get(f"/volunteers/v-wang?area={AREA}", headers=coordinator).json()
    wang["skills"] = ["cooking"]
    changed = client.put(f"/volunteers/v-wang?area={AREA}", json=wang, headers=coordinator)
    assert changed.is_success, changed.text
    plan = _solved(client, coordinator)
    assert plan["status"] == "error", plan
    for lang, words in (
        ("en", ["already marked done or missed", "can no longer serve it", "undo the mark"]),
        ("zh", ["已标记完成或未成行", "已无法承担该任务", "撤销标记"]),
    ):
        got = client.get(f"/plans/{plan['id']}", headers={**coordinator, "Accept-Language": lang})
        error = got.json()["error"]
        assert all(w in error for w in words), error
        assert f"{zhang} (" in error or f"{zhang}（" in error, error
        assert "pinned volunteer" not in error and "固定的志愿者" not in error, error
