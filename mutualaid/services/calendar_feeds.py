"""A volunteer's calendar subscription: a URL with an unguessable secret that a phone's
calendar app fetches on its own (it can send no cookie and no token). The secret is shown
once and stored hashed; making a new one, by the volunteer or the area's coordinator,
revokes the old."""

from __future__ import annotations

import pendulum

from mutualaid.services.access import Actor
from mutualaid.services.ports import NotFoundError, UnitOfWork
from mutualaid.services.volunteers import Schedule, volunteer_area, volunteer_calendar

WEEKS_BEFORE = 1
WEEKS_AFTER = 4
"""The feed holds last week, this week and the next four (plans are published a week at a
time; a calendar app keeps what it already fetched)."""


def renew_calendar_link(uow: UnitOfWork, actor: Actor, volunteer: str, area: str | None) -> str:
    """A new feed secret for the volunteer (the old link stops working), audited."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        uow.volunteers.get(where, volunteer)
        secret = uow.tokens.renew_feed(where, volunteer)
        target = f"volunteer {volunteer}"
        uow.audit.record(actor.id, "calendar.renew", target, where)
        uow.commit()
    return secret


def calendar_link_made(
    uow: UnitOfWork, actor: Actor, volunteer: str, area: str | None
) -> pendulum.DateTime | None:
    """When the volunteer's current link was made; None when they have none."""
    where = volunteer_area(actor, area)
    actor.require_volunteer(where, volunteer)
    with uow:
        return uow.tokens.feed_made(where, volunteer)


def calendar_feed(uow: UnitOfWork, secret: str) -> list[Schedule]:
    """The weeks a feed secret shows, as its volunteer sees them (NotFoundError for a secret
    that is unknown or was replaced: a calendar app then shows nothing new)."""
    with uow:
        found = uow.tokens.feed(secret)
        zone = None if found is None else uow.areas.get(found[0]).timezone
    if found is None or zone is None:
        raise NotFoundError("calendar", "…")
    area, volunteer = found
    actor = Actor(f"calendar:{volunteer}", "volunteer", (area,), volunteer)
    monday = pendulum.now(zone).date().start_of("week")
    shown = []
    for n in range(-WEEKS_BEFORE, WEEKS_AFTER + 1):
        try:
            week = monday.add(weeks=n).isoformat()
            shown.append(volunteer_calendar(uow, actor, volunteer, week, area))
        except NotFoundError as exc:
            if exc.kind != "week":  # a week never planned shows nothing
                raise
    if not shown:  # the calendar's name still comes from the volunteer
        with uow:
            name = uow.volunteers.get(area, volunteer).name or volunteer
        shown.append(Schedule(area, volunteer, name, monday, zone, []))
    return shown
