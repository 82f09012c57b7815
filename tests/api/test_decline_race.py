"""Volunteers declining at the same moment, through a real server (uvicorn, threads started
together by a barrier) on SQLite and PostgreSQL: every decline is recorded once, each gets one
repair, the repairs form a chain (each made on the plan published when it was published), and
the final plan gives none of the declined pairs and passes the validator."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from api.settings import Settings
from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from worldgen import generate_world

from .conftest import empty_database_url, short_solves, unless_busy
from .test_concurrency import (
    published_week,
    server,  # noqa: F401  (the uvicorn fixture)
)

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

AREA = "race"
WORLD = generate_world(tasks=60, volunteers=40, subdistricts=1, seed=7)
WEEK = str(WORLD["week_start"])
Answer = tuple[int, Any]


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Short repairs: thirty of them are made one after another."""
    made = short_solves(empty_database_url(request.param, request, tmp_path))
    return dataclasses.replace(made, solver=dataclasses.replace(made.solver, repair_seconds=0.2))


@pytest.fixture
def week(server: tuple[str, Litestar]) -> tuple[str, dict[str, str], str]:  # noqa: F811
    """The generated week stored and a solve of it published: base URL, admin headers, the
    published plan's id."""
    base, admin, plan_id, _ = published_week(server, WORLD, AREA)
    return base, admin, plan_id


def published_ids(http: httpx.Client) -> dict[tuple[str, str], int]:
    """(task, volunteer) -> assignment id of the week's published plan."""
    out: dict[tuple[str, str], int] = {}
    for v in WORLD["volunteers"]:
        seen = http.get(f"/volunteers/{v['id']}/assignments?week={WEEK}&area={AREA}")
        assert seen.status_code == 200, seen.text
        out |= {(a["task"], a["volunteer"]): a["id"] for a in seen.json()["assignments"]}
    return out


def decline_together(base: str, admin: dict[str, str], ids: list[int]) -> list[Answer]:
    start = threading.Barrier(len(ids))

    def decline(ident: int) -> Answer:
        with httpx.Client(base_url=base, timeout=300, headers=admin) as http:
            start.wait()
            # A decline half stored before a 503 would show on the retry as already_declined
            answer = unless_busy(
                lambda: http.post(f"/assignments/{ident}/decline", json={"reason": "ill"})
            )
            return answer.status_code, answer.json()

    with ThreadPoolExecutor(len(ids)) as pool:
        return list(pool.map(decline, ids))


def check_the_week(
    http: httpx.Client, parent: str, declined: set[tuple[str, str]], repairs: int
) -> None:
    """Every decline recorded once, `repairs` repairs chained from `parent`, and the
    published plan without the declined pairs and valid."""
    stored = http.get(f"/weeks/{WEEK}/scenario?area={AREA}").json()
    recorded = [(d["task"], d["volunteer"]) for d in stored["declined"]]
    written = [(d["task"], d["volunteer"]) for d in WORLD.get("declined") or ()]
    assert sorted(recorded) == sorted({*written, *declined})  # each once
    audit = http.get(f"/audit?area={AREA}&limit=1000").json()
    entries = [e["target"] for e in audit if e["action"] == "assignment.decline"]
    assert len(entries) == len(set(entries)) == len(declined)

    plans = {p["id"]: p for p in http.get(f"/weeks/{WEEK}/plans?area={AREA}").json()}
    made = [p for p in plans.values() if p["kind"] == "repair"]
    assert [p["status"] for p in made if p["status"] not in ("optimal", "feasible")] == []
    assert len(made) == repairs
    (final,) = [p for p in plans.values() if p["published_at"] is not None]
    chain = [final["id"]]
    while plans[chain[-1]]["kind"] == "repair":
        chain.append(plans[chain[-1]]["plan"]["repair"]["parent"])
    assert chain[-1] == parent and len(chain) == repairs + 1  # no repair forked off the chain

    plan = final["plan"]
    given = {(a["task"], v["id"]) for a in plan["assignments"] for v in a["volunteers"]}
    assert given & declined == set()
    report = validate(build_scenario(stored), plan)
    assert report.ok, report.violations


