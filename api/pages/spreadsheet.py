"""Spreadsheets in and out: a list (volunteers, residents, a week's tasks) read from CSV or
.xlsx with English or Chinese column headers and turned, row by row, into the entries the
roster and task forms would make; and the same lists, the published plan and empty templates
written back as CSV or .xlsx. Cells are read as the forms read their fields (lists split on
commas, one time window per line or `;`)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils import get_column_letter

from api.pages.common import Form
from api.pages.roster_forms import entity_from, problem_fields, values_of
from api.pages.sheet_xml import fill_merged, marks
from api.pages.task_forms import TASK_FIELDS, task_form_values, task_from_form
from mutualaid.contract.data import Json
from mutualaid.messages import msg_in
from mutualaid.services.cells import as_typed, inert
from mutualaid.services.imports import MAX_ROWS, Row, RowProblem

LISTS = ("volunteers", "residents", "tasks")
FORMATS = ("csv", "xlsx")
MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

MAX_COLUMNS = 100
"""Columns read from a sheet: a list has a dozen; a cell further right is refused."""
EXCEL_ROWS = 1_048_576
"""Excel's last row: a sheet numbering a row past it is no spreadsheet a person saved."""
MAX_UNPACKED_BYTES = 64 * 2**20
"""What an .xlsx may unpack to (5,000 rows of a list take a few MB)."""


@dataclass(frozen=True)
class Column:
    field: str
    """The form's field the cell fills (roster_forms.FIELDS, task_forms' names)."""
    en: str
    zh: str
    aliases: tuple[str, ...] = ()

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


_CONTACT = (Column("phone", "phone", "电话", ("手机", "联系电话")),
            Column("address", "address", "地址", ("住址",)))  # fmt: skip
COLUMNS: dict[str, tuple[Column, ...]] = {
    "volunteers": (
        Column("id", "id", "编号"), Column("name", "name", "姓名", ("名字",)), *_CONTACT,
        Column("skills", "skills", "技能"),
        Column("lat", "home_lat", "住址纬度", ("lat", "纬度")),
        Column("lon", "home_lon", "住址经度", ("lon", "经度")),
        Column("mode", "mode", "出行方式"),
        Column("max_travel_minutes", "max_travel_minutes", "最远路程分钟"),
        Column("max_hours_per_week", "max_hours_per_week", "每周最多小时"),
        Column("availability", "availability", "可服务时间"),
        Column("gender", "gender", "性别"), Column("vetted", "vetted", "已审核"),
    ),
    "residents": (
        Column("id", "id", "编号"), Column("name", "name", "姓名", ("名字",)), *_CONTACT,
        Column("lat", "lat", "纬度"), Column("lon", "lon", "经度"),
        Column("categories", "categories", "类别"),
        Column("preferred_volunteers", "preferred_volunteers", "偏好志愿者"),
        Column("gender_preference", "gender_preference", "性别偏好"),
    ),
    "tasks": (
        Column("id", "id", "编号"), Column("title", "title", "标题", ("任务",)),
        Column("resident", "resident", "居民"), Column("site", "site", "地点", ("场所",)),
        Column("priority", "priority", "优先级"),
        Column("duration_minutes", "duration_minutes", "时长分钟", ("时长",)),
        Column("windows", "windows", "时间窗", ("时间",)),
        Column("start", "start", "开始时间"), Column("needs", "needs", "需要"),
    ),
}  # fmt: skip
"""Each list's columns, in the order a template and an export write them."""

WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "mode": {"walk": ("walk", "步行"), "bike": ("bike", "自行车"), "ebike": ("ebike", "电动车"),
             "car": ("car", "汽车")},
    "gender": {"m": ("m", "男"), "f": ("f", "女")},
    "gender_preference": {"m": ("m", "男"), "f": ("f", "女")},
    "vetted": {"on": ("yes", "是"), "": ("no", "否")},
    "priority": {"urgent": ("urgent", "紧急"), "high": ("high", "高"),
                 "normal": ("normal", "普通"), "low": ("low", "低")},
}  # fmt: skip
"""Coded cells: the code -> its English and Chinese words (read back as either or the code)."""
_YES = ("yes", "y", "true", "1", "是", "✓", "√", "x", "on")
_LINES = ("availability", "windows", "needs")
_SPLIT = re.compile(r"\s*[;；\n]\s*")
_SEP_LINE = re.compile(r"sep=(.)")


class TableError(Exception):
    """A file that is no table this can read (not CSV, not .xlsx, empty): the message says
    what, in the person's language."""


# --- reading ---------------------------------------------------------------------------------


def read_table(data: bytes, lang: str, name: str = "") -> list[list[str]]:
    """The file's rows as text (the first is the header): an .xlsx workbook's first sheet,
    else CSV in UTF-8 (with or without a BOM), UTF-16 with its BOM (Excel's "Unicode text",
    tab-separated) or GB18030, as Chinese Excel saves it. A file that reads as GB18030 but
    looks like another encoding (`_not_gbk`) is refused, naming `name` and the row."""
    if not data.strip():
        raise TableError(msg_in(lang, "import_empty_file"))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, lang)
    # Excel's "Unicode text" is UTF-16 with its byte-order mark; else UTF-8 or GB18030
    utf16 = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    first_bad: UnicodeDecodeError | None = None
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            first_bad = first_bad or exc
            continue
    else:
        raise _not_text(data, first_bad, utf16, lang)
    if encoding == "gb18030" and (suspect := _not_gbk(text)) is not None:
        line = text.splitlines()[suspect - 1]
        sample = "".join(c for c in line if ord(c) > 0x7F)[:12]
        raise TableError(msg_in(lang, "import_not_gbk", name=name or "CSV", row=suspect,
                                sample=sample))  # fmt: skip
    if "\x00" in text:
        raise TableError(msg_in(lang, "import_not_table"))
    first, _, rest = text.partition("\n")
    if said := _SEP_LINE.fullmatch(first.rstrip("\r")):
        # Excel's own hint, "sep=;": the delimiter, and no row (Excel shows none, so the
        # rows keep the numbers Excel gives them)
        text, delimiter = rest, said.group(1)
        dialect: Any = type("Said", (csv.excel,), {"delimiter": delimiter})
    else:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
    out: list[list[str]] = []
    filled = 0
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:  # as an .xlsx: a header of 200,000 names took 15 s
                if any(cell.strip() for cell in row[MAX_COLUMNS:]):
                    raise TableError(msg_in(lang, "import_too_many_columns", most=MAX_COLUMNS))
                row = row[:MAX_COLUMNS]
            cells = [as_typed(cell.strip()).strip() for cell in row]
            filled += any(cells)
            if filled > MAX_ROWS + 1:  # the header and the rows a file may hold, as an .xlsx
                raise TableError(msg_in(lang, "import_too_many_rows", most=f"{MAX_ROWS:,}"))
            out.append(cells)
    except csv.Error:  # a cell past the reader's limit (131,072 characters), or worse
        most = f"{csv.field_size_limit():,}"
        raise TableError(
            msg_in(lang, "import_cell_too_long", row=len(out) + 1, most=most)
        ) from None
    return out


def _not_text(data: bytes, exc: UnicodeDecodeError | None, utf16: bool, lang: str) -> TableError:
    """A CSV in an encoding this does not read (Latin-1, Shift-JIS with bytes GBK lacks...):
    said as that, with the row of the first byte UTF-8 does not read, not as "no table"."""
    if exc is None or utf16 or b"\x00" in data[:1024]:
        return TableError(msg_in(lang, "import_not_table"))
    row = data[: exc.start].count(b"\n") + 1
    return TableError(msg_in(lang, "import_not_text", row=row))


