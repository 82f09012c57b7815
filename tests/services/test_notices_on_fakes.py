"""Notices on the in-memory store: the diff between two published plans per volunteer, the
notices a publish, a repair and a deleted task write with their change, and the sender's
retries, backoff, give-up and leases (a transport that records or fails)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from mutualaid.contract.scenario import load_scenario
from mutualaid.domain.notices import Backoff, Visit, changes, notice_language
from mutualaid.services import notices, plans, volunteers, weeks
from mutualaid.services.access import Actor
from mutualaid.services.notice_ports import DeliveryFailed
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.services.test_plans_on_fakes import (
    AREA,
    COORDINATOR,
    REPAIRER,
    WORLD,
    no_kept_weeks,
    solved,
    week_of,
)

__all__ = ["no_kept_weeks"]  # the fixture, used here too

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def at(hours: int) -> tuple[dt.datetime, dt.datetime]:
    start = T0 + dt.timedelta(hours=hours)
    return start, start + dt.timedelta(hours=1)


def test_a_visit_new_at_other_times_or_gone_is_given_moved_or_withdrawn() -> None:
    before = [Visit("v-wang", "t-a", *at(0)), Visit("v-wang", "t-b", *at(2)),
              Visit("v-li", "t-c", *at(4))]  # fmt: skip
    after = [Visit("v-wang", "t-a", *at(0)), Visit("v-wang", "t-b", *at(3)),
             Visit("v-zhao", "t-c", *at(4))]  # fmt: skip
    found = [(c.volunteer, c.task, c.kind) for c in changes(before, after)]
    assert found == [("v-li", "t-c", "withdrawn"), ("v-wang", "t-b", "moved"),
                     ("v-zhao", "t-c", "given")]  # fmt: skip


def test_the_same_plan_twice_changes_nothing() -> None:
    same = [Visit("v-wang", "t-a", *at(0))]
    assert changes(same, list(same)) == []


def test_the_language_is_the_chosen_one_else_chinese_when_spoken() -> None:
    assert notice_language("en", ["zh"]) == "en"
    assert notice_language(None, ["zh", "henan"]) == "zh"
    assert notice_language(None, ["en"]) == "en"
    assert notice_language(None, []) == "zh"


def test_backoff_doubles_to_its_cap_and_gives_up_after_its_attempts() -> None:
    backoff = Backoff(base=10, cap=60, attempts=4)
    assert [backoff.delay(n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]
    assert not backoff.gives_up(3) and backoff.gives_up(4)


@pytest.fixture
def store() -> FakeStore:
    made = FakeStore()
    made.add_week(AREA, load_scenario(WORLD))
    return made


def published(store: FakeStore) -> str:
    ident = solved(store)
    plans.publish_plan(FakeUnitOfWork(store), REPAIRER, COORDINATOR, ident)
    return ident


def kinds(store: FakeStore) -> list[tuple[str, str, str]]:
    found = store.state.notice_state.notices.values()
    return sorted((n.draft.volunteer, n.draft.task, n.draft.kind) for n in found)


def test_the_first_publish_gives_each_volunteer_their_visits(store: FakeStore) -> None:
    ident = published(store)
    given = {(a.volunteer, a.task, "given") for a in store.state.assignments
             if a.plan_id == ident}  # fmt: skip
    assert given and set(kinds(store)) == given
    assert store.state.audit[-1].detail["notices"] == len(given)


def test_a_decline_repaired_tells_only_whom_the_repair_changed(store: FakeStore) -> None:
    ident = published(store)
    first = next(a for a in store.state.assignments if a.plan_id == ident)
    store.state.notice_state.notices.clear()
    volunteer = Actor("tok-v", "volunteer", (AREA,), first.volunteer)
    declined = volunteers.decline_assignment(FakeUnitOfWork(store), REPAIRER, volunteer,
                                             first.ref, "ill")  # fmt: skip
    assert declined.repair is not None
    told = kinds(store)
    assert (first.volunteer, first.task, "withdrawn") not in told  # they said no themselves
    if declined.repair.served:
        assert any(task == first.task and kind == "given" for _, task, kind in told)


def test_a_deleted_task_tells_its_volunteers_it_is_withdrawn_by_its_title(
    store: FakeStore,
) -> None:
    ident = published(store)
    first = next(a for a in store.state.assignments if a.plan_id == ident)
    crew = {a.volunteer for a in store.state.assignments
            if a.plan_id == ident and a.task == first.task}  # fmt: skip
    store.state.notice_state.notices.clear()
    base = first.task.split("@")[0]
    weeks.delete_task(FakeUnitOfWork(store), COORDINATOR, AREA, week_of(store), base)
    withdrawn = [
        n for n in store.state.notice_state.notices.values() if n.draft.kind == "withdrawn"
    ]
    assert {n.draft.volunteer for n in withdrawn if n.draft.task == first.task} == crew
    title = load_scenario(WORLD).tasks[first.task].title
    assert all(n.draft.title == title for n in withdrawn if n.draft.task == first.task)


def test_a_failed_rollback_writes_no_notice(store: FakeStore) -> None:
    ident = solved(store)
    uow = FakeUnitOfWork(store)
    with uow:
        before = notices.before_change(uow, AREA, store.state.plans[ident].week_start)
        uow.plans.publish(ident)
        assert notices.note_changes(uow, before, ident)
        # no commit: the publish and its notices go together
    assert store.state.notice_state.notices == {}


class Recorder:
    """A transport that records what it was given, failing the first `fail` posts."""

    email_enabled = True

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.posts: list[tuple[str, bytes, dict[str, str]]] = []
        self.emails: list[tuple[str, str, str, str]] = []

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        if self.fail:
            self.fail -= 1
            raise DeliveryFailed("HTTP 500")
        self.posts.append((url, body, dict(headers)))

    def email(self, to: str, subject: str, text: str, key: str) -> None:
        self.emails.append((to, subject, text, key))


def with_webhook(store: FakeStore) -> None:
    uow = FakeUnitOfWork(store)
    notices.set_webhook(uow, COORDINATOR, AREA, "https://hooks.example.org/in", "s" * 32)


def test_the_webhook_gets_each_notice_signed_with_its_id_as_key(store: FakeStore) -> None:
    published(store)
    with_webhook(store)
    transport = Recorder()
    done = notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock)
    assert done.sent == len(store.state.notice_state.notices) == len(transport.posts)
    _, body, headers = transport.posts[0]
    assert headers["X-MutualAid-Signature"] == notices.signature("s" * 32, body)
    sent = json.loads(body)
    assert headers["Idempotency-Key"] == sent["id"] and sent["kind"] == "given"
    assert all(n.state == "sent" for n in store.state.notice_state.notices.values())
    assert notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock).sent == 0


def test_a_failing_receiver_is_tried_again_after_the_backoff_then_given_up(
    store: FakeStore,
) -> None:
    published(store)
    with_webhook(store)
    many = len(store.state.notice_state.notices)
    settings = notices.SendSettings(Backoff(base=10, cap=100, attempts=3), batch=1000)
    transport = Recorder(fail=10**6)
    uow = FakeUnitOfWork(store)
    assert notices.send_due(uow, transport, "s1", settings, store.clock).retried == many
    assert notices.send_due(uow, transport, "s1", settings, store.clock).retried == 0  # not due
    store.clock.advance(10)
    assert notices.send_due(uow, transport, "s1", settings, store.clock).retried == many
    store.clock.advance(19)
    assert notices.send_due(uow, transport, "s1", settings, store.clock).retried == 0
    store.clock.advance(1)
    assert notices.send_due(uow, transport, "s1", settings, store.clock).failed == many
    states = {n.state for n in store.state.notice_state.notices.values()}
    assert states == {"failed"} and transport.posts == []
    one = next(iter(store.state.notice_state.notices.values()))
    assert one.attempts == 3 and one.last_error == "webhook: HTTP 500"


def test_a_receiver_back_after_a_failure_gets_the_notice_once(store: FakeStore) -> None:
    published(store)
    with_webhook(store)
    transport = Recorder(fail=1)
    settings = notices.SendSettings(Backoff(base=5), batch=1)
    uow = FakeUnitOfWork(store)
    assert notices.send_due(uow, transport, "s1", settings, store.clock).retried == 1
    while notices.send_due(uow, transport, "s1", settings, store.clock).sent:
        pass
    store.clock.advance(5)
    notices.send_due(uow, transport, "s1", settings, store.clock)
    keys = [h["Idempotency-Key"] for _, _, h in transport.posts]
    assert sorted(keys) == sorted(store.state.notice_state.notices)  # each once


def test_a_claimed_notice_is_not_claimed_again_until_its_lease_runs_out(
    store: FakeStore,
) -> None:
    published(store)
    uow = FakeUnitOfWork(store)
    with uow:
        first = uow.notices.claim("s1", 30, 1000)
        uow.commit()
    with uow:
        assert uow.notices.claim("s2", 30, 1000) == []
    store.clock.advance(31)  # s1 died mid-way
    with uow:
        again = uow.notices.claim("s2", 30, 1000)
        uow.commit()
    assert {n.id for n in again} == {n.id for n in first}
    with uow:  # s1 comes back late: its outcome is not written over s2's claim
        n = first[0]
        assert uow.notices.settle(n.id, "s1", state="sent", delivered=["webhook"], error=None,
                                  retry_at=None) is None  # fmt: skip


def test_without_a_webhook_or_email_a_notice_is_only_read_in_the_app(store: FakeStore) -> None:
    published(store)
    done = notices.send_due(FakeUnitOfWork(store), Recorder(), "s1", clock=store.clock)
    assert done.unrouted == len(store.state.notice_state.notices) and done.sent == 0


def test_an_email_goes_to_the_volunteer_in_the_language_chosen_for_them(
    store: FakeStore,
) -> None:
    world = load_scenario(WORLD)
    for v in world.volunteers:
        me = Actor("tok-v", "volunteer", (AREA,), v)
        notices.set_contact(FakeUnitOfWork(store), me, AREA, v, f"{v}@example.org", "en")
    ident = published(store)
    transport = Recorder()
    notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock)
    given = {(a.volunteer, a.task) for a in store.state.assignments if a.plan_id == ident}
    assert len(transport.emails) == len(given)
    to, subject, text, key = transport.emails[0]
    assert to.endswith("@example.org") and key in store.state.notice_state.notices
    assert subject.startswith("New visit: ") and "accept or decline" in text
    me = Actor("tok-v", "volunteer", (AREA,), to.split("@")[0])
    mine = notices.volunteer_notices(FakeUnitOfWork(store), me, AREA, me.volunteer or "")
    assert mine and {n.draft.volunteer for n in mine} == {me.volunteer}


@pytest.mark.parametrize(
    "url", ["ftp://x/hook", "http://", "http://a b/", "https://user:pw@x/", "http://x:port/", 5]
)
def test_a_webhook_that_is_no_web_address_is_refused_naming_the_field(
    store: FakeStore, url: object
) -> None:
    from mutualaid.services.ports import InvalidRequest

    with pytest.raises(InvalidRequest) as refused:
        notices.set_webhook(FakeUnitOfWork(store), COORDINATOR, AREA, url, "s" * 32)
    assert [p.path for p in refused.value.problems] == ["webhook_url"]


def test_a_transport_that_breaks_unexpectedly_counts_as_a_failed_attempt(
    store: FakeStore, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Recorder):
        def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
            raise RuntimeError("bug")

    published(store)
    with_webhook(store)
    done = notices.send_due(FakeUnitOfWork(store), Broken(), "s1", clock=store.clock)
    assert done.retried == len(store.state.notice_state.notices)
    one = next(iter(store.state.notice_state.notices.values()))
    assert (one.state, one.attempts, one.last_error) == ("pending", 1, "webhook: RuntimeError: bug")


def test_past_half_its_lease_a_sender_leaves_the_rest_of_its_batch_to_the_next_claim(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    published(store)
    with_webhook(store)
    many = len(store.state.notice_state.notices)
    ticks = iter(range(0, 10**6, 20))  # each look at the clock 20 s later: a hanging receiver
    clock = SimpleNamespace(monotonic=lambda: float(next(ticks)))
    monkeypatch.setattr(notices, "time", clock)
    settings = notices.SendSettings(lease_seconds=60, batch=1000)
    transport = Recorder()
    done = notices.send_due(FakeUnitOfWork(store), transport, "s1", settings, store.clock)
    assert many > 1 and done.sent == 1 and done.lost == many - 1  # at 20 s; not at 40 s
    store.clock.advance(61)
    monkeypatch.undo()
    again = notices.send_due(FakeUnitOfWork(store), transport, "s2", settings, store.clock)
    assert again.sent == many - 1
    keys = [h["Idempotency-Key"] for _, _, h in transport.posts]
    assert len(keys) == len(set(keys)) == many  # none sent twice


def test_unrouted_notices_go_out_once_a_webhook_or_an_email_is_set(store: FakeStore) -> None:
    """A notice written while the area had no webhook and the volunteer no email stayed
    `unrouted` for good: a webhook set the next day never got the week's visits."""
    published(store)
    transport = Recorder()
    many = len(store.state.notice_state.notices)
    assert notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock).unrouted
    with_webhook(store)
    assert store.state.audit[-1].detail["notices_resent"] == many
    done = notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock)
    assert done.sent == many == len(transport.posts)
    assert {h["Idempotency-Key"] for _, _, h in transport.posts} == set(
        store.state.notice_state.notices
    )
    mine = next(iter(store.state.notice_state.notices.values())).draft.volunteer
    me = Actor("tok-v", "volunteer", (AREA,), mine)
    notices.set_contact(FakeUnitOfWork(store), me, AREA, mine, "me@example.org", None)
    assert notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock).sent == 0


