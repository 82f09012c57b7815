"""A spreadsheet of people is checked before the write, not inside it (stop 26, D2): checking
3,000 rows inside the write held SQLite's one write lock 10 s, and every other write of every
area meanwhile answered 503 busy. Now a write made while the rows are being checked goes
through at once (SQLite and PostgreSQL), and an id the rows name that is deleted between the
check and the write is told as the row's problem, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.contract.data import Json
from mutualaid.services import access, imports, roster
from mutualaid.services.ports import StoreBusy
from tests.adapters import world
from tests.adapters.conftest import UowFactory

HOME = {"lat": 34.78, "lon": 113.68}


def _quick(make_uow: UowFactory) -> SqlUnitOfWork:
    uow = make_uow()
    uow.lock_wait = 0.2  # a request's wait, short: busy is an answer, not a wait
    return uow


def _people(count: int) -> list[imports.Row]:
    person: Json = world.scenario()["volunteers"][1]
    return [imports.Row(n + 2, {**person, "id": f"v-imp{n}", "name": f"p{n}"})
            for n in range(count)]  # fmt: skip


def test_a_write_while_the_rows_are_checked_is_not_kept_waiting(
    make_uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster.create_area(make_uow(), access.CLI, world.AREA, "经八路", world.ZONE)
    roster.create_area(make_uow(), access.CLI, "other", "别区", world.ZONE)
    checked = imports.checked_entry
    others: list[str] = []

    def check_and_write_elsewhere(uow: Any, kind: Any, area: str, item: Any) -> Any:
        entry = checked(uow, kind, area, item)
        if item["id"] == "v-imp3":  # rows before it checked (and, before the fix, stored)
            try:
                roster.put_entity(_quick(make_uow), access.CLI, "sites", "other", "hall",
                                  {"name": "礼堂", "location": HOME})  # fmt: skip
                others.append("stored")
            except StoreBusy:
                others.append("busy")
        return entry

    monkeypatch.setattr(imports, "checked_entry", check_and_write_elsewhere)
    rows = _people(6)
    assert imports.import_roster(make_uow(), access.CLI, "volunteers", world.AREA, rows, True) == []
    assert others == ["stored"]
    stored = roster.list_entities(make_uow(), access.CLI, "volunteers", world.AREA)
    assert {f"v-imp{n}" for n in range(6)} <= {v.id for v in stored}


def test_a_name_deleted_between_the_check_and_the_write_is_the_row_s_problem(
    make_uow: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    roster.create_area(make_uow(), access.CLI, world.AREA, "经八路", world.ZONE)
    person: Json = world.scenario()["volunteers"][1]
    roster.put_entity(make_uow(), access.CLI, "volunteers", world.AREA, "v-gone",
                      {**person, "id": "v-gone"})  # fmt: skip
    checked = imports.checked_entry
    seen: list[str] = []

    def check_then_delete(uow: Any, kind: Any, area: str, item: Any) -> Any:
        entry = checked(uow, kind, area, item)
        seen.append(item["id"])
        if seen == ["r-a", "r-b"]:  # the last row of the first check: the volunteer goes
            roster.delete_entity(make_uow(), access.CLI, "volunteers", world.AREA, "v-gone")
        return entry

    monkeypatch.setattr(imports, "checked_entry", check_then_delete)
    rows = [imports.Row(2, {"id": "r-a", "name": "甲", "location": HOME}),
            imports.Row(3, {"id": "r-b", "name": "乙", "location": HOME,
                            "preferred_volunteers": ["v-gone"]})]  # fmt: skip
    problems = imports.import_roster(make_uow(), access.CLI, "residents", world.AREA, rows, True)
    assert [(p.row, p.field) for p in problems] == [(3, "preferred_volunteers[0]")], problems
    assert "v-gone" in problems[0].message
    stored = roster.list_entities(make_uow(), access.CLI, "residents", world.AREA)
    assert not {"r-a", "r-b"} & {r.id for r in stored}


def test_an_import_keeps_a_known_person_in_their_place_and_adds_the_new_ones_last(
    make_uow: UowFactory,
) -> None:
    roster.create_area(make_uow(), access.CLI, world.AREA, "经八路", world.ZONE)
    for ident in ("r-1", "r-2", "r-3"):
        roster.put_entity(make_uow(), access.CLI, "residents", world.AREA, ident,
                          {"name": ident, "location": HOME})  # fmt: skip
    rows = [imports.Row(2, {"id": "r-9", "name": "新", "location": HOME}),
            imports.Row(3, {"id": "r-2", "name": "改", "location": HOME}),
            imports.Row(4, {"id": "r-5", "name": "新二", "location": HOME})]  # fmt: skip
    assert imports.import_roster(make_uow(), access.CLI, "residents", world.AREA, rows, True) == []
    stored = roster.list_entities(make_uow(), access.CLI, "residents", world.AREA)
    assert [(r.id, r.name) for r in stored] == [
        ("r-1", "r-1"),
        ("r-2", "改"),
        ("r-3", "r-3"),
        ("r-9", "新"),
        ("r-5", "新二"),
    ]
