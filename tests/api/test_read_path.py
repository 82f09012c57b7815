"""The volunteer's week is kept a moment in the process (its token and its JSON), and a
write made meanwhile is seen by the very next read: a revocation, an answer, a roster edit
(SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from unittest.mock import patch

import pendulum
import pytest

from mutualaid.adapters.changes import Counter
from mutualaid.services.access import VerifiedTokens
from mutualaid.services.ports import TokenExpired, TokenRecord

from .conftest import Client, infra
from .test_volunteers import AREA, WEEK, Headers, schedule, volunteer


def test_a_revoked_token_is_refused_at_once_though_it_was_verified_a_moment_ago(
    client: Client, admin: Headers, published: str
) -> None:
    wang = volunteer(client, "v-wang")
    schedule(client, "v-wang", wang)
    schedule(client, "v-wang", wang)  # verified, and kept
    ident = next(t["id"] for t in client.get("/tokens", headers=admin).json()
                 if t["volunteer"] == "v-wang")  # fmt: skip
    assert client.delete(f"/tokens/{ident}", headers=admin).status_code in (200, 204)
    refused = client.get(f"/volunteers/v-wang/assignments?week={WEEK}", headers=wang)
    assert refused.status_code == 401, refused.text


def test_an_answer_shows_in_the_week_read_a_moment_before(client: Client, published: str) -> None:
    wang = volunteer(client, "v-wang")
    before = schedule(client, "v-wang", wang)
    assert schedule(client, "v-wang", wang) == before  # kept: the same body
    visit = next(a for a in before["assignments"] if a["task"] == "t-visit-zhang")
    assert visit["state"] == "pending"
    accepted = client.post(f"/assignments/{visit['id']}/accept", headers=wang)
    assert accepted.status_code == 200, accepted.text
    after = {a["task"]: a["state"] for a in schedule(client, "v-wang", wang)["assignments"]}
    assert after["t-visit-zhang"] == "accepted"


def test_a_renamed_resident_shows_in_the_week_read_a_moment_before(
    client: Client, admin: Headers, published: str
) -> None:
    wang = volunteer(client, "v-wang")
    schedule(client, "v-wang", wang)
    zhang = client.get(f"/residents/r-zhang?area={AREA}", headers=admin).json()
    renamed = client.put(f"/residents/r-zhang?area={AREA}", json={**zhang, "name": "张阿姨"},
                         headers=admin)  # fmt: skip
    assert renamed.status_code == 200, renamed.text
    seen = {a["task"]: a for a in schedule(client, "v-wang", wang)["assignments"]}
    assert seen["t-visit-zhang"]["resident_name"] == "张阿姨"


def test_the_schema_still_describes_the_week_as_a_schedule(client: Client) -> None:
    schema = client.get("/schema/openapi.json").json()
    answer = schema["paths"]["/volunteers/{ident}/assignments"]["get"]["responses"]["200"]
    shape = answer["content"]["application/json"]["schema"]
    assert shape["$ref"].endswith("/ScheduleView")


def _token() -> TokenRecord:
    return TokenRecord("t1", "volunteer", ("north",), "v-wang", None, pendulum.now("UTC"))


def test_a_token_verified_before_a_revocation_committed_is_not_kept() -> None:
    count = Counter()
    verified = VerifiedTokens(count)
    read_at = count()
    count.bump()  # a revocation committed while the token was being looked up
    verified.put(verified.key("ma_secret"), _token(), read_at)
    assert verified.actor("ma_secret") is None
    verified.put(verified.key("ma_secret"), _token(), count())
    assert verified.actor("ma_secret") is not None
    count.bump()
    assert verified.actor("ma_secret") is None


def test_a_kept_token_past_its_expiry_is_refused() -> None:
    count = Counter()
    verified = VerifiedTokens(count)
    old = TokenRecord("t1", "admin", (), None, None, pendulum.now("UTC").subtract(days=2),
                      expires_at=pendulum.now("UTC").subtract(seconds=1))  # fmt: skip
    verified.put(verified.key("ma_old"), old, count())
    with pytest.raises(TokenExpired):
        verified.actor("ma_old")


def test_the_infrastructure_keeps_tokens_and_weeks(client: Client) -> None:
    built = infra(client)
    assert built.verified.ttl <= 5 and built.bodies.ttl <= 5


def test_the_notice_senders_commits_leave_the_kept_reads_kept(
    client: Client, published: str
) -> None:
    """The sender claims every poll and marks each notice it delivers; those commits change
    only the outbox, which no kept read shows. They forgot every kept week and token, so while
    a publish's notices went out every volunteer's week was read from the store again."""
    from mutualaid.adapters.changes import writes
    from mutualaid.adapters.uow import SqlUnitOfWork
    from mutualaid.services import notices
    from tests.services.test_notices_on_fakes import Recorder

    sessions = infra(client).sessions
    here = threading.get_ident()
    ours: list[int] = []  # the counter is the process's: the app's own threads may commit too
    real = writes.bump

    def bump(*args: object) -> None:
        if threading.get_ident() == here:
            ours.append(1)
        real(*args)

    with patch.object(writes, "bump", bump):
        notices.send_due(SqlUnitOfWork(sessions, outbox_only=True), Recorder(), "sender")
        assert ours == []
        notices.send_due(SqlUnitOfWork(sessions), Recorder(), "sender")
        assert ours  # any other unit of work's commit forgets them
