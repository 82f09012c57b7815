"""A visit already marked done or missed, as a new plan must keep it."""

from __future__ import annotations

from dataclasses import dataclass

import pendulum


@dataclass(frozen=True)
class MarkedVisit:
    """A visit of a published plan marked done or missed: the hours ledger counts it with its
    volunteer at its time, so a new plan keeps it so (`services.marked`)."""

    ref: int
    state: str
    task: str
    volunteer: str
    start: pendulum.DateTime
    end: pendulum.DateTime
    role: int = 0
    """The role of its task the volunteer filled (the `needs` index), and the team they came
    with for a team role."""
    team: str | None = None
