"""An area's roster entries (`mutualaid.domain.roster`) <-> the contract's JSON, and checking
one entry as the loader checks a scenario's, without a week or the rest of the area's roster:
the entry, stubs of the entries it names, and the loader's problems at its path (made relative
to it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pendulum

from mutualaid.contract import export
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Location, Scenario, TimeBlock
from mutualaid.domain.roster import (
    RosterEntry,
    RosterKind,
    StoredResident,
    StoredSite,
    StoredTeam,
    StoredVolunteer,
)
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg

Json = dict[str, Any]


# --- the contract's JSON <-> the domain -----------------------------------------------------


def _location(value: Mapping[str, Any]) -> Location:
    return Location(float(value["lat"]), float(value["lon"]))


def _clock(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _block(value: Mapping[str, Any]) -> TimeBlock:
    """A canonical block (`export.block`'s) as the domain's."""
    days = value.get("days")
    date = value.get("date")
    return TimeBlock(
        days=tuple(days) if days is not None else None,
        date=pendulum.Date.fromisoformat(date) if date is not None else None,
        start=_clock(value["from"]) if "from" in value else None,
        end=_clock(value["to"]) if "to" in value else None,
    )


def site(value: Mapping[str, Any]) -> StoredSite:
    """A site as written (checked by the loader) as the domain's."""
    c = export.site(value)
    return StoredSite(
        c["id"], c["name"], _location(c["location"]), c.get("kind"), c.get("address"),
        c.get("phone"),
    )  # fmt: skip


def team(value: Mapping[str, Any]) -> StoredTeam:
    c = export.team(value)
    return StoredTeam(c["id"], c["name"], tuple(c["skills"]))


def volunteer(value: Mapping[str, Any]) -> StoredVolunteer:
    c = export.volunteer(value)
    return StoredVolunteer(
        c["id"], c["name"], _location(c["home"]), tuple(c["teams"]), tuple(c["skills"]),
        c["mode"], c["max_hours_per_week"], c["vetted"], tuple(c["languages"]),
        tuple(_block(b) for b in c["availability"]), tuple(_block(b) for b in c["unavailable"]),
        c.get("max_travel_minutes"), c.get("gender"), c.get("address"), c.get("phone"),
    )  # fmt: skip


def resident(value: Mapping[str, Any]) -> StoredResident:
    c = export.resident(value)
    return StoredResident(
        c["id"], c["name"], _location(c["location"]), tuple(c["categories"]),
        tuple(c["preferred_volunteers"]), c.get("gender_preference"), c.get("address"),
        c.get("phone"),
    )  # fmt: skip


READERS: dict[RosterKind, Callable[[Mapping[str, Any]], RosterEntry]] = {
    "sites": site,
    "teams": team,
    "volunteers": volunteer,
    "residents": resident,
}
"""Each kind's reader of an entry as written (and checked) into the domain's."""


def to_json(entry: RosterEntry) -> Json:
    """The entry in the contract's canonical form (what the API answers and exports give)."""
    if isinstance(entry, StoredSite):
        return export.site({**_plain(entry), "location": vars(entry.location)})
    if isinstance(entry, StoredTeam):
        return export.team(_plain(entry))
    if isinstance(entry, StoredVolunteer):
        return export.volunteer(
            {
                **_plain(entry),
                "home": vars(entry.home),
                "availability": [export.block_of(b) for b in entry.availability],
                "unavailable": [export.block_of(b) for b in entry.unavailable],
            }
        )
    return export.resident({**_plain(entry), "location": vars(entry.location)})


def _plain(entry: RosterEntry) -> Json:
    """The entry's fields by name, tuples as lists (the canonical form's lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(entry).items()}


# --- checking one entry ---------------------------------------------------------------------

STUBS: dict[str, Any] = {
    "teams": lambda ident: {"id": ident},
    "volunteers": lambda ident: {"id": ident, "home": {"lat": 0.0, "lon": 0.0}},
}
"""The least the loader takes as a stored entity another one refers to (only its id counts)."""

REFERENCES: dict[RosterKind, tuple[str, RosterKind]] = {
    "volunteers": ("teams", "teams"),
    "residents": ("preferred_volunteers", "volunteers"),
}
"""The field of a kind's entry that names entries of another kind, and that kind."""


def names(value: Any) -> list[str]:
    """The strings of a list as the loader reads them, each once (the rest it reports)."""
    if not isinstance(value, list):
        return []
    read = [str(x).strip() for x in value if isinstance(x, str | int) and not isinstance(x, bool)]
    return list(dict.fromkeys(x for x in read if x))


def referenced(kind: RosterKind, item: Mapping[str, Any]) -> dict[RosterKind, list[str]]:
    """The ids of other kinds the entry names, by kind (what the loader checks)."""
    if kind not in REFERENCES:
        return {}
    field, other = REFERENCES[kind]
    return {other: names(item.get(field))}


def entry_problems(
    kind: RosterKind, item: Any, zone: str, known: Mapping[RosterKind, set[str]]
) -> list[Problem]:
    """What is wrong with the entry alone, as the loader tells it of a scenario's: its own
    fields, and the ids it names (`referenced`) against `known`, those of them stored.
    Paths are relative to the entry."""
    if not isinstance(item, Mapping):
        return [Problem("", msg("not_mapping", got=type(item).__name__))]
    candidate: Json = {"name": "check", "timezone": zone, kind: [dict(item)]}
    for other, found in known.items():
        candidate[other] = [STUBS[other](ident) for ident in sorted(found)]
    problems = problems_under(candidate, f"{kind}[0]")
    if kind == "volunteers":
        problems += unknown_teams(item, known.get("teams", set()), problems)
    return problems


def unknown_teams(item: Any, known: set[str], problems: list[Problem]) -> list[Problem]:
    """A volunteer's teams not in `known`, as the loader tells them once it has built the
    volunteer (its id and home read), which it does only inside a week."""
    if any(p.path in ("", "id", "home", "home.lat", "home.lon") for p in problems):
        return []
    return [
        Problem(f"teams[{i}]", msg("unknown_ref", kind=msg("kind_team"), id=team))
        for i, team in enumerate(names(item.get("teams")))
        if team not in known
    ]


def raise_problems_under(
    candidate: Json, prefix: str | None, *, others: bool = False
) -> Scenario | None:
    """Check `candidate` with the loader; raise its problems at `prefix` (made relative to
    it), and with `others` (or no prefix) the rest too, as the loader gave them. The
    scenario the loader built (None when it found problems elsewhere, not raised)."""
    built, problems = _built(candidate, prefix, others=others)
    if problems:
        raise ScenarioError(problems)
    return built


def problems_under(candidate: Json, prefix: str | None, *, others: bool = False) -> list[Problem]:
    """The problems `raise_problems_under` raises (none: an empty list)."""
    return _built(candidate, prefix, others=others)[1]


def _built(
    candidate: Json, prefix: str | None, *, others: bool
) -> tuple[Scenario | None, list[Problem]]:
    try:
        return build_scenario(candidate), []
    except ScenarioError as err:
        problems = []
        for p in err.problems:
            if prefix is None:
                problems.append(Problem(p.path, p.message))
            elif p.path == prefix or p.path.startswith((prefix + ".", prefix + "[")):
                rest = p.path[len(prefix) :].lstrip(".")
                problems.append(Problem(rest, p.message))
            elif others:
                problems.append(Problem(p.path, p.message))
        return None, problems
