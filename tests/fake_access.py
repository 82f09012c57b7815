"""Fakes of the roster and access repositories (`tests.fakes`): areas, roster entries, tokens,
the audit log and idempotency keys, with the adapters' rules the use cases lean on."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pendulum

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

if TYPE_CHECKING:
    from tests.fake_store import FakeStore


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
        across = known.fairness_across_weeks if known is not None else False
        self.store.state.areas[ident] = AreaRecord(ident, name, timezone, across)
        return self.store.state.areas[ident]

    def get(self, ident: str) -> AreaRecord:
        if ident not in self.store.state.areas:
            raise NotFoundError("area", ident)
        return self.store.state.areas[ident]

    def all(self) -> list[AreaRecord]:
        return sorted(self.store.state.areas.values(), key=lambda a: a.id)

    def set_fairness(self, ident: str, across_weeks: bool) -> AreaRecord:
        known = self.get(ident)
        self.store.state.areas[ident] = dataclasses.replace(
            known, fairness_across_weeks=across_weeks
        )
        return self.store.state.areas[ident]


SINGULAR = {"sites": "site", "teams": "team", "volunteers": "volunteer", "residents": "resident"}


@dataclass
class FakeRoster:
    """One kind of roster entry (`sites`, ...) of every area, as the domain's (frozen)."""

    store: FakeStore
    kind: str

    def _stored(self, area: str) -> dict[str, Any]:
        return self.store.state.roster.get((self.kind, area), {})

    def _of(self, area: str) -> dict[str, Any]:
        if area not in self.store.state.areas:
            raise NotFoundError("area", area)
        return self.store.state.roster.setdefault((self.kind, area), {})

    def all(self, area: str) -> list[Any]:
        return list(self._stored(area).values())

    def get(self, area: str, ident: str) -> Any:
        found = self._stored(area).get(ident)
        if found is None:
            raise NotFoundError(SINGULAR[self.kind], ident)
        return found

    def some(self, area: str, idents: Collection[str]) -> dict[str, Any]:
        stored = self._stored(area)
        return {i: stored[i] for i in idents if i in stored}

    def known(self, area: str, idents: Collection[str]) -> set[str]:
        return set(idents) & set(self._stored(area))

    def place(self, area: str, ident: str) -> int | None:
        order = list(self._stored(area))
        return order.index(ident) if ident in order else None

    def create(self, area: str, entry: Any) -> Any:
        if entry.id in self._of(area):
            raise ConflictError(msg("already_exists", kind=SINGULAR[self.kind], id=entry.id))
        self._of(area)[entry.id] = entry
        return entry

    def upsert(self, area: str, entry: Any) -> tuple[Any, bool]:
        stored = self._of(area)
        new = entry.id not in stored
        stored[entry.id] = entry
        return entry, new

    def upsert_all(self, area: str, entries: Sequence[Any]) -> None:
        for entry in entries:
            self.upsert(area, entry)

    def delete(self, area: str, ident: str) -> None:
        self.get(area, ident)
        users = self._users(area, ident)
        if users:
            kind = msg(f"kind_{SINGULAR[self.kind]}")
            raise ConflictError(msg("still_used_by", kind=kind, id=ident, users=", ".join(users)))
        del self._of(area)[ident]

    def _users(self, area: str, ident: str) -> list[str]:
        """What still names the entity, as the adapters refuse (their references and foreign
        keys): a team its members and the tasks needing it; a volunteer the residents
        preferring them, the weeks' pins, declines and history, and plans' assignments; a
        site or resident the tasks at it (a resident also the weeks' history)."""
        state = self.store.state
        weeks = [w for (a, _), w in state.weeks.items() if a == area]
        tasks = [t for w in weeks for t in w.written]
        users: list[tuple[str, str]] = []
        if self.kind == "teams":
            users += [("kind_volunteer", e.id)
                      for e in state.roster.get(("volunteers", area), {}).values()
                      if ident in e.teams]  # fmt: skip
            users += [("kind_task", t["id"]) for t in tasks
                      if any(n.get("team") == ident for n in t.get("needs") or ())]  # fmt: skip
        elif self.kind == "volunteers":
            users += [("kind_resident", e.id)
                      for e in state.roster.get(("residents", area), {}).values()
                      if ident in e.preferred_volunteers]  # fmt: skip
            named = {p.task for w in weeks for p in w.scenario.pinned if ident in p.volunteers}
            named |= {d.task for w in weeks for d in w.declines if d.volunteer == ident}
            named |= {a.task for a in state.assignments if a.volunteer == ident
                      and state.plans[a.plan_id].area == area}  # fmt: skip
            users += [("kind_task", t) for t in sorted(named)]
            users += [("kind_resident", h.resident) for w in weeks for h in w.scenario.history
                      if h.volunteer == ident]  # fmt: skip
        else:
            key = "site" if self.kind == "sites" else "resident"
            users += [("kind_task", t["id"]) for t in tasks if t.get(key) == ident]
            if self.kind == "residents":
                users += [("kind_volunteer", h.volunteer) for w in weeks
                          for h in w.scenario.history if h.resident == ident]  # fmt: skip
        return [msg("used_by_item", kind=msg(kind), id=i) for kind, i in dict.fromkeys(users)]


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

    def renew_feed(self, area: str, volunteer: str) -> str:
        secret = secrets.token_urlsafe(32)
        self.store.state.feeds[(area, volunteer)] = (_hash(secret), self.store.clock())
        return secret

    def feed(self, secret: str) -> tuple[str, str] | None:
        found = [k for k, (h, _) in self.store.state.feeds.items() if h == _hash(secret)]
        return found[0] if found else None

    def feed_made(self, area: str, volunteer: str) -> pendulum.DateTime | None:
        kept = self.store.state.feeds.get((area, volunteer))
        return None if kept is None else kept[1]


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
