"""What is not served, on paper and in the plan's spreadsheet export as on the desk's plan
page: each unserved task with its reason, its detail naming skills, people and tasks by name,
and what would serve it, in the reader's language (SQLite and PostgreSQL). Found (stop 24,
E3): the export listed the visits only, and the noticeboard gave no suggestions."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import openpyxl
import pendulum
import pytest

from mutualaid.domain.plan import Suggestion
from mutualaid.services import access, plans

from .conftest import infra
from .test_named_reasons import EXCLUDED, IDS
from .test_pages import AREA, WEEK, Desk, sign_in
from .test_paper import _SOLVED, _solve, _text, desk

__all__ = ["desk"]  # the fixture, used by name

MOVE = Suggestion(
    "move_day", "Offer it on Thursday", ({"op": "add", "path": "/tasks/0/windows/-", "value": {}},),
    {"task": "调解邻里纠纷", "day": "thu", "start": "09:00", "end": "11:00", "people": ["王师傅"]},
)  # fmt: skip
WORDS = {
    "en": ["Why not served", "appliance repair", "王师傅, 刘师傅",
           "Offer 调解邻里纠纷 on Thu 09:00-11:00 as well: 王师傅 can do it then."],
    "zh": ["未能安排的原因", "“家电维修”", "已拒绝：王师傅, 刘师傅",
           "调解邻里纠纷也可安排在周四 09:00-11:00：那时王师傅有空。"],
}  # fmt: skip
"""What the export says of the unserved task (the board has no column headers)."""


def _published(d: Desk) -> str:
    """The sample's plan with t-mediate-estate unserved (excluded: v-wang and v-liu
    declined) and one suggestion, published; its id."""
    _solve(d, publish=False)
    solved = _SOLVED[0]
    unserved = [
        replace(u, detail=EXCLUDED, suggestions=(MOVE,)) if u.task == "t-mediate-estate" else u
        for u in solved.unserved
    ]
    assert [u.task for u in unserved] == ["t-mediate-estate"], unserved
    uow = infra(d.client).uow
    with uow() as stored:
        ident = stored.plans.create(AREA, pendulum.parse(WEEK).date()).id
        stored.plans.finish(ident, replace(solved, unserved=unserved))
        stored.commit()
    plans.publish_plan(uow(), infra(d.client).repairer, access.CLI, ident)
    return ident


def _no_ids(text: str) -> None:
    for ident in IDS:
        assert f"“{ident}”" not in text and f"'{ident}'" not in text, ident
        assert f"：{ident}" not in text and f": {ident}" not in text, ident


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_noticeboard_gives_each_unserved_task_its_reason_by_name_and_what_would_serve_it(
    desk: Desk, lang: str
) -> None:
    _published(desk)
    sign_in(desk.client, desk.secrets["coordinator"])
    desk.client.cookies.set("lang", lang)
    board = desk.client.get(f"/print/{AREA}/{WEEK}/board")
    assert board.status_code == 200, board.text[:300]
    text = _text(board.text)
    for word in WORDS[lang][1:]:
        assert word in text, (lang, word)
    _no_ids(text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_plan_export_lists_the_unserved_with_reason_detail_and_suggestions_by_name(
    desk: Desk, lang: str
) -> None:
    """CSV: the visits, a blank row, the unserved section's title, its header and a row per
    unserved task; .xlsx: the visits' sheet as before, the unserved on a sheet of their own."""
    _published(desk)
    sign_in(desk.client, desk.secrets["coordinator"])
    desk.client.cookies.set("lang", lang)
    got = desk.client.get(f"/desk/{AREA}/export/plan.csv?week={WEEK}")
    assert got.status_code == 200, got.text[:300]
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    gap = rows.index([])
    title = {"en": "Not served", "zh": "未能安排"}[lang]
    assert rows[gap + 1] == [title], rows[gap:]
    header, *unserved = rows[gap + 2 :]
    assert header[0] in ("Task", "任务") and header[-1] in ("Short id", "编号"), header
    (row,) = unserved
    assert row[-1] == "t-mediate-estate" and row[1] in ("normal", "普通", "high", "高"), row
    flat = "\n".join(row)
    for word in WORDS[lang][1:]:
        assert word in flat, (lang, word, row)
    assert WORDS[lang][0] in header, header
    _no_ids("\n".join(row[:-1]))

    book = desk.client.get(f"/desk/{AREA}/export/plan.xlsx?week={WEEK}")
    assert book.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(book.content)).worksheets
    assert [s.title for s in sheets][1:] == [title]
    first = list(sheets[0].iter_rows(values_only=True))
    assert all(r[-1] != "t-mediate-estate" for r in first[1:])  # the visits' sheet as before
    second = [[str(c or "") for c in r] for r in sheets[1].iter_rows(values_only=True)]
    assert second == [header, row], second
