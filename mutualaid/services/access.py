"""Who may do what: the actor behind a request, its scope, tokens, and reading the audit log.

Roles: an admin may do everything; a coordinator acts only in its areas (roster, weeks, plans,
audit); a volunteer acts only for themself (their own assignments). Every use case asks the
actor first, so the rules hold whatever calls the use case (HTTP, CLI, tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pendulum

from mutualaid.domain.model import DAYS
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.ports import (
    AuditEntry,
    Forbidden,
    InvalidRequest,
    TokenRecord,
    UnitOfWork,
)

ROLES = ("admin", "coordinator", "volunteer")


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

    def require_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden(msg("forbidden_role", role=self.role))

    def require_manager(self) -> None:
        """Admins and coordinators (before any area is known)."""
        if self.role not in ("admin", "coordinator"):
            raise Forbidden(msg("forbidden_role", role=self.role))

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


def authenticate(uow: UnitOfWork, secret: str) -> Actor | None:
    """The actor whose token this is (None when unknown or revoked)."""
    with uow:
        token = uow.tokens.authenticate(secret)
    return None if token is None else Actor.of(token)


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
) -> tuple[TokenRecord, str]:
    """A new token and its secret (shown once). Its areas, and volunteer, must exist."""
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
    if problems:
        raise InvalidRequest(problems)
    with uow:
        for area in areas:
            uow.areas.get(area)
        if volunteer is not None:
            uow.volunteers.get(areas[0], volunteer)
        token, secret = uow.tokens.create(role, areas, volunteer, name)
        uow.audit.record(
            actor.id, "token.create", f"token {token.id}", None, {"role": role, "areas": areas}
        )
        uow.commit()
    return token, secret


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


def parse_week(text: str) -> pendulum.Date:
    """A week_start from a path: a Monday, YYYY-MM-DD (InvalidRequest otherwise)."""
    try:
        parsed = pendulum.Date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest([Problem("week_start", msg("bad_date", got=repr(text)))]) from None
    if parsed.isoweekday() != 1:
        weekday = msg(f"day_{DAYS[parsed.weekday()]}")
        text = msg("not_monday", date=parsed.isoformat(), weekday=weekday)
        raise InvalidRequest([Problem("week_start", text)])
    return pendulum.Date(parsed.year, parsed.month, parsed.day)