@pytest.mark.parametrize("together", [2, 5, 30])
def test_simultaneous_declines_each_repair_once_in_a_chain(
    week: tuple[str, dict[str, str], str], together: int
) -> None:
    base, admin, parent = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        ids = published_ids(http)
    chosen: dict[str, tuple[str, str]] = {}
    for task, who in sorted(ids):  # one volunteer of different tasks
        chosen.setdefault(task, (task, who))
    pairs = sorted(chosen.values())[:together]
    assert len(pairs) == together

    answers = decline_together(base, admin, [ids[p] for p in pairs])

    assert [status for status, _ in answers] == [200] * together, answers
    assert all(body["assignment"]["state"] == "declined" for _, body in answers)
    assert not any(body["already_declined"] for _, body in answers)
    assert all(body["repair"]["published"] for _, body in answers), answers
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        check_the_week(http, parent, set(pairs), repairs=together)


def test_one_assignment_declined_five_times_at_once_is_declined_and_repaired_once(
    week: tuple[str, dict[str, str], str],
) -> None:
    base, admin, parent = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        ids = published_ids(http)
    pair = min(ids)

    answers = decline_together(base, admin, [ids[pair]] * 5)

    assert [status for status, _ in answers] == [200] * 5, answers
    first = [body for _, body in answers if not body["already_declined"]]
    assert len(first) == 1 and first[0]["repair"]["published"]
    again = [body for _, body in answers if body["already_declined"]]
    assert all(b["repair"] is None and str(ids[pair]) in b["detail"] for b in again)
    assert all(body["assignment"]["id"] == ids[pair] for _, body in answers)
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        check_the_week(http, parent, {pair}, repairs=1)
        later = http.post(f"/assignments/{ids[pair]}/decline")  # after the repair
        assert later.status_code == 200 and later.json()["already_declined"], later.text
        refused = http.post(f"/assignments/{ids[pair]}/accept")
        assert refused.status_code == 409, refused.text


def test_an_id_read_before_another_decline_is_answered(
    week: tuple[str, dict[str, str], str],
) -> None:
    """Issue 7: a volunteer accepting the id they were shown got 409 once someone else's
    decline had been repaired and published."""
    base, admin, _ = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        ids = published_ids(http)
        one = min(ids)
        declined = http.post(f"/assignments/{ids[one]}/decline")
        assert declined.status_code == 200 and declined.json()["repair"]["published"]
        after = published_ids(http)
        kept = sorted(set(ids) & set(after))
        assert len(kept) >= len(ids) - 1 - declined.json()["repair"]["changed"]
        assert {p: after[p] for p in kept} == {p: ids[p] for p in kept}  # the same ids
        other = kept[0]
        accepted = http.post(f"/assignments/{ids[other]}/accept")
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["state"] == "accepted"
        assert accepted.json()["plan_id"] == declined.json()["repair"]["plan_id"]


def test_answers_given_while_repairs_publish_are_kept(
    week: tuple[str, dict[str, str], str],
) -> None:
    """Accepts at the same moment as declines: each is answered, and each accepted pair the
    final plan still gives at the same time is still accepted there (an answer and a publish
    of the week take turns, so none is given to a plan being replaced)."""
    base, admin, _ = week
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        ids = published_ids(http)
        before = {
            (a["task"], a["volunteer"]): a["start"]
            for v in WORLD["volunteers"]
            for a in http.get(f"/volunteers/{v['id']}/assignments?week={WEEK}&area={AREA}").json()[
                "assignments"
            ]
        }
    by_task: dict[str, tuple[str, str]] = {}
    for task, who in sorted(ids):
        by_task.setdefault(task, (task, who))
    chosen = sorted(by_task.values())
    declines, accepts = chosen[:5], chosen[5:15]
    work = [("decline", ids[p]) for p in declines] + [("accept", ids[p]) for p in accepts]
    start = threading.Barrier(len(work))

    def answer(what: tuple[str, int]) -> Answer:
        with httpx.Client(base_url=base, timeout=300, headers=admin) as http:
            start.wait()
            sent = http.post(f"/assignments/{what[1]}/{what[0]}")
            return sent.status_code, sent.json()

    with ThreadPoolExecutor(len(work)) as pool:
        answers = list(pool.map(answer, work))

    assert [status for status, _ in answers] == [200] * len(work), answers
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        now = {
            (a["task"], a["volunteer"]): a
            for v in WORLD["volunteers"]
            for a in http.get(f"/volunteers/{v['id']}/assignments?week={WEEK}&area={AREA}").json()[
                "assignments"
            ]
        }
    kept = [p for p in accepts if p in now and now[p]["start"] == before[p]]
    assert len(kept) >= len(accepts) // 2  # a repair changes few pairs
    assert {p: now[p]["state"] for p in kept} == {p: "accepted" for p in kept}
    assert {p: now[p]["id"] for p in kept} == {p: ids[p] for p in kept}
