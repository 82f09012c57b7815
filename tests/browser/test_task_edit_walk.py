"""A coordinator lengthens a task whose visit is published (stop 26, D): the desk says the
visits were planned again and whom it told, and the volunteer's phone shows the visit as it
now is (or no longer shows it), never at the old times; in both languages."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from mutualaid.messages import msg_in
from mutualaid.services import access, plans, weeks

from .conftest import AREA, WEEK, Served, publish_a_plan
from .test_walks import sign_in


def first_visit_of(served: Served, volunteer: str) -> tuple[str, int]:
    """The task of the volunteer's first published visit, and its minutes."""
    [published] = [p for p in plans.list_plans(served.infra.reader(), access.CLI, AREA, WEEK)
                   if p.published_at]  # fmt: skip
    result = plans.get_plan(served.infra.reader(), access.CLI, published.id).result
    assert result is not None
    first = min((a for a in result.assignments if any(v.id == volunteer for v in a.volunteers)),
                key=lambda a: a.start)  # fmt: skip
    return first.task.split("@")[0], first.end - first.start


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_task_lengthened_under_its_published_visit_is_planned_again_and_shown_so(
    open_browser: Any, served: Served, lang: str
) -> None:
    publish_a_plan(served)
    task, minutes = first_visit_of(served, "v-wang")
    title = weeks.get_task(served.infra.reader(), access.CLI, AREA, WEEK, task).title
    phone = open_browser(lang, phone=True, name=f"task-edit-phone-{lang}")
    phone.go(f"/my?week={WEEK}")
    sign_in(phone, served.secrets["volunteer"], lang)
    phone.page.wait_for_url(re.compile(r"/my\?week="))
    before = [v.inner_text() for v in phone.page.locator("article.visit").all()]
    seen = [text for text in before if title in text]
    assert seen, before

    desk = open_browser(lang, name=f"task-edit-desk-{lang}")
    desk.go("/")
    sign_in(desk, served.secrets["coordinator"], lang)
    desk.go(f"/desk/{AREA}/weeks/{WEEK}/tasks/{task}/edit")
    desk.page.get_by_label(msg_in(lang, "page_task_duration")).fill(str(minutes + 30))
    desk.assert_labelled()
    desk.page.get_by_role("button", name=msg_in(lang, "page_save")).click()
    desk.page.wait_for_url(re.compile(rf"/desk/{AREA}/weeks/{WEEK}$"))
    note = desk.page.get_by_role("status").filter(has_text=title).first
    expect(note).to_be_visible()
    said = note.inner_text()
    again = msg_in(lang, "page_task_repaired", title=title, people="\0")
    alone = msg_in(lang, "page_task_repaired_unserved", title=title, why="\0", people="")
    assert said.startswith(again.split("\0")[0]) or said.startswith(alone.split("\0")[0]), said
    desk.assert_fits()
    desk.shoot("repaired")

    phone.go(f"/my?week={WEEK}")
    after = [v.inner_text() for v in phone.page.locator("article.visit").all()]
    assert not set(seen) & set(after), (seen, after)  # never at the old times
    phone.assert_fits()
    phone.shoot("week-after")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_spreadsheet_lengthening_a_published_visit_repairs_it_and_says_whom_it_told(
    open_browser: Any, served: Served, lang: str
) -> None:
    """Stop 27, D: a batch (the desk's import) repairs as a single edit does; before, the
    visit stayed at its old times with a warning until the next solve."""
    publish_a_plan(served)
    task, minutes = first_visit_of(served, "v-wang")

    def t(key: str, **fields: object) -> str:
        return msg_in(lang, key, **fields)

    desk = open_browser(lang, name=f"import-repair-desk-{lang}")
    desk.go("/")
    sign_in(desk, served.secrets["coordinator"], lang)
    desk.go(f"/desk/{AREA}/import")
    page = desk.page
    page.get_by_label(t("import_list"), exact=True).select_option(value="tasks")
    page.get_by_label(t("import_week"), exact=True).fill(WEEK)
    title = weeks.get_task(served.infra.reader(), access.CLI, AREA, WEEK, task).title
    out = io.StringIO()
    csv.writer(out).writerows([["id", "title", "duration_minutes"], [task, title, minutes + 30]])
    body = out.getvalue().encode()
    page.get_by_label(t("import_file")).set_input_files(
        {"name": "tasks.csv", "mimeType": "text/csv", "buffer": body}
    )
    page.get_by_role("button", name=t("import_check")).click()
    desk.shoot("import-preview")
    expect(page.get_by_text(t("import_all_good"))).to_be_visible()
    page.get_by_role("button", name=t("import_confirm", count=1)).click()
    page.wait_for_url(re.compile(rf"/desk/{AREA}/weeks/{WEEK}$"))
    told = t("import_repaired", tasks=f"“{title}”", people="\0").split("\0")[0]
    note = page.get_by_role("status").filter(has_text=told).first
    expect(note).to_be_visible()  # the task by its title, as the week's table shows it
    desk.assert_fits()
    desk.shoot("import-repaired")
    stored = weeks.get_task(served.infra.reader(), access.CLI, AREA, WEEK, task)
    assert stored.duration_minutes == minutes + 30
    [published] = [p for p in plans.list_plans(served.infra.reader(), access.CLI, AREA, WEEK)
                   if p.published_at]  # fmt: skip
    result = plans.get_plan(served.infra.reader(), access.CLI, published.id).result
    assert result is not None and result.extra["repair"]["cause"] == "task_edit"
    lengths = {a.end - a.start for a in result.assignments if a.task.split("@")[0] == task}
    assert lengths <= {minutes + 30}, lengths  # never at the old length
