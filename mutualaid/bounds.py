"""Bounds on what comes in, checked at the edge before anything is built or stored: how deep
and how large a document may be, how long and with which characters text and ids may be, how
many problems one answer lists, which time zones are real places, and the one strict reading
of a date and of a week_start (YYYY-MM-DD, a Monday, in a sane range of years)."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pendulum

from mutualaid.domain.model import DAYS
from mutualaid.errors import Problem
from mutualaid.messages import msg

MAX_DEPTH = 32
"""Nesting a document may have: a scenario needs 7 (tasks[i].windows[j].days[k])."""
MAX_NODES = 1_000_000
"""Values (mappings, lists, scalars and keys; YAML aliases counted as expanded) a document may
hold: a generated 10,000-task week has about 670,000, a 2,000-task district week 135,000."""
MAX_ID_LENGTH = 100
"""Characters an id may have (a task, volunteer, site, ...): ids are names people type."""
MAX_NAME_LENGTH = 200
"""Characters a name or title may have (a scenario, volunteer, task title, token name)."""
MAX_TEXT_LENGTH = 2_000
"""Characters any other text may have (a decline reason, a detail): a few paragraphs. Every
string of a document is held to this at the edge, before it is read field by field."""
MAX_PROBLEMS_SHOWN = 100
"""Problems one answer lists (the API's body, the command's output); one line counts the rest."""
MAX_PROBLEMS = 1_000
"""Problems after which checking a document stops: a list that wrong is not worth reading on."""
MAX_WORKERS = 64
"""CP-SAT workers a solve may ask for: more only adds threads that wait for cores."""
MAX_EXPIRY_DAYS = 3650
"""Days a token may be made to last (ten years); longer is a typo, or a token meant to
last until revoked, which is made with no expiry."""
MIN_YEAR = 2000
MAX_YEAR = 2100
"""The years a date may fall in: outside them a date is a typo (and near year 1 or 9999 a
week's arithmetic overflows)."""

_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters refused in free text (a title, a reason): all but tab, newline, CR; and
unpaired surrogates (U+D800-DFFF), which no UTF-8 text can hold (storing one fails)."""
_ID_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Refused in an id, a path or a query parameter: every control character, unpaired
surrogates, and the bidirectional controls that make an id read as another (`v-\u202egnaw`
shows as `v-wang`). Free text keeps the bidi controls: Arabic or Hebrew text may need them."""
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
"""Files of a zoneinfo folder that are not IANA places: the host's zone, a placeholder, and
the rules of POSIX TZ strings (with the `posix/` and `right/` copies, refused by prefix)."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def control_problem(text: str, *, ident: bool = False) -> str | None:
    """The message for the first control character in text (None when there is none)."""
    found = (_ID_CONTROL if ident else _TEXT_CONTROL).search(text)
    if found is None:
        return None
    code, at = f"U+{ord(found.group()):04X}", found.start() + 1
    if _SURROGATE.match(found.group()):
        return msg("surrogate_char", code=code, at=at)
    if _BIDI.match(found.group()):
        return msg("bidi_char", code=code, at=at)
    return msg("control_char", code=code, at=at)


def length_problem(text: str, limit: int) -> str | None:
    """The message for text longer than limit characters (None when it is not)."""
    return msg("too_long", limit=f"{limit:,}", got=f"{len(text):,}") if len(text) > limit else None


def text_problem(text: str, limit: int, *, ident: bool = False) -> str | None:
    """control_problem, then length_problem: the first thing wrong with one field's text."""
    return control_problem(text, ident=ident) or length_problem(text, limit)


def shown(problems: list[Problem]) -> list[Problem]:
    """The problems one answer lists: the first MAX_PROBLEMS_SHOWN, then one saying how many
    more there are."""
    if len(problems) <= MAX_PROBLEMS_SHOWN:
        return problems
    rest = len(problems) - MAX_PROBLEMS_SHOWN
    return [*problems[:MAX_PROBLEMS_SHOWN], Problem("", msg("more_problems", count=f"{rest:,}"))]


def stopped(problems: list[Problem]) -> list[Problem]:
    """Problems cut at MAX_PROBLEMS, after one saying checking stopped there (first, so an
    answer that lists only some still says it)."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    note = Problem("", msg("problems_stopped", limit=f"{MAX_PROBLEMS:,}"))
    return [note, *problems[:MAX_PROBLEMS]]


def timezone_problem(name: Any) -> str | None:
    """The message for a time zone that is not an IANA place name (None when it is one):
    known to zoneinfo, and not the host's `localtime`, `Factory`, `posixrules` or a `posix/`
    or `right/` copy."""
    ok = (
        isinstance(name, str)
        and name in _zones()
        and name not in _NOT_ZONES
        and not name.startswith(("posix/", "right/"))
    )
    return None if ok else msg("bad_timezone", got=name)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the zoneinfo folder: once


def yaml_events_within(events: Iterator[Any]) -> bool:
    """True when a YAML event stream (yaml.parse) holds at most MAX_NODES values, counted
    before anything is composed: a flat list of millions is refused after MAX_NODES events,
    at the parser's speed and in its little memory. Aliases count once here; the composed
    tree is measured again with them expanded."""
    count = 0
    for event in events:
        if event.__class__.__name__ in _VALUE_EVENTS:
            count += 1
            if count > MAX_NODES:
                return False
    return True


_VALUE_EVENTS = frozenset({"ScalarEvent", "SequenceStartEvent", "MappingStartEvent", "AliasEvent"})


def check_data(data: Any, root: str = "") -> list[Problem]:
    """Problems of plain data (decoded JSON): nested deeper than MAX_DEPTH, more than
    MAX_NODES values, or a key or string with a control character or longer than
    MAX_TEXT_LENGTH (named by its path; at most MAX_PROBLEMS of them).
    Walks without recursion, so any depth the decoder produced is safe to look at."""
    found = _first_bound_broken(data)
    if found is None:
        return []
    if found == "nodes":  # told at once: the walk below would build a path for each value
        return [Problem(root, msg("too_many_nodes", limit=f"{MAX_NODES:,}"))]
    problems: list[Problem] = []
    nodes = 0
    stack: list[tuple[Any, str, int]] = [(data, root, 1)]
    while stack:  # the slow walk, only for data known to be bad: every problem with its path
        value, path, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            return [Problem(root, msg("too_many_nodes", limit=f"{MAX_NODES:,}"))]
        if depth > MAX_DEPTH:
            return [Problem(path, msg("too_deep", limit=MAX_DEPTH))]
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and (
                    problem := text_problem(key, MAX_TEXT_LENGTH, ident=True)
                ):
                    problems.append(Problem(path, problem))
                    continue
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str) and (problem := text_problem(value, MAX_TEXT_LENGTH)):
            problems.append(Problem(path, problem))
        if len(problems) > MAX_PROBLEMS:
            break
    return stopped(sorted(problems, key=lambda p: p.path))


def _first_bound_broken(data: Any) -> str | None:
    """None when data is within every bound, else which it breaks first ("nodes", "depth" or
    "text"): the fast walk, a level at a time, keeping no paths and searching all text of a
    level in one go."""
    nodes, depth, level = 0, 1, [data]
    while level:
        nodes += len(level)
        if nodes > MAX_NODES:
            return "nodes"
        if depth > MAX_DEPTH:
            return "depth"
        below: list[Any] = []
        keys: list[str] = []
        texts: list[str] = []
        for value in level:
            if isinstance(value, dict):
                keys.extend(k for k in value if isinstance(k, str))
                below.extend(value.values())
            elif isinstance(value, list):
                below.extend(value)
            elif isinstance(value, str):
                texts.append(value)
        if _ID_CONTROL.search(" ".join(keys)) or _TEXT_CONTROL.search(" ".join(texts)):
            return "text"
        if any(len(text) > MAX_TEXT_LENGTH for text in (*keys, *texts)):
            return "text"
        level, depth = below, depth + 1
    return None


def parse_date(value: Any) -> pendulum.Date:
    """A date written YYYY-MM-DD (or one YAML already read as a date) between MIN_YEAR and
    MAX_YEAR; ValueError with the message otherwise. ISO week dates (2026-W49-1), compact
    forms (20261130) and datetimes are refused, never read as some other day."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        parsed = value
    else:
        text = value if isinstance(value, str) else None  # no spaces around it either
        try:
            if text is None or not _DATE.fullmatch(text):
                raise ValueError
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            got = repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"
            raise ValueError(msg("bad_date", got=got)) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(
            msg("date_out_of_range", got=parsed.isoformat(), low=MIN_YEAR, high=MAX_YEAR)
        )
    return pendulum.Date(parsed.year, parsed.month, parsed.day)


def parse_week_start(value: Any) -> pendulum.Date:
    """A week_start: parse_date's date that is also a Monday (ValueError otherwise)."""
    parsed = parse_date(value)
    if parsed.isoweekday() != 1:
        weekday = msg(f"day_{DAYS[parsed.weekday()]}")
        raise ValueError(msg("not_monday", date=parsed.isoformat(), weekday=weekday))
    return parsed