def _not_gbk(text: str) -> int | None:
    """The row of the first suspect character when text read as GB18030 looks like another
    encoding read wrong (Shift-JIS kana, Big5, Latin-1 pairs happen to be valid GBK): Chinese
    Excel's text is almost all GB2312 (both bytes 0xA1-0xFE), so more than a third of its
    non-ASCII characters outside GB2312 is suspect; None when it looks like Chinese."""
    wide = odd = 0
    first: int | None = None
    for row, line in enumerate(text.splitlines(), 1):
        for c in line:
            if ord(c) < 0x80:
                continue
            wide += 1
            code = c.encode("gb18030")
            if len(code) != 2 or not (0xA1 <= code[0] <= 0xFE and 0xA1 <= code[1] <= 0xFE):
                odd += 1
                first = row if first is None else first
    return first if wide >= 2 and 3 * odd > wide else None


def _read_xlsx(data: bytes, lang: str) -> list[list[str]]:
    """The first sheet's rows, read no further than a list can go: a few kilobytes may hold
    a million rows, or declare 16,384 columns each, and are refused as they are read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            unpacked = sum(i.file_size for i in packed.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            most = f"{MAX_UNPACKED_BYTES // 2**20} MB"
            raise TableError(msg_in(lang, "import_unpacks_too_big", most=most))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise TableError(msg_in(lang, "import_not_table")) from None
    try:
        rows = _rows_of_sheet(book.worksheets[0], lang)
        merged, unsaved = marks(book.worksheets[0])
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, ParseError):
        raise TableError(msg_in(lang, "import_not_table")) from None
    finally:
        book.close()
    if unsaved:
        cells = ", ".join(unsaved[:5]) + (" …" if len(unsaved) > 5 else "")
        raise TableError(msg_in(lang, "import_formula_unsaved", cells=cells))
    fill_merged(rows, merged)
    return rows


def _rows_of_sheet(sheet: Any, lang: str) -> list[list[str]]:
    sheet.reset_dimensions()  # each row as wide as its last cell, not as the sheet claims
    rows: list[list[str]] = []
    filled = wide = 0
    blank: list[str] = []  # one list for every blank row: a gap of a million rows is cheap
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > EXCEL_ROWS:
            raise TableError(msg_in(lang, "import_too_many_rows", most=f"{MAX_ROWS:,}"))
        if len(values) > MAX_COLUMNS:  # formatting far right is no content, but costs
            wide += 1
            if wide > MAX_ROWS or any(v not in (None, "") for v in values[MAX_COLUMNS:]):
                raise TableError(msg_in(lang, "import_too_many_columns", most=MAX_COLUMNS))
            values = values[:MAX_COLUMNS]
        cells = [as_typed(_cell(v)).strip() for v in values]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            rows.append(blank)
            continue
        filled += 1
        if filled > MAX_ROWS + 1:  # the header and the rows a file may hold
            raise TableError(msg_in(lang, "import_too_many_rows", most=f"{MAX_ROWS:,}"))
        rows.append(cells)
    while rows and rows[-1] is blank:
        rows.pop()
    return [r if r is not blank else [] for r in rows]


def _cell(value: Any) -> str:
    """A cell as the text a person typed: 34.7 stays 34.7, 60.0 is 60, a time is HH:MM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _key(header: str) -> str:
    return re.sub(r"[\s_()（）]+", "", header.strip().lower())


def header_fields(
    kind: str, header: Sequence[str], lang: str
) -> tuple[list[str | None], list[RowProblem]]:
    """Each header cell's field (None for an empty one), and an unknown header's problem."""
    known: dict[str, str] = {}
    for c in COLUMNS[kind]:
        for name in (c.field, c.en, c.zh, *c.aliases):
            known[_key(name)] = c.field
    fields: list[str | None] = []
    problems = []
    for text in header:
        field = known.get(_key(text)) if text.strip() else None
        if text.strip() and field is None:
            choices = ", ".join(c.header(lang) for c in COLUMNS[kind])
            problems.append(RowProblem(1, text, msg_in(lang, "import_unknown_column",
                                                       column=text, choices=choices)))  # fmt: skip
        elif field is not None and field in fields:
            problems.append(RowProblem(1, text, msg_in(lang, "import_column_twice", column=text)))
            field = None
        fields.append(field)
    if "name" not in fields and "title" not in fields:
        first = COLUMNS[kind][1].header(lang)
        problems.append(RowProblem(1, first, msg_in(lang, "import_missing_column", column=first)))
    return fields, problems


