"""A small .xlsx that unpacks into a huge table is refused as it is read, saying why, before
it takes the server's memory: a sheet declaring 16,384 columns or a row past Excel's last, a
few kilobytes that hold twenty thousand rows, a workbook that unpacks past the limit."""

from __future__ import annotations

import io
import zipfile

import pytest

from api.pages import spreadsheet
from api.pages.spreadsheet import TableError, read_table

_NS = "http://schemas.openxmlformats.org/"
_PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{_NS}package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{_NS}officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_NS}spreadsheetml/2006/main" xmlns:r="{_NS}officeDocument/2006/'
        'relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_NS}package/2006/relationships"><Relationship Id="rId1" '
        f'Type="{_NS}officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


_UNNUMBERED = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
"""A row without its number: the reader counts it as the next."""


def _book(rows: str, dimension: str = "") -> bytes:
    sheet = (
        f'<worksheet xmlns="{_NS}spreadsheetml/2006/main">{dimension}<sheetData>'
        f'<row r="1">{_cell("A1", "name")}</row>{rows}</sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            z.writestr(name, text)
    return out.getvalue()


def test_a_sheet_wider_than_any_list_is_refused() -> None:
    data = _book(f'<row r="3000">{_cell("XFD3000", "x")}</row>', '<dimension ref="A1:XFD3000"/>')
    with pytest.raises(TableError, match="columns"):
        read_table(data, "en")


def test_a_row_past_the_last_excel_has_is_refused() -> None:
    data = _book(f'<row r="1048577">{_cell("A1048577", "x")}</row>')
    with pytest.raises(TableError, match="rows"):
        read_table(data, "en")


def test_a_few_kilobytes_holding_more_rows_than_a_list_are_refused() -> None:
    data = _book(_UNNUMBERED * 20_000)
    assert len(data) < 10_000
    with pytest.raises(TableError, match="5,000 rows"):
        read_table(data, "en")


def test_a_workbook_that_unpacks_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 10_000)
    data = _book(_UNNUMBERED * 1_000)
    with pytest.raises(TableError, match="unpacks"):
        read_table(data, "en")


def test_blank_rows_between_and_after_keep_the_row_numbers_and_are_no_rows() -> None:
    rows = f'<row r="4">{_cell("A4", "王芳")}</row><row r="900000"><c r="A900000"/></row>'
    assert read_table(_book(rows), "en") == [["name"], [], [], ["王芳"]]
