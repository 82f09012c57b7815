"""A notices webhook may not point into the server's own house: loopback, link-local (the
cloud's metadata service, 169.254.169.254), unspecified and multicast addresses are refused,
as a literal when the webhook is set and, for a host name, after it resolves at send time
(the refusal then is the notice's failure). A private LAN address is allowed: a
sub-district office's own server may sit on its LAN (found by the outsider's attack)."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from mutualaid.adapters.delivery import NetworkTransport
from mutualaid.config import NoticeSettings
from mutualaid.contract.scenario import load_scenario
from mutualaid.messages import using_locale
from mutualaid.services import notices
from mutualaid.services.notice_ports import DeliveryFailed
from mutualaid.services.ports import InvalidRequest
from tests.fakes import FakeStore, FakeUnitOfWork
from tests.services.test_plans_on_fakes import AREA, COORDINATOR, WORLD

INSIDE = [
    "http://169.254.169.254/latest/meta-data",
    "http://127.0.0.1:5432",
    "http://127.8.9.10/hook",
    "http://[::1]/",
    "http://0.0.0.0/hook",
    "http://[::]/hook",
    "http://224.0.0.1/hook",
    "http://[ff02::1]/hook",
    "http://[fe80::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:169.254.169.254]/hook",
    "http://localhost:8000/hook",
    "http://LOCALHOST./hook",
    "http://api.localhost/hook",
    "http://2130706433/hook",  # 127.0.0.1 as one decimal number, which resolvers accept
]
OUTSIDE = [
    "https://hooks.example.org/in",
    "http://192.168.1.10:8080/hook",  # the office's own LAN
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "https://[2001:db8::5]/hook",
]


@pytest.fixture
def store() -> FakeStore:
    made = FakeStore()
    made.add_week(AREA, load_scenario(WORLD))
    return made


@pytest.mark.parametrize("url", INSIDE)
def test_a_webhook_inside_the_servers_house_is_refused_naming_the_field(
    store: FakeStore, url: str
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        notices.set_webhook(FakeUnitOfWork(store), COORDINATOR, AREA, url, "s" * 32)
    [problem] = refused.value.problems
    assert problem.path == "webhook_url"
    assert "loopback" in problem.message and "private" in problem.message


def test_the_refusal_is_said_in_chinese_too(store: FakeStore) -> None:
    with using_locale("zh"), pytest.raises(InvalidRequest) as refused:
        notices.set_webhook(FakeUnitOfWork(store), COORDINATOR, AREA, INSIDE[0], "s" * 32)
    [problem] = refused.value.problems
    assert "回环" in problem.message and "局域网" in problem.message


@pytest.mark.parametrize("url", OUTSIDE)
def test_a_webhook_on_the_internet_or_the_offices_lan_is_kept(store: FakeStore, url: str) -> None:
    assert notices.set_webhook(FakeUnitOfWork(store), COORDINATOR, AREA, url, "s" * 32)


def test_loopback_is_allowed_only_when_the_deployment_says_so(store: FakeStore) -> None:
    uow = FakeUnitOfWork(store)
    assert notices.set_webhook(uow, COORDINATOR, AREA, "http://127.0.0.1:9/h", "s" * 32,
                               allow_loopback=True)  # fmt: skip
    with pytest.raises(InvalidRequest):  # the metadata service stays refused
        notices.set_webhook(uow, COORDINATOR, AREA, INSIDE[0], "s" * 32, allow_loopback=True)


def _resolving_to(monkeypatch: pytest.MonkeyPatch, address: str) -> list[Any]:
    """getaddrinfo answering `address` for any name; the connections tried, recorded."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sockaddr = (address, 80, 0, 0) if ":" in address else (address, 80)

    def fake(*_: object, **__: object) -> list[Any]:
        return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    tried: list[Any] = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: tried.append(a))
    return tried


@pytest.mark.parametrize("address", ["169.254.169.254", "127.0.0.1", "::1", "0.0.0.0"])
def test_a_host_name_that_resolves_inside_is_refused_at_send_time(
    monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    tried = _resolving_to(monkeypatch, address)
    transport = NetworkTransport(NoticeSettings(timeout_seconds=1))
    with pytest.raises(DeliveryFailed) as failed:
        transport.post("http://rebinding.example/hook", b"{}", {})
    assert address in str(failed.value) and "loopback" in str(failed.value)
    assert tried == []


def test_a_name_that_does_not_resolve_is_a_failed_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*_: object, **__: object) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fails)
    with pytest.raises(DeliveryFailed):
        NetworkTransport(NoticeSettings(timeout_seconds=1)).post("http://nowhere.example/", b"", {})
