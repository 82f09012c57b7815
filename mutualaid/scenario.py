"""Scenario YAML (or the same structure as JSON) -> domain objects, with errors that say where.

Every problem found is collected, each with its field path (`tasks[3].needs[0].count`), the
line in the file where there is one, and what is wrong; then one ScenarioError lists them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pendulum
import yaml

from mutualaid.bounds import (
    MAX_DEPTH,
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NODES,
    MAX_PROBLEMS,
    MAX_TEXT_LENGTH,
    check_data,
    control_problem,
    parse_date,
    parse_week_start,
    stopped,
    text_problem,
    timezone_problem,
    yaml_events_within,
)
from mutualaid.domain.model import (
    CATEGORIES,
    DAYS,
    LATER_GOALS,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    MODES,
    PRIORITIES,
    Decline,
    Expect,
    HistoryEntry,
    Location,
    Need,
    Pin,
    Resident,
    Scenario,
    Settings,
    Site,
    SkillNeed,
    Span,
    Task,
    Team,
    TeamNeed,
    TeamSkillNeed,
    TimeBlock,
    Volunteer,
    free_starts,
    merge_spans,
    subtract_spans,
)
from mutualaid.domain.plan import REASONS
from mutualaid.errors import Problem, ScenarioError
from mutualaid.messages import msg
from mutualaid.travel import HaversineTravel

Path_ = tuple[str | int, ...]
T = TypeVar("T")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_MISSING = object()


LIMITS: dict[str, float] = {
    "service_circle_minutes": 24 * 60,
    "detour_factor": 10,
    "time_limit_seconds": 24 * 3600,
    "seed": 2**31 - 1,
    "max_travel_minutes": 24 * 60,
    "max_hours_per_week": 7 * 24,
    "count": 500,
    "min_members": 500,
    "max_members": 500,
    "duration_minutes": MINUTES_PER_WEEK,
    "walk": 500,
    "bike": 500,
    "ebike": 500,
    "car": 500,
    "waited": 520,
}
"""Upper bounds past which a number is a typo, not a week (and would overflow the solver)."""


def render_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _describe(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r} ({type(value).__name__})"


# --- YAML with line numbers ----------------------------------------------------------------


class _Document:
    """Plain Python data from YAML, plus the line of every path and the raw text of numbers
    that YAML 1.1 read out of clock-like text (9:00 -> 540; a leading zero keeps 09:00 text)."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}
        self.raw_clock: dict[Path_, str] = {}
        self.raw_dates: dict[Path_, str] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, loader: yaml.SafeLoader, path: Path_) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) or key is None:
                    key = str(key)
                if isinstance(key, str) and (bad := text_problem(key, MAX_TEXT_LENGTH, ident=True)):
                    self.problems.append(
                        Problem(render_path(path), bad, key_node.start_mark.line + 1)
                    )
                    continue
                if key in out:
                    self.problems.append(
                        Problem(
                            render_path((*path, str(key))),
                            msg("duplicate_key", key=key, first=self.lines[(*path, key)]),
                            key_node.start_mark.line + 1,
                        )
                    )
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, loader, (*path, key))
                self.lines[(*path, key)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loader, (*path, i)) for i, item in enumerate(node.value)]
        try:
            value = loader.construct_object(node, deep=True)
        except (ValueError, OverflowError):  # e.g. an impossible date such as 2026-02-30
            return str(node.value)
        if isinstance(value, int) and ":" in str(node.value):
            self.raw_clock[path] = str(node.value)
        if isinstance(value, dt.date):  # the text, so a date is read only as YYYY-MM-DD
            self.raw_dates[path] = str(node.value)
        if isinstance(value, str) and (bad := text_problem(value, MAX_TEXT_LENGTH)):
            self.problems.append(Problem(render_path(path), bad, node.start_mark.line + 1))
        return value


