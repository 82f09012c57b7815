"""One roster entry is checked alone (its fields, and the entries it names), and says the same
as the loader said of it checked inside the whole area's roster in a week: the same problems,
the same paths, in the same order."""

from __future__ import annotations

from typing import Any

import pytest

from mutualaid.adapters.roster import ROSTER_CLASSES
from mutualaid.contract.roster import raise_problems_under
from mutualaid.errors import Problem, ScenarioError
from mutualaid.services.roster import checked_entry

from . import world
from .conftest import UowFactory

HOME = {"lat": 34.78, "lon": 113.68}
BAD: list[tuple[str, Any]] = [
    ("volunteers", {"id": "v-9", "home": HOME, "mdoe": "car", "teams": ["dragons"]}),
    ("volunteers", {"id": "v-9", "home": HOME, "teams": ["lions", "dragons", "lions", 7, True]}),
    ("volunteers", {"id": "v-9", "teams": ["dragons"]}),  # no home: its teams go unread
    ("volunteers", {"id": "v-9", "home": {"lat": 99, "lon": 0}, "teams": ["dragons"]}),
    ("volunteers", {"id": "v-9", "home": {**HOME, "alt": 3}, "teams": ["dragons"]}),
    ("volunteers", {"id": "v-9", "home": HOME, "availability": [{"date": "2031-02-30"}],
                    "unavailable": [{"days": ["mon"], "from": "10:00", "to": "09:00"}]}),
    ("volunteers", {"id": "v-9", "home": HOME, "mode": "rocket", "max_hours_per_week": -1}),
    ("volunteers", {"home": HOME}),
    ("volunteers", {"id": "v-wang ", "home": HOME}),  # reads as v-wang, stored already
    ("volunteers", {"id": "v-wang ", "home": HOME, "mode": "rocket"}),
    ("residents", {"id": "r-9", "location": HOME, "preferred_volunteers": ["v-wang", "v-nobody"]}),
    ("residents", {"id": "r-9", "preferred_volunteers": ["v-nobody"]}),
    ("residents", {"id": "r-9", "location": HOME, "categories": ["rich"]}),
    ("teams", {"id": "t", "skills": "lion_dance"}),
    ("teams", {"id": ["x"]}),
    ("sites", {"id": "s", "location": {"lat": 1}}),
    ("sites", {"id": "s", "location": HOME, "kind": 3, "extra": 1}),
]  # fmt: skip


def in_the_whole_area(uow: Any, kind: str, item: Any) -> list[Problem]:
    """What the loader says of the entry among the area's whole roster, in a week (the check
    made before the entry was checked alone)."""
    roster = {
        k: ROSTER_CLASSES[k](uow.session, uow.clock).all_json(world.AREA) for k in ROSTER_CLASSES
    }
    own = roster[kind]
    index = next((i for i, x in enumerate(own) if x["id"] == item.get("id")), len(own))
    own[index : index + 1] = [dict(item)]
    candidate = {"name": "check", "timezone": world.ZONE, "week_start": "2024-01-01", **roster}
    try:
        raise_problems_under(candidate, f"{kind}[{index}]")
    except ScenarioError as err:
        return list(err.problems)
    return []


@pytest.mark.parametrize(("kind", "item"), BAD, ids=[f"{k}-{i}" for i, (k, _) in enumerate(BAD)])
def test_an_entry_alone_is_refused_as_inside_its_area(
    make_uow: UowFactory, kind: str, item: Any
) -> None:
    with make_uow() as uow:
        world.import_week(uow, world.AREA, world.scenario())
        uow.commit()
    with make_uow() as uow:
        expected = [(p.path, p.message) for p in in_the_whole_area(uow, kind, item)]
        assert expected, "a bad entry"
        with pytest.raises(ScenarioError) as err:
            checked_entry(uow, kind, world.AREA, item)
        assert [(p.path, p.message) for p in err.value.problems] == expected
