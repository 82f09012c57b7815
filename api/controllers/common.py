"""What the controllers share: the `area` query parameter, the Idempotency-Key header, and
the dependencies every handler takes."""

from __future__ import annotations

from typing import Annotated

from litestar.di import NamedDependency
from litestar.params import HeaderParameter, QueryParameter, SkipValidation

from mutualaid.services.absences import WeekRepair
from mutualaid.services.access import Actor
from mutualaid.services.ports import JobRunner, Repairer, UnitOfWork
from mutualaid.services.recommend import Recommender

AreaParam = Annotated[
    str | None,
    QueryParameter(
        description=(
            "The area (sub-district) acted in. May be left out when the token names exactly "
            "one area (a coordinator of one area, a volunteer); admins always name it."
        ),
    ),
]
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        description=(
            "Any unique string. Sent again with the same body, the first answer is repeated "
            "and nothing changes; with a different body, 422."
        ),
        min_length=1,
        max_length=200,
    ),
]

# Dependencies, injected by name. The use cases' ports are Protocols, which Litestar cannot
# check with isinstance: the composition root provides them, so they are taken as given.
Uow = NamedDependency[SkipValidation[UnitOfWork]]
"""A unit of work for the request (`uow` writes; `reader` only reads)."""
Jobs = NamedDependency[SkipValidation[JobRunner]]
"""The job runner, told of each plan requested."""
Repairs = NamedDependency[SkipValidation[Repairer]]
"""What repairs a published plan after a decline."""
Recommends = NamedDependency[SkipValidation[Recommender]]
"""What recommends options for a new request and repairs an absence."""
CurrentActor = NamedDependency[Actor]
"""Who is asking (the token's holder), from the authentication middleware."""


def repair_headers(repair: WeekRepair | None) -> dict[str, str]:
    """A change's repair in the answer: the repair plan's id, and the volunteers told (whose
    visits it changed), by id."""
    if repair is None or repair.plan is None:
        return {}
    told = ",".join(m.volunteer for m in repair.moved)
    return {"Repair-Plan": repair.plan.id, "Repair-Told": told}