class _Refused(Exception):
    """A document past a bound (too deep, too large, recursive), found while composing."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that refuses nesting deeper than MAX_DEPTH while it scans (flow `[{`) and
    composes (block indentation), so a deep document never reaches Python's recursion limit."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # Refused while scanning: past this the scanner keeps a possible key per `[` and
        # slows to seconds per thousand before the composer sees the depth.
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(msg("too_deep", limit=MAX_DEPTH), self.line + 1)
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
                raise _Refused(msg("too_deep", limit=MAX_DEPTH), line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _measure(node: yaml.Node, depth: int, seen: dict[int, tuple[int, int]], open_: set[int]) -> int:
    """The values node expands to (aliases expanded), refusing past MAX_NODES or MAX_DEPTH or
    a cycle. Composed aliases share their node, so `seen` keeps this linear in the text's size
    however many times an alias is expanded (an alias bomb is refused before it is built)."""
    key = id(node)
    if key in open_:
        problem = msg("yaml_syntax", problem=msg("yaml_recursive"))
        raise _Refused(problem, node.start_mark.line + 1)
    if key not in seen:
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        size, height = 1, 1
        open_.add(key)
        for child in children:
            if depth + 1 > MAX_DEPTH:
                raise _Refused(msg("too_deep", limit=MAX_DEPTH), child.start_mark.line + 1)
            size += _measure(child, depth + 1, seen, open_)
            height = max(height, 1 + seen[id(child)][1])
            if size > MAX_NODES:
                raise _Refused(msg("too_many_nodes", limit=f"{MAX_NODES:,}"))
        open_.discard(key)
        seen[key] = (size, height)
    size, height = seen[key]
    if depth + height - 1 > MAX_DEPTH:
        raise _Refused(msg("too_deep", limit=MAX_DEPTH), node.start_mark.line + 1)
    return size


_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
"""libyaml's loader when PyYAML was built with it: the pure-Python one took 20 s to compose a
district's week (2,000 tasks). Node marks, so the lines of problems, are the same. Its node
tree is measured like the bounded loader's (aliases share their node, so a bomb is refused
before it is built); a document it refuses is read again by the bounded pure-Python loader,
whose words for a problem the messages use."""


def _read_yaml(text: str, source: str | None) -> tuple[Any, _Document]:
    # Counted from the parser's events before a node is composed: a flat list of millions
    # took a minute and gigabytes to compose before the tree's measure refused it.
    try:
        within = yaml_events_within(yaml.parse(text, Loader=_FAST_LOADER or _BoundedLoader))
    except (yaml.YAMLError, _Refused, RecursionError):
        within = True  # not YAML, or too deep: the loaders below say so in their words
    if not within:
        raise ScenarioError([Problem("", msg("too_many_nodes", limit=f"{MAX_NODES:,}"))], source)
    if _FAST_LOADER is not None:
        # libyaml refuses nesting past 1,000 levels itself (so its composer's C recursion is
        # bounded); whatever it refuses is read again for the bounded loader's words and lines
        try:
            return _read_yaml_with(_FAST_LOADER, text, source)
        except ScenarioError:
            pass
    return _read_yaml_with(_BoundedLoader, text, source)


def _read_yaml_with(
    loader_class: type[yaml.SafeLoader], text: str, source: str | None
) -> tuple[Any, _Document]:
    doc = _Document()
    loader: yaml.SafeLoader | None = None
    try:
        loader = loader_class(text)  # its reader already refuses some characters
        node = loader.get_single_node()
        if node is not None and _measure(node, 1, {}, set()) > MAX_NODES:
            raise _Refused(msg("too_many_nodes", limit=f"{MAX_NODES:,}"))
        data = None if node is None else doc.build(node, loader, ())
    except _Refused as exc:
        raise ScenarioError([Problem("", exc.message, exc.line)], source) from None
    except RecursionError:  # a safety net: the bounds above should come first
        problem = msg("yaml_recursive")
        raise ScenarioError([Problem("", msg("yaml_syntax", problem=problem))], source) from None
    except yaml.reader.ReaderError as exc:  # a raw control character, or a byte not UTF-8
        at = text.count("\n", 0, exc.position) + 1
        bad = exc.character if isinstance(exc.character, int) else ord(exc.character)
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        what = msg("control_char", code=f"U+{bad:04X}", at=column)
        found = Problem("", msg("yaml_syntax", problem=what), at)
        raise ScenarioError([found], source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            [Problem("", msg("yaml_syntax", problem=problem), line)], source
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, doc


# --- the reader: one method per kind of field ----------------------------------------------


class _Hopeless(Exception):
    """Raised by the reader past MAX_PROBLEMS problems: the document is not worth reading on."""


class _Reader:
    def __init__(self, doc: _Document | None) -> None:
        self.doc = doc or _Document()
        self.problems: list[Problem] = list(self.doc.problems)

    def line(self, path: Path_) -> int | None:
        p = path
        while True:
            if p in self.doc.lines:
                return self.doc.lines[p]
            if not p:
                return None
            p = p[:-1]

    def add(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(render_path(path), message, self.line(path)))
        if len(self.problems) > MAX_PROBLEMS:
            raise _Hopeless

    def mapping(
        self, value: Any, path: Path_, fields: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, msg("not_mapping", got=_describe(value)))
            return None
        allowed = list(fields)
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                text = msg("unknown_field", key=key)
                if hint:
                    text += msg("did_you_mean", suggestion=hint[0])
                self.add((*path, key), text)
        for key in required:
            if key not in value or value[key] is None:
                self.add((*path, key), msg("missing_field"))
        return value

    def items(self, m: dict[str, Any], key: str, path: Path_) -> Iterator[tuple[Path_, Any]]:
        """Each entry of the list at key with its path, made as it is read (so a list given
        up on after MAX_PROBLEMS problems costs no path for the entries never reached)."""
        value = m.get(key)
        if value is None:
            return iter(())
        if not isinstance(value, list):
            self.add((*path, key), msg("not_list", got=_describe(value)))
            return iter(())
        return (((*path, key, i), item) for i, item in enumerate(value))

    def string(
        self,
        m: dict[str, Any],
        key: str,
        path: Path_,
        default: Any = _MISSING,
        limit: int = MAX_NAME_LENGTH,
    ) -> Any:
        """A non-empty string (a number is read as its text), stripped, of at most limit
        characters (a name's, unless told)."""
        value = m.get(key, default)
        if value is _MISSING or value is None:
            return default if default is not _MISSING else None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add((*path, key), msg("not_string", got=_describe(value)))
            return None
        text = str(value).strip()
        if not text:
            self.add((*path, key), msg("not_string", got=_describe(value)))
            return None
        if len(text) > MAX_TEXT_LENGTH:  # the document's bound, already told
            return None
        if len(text) > limit:
            self.add((*path, key), msg("too_long", limit=f"{limit:,}", got=f"{len(text):,}"))
            return None
        return text

    def strings(self, m: dict[str, Any], key: str, path: Path_) -> list[str]:
        out = []
        for p, item in self.items(m, key, path):
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item).strip():
                out.append(str(item).strip())
            else:
                self.add(p, msg("not_string", got=_describe(item)))
        return out

    def number(
        self,
        m: dict[str, Any],
        key: str,
        path: Path_,
        default: Any,
        *,
        integer: bool,
        positive: bool,
        maximum: float | None = None,
    ) -> Any:
        value = m.get(key, default)
        if value is None:
            return None
        if maximum is None:
            maximum = LIMITS.get(key)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if ok and integer and not float(value).is_integer():
            ok = False
        if ok:
            ok = value > 0 if positive else value >= 0
        if not ok:
            key_msg = {
                (True, True): "not_positive_int",
                (True, False): "not_nonneg_int",
                (False, True): "not_positive_number",
                (False, False): "not_nonneg_number",
            }[(integer, positive)]
            self.add((*path, key), msg(key_msg, got=_describe(value)))
            return None
        if maximum is not None and value > maximum:
            self.add((*path, key), msg("too_large", max=maximum, got=_describe(value)))
            return None
        return int(value) if integer else float(value)

    def boolean(
        self, m: dict[str, Any], key: str, path: Path_, default: bool | None
    ) -> bool | None:
        value = m.get(key, default)
        if value is None or isinstance(value, bool):
            return value
        self.add((*path, key), msg("not_bool", got=_describe(value)))
        return default

    def choice(
        self, m: dict[str, Any], key: str, path: Path_, choices: Iterable[str], default: Any
    ) -> Any:
        value = m.get(key, default)
        options = tuple(choices)
        if value is None or value in options:
            return value
        self.add((*path, key), msg("not_choice", choices=", ".join(options), got=_describe(value)))
        return default

    def location(self, m: dict[str, Any], key: str, path: Path_) -> Location | None:
        value = m.get(key)
        if value is None:
            return None
        loc = self.mapping(value, (*path, key), ("lat", "lon"), ("lat", "lon"))
        if loc is None or loc.get("lat") is None or loc.get("lon") is None:
            return None
        lat, lon = loc["lat"], loc["lon"]
        numbers = all(isinstance(x, int | float) and not isinstance(x, bool) for x in (lat, lon))
        if not numbers or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            self.add((*path, key), msg("bad_latlon", got=f"{{lat: {lat}, lon: {lon}}}"))
            return None
        return Location(float(lat), float(lon))

    def date(self, value: Any, path: Path_, *, week: bool = False) -> pendulum.Date | None:
        """A date written YYYY-MM-DD in a sane range (a Monday when it is a week's start)."""
        if not isinstance(value, str | dt.date):
            self.add(path, msg("bad_date", got=_describe(value)))
            return None
        try:
            text = self.doc.raw_dates.get(path, value)
            return parse_week_start(text) if week else parse_date(text)
        except ValueError as exc:
            self.add(path, str(exc))
            return None

    def ident(self, m: dict[str, Any], key: str, path: Path_) -> Any:
        """An id: a string as `string` reads it, of at most MAX_ID_LENGTH characters, without
        control characters (nor bidirectional ones)."""
        text = self.string(m, key, path, limit=MAX_ID_LENGTH)
        if isinstance(text, str) and (bad := control_problem(text, ident=True)):
            self.add((*path, key), bad)
            return None
        return text

    def clock(self, value: Any, path: Path_) -> int | None:
        """Minutes of the day of "HH:MM"; "24:00" is allowed as an end."""
        if path in self.doc.raw_clock:
            text = self.doc.raw_clock[path]
            self.add(path, msg("clock_unquoted", text=text, got=value))
            return None
        match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
        if match:
            h, mi = int(match[1]), int(match[2])
            if (h < 24 and mi < 60) or (h == 24 and mi == 0):
                return h * 60 + mi
        self.add(path, msg("bad_clock", got=_describe(value)))
        return None

    def time_block(self, value: Any, path: Path_, *, whole_day_ok: bool) -> TimeBlock | None:
        m = self.mapping(value, path, ("days", "date", "from", "to"))
        if m is None:
            return None
        has_days, has_date = m.get("days") is not None, m.get("date") is not None
        if has_days == has_date:
            self.add(path, msg("days_or_date"))
            return None
        days: tuple[str, ...] | None = None
        date: pendulum.Date | None = None
        ok = True
        if has_days:
            picked = []
            for p, d in self.items(m, "days", path):
                if d in DAYS:
                    picked.append(d)
                else:
                    self.add(p, msg("bad_day", got=d))
                    ok = False
            if not picked and ok:
                self.add((*path, "days"), msg("empty_list"))
                ok = False
            days = tuple(dict.fromkeys(picked))
        else:
            date = self.date(m["date"], (*path, "date"))
            ok = ok and date is not None
        if ("from" in m) != ("to" in m):
            self.add(path, msg("from_to_pair") if whole_day_ok else msg("whole_day_not_allowed"))
            return None
        if "from" not in m:
            if not whole_day_ok:
                self.add(path, msg("whole_day_not_allowed"))
                return None
            return TimeBlock(days, date) if ok else None
        start = self.clock(m["from"], (*path, "from"))
        end = self.clock(m["to"], (*path, "to"))
        if start is None or end is None or not ok:
            return None
        if start >= MINUTES_PER_DAY or start >= end:
            self.add(path, msg("from_not_before_to", start=m["from"], end=m["to"]))
            return None
        return TimeBlock(days, date, start, end)

    def unique(self, entries: list[tuple[Path_, str]], seen: dict[str, Path_]) -> None:
        for p, ident in entries:
            if ident in seen:
                first = seen[ident]
                where = f"line {self.line(first)}" if self.line(first) else render_path(first)
                self.add(p, msg("duplicate_id", id=ident, first=where))
            else:
                seen[ident] = p


