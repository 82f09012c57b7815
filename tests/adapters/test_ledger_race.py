"""Two (or eight) users writing one volunteer's hours at the same moment (threads behind a
barrier, each with its own unit of work, SQLite and PostgreSQL): marks of one visit, and
redemptions of one balance, leave the ledger as one writer after another would have —
one open credit per visit, no redemption the balance could not cover."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pendulum

from mutualaid.domain.ledger import CREDIT, REVERSAL, open_credits
from mutualaid.services import backlog, ledger
from mutualaid.services.access import Actor
from mutualaid.services.ports import ConflictError

from . import world
from .conftest import UowFactory
from .test_books import COORDINATOR, LATER, REQUEST, WANG, publish, stored

__all__ = ["stored"]  # the fixture, used by name
TOGETHER = 8
OTHER = Actor("tok-c2", "coordinator", (world.AREA,))


def together(attempt: Callable[[int], Any]) -> list[str]:
    """`attempt(n)` from TOGETHER threads released at once: "ok" or the error's name each."""
    start = threading.Barrier(TOGETHER)

    def one(n: int) -> str:
        start.wait()
        try:
            attempt(n)
        except ConflictError:
            return "conflict"
        return "ok"

    with ThreadPoolExecutor(TOGETHER) as pool:
        return list(pool.map(one, range(TOGETHER)))


def wang_visits(make_uow: UowFactory) -> dict[str, int]:
    publish(make_uow, world.WEEK, world.result())
    with make_uow() as uow:
        mine = uow.assignments.for_volunteer(world.AREA, "v-wang", world.WEEK)
    return {a.task: a.id for a in mine}


def test_one_visit_marked_by_many_at_once_holds_one_credit(stored: UowFactory) -> None:
    zhang = wang_visits(stored)["t-visit-zhang"]
    tuesday = pendulum.datetime(2026, 12, 1, 9, tz=world.ZONE)

    def mark(n: int) -> None:
        who, state = (WANG, "done") if n % 2 else (OTHER, "missed" if n % 4 == 0 else "done")
        end = tuesday.add(minutes=30 + n) if state == "done" else None
        ledger.mark_visit(stored(), who, zhang, state, actual_end=end, now=LATER)

    assert together(mark) == ["ok"] * TOGETHER
    with stored() as uow:
        entries = uow.ledger.entries(world.AREA, "v-wang")
        outcome = uow.visits.get(zhang)
    assert outcome is not None
    credits = open_credits(entries, zhang)
    if outcome.state == "done":
        assert outcome.actual_end is not None
        assert [c.minutes for c in credits] == [int((outcome.actual_end - tuesday).minutes)]
    else:
        assert credits == []
    assert sum(e.minutes for e in entries) == sum(c.minutes for c in credits)
    reversed_ = [e.reverses for e in entries if e.kind == REVERSAL]
    assert len(reversed_) == len(set(reversed_))  # no credit taken back twice
    assert len([e for e in entries if e.kind == CREDIT]) - len(reversed_) == len(credits)


def test_a_balance_redeemed_by_many_at_once_is_spent_once(stored: UowFactory) -> None:
    visits = wang_visits(stored)
    for visit in visits.values():  # 60 + 90 minutes
        ledger.mark_visit(stored(), COORDINATOR, visit, "done", now=LATER)
    backlog.save_request(stored(), COORDINATOR, None, REQUEST)

    def redeem(n: int) -> None:
        ledger.redeem_hours(stored(), COORDINATOR if n % 2 else OTHER, None, "v-wang",
                            "r-liu-chat", 100, now=LATER)  # fmt: skip

    assert sorted(together(redeem)) == ["conflict"] * (TOGETHER - 1) + ["ok"]
    assert ledger.balances(stored(), COORDINATOR, None).volunteers == {"v-wang": 50}


def test_marks_and_redemptions_at_once_never_spend_minutes_not_held(stored: UowFactory) -> None:
    """Half the threads mark the show missed (taking back 90 minutes), half redeem 100: a
    redemption that went through was covered by the balance it saw, in the order written."""
    visits = wang_visits(stored)
    for visit in visits.values():
        ledger.mark_visit(stored(), COORDINATOR, visit, "done", now=LATER)
    backlog.save_request(stored(), COORDINATOR, None, REQUEST)

    def act(n: int) -> None:
        if n % 2:
            ledger.mark_visit(stored(), OTHER, visits["t-show"], "missed", now=LATER)
        else:
            ledger.redeem_hours(stored(), COORDINATOR, None, "v-wang", "r-liu-chat", 100,
                                now=LATER)  # fmt: skip

    together(act)
    with stored() as uow:
        entries = uow.ledger.entries(world.AREA, "v-wang")
    held = 0
    for e in entries:  # in the order written
        if e.kind == "redemption":
            assert held >= -e.minutes, entries
        held += e.minutes
    assert len([e for e in entries if e.kind == "redemption"]) <= 1
    assert len([e for e in entries if e.kind == REVERSAL]) == 1
