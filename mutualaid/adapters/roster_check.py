"""Checking one roster entry as the loader checks a scenario's, without a week or the rest of
the area's roster: the entry, stubs of the entries it names, and the loader's problems at its
path (made relative to it)."""

from __future__ import annotations

from typing import Any

from mutualaid.contract.scenario import build_scenario
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.services.ports import Json

STUBS: dict[str, Any] = {
    "teams": lambda ident: {"id": ident},
    "volunteers": lambda ident: {"id": ident, "home": {"lat": 0.0, "lon": 0.0}},
}
"""The least the loader takes as a stored entity another one refers to (only its id counts)."""


def names(value: Any) -> list[str]:
    """The strings of a list as the loader reads them, each once (the rest it reports)."""
    if not isinstance(value, list):
        return []
    read = [str(x).strip() for x in value if isinstance(x, str | int) and not isinstance(x, bool)]
    return list(dict.fromkeys(x for x in read if x))


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


def raise_problems_under(candidate: Json, prefix: str | None, *, others: bool = False) -> None:
    """Check `candidate` with the loader; raise its problems at `prefix` (made relative to
    it), and with `others` (or no prefix) the rest too, as the loader gave them."""
    if problems := problems_under(candidate, prefix, others=others):
        raise ScenarioError(problems)


def problems_under(candidate: Json, prefix: str | None, *, others: bool = False) -> list[Problem]:
    """The problems `raise_problems_under` raises (none: an empty list)."""
    try:
        build_scenario(candidate)
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
        return problems
    return []
