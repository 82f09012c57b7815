"""Every sentence a user reads, in English and Chinese: the lookup, over a catalogue split by
concern (the loader's, the engine's reasons and violations, the service's, the command line's,
the pages').

`msg(key, **fields)` formats one in the active locale: the one a request chose
(`using_locale`, the pages' per-person choice), else MUTUALAID_LANG (en | zh) if set, else LANG
starting with "zh", else English. Tests check that both locales have every key and field.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from mutualaid.messages.checks import CHECKS
from mutualaid.messages.cli import CLI
from mutualaid.messages.pages import PAGE_CATALOGUE
from mutualaid.messages.scenario import SCENARIO
from mutualaid.messages.service import SERVICE

CATALOGUE: dict[str, tuple[str, str]] = {
    **SCENARIO,
    **CHECKS,
    **SERVICE,
    **CLI,
    **PAGE_CATALOGUE,
}
"""Every key, once: (English, Chinese)."""

LOCALES = ("en", "zh")
_CHOSEN: ContextVar[str | None] = ContextVar("mutualaid_locale", default=None)


def locale() -> str:
    chosen = _CHOSEN.get() or os.environ.get("MUTUALAID_LANG") or os.environ.get("LANG", "")
    return "zh" if chosen.lower().startswith("zh") else "en"


@contextmanager
def using_locale(code: str) -> Iterator[None]:
    """Within the block (and this thread or task only), `msg` speaks `code` (en | zh)."""
    token = _CHOSEN.set(code)
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def msg(_key: str, **fields: object) -> str:
    """The catalogue's sentence for key, in the active locale, with fields filled in."""
    en, zh = CATALOGUE[_key]
    return (zh if locale() == "zh" else en).format(**fields)


def msg_in(code: str, _key: str, **fields: object) -> str:
    """The catalogue's sentence for key in locale `code` (en | zh), whatever is active."""
    en, zh = CATALOGUE[_key]
    return (zh if code == "zh" else en).format(**fields)
