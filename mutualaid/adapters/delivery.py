"""How notices leave the house: a signed POST to an area's webhook (httpx) and an email by
SMTP (smtplib), behind the NoticeTransport port. Any failure is DeliveryFailed, with what
went wrong in words the coordinator's delivery view shows."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage

import httpx

from mutualaid.config import NoticeSettings
from mutualaid.messages import msg
from mutualaid.services.notice_ports import DeliveryFailed
from mutualaid.services.web_addresses import refused_at_send, resolved


class NetworkTransport:
    def __init__(self, settings: NoticeSettings) -> None:
        self.settings = settings
        # one client for every POST: a new one per notice (httpx.post) cost 42 ms against a
        # local receiver where a kept connection costs under 2 (bench/season.py's notices)
        self.client = httpx.Client(timeout=settings.timeout_seconds, follow_redirects=False)

    @property
    def email_enabled(self) -> bool:
        return self.settings.smtp_host is not None

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        """POST to the address the webhook's host resolves to now, once it is known not to be
        inside the server's house (web_addresses), and to that address only: the connection
        is pinned to it (Host header and TLS server name kept), so a name that resolves
        elsewhere a moment later (DNS rebinding) does not reach inside either."""
        pinned, sent = self._pinned(url, headers)
        try:
            answer = self.client.post(
                pinned, content=body, headers=sent, extensions=self._sni(url, pinned)
            )
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= answer.status_code < 300:
            raise DeliveryFailed(f"HTTP {answer.status_code}")

    def _pinned(self, url: str, headers: Mapping[str, str]) -> tuple[str, dict[str, str]]:
        try:
            parts = httpx.URL(url)
        except (httpx.InvalidURL, ValueError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        host = parts.host
        try:
            found = resolved(host)
        except (OSError, UnicodeError) as exc:
            raise DeliveryFailed(msg("notice_unresolved_host", host=host, error=exc)) from None
        allow = self.settings.allow_loopback
        bad = refused_at_send(host, allow_loopback=allow, resolve=lambda _: found)
        if bad is not None or not found:
            text = msg("notice_inside_host", host=host, address=bad or "-")
            raise DeliveryFailed(text)
        sent = dict(headers)
        sent["Host"] = parts.netloc.decode("ascii")
        return str(parts.copy_with(host=found[0])), sent

    @staticmethod
    def _sni(url: str, pinned: str) -> dict[str, object]:
        """The TLS server name (and so the certificate's name) of the URL as written."""
        host = httpx.URL(url).host
        return (
            {"sni_hostname": host}
            if url.startswith("https") and host != httpx.URL(pinned).host
            else {}
        )

    def email(self, to: str, subject: str, text: str, key: str) -> None:
        s = self.settings
        if s.smtp_host is None:
            raise DeliveryFailed("no SMTP server (MUTUALAID_SMTP_HOST)")
        message = EmailMessage()
        try:  # a title with a line break would end the header: one line, spaces for breaks
            message["From"], message["To"] = s.smtp_from, to
            message["Subject"] = " ".join(subject.split())
        except ValueError as exc:  # an address the email package will not write
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        domain = s.smtp_from.rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<{key}@{domain}>"  # the same for each try of a notice
        message.set_content(text)
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_seconds) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_user is not None:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
