"""The use cases of areas, the roster and access on the fake store (no database): who may do
what, what is audited, what a taken or unknown id says, what a failed request leaves."""

from __future__ import annotations

import pytest

from mutualaid.services import access, roster
from mutualaid.services.access import Actor, VerifiedTokens
from mutualaid.services.ports import (
    ConflictError,
    Forbidden,
    InvalidRequest,
    NotFoundError,
    StoreError,
)
from tests.fakes import FakeStore, FakeUnitOfWork

ADMIN = Actor("tok-admin", "admin")
NORTH = Actor("tok-north", "coordinator", ("north",))
SOUTH = Actor("tok-south", "coordinator", ("south",))
WANG = Actor("tok-wang", "volunteer", ("north",), "v-wang")
HOME = {"lat": 34.78, "lon": 113.68}


@pytest.fixture
def store() -> FakeStore:
    store = FakeStore()
    for ident in ("north", "south"):
        roster.create_area(FakeUnitOfWork(store), ADMIN, ident, None, "Asia/Shanghai")
    return store


def uow(store: FakeStore) -> FakeUnitOfWork:
    return FakeUnitOfWork(store)


def test_a_coordinator_sees_and_changes_only_its_areas(store: FakeStore) -> None:
    assert [a.id for a in roster.list_areas(uow(store), NORTH)] == ["north"]
    assert [a.id for a in roster.list_areas(uow(store), ADMIN)] == ["north", "south"]
    with pytest.raises(Forbidden):
        roster.put_entity(uow(store), SOUTH, "sites", "north", "hall", {})
    with pytest.raises(Forbidden):
        roster.list_areas(uow(store), WANG)
    with pytest.raises(Forbidden):
        roster.create_area(uow(store), NORTH, "east", None, "Asia/Shanghai")


def test_an_area_keeps_its_zone_and_a_taken_id_is_a_conflict(store: FakeStore) -> None:
    renamed, new = roster.put_area(uow(store), ADMIN, "north", "北区", "Asia/Shanghai")
    assert not new and renamed.name == "北区"
    with pytest.raises(ConflictError):
        roster.put_area(uow(store), ADMIN, "north", "北区", "Europe/Paris")
    with pytest.raises(ConflictError):
        roster.create_area(uow(store), ADMIN, "north", None, "Asia/Shanghai")
    with pytest.raises(InvalidRequest) as bad:
        roster.create_area(uow(store), ADMIN, "no good", " ", "Mars/Olympus")
    assert [p.path for p in bad.value.problems] == ["id", "name", "timezone"]


def test_a_roster_entry_is_created_once_replaced_by_put_and_audited(store: FakeStore) -> None:
    wang = {"id": "v-wang", "home": HOME}
    made = roster.create_entity(uow(store), NORTH, "volunteers", None, wang)
    assert made.name == "v-wang" and made.mode == "walk"
    with pytest.raises(ConflictError):
        roster.create_entity(uow(store), NORTH, "volunteers", None, {**wang, "id": " v-wang"})
    stored, new = roster.put_entity(uow(store), NORTH, "volunteers", None, "v-wang",
                                    {"home": HOME, "name": "王师傅"})  # fmt: skip
    assert not new and stored.name == "王师傅"
    with pytest.raises(InvalidRequest) as other:
        roster.put_entity(uow(store), NORTH, "volunteers", None, "v-wang", {**wang, "id": "v-li"})
    assert [p.path for p in other.value.problems] == ["id"]
    entries = access.read_audit(uow(store), NORTH)
    assert [(e.actor, e.action, e.target) for e in reversed(entries)] == [
        ("tok-admin", "area.create", "area north"),
        ("tok-north", "volunteer.create", "volunteer v-wang"),
        ("tok-north", "volunteer.update", "volunteer v-wang"),
    ]
    assert roster.get_entity(uow(store), NORTH, "volunteers", None, "v-wang").name == "王师傅"


