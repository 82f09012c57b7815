"""A finished plan whose suggestions are still being checked, as the coordinator sees it: the
page reloads itself until they are (they are stored as they come, and nothing else told the
reader to look again); and a server killed (SIGKILL) meanwhile leaves its tasks marked as
being checked in the store, which nothing would end: the next start checks the week's
published plan again (before, it only ended the marks, and a repaired plan showed no
suggestions at all), and ends the marks of any other. The kill itself: test_kill_midwrite."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from litestar.testing import TestClient

from mutualaid.contract.scenario import load_scenario
from mutualaid.domain.plan import Plan
from mutualaid.messages import msg_in
from mutualaid.services import access
from mutualaid.services.built import built_week
from mutualaid.services.restart_checks import _sweep, unmark_abandoned
from solver.service import PlannerSettings, RepairSettings, SolverPlanner, SolverRepairer

from .conftest import Client, app_for, infra, wait_for
from .test_pages import sign_in
from .test_replan_pages import EDGES

RELOADS = '<meta http-equiv="refresh"'


def stored_while_checking(client: Client, admin: Any, published: bool = False) -> tuple[Plan, Any]:
    """The edge-case week stored and solved, its plan finished with every unserved task still
    being checked (and `published`): the plan and its stored row."""
    answer = client.post("/weeks/2026-11-30/scenario?area=edges", content=EDGES.read_bytes(),
                         headers={**admin, "Content-Type": "application/yaml"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    scenario = load_scenario(EDGES)
    plan = SolverPlanner(PlannerSettings(workers=1)).plan(scenario, lambda _: None)
    assert plan.unserved
    waiting = replace(plan, unserved=[replace(u, checking=True) for u in plan.unserved])
    with infra(client).uow() as uow:
        made = uow.plans.create("edges", scenario.week_start)
        built, _ = built_week(uow, made.id, "edges", scenario.week_start)
        waiting.extra["basis"] = built.basis.to_json()  # as the runner stores it
        uow.plans.finish(made.id, waiting)
        if published:
            uow.plans.publish(made.id)
        uow.commit()
    return plan, made


def unserved_of(client: Client, admin: Any, plan: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(f"/plans/{plan}", headers=admin).json()["plan"][
        "unserved"
    ]
    return found


def test_a_published_plan_left_being_checked_is_checked_again_at_the_next_start(
    client: Client, admin: Any, settings: Any
) -> None:
    _, made = stored_while_checking(client, admin, published=True)
    client.__exit__(None, None, None)  # the server stops; it starts again, suggestions on
    suggesting = replace(settings, solver=replace(settings.solver, suggest=True))
    with TestClient(app_for(suggesting)) as again:
        done = wait_for(lambda: (found := unserved_of(again, admin, made.id)) and not any(
            "suggestions_checking" in u for u in found) and found, timeout=300)  # fmt: skip
    assert any(u.get("suggestions") for u in done), done


def test_while_they_are_checked_again_the_plan_says_they_are_being_checked(
    client: Client, admin: Any
) -> None:
    """Stopped at once (a stop right after the start): the marks stay, for the next start.
    (The start itself is not restarted here: its own checks would end the marks meanwhile.)"""
    _, made = stored_while_checking(client, admin, published=True)
    checker = SolverRepairer(RepairSettings(suggest=True))
    threads = unmark_abandoned(infra(client).uow, checker, stopping=lambda: True)
    assert len(threads) == 1
    threads[0].join(60)
    unserved = unserved_of(client, admin, made.id)
    assert unserved and all(u.get("suggestions_checking") is True for u in unserved)


def test_without_suggestions_the_marks_end_unchecked(client: Client, admin: Any) -> None:
    _, made = stored_while_checking(client, admin, published=True)
    assert unmark_abandoned(infra(client).uow, infra(client).repairer) == []  # suggestions off
    assert not any("suggestions_checking" in u for u in unserved_of(client, admin, made.id))


def test_marks_a_killed_server_left_end_at_the_next_start(
    client: Client, admin: Any, settings: Any
) -> None:
    plan, made = stored_while_checking(client, admin)  # as the killed runner's last write left it
    api = client.get(f"/plans/{made.id}", headers=admin).json()
    assert all(u.get("suggestions_checking") is True for u in api["plan"]["unserved"])
    client.__exit__(None, None, None)  # the server stops; it starts again
    with TestClient(app_for(settings)) as again:
        api = again.get(f"/plans/{made.id}", headers=admin).json()
    assert api["status"] == plan.status and api["plan"]["unserved"]
    assert not any("suggestions_checking" in u for u in api["plan"]["unserved"])


def test_the_plan_page_reloads_itself_while_suggestions_are_being_checked(
    client: Client, admin: Any
) -> None:
    _, made = stored_while_checking(client, admin)
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", ["edges"])
    sign_in(client, secret)
    page = client.get(f"/desk/edges/weeks/2026-11-30/plans/{made.id}").text
    assert msg_in("en", "page_suggestions_checking") in page
    assert RELOADS in page
    with infra(client).uow() as uow:
        uow.plans.unmark_checking()
        uow.commit()
    page = client.get(f"/desk/edges/weeks/2026-11-30/plans/{made.id}").text
    assert msg_in("en", "page_suggestions_checking") not in page and RELOADS not in page


def test_a_draft_left_being_checked_is_checked_again_at_the_next_start(
    client: Client, admin: Any, settings: Any
) -> None:
    """Before, only the week's published plan was checked again: a draft a coordinator was
    weighing showed no suggestions after a kill."""
    _, made = stored_while_checking(client, admin)
    client.__exit__(None, None, None)
    suggesting = replace(settings, solver=replace(settings.solver, suggest=True))
    with TestClient(app_for(suggesting)) as again:
        done = wait_for(lambda: (found := unserved_of(again, admin, made.id)) and not any(
            "suggestions_checking" in u for u in found) and found, timeout=300)  # fmt: skip
    assert any(u.get("suggestions") for u in done), done


def _checking(threads: list[threading.Thread]) -> list[threading.Thread]:
    return [t for t in threads if t.name != "suggestions-sweep"]


def test_two_servers_starting_at_once_check_each_plan_once(client: Client, admin: Any) -> None:
    """Each start took every marked plan and checked it again: two servers started after a
    kill both checked it (and one starting while another checked took its plan from it).
    The plan's checks are now held by one lease: the other server leaves them alone."""
    _, made = stored_while_checking(client, admin, published=True)
    checker = SolverRepairer(RepairSettings(suggest=True))
    stop = threading.Event()
    started: list[list[threading.Thread]] = []
    at_once = threading.Barrier(2)

    def start() -> None:
        at_once.wait()
        started.append(unmark_abandoned(infra(client).uow, checker, stop.is_set))

    servers = [threading.Thread(target=start) for _ in range(2)]
    for server in servers:
        server.start()
    for server in servers:
        server.join(60)
    later = unmark_abandoned(infra(client).uow, checker, stop.is_set)  # a third, meanwhile
    stop.set()
    every = [t for threads in [*started, later] for t in threads]
    for thread in every:
        thread.join(60)
    assert len(_checking(every)) == 1, every
    with infra(client).uow() as uow:  # the stop let go of the lease: the next start takes it
        assert uow.plans.hold_checks(made.id, "the next start", 1.0)


