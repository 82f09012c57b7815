"""Use cases of areas (sub-districts) and their roster: sites, teams, volunteers, residents.

An entry comes in as the scenario format's structure (plain data, its field names) and is
checked alone as the loader checks a scenario's, so errors carry its paths and wording; it is
stored and given back as the domain's (`mutualaid.domain.roster`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mutualaid.bounds import MAX_NAME_LENGTH, text_problem, timezone_problem
from mutualaid.contract.roster import READERS, entry_problems, referenced
from mutualaid.domain.roster import RosterEntry, RosterKind
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.access import Actor
from mutualaid.services.ports import (
    AreaRecord,
    ConflictError,
    InvalidRequest,
    RosterRepository,
    UnitOfWork,
)

KINDS: tuple[RosterKind, ...] = ("sites", "teams", "volunteers", "residents")
SINGULAR: dict[RosterKind, str] = {
    "sites": "site",
    "teams": "team",
    "volunteers": "volunteer",
    "residents": "resident",
}
_AREA_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def repo_of(uow: UnitOfWork, kind: RosterKind) -> RosterRepository[Any]:
    repos: dict[RosterKind, RosterRepository[Any]] = {
        "sites": uow.sites,
        "teams": uow.teams,
        "volunteers": uow.volunteers,
        "residents": uow.residents,
    }
    return repos[kind]


# --- areas ----------------------------------------------------------------------------------


def list_areas(uow: UnitOfWork, actor: Actor) -> list[AreaRecord]:
    """The areas the actor may act in."""
    actor.require_manager()
    with uow:
        return [a for a in uow.areas.all() if actor.may_manage(a.id)]


def get_area(uow: UnitOfWork, actor: Actor, area: str) -> AreaRecord:
    actor.require_area(area)
    with uow:
        return uow.areas.get(area)


def _check_area(ident: Any, name: Any, timezone: Any) -> tuple[str, str, str]:
    problems = []
    if not isinstance(ident, str) or not _AREA_ID.match(ident):
        problems.append(Problem("id", msg("bad_area_id", got=repr(ident))))
    if name is not None and (not isinstance(name, str) or not name.strip()):
        problems.append(Problem("name", msg("not_string", got=repr(name))))
    elif name is not None and (bad := text_problem(name.strip(), MAX_NAME_LENGTH)):
        problems.append(Problem("name", bad))
    if bad := timezone_problem(timezone):
        problems.append(Problem("timezone", bad))
    if problems:
        raise InvalidRequest(problems)
    return ident, (name or ident).strip(), timezone


def create_area(
    uow: UnitOfWork, actor: Actor, ident: str, name: str | None, timezone: str
) -> AreaRecord:
    """A new area (ConflictError when the id is taken, also by a creation at the same
    moment: the store's INSERT decides)."""
    actor.require_admin()
    ident, name, timezone = _check_area(ident, name, timezone)
    with uow:
        if any(a.id == ident for a in uow.areas.all()):
            raise ConflictError(msg("already_exists", kind=msg("kind_area"), id=ident))
        record = uow.areas.create(ident, name, timezone)
        uow.audit.record(actor.id, "area.create", f"area {ident}", ident, {"name": name})
        uow.commit()
    return record


def put_area(
    uow: UnitOfWork, actor: Actor, ident: str, name: str | None, timezone: str
) -> tuple[AreaRecord, bool]:
    """Create or rename the area; True when new. Its time zone never changes (409)."""
    actor.require_admin()
    ident, name, timezone = _check_area(ident, name, timezone)
    with uow:
        # one INSERT decides who creates it: of two PUTs of a new id at once, the second
        # finds it there (a unique violation) and renames it instead of saying "created"
        try:
            record, new = uow.areas.create(ident, name, timezone), True
        except ConflictError:
            record, new = uow.areas.add(ident, name, timezone), False
        action = "area.create" if new else "area.update"
        uow.audit.record(actor.id, action, f"area {ident}", ident, {"name": name})
        uow.commit()
    return record, new


# --- the roster -----------------------------------------------------------------------------


def list_entities(
    uow: UnitOfWork, actor: Actor, kind: RosterKind, area: str | None
) -> list[RosterEntry]:
    where = actor.area(area)
    with uow:
        uow.areas.get(where)
        return list(repo_of(uow, kind).all(where))


def get_entity(
    uow: UnitOfWork, actor: Actor, kind: RosterKind, area: str | None, ident: str
) -> RosterEntry:
    where = actor.area(area)
    with uow:
        uow.areas.get(where)
        entry: RosterEntry = repo_of(uow, kind).get(where, ident)
        return entry


def create_entity(
    uow: UnitOfWork, actor: Actor, kind: RosterKind, area: str | None, item: Any
) -> RosterEntry:
    """Add a new site, team, volunteer or resident (ConflictError when the id is taken, also
    by a creation at the same moment: the store's INSERT decides, nothing is overwritten)."""
    where = actor.area(area)
    with uow:
        repo = repo_of(uow, kind)
        ident = item.get("id") if isinstance(item, Mapping) else None
        if isinstance(ident, str) and repo.known(where, {ident.strip()}):
            raise ConflictError(
                msg("already_exists", kind=msg(f"kind_{SINGULAR[kind]}"), id=ident.strip())
            )
        stored: RosterEntry = repo.create(where, checked_entry(uow, kind, where, item))
        _audit(uow, actor, f"{SINGULAR[kind]}.create", where, kind, stored.id)
        uow.commit()
    return stored


def put_entity(
    uow: UnitOfWork, actor: Actor, kind: RosterKind, area: str | None, ident: str, item: Any
) -> tuple[RosterEntry, bool]:
    """Store the entity under `ident` (the body's id, when given, must be the same); True
    when it is new."""
    where = actor.area(area)
    item = with_id(item, ident)
    with uow:
        stored, new = repo_of(uow, kind).upsert(where, checked_entry(uow, kind, where, item))
        action = f"{SINGULAR[kind]}.{'create' if new else 'update'}"
        _audit(uow, actor, action, where, kind, stored.id)
        uow.commit()
    return stored, new


def checked_entry(uow: UnitOfWork, kind: RosterKind, area: str, item: Any) -> RosterEntry:
    """The entry as written, checked alone as the loader checks a scenario's: its own
    fields, and the ids it names against the area's roster, read for just those ids
    (ScenarioError, paths relative to it). NotFoundError for an unknown area."""
    zone = uow.areas.get(area).timezone
    if not isinstance(item, Mapping):
        raise ScenarioError(entry_problems(kind, item, zone, {}))
    _check_written_id(uow, kind, area, item)
    known = {
        other: repo_of(uow, other).known(area, set(idents))
        for other, idents in referenced(kind, item).items()
    }
    if problems := entry_problems(kind, item, zone, known):
        raise ScenarioError(problems)
    return READERS[kind](item)


def _check_written_id(
    uow: UnitOfWork, kind: RosterKind, area: str, item: Mapping[str, Any]
) -> None:
    """An id written otherwise than it reads (` v-1 `, or the number 7) names another entry
    than the one stored under what it reads: as in a scenario, that is the same id twice,
    the stored one first."""
    raw = item.get("id")
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return
    text = str(raw).strip()
    if raw == text or not text:
        return
    before = repo_of(uow, kind).place(area, text)
    if before is not None:
        first = f"{kind}[{before}].id"
        raise ScenarioError([Problem("id", msg("duplicate_id", id=text, first=first))])


def delete_entity(
    uow: UnitOfWork, actor: Actor, kind: RosterKind, area: str | None, ident: str
) -> None:
    """Remove it; ConflictError while a task, pin, decline, plan or entity refers to it.
    A volunteer's tokens are revoked in the same transaction (and audited): a token names a
    person by id, and a new person given the same id later must not be read by it."""
    where = actor.area(area)
    with uow:
        uow.areas.get(where)
        repo_of(uow, kind).delete(where, ident)
        _audit(uow, actor, f"{SINGULAR[kind]}.delete", where, kind, ident)
        if kind == "volunteers":
            _revoke_tokens_of(uow, actor, where, ident)
        uow.commit()


def _revoke_tokens_of(uow: UnitOfWork, actor: Actor, area: str, volunteer: str) -> None:
    for token in uow.tokens.all():
        if (
            token.role == "volunteer" and token.volunteer == volunteer
            and area in token.areas and token.revoked_at is None
        ):  # fmt: skip
            uow.tokens.revoke(token.id)
            uow.audit.record(
                actor.id, "token.revoke", f"token {token.id}", area,
                {"volunteer": volunteer, "because": "volunteer.delete"},
            )  # fmt: skip


def with_id(item: Any, ident: str) -> Any:
    """The body with the path's id filled in; InvalidRequest when it names another."""
    if not isinstance(item, Mapping):
        return item  # the loader names what is wrong with it
    given = item.get("id")
    if given is None:
        return {"id": ident, **item}
    if not isinstance(given, str) or given.strip() != ident:
        raise InvalidRequest([Problem("id", msg("id_mismatch", got=given, want=ident))])
    return dict(item)


def _audit(
    uow: UnitOfWork, actor: Actor, action: str, area: str, kind: RosterKind, ident: str
) -> None:
    uow.audit.record(actor.id, action, f"{SINGULAR[kind]} {ident}", area)
