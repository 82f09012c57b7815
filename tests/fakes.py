"""In-memory stand-ins for the storage ports (`mutualaid.services.ports`), to run the use cases
without a database: `FakeUnitOfWork(FakeStore())`. A unit of work holds the store's one lock
while open (as SQLite's write lock) and puts back what it changed unless it commits.

The repositories keep the adapters' rules that the use cases lean on (a taken id is a
ConflictError, an unknown one a NotFoundError, a roster entry still named is kept, an
idempotency key reused for another request is refused); what the loader checks of an entry
is the adapters' own tests' business (tests/adapters, on SQLite and PostgreSQL).
"""

from __future__ import annotations

import copy
import hashlib
import secrets
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any, Self

import pendulum

from mutualaid.adapters.changes import Counter
from mutualaid.contract import export as contract
from mutualaid.messages import msg
from mutualaid.services.ports import (
    AreaRecord,
    AuditEntry,
    ConflictError,
    IdempotencyKeyReused,
    NotFoundError,
    StoredResponse,
    TokenExpired,
    TokenRecord,
)

Json = dict[str, Any]


class FakeClock:
    def __init__(self, now: pendulum.DateTime | None = None) -> None:
        self.now = now or pendulum.datetime(2026, 11, 28, 9, tz="UTC")

    def __call__(self) -> pendulum.DateTime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now = self.now.add(seconds=seconds)


# === areas, roster, tokens, audit, idempotency (the roster & access half) ====================


@dataclass
class FakeAreas:
    store: FakeStore

    def create(self, ident: str, name: str, timezone: str) -> AreaRecord:
        if ident in self.store.state.areas:
            raise ConflictError(msg("already_exists", kind="area", id=ident))
        return self.add(ident, name, timezone)

    def add(self, ident: str, name: str, timezone: str) -> AreaRecord:
        pendulum.timezone(timezone)  # raises on an unknown zone, as the adapter does
        known = self.store.state.areas.get(ident)
        if known is not None and known.timezone != timezone:
            raise ConflictError(
                msg("area_keeps_zone", area=ident, zone=known.timezone, got=timezone)
            )
        self.store.state.areas[ident] = AreaRecord(ident, name, timezone)
        return self.store.state.areas[ident]

    def get(self, ident: str) -> AreaRecord:
        if ident not in self.store.state.areas:
            raise NotFoundError("area", ident)
        return self.store.state.areas[ident]

    def all(self) -> list[AreaRecord]:
        return sorted(self.store.state.areas.values(), key=lambda a: a.id)


CANONICAL = {
    "sites": contract.site,
    "teams": contract.team,
    "volunteers": contract.volunteer,
    "residents": contract.resident,
}
SINGULAR = {"sites": "site", "teams": "team", "volunteers": "volunteer", "residents": "resident"}


@dataclass
class FakeRoster:
    """One kind of roster entity (`sites`, ...) of every area, as canonical contract dicts."""

    store: FakeStore
    kind: str

    def _stored(self, area: str) -> dict[str, Json]:
        return self.store.state.roster.get((self.kind, area), {})

    def _of(self, area: str) -> dict[str, Json]:
        if area not in self.store.state.areas:
            raise NotFoundError("area", area)
        return self.store.state.roster.setdefault((self.kind, area), {})

    def all(self, area: str) -> list[Json]:
        return [copy.deepcopy(e) for e in self._stored(area).values()]

    def get(self, area: str, ident: str) -> Json:
        found = self._stored(area).get(ident)
        if found is None:
            raise NotFoundError(SINGULAR[self.kind], ident)
        return copy.deepcopy(found)

    def some(self, area: str, idents: Collection[str]) -> dict[str, Json]:
        stored = self._stored(area)
        return {i: copy.deepcopy(stored[i]) for i in idents if i in stored}

    def create(self, area: str, item: Mapping[str, Any]) -> Json:
        entity = CANONICAL[self.kind](item)
        if entity["id"] in self._of(area):
            raise ConflictError(msg("already_exists", kind=SINGULAR[self.kind], id=entity["id"]))
        self._of(area)[entity["id"]] = entity
        return copy.deepcopy(entity)

    def upsert(self, area: str, item: Mapping[str, Any]) -> tuple[Json, bool]:
        entity = CANONICAL[self.kind](item)
        stored = self._of(area)
        new = entity["id"] not in stored
        stored[entity["id"]] = entity
        return copy.deepcopy(entity), new

    def delete(self, area: str, ident: str) -> None:
        self.get(area, ident)
        users = self._users(area, ident)
        if users:
            kind = msg(f"kind_{SINGULAR[self.kind]}")
            raise ConflictError(msg("still_used_by", kind=kind, id=ident, users=", ".join(users)))
        del self._of(area)[ident]

    def _users(self, area: str, ident: str) -> list[str]:
        """The roster entries naming the entity (tasks are the week half's)."""
        if self.kind == "teams":
            named, by, key = "volunteers", "kind_volunteer", "teams"
        elif self.kind == "volunteers":
            named, by, key = "residents", "kind_resident", "preferred_volunteers"
        else:
            return []
        return [
            msg("used_by_item", kind=msg(by), id=e["id"])
            for e in self.store.state.roster.get((named, area), {}).values()
            if ident in e.get(key, ())
        ]