# --- the scenario ---------------------------------------------------------------------------

_TOP = (
    "name", "timezone", "week_start", "settings", "sites", "teams", "volunteers", "residents",
    "tasks", "history", "pinned", "declined", "expect",
)  # fmt: skip
_VOLUNTEER = (
    "id", "name", "teams", "skills", "home", "mode", "max_travel_minutes", "max_hours_per_week",
    "vetted", "gender", "languages", "availability", "unavailable",
)  # fmt: skip
_TASK = (
    "id", "title", "resident", "site", "location", "needs", "duration_minutes", "windows",
    "start", "every", "window", "priority", "vetted_only", "languages", "waited",
)  # fmt: skip


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; raise ScenarioError listing every problem."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem("", msg("file_unreadable", problem=exc))], source) from None
    return parse_scenario(text, source)


def parse_scenario(text: str, source: str | None = None) -> Scenario:
    return read_scenario_text(text, source)[0]


def read_scenario_text(text: str, source: str | None = None) -> tuple[Scenario, Any]:
    """The scenario in YAML (or JSON) text, and the plain data it was built from (read once,
    within the bounds)."""
    data, doc = _read_yaml(text, source)
    return build_scenario(data, source, doc), data


def build_scenario(data: Any, source: str | None = None, doc: _Document | None = None) -> Scenario:
    """Domain objects from plain data (parsed YAML or JSON); raise ScenarioError on problems
    (at most MAX_PROBLEMS of them: past that, checking stops)."""
    if doc is None and (bad := check_data(data)):  # YAML was bounded while it was read
        raise ScenarioError(bad, source)
    r = _Reader(doc)
    try:
        return _build(r, data, source)
    except _Hopeless:
        raise ScenarioError(stopped(r.problems), source) from None


