"""An area's roster as it is stored, apart from any week: sites, teams, volunteers, residents.

The domain's `Volunteer` and its kin are what a week plans with (a volunteer's travel limit
filled from the week's settings, availability turned into the week's minutes); these are what
the coordinator wrote and the store keeps, every default written out, lists in the order
written. `mutualaid.contract.roster` maps them to and from the contract's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mutualaid.domain.model import Location, TimeBlock


@dataclass(frozen=True)
class StoredSite:
    id: str
    name: str
    location: Location
    kind: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class StoredTeam:
    id: str
    name: str
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredVolunteer:
    id: str
    name: str
    home: Location
    teams: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    mode: str = "walk"
    max_hours_per_week: float = 40
    vetted: bool = False
    languages: tuple[str, ...] = ()
    availability: tuple[TimeBlock, ...] = ()
    unavailable: tuple[TimeBlock, ...] = ()
    max_travel_minutes: int | None = None
    """Their own limit; None: the week's `service_circle_minutes`."""
    gender: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class StoredResident:
    id: str
    name: str
    location: Location
    categories: tuple[str, ...] = ()
    preferred_volunteers: tuple[str, ...] = ()
    gender_preference: str | None = None
    address: str | None = None
    phone: str | None = None


RosterEntry = StoredSite | StoredTeam | StoredVolunteer | StoredResident
RosterKind = Literal["sites", "teams", "volunteers", "residents"]