@dataclass
class FakeTokens:
    store: FakeStore

    def create(
        self, role: str, areas: Sequence[str] = (), volunteer: str | None = None,
        name: str | None = None, expires_in: pendulum.Duration | None = None,
    ) -> tuple[TokenRecord, str]:  # fmt: skip
        secret = "ma_" + secrets.token_urlsafe(32)
        now = self.store.clock()
        token = TokenRecord(
            secrets.token_hex(6), role, tuple(dict.fromkeys(areas)), volunteer, name, now,
            expires_at=None if expires_in is None else now + expires_in,
        )  # fmt: skip
        self.store.state.tokens[token.id] = token
        self.store.state.hashes[_hash(secret)] = token.id
        return token, secret

    def authenticate(self, secret: str) -> TokenRecord | None:
        ident = self.store.state.hashes.get(_hash(secret))
        token = None if ident is None else self.store.state.tokens[ident]
        if token is None or token.revoked_at is not None:
            return None
        if token.expires_at is not None and token.expires_at <= self.store.clock():
            raise TokenExpired(msg("token_expired", at=token.expires_at.to_iso8601_string()))
        return token

    def find(self, ident: str) -> TokenRecord | None:
        return self.store.state.tokens.get(ident)

    def all(self) -> list[TokenRecord]:
        return sorted(self.store.state.tokens.values(), key=lambda t: (t.created_at, t.id))

    def revoke(self, ident: str) -> None:
        token = self.store.state.tokens.get(ident)
        if token is None:
            raise NotFoundError("token", ident)
        if token.revoked_at is None:
            self.store.state.tokens[ident] = replace(token, revoked_at=self.store.clock())
            self.store.revocations.bump()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class FakeAudit:
    store: FakeStore

    def record(
        self, actor: str, action: str, target: str, area: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:  # fmt: skip
        entries = self.store.state.audit
        entry = AuditEntry(len(entries) + 1, self.store.clock(), actor, action, area, target,
                           dict(detail or {}))  # fmt: skip
        entries.append(entry)
        return entry

    def entries(self, area: str | None = None, limit: int = 100) -> list[AuditEntry]:
        found = [e for e in self.store.state.audit if area is None or e.area == area]
        return sorted(found, key=lambda e: (e.at, e.id), reverse=True)[:limit]


@dataclass
class FakeIdempotency:
    store: FakeStore

    def lookup(self, scope: str, key: str, request_hash: str) -> StoredResponse | None:
        found = self.store.state.responses.get((scope, key))
        if found is not None and found.request_hash != request_hash:
            raise IdempotencyKeyReused(
                f"Idempotency-Key '{key}' was used before for a different request"
            )
        return found

    def save(
        self, scope: str, key: str, request_hash: str, status_code: int, response: Any
    ) -> StoredResponse:
        if (scope, key) in self.store.state.responses:
            raise IdempotencyKeyReused(
                f"a request with Idempotency-Key '{key}' was stored meanwhile; send it again"
            )
        stored = StoredResponse(scope, key, request_hash, status_code, response, self.store.clock())
        self.store.state.responses[(scope, key)] = stored
        return stored


# === weeks, plans, assignments (the week & plan half) ========================================


@dataclass(frozen=True)
class _Missing:
    """A repository of the week & plan half, not in this file yet: touching it says so."""

    name: str

    def __getattr__(self, method: str) -> Any:
        raise NotImplementedError(f"the fake store has no {self.name} yet ({method})")


# === the store and the unit of work ==========================================================


@dataclass
class State:
    """Everything stored: what a unit of work puts back unless it commits."""

    areas: dict[str, AreaRecord] = field(default_factory=dict)
    roster: dict[tuple[str, str], dict[str, Json]] = field(default_factory=dict)
    """(kind, area) -> id -> the entity as stored, in the order added."""
    tokens: dict[str, TokenRecord] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    """sha256 of a token's secret -> its id."""
    audit: list[AuditEntry] = field(default_factory=list)
    responses: dict[tuple[str, str], StoredResponse] = field(default_factory=dict)


class FakeStore:
    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock or FakeClock()
        self.state = State()
        self.lock = threading.RLock()
        self.revocations = Counter()
        """Token revocations, as `adapters.changes.revocations` counts them."""


class FakeUnitOfWork:
    """`with uow: ...; uow.commit()` on a FakeStore; leaving without commit puts it back."""

    def __init__(self, store: FakeStore | None = None) -> None:
        self.store = store or FakeStore()
        self.areas = FakeAreas(self.store)
        self.sites = FakeRoster(self.store, "sites")
        self.teams = FakeRoster(self.store, "teams")
        self.volunteers = FakeRoster(self.store, "volunteers")
        self.residents = FakeRoster(self.store, "residents")
        self.tokens = FakeTokens(self.store)
        self.audit = FakeAudit(self.store)
        self.idempotency = FakeIdempotency(self.store)
        self.weeks: Any = _Missing("weeks")
        self.plans: Any = _Missing("plans")
        self.assignments: Any = _Missing("assignments")
        self._saved: list[State] = []
        self.commits = 0

    def __enter__(self) -> Self:
        self.store.lock.acquire()
        self._saved.append(copy.deepcopy(self.store.state))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        try:
            self.rollback()
            self._saved.pop()
        finally:
            self.store.lock.release()

    def commit(self) -> None:
        self._saved[-1] = copy.deepcopy(self.store.state)
        self.commits += 1

    def rollback(self) -> None:
        self.store.state = copy.deepcopy(self._saved[-1])

    def reading(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)
