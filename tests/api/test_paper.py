"""Paper: a volunteer's day sheets and the noticeboard's week, through the app on SQLite and
PostgreSQL (who may print which sheet, what a sheet says, in both languages, a draft marked as
one), and the sheets built from a small plan whose every word is known."""

from __future__ import annotations

import html
import json
import re

import pendulum
import pytest

from api.pages.sheets import PlanReader
from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.contract.written import written_json
from mutualaid.domain.plan import Plan
from mutualaid.messages import msg_in, using_locale
from mutualaid.services import access, plans, roster, weeks

from .conftest import SAMPLE, Client, infra, wait_for
from .test_pages import AREA, WEEK, Desk, sign_in

PRINT = f"/print/{AREA}/{WEEK}"


@pytest.fixture
def desk(client: Client) -> Desk:
    """The sample week in `jingbalu`, its coordinator, a volunteer (v-wang, 王师傅) and a
    coordinator of another area (as test_pages' desk)."""
    uow = infra(client).uow
    roster.create_area(uow(), access.CLI, AREA, "经八路街道", "Asia/Shanghai")
    roster.create_area(uow(), access.CLI, "north", "North", "Asia/Shanghai")
    data = weeks.read_scenario(SAMPLE.read_bytes(), "application/yaml")
    weeks.import_scenario(uow(), access.CLI, AREA, WEEK, data)
    made = {
        "coordinator": access.create_token(uow(), access.CLI, "coordinator", [AREA]),
        "volunteer": access.create_token(uow(), access.CLI, "volunteer", [AREA], "v-wang"),
        "other": access.create_token(uow(), access.CLI, "coordinator", ["north"]),
    }
    return Desk(
        client, {k: s for k, (_, s) in made.items()}, {k: t.id for k, (t, _) in made.items()}
    )


_SOLVED: list[Plan] = []
"""The sample week's plan as this worker's runner first solved it. The runner solves on the
deterministic clock with one worker, so every later solve of the same week gives this plan:
the tests after the first store it as a finished plan instead of solving the week again (what
they check is how a plan is printed; the first still solves it through the runner)."""


def _solve(d: Desk, publish: bool) -> str:
    uow, found = infra(d.client).uow, infra(d.client)
    if not _SOLVED:
        requested = plans.request_plan(uow(), found.runner, access.CLI, AREA, WEEK)
        wait_for(lambda: not plans.get_plan(uow(), access.CLI, requested.id).active)
        solved = plans.get_plan(uow(), access.CLI, requested.id).result
        assert solved is not None
        _SOLVED.append(solved)
        ident = requested.id
    else:
        with uow() as stored:
            ident = stored.plans.create(AREA, pendulum.parse(WEEK).date()).id
            stored.plans.finish(ident, _SOLVED[0])
            stored.commit()
    if publish:
        plans.publish_plan(uow(), found.repairer, access.CLI, ident)
    return ident


def _result(d: Desk, plan_id: str) -> Json:
    """The plan's JSON as stored (its reasons kept as data)."""
    record = plans.get_plan(infra(d.client).uow(), access.CLI, plan_id)
    assert record.result is not None
    return plan_json.dump(record.result, record.clock, said=True)