def _build(r: _Reader, data: Any, source: str | None) -> Scenario:
    if not isinstance(data, dict):
        r.add((), msg("top_not_mapping"))
        raise ScenarioError(r.problems, source)
    top = r.mapping(data, (), _TOP, ("name", "timezone", "week_start"))
    assert top is not None
    root: Path_ = ()
    name = r.string(top, "name", root) or ""
    timezone = r.string(top, "timezone", root)
    if timezone is not None and (bad := timezone_problem(timezone)):
        r.add(("timezone",), bad)
        timezone = None
    week_start = None
    if top.get("week_start") is not None:
        week_start = r.date(top["week_start"], ("week_start",), week=True)
    settings = _settings(r, top)
    travel = HaversineTravel(settings)

    sites = _entities(r, top, "sites", lambda m, p: _site(r, m, p))
    teams = _entities(r, top, "teams", lambda m, p: _team(r, m, p))
    volunteers = _entities(
        r, top, "volunteers", lambda m, p: _volunteer(r, m, p, settings, week_start)
    )
    residents = _entities(r, top, "residents", lambda m, p: _resident(r, m, p))
    tasks = _tasks(r, top, week_start, timezone)

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
        task = _place_task(r, tid, p, raw, sites, residents, teams, week_start)
        if task is not None:
            final_tasks[tid] = task

    history = tuple(_history(r, top, residents, volunteers))
    declined = tuple(_declined(r, top, tasks, volunteers))
    expect = _expect(r, top, tasks)

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
    pins = _pins(r, top, tasks, volunteers)
    if scenario is not None and not r.problems:
        _check_pins(r, scenario, pins, travel)
    if r.problems or scenario is None:
        # one mistake reached twice (an id read twice, an `every` series) is told once
        raise ScenarioError(sorted(dict.fromkeys(r.problems), key=lambda x: x.line or 0), source)
    return dataclasses.replace(scenario, pinned=tuple(pin for _, pin in pins))


def _settings(r: _Reader, top: dict[str, Any]) -> Settings:
    raw = top.get("settings")
    if raw is None:
        return Settings()
    path: Path_ = ("settings",)
    fields = (
        "service_circle_minutes", "detour_factor", "speeds_kmh", "time_limit_seconds", "seed",
        "objective_order",
    )  # fmt: skip
    m = r.mapping(raw, path, fields)
    if m is None:
        return Settings()
    base = Settings()
    speeds = dict(base.speeds_kmh)
    if m.get("speeds_kmh") is not None:
        sm = r.mapping(m["speeds_kmh"], (*path, "speeds_kmh"), MODES)
        for mode in MODES:
            if sm is not None and mode in sm:
                got = r.number(sm, mode, (*path, "speeds_kmh"), None, integer=False, positive=True)
                if got is not None:
                    speeds[mode] = got
    circle = r.number(m, "service_circle_minutes", path, 15, integer=True, positive=False)
    detour = r.number(m, "detour_factor", path, 1.3, integer=False, positive=True)
    limit = r.number(m, "time_limit_seconds", path, 10, integer=False, positive=True)
    seed = r.number(m, "seed", path, 0, integer=True, positive=False)
    order = _objective_order(r, m, path)
    return Settings(
        service_circle_minutes=circle if circle is not None else 15,
        detour_factor=detour or 1.3,
        speeds_kmh=speeds,
        time_limit_seconds=limit or 10.0,
        seed=seed if seed is not None else 0,
        objective_order=order,
    )


def _objective_order(r: _Reader, m: dict[str, Any], path: Path_) -> tuple[str, ...]:
    """`settings.objective_order`: some or all of the later goals, each once; the goals it
    leaves out follow in their default order."""
    raw = m.get("objective_order")
    if raw is None:
        return LATER_GOALS
    p = (*path, "objective_order")
    if not isinstance(raw, list):
        r.add(p, msg("not_list", got=_describe(raw)))
        return LATER_GOALS
    named: list[str] = []
    for i, goal in enumerate(raw):
        if goal not in LATER_GOALS:
            choices = ", ".join(LATER_GOALS)
            r.add((*p, i), msg("not_choice", choices=choices, got=_describe(goal)))
        elif goal in named:
            r.add((*p, i), msg("duplicate_goal", goal=goal))
        else:
            named.append(goal)
    return (*named, *(g for g in LATER_GOALS if g not in named))


