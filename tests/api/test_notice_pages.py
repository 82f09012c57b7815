"""Notices on the pages (SQLite and PostgreSQL): the coordinator's delivery view and webhook
form, the volunteer's notices and contact form on the phone, errors beside the field, in
the person's language."""

from __future__ import annotations

import pendulum

from mutualaid.services.notice_ports import NoticeDraft

from .conftest import infra
from .test_pages import AREA, CSRF, Desk, csrf, desk, field_errors, sign_in

__all__ = ["desk"]  # the fixture, used by name
WEEK = pendulum.Date(2026, 11, 30)


def told(d: Desk, volunteer: str, kind: str = "given") -> None:
    start = pendulum.datetime(2026, 12, 1, 1, 0, tz="UTC")
    with infra(d.client).uow() as uow:
        uow.notices.add([NoticeDraft(
            AREA, WEEK, volunteer, kind, "t-visit", "陪伴探访", None, (start, start.add(hours=1)),
            "Asia/Shanghai", "zh", None,
        )])  # fmt: skip
        uow.commit()


def test_the_coordinator_sees_what_was_told_and_whether_it_arrived(desk: Desk) -> None:
    told(desk, "v-wang")
    told(desk, "v-li", "withdrawn")
    sign_in(desk.client, desk.secrets["coordinator"])
    page = desk.client.get(f"/desk/{AREA}/notices", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "New visit: 陪伴探访" in page.text and "Visit cancelled: 陪伴探访" in page.text
    assert "waiting: <strong>2</strong>" in page.text
    assert '<label for="f-webhook_url">' in page.text and '<label for="f-secret">' in page.text
    assert '<label for="f-state">' in page.text
    only = desk.client.get(f"/desk/{AREA}/notices?state=sent")
    assert "陪伴探访" not in only.text
    assert desk.client.get("/desk/north/notices").status_code == 403


def test_a_bad_webhook_is_refused_beside_its_fields_and_a_good_one_kept(desk: Desk) -> None:
    sign_in(desk.client, desk.secrets["coordinator"], lang="zh")
    token = csrf(desk.client, f"/desk/{AREA}/notices")
    path = f"/desk/{AREA}/notices/webhook"
    bad = desk.client.post(
        path, data={"_csrf_token": token, "webhook_url": "ftp://x", "secret": "ab"}
    )
    assert bad.status_code == 400
    assert field_errors(bad.text, "webhook_url") and field_errors(bad.text, "secret")
    hook = {"webhook_url": "https://hooks.example/in", "secret": "x" * 20}
    good = desk.client.post(path, data={"_csrf_token": token, **hook})
    assert good.status_code == 200 and 'value="https://hooks.example/in"' in good.text
    assert "x" * 20 not in good.text


def test_a_volunteer_reads_their_notices_and_sets_how_they_reach_them(desk: Desk) -> None:
    told(desk, "v-wang")
    told(desk, "v-li")
    sign_in(desk.client, desk.secrets["volunteer"])
    mine = desk.client.get("/my/notices", headers={"Accept-Language": "zh"})
    assert mine.status_code == 200
    assert mine.text.count("<h2>新的服务安排：陪伴探访</h2>") == 1  # not v-li's
    assert '<label for="f-email">' in mine.text and '<label for="f-language">' in mine.text
    found = CSRF.search(mine.text)
    assert found
    token = found.group(1)
    bad = desk.client.post(
        "/my/contact", data={"_csrf_token": token, "email": "no at sign", "language": "en"}
    )
    assert bad.status_code == 400 and field_errors(bad.text, "email")
    contact = {"email": "wang@example.org", "language": "en"}
    good = desk.client.post("/my/contact", data={"_csrf_token": token, **contact})
    assert good.status_code == 200
    with infra(desk.client).reader() as reader:
        kept = reader.notices.contacts(AREA, {"v-wang"})["v-wang"]
    assert (kept.email, kept.language) == ("wang@example.org", "en")
    assert desk.client.get(f"/desk/{AREA}/notices").status_code == 403  # the desk is not theirs