def test_unrouted_notices_of_visits_over_are_not_sent_late(store: FakeStore) -> None:
    """Only what is still to come is worth telling: a webhook set after the week is over
    does not get a flood of its visits."""
    published(store)
    notices.send_due(FakeUnitOfWork(store), Recorder(), "s1", clock=store.clock)
    store.clock.advance(60 * 86400)
    with_webhook(store)
    transport = Recorder()
    assert notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock).sent == 0
    assert {n.state for n in store.state.notice_state.notices.values()} == {"unrouted"}


def test_a_notice_is_sent_in_the_language_chosen_for_the_volunteer_when_it_is_sent(
    store: FakeStore,
) -> None:
    """The notice's language was fixed when it was written: a volunteer who chose English
    after a publish got its email (and the webhook its text) in Chinese."""
    published(store)
    first = next(iter(store.state.notice_state.notices.values()))
    who = first.draft.volunteer
    assert first.draft.language == "zh"
    with_webhook(store)
    me = Actor("tok-v", "volunteer", (AREA,), who)
    notices.set_contact(FakeUnitOfWork(store), me, AREA, who, f"{who}@example.org", "en")
    transport = Recorder()
    notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock)
    mine = [to for to, *_ in transport.emails]
    assert mine and set(mine) == {f"{who}@example.org"}
    assert all(subject.startswith("New visit: ") for _, subject, _, _ in transport.emails)
    bodies = [json.loads(b) for _, b, _ in transport.posts]
    theirs = [b for b in bodies if b["volunteer"] == who]
    assert theirs and {(b["language"], b["subject"][:10]) for b in theirs} == {("en", "New visit:")}
    others = {b["language"] for b in bodies if b["volunteer"] != who}
    assert others == {"zh"}


def test_a_receiver_following_the_readme_verifies_the_signature(store: FakeStore) -> None:
    """The README's receiver check, run as written, accepts what the sender signed and
    refuses a body changed by one byte or signed with another secret."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(import hashlib, hmac\n.*?)```", readme, re.S)
    space: dict[str, Any] = {}
    exec(block, space)  # the README's own code
    check = space["signed_by_us"]
    published(store)
    with_webhook(store)
    transport = Recorder()
    notices.send_due(FakeUnitOfWork(store), transport, "s1", clock=store.clock)
    _, body, headers = transport.posts[0]
    assert check("s" * 32, body, headers["X-MutualAid-Signature"])
    assert not check("s" * 32, body.replace(b"}", b" }", 1), headers["X-MutualAid-Signature"])
    assert not check("t" * 32, body, headers["X-MutualAid-Signature"])