def _entities(
    r: _Reader,
    top: dict[str, Any],
    key: str,
    build: Callable[[dict[str, Any], Path_], T | None],
) -> dict[str, tuple[Path_, T | None]]:
    out: dict[str, tuple[Path_, T | None]] = {}
    seen: dict[str, Path_] = {}
    for p, item in r.items(top, key, ()):
        if not isinstance(item, dict):
            r.add(p, msg("not_mapping", got=_describe(item)))
            continue
        ident = r.ident(item, "id", p)
        if ident is None:
            if "id" not in item:
                r.add((*p, "id"), msg("missing_field"))
            build(item, p)  # still report the entry's other problems
            continue
        r.unique([((*p, "id"), ident)], seen)
        if ident not in out:
            out[ident] = (p, build(item, p))
    return out


def _site(r: _Reader, item: dict[str, Any], p: Path_) -> Site | None:
    m = r.mapping(item, p, ("id", "name", "kind", "location"), ("id", "location"))
    if m is None:
        return None
    loc = r.location(m, "location", p)
    ident = r.ident(m, "id", p)
    if loc is None or ident is None:
        return None
    return Site(ident, r.string(m, "name", p, ident), r.string(m, "kind", p, None), loc)


def _team(r: _Reader, item: dict[str, Any], p: Path_) -> Team | None:
    m = r.mapping(item, p, ("id", "name", "skills"), ("id",))
    if m is None:
        return None
    ident = r.ident(m, "id", p)
    skills = frozenset(r.strings(m, "skills", p))
    return Team(ident, r.string(m, "name", p, ident), skills) if ident else None


def _volunteer(
    r: _Reader,
    item: dict[str, Any],
    p: Path_,
    settings: Settings,
    week_start: pendulum.Date | None,
) -> Volunteer | None:
    m = r.mapping(item, p, _VOLUNTEER, ("id", "home"))
    if m is None:
        return None
    ident = r.ident(m, "id", p)
    home = r.location(m, "home", p)
    available = [
        b for q, x in r.items(m, "availability", p) if (b := r.time_block(x, q, whole_day_ok=True))
    ]
    unavailable = [
        b for q, x in r.items(m, "unavailable", p) if (b := r.time_block(x, q, whole_day_ok=True))
    ]
    max_travel = r.number(
        m, "max_travel_minutes", p, settings.service_circle_minutes, integer=True, positive=False
    )
    max_hours = r.number(m, "max_hours_per_week", p, 40, integer=False, positive=False)
    vol = dict(
        name=r.string(m, "name", p, ident),
        teams=tuple(dict.fromkeys(r.strings(m, "teams", p))),
        skills=frozenset(r.strings(m, "skills", p)),
        mode=r.choice(m, "mode", p, MODES, "walk"),
        vetted=r.boolean(m, "vetted", p, False),
        gender=r.choice(m, "gender", p, ("m", "f"), None),
        languages=frozenset(r.strings(m, "languages", p)),
    )
    if ident is None or home is None or week_start is None:
        return None
    spans = [s for b in available for s in b.spans(week_start)]
    cuts = [s for b in unavailable for s in b.spans(week_start)]
    blocks = tuple(subtract_spans(merge_spans(spans), cuts))
    return Volunteer(
        ident,
        home=home,
        max_travel_minutes=max_travel if max_travel is not None else 15,
        max_hours_per_week=max_hours if max_hours is not None else 40,
        availability=tuple(available),
        unavailable=tuple(unavailable),
        blocks=blocks,
        **vol,
    )


def _resident(r: _Reader, item: dict[str, Any], p: Path_) -> Resident | None:
    fields = ("id", "name", "location", "categories", "preferred_volunteers", "gender_preference")
    m = r.mapping(item, p, fields, ("id", "location"))
    if m is None:
        return None
    ident = r.ident(m, "id", p)
    loc = r.location(m, "location", p)
    categories = []
    for q, c in r.items(m, "categories", p):
        if c in CATEGORIES:
            categories.append(c)
        else:
            r.add(q, msg("not_choice", choices=", ".join(CATEGORIES), got=_describe(c)))
    preferred = tuple(r.strings(m, "preferred_volunteers", p))
    gender = r.choice(m, "gender_preference", p, ("m", "f"), None)
    if ident is None or loc is None:
        return None
    return Resident(ident, r.string(m, "name", p, ident), loc, tuple(categories), preferred, gender)


def _need(r: _Reader, item: Any, p: Path_) -> Need | None:
    fields = ("skill", "count", "team_skill", "team", "min_members", "max_members")
    m = r.mapping(item, p, fields)
    if m is None:
        return None
    kinds = [k for k in ("skill", "team_skill", "team") if m.get(k) is not None]
    if len(kinds) != 1:
        r.add(p, msg("need_one_of"))
        return None
    kind = kinds[0]
    name = r.string(m, kind, p)
    if kind == "skill":
        for extra in ("min_members", "max_members"):
            if extra in m:
                r.add(
                    (*p, extra),
                    msg("unknown_field", key=extra) + msg("did_you_mean", suggestion="count"),
                )
        count = r.number(m, "count", p, 1, integer=True, positive=True)
        return SkillNeed(name, count) if name and count else None
    if "count" in m:
        r.add(
            (*p, "count"),
            msg("unknown_field", key="count") + msg("did_you_mean", suggestion="min_members"),
        )
    if m.get("min_members") is None:
        r.add((*p, "min_members"), msg("missing_field"))
        return None
    lo = r.number(m, "min_members", p, None, integer=True, positive=True)
    hi = r.number(m, "max_members", p, lo, integer=True, positive=True)
    if not name or lo is None or hi is None:
        return None
    if lo > hi:
        r.add((*p, "min_members"), msg("min_gt_max", min=lo, max=hi))
        return None
    return TeamSkillNeed(name, lo, hi) if kind == "team_skill" else TeamNeed(name, lo, hi)


