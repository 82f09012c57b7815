"""The notices' outbox in SQL (SQLite and PostgreSQL): written in the change's transaction,
claimed with a lease that two senders never share, settled only by the lease's holder; an
area's webhook and a volunteer's contact (gone with the volunteer)."""

from __future__ import annotations

import threading

import pendulum

from mutualaid.services import notices
from mutualaid.services.notice_ports import NoticeRecord

from . import world
from .conftest import FakeClock, UowFactory
from .test_plans import week

__all__ = ["week"]  # the fixture, used by name


def publish(make_uow: UowFactory, *, meals_by: str = "v-zhao", commit: bool = True) -> None:
    with make_uow() as uow:
        plan = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(plan.id, world.plan(meals_by=meals_by))
        before = notices.before_change(uow, world.AREA, world.WEEK)
        uow.plans.publish(plan.id)
        notices.note_changes(uow, before, plan.id)
        if commit:
            uow.commit()


def all_notices(make_uow: UowFactory) -> list[NoticeRecord]:
    with make_uow(read_only=True) as uow:
        return uow.notices.for_area(world.AREA, limit=1000)


def test_a_publish_writes_a_notice_per_visit_given_and_a_rollback_none(
    make_uow: UowFactory, week: object
) -> None:
    publish(make_uow, commit=False)
    assert all_notices(make_uow) == []
    publish(make_uow)
    found = {(n.draft.volunteer, n.draft.task, n.draft.kind) for n in all_notices(make_uow)}
    assert found == {
        ("v-zhao", "t-meals@mon", "given"), ("v-wang", "t-visit-zhang", "given"),
        ("v-li", "t-meals@wed", "given"), ("v-wang", "t-show", "given"),
    }  # fmt: skip
    meals = next(n for n in all_notices(make_uow) if n.draft.task == "t-meals@mon")
    assert meals.draft.title  # the series' title (its id when it has none)
    assert meals.draft.after is not None and meals.state == "pending"


def test_a_second_publish_tells_only_whom_it_changed(make_uow: UowFactory, week: object) -> None:
    publish(make_uow)
    with make_uow() as uow:
        for n in uow.notices.claim("s", 60, 100):
            uow.notices.settle(n.id, "s", state="sent", delivered=[], error=None, retry_at=None)
        uow.commit()
    publish(make_uow, meals_by="v-li")
    fresh = {(n.draft.volunteer, n.draft.task, n.draft.kind)
             for n in all_notices(make_uow) if n.state == "pending"}  # fmt: skip
    assert fresh == {("v-zhao", "t-meals@mon", "withdrawn"), ("v-li", "t-meals@mon", "given")}


def test_two_senders_at_once_never_claim_the_same_notice(
    make_uow: UowFactory, week: object
) -> None:
    publish(make_uow)
    got: dict[str, list[str]] = {}
    start = threading.Barrier(2)

    def sender(name: str) -> None:
        start.wait()
        with make_uow() as uow:
            got[name] = [n.id for n in uow.notices.claim(name, 60, 3)]
            uow.commit()

    threads = [threading.Thread(target=sender, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not set(got["a"]) & set(got["b"])
    assert len(got["a"]) + len(got["b"]) == 4


def test_a_lease_run_out_is_claimed_again_and_the_late_sender_writes_nothing(
    make_uow: UowFactory, clock: FakeClock, week: object
) -> None:
    publish(make_uow)
    with make_uow() as uow:
        first = uow.notices.claim("a", 30, 100)
        uow.commit()
    with make_uow() as uow:
        assert uow.notices.claim("b", 30, 100) == []
    clock.advance(31)
    with make_uow() as uow:
        again = uow.notices.claim("b", 30, 100)
        late = uow.notices.settle(first[0].id, "a", state="sent", delivered=["webhook"],
                                  error=None, retry_at=None)  # fmt: skip
        uow.commit()
    assert {n.id for n in again} == {n.id for n in first} and late is None
    with make_uow() as uow:
        retry = clock.now.add(seconds=10)
        done = uow.notices.settle(first[0].id, "b", state="pending", delivered=["email"],
                                  error="webhook: HTTP 500", retry_at=retry)  # fmt: skip
        uow.commit()
    assert done is not None and (done.attempts, done.delivered) == (1, ("email",))
    with make_uow() as uow:
        assert first[0].id not in {n.id for n in uow.notices.claim("c", 30, 100)}
    clock.advance(10)
    with make_uow() as uow:
        assert [n.id for n in uow.notices.claim("c", 30, 100)] == [first[0].id]
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert uow.notices.counts(world.AREA) == {"sending": 4}


def test_an_areas_webhook_is_set_replaced_and_removed(make_uow: UowFactory, week: object) -> None:
    with make_uow() as uow:
        uow.notices.set_channel(world.AREA, "http://a.example/hook", "s" * 16)
        uow.notices.set_channel(world.AREA, "http://b.example/hook", "t" * 16)
        uow.commit()
    with make_uow(read_only=True) as uow:
        found = uow.notices.channel(world.AREA)
    assert found is not None and (found.webhook_url, found.secret) == (
        "http://b.example/hook", "t" * 16)  # fmt: skip
    with make_uow() as uow:
        uow.notices.set_channel(world.AREA, None, None)
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert uow.notices.channel(world.AREA) is None


def test_a_volunteers_contact_goes_with_the_volunteer(make_uow: UowFactory, week: object) -> None:
    with make_uow() as uow:
        uow.notices.set_contact(world.AREA, "v-li", "li@example.org", None)
        uow.notices.set_contact(world.AREA, "v-li", "li@example.org", "en")
        uow.commit()
    with make_uow(read_only=True) as uow:
        [contact] = uow.notices.contacts(world.AREA, {"v-li", "v-wang"}).values()
    assert (contact.email, contact.language) == ("li@example.org", "en")
    with make_uow() as uow:
        uow.volunteers.delete(world.AREA, "v-li")
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert uow.notices.contacts(world.AREA, {"v-li"}) == {}


class _Nowhere:
    email_enabled = False

    def post(self, *args: object) -> None:
        raise AssertionError("no webhook is set")

    def email(self, *args: object) -> None:
        raise AssertionError("no email is sent")


def test_unrouted_notices_of_visits_to_come_are_due_again_when_rerouted(
    make_uow: UowFactory, week: object, clock: FakeClock
) -> None:
    """`unrouted` was for good: a webhook or an email set later never got them."""
    publish(make_uow)
    assert notices.send_due(make_uow(), _Nowhere(), "s").unrouted == 4
    clock.now = pendulum.datetime(2026, 11, 30, 6, tz="UTC")  # Monday 14:00 in Zhengzhou
    with make_uow() as uow:
        assert uow.notices.reroute(world.AREA, "v-zhao") == 0  # Monday's meals are over
        assert uow.notices.reroute(world.AREA, "v-wang") == 2
        uow.commit()
    with make_uow() as uow:
        assert uow.notices.reroute(world.AREA) == 1  # v-li's; v-wang's are pending already
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert uow.notices.counts(world.AREA) == {"pending": 3, "unrouted": 1}
    with make_uow() as uow:
        due = uow.notices.claim("s", 30, 100)
    assert sorted(n.draft.volunteer for n in due) == ["v-li", "v-wang", "v-wang"]