def _coded(field: str, text: str) -> str:
    words = WORDS.get(field)
    if field == "vetted":
        return "on" if text.strip().lower() in _YES else ""
    if words is None or not text:
        return text
    for code, names in words.items():
        if text.strip().lower() in (code, *(n.lower() for n in names)):
            return code
    return text


def rows_of(
    kind: str, table: list[list[str]], stored: dict[str, Json], lang: str,
    names: dict[str, dict[str, str]] | None = None,
) -> tuple[list[Row], list[RowProblem]]:  # fmt: skip
    """The table's rows as entries (blank rows skipped), each on top of the stored one of its
    id (columns the file leaves out, and cells left empty, keep what is stored); what a cell
    cannot say is a problem at its row and column. A task's resident or site may be named by
    its name (`names`: column -> name -> id, for names only one entry has)."""
    if not table:
        raise TableError(msg_in(lang, "import_empty_file"))
    fields, problems = header_fields(kind, table[0], lang)
    headers = {f: table[0][i] for i, f in enumerate(fields) if f}
    rows: list[Row] = []
    for number, cells in enumerate(table[1:], start=2):
        given = {f: cells[i] if i < len(cells) else "" for i, f in enumerate(fields) if f}
        if not any(v.strip() for v in given.values()):
            continue
        if not given.get("id") and given.get("name"):
            given["id"] = given["name"]  # people are known by name: the name is the id
        elif not given.get("id") and kind == "tasks":  # as the form: a new task, a random id
            given["id"] = f"t-{secrets.token_hex(3)}"
        given = {f: _coded(f, v) for f, v in given.items()}
        for f in _LINES:
            if f in given:
                given[f] = "\n".join(x for x in _SPLIT.split(given[f]) if x)
        for f, by_name in (names or {}).items():
            if given.get(f) in by_name:
                given[f] = by_name[given[f]]
        base = stored.get(given.get("id", "").strip(), {})
        if base:  # a known entry: the cells left empty keep what is stored
            given = {f: v for f, v in given.items() if v.strip()}
        form = Form()
        item = _item(kind, given, base, lang, form)
        problems += [RowProblem(number, _column(kind, f, headers, lang), m)
                     for f, found in form.errors.items() for m in dict.fromkeys(found)]  # fmt: skip
        rows.append(Row(number, item))
    return rows, problems


def _column(kind: str, field: str, headers: dict[str, str], lang: str) -> str:
    """A form field's column as the file heads it, else as the template does: the form tells
    an unread home beside `lat`, though the file may have no such column."""
    if field in headers:
        return headers[field]
    column = next((c for c in COLUMNS[kind] if c.field == field), None)
    return column.header(lang) if column else field


def names_of(entries: Iterable[Json]) -> dict[str, str]:
    """Name -> id of the entries whose name is theirs alone and is no other's id."""
    found = list(entries)
    ids = {str(e["id"]) for e in found}
    count: dict[str, int] = {}
    for e in found:
        count[str(e.get("name"))] = count.get(str(e.get("name")), 0) + 1
    return {str(e["name"]): str(e["id"]) for e in found
            if count[str(e.get("name"))] == 1 and str(e.get("name")) not in ids}  # fmt: skip


