"""Text that a spreadsheet opens as text: a cell someone typed that starts like a formula
(= + - @, a tab or CR) gets a leading ' in a CSV export, and loses it again on import."""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def inert(value: object) -> object:
    """The value as a CSV cell that no spreadsheet runs (numbers, -33.5 too, stay numbers)."""
    if isinstance(value, str) and value[:1] in FORMULA_START and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def as_typed(text: str) -> str:
    """A cell read back: the ' that `inert` put before a formula-like text taken off."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text
