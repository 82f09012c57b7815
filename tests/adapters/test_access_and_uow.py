"""Assignments answered, tokens, the audit log, idempotency keys, and what a transaction
keeps when it fails."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from mutualaid.adapters.access import hash_secret
from mutualaid.adapters.tables import TokenRow
from mutualaid.errors import ScenarioError
from mutualaid.services.ports import ConflictError, IdempotencyKeyReused, NotFoundError

from . import world
from .conftest import FakeClock, UowFactory


@pytest.fixture
def published(make_uow: UowFactory) -> str:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        plan = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(plan.id, world.plan())
        uow.plans.publish(plan.id)
        uow.commit()
    return plan.id


def test_a_volunteer_accepts_or_declines_with_a_reason(
    make_uow: UowFactory, published: str, clock: FakeClock
) -> None:
    with make_uow() as uow:
        show, visit = sorted(
            uow.assignments.for_volunteer(world.AREA, "v-wang", world.WEEK), key=lambda a: a.task
        )
        accepted = uow.assignments.accept(show.id)
        declined = uow.assignments.decline(visit.id, "在医院复查")
        # the use case (decline_assignment) records it for the week: repositories never call
        # each other
        uow.weeks.add_decline(world.AREA, world.WEEK, visit.task, visit.volunteer, "在医院复查")
        assert uow.assignments.decline(visit.id, "again") == declined  # nothing changes
        with pytest.raises(ConflictError):
            uow.assignments.accept(visit.id)
        uow.commit()
    assert (accepted.state, accepted.responded_at) == ("accepted", clock.now)
    assert (declined.state, declined.decline_reason) == ("declined", "在医院复查")
    with make_uow() as uow:
        decline = uow.weeks.declines(world.AREA, world.WEEK)
        assert [(d.task, d.volunteer, d.reason, d.at) for d in decline] == [
            ("t-visit-zhang", "v-wang", "在医院复查", clock.now)
        ]
        exported = uow.weeks.export_scenario(world.AREA, world.WEEK)
        assert exported["declined"] == [{"task": "t-visit-zhang", "volunteer": "v-wang"}]
        assert uow.assignments.get(visit.id).state == "declined"


def test_only_the_published_plan_is_answered(make_uow: UowFactory, published: str) -> None:
    with make_uow() as uow:
        other = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(other.id, world.plan())
        row = uow.assignments.for_plan(other.id)[0]
        with pytest.raises(ConflictError):
            uow.assignments.accept(row.id)
        with pytest.raises(NotFoundError):
            uow.assignments.for_plan("nope")


def test_tokens_are_stored_hashed_and_found_by_their_secret(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        admin, admin_secret = uow.tokens.create("admin", name="ops")
        vol, vol_secret = uow.tokens.create("volunteer", ["jingbalu"], volunteer="v-wang")
        with pytest.raises(ValueError):
            uow.tokens.create("coordinator")  # no area
        with pytest.raises(ValueError):
            uow.tokens.create("mayor")
        uow.commit()
    with make_uow() as uow:
        assert uow.tokens.authenticate(admin_secret) == admin
        found = uow.tokens.authenticate(vol_secret)
        assert found is not None and (found.role, found.areas, found.volunteer) == (
            "volunteer",
            ("jingbalu",),
            "v-wang",
        )
        assert uow.tokens.authenticate(admin_secret + "x") is None
        stored = [(r.id, r.token_hash) for r in uow.session.exec(select(TokenRow))]
        assert all(admin_secret not in str(r) and vol_secret not in str(r) for r in stored)
        assert (admin.id, hash_secret(admin_secret)) in stored
        uow.tokens.revoke(admin.id)
        uow.commit()
    with make_uow() as uow:
        assert uow.tokens.authenticate(admin_secret) is None
        assert {t.id for t in uow.tokens.all()} == {admin.id, vol.id}


def test_the_audit_log_says_who_did_what_newest_first(
    make_uow: UowFactory, clock: FakeClock
) -> None:
    with make_uow() as uow:
        uow.areas.add("a", "A", "Asia/Shanghai")
        uow.audit.record("tok1", "submit", "week 2026-11-30", area="a", detail={"tasks": 3})
        clock.advance(60)
        uow.audit.record("tok2", "publish", "plan p1", area="a")
        uow.audit.record("admin", "token.create", "tok3")
        uow.commit()
    with make_uow() as uow:
        entries = uow.audit.entries(area="a")
        assert [(e.actor, e.action) for e in entries] == [("tok2", "publish"), ("tok1", "submit")]
        assert entries[1].detail == {"tasks": 3} and entries[0].at == clock.now
        assert len(uow.audit.entries()) == 3 and len(uow.audit.entries(limit=1)) == 1


def test_an_idempotency_key_replays_its_response(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        assert uow.idempotency.lookup("tok1 PUT /weeks/x/tasks", "k1", "h1") is None
        uow.idempotency.save("tok1 PUT /weeks/x/tasks", "k1", "h1", 200, {"tasks": ["t-1"]})
        uow.commit()
    with make_uow() as uow:
        stored = uow.idempotency.lookup("tok1 PUT /weeks/x/tasks", "k1", "h1")
        assert stored is not None and (stored.status_code, stored.response) == (
            200,
            {"tasks": ["t-1"]},
        )
        with pytest.raises(IdempotencyKeyReused):
            uow.idempotency.lookup("tok1 PUT /weeks/x/tasks", "k1", "other body")
        assert uow.idempotency.lookup("tok2 PUT /weeks/x/tasks", "k1", "h1") is None
        with pytest.raises(IdempotencyKeyReused):  # a concurrent twin stored it first
            uow.idempotency.save("tok1 PUT /weeks/x/tasks", "k1", "h1", 200, {})


def test_a_failed_transaction_loses_nothing_stored_before(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    with make_uow() as uow:
        before = uow.weeks.export_scenario(world.AREA, world.WEEK)

    with pytest.raises(RuntimeError), make_uow() as uow:
        world.put_tasks(uow, world.AREA, world.WEEK, [])
        uow.volunteers.delete(world.AREA, "v-zhao")
        uow.audit.record("tok", "submit", "week")
        raise RuntimeError("the request failed half way")
    with make_uow() as uow:  # leaving without commit() is a rollback too
        world.put_tasks(uow, world.AREA, world.WEEK, [])
    bad = world.scenario()
    bad["tasks"][0]["needs"] = []
    with make_uow() as uow, pytest.raises(ScenarioError):
        world.import_week(uow, world.AREA, bad)

    with make_uow() as uow:
        assert uow.weeks.export_scenario(world.AREA, world.WEEK) == before
        assert uow.audit.entries() == []


def test_a_refused_step_leaves_the_rest_of_the_transaction_usable(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.audit.record("tok", "submit", "week")
        with pytest.raises(ConflictError):
            uow.residents.delete(world.AREA, "r-zhang")  # refused by a foreign key
        uow.commit()
    with make_uow() as uow:
        assert len(uow.audit.entries()) == 1
        assert uow.residents.get(world.AREA, "r-zhang").name == "张奶奶"


def test_a_reader_does_not_wait_for_a_writer(make_uow: UowFactory) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    with make_uow() as writer:
        writer.audit.record("tok", "submit", "week")  # holds the write lock, uncommitted
        with make_uow(read_only=True) as reader:  # SQLite: a deferred BEGIN, no waiting
            assert reader.audit.entries() == []
        writer.commit()
    with make_uow(read_only=True) as uow:
        if uow.session.connection().dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="read-only transaction"):
                uow.audit.record("tok", "x", "y")
    with make_uow(read_only=True) as uow:
        assert len(uow.weeks.tasks(world.AREA, world.WEEK)) == 3
        conn = uow.session.connection()
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
