"""Lines of hours as a person types them in a form or a spreadsheet cell ("周一 周三
09:00-12:00", "2026-12-02 14:00-16:00", "2026/12/2 14:00-16:00") read into the scenario
format's windows: the same reader for a task's windows and a volunteer's availability, so a
line one takes the other takes. A Chinese input method's full-width marks (０９：００～１２：００,
－, ，) are read as their ASCII twins, and spaces around the dash are allowed."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from api.pages.common import day_code

_RANGE = re.compile(r"([0-9]{1,2}:[0-9]{2})\s*[-–—~〜至到]\s*([0-9]{1,2}:[0-9]{2})$")
_DATE = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?$")
"""2026-12-02, and as Chinese Excel shows a date: 2026/12/2, 2026年12月2日."""


def read_line(line: str) -> dict[str, Any] | None:
    """One line's window ({from, to} with days or a date); None when it has no hours at its
    end; an empty dict for a blank line."""
    text = unicodedata.normalize("NFKC", line).strip()  # ：→:  ～→~  ０→0  ，→,  －→-
    if not text:
        return {}
    span = _RANGE.search(text)
    if span is None:
        return None
    words = text[: span.start()].replace(",", " ").replace("、", " ").split()
    window: dict[str, Any] = {"from": span.group(1).zfill(5), "to": span.group(2).zfill(5)}
    rest = [day_code(w) for w in words]
    if len(rest) == 1 and (day := _DATE.match(rest[0])):
        window["date"] = f"{day.group(1)}-{int(day.group(2)):02d}-{int(day.group(3)):02d}"
    else:
        window["days"] = rest
    return window


def read_lines(raw: str) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """Every line's window, and each line that is none (its number from 1, its text)."""
    windows, bad = [], []
    for number, line in enumerate(raw.splitlines(), 1):
        window = read_line(line)
        if window is None:
            bad.append((number, line.strip()))
        elif window:
            windows.append(window)
    return windows, bad


_START = re.compile(
    r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?\s*[T ]?\s*([0-9]{1,2}):([0-9]{2})$"
)


def read_start(text: str) -> str:
    """A fixed start as typed (2026/12/2 9:00, 2026年12月2日 09：00) as the scenario writes it
    (2026-12-02T09:00); anything else as typed, for the contract to say what is wrong."""
    found = _START.match(unicodedata.normalize("NFKC", text).strip())
    if found is None:
        return text
    year, month, day, hour, minute = (int(g) for g in found.groups())
    return f"{year}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"