def _tasks(
    r: _Reader, top: dict[str, Any], week_start: pendulum.Date | None, timezone: str | None
) -> dict[str, tuple[Path_, dict[str, Any] | None]]:
    """Tasks checked field by field, with `every` expanded; places are resolved later."""
    out: dict[str, tuple[Path_, dict[str, Any] | None]] = {}
    seen: dict[str, Path_] = {}
    for p, item in r.items(top, "tasks", ()):
        m = r.mapping(item, p, _TASK, ("id", "needs", "duration_minutes"))
        if m is None:
            continue
        ident = r.ident(m, "id", p)
        needs = [n for q, x in r.items(m, "needs", p) if (n := _need(r, x, q)) is not None]
        if m.get("needs") is not None and isinstance(m["needs"], list) and not m["needs"]:
            r.add((*p, "needs"), msg("empty_list"))
        duration = r.number(m, "duration_minutes", p, None, integer=True, positive=True)
        priority = r.choice(m, "priority", p, PRIORITIES, "normal")
        waited = r.number(m, "waited", p, 0, integer=True, positive=False)
        vetted_only = r.boolean(m, "vetted_only", p, None)
        languages = frozenset(r.strings(m, "languages", p))
        places = [k for k in ("resident", "site", "location") if m.get(k) is not None]
        if len(places) != 1:
            r.add(p, msg("place_one_of"))
        location = r.location(m, "location", p) if "location" in places else None
        when = [k for k in ("windows", "start", "every") if m.get(k) is not None]
        if m.get("window") is not None and "every" not in when:
            r.add(
                (*p, "window"),
                msg("unknown_field", key="window") + msg("did_you_mean", suggestion="windows"),
            )
        base = dict(
            title=r.string(m, "title", p, ident),
            needs=tuple(needs),
            duration=duration,
            priority=priority,
            waited=waited or 0,
            vetted_only=vetted_only,
            languages=languages,
            resident=r.string(m, "resident", p, None),
            site=r.string(m, "site", p, None),
            location=location,
            path=p,
        )
        # a task whose timing is wrong keeps its ids (raw None), so references to it still resolve
        expanded: list[tuple[str | None, dict[str, Any] | None]] = []
        if len(when) != 1:
            r.add(p, msg("when_one_of"))
            expanded.append((ident, None))
        elif when == ["windows"]:
            windows = [
                b
                for q, x in r.items(m, "windows", p)
                if (b := r.time_block(x, q, whole_day_ok=False))
            ]
            if isinstance(m["windows"], list) and not m["windows"]:
                r.add((*p, "windows"), msg("empty_list"))
            expanded.append((ident, {**base, "windows": windows, "window_path": (*p, "windows")}))
        elif when == ["start"]:
            start = _fixed_start(r, m["start"], (*p, "start"), week_start, duration, timezone)
            expanded.append((ident, {**base, "fixed_start": start}))
        else:
            days = []
            for q, d in r.items(m, "every", p):
                if d in DAYS:
                    days.append(d)
                else:
                    r.add(q, msg("bad_day", got=d))
            if isinstance(m["every"], list) and not m["every"]:
                r.add((*p, "every"), msg("empty_list"))
            block = None
            if m.get("window") is None:
                r.add((*p, "every"), msg("every_needs_window"))
            else:
                wm = r.mapping(m["window"], (*p, "window"), ("from", "to"), ("from", "to"))
                if wm is not None and "from" in wm and "to" in wm:
                    block = r.time_block(
                        {"days": ["mon"], **wm}, (*p, "window"), whole_day_ok=False
                    )
            for d in dict.fromkeys(days):
                if ident is None:
                    continue
                if block is None:
                    expanded.append((f"{ident}@{d}", None))
                    continue
                b = TimeBlock((d,), None, block.start, block.end)
                expanded.append(
                    (
                        f"{ident}@{d}",
                        {
                            **base,
                            "windows": [b],
                            "series": ident,
                            "window_path": (*p, "window"),
                        },
                    )
                )
        for tid, raw in expanded:
            if tid is None:
                continue
            r.unique([((*p, "id"), tid)], seen)
            if tid not in out:
                out[tid] = (p, raw if duration is not None else None)
    return out


def _fixed_start(
    r: _Reader,
    value: Any,
    path: Path_,
    week_start: pendulum.Date | None,
    duration: int | None,
    timezone: str | None = None,
) -> int | None:
    parsed: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        r.add(path, msg("bad_start", got=_describe(value)))
        return None
    if parsed.tzinfo is not None:
        r.add(path, msg("start_has_offset", got=_describe(value)))
        return None
    if timezone is not None:
        zone = ZoneInfo(timezone)
        there = parsed.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone)
        if there.replace(tzinfo=None) != parsed:  # clocks jump over it (daylight saving)
            r.add(path, msg("start_in_gap", got=_describe(value), zone=timezone))
            return None
    if week_start is None:
        return None
    offset = (pendulum.Date(parsed.year, parsed.month, parsed.day) - week_start).in_days()
    if not 0 <= offset < 7:
        r.add(
            path,
            msg(
                "start_outside_week",
                got=value,
                week_start=week_start.isoformat(),
                week_end=week_start.add(days=6).isoformat(),
            ),
        )
        return None
    minute = offset * MINUTES_PER_DAY + parsed.hour * 60 + parsed.minute
    if duration is not None and minute + duration > MINUTES_PER_WEEK:
        r.add(path, msg("start_crosses_week"))
        return None
    return minute