def _item(kind: str, given: dict[str, str], base: Json, lang: str, form: Form) -> Json:
    ident = given.get("id", "").strip()
    if kind == "tasks":
        data = {**{k: str(v) for k, v in task_form_values(base).items()}, **given}
        if "resident" in given or "site" in given:
            where = "resident" if given.get("resident") else "site"
            data["place"] = f"{where}:{given[where]}" if given.get(where) else ""
        item = task_from_form(data, base, lang, form)
    else:
        before = values_of(kind, base)
        before["vetted"] = "on" if before.get("vetted") else ""
        data = {**{k: str(v) for k, v in before.items()}, **given}
        item = entity_from(kind, data, base, lang, form)
    return {**item, "id": ident} if ident else item


def column_of(
    kind: str, path: str, row: Row, lang: str, headers: dict[str, str] | None = None
) -> str:
    """The column a use case's problem path names (`home.lat` the home latitude's,
    `needs[0].skill` the needs'), as the file heads it (`headers`: field -> its header), else
    in the person's language."""
    key = re.split(r"[.\[]", path, maxsplit=1)[0]
    if kind == "tasks":
        field = TASK_FIELDS.get(key, key)
        if field == "place":
            field = "site" if row.item.get("site") else "resident"
    else:
        field = problem_fields(kind).get(key, key)
    if headers and field in headers:
        return headers[field]
    column = next((c for c in COLUMNS[kind] if c.field == field), None)
    return column.header(lang) if column else path


# --- writing ---------------------------------------------------------------------------------


def list_rows(kind: str, entries: Iterable[Json], lang: str) -> list[list[str]]:
    """A stored list as a table the import reads back (header first)."""
    out = [[c.header(lang) for c in COLUMNS[kind]]]
    for e in entries:
        values = task_form_values(e) if kind == "tasks" else values_of(kind, e)
        if kind == "tasks":
            where, _, ident = str(values.pop("place") or "").partition(":")
            values[where] = ident
        if kind == "volunteers":
            values["vetted"] = "on" if values.get("vetted") else ""
        row = []
        for c in COLUMNS[kind]:
            text = str(values.get(c.field, "") if values.get(c.field) is not None else "")
            if c.field in WORDS and text in WORDS[c.field]:
                text = WORDS[c.field][text][1 if lang == "zh" else 0]
            row.append("; ".join(text.splitlines()) if c.field in _LINES else text)
        out.append(row)
    return out


def write_table(
    rows: list[list[str]], fmt: str, title: str,
    more: Sequence[tuple[str, list[list[str]]]] = (),
) -> bytes:  # fmt: skip
    """CSV (UTF-8 with a BOM, so Excel reads Chinese) or an .xlsx workbook of one sheet; each
    of `more` (a title and its rows) is a sheet after it, or in a CSV, after a blank row, its
    title on a row of its own, then its rows."""
    if fmt == "csv":
        text = io.StringIO()
        written = [*rows]
        for name, extra in more:
            written += [[], [name], *extra]
        csv.writer(text, lineterminator="\r\n").writerows([[inert(v) for v in r] for r in written])
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    _fill(sheet, title, rows)
    for name, extra in more:
        _fill(book.create_sheet(), name, extra)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: Any, title: str, rows: list[list[str]]) -> None:
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "list"
    for row in rows:
        sheet.append([_typed(v) for v in row])
        for cell in sheet[sheet.max_row]:  # text a person typed, never a formula to run
            if cell.data_type == "f":
                cell.data_type = "s"
    for i, width in enumerate(_widths(rows), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _typed(text: str) -> Any:
    """Numbers as numbers (Excel then sums them) where the number reads back as the same
    text; ids, phones ('0371.6123'), '1.10' and times stay text."""
    if re.fullmatch(r"-?\d+\.\d+", text) and _cell(float(text)) == text:
        return float(text)
    return text


def _widths(rows: list[list[str]]) -> list[float]:
    widths: list[float] = []
    for row in rows[:200]:
        for i, text in enumerate(row):
            wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
            if i >= len(widths):
                widths.append(8)
            widths[i] = min(max(widths[i], wide + 2), 50)
    return widths
