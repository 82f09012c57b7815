"""Bounds on what comes in, checked at the edge before anything is built or stored: how deep
and how large a document may be, which characters text and ids may hold, and the one strict
reading of a date and of a week_start (YYYY-MM-DD, a Monday, in a sane range of years)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pendulum

from mutualaid.domain.model import DAYS
from mutualaid.errors import Problem
from mutualaid.messages import msg

MAX_DEPTH = 32
"""Nesting a document may have: a scenario needs 7 (tasks[i].windows[j].days[k])."""
MAX_NODES = 2_000_000
"""Values (mappings, lists, scalars and keys; YAML aliases counted as expanded) a document may
hold: a generated 10,000-task week has about 670,000, a 2,000-task district week 135,000."""
MIN_YEAR = 2000
MAX_YEAR = 2100
"""The years a date may fall in: outside them a date is a typo (and near year 1 or 9999 a
week's arithmetic overflows)."""

_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters refused in free text (a title, a reason): all but tab, newline, CR."""
_ID_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters refused in an id, a path or a query parameter: all of them."""
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def control_problem(text: str, *, ident: bool = False) -> str | None:
    """The message for the first control character in text (None when there is none)."""
    found = (_ID_CONTROL if ident else _TEXT_CONTROL).search(text)
    if found is None:
        return None
    return msg("control_char", code=f"U+{ord(found.group()):04X}", at=found.start() + 1)


def check_data(data: Any, root: str = "") -> list[Problem]:
    """Problems of plain data (decoded JSON): nested deeper than MAX_DEPTH, more than
    MAX_NODES values, or a key or string with a control character (named by its path).
    Walks without recursion, so any depth the decoder produced is safe to look at."""
    if _clean(data):
        return []
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
                if isinstance(key, str) and (problem := control_problem(key, ident=True)):
                    problems.append(Problem(path, problem))
                    continue
                stack.append((item, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str) and (problem := control_problem(value)):
            problems.append(Problem(path, problem))
    return sorted(problems, key=lambda p: p.path)


def _clean(data: Any) -> bool:
    """True when data is within every bound: the fast walk, a level at a time, keeping no
    paths and searching all text of a level in one go."""
    nodes, depth, level = 0, 1, [data]
    while level:
        nodes += len(level)
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            return False
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
            return False
        level, depth = below, depth + 1
    return True


def parse_date(value: Any) -> pendulum.Date:
    """A date written YYYY-MM-DD (or one YAML already read as a date) between MIN_YEAR and
    MAX_YEAR; ValueError with the message otherwise. ISO week dates (2026-W49-1), compact
    forms (20261130) and datetimes are refused, never read as some other day."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        parsed = value
    else:
        text = value.strip() if isinstance(value, str) else None
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
