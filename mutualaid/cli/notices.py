"""`mutualaid notices send`: deliver the notices due now, once (the server does the same in a
background loop, MUTUALAID_NOTICES_SEND), for a cron job or a server that does not send."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer

from mutualaid.cli.common import app, console, settings_from_env
from mutualaid.cli.service import open_store
from mutualaid.cli.usage import WordedTyper
from mutualaid.messages import msg

notices_app = WordedTyper(no_args_is_help=True, help="Notices to volunteers.")
app.add_typer(notices_app, name="notices")


@notices_app.command("send")
def notices_send(
    url: Annotated[str | None, typer.Option(help="Database URL (default: $DATABASE_URL).")] = None,
) -> None:
    """Send every notice due now (webhook and email, MUTUALAID_SMTP_*).

    A failure waits for its next try (the backoff), which a later run makes."""
    from mutualaid.adapters.delivery import NetworkTransport
    from mutualaid.services.notices import SendSettings, Sent, send_due

    settings = settings_from_env(url)
    transport = NetworkTransport(settings.notices)
    worker = f"cli-{socket.gethostname()}-{os.getpid()}"
    total = Sent()
    with open_store(settings.database) as store:
        while True:
            done = send_due(store.uow(), transport, worker, SendSettings.of(settings.notices))
            for name in ("sent", "retried", "failed", "unrouted", "lost"):
                setattr(total, name, getattr(total, name) + getattr(done, name))
            if done == Sent():
                break
    console.print(
        msg("cli_notices_sent", sent=total.sent, retried=total.retried, failed=total.failed,
            unrouted=total.unrouted),
    )  # fmt: skip
