"""Two clients creating the same id at the same moment (threads behind a barrier, each with
its own unit of work, SQLite and PostgreSQL): one is told it created it, every other gets a
conflict, and what is stored is the winner's — never a 500, never a silent overwrite."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mutualaid.contract.data import Json
from mutualaid.services import access, imports, roster
from mutualaid.services.ports import ConflictError
from tests.adapters import world
from tests.adapters.conftest import UowFactory

TOGETHER = 8


def together(attempt: Callable[[int], Any]) -> list[tuple[int, str]]:
    """`attempt(n)` from TOGETHER threads released at once: (n, "created" | "conflict")."""
    start = threading.Barrier(TOGETHER)

    def one(n: int) -> tuple[int, str]:
        start.wait()
        try:
            attempt(n)
        except ConflictError:
            return n, "conflict"
        return n, "created"

    with ThreadPoolExecutor(TOGETHER) as pool:
        return list(pool.map(one, range(TOGETHER)))


def winner(outcomes: list[tuple[int, str]]) -> int:
    created = [n for n, said in outcomes if said == "created"]
    assert len(created) == 1, outcomes
    assert sorted(said for _, said in outcomes).count("conflict") == TOGETHER - 1
    return created[0]


def test_an_area_created_by_many_at_once_is_created_once(make_uow: UowFactory) -> None:
    outcomes = together(
        lambda n: roster.create_area(make_uow(), access.CLI, "ra-x1", f"n{n}", world.ZONE)
    )
    won = winner(outcomes)
    assert roster.get_area(make_uow(), access.CLI, "ra-x1").name == f"n{won}"
    with make_uow() as uow:
        made = [e for e in uow.audit.entries("ra-x1") if e.action == "area.create"]
    assert len(made) == 1


def test_a_volunteer_created_by_many_at_once_keeps_the_winner_s_data(
    make_uow: UowFactory,
) -> None:
    roster.create_area(make_uow(), access.CLI, world.AREA, "经八路", world.ZONE)
    person: Json = world.scenario()["volunteers"][1]

    def create(n: int) -> None:
        body = {**person, "id": "v-race", "name": f"n{n}"}
        roster.create_entity(make_uow(), access.CLI, "volunteers", world.AREA, body)

    won = winner(together(create))
    stored = roster.get_entity(make_uow(), access.CLI, "volunteers", world.AREA, "v-race")
    assert stored.name == f"n{won}"
    with make_uow() as uow:
        made = [e for e in uow.audit.entries(world.AREA) if e.action == "volunteer.create"]
    assert len(made) == 1


def test_an_area_put_by_many_at_once_answers_each_created_or_conflict(
    make_uow: UowFactory,
) -> None:
    """PUT creates when the id is new: the writers that lose the INSERT get the conflict the
    unit of work makes of a unique violation, never the database's error."""
    made: list[bool] = []

    def put(n: int) -> None:
        _, new = roster.put_area(make_uow(), access.CLI, "ra-put", f"n{n}", world.ZONE)
        made.append(new)

    outcomes = together(put)
    assert made.count(True) == 1, outcomes
    assert roster.get_area(make_uow(), access.CLI, "ra-put").timezone == world.ZONE


def test_one_list_imported_by_many_at_once_is_stored_whole_once_or_refused(
    make_uow: UowFactory,
) -> None:
    """Two coordinators importing the same new people at once: each import is all or
    nothing; a loser is told of a conflict, never the database's error."""
    roster.create_area(make_uow(), access.CLI, world.AREA, "经八路", world.ZONE)
    person: Json = world.scenario()["volunteers"][1]
    rows = [imports.Row(n + 2, {**person, "id": f"v-imp{n}", "name": f"p{n}"}) for n in range(5)]

    def bring(n: int) -> None:
        got = [imports.Row(r.number, {**r.item, "phone": f"{n}"}) for r in rows]
        assert (
            imports.import_roster(make_uow(), access.CLI, "volunteers", world.AREA, got, True) == []
        )

    outcomes = together(bring)
    stored = roster.list_entities(make_uow(), access.CLI, "volunteers", world.AREA)
    brought = [v for v in stored if v.id.startswith("v-imp")]
    assert len(brought) == 5 and len({v.phone for v in brought}) == 1
    assert any(said == "created" for _, said in outcomes)
