"""A CSV an outsider's attack sent (stop 26, D2): a header of 200,000 names took the server 15 s
to answer with 200,000 problems, so a CSV is held to the columns an .xlsx is held to; a Latin-1
or other non-UTF-8, non-GBK file is said to be that, with the row of its first unread byte, not
"not a CSV or Excel file"; a Shift-JIS or Big5 file that happens to decode as GBK is said to
look garbled, with its file and row, rather than read as garbled text."""

from __future__ import annotations

import pytest

from api.pages.spreadsheet import MAX_COLUMNS, TableError, read_table


def test_a_csv_header_wider_than_any_list_is_refused_as_columns() -> None:
    data = (",".join(f"c{i}" for i in range(200_000)) + "\nx\n").encode()
    with pytest.raises(TableError, match=f"column {MAX_COLUMNS}"):
        read_table(data, "en")
    with pytest.raises(TableError, match="名单最多"):
        read_table(data, "zh")


def test_empty_cells_past_the_last_column_are_no_content() -> None:
    # a spreadsheet saved with its formatting far to the right: commas, no text
    data = ("name,lat" + "," * 300 + "\n王芳,39.9" + "," * 300 + "\n").encode()
    rows = read_table(data, "en")
    assert rows[1][:2] == ["王芳", "39.9"]
    assert len(rows[1]) == MAX_COLUMNS


def test_a_latin_1_csv_is_said_to_be_neither_utf_8_nor_gbk_with_its_row() -> None:
    data = "id,name\nr-1,Anna\nr-2,Zoë Müller\n".encode("latin-1")
    with pytest.raises(TableError, match=r"^row 3: the text is neither UTF-8 nor GBK"):
        read_table(data, "en")
    with pytest.raises(TableError, match=r"^第 3 行：文字既不是 UTF-8 也不是 GBK"):
        read_table(data, "zh")


def test_binary_is_still_no_table() -> None:
    with pytest.raises(TableError, match="not a CSV or Excel"):
        read_table(bytes(range(256)) * 10, "en")


SHIFT_JIS = "id,name,note\nr-1,Anna,\nr-2,日本語テスト,こんにちは\n".encode("shift_jis")


@pytest.mark.parametrize(
    "data",
    [SHIFT_JIS, "id,name\nr-1,Anna\nr-2,陳大文,臺北市\n".encode("big5")],
    ids=["shift-jis", "big5"],
)
def test_a_csv_in_another_encoding_that_happens_to_read_as_gbk_is_said_with_file_and_row(
    data: bytes,
) -> None:
    """Before: read as GB18030 without a word, `日本語テスト` stored as `擔杮岅僥僗僩`."""
    with pytest.raises(TableError, match=r"^people\.csv, row 3: read as GBK .* looks garbled"):
        read_table(data, "en", "people.csv")
    with pytest.raises(TableError, match=r"^people\.csv 第 3 行：按 GBK.*乱码"):
        read_table(data, "zh", "people.csv")


def test_chinese_excel_s_gbk_is_read_even_with_a_rare_name() -> None:
    data = "编号,姓名,地址\nr-1,王喆,经八路 5 号\nr-2,李堃,郑州市金水区\n".encode("gbk")
    assert read_table(data, "zh", "people.csv")[1:] == [
        ["r-1", "王喆", "经八路 5 号"], ["r-2", "李堃", "郑州市金水区"]]  # fmt: skip