def test_a_lease_that_runs_out_is_taken_by_the_sweep(client: Client, admin: Any) -> None:
    """A killed checker's lease still holds at the next start: the plan is left, then taken
    once the lease runs out."""
    _, made = stored_while_checking(client, admin, published=True)
    with infra(client).uow() as uow:
        assert uow.plans.hold_checks(made.id, "killed", 1.0)
        uow.commit()
    checker = SolverRepairer(RepairSettings(suggest=True))
    threads = unmark_abandoned(infra(client).uow, checker)
    assert [t.name for t in threads] == ["suggestions-sweep"]
    done = wait_for(lambda: (found := unserved_of(client, admin, made.id)) and not any(
        "suggestions_checking" in u for u in found) and found, timeout=300)  # fmt: skip
    assert any(u.get("suggestions") for u in done), done
    for thread in threads:
        thread.join(60)


def test_a_lease_that_ran_out_before_the_sweep_first_looked_is_taken(
    client: Client, admin: Any
) -> None:
    """A start saw the lease held and started the sweep; by the sweep's first look it had run
    out (a busy machine). Before, the sweep looked only for leases still live, found none and
    ended: the plan stayed marked as being checked for good (seen as a 300 s wait)."""
    _, made = stored_while_checking(client, admin, published=True)
    with infra(client).uow() as uow:  # a lease that ran out a second ago
        assert uow.plans.hold_checks(made.id, "killed", -1.0)
        uow.commit()
    threads: list[threading.Thread] = []
    checker = SolverRepairer(RepairSettings(suggest=True))
    _sweep(infra(client).uow, checker, lambda: False, "the sweep", 60.0, threads)
    assert threads, "the sweep ended without taking the abandoned plan"
    done = wait_for(lambda: (found := unserved_of(client, admin, made.id)) and not any(
        "suggestions_checking" in u for u in found) and found)  # fmt: skip
    assert any(u.get("suggestions") for u in done), done
    for thread in threads:
        thread.join(60)
