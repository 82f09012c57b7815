"""What openpyxl's streaming reader does not tell of a sheet, read from its XML in one more
streaming pass: the merged ranges (a value merged down several rows is shown on each) and the
formulas whose result was never saved (a file a program wrote, not Excel or WPS: the reader
sees an empty cell where the person sees a number)."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import iterparse

from openpyxl.utils.cell import range_boundaries

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MAX_MERGED = 10_000
"""Merged ranges read: a list's sheet has a few; past these the rest are not filled."""


def marks(sheet: Any) -> tuple[list[tuple[int, int, int]], list[str]]:
    """(column, first row, last row) of each range merged down more than one row (columns
    and rows from 1), and the cells holding a formula without a saved result."""
    merged: list[tuple[int, int, int]] = []
    unsaved: list[str] = []
    # the sheet's part in the open workbook: openpyxl keeps its path but offers no public way
    with sheet.parent._archive.open(sheet._worksheet_path) as source:
        for _, element in iterparse(source):
            if element.tag == f"{_MAIN}c":
                if element.find(f"{_MAIN}f") is not None and not element.findtext(f"{_MAIN}v"):
                    unsaved.append(str(element.get("r", "?")))
                element.clear()
            elif element.tag == f"{_MAIN}row":
                element.clear()
            elif element.tag == f"{_MAIN}mergeCell" and len(merged) < MAX_MERGED:
                first_col, first_row, _, last_row = range_boundaries(str(element.get("ref")))
                if first_col and first_row and last_row and last_row > first_row:
                    merged.append((first_col, first_row, last_row))
    return merged, unsaved


def fill_merged(rows: list[list[str]], merged: list[tuple[int, int, int]]) -> None:
    """Each range's first value written into the empty cells below it in its own column (a
    range merged sideways shows its value over the next columns, but it is the first one's)."""
    for column, first, last in merged:
        if first > len(rows) or column > len(rows[first - 1]):
            continue
        value = rows[first - 1][column - 1]
        for number in range(first + 1, min(last, len(rows)) + 1):
            row = rows[number - 1]
            if not row:
                continue  # a blank row stays blank: no row made of a merge alone
            row.extend([""] * (column - len(row)))
            if not row[column - 1]:
                row[column - 1] = value