def _place_task(
    r: _Reader,
    tid: str,
    p: Path_,
    raw: dict[str, Any],
    sites: dict[str, tuple[Path_, Site | None]],
    residents: dict[str, tuple[Path_, Resident | None]],
    teams: dict[str, tuple[Path_, Team | None]],
    week_start: pendulum.Date | None,
) -> Task | None:
    for i, need in enumerate(raw["needs"]):
        if isinstance(need, TeamNeed) and need.team not in teams:
            r.add((*p, "needs", i, "team"), msg("unknown_ref", kind=msg("kind_team"), id=need.team))
    location = raw["location"]
    if raw["resident"] is not None:
        got = residents.get(raw["resident"])
        if got is None:
            r.add(
                (*p, "resident"), msg("unknown_ref", kind=msg("kind_resident"), id=raw["resident"])
            )
            return None
        location = got[1].location if got[1] else None
    if raw["site"] is not None:
        site = sites.get(raw["site"])
        if site is None:
            r.add((*p, "site"), msg("unknown_ref", kind=msg("kind_site"), id=raw["site"]))
            return None
        location = site[1].location if site[1] else None
    duration = raw["duration"]
    if location is None or not raw["needs"] or duration is None or week_start is None:
        return None
    ranges: list[Span] = []
    windows: tuple[TimeBlock, ...] = tuple(raw.get("windows", ()))
    fixed = raw.get("fixed_start")
    if "fixed_start" in raw:
        if fixed is None:
            return None
        ranges = [(fixed, fixed)]
    else:
        spans = [s for w in windows for s in w.spans(week_start)]
        if windows and not spans:
            r.add(raw["window_path"], msg("task_no_window_in_week"))
            return None
        ranges = sorted({(a, b - duration) for a, b in spans if b - duration >= a})
        if spans and not ranges:
            longest = max(b - a for a, b in spans)
            r.add(
                raw["window_path"],
                msg("duration_fits_no_window", duration=duration, longest=longest),
            )
            return None
        if not windows:
            return None
    vetted = raw["vetted_only"]
    return Task(
        tid,
        title=raw["title"] or "",
        location=location,
        needs=raw["needs"],
        duration_minutes=duration,
        resident=raw["resident"],
        site=raw["site"],
        windows=windows,
        fixed_start=fixed,
        priority=raw["priority"],
        waited=raw["waited"],
        vetted_only=vetted if vetted is not None else raw["resident"] is not None,
        languages=raw["languages"],
        series=raw.get("series"),
        start_ranges=tuple(ranges),
    )


def _ref(
    r: _Reader, m: dict[str, Any], key: str, p: Path_, known: dict[str, Any], kind: str
) -> str | None:
    ident = r.string(m, key, p)
    if ident is not None and ident not in known:
        r.add((*p, key), msg("unknown_ref", kind=msg(kind), id=ident))
        return None
    return str(ident) if ident is not None else None


def _history(
    r: _Reader, top: dict[str, Any], residents: dict[str, Any], volunteers: dict[str, Any]
) -> Iterable[HistoryEntry]:
    for p, item in r.items(top, "history", ()):
        m = r.mapping(item, p, ("resident", "volunteer"), ("resident", "volunteer"))
        if m is None:
            continue
        res = _ref(r, m, "resident", p, residents, "kind_resident")
        vol = _ref(r, m, "volunteer", p, volunteers, "kind_volunteer")
        if res and vol:
            yield HistoryEntry(res, vol)


def _declined(
    r: _Reader, top: dict[str, Any], tasks: dict[str, Any], volunteers: dict[str, Any]
) -> Iterable[Decline]:
    seen: set[tuple[str, str]] = set()
    for p, item in r.items(top, "declined", ()):
        m = r.mapping(item, p, ("task", "volunteer"), ("task", "volunteer"))
        if m is None:
            continue
        task = _ref(r, m, "task", p, tasks, "kind_task")
        vol = _ref(r, m, "volunteer", p, volunteers, "kind_volunteer")
        if task and vol:
            if (task, vol) in seen:
                r.add(p, msg("duplicate_decline"))
            seen.add((task, vol))
            yield Decline(task, vol)


def _pins(
    r: _Reader, top: dict[str, Any], tasks: dict[str, Any], volunteers: dict[str, Any]
) -> list[tuple[Path_, Pin]]:
    out: list[tuple[Path_, Pin]] = []
    pinned: set[str] = set()
    for p, item in r.items(top, "pinned", ()):
        m = r.mapping(item, p, ("task", "volunteers"), ("task", "volunteers"))
        if m is None:
            continue
        task = _ref(r, m, "task", p, tasks, "kind_task")
        vols: list[str] = []
        for q, v in r.items(m, "volunteers", p):
            if not isinstance(v, str) or v not in volunteers:
                r.add(q, msg("unknown_ref", kind=msg("kind_volunteer"), id=v))
            elif v in vols:
                r.add(q, msg("pin_volunteer_twice", id=v))
            else:
                vols.append(v)
        if isinstance(m.get("volunteers"), list) and not m["volunteers"]:
            r.add((*p, "volunteers"), msg("empty_list"))
        if task is not None and task in pinned:
            r.add((*p, "task"), msg("duplicate_pin", task=task))
        if task is not None and vols:
            pinned.add(task)
            out.append((p, Pin(task, tuple(vols))))
    return out


