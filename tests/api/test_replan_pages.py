"""A new request and an absence by the pages (SQLite and PostgreSQL): the coordinator's form,
the options table, the one chosen applied and published with every volunteer whose visit
changed named, a stale option said in plain words; an absence recorded from the roster or the
week with its repair shown, listed and removed; a volunteer's own "I am ill / away"; and each
in English and Chinese, with CSRF and access as the other forms."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import load_scenario
from mutualaid.messages import msg_in, using_locale
from mutualaid.services import access
from solver.service import PlannerSettings, SolverPlanner
from tests.adapters import world

from .conftest import Client, infra
from .test_pages import csrf, field_errors, sign_in

AREA = world.AREA
WEEK = world.WEEK.isoformat()
DESK = f"/desk/{AREA}/weeks/{WEEK}"
REQUEST = {
    "title": "Visit Grandpa Liu", "id": "t-visit-liu", "place": "resident:r-liu",
    "priority": "high", "duration_minutes": "60", "windows": "tue 09:00-11:30",
    "start": "", "needs": "companionship 1",
}  # fmt: skip


def coordinator(client: Client, lang: str = "en") -> None:
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA],
                                    name="李主任")  # fmt: skip
    client.headers["Accept-Language"] = lang
    assert sign_in(client, secret).status_code == 303


def volunteer(client: Client, ident: str = "v-wang", lang: str = "en") -> None:
    _, secret = access.create_token(infra(client).uow(), access.CLI, "volunteer", [AREA], ident)
    client.headers["Accept-Language"] = lang
    assert sign_in(client, secret).status_code == 303


def hidden(html: str, form_index: int = 0) -> dict[str, str]:
    """The fields of the n-th "choose this one" form of the options table."""
    forms = re.findall(r'<form method="post" action="[^"]*/recommend/apply".*?</form>', html, re.S)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', forms[form_index])
    return {k: v.replace("&#34;", '"').replace("&#39;", "'") for k, v in fields}


def options(client: Client, **changes: str) -> Any:
    data = {**REQUEST, **changes, "_csrf_token": csrf(client, f"{DESK}/recommend")}
    return client.post(f"{DESK}/recommend", data=data)


def test_the_options_are_a_table_and_the_one_chosen_is_published_naming_who_moved(
    client: Client, published: str
) -> None:
    coordinator(client)
    week = client.get(DESK)
    assert f'href="{DESK}/recommend"' in week.text  # the week offers it once published
    answer = options(client)
    assert answer.status_code == 200, answer.text
    assert "Options for &#34;Visit Grandpa Liu&#34;" in answer.text
    rows = re.findall(r'<th scope="row" class="nw">(\d)</th>', answer.text)
    assert 1 <= len(rows) <= 5
    assert "王师傅" in answer.text or "李姐" in answer.text  # names, not ids
    assert "+1 high" in answer.text and "Tue 1 Dec" in answer.text
    tasks = client.get(f"/weeks/{WEEK}/tasks?area={AREA}").status_code  # no bearer: refused
    assert tasks in (401, 403)
    fields = hidden(answer.text)
    assert fields["windows"] == "tue 09:00-11:30" and fields["option"]
    chosen = {**fields, "_csrf_token": csrf(client, f"{DESK}/recommend")}
    done = client.post(f"{DESK}/recommend/apply", data=chosen, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"])
    assert "&#34;Visit Grandpa Liu&#34; is in the plan" in page.text
    assert "Volunteers whose visits changed" in page.text
    named = re.search(r'<ul class="people">(.*?)</ul>', page.text, re.S)
    assert named and ("王师傅" in named.group(1) or "李姐" in named.group(1))
    with infra(client).reader() as reader:
        now = reader.plans.published(AREA, world.WEEK)
    assert now is not None and now.id != published and now.kind == "repair"
    assert now.result is not None
    assert any(a.task == "t-visit-liu" for a in now.result.assignments)
    # the same choice sent again (a double click) answers as the first and changes nothing
    again = client.post(f"{DESK}/recommend/apply", data=chosen, follow_redirects=False)
    assert again.status_code == 303
    assert "already been applied" in client.get(again.headers["location"]).text
    with infra(client).reader() as reader:
        assert reader.plans.published_id(AREA, world.WEEK) == now.id


def test_an_option_gone_meanwhile_is_said_plainly_with_the_options_of_now(
    client: Client, published: str
) -> None:
    coordinator(client, "zh")
    fields = hidden(options(client).text)
    fields["option"] = "000000000000"
    answer = client.post(f"{DESK}/recommend/apply",
                         data={**fields, "_csrf_token": csrf(client, DESK)})  # fmt: skip
    assert answer.status_code == 409
    assert "您选择期间本周计划有了变化" in answer.text and "没有保存任何内容" in answer.text
    assert "就选这个" in answer.text  # the options as they are now
    with infra(client).reader() as reader:
        assert reader.plans.published_id(AREA, world.WEEK) == published


def test_a_bad_request_is_said_beside_its_field_and_nobody_able_in_words(
    client: Client, published: str
) -> None:
    coordinator(client)
    bad = options(client, duration_minutes="long")
    assert bad.status_code == 400
    assert field_errors(bad.text, "duration_minutes")
    nobody = options(client, needs="sign_language 1")
    assert nobody.status_code == 200 and "Nobody can take this request" in nobody.text
    assert "sign_language" in nobody.text  # the reason names what is missing
    taken = options(client, id="t-visit-zhang")
    assert "already in the week" in taken.text and "Choose this one" not in taken.text


def test_without_a_published_plan_the_page_says_so(client: Client, admin: Any) -> None:
    url = f"/weeks/{WEEK}/scenario?area={AREA}"
    assert client.post(url, json=world.scenario(), headers=admin).status_code == 200
    coordinator(client, "zh")
    page = client.get(f"{DESK}/recommend")
    assert page.status_code == 200 and "本周还没有已发布的计划" in page.text
    assert f'href="{DESK}/recommend"' not in client.get(DESK).text


def test_an_absence_from_the_roster_shows_the_repair_and_can_be_removed(
    client: Client, published: str
) -> None:
    coordinator(client)
    roster = client.get(f"/desk/{AREA}/roster/volunteers")
    url = f"/desk/{AREA}/volunteers/v-wang/absences"
    assert f'href="{url}"' in roster.text
    form = {"from": "2026-12-01", "to": "2026-12-01", "reason": "flu", "once": "a1",
            "_csrf_token": csrf(client, url)}  # fmt: skip
    done = client.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get(url)
    assert "Absence recorded: 2026-12-01." in page.text
    assert "Week of 2026-11-30: the plan was repaired and published." in page.text
    moved = re.search(r"Volunteers whose visits changed</h3>(.*?)</ul>", page.text, re.S)
    assert moved and "李姐" in moved.group(1) and "王师傅" not in moved.group(1)
    given = re.search(r"Their visits, planned again</h3>(.*?)</ul>", page.text, re.S)
    assert given and "now 李姐, Tue 1 Dec" in given.group(1)
    assert "Every visit was kept." in page.text and "flu" in page.text
    twice = client.post(url, data={**form, "_csrf_token": csrf(client, url)},
                        follow_redirects=False)  # fmt: skip
    assert twice.status_code == 303
    with infra(client).reader() as reader:
        [absence] = reader.absences.of(AREA, "v-wang")
    remove = client.post(f"{url}/{absence.id}/delete", data={"_csrf_token": csrf(client, url)})
    assert remove.status_code == 200 and "Absence removed" in remove.text
    assert "No absence recorded." in remove.text


def test_an_absence_from_the_week_picks_the_volunteer_and_says_what_was_lost_in_chinese(
    client: Client, published: str
) -> None:
    coordinator(client, "zh")
    week = client.get(DESK)
    assert f'href="/desk/{AREA}/absences/new?week={WEEK}"' in week.text
    url = f"/desk/{AREA}/absences/new"
    empty = client.post(url, data={"from": WEEK, "to": "2026-12-06",
                                   "_csrf_token": csrf(client, f"{url}?week={WEEK}")})  # fmt: skip
    assert empty.status_code == 400 and field_errors(empty.text, "volunteer")
    backwards = client.post(url, data={"volunteer": "v-wang", "from": "2026-12-06",
                                       "to": WEEK, "_csrf_token": csrf(client, url)})  # fmt: skip
    assert backwards.status_code == 400 and field_errors(backwards.text, "to")
    no_day = client.post(url, data={"volunteer": "v-wang", "from": "", "to": "",
                                    "_csrf_token": csrf(client, url)})  # fmt: skip
    assert no_day.status_code == 400 and field_errors(no_day.text, "from") == ["请填写从哪天起"]
    done = client.post(url, data={"volunteer": "v-wang", "from": WEEK, "to": "2026-12-06",
                                  "_csrf_token": csrf(client, url)})  # fmt: skip
    assert done.status_code == 200, done.text
    assert "王师傅的请假" in done.text and "计划已调整并发布" in done.text
    lost = re.search(r"未能保住的探访</h3>(.*?)</ul>", done.text, re.S)
    assert lost and "t-show" in lost.group(1)


def test_a_volunteer_reports_being_ill_from_the_phone_and_sees_only_their_own(
    client: Client, published: str
) -> None:
    volunteer(client, lang="zh")
    assert 'href="/my/absences"' in client.get(f"/my?week={WEEK}").text
    page = client.get("/my/absences")
    assert page.status_code == 200 and "我生病或外出" in page.text
    done = client.post("/my/absences", data={"from": "2026-12-01", "to": "2026-12-01",
                       "reason": "感冒", "_csrf_token": csrf(client, "/my/absences")})  # fmt: skip
    assert done.status_code == 200
    assert "祝您早日康复" in done.text and "1 项探访已交给其他志愿者" in done.text
    assert "感冒" in done.text and "李姐" not in done.text  # no one else's name on the phone
    no_csrf = client.post("/my/absences", data={"from": "2026-12-02", "to": "2026-12-02"})
    assert no_csrf.status_code == 403
    other = client.get(f"/desk/{AREA}/volunteers/v-li/absences", follow_redirects=False)
    assert other.status_code in (303, 403)
    with infra(client).reader() as reader:
        assert len(reader.absences.of(AREA, "v-wang")) == 1
        assert reader.absences.of(AREA, "v-li") == []


EDGES = Path(__file__).resolve().parents[2] / "scenarios" / "09-edge-reason-codes.yaml"


def test_suggestions_are_said_in_the_pages_language_from_what_the_plan_stored(
    client: Client, admin: Any
) -> None:
    """The service stores a suggestion's fields beside its sentence (`text_said`): the plan
    page and the API word it in the reader's language, and neither hands the fields out."""
    answer = client.post("/weeks/2026-11-30/scenario?area=edges", content=EDGES.read_bytes(),
                         headers={**admin, "Content-Type": "application/yaml"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    scenario = load_scenario(EDGES)
    every = PlannerSettings(workers=1, suggest=True, suggest_within_seconds=3600)  # all checked
    stored = SolverPlanner(every).plan(scenario, lambda _: None)
    said = [s for u in stored.unserved for s in u.suggestions]
    assert said and all(s.fields for s in said)
    with infra(client).uow() as uow:
        plan = uow.plans.create("edges", scenario.week_start)
        uow.plans.finish(plan.id, stored)
        uow.commit()
    with using_locale("zh"):
        chinese = [s["text"] for u in plan_json.dump(stored, scenario)["unserved"]
                   for s in u.get("suggestions") or []]  # fmt: skip
    english = [s.text for s in said]
    assert all(re.search(r"[\u4e00-\u9fff]", c) for c in chinese) and chinese != english
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", ["edges"])
    client.headers["Accept-Language"] = "zh"
    sign_in(client, secret)
    page = client.get(f"/desk/edges/weeks/2026-11-30/plans/{plan.id}").text
    assert "可以这样解决" in page
    assert all(html.escape(c, quote=False) in page for c in chinese)
    assert not any(html.escape(e, quote=False) in page for e in english)
    api = client.get(f"/plans/{plan.id}", headers={**admin, "Accept-Language": "en"}).json()
    shown = [s for u in api["plan"]["unserved"] for s in u.get("suggestions") or []]
    assert [s["text"] for s in shown] == english and not any("text_said" in s for s in shown)


def test_a_plan_says_which_suggestions_are_still_being_checked_until_they_are_stored(
    client: Client, admin: Any
) -> None:
    """A plan finishes with the suggestions checked within the box (`suggestions_checking` on
    the tasks whose checks go on); the page says so in the reader's language, the API as data,
    and both show the rest once the runner stores them (`PlanRepository.suggested`)."""
    answer = client.post("/weeks/2026-11-30/scenario?area=edges", content=EDGES.read_bytes(),
                         headers={**admin, "Content-Type": "application/yaml"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    scenario = load_scenario(EDGES)
    every = PlannerSettings(workers=1, suggest=True, suggest_within_seconds=3600)
    final = SolverPlanner(every).plan(scenario, lambda _: None)
    waiting = replace(final, unserved=[replace(u, suggestions=(), checking=True)
                                       for u in final.unserved])  # fmt: skip
    with infra(client).uow() as uow:
        plan = uow.plans.create("edges", scenario.week_start)
        uow.plans.finish(plan.id, waiting)
        uow.commit()
    api = client.get(f"/plans/{plan.id}", headers={**admin, "Accept-Language": "en"}).json()
    assert all(u.get("suggestions_checking") is True and not u.get("suggestions")
               for u in api["plan"]["unserved"])  # fmt: skip
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", ["edges"])
    client.headers["Accept-Language"] = "zh"
    sign_in(client, secret)
    page = client.get(f"/desk/edges/weeks/2026-11-30/plans/{plan.id}").text
    assert msg_in("zh", "page_suggestions_checking") in page
    with infra(client).uow() as uow:
        uow.plans.suggested(plan.id, final)
        uow.commit()
    api = client.get(f"/plans/{plan.id}", headers={**admin, "Accept-Language": "en"}).json()
    assert all("suggestions_checking" not in u for u in api["plan"]["unserved"])
    assert sum(len(u.get("suggestions") or []) for u in api["plan"]["unserved"]) >= 1
    page = client.get(f"/desk/edges/weeks/2026-11-30/plans/{plan.id}").text
    assert msg_in("zh", "page_suggestions_checking") not in page
