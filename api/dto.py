"""What the API reads and writes besides the scenario format's own structures: views of
areas, weeks, plans, tokens and audit entries, and their DTOs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar.dto import DataclassDTO, DTOConfig

from mutualaid.contract import plan_json
from mutualaid.contract.export import settings_json
from mutualaid.domain.plan import Reason
from mutualaid.services.ports import (
    AreaRecord,
    AuditEntry,
    PlanRecord,
    TokenRecord,
    WeekRecord,
)


@dataclass
class AreaView:
    id: str
    name: str
    timezone: str
    fairness_across_weeks: bool = False
    """Fairness counts each volunteer's load of the three weeks before."""

    @classmethod
    def of(cls, r: AreaRecord) -> AreaView:
        return cls(r.id, r.name, r.timezone, r.fairness_across_weeks)


@dataclass
class AreaWrite:
    """A new area (POST /areas)."""

    id: str
    timezone: str
    name: str | None = None


@dataclass
class AreaUpdate:
    """An area created or renamed (PUT /areas/{area}); its time zone never changes."""

    timezone: str
    name: str | None = None


@dataclass
class WeekView:
    area: str
    week_start: str
    name: str
    timezone: str
    settings: dict[str, Any]

    @classmethod
    def of(cls, r: WeekRecord) -> WeekView:
        return cls(r.area, r.week_start.isoformat(), r.name, r.timezone, settings_json(r.settings))


@dataclass
class PlanView:
    id: str
    area: str
    week_start: str
    kind: str
    status: str
    """queued | running | optimal | feasible | error"""
    progress: dict[str, Any]
    """While running: {served, bound, elapsed} (best coverage per priority, its proven
    bound, seconds)."""
    error: str | None
    cancel_requested: bool
    attempts: int
    created_at: str
    started_at: str | None
    finished_at: str | None
    published_at: str | None
    plan: dict[str, Any] | None
    """When done: the plan in the contract's JSON."""
    cannot_solve_now: str | None = None
    """While queued or running, when plans cannot be solved now: why (the solver's Dask
    scheduler does not answer), in the asker's language; null when they can."""

    @classmethod
    def of(cls, r: PlanRecord, trouble: Reason | None = None) -> PlanView:
        """`trouble`: the job runner's (`JobRunner.trouble`), said only while `r` waits."""
        return cls(
            id=r.id,
            area=r.area,
            week_start=r.week_start.isoformat(),
            kind=r.kind,
            status=r.status,
            progress=plan_json.progress_json(r.progress),
            error=None if r.error is None else plan_json.detail_text(r.error),
            cancel_requested=r.cancel_requested,
            attempts=r.attempts,
            created_at=r.created_at.isoformat(),
            started_at=_iso(r.started_at),
            finished_at=_iso(r.finished_at),
            published_at=_iso(r.published_at),
            plan=None if r.result is None else plan_json.dump(r.result, r.clock),
            cannot_solve_now=(
                plan_json.detail_text(trouble)
                if trouble is not None and r.status in ("queued", "running")
                else None
            ),
        )


@dataclass
class TokenView:
    id: str
    role: str
    areas: list[str]
    volunteer: str | None
    name: str | None
    created_at: str
    revoked_at: str | None
    expires_at: str | None = None
    """When it stops working; null: until revoked."""

    @classmethod
    def of(cls, r: TokenRecord) -> TokenView:
        return cls(
            r.id, r.role, list(r.areas), r.volunteer, r.name, r.created_at.isoformat(),
            _iso(r.revoked_at), _iso(r.expires_at),
        )  # fmt: skip


@dataclass
class TokenCreated:
    """The new token; `secret` is shown this once and never stored."""

    id: str
    role: str
    areas: list[str]
    volunteer: str | None
    name: str | None
    secret: str
    expires_at: str | None = None
    """When it stops working; null: until revoked."""


@dataclass
class TokenWrite:
    role: str
    """admin | coordinator | volunteer"""
    areas: list[str] = field(default_factory=list)
    volunteer: str | None = None
    name: str | None = None
    expires_in_days: int | None = None
    """The token stops working this many whole days from now (1 to 3650,
    mutualaid.bounds.MAX_EXPIRY_DAYS); unset, it works until revoked."""


@dataclass
class AuditView:
    id: int
    at: str
    actor: str
    action: str
    area: str | None
    target: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: AuditEntry) -> AuditView:
        return cls(e.id, e.at.isoformat(), e.actor, e.action, e.area, e.target, dict(e.detail))


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


WRITE = DTOConfig(forbid_unknown_fields=True)


class AreaDTO(DataclassDTO[AreaView]):
    config = DTOConfig()


class AreaWriteDTO(DataclassDTO[AreaWrite]):
    config = WRITE


class AreaUpdateDTO(DataclassDTO[AreaUpdate]):
    config = WRITE


class WeekDTO(DataclassDTO[WeekView]):
    config = DTOConfig()


class PlanDTO(DataclassDTO[PlanView]):
    config = DTOConfig()


class TokenDTO(DataclassDTO[TokenView]):
    config = DTOConfig()


class TokenCreatedDTO(DataclassDTO[TokenCreated]):
    config = DTOConfig()


class TokenWriteDTO(DataclassDTO[TokenWrite]):
    config = WRITE


class AuditDTO(DataclassDTO[AuditView]):
    config = DTOConfig()
