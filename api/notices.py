"""The server's notice sender: a dispatcher thread that delivers the notices due, woken when
a request wrote some and every `poll_seconds` besides (retries come due on their own). On
when MUTUALAID_NOTICES_SEND is (the default from the environment)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable

from api.jobs import Dispatcher
from api.settings import NoticeSettings
from mutualaid.services.notice_ports import NoticeTransport
from mutualaid.services.notices import SendSettings, Sent, send_due
from mutualaid.services.ports import UnitOfWork


class NoticeSender(Dispatcher):
    thread_name = "mutualaid-notices"

    def __init__(
        self, new_uow: Callable[[], UnitOfWork], transport: NoticeTransport,
        settings: NoticeSettings,
    ) -> None:  # fmt: skip
        super().__init__(settings.poll_seconds)
        self.new_uow = new_uow
        self.transport = transport
        self.send_settings = SendSettings.of(settings)
        self.worker = f"notices-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def step(self) -> bool:
        done = send_due(self.new_uow(), self.transport, self.worker, self.send_settings)
        return done != Sent()
