"""Who may do what: the actor behind a request, its scope, tokens, and reading the audit log.

Roles: an admin may do everything; a coordinator acts only in its areas (roster, weeks, plans,
audit); a volunteer acts only for themself (their own assignments). Every use case asks the
actor first, so the rules hold whatever calls the use case (HTTP, CLI, tests).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pendulum

from mutualaid.bounds import MAX_EXPIRY_DAYS, MAX_NAME_LENGTH, parse_week_start, text_problem
from mutualaid.domain.facts import Fact
from mutualaid.errors import Problem
from mutualaid.messages import CATALOGUE, msg
from mutualaid.services.ports import (
    AuditEntry,
    Forbidden,
    InvalidRequest,
    TokenExpired,
    TokenRecord,
    UnitOfWork,
)

ROLES = ("admin", "coordinator", "volunteer")
"""The longest a token may be made to last (ten years); without an expiry it lasts until
revoked."""


@dataclass(frozen=True)
class Actor:
    """Whoever acts: a token's holder, or the system itself (`cli`, a job worker)."""

    id: str
    """The token id (the audit log's `actor`), or `cli` / `system`."""
    role: str
    areas: tuple[str, ...] = ()
    volunteer: str | None = None

    @classmethod
    def of(cls, token: TokenRecord) -> Actor:
        return cls(token.id, token.role, tuple(token.areas), token.volunteer)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def may_manage(self, area: str) -> bool:
        return self.is_admin or (self.role == "coordinator" and area in self.areas)

    def _role_words(self) -> str:
        """The role in the active language (the code itself for a role it has no word for)."""
        return msg(f"role_{self.role}") if f"role_{self.role}" in CATALOGUE else self.role

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden(msg("forbidden_role", role=self._role_words()))

    def require_manager(self) -> None:
        """Admins and coordinators (before any area is known)."""
        if self.role not in ("admin", "coordinator"):
            raise Forbidden(msg("forbidden_role", role=self._role_words()))

    def require_area(self, area: str) -> None:
        """May see and change the area's roster, weeks, plans and audit."""
        self.require_manager()
        if not self.may_manage(area):
            raise Forbidden(msg("forbidden_area", area=area))

    def require_volunteer(self, area: str, volunteer: str) -> None:
        """May see and answer this volunteer's assignments: an admin, the area's
        coordinator, or the volunteer themself."""
        if self.may_manage(area):
            return
        if self.role != "volunteer" or area not in self.areas:
            raise Forbidden(msg("forbidden_area", area=area))
        if self.volunteer != volunteer:
            raise Forbidden(msg("forbidden_volunteer", volunteer=self.volunteer))

    def area(self, requested: str | None) -> str:
        """The area a request acts in: the one named, or the token's only area. Checked."""
        if requested is None or not requested.strip():
            if len(self.areas) != 1:
                self.require_manager()
                shown = ", ".join(self.areas) or "*"
                raise InvalidRequest([Problem("area", msg("area_required", areas=shown))])
            requested = self.areas[0]
        area = requested.strip()
        self.require_area(area)
        return area


SYSTEM = Actor("system", "admin")
"""The job workers: they finish and fail plans."""
CLI = Actor("cli", "admin")
"""Whoever runs `mutualaid` on the server."""