def _expect(r: _Reader, top: dict[str, Any], tasks: dict[str, Any]) -> Expect | None:
    raw = top.get("expect")
    if raw is None:
        return None
    p: Path_ = ("expect",)
    m = r.mapping(raw, p, ("served", "unserved", "coverage"))
    if m is None:
        return None
    served = []
    for q, tid in r.items(m, "served", p):
        if not isinstance(tid, str):
            r.add(q, msg("not_string", got=_describe(tid)))
            continue
        if tid not in tasks:
            r.add(q, msg("unknown_ref", kind=msg("kind_task"), id=tid))
        served.append(str(tid))
    unserved: dict[str, str] = {}
    if m.get("unserved") is not None:
        um = m["unserved"]
        if not isinstance(um, dict):
            r.add((*p, "unserved"), msg("not_mapping", got=_describe(um)))
            um = {}
        for tid, reason in um.items():
            if tid not in tasks:
                r.add((*p, "unserved", tid), msg("unknown_ref", kind=msg("kind_task"), id=tid))
            if reason not in REASONS:
                r.add((*p, "unserved", tid), msg("expect_bad_reason", got=reason))
            unserved[str(tid)] = str(reason)
    coverage: dict[str, float] = {}
    if m.get("coverage") is not None:
        cm = r.mapping(m["coverage"], (*p, "coverage"), PRIORITIES)
        for prio, frac in (cm or {}).items():
            ok = isinstance(frac, int | float) and not isinstance(frac, bool) and 0 <= frac <= 1
            if not ok:
                r.add((*p, "coverage", prio), msg("expect_fraction", got=_describe(frac)))
            else:
                coverage[str(prio)] = float(frac)
    return Expect(tuple(served), unserved, coverage)


def _qualifies(scenario: Scenario, vol: Volunteer, need: Need) -> bool:
    if isinstance(need, SkillNeed):
        return need.skill in vol.skills
    if isinstance(need, TeamNeed):
        return need.team in vol.teams
    return any(need.team_skill in scenario.teams[t].skills for t in vol.teams)


def _check_pins(
    r: _Reader, scenario: Scenario, pins: list[tuple[Path_, Pin]], travel: HaversineTravel
) -> None:
    """A pin is a coordinator's decision; one that breaks a hard rule on its own is refused
    here, naming the volunteer and the rule. Pins that only clash with each other are left to
    the solver, which names them."""
    declined = scenario.declined_pairs()
    for p, pin in pins:
        task = scenario.tasks.get(pin.task)
        if task is None:
            continue
        most = sum(n.max_people for n in task.needs)
        if len(pin.volunteers) > most:
            r.add((*p, "volunteers"), msg("pin_too_many", count=len(pin.volunteers), max=most))
            continue
        resident = scenario.residents.get(task.resident) if task.resident else None
        starts: list[list[Span]] = []
        for i, vid in enumerate(pin.volunteers):
            vol = scenario.volunteers[vid]
            tr = travel.minutes(vol.mode, vol.home, task.location)
            why = None
            if not any(_qualifies(scenario, vol, n) for n in task.needs):
                why = msg("pin_no_role")
            elif task.vetted_only and not vol.vetted:
                why = msg("pin_not_vetted")
            elif (
                resident and resident.gender_preference and vol.gender != resident.gender_preference
            ):
                why = msg("pin_gender")
            elif task.languages and not task.languages & vol.languages:
                why = msg("pin_language")
            elif (task.id, vid) in declined:
                why = msg("pin_declined")
            elif tr > vol.max_travel_minutes:
                why = msg("pin_out_of_range", travel=tr, limit=vol.max_travel_minutes)
            elif vol.max_service_minutes < task.duration_minutes:
                why = msg("pin_hours", hours=vol.max_hours_per_week, duration=task.duration_minutes)
            else:
                free = free_starts(vol.blocks, task, tr)
                if not free:
                    why = msg("pin_no_time")
                else:
                    starts.append(free)
            if why is not None:
                r.add((*p, "volunteers", i), msg("pin_breaks_rule", id=vid, why=why))
        if len(starts) != len(pin.volunteers):
            continue
        common = starts[0]
        for other in starts[1:]:
            common = [
                (max(a, c), min(b, d))
                for a, b in common
                for c, d in other
                if max(a, c) <= min(b, d)
            ]
        if not common:
            r.add((*p, "volunteers"), msg("pin_no_common_time"))
        elif not _pins_fill_roles(scenario, task, pin):
            r.add((*p, "volunteers"), msg("pin_roles"))


def _pins_fill_roles(scenario: Scenario, task: Task, pin: Pin) -> bool:
    """Each pinned volunteer takes a distinct place in some role (roles have max_people
    places), with every team role's people from one team that has enough members."""

    def teams_for(need: Need) -> list[str | None]:
        if isinstance(need, SkillNeed):
            return [None]
        names = (
            [need.team]
            if isinstance(need, TeamNeed)
            else [t.id for t in scenario.teams.values() if need.team_skill in t.skills]
        )
        size = {t: sum(t in v.teams for v in scenario.volunteers.values()) for t in names}
        return [t for t in names if size[t] >= need.min_people]

    options = [teams_for(n) for n in task.needs]
    for choice in itertools.product(*options):
        places = [(i, team) for i, n in enumerate(task.needs) for _ in range(n.max_people)
                  for team in [choice[i]]]  # fmt: skip
        owner: dict[int, str] = {}

        def fits(vid: str, k: int, places: list[tuple[int, str | None]] = places) -> bool:
            i, team = places[k]
            vol = scenario.volunteers[vid]
            return (
                team in vol.teams if team is not None else _qualifies(scenario, vol, task.needs[i])
            )

        def place(
            vid: str, seen: set[int], owner: dict[int, str] = owner, n: int = len(places)
        ) -> bool:
            for k in range(n):
                if k in seen or not fits(vid, k):
                    continue
                seen.add(k)
                if k not in owner or place(owner[k], seen):
                    owner[k] = vid
                    return True
            return False

        if all(place(v, set()) for v in pin.volunteers):
            return True
    return False
