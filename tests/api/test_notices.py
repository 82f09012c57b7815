"""Notices through the running service (SQLite and PostgreSQL): a publish over HTTP writes
them, the server's sender delivers them to a local webhook receiver (signed, one
Idempotency-Key each, a failing receiver tried again) and a local SMTP server (aiosmtpd), the
coordinator sees the delivery state, a volunteer reads only their own."""

from __future__ import annotations

import dataclasses
import email
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar.testing import TestClient

from api.app import create_app
from api.settings import NoticeSettings, Settings
from tests.adapters import world

from .conftest import Client, bearer, empty_database_url, infra, short_solves, wait_for
from .test_readme import free_port
from .test_volunteers import AREA, Headers, volunteer

SECRET = "a-secret-of-32-characters-length"


class Receiver:
    """A local webhook receiver (threads) that answers 500 to its first `failing` posts."""

    def __init__(self, failing: int = 0) -> None:
        self.failing = failing
        self.posts: list[tuple[dict[str, str], bytes]] = []
        self.refused = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with lock:
                    fail = owner.failing > 0
                    if fail:
                        owner.failing -= 1
                        owner.refused += 1
                    else:
                        owner.posts.append((dict(self.headers.items()), body))
                self.send_response(500 if fail else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email_policy)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver(failing=3)
    yield made
    made.close()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    smtp = Controller(box, hostname="127.0.0.1", port=free_port())
    smtp.start()
    box.port = smtp.port  # type: ignore[attr-defined]
    yield box
    smtp.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def sending(request: pytest.FixtureRequest, tmp_path: Path, mailbox: Mailbox) -> Settings:
    """The service with its sender on, quick retries, and the local SMTP server."""
    base = short_solves(empty_database_url(request.param, request, tmp_path))
    notices = NoticeSettings(
        send=True, poll_seconds=0.1, retry_seconds=0.1, retry_max_seconds=0.4, attempts=10,
        timeout_seconds=5, allow_loopback=True, smtp_host="127.0.0.1", smtp_port=mailbox.port,  # type: ignore[attr-defined]
    )  # fmt: skip
    return dataclasses.replace(base, notices=notices)


@pytest.fixture
def service(sending: Settings) -> Iterator[Client]:
    with TestClient(create_app(sending)) as c:
        yield c