class VerifiedTokens:
    """Tokens verified lately, kept in this process for `ttl` seconds so a volunteer reading
    their week again and again is not looked up each time.

    Revocation still takes effect: the cache is keyed by `revision()`, a count of the
    revocations made in this process (the adapter counts each when made and again when
    committed), so a revocation made here forgets every cached token at once; one made by
    another process (the CLI on the same database) takes effect within `ttl`. Expiry is
    checked on every use. Only valid tokens are kept, by the sha256 of their secret."""

    def __init__(self, revision: Callable[[], int], ttl: float = 2.0, size: int = 4096) -> None:
        self.revision, self.ttl, self.size = revision, ttl, size
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[TokenRecord, float]] = {}
        self._at = revision()

    @staticmethod
    def key(secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8")).hexdigest()

    def actor(self, secret: str) -> Actor | None:
        """The actor of a token verified lately (None when it is not kept, or no longer);
        TokenExpired once its expiry has passed. Cheap enough for the event loop."""
        found = self._seen.get(self.key(secret))
        if found is None or time.monotonic() >= found[1] or self._at != self.revision():
            return None
        token = found[0]
        if token.expires_at is not None and token.expires_at <= pendulum.now("UTC"):
            raise TokenExpired(msg("token_expired", at=token.expires_at.to_iso8601_string()))
        return Actor.of(token)

    def put(self, key: str, token: TokenRecord, revision: int) -> None:
        """Keep `token`, verified after `revision` was read (not kept when it changed)."""
        with self._lock:
            if self._at != (now := self.revision()):
                self._seen.clear()
                self._at = now
            if revision != now:
                return
            if len(self._seen) >= self.size:
                self._seen.clear()
            self._seen[key] = (token, time.monotonic() + self.ttl)


def authenticate(
    uow: UnitOfWork, secret: str, verified: VerifiedTokens | None = None
) -> Actor | None:
    """The actor whose token this is (None when unknown or revoked; TokenExpired once its
    expiry has passed). With `verified`, a token verified lately is not looked up again,
    and one looked up is kept there."""
    if verified is not None and (actor := verified.actor(secret)) is not None:
        return actor
    revision = verified.revision() if verified is not None else 0
    with uow:
        token = uow.tokens.authenticate(secret)
    if token is None:
        return None
    if verified is not None:
        verified.put(verified.key(secret), token, revision)
    return Actor.of(token)


def actor_of_token(uow: UnitOfWork, ident: str) -> tuple[Actor, str | None] | None:
    """The actor of the token with this id and its name, while it is not revoked (a
    session remembers the id, never the secret)."""
    with uow:
        token = uow.tokens.find(ident)
    if token is None or token.revoked_at is not None:
        return None
    return Actor.of(token), token.name


def create_token(
    uow: UnitOfWork,
    actor: Actor,
    role: str,
    areas: Sequence[str] = (),
    volunteer: str | None = None,
    name: str | None = None,
    expires_in: pendulum.Duration | None = None,
    replace_named: bool = False,
) -> tuple[TokenRecord, str]:
    """A new token and its secret (shown once). Its areas, and volunteer, must exist. With
    `expires_in` (at most MAX_EXPIRY_DAYS) it is refused once that has passed; with
    `replace_named`, the tokens of the same name still in use are revoked in the same
    transaction (`serve --admin-token`'s one demo token)."""
    actor.require_admin()
    areas = [a.strip() for a in areas if a.strip()]
    volunteer = volunteer.strip() if volunteer and volunteer.strip() else None
    problems = []
    if role not in ROLES:
        problems.append(Problem("role", msg("not_choice", choices=", ".join(ROLES), got=role)))
    elif role == "coordinator" and not areas:
        problems.append(Problem("areas", msg("token_needs_area")))
    elif role == "volunteer" and (volunteer is None or len(set(areas)) != 1):
        problems.append(Problem("volunteer", msg("token_volunteer")))
    elif role != "volunteer" and volunteer is not None:
        problems.append(Problem("volunteer", msg("token_no_volunteer")))
    if expires_in is not None and not 0 < expires_in.total_days() <= MAX_EXPIRY_DAYS:
        got = f"{expires_in.total_days():g}"
        problems.append(
            Problem("expires_in_days", msg("token_expiry_range", most=MAX_EXPIRY_DAYS, got=got))
        )
    if name is not None and (bad := text_problem(name, MAX_NAME_LENGTH)):
        problems.append(Problem("name", bad))
    if replace_named and not name:
        raise ValueError("replace_named needs a name")
    if problems:
        raise InvalidRequest(problems)
    with uow:
        for area in areas:
            uow.areas.get(area)
        if volunteer is not None:
            uow.volunteers.get(areas[0], volunteer)
        replaced = []
        if replace_named:
            for old in uow.tokens.all():
                if old.name == name and old.revoked_at is None:
                    uow.tokens.revoke(old.id)
                    replaced.append(old.id)
        token, secret = uow.tokens.create(role, areas, volunteer, name, expires_in)
        detail: dict[str, Fact] = {"role": role, "areas": areas}
        if token.expires_at is not None:
            detail["expires_at"] = token.expires_at.to_iso8601_string()
        if replaced:
            detail["replaced"] = replaced
        uow.audit.record(actor.id, "token.create", f"token {token.id}", None, detail)
        uow.commit()
    return token, secret


def expiry_in_days(days: float | None) -> pendulum.Duration | None:
    """`expires_in_days` as a duration (None stays None); InvalidRequest outside
    (0, MAX_EXPIRY_DAYS], echoing the number as it was given (99999999, not 99999999.0)."""
    if days is None:
        return None
    if not 0 < days <= MAX_EXPIRY_DAYS:  # also NaN
        got = days if isinstance(days, int) else f"{days:g}"
        text = msg("token_expiry_range", most=MAX_EXPIRY_DAYS, got=got)
        raise InvalidRequest([Problem("expires_in_days", text)])
    return pendulum.duration(seconds=round(days * 86400))


def parse_expiry(text: str) -> pendulum.Duration:
    """`30d`, `12h` or `90m` (a bare number is days) as a duration; ValueError otherwise."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([dhm]?)\s*", text.lower())
    if found is None:
        raise ValueError(msg("token_expiry_format", got=text))
    number, unit = float(found[1]), found[2] or "d"
    days = number / {"d": 1, "h": 24, "m": 1440}[unit]
    duration = expiry_in_days(days) if 0 < days <= MAX_EXPIRY_DAYS else None
    if duration is None:
        raise ValueError(msg("token_expiry_range", most=MAX_EXPIRY_DAYS, got=f"{days:g}"))
    return duration


def list_tokens(uow: UnitOfWork, actor: Actor) -> list[TokenRecord]:
    actor.require_admin()
    with uow:
        return uow.tokens.all()


def revoke_token(uow: UnitOfWork, actor: Actor, ident: str) -> None:
    actor.require_admin()
    with uow:
        uow.tokens.revoke(ident)
        uow.audit.record(actor.id, "token.revoke", f"token {ident}")
        uow.commit()


def read_audit(
    uow: UnitOfWork, actor: Actor, area: str | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The newest entries first: an admin's of everything (or of one area), a coordinator's
    of one of their areas."""
    if not 1 <= limit <= 1000:
        raise InvalidRequest([Problem("limit", msg("not_positive_int", got=limit))])
    scope = None if actor.is_admin and not area else actor.area(area)
    with uow:
        if scope is not None:
            uow.areas.get(scope)
        return uow.audit.entries(scope, limit)


def actor_names(uow: UnitOfWork, actor: Actor, idents: Sequence[str]) -> dict[str, str]:
    """The names of the tokens behind audit entries (their role when unnamed), for those who
    may read the audit log; ids of no token (`cli`, `system`) are left out."""
    actor.require_manager()
    names = {}
    with uow:
        for ident in sorted(set(idents)):
            token = uow.tokens.find(ident)
            if token is not None:
                names[ident] = token.name or msg(f"page_role_{token.role}")
    return names


def parse_week(text: str, field: str = "week_start") -> pendulum.Date:
    """A week_start from a path or a query (`field`): a Monday written YYYY-MM-DD in the
    years the bounds allow (InvalidRequest naming the field otherwise)."""
    try:
        return parse_week_start(text)
    except ValueError as exc:
        raise InvalidRequest([Problem(field, str(exc))]) from None
