"""The field reader: one method per kind of field (string, number, clock, time block...),
each adding a Problem at the field's path and line instead of raising.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

import pendulum

from mutualaid.bounds import (
    MAX_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PROBLEMS,
    MAX_TEXT_LENGTH,
    control_problem,
    parse_date,
    parse_week_start,
)
from mutualaid.contract.yaml_text import Document, FieldPath, render_path
from mutualaid.domain.model import DAYS, MINUTES_PER_DAY, MINUTES_PER_WEEK, Location, TimeBlock
from mutualaid.errors import Problem
from mutualaid.messages import CATALOGUE, msg

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


def describe(value: object) -> str:
    """What was given, for a 'got ...' in the active language (a value and its kind)."""
    if value is None:
        return msg("got_null")
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return msg("got_mapping")
    if isinstance(value, list):
        return msg("got_list")
    kind = type(value).__name__
    key = f"got_kind_{kind}"
    shown = str(value).lower() if isinstance(value, bool) else repr(value)  # as YAML/JSON say it
    if isinstance(value, int) and len(shown.lstrip("-")) > 20:  # a spreadsheet's 1e308, whole
        sign, digits = ("-" if value < 0 else ""), shown.lstrip("-")
        shown = f"{sign}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"
    return msg("got_value", value=shown, kind=msg(key) if key in CATALOGUE else kind)


# --- the reader: one method per kind of field ----------------------------------------------


class Hopeless(Exception):
    """Raised by the reader past MAX_PROBLEMS problems: the document is not worth reading on."""


class Reader:
    """Reads fields of plain data, collecting every problem with its path and the line the
    document (when there is one) gives that path."""

    def __init__(self, doc: Document | None) -> None:
        self.doc = doc or Document()
        self.problems: list[Problem] = list(self.doc.problems)

    def line(self, path: FieldPath) -> int | None:
        p = path
        while True:
            if p in self.doc.lines:
                return self.doc.lines[p]
            if not p:
                return None
            p = p[:-1]

    def add(self, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(render_path(path), message, self.line(path)))
        if len(self.problems) > MAX_PROBLEMS:
            raise Hopeless

    def mapping(
        self, value: Any, path: FieldPath, fields: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, msg("not_mapping", got=describe(value)))
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

    def items(
        self, m: dict[str, Any], key: str, path: FieldPath
    ) -> Iterator[tuple[FieldPath, Any]]:
        """Each entry of the list at key with its path, made as it is read (so a list given
        up on after MAX_PROBLEMS problems costs no path for the entries never reached)."""
        value = m.get(key)
        if value is None:
            return iter(())
        if not isinstance(value, list):
            self.add((*path, key), msg("not_list", got=describe(value)))
            return iter(())
        return (((*path, key, i), item) for i, item in enumerate(value))

    def string(
        self,
        m: dict[str, Any],
        key: str,
        path: FieldPath,
        default: Any = _MISSING,
        limit: int = MAX_NAME_LENGTH,
    ) -> Any:
        """A non-empty string (a number is read as its text), stripped, of at most limit
        characters (a name's, unless told)."""
        value = m.get(key, default)
        if value is _MISSING or value is None:
            return default if default is not _MISSING else None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add((*path, key), msg("not_string", got=describe(value)))
            return None
        text = str(value).strip()
        if not text:
            self.add((*path, key), msg("not_string", got=describe(value)))
            return None
        if len(text) > MAX_TEXT_LENGTH:  # the document's bound, already told
            return None
        if len(text) > limit:
            self.add((*path, key), msg("too_long", limit=f"{limit:,}", got=f"{len(text):,}"))
            return None
        return text

    def strings(self, m: dict[str, Any], key: str, path: FieldPath) -> list[str]:
        out = []
        for p, item in self.items(m, key, path):
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item).strip():
                out.append(str(item).strip())
            else:
                self.add(p, msg("not_string", got=describe(item)))
        return out

    def number(
        self,
        m: dict[str, Any],
        key: str,
        path: FieldPath,
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
            self.add((*path, key), msg(key_msg, got=describe(value)))
            return None
        if maximum is not None and value > maximum:
            self.add((*path, key), msg("too_large", max=maximum, got=describe(value)))
            return None
        return int(value) if integer else float(value)

    def boolean(
        self, m: dict[str, Any], key: str, path: FieldPath, default: bool | None
    ) -> bool | None:
        value = m.get(key, default)
        if value is None or isinstance(value, bool):
            return value
        self.add((*path, key), msg("not_bool", got=describe(value)))
        return default

    def choice(
        self, m: dict[str, Any], key: str, path: FieldPath, choices: Iterable[str], default: Any
    ) -> Any:
        value = m.get(key, default)
        options = tuple(choices)
        if value is None or value in options:
            return value
        self.add((*path, key), msg("not_choice", choices=", ".join(options), got=describe(value)))
        return default

    def location(self, m: dict[str, Any], key: str, path: FieldPath) -> Location | None:
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

    def date(self, value: Any, path: FieldPath, *, week: bool = False) -> pendulum.Date | None:
        """A date written YYYY-MM-DD in a sane range (a Monday when it is a week's start)."""
        if not isinstance(value, str | dt.date):
            self.add(path, msg("bad_date", got=describe(value)))
            return None
        try:
            text = self.doc.raw_dates.get(path, value)
            return parse_week_start(text) if week else parse_date(text)
        except ValueError as exc:
            self.add(path, str(exc))
            return None

    def ident(self, m: dict[str, Any], key: str, path: FieldPath) -> Any:
        """An id: a string as `string` reads it, of at most MAX_ID_LENGTH characters, without
        control characters (nor bidirectional ones)."""
        text = self.string(m, key, path, limit=MAX_ID_LENGTH)
        if isinstance(text, str) and (bad := control_problem(text, ident=True)):
            self.add((*path, key), bad)
            return None
        return text

    def clock(self, value: Any, path: FieldPath) -> int | None:
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
        self.add(path, msg("bad_clock", got=describe(value)))
        return None

    def time_block(self, value: Any, path: FieldPath, *, whole_day_ok: bool) -> TimeBlock | None:
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

    def unique(self, entries: list[tuple[FieldPath, str]], seen: dict[str, FieldPath]) -> None:
        for p, ident in entries:
            if ident in seen:
                first = seen[ident]
                where = f"line {self.line(first)}" if self.line(first) else render_path(first)
                self.add(p, msg("duplicate_id", id=ident, first=where))
            else:
                seen[ident] = p
