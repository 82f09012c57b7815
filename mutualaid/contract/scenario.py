"""Scenario YAML (or the same structure as JSON) -> domain objects, with errors that say where.

Every problem found is collected, each with its field path (`tasks[3].needs[0].count`), the
line in the file where there is one, and what is wrong; then one ScenarioError lists them all.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from mutualaid.bounds import MAX_DEPTH, check_data, stopped, timezone_problem
from mutualaid.contract.entities import (
    read_entities,
    read_resident,
    read_settings,
    read_site,
    read_team,
    read_volunteer,
)
from mutualaid.contract.extras import (
    _check_pins,
    read_declined,
    read_expect,
    read_history,
    read_pins,
)
from mutualaid.contract.fields import LIMITS as LIMITS
from mutualaid.contract.fields import Hopeless, Reader
from mutualaid.contract.tasks import place_task, read_tasks
from mutualaid.contract.yaml_text import Document, FieldPath, read_yaml
from mutualaid.contract.yaml_words import unreadable
from mutualaid.domain.model import Scenario, Task
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.travel import HaversineTravel

_TOP = (
    "name", "timezone", "week_start", "settings", "sites", "teams", "volunteers", "residents",
    "tasks", "history", "pinned", "declined", "expect",
)  # fmt: skip


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raise ScenarioError listing every problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem("", msg("file_unreadable", problem=unreadable(exc)))
        raise ScenarioError([problem], source) from None
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str | None = None) -> Scenario:
    return read_scenario_text(text, source)[0]


def read_scenario_text(text: str, source: str | None = None) -> tuple[Scenario, Any]:
    """The scenario in YAML (or JSON) text, and the plain data it was built from (read once,
    within the bounds)."""
    data, doc = read_yaml(text, source)
    return build_scenario(data, source, doc), data


_PY_JSON: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("Expecting value", "json_expected", {"what": "json_a_value"}),
    ("Expecting property name", "json_key_quoted", {}),
    ("Expecting ',' delimiter", "json_expected", {"what": "','"}),
    ("Expecting ':' delimiter", "json_expected", {"what": "':'"}),
    ("Extra data", "json_trailing", {}),
    ("Unterminated string", "json_unterminated", {}),
    ("Invalid \\escape", "json_bad_escape", {}),
    ("Invalid control character", "json_control_char", {}),
)
"""Python's json sentences (their starts) and the catalogue's words for them."""


def json_error_worded(exc: json.JSONDecodeError) -> str:
    """Why Python's json refused a text, in the active language (its column kept)."""
    said = msg("json_unreadable")
    for start, key, fields in _PY_JSON:
        if exc.msg.startswith(start):
            said = msg(key, **{k: msg(v) if v.startswith("json_") else v
                               for k, v in fields.items()})  # fmt: skip
            break
    return msg("json_at_column", problem=said, column=exc.colno)


def read_scenario_json(text: str, source: str | None = None) -> tuple[Scenario, Any]:
    """The scenario in JSON text, and the plain data it was built from (decoded once, then
    bounded as plain data)."""
    try:
        data = json.loads(text.removeprefix("\ufeff"))  # a byte order mark, as YAML allows
    except json.JSONDecodeError as exc:
        problem = Problem("", msg("json_syntax", problem=json_error_worded(exc)), exc.lineno)
        raise ScenarioError([problem], source) from None
    except RecursionError:  # far past MAX_DEPTH, which build_scenario names otherwise
        raise ScenarioError([Problem("", msg("too_deep", limit=MAX_DEPTH))], source) from None
    return build_scenario(data, source), data


def build_scenario(data: Any, source: str | None = None, doc: Document | None = None) -> Scenario:
    """Domain objects from plain data (parsed YAML or JSON); raise ScenarioError on problems
    (at most MAX_PROBLEMS of them: past that, checking stops)."""
    if doc is None and (bad := check_data(data)):  # YAML was bounded while it was read
        raise ScenarioError(bad, source)
    r = Reader(doc)
    try:
        return _build(r, data, source)
    except Hopeless:
        raise ScenarioError(stopped(r.problems), source) from None


def _build(r: Reader, data: Any, source: str | None) -> Scenario:
    if not isinstance(data, dict):
        r.add((), msg("top_not_mapping"))
        raise ScenarioError(r.problems, source)
    top = r.mapping(data, (), _TOP, ("name", "timezone", "week_start"))
    assert top is not None
    root: FieldPath = ()
    name = r.string(top, "name", root) or ""
    timezone = r.string(top, "timezone", root)
    if timezone is not None and (bad := timezone_problem(timezone)):
        r.add(("timezone",), bad)
        timezone = None
    week_start = None
    if top.get("week_start") is not None:
        week_start = r.date(top["week_start"], ("week_start",), week=True)
    settings = read_settings(r, top)
    travel = HaversineTravel(settings)

    sites = read_entities(r, top, "sites", lambda m, p: read_site(r, m, p))
    teams = read_entities(r, top, "teams", lambda m, p: read_team(r, m, p))
    volunteers = read_entities(
        r, top, "volunteers", lambda m, p: read_volunteer(r, m, p, settings, week_start)
    )
    residents = read_entities(r, top, "residents", lambda m, p: read_resident(r, m, p))
    tasks = read_tasks(r, top, week_start, timezone)

    # references, each at the path where it is written
    for p, vol in volunteers.values():
        for i, team in enumerate(vol.teams if vol else ()):
            if team not in teams:
                r.add((*p, "teams", i), msg("unknown_ref", kind=msg("kind_team"), id=team))
    for p, res in residents.values():
        for i, v in enumerate(res.preferred_volunteers if res else ()):
            if v not in volunteers:
                r.add(
                    (*p, "preferred_volunteers", i),
                    msg("unknown_ref", kind=msg("kind_volunteer"), id=v),
                )
    final_tasks: dict[str, Task] = {}
    for tid, (p, raw) in tasks.items():
        if raw is None:
            continue
        task = place_task(r, tid, p, raw, sites, residents, teams, week_start, timezone)
        if task is not None:
            final_tasks[tid] = task

    history = tuple(read_history(r, top, residents, volunteers))
    declined = tuple(read_declined(r, top, tasks, volunteers))
    expect = read_expect(r, top, tasks)

    entities_ok = not r.problems and timezone is not None and week_start is not None
    scenario = None
    if entities_ok:
        assert timezone is not None and week_start is not None
        scenario = Scenario(
            name=name,
            timezone=timezone,
            week_start=week_start,
            settings=settings,
            sites={k: v for k, (_, v) in sites.items() if v is not None},
            teams={k: v for k, (_, v) in teams.items() if v is not None},
            volunteers={k: v for k, (_, v) in volunteers.items() if v is not None},
            residents={k: v for k, (_, v) in residents.items() if v is not None},
            tasks=final_tasks,
            history=history,
            declined=declined,
            expect=expect,
        )
    pins = read_pins(r, top, tasks, volunteers)
    if scenario is not None and not r.problems:
        _check_pins(r, scenario, pins, travel)
    if r.problems or scenario is None:
        # one mistake reached twice (an id read twice, an `every` series) is told once
        raise ScenarioError(sorted(dict.fromkeys(r.problems), key=lambda x: x.line or 0), source)
    return dataclasses.replace(scenario, pinned=tuple(pin for _, pin in pins))