def load_week(client: Client, admin: Headers) -> None:
    answer = client.post(f"/weeks/{world.WEEK}/scenario?area={AREA}", json=world.scenario(),
                         headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text


def publish_week(client: Client, admin: Headers) -> str:
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(plan.id, world.plan())
        uow.commit()
    answer = client.post(f"/plans/{plan.id}/publish", headers=admin)
    assert answer.status_code == 200, answer.text
    return plan.id


@pytest.fixture
def boss(service: Client) -> Headers:
    from mutualaid.services import access

    _, secret = access.create_token(infra(service).uow(), access.CLI, "admin", name="t")
    return bearer(secret)


@pytest.mark.slow
def test_a_publish_is_told_to_the_webhook_signed_once_each_despite_failures_and_by_email(
    service: Client, boss: Headers, receiver: Receiver, mailbox: Mailbox
) -> None:
    load_week(service, boss)
    hook = {"webhook_url": receiver.url, "secret": SECRET}
    assert service.put(f"/notices/webhook?area={AREA}", json=hook, headers=boss).is_success
    wang = volunteer(service, "v-wang")
    contact = {"email": "wang@example.org", "language": "en"}
    answer = service.put(f"/volunteers/v-wang/contact?area={AREA}", json=contact, headers=wang)
    assert answer.status_code == 200, answer.text
    publish_week(service, boss)

    def delivered() -> Any:
        listed = service.get(f"/notices?area={AREA}", headers=boss).json()
        return listed if listed["counts"] == {"sent": 4} else None

    listed = wait_for(delivered)
    assert receiver.refused == 3  # the failing receiver was tried again ...
    keys = [h["Idempotency-Key"] for h, _ in receiver.posts]
    assert sorted(keys) == sorted(n["id"] for n in listed["notices"])  # ... and each sent once
    for headers, body in receiver.posts:
        want = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-MutualAid-Signature"] == f"sha256={want}"
        assert json.loads(body)["kind"] == "given"
    retried = [n for n in listed["notices"] if n["attempts"] > 1]
    assert retried and all(n["last_error"] is None or "500" in n["last_error"] for n in retried)
    to_wang = [m for m in mailbox.messages if m["To"] == "wang@example.org"]
    assert len(to_wang) == 2  # t-visit-zhang and t-show, in English
    assert all(str(m["Subject"]).startswith("New visit: ") for m in to_wang)


@pytest.mark.slow
def test_a_volunteer_reads_their_own_notices_only(
    service: Client, boss: Headers, receiver: Receiver
) -> None:
    load_week(service, boss)
    publish_week(service, boss)
    li = volunteer(service, "v-li")
    mine = service.get("/volunteers/v-li/notices", headers=li)
    assert mine.status_code == 200, mine.text
    assert [(n["task"], n["kind"]) for n in mine.json()] == [("t-meals@wed", "given")]
    zh = service.get("/volunteers/v-li/notices", headers={**li, "Accept-Language": "zh"})
    assert zh.json()[0]["text"].startswith("您有一项新的服务安排")
    assert service.get("/volunteers/v-wang/notices", headers=li).status_code == 403
    assert service.get(f"/notices?area={AREA}", headers=li).status_code == 403
    listed = wait_for(
        lambda: (
            (j := service.get(f"/notices?area={AREA}", headers=boss).json())["counts"]
            == {"unrouted": 4}
            and j
        )
    )
    assert all(n["delivered"] == [] for n in listed["notices"])  # no webhook, no email


def test_bad_notice_settings_are_named_and_refused(client: Client, admin: Headers) -> None:
    client.post(f"/weeks/{world.WEEK}/scenario?area={AREA}", json=world.scenario(), headers=admin)
    bad = {"webhook_url": "ftp://x", "secret": "short"}
    answer = client.put(f"/notices/webhook?area={AREA}", json=bad, headers=admin)
    assert answer.status_code == 400
    assert {p["path"] for p in answer.json()["problems"]} == {"webhook_url", "secret"}
    li = volunteer(client, "v-li")
    contact = {"email": "not an address", "language": "fr"}
    answer = client.put("/volunteers/v-li/contact", json=contact, headers=li)
    assert answer.status_code == 400
    assert {p["path"] for p in answer.json()["problems"]} == {"email", "language"}
    hook = {"webhook_url": "http://192.168.1.10:9/hook", "secret": SECRET}
    assert client.put(f"/notices/webhook?area={AREA}", json=hook, headers=li).status_code == 403
    assert client.put(f"/notices/webhook?area={AREA}", json=hook, headers=admin).is_success
    shown = client.get(f"/notices/webhook?area={AREA}", headers=admin).json()
    assert shown == {"webhook_url": hook["webhook_url"]}  # never the secret
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    assert "notices.webhook" in {e["action"] for e in audit}
    assert SECRET not in json.dumps(audit)


@pytest.mark.parametrize("lang, said", [("en", "link-local"), ("zh", "链路本地")])
def test_a_webhook_at_the_cloud_metadata_service_is_a_400_naming_the_field(
    client: Client, admin: Headers, lang: str, said: str
) -> None:
    hook = {"webhook_url": "http://169.254.169.254/latest/meta-data", "secret": SECRET}
    answer = client.put(f"/notices/webhook?area={AREA}", json=hook,
                        headers={**admin, "Accept-Language": lang})  # fmt: skip
    assert answer.status_code == 400, answer.text
    [problem] = answer.json()["problems"]
    assert problem["path"] == "webhook_url" and said in problem["message"]
    assert client.get(f"/notices/webhook?area={AREA}", headers=admin).json()["webhook_url"] is None


def test_notices_send_on_the_command_line_delivers_what_is_due_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    from typer.testing import CliRunner

    from mutualaid.adapters.db import make_engine, make_session_factory
    from mutualaid.adapters.migrate import upgrade
    from mutualaid.adapters.uow import SqlUnitOfWork
    from mutualaid.cli import app
    from mutualaid.services import notices

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALAID_LANG", "en")
    monkeypatch.setenv("MUTUALAID_NOTICES_RETRY_SECONDS", "3600")
    monkeypatch.setenv("MUTUALAID_NOTICES_ALLOW_LOOPBACK", "1")  # the receiver is on this host
    engine = make_engine(url)
    upgrade(engine)
    with SqlUnitOfWork(make_session_factory(engine)) as uow:
        world.import_week(uow, AREA, world.scenario())
        uow.notices.set_channel(AREA, receiver.url, SECRET)
        plan = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(plan.id, world.plan())
        before = notices.before_change(uow, AREA, world.WEEK)
        uow.plans.publish(plan.id)
        notices.note_changes(uow, before, plan.id)
        uow.commit()
    engine.dispose()
    first = CliRunner().invoke(app, ["notices", "send"])
    assert first.exit_code == 0, first.output
    assert "1 sent, 3 to try again" in first.output  # the receiver failed its first three
    again = CliRunner().invoke(app, ["notices", "send"])
    assert "0 sent, 0 to try again" in again.output  # not due before the backoff
    assert len(receiver.posts) == 1 and receiver.refused == 3


def test_an_email_subject_with_a_line_break_is_sent_on_one_line(mailbox: Mailbox) -> None:
    from mutualaid.adapters.delivery import NetworkTransport
    from mutualaid.services.notice_ports import DeliveryFailed

    port = mailbox.port  # type: ignore[attr-defined]
    transport = NetworkTransport(NoticeSettings(smtp_host="127.0.0.1", smtp_port=port))
    transport.email("li@example.org", "New visit: 修\nBcc: x@evil.example", "text", "key-1")
    [sent] = mailbox.messages
    assert sent["Subject"] == "New visit: 修 Bcc: x@evil.example" and sent["Bcc"] is None
    assert sent["Message-ID"] == "<key-1@localhost>"
    with pytest.raises(DeliveryFailed):
        transport.email("li@example.org\nBcc: x@evil.example", "s", "t", "key-2")
    closed = NetworkTransport(NoticeSettings(smtp_host="127.0.0.1", smtp_port=free_port()))
    with pytest.raises(DeliveryFailed):
        closed.email("li@example.org", "s", "t", "key-3")