def test_an_entry_still_named_is_kept_and_a_refused_delete_changes_nothing(
    store: FakeStore,
) -> None:
    roster.put_entity(uow(store), NORTH, "volunteers", None, "v-wang", {"home": HOME})
    roster.put_entity(uow(store), NORTH, "residents", None, "r-zhang",
                      {"location": HOME, "preferred_volunteers": ["v-wang"]})  # fmt: skip
    with pytest.raises(ConflictError) as kept:
        roster.delete_entity(uow(store), NORTH, "volunteers", None, "v-wang")
    assert "r-zhang" in str(kept.value)
    assert [v.id for v in roster.list_entities(uow(store), NORTH, "volunteers", None)] == ["v-wang"]
    assert next(e.action for e in access.read_audit(uow(store), NORTH)) == "resident.create"
    with pytest.raises(NotFoundError):
        roster.delete_entity(uow(store), NORTH, "sites", None, "nowhere")


def test_deleting_a_volunteer_revokes_their_tokens_in_the_same_step(store: FakeStore) -> None:
    roster.put_entity(uow(store), NORTH, "volunteers", None, "v-wang", {"home": HOME})
    token, secret = access.create_token(uow(store), ADMIN, "volunteer", ["north"], "v-wang")
    verified = VerifiedTokens(store.revocations)
    assert access.authenticate(uow(store), secret, verified) == Actor.of(token)
    assert verified.actor(secret) == Actor.of(token)  # kept
    roster.delete_entity(uow(store), NORTH, "volunteers", None, "v-wang")
    assert verified.actor(secret) is None  # the revocation forgot it
    assert access.authenticate(uow(store), secret, verified) is None
    revoked = [e for e in access.read_audit(uow(store), ADMIN) if e.action == "token.revoke"]
    assert [(e.target, e.detail["because"]) for e in revoked] == [
        (f"token {token.id}", "volunteer.delete")
    ]


def test_tokens_name_what_exists_and_a_named_one_replaces_the_last(store: FakeStore) -> None:
    with pytest.raises(Forbidden):
        access.create_token(uow(store), NORTH, "admin")
    with pytest.raises(NotFoundError):
        access.create_token(uow(store), ADMIN, "volunteer", ["north"], "v-nobody")
    with pytest.raises(NotFoundError):
        access.create_token(uow(store), ADMIN, "coordinator", ["east"])
    first, _ = access.create_token(uow(store), ADMIN, "admin", name="demo")
    second, secret = access.create_token(uow(store), ADMIN, "admin", name="demo",
                                         replace_named=True)  # fmt: skip
    states = {t.id: t.revoked_at is None for t in access.list_tokens(uow(store), ADMIN)}
    assert states == {first.id: False, second.id: True}
    assert access.actor_of_token(uow(store), first.id) is None
    assert access.actor_of_token(uow(store), second.id) == (Actor.of(second), "demo")
    assert access.actor_names(uow(store), NORTH, [second.id, "cli"]) == {second.id: "demo"}
    access.revoke_token(uow(store), ADMIN, second.id)
    assert access.authenticate(uow(store), secret) is None


def test_what_fails_midway_leaves_the_store_as_it_was(store: FakeStore) -> None:
    before = len(access.read_audit(uow(store), ADMIN))
    # the area is created in the unit of work, then a volunteer it names is unknown
    with pytest.raises(StoreError), uow(store) as work:
        work.areas.create("east", "东区", "Asia/Shanghai")
        work.audit.record(ADMIN.id, "area.create", "area east", "east")
        work.volunteers.get("east", "v-nobody")
        work.commit()
    assert [a.id for a in roster.list_areas(uow(store), ADMIN)] == ["north", "south"]
    assert len(access.read_audit(uow(store), ADMIN)) == before


def test_the_audit_is_read_newest_first_within_its_limit(store: FakeStore) -> None:
    for i in range(5):
        roster.put_entity(uow(store), NORTH, "sites", None, f"s{i}", {"location": HOME})
    newest = access.read_audit(uow(store), NORTH, limit=2)
    assert [e.target for e in newest] == ["site s4", "site s3"]
    with pytest.raises(InvalidRequest):
        access.read_audit(uow(store), NORTH, limit=0)
    with pytest.raises(Forbidden):
        access.read_audit(uow(store), SOUTH, "north")