def _text(page: str) -> str:
    """The page's words, tags gone and entities read."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_a_coordinator_prints_a_volunteers_week_one_sheet_a_day_as_the_plan_says(
    desk: Desk,
) -> None:
    plan_id = _solve(desk, publish=True)
    result = _result(desk, plan_id)
    wangs = [a for a in result["assignments"] if any(v["id"] == "v-wang" for v in a["volunteers"])]
    assert wangs, "the sample plan gives v-wang nothing"
    sign_in(desk.client, desk.secrets["coordinator"])
    desk.client.cookies.set("lang", "en")
    sheets = desk.client.get(f"{PRINT}/sheets?volunteer=v-wang")
    assert sheets.status_code == 200
    days = {pendulum.parse(a["start"]).in_timezone("Asia/Shanghai").date() for a in wangs}  # type: ignore[union-attr]
    assert sheets.text.count('<article class="sheet"') == len(days)
    text = _text(sheets.text)
    assert text.count("王师傅") >= len(days)  # the name heads every sheet
    for a in wangs:
        start = pendulum.parse(a["start"]).in_timezone("Asia/Shanghai")  # type: ignore[union-attr]
        end = pendulum.parse(a["end"]).in_timezone("Asia/Shanghai")  # type: ignore[union-attr]
        assert f"{start.format('HH:mm')}–{end.format('HH:mm')}" in text
        weekday = msg_in("en", f"day_{start.format('ddd').lower()}")
        assert f"{weekday} · {start.date()}" in text
    assert "Signature" in text and "Notes" in text
    assert "Draft" not in text  # the published plan
    assert "@media print" in desk.client.get("/static/print.css").text


def test_a_day_sheet_names_the_task_the_resident_the_place_and_the_others(desk: Desk) -> None:
    plan_id = _solve(desk, publish=True)
    result = _result(desk, plan_id)
    crewed = next(a for a in result["assignments"] if len(a["volunteers"]) >= 2)
    first, second = crewed["volunteers"][0]["id"], crewed["volunteers"][1]["id"]
    start = pendulum.parse(crewed["start"]).in_timezone("Asia/Shanghai")  # type: ignore[union-attr]
    day = start.format("ddd").lower()
    sign_in(desk.client, desk.secrets["coordinator"])
    desk.client.cookies.set("lang", "zh")
    text = _text(desk.client.get(f"{PRINT}/sheets?volunteer={first}&day={day}").text)
    scenario = written_json(weeks.export_scenario(infra(desk.client).uow(), access.CLI, AREA, WEEK))
    reader = PlanReader(scenario, result, "zh")  # the words the template is given, on the page
    visit = next(v for v in reader.sheets(first, day)[0].visits if v.task == crewed["task"])
    assert visit.title in text and visit.place in text
    # each companion by name, with their phone when the roster has it
    assert reader.reachable(second) in visit.co_volunteers and reader.reachable(second) in text
    assert reader.reachable(second).startswith(reader.name(second))
    if visit.resident:
        assert visit.resident in text
    assert "签名" in text and "备注" in text and "同行" in text


def test_the_volunteer_prints_only_their_own_week_and_only_what_is_published(desk: Desk) -> None:
    _solve(desk, publish=False)
    sign_in(desk.client, desk.secrets["volunteer"])
    desk.client.cookies.set("lang", "en")
    unpublished = desk.client.get(f"{PRINT}/sheets")
    assert unpublished.status_code == 200 and '<article class="sheet"' not in unpublished.text
    assert "no visits in this week's published plan" in _text(unpublished.text)
    _solve(desk, publish=True)
    mine = desk.client.get(f"/my?week={WEEK}")
    assert f'href="{PRINT}/sheets?volunteer=v-wang"' in mine.text  # "Print my week"
    own = desk.client.get(f"{PRINT}/sheets?volunteer=v-wang")
    assert own.status_code == 200 and '<article class="sheet"' in own.text
    assert "王师傅" in own.text and "Draft" not in own.text
    for refused in (
        f"{PRINT}/sheets?volunteer=v-liu",  # another volunteer's
        f"{PRINT}/board",  # the coordinator's noticeboard
        f"/print/north/{WEEK}/sheets",  # another area
    ):
        assert desk.client.get(refused).status_code == 403, refused
    other = _text(desk.client.get(f"{PRINT}/sheets?volunteer=v-liu").text)
    assert "only act for volunteer 'v-wang'" in other  # not "may not act in area"


def test_a_coordinator_of_another_area_may_print_nothing_here(desk: Desk) -> None:
    _solve(desk, publish=True)
    sign_in(desk.client, desk.secrets["other"])
    for path in (f"{PRINT}/sheets?volunteer=v-wang", f"{PRINT}/sheets?day=mon", f"{PRINT}/board"):
        assert desk.client.get(path).status_code == 403, path


def test_refusals_of_a_print_read_in_chinese_under_zh(desk: Desk) -> None:
    """A day that is no weekday and a page the volunteer may not open say so in Chinese:
    the kind ('page') and the role ('volunteer') were left in English."""
    _solve(desk, publish=True)
    sign_in(desk.client, desk.secrets["volunteer"])
    desk.client.cookies.set("lang", "zh")
    no_day = desk.client.get(f"{PRINT}/sheets?day=someday")
    assert no_day.status_code == 404
    assert "不存在的页面 'someday'" in _text(no_day.text) and "page" not in _text(no_day.text)
    board = desk.client.get(f"{PRINT}/board")
    assert board.status_code == 403
    assert "志愿者 令牌无权执行此操作" in _text(board.text), _text(board.text)
    desk.client.cookies.set("lang", "en")
    assert "a volunteer token may not do this" in _text(desk.client.get(f"{PRINT}/board").text)


def test_nobody_signed_in_is_sent_to_sign_in(desk: Desk) -> None:
    answer = desk.client.get(f"{PRINT}/board", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/?next=")


def test_without_a_published_plan_the_latest_is_printed_marked_a_draft(desk: Desk) -> None:
    sign_in(desk.client, desk.secrets["coordinator"])
    desk.client.cookies.set("lang", "en")
    nothing = desk.client.get(f"{PRINT}/board")
    assert nothing.status_code == 200 and "this week has no finished plan" in nothing.text
    _solve(desk, publish=False)
    board = desk.client.get(f"{PRINT}/board")
    assert "Draft — not published" in board.text
    sheets = desk.client.get(f"{PRINT}/sheets")
    count = sheets.text.count('<article class="sheet"')
    assert count >= 1 and sheets.text.count("Draft — not published") == count  # on every page
    desk.client.cookies.set("lang", "zh")
    assert "草稿——尚未发布" in desk.client.get(f"{PRINT}/board").text


def test_print_all_for_a_day_gives_a_sheet_to_everyone_out_that_day(desk: Desk) -> None:
    plan_id = _solve(desk, publish=True)
    result = _result(desk, plan_id)
    out = {
        v["id"]
        for a in result["assignments"]
        for v in a["volunteers"]
        if pendulum.parse(a["start"]).in_timezone("Asia/Shanghai").weekday() == 2  # type: ignore[union-attr]
    }
    sign_in(desk.client, desk.secrets["coordinator"])
    sheets = desk.client.get(f"{PRINT}/sheets?day=wed")
    assert sheets.text.count('<article class="sheet"') == len(out)
    plan_page = desk.client.get(f"/desk/{AREA}/weeks/{WEEK}/plans/{plan_id}").text
    assert f"{PRINT}/sheets?day=wed&amp;plan={plan_id}" in plan_page
    assert f"{PRINT}/sheets?volunteer=v-wang&amp;plan={plan_id}" in plan_page
    assert f"{PRINT}/board?plan={plan_id}" in plan_page
    assert desk.client.get(f"{PRINT}/sheets?day=someday").status_code == 404
    assert desk.client.get(f"{PRINT}/sheets?volunteer=v-nobody").status_code == 404


def test_the_noticeboard_is_a_landscape_grid_of_names_with_the_unserved_and_why(
    desk: Desk,
) -> None:
    plan_id = _solve(desk, publish=True)
    result = _result(desk, plan_id)
    sign_in(desk.client, desk.secrets["coordinator"])
    for lang, day, reason_of in (("en", "Wednesday", "en"), ("zh", "星期三", "zh")):
        desk.client.cookies.set("lang", lang)
        board = desk.client.get(f"{PRINT}/board")
        assert board.status_code == 200
        assert "size: A4 landscape" in board.text
        text = _text(board.text)
        assert day in text and "王师傅" in text
        assert "v-wang" not in text  # names, not ids
        for u in result["unserved"]:
            assert msg_in(reason_of, f"reason_{u['reason']}") in text
        with using_locale(lang):  # why, in the reader's language (stored as data)
            said = [plan_json.reason_of(u.get("detail_said")) for u in result["unserved"]]
            details = [plan_json.detail_text(r) for r in said if r is not None]
        assert details and all(d in text for d in details), (details, text)
        rows = board.text.count('<th scope="row">')
        assert rows == len({v["id"] for a in result["assignments"] for v in a["volunteers"]})


SMALL: Json = {
    "timezone": "Asia/Shanghai", "week_start": "2026-11-30",
    "sites": [{"id": "s-hall", "name": "Hall", "location": {"lat": 34.78, "lon": 113.68}}],
    "residents": [{"id": "r-li", "name": "Li Na", "location": {"lat": 34.79, "lon": 113.69},
                   "address": "3 Elm Lane", "phone": "555-0101"}],
    "volunteers": [{"id": "v-a", "name": "Ann"}, {"id": "v-b", "name": "Bo"}],
    "tasks": [
        {"id": "t-fix", "title": "Fix the fridge", "resident": "r-li", "priority": "high"},
        {"id": "t-tea", "title": "Tea party", "site": "s-hall"},
        {"id": "t-eyes", "title": "Eye clinic", "resident": "r-li", "priority": "urgent"},
    ],
}  # fmt: skip
SMALL_PLAN: Json = {
    "assignments": [
        {"task": "t-tea", "start": "2026-11-30T14:00:00+08:00", "end": "2026-11-30T15:00:00+08:00",
         "volunteers": [{"id": "v-a", "role": 0}, {"id": "v-b", "role": 0}]},
        {"task": "t-fix", "start": "2026-11-30T09:00:00+08:00", "end": "2026-11-30T10:30:00+08:00",
         "volunteers": [{"id": "v-a", "role": 0}]},
    ],
    "unserved": [{"task": "t-eyes", "reason": "no_skill", "detail": "no ophthalmology"}],
    "routes": {"v-a": [{"block": 0, "stops": [{"task": "t-fix", "travel_in": 7},
                                              {"task": "t-tea", "travel_in": 12}],
                        "travel_home": 9}]},
}  # fmt: skip


def test_a_sheet_lists_the_days_visits_in_order_with_travel_and_the_contact_slot() -> None:
    (sheet,) = PlanReader(SMALL, SMALL_PLAN, "en").sheets("v-a")
    assert (sheet.name, sheet.day, sheet.date) == ("Ann", "Monday", "2026-11-30")
    fix, tea = sheet.visits
    assert (fix.start, fix.end, fix.title, fix.resident, fix.place) == (
        "09:00",
        "10:30",
        "Fix the fridge",
        "Li Na",
        "Li Na's home",
    )
    assert (fix.travel_in, fix.from_home, fix.travel_home) == (7, True, None)
    assert (fix.address, fix.phone) == ("3 Elm Lane", "555-0101")
    assert (tea.place, tea.co_volunteers, tea.travel_in, tea.from_home, tea.travel_home) == (
        "Hall",
        ("Bo",),
        12,
        False,
        9,
    )
    (bos,) = PlanReader(SMALL, SMALL_PLAN, "zh").sheets("v-b")
    assert (bos.day, bos.visits[0].co_volunteers, bos.visits[0].travel_in) == (
        "星期一",
        ("Ann",),
        None,
    )


def test_the_board_has_a_row_per_volunteer_a_column_per_day_and_the_unserved_in_words() -> None:
    board = PlanReader(SMALL, SMALL_PLAN, "zh").board()
    assert [name for name, _ in board.days] == [
        "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"
    ]  # fmt: skip
    assert [name for name, _ in board.rows] == ["Ann", "Bo"]
    ann = board.rows[0][1]
    assert [v.title for v in ann[0]] == ["Fix the fridge", "Tea party"] and ann[1:] == [[]] * 6
    (eyes,) = board.unserved
    assert (eyes.title, eyes.priority, eyes.reason) == (
        "Eye clinic",
        "urgent",
        msg_in("zh", "reason_no_skill"),
    )


def test_visits_withdrawn_or_declined_since_the_plan_are_not_printed() -> None:
    """The plan may still give a task deleted since (its visits withdrawn) or a pair declined
    whose repair is still to be made: the coordinator's sheets and board leave them out, as
    the volunteer's own print does, so nobody is sent to a visit that is off."""
    week = {
        **SMALL,
        "tasks": [t for t in SMALL["tasks"] if t["id"] not in ("t-fix", "t-eyes")],
        "declined": [{"task": "t-tea", "volunteer": "v-b"}],
    }
    reader = PlanReader(week, SMALL_PLAN, "en")
    (ann,) = reader.sheets("v-a")
    assert [(v.title, v.co_volunteers) for v in ann.visits] == [("Tea party", ())]
    assert reader.sheets("v-b") == []
    board = reader.board()
    assert [name for name, _ in board.rows] == ["Ann"] and board.unserved == []


