"""Spreadsheets as people save them, read as they meant them: a value merged down several
rows is each row's, a formula whose result was never saved is said so (not read as an empty
cell), a file Excel saved as "Unicode text" (UTF-16, tabs) is a table, and times typed with a
Chinese input method (０９：００～１２：００, 09:00 - 12:00) are read in the forms and in files."""

from __future__ import annotations

import io

import openpyxl
import pytest

from api.pages.common import Form
from api.pages.roster_forms import entity_from
from api.pages.spreadsheet import TableError, read_table, rows_of
from api.pages.task_forms import task_from_form

HEADER = ["title", "site", "priority", "duration_minutes", "windows"]


def _xlsx(rows: list[list[object]], merged: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_value_merged_down_several_rows_is_each_row_s() -> None:
    data = _xlsx(
        [HEADER, ["Eye drops", "s1", "urgent", 30, "mon 09:00-12:00"],
         ["Lunch", "s1", None, 45, "mon 11:00-12:00"], ["Walk", "s1", None, 60, "tue 09:00-10:00"],
         ["Call", "s1", "low", 15, "wed 09:00-10:00"]],
        merged=("C2:C4",),
    )  # fmt: skip
    table = read_table(data, "en")
    assert [row[2] for row in table[1:]] == ["urgent", "urgent", "urgent", "low"]
    rows, problems = rows_of("tasks", table, {}, "en")
    assert not problems
    assert [r.item["priority"] for r in rows] == ["urgent", "urgent", "urgent", "low"]


def test_a_value_merged_across_columns_stays_in_its_own_column() -> None:
    """Merged sideways the value is shown over the next columns, but it is the first one's."""
    data = _xlsx([HEADER, ["Eye drops", "s1", "urgent", 30, "mon 09:00-12:00"]],
                 merged=("A2:B2",))  # fmt: skip
    assert read_table(data, "en")[1][:2] == ["Eye drops", ""]


@pytest.mark.parametrize("lang, words", [("en", "formula"), ("zh", "公式")])
def test_a_formula_never_calculated_is_said_so_with_its_cell(lang: str, words: str) -> None:
    """A file written by a program (not saved by Excel or WPS) holds the formula but no
    result: read as empty it would be a wrong reason ("got ''") or a silent default."""
    data = _xlsx([HEADER, ["Eye drops", "s1", "urgent", "=30*2", "mon 09:00-12:00"]])
    with pytest.raises(TableError) as refused:
        read_table(data, lang)
    assert words in str(refused.value)
    assert "D2" in str(refused.value)


def test_a_formula_with_its_saved_result_is_read_as_the_result() -> None:
    book = _xlsx([HEADER, ["Eye drops", "s1", "urgent", 60, "mon 09:00-12:00"]])
    # as Excel saves it: the formula and, beside it, the value it calculated
    plain = b'<c r="D2" t="n"><v>60</v></c>'
    with_formula = b'<c r="D2" t="n"><f>30*2</f><v>60</v></c>'
    data = _rewrite(book, plain, with_formula)
    assert read_table(data, "en")[1][3] == "60"


def _rewrite(book: bytes, old: bytes, new: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in body
                body = body.replace(old, new)
            dst.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_excel_s_unicode_text_is_read_as_a_table(encoding: str) -> None:
    """Excel's "Unicode text (*.txt)": UTF-16 with its byte-order mark, tab-separated."""
    text = "标题\t地点\t优先级\t时长分钟\t时间窗\r\n送药\ts1\t紧急\t30\t周一 09:00-12:00\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    table = read_table(data, "zh")
    assert table[1] == ["送药", "s1", "紧急", "30", "周一 09:00-12:00"]


TYPED = [
    ("周一 09：00-12：00", [{"from": "09:00", "to": "12:00", "days": ["mon"]}]),
    ("周一 ０９：００～１２：００", [{"from": "09:00", "to": "12:00", "days": ["mon"]}]),
    ("mon 09:00 - 12:00", [{"from": "09:00", "to": "12:00", "days": ["mon"]}]),
    ("周一 9:00 至 12:00", [{"from": "09:00", "to": "12:00", "days": ["mon"]}]),
    ("周二，周四 09:00—11:30", [{"from": "09:00", "to": "11:30", "days": ["tue", "thu"]}]),
    ("２０２６－１２－０２ 09:00－10:00", [{"from": "09:00", "to": "10:00", "date": "2026-12-02"}]),
    ("2026/12/2 09:00-10:00", [{"from": "09:00", "to": "10:00", "date": "2026-12-02"}]),
    ("2026年12月2日 09:00-10:00", [{"from": "09:00", "to": "10:00", "date": "2026-12-02"}]),
]
"""Lines as typed with a Chinese input method (full-width colon, digits, tilde, dash), with
spaces around the dash, or with a date as Chinese Excel shows it (2026/12/2), and what each
means."""


@pytest.mark.parametrize("line, meant", TYPED)
def test_a_task_s_window_typed_with_full_width_marks_is_read(line: str, meant: object) -> None:
    form = Form()
    data = {"title": "送药", "place": "site:s1", "duration_minutes": "３０", "windows": line}
    task = task_from_form(data, {}, "zh", form)
    assert not form.errors
    assert task["windows"] == meant
    assert task["duration_minutes"] == 30


@pytest.mark.parametrize("line, meant", TYPED)
def test_a_volunteer_s_hours_typed_with_full_width_marks_are_read(line: str, meant: object) -> None:
    form = Form()
    data = {"name": "唐阿姨", "lat": "34.78", "lon": "113.68", "availability": line}
    person = entity_from("volunteers", data, {}, "zh", form)
    assert "availability" not in form.errors
    assert person["availability"] == meant


def test_an_imported_window_typed_with_full_width_marks_is_read() -> None:
    text = "标题,地点,优先级,时长分钟,时间窗\n送药,s1,紧急,３０,周一 ０９：００～１２：００\n"
    rows, problems = rows_of("tasks", read_table(text.encode(), "zh"), {}, "zh")
    assert not problems
    assert rows[0].item["windows"] == [{"from": "09:00", "to": "12:00", "days": ["mon"]}]


def test_a_home_and_numbers_typed_in_full_width_are_read() -> None:
    """３４．７８ (a full-width point) was 'latitude/longitude not read'."""
    form = Form()
    data = {"name": "唐阿姨", "lat": "３４．７８", "lon": "１１３．６８",
            "max_hours_per_week": "１０．５"}  # fmt: skip
    person = entity_from("volunteers", data, {}, "zh", form)
    assert not form.errors
    assert person["home"] == {"lat": 34.78, "lon": 113.68}
    assert person["max_hours_per_week"] == 10.5


@pytest.mark.parametrize(
    "typed",
    ["2026/12/2 9:00", "2026年12月2日 09：00", "２０２６－１２－０２ ９：００", "2026-12-02T09:00"],
)
def test_a_fixed_start_typed_as_chinese_excel_shows_it_is_read(typed: str) -> None:
    form = Form()
    data = {"title": "义诊", "place": "site:s1", "duration_minutes": "60", "start": typed}
    assert task_from_form(data, {}, "zh", form)["start"] == "2026-12-02T09:00"
    assert not form.errors


def test_a_fixed_start_that_is_no_time_is_left_for_the_contract_to_refuse() -> None:
    form = Form()
    data = {"title": "义诊", "place": "site:s1", "duration_minutes": "60", "start": "周三上午"}
    assert task_from_form(data, {}, "zh", form)["start"] == "周三上午"


@pytest.mark.parametrize(("lang", "words"), [("en", "at most 5,000"), ("zh", "最多 5,000 行")])
def test_a_csv_of_a_hundred_thousand_rows_is_refused_on_its_length_alone(
    lang: str, words: str
) -> None:
    """A 100,000-line CSV (2 MB, under the body limit) was read whole and every row checked:
    12 s of a request at load 8, answered '100001 problems' (the row limit among them), where
    an .xlsx is refused as it is read and checking stops after 1,000 problems."""
    rows = "id,name\n" + "".join(f"v-x{i},Name {i}\n" for i in range(100_000))
    with pytest.raises(TableError) as refused:
        read_table(rows.encode(), lang)
    assert words in str(refused.value)
    fits = "id,name\n" + "".join(f"v-x{i},Name {i}\n\n" for i in range(5_000))  # blanks too
    assert len(read_table(fits.encode(), lang)) == 10_001


@pytest.mark.parametrize(("lang", "words"), [("en", "row 3"), ("zh", "第 3 行")])
def test_a_csv_cell_past_the_reader_s_limit_is_said_with_its_row(lang: str, words: str) -> None:
    """A cell of 200,000 characters ended in the csv module's 'field larger than field limit
    (131072)': a 500 over HTTP ('服务器内部出错') and a traceback in the server's log."""
    rows = 'id,name\nv-a,A\nv-b,"' + "x" * 200_000 + '"\n'
    with pytest.raises(TableError) as refused:
        read_table(rows.encode(), lang)
    assert words in str(refused.value) and "131,072" in str(refused.value)


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_excels_sep_line_says_the_delimiter_and_is_no_header(sep: str) -> None:
    """A CSV made for Excel may open with `sep=;` (Excel reads it as the delimiter and
    shows no such row). Before: it was read as the header, every column 'unknown'."""
    text = f"sep={sep}\r\nname{sep}home_lat\r\n唐阿姨{sep}34.78\r\n"
    for data in (text.encode("utf-8-sig"), text.encode("gb18030")):
        assert read_table(data, "en") == [["name", "home_lat"], ["唐阿姨", "34.78"]]