def test_a_long_week_is_paged_by_fifty_and_the_page_links_keep_the_filters(client: Client) -> None:
    uow = infra(client).uow
    roster.create_area(uow(), access.CLI, AREA, "经八路街道", "Asia/Shanghai")
    data = json.loads(
        json.dumps(weeks.read_scenario(SAMPLE.read_bytes(), "yaml").data, default=str)
    )
    model = next(t for t in data["tasks"] if t["id"] == "t-fridge-zhang")
    data["tasks"] += [
        {**model, "id": f"t-extra-{n:03}", "title": f"Extra visit {n:03}"} for n in range(1, 121)
    ]
    data = weeks.read_scenario(json.dumps(data).encode(), "application/json")
    weeks.import_scenario(uow(), access.CLI, AREA, WEEK, data)
    secret = access.create_token(uow(), access.CLI, "coordinator", [AREA])[1]
    sign_in(client, secret)
    client.cookies.set("lang", "en")
    week = f"/desk/{AREA}/weeks/{WEEK}"
    first = client.get(week).text
    assert first.count("<tr>\n      <td><strong>") == 50
    assert "Showing 1–50 of 140" in _text(first)
    assert 'href="?page=3"' in first and 'href="?page=4"' not in first
    found = client.get(f"{week}?q=extra+visit&show=unserved&page=3").text
    assert "Showing 101–120 of 120" in _text(found)
    assert "Extra visit 120" in found and "Extra visit 100" not in found
    assert 'href="?q=extra+visit&amp;show=unserved&amp;page=2"' in found  # the filters kept
    assert '<label for="f-q">Find</label>' in found and '<label for="f-show">Show</label>' in found
    beyond = client.get(f"{week}?q=EXTRA&page=9").text  # the last page; case is no matter
    assert "Showing 101–120 of 120" in _text(beyond)
    assert "Showing 1–50 of 140" in _text(client.get(f"{week}?page=x").text)
