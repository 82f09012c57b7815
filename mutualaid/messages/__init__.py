"""Every sentence a user reads, in English and Chinese: the lookup, over a catalogue split by
concern (the loader's, the engine's reasons and violations, the service's, the command line's,
the pages').

`msg(key, **fields)` formats one in the active locale, which the edge chooses once: the API
from the request (Accept-Language, or the pages' remembered choice), the command line from
MUTUALAID_LANG or LANG at its entry point (`language_of_environment`). Nothing below the edge
reads the environment; with no choice made, English. Data that is worded only at the edge (a
validator's `Violation`, an error's `Said`) carries a key and its fields (`say`). Tests check
that both locales have every key and field.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeGuard

from mutualaid.messages.checks import CHECKS
from mutualaid.messages.cli import CLI
from mutualaid.messages.ledger import LEDGER
from mutualaid.messages.notices import NOTICES
from mutualaid.messages.pages import PAGE_CATALOGUE
from mutualaid.messages.replan import REPLAN
from mutualaid.messages.replan_pages import REPLAN_PAGES
from mutualaid.messages.scenario import SCENARIO
from mutualaid.messages.service import SERVICE
from mutualaid.messages.spreadsheets import SPREADSHEETS

CATALOGUE: dict[str, tuple[str, str]] = {
    **SCENARIO,
    **CHECKS,
    **SERVICE,
    **CLI,
    **PAGE_CATALOGUE,
    **LEDGER,
    **NOTICES,
    **REPLAN,
    **REPLAN_PAGES,
    **SPREADSHEETS,
}
"""Every key, once: (English, Chinese)."""


class _Words(string.Formatter):
    """str.format, and `{count:plural:task:tasks}` for a count with its noun ("1 task", "3 tasks").

    English needs the noun's number; Chinese does not, so only English sentences use the spec.
    """

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec.startswith("plural:"):
            _, one, many = format_spec.split(":")
            return f"{value} {one if value == 1 else many}"
        return str(super().format_field(value, format_spec))


_WORDS = _Words()

LOCALES = ("en", "zh")
_CHOSEN: ContextVar[str | None] = ContextVar("mutualaid_locale", default=None)


def locale() -> str:
    """The active locale: the one the edge chose for this request or run, else en."""
    return "zh" if _CHOSEN.get() == "zh" else "en"


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
    return _WORDS.format(zh if locale() == "zh" else en, **fields)


def msg_in(code: str, _key: str, **fields: object) -> str:
    """The catalogue's sentence for key in locale `code` (en | zh), whatever is active."""
    en, zh = CATALOGUE[_key]
    return _WORDS.format(zh if code == "zh" else en, **fields)


def located(where: object, text: str) -> str:
    """`text` placed at `where` (a line, a field path, a file) in the active locale:
    "line 3: ...", "第 3 行：..."; `text` alone when `where` is empty."""
    return msg("located", where=where, text=text) if str(where) else text


# --- choosing the language at the edge -----------------------------------------------------


def language_of_tag(tag: str) -> str | None:
    """en | zh for one language tag (zh, zh-CN, zh-Hans, zh_CN.UTF-8, en-GB...), else None."""
    tag = tag.strip().lower()
    if tag.startswith("zh"):
        return "zh"
    if tag.startswith("en"):
        return "en"
    return None


def language_of_header(header: str) -> str:
    """en | zh for an Accept-Language header: the first language we speak in the order of
    its weights (q=), else en. A language weighted 0 is one the reader refuses (RFC 9110
    12.4.2), and so is one whose weight is no weight (not a number from 0 to 1)."""
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
            if not 0.0 < weight <= 1.0:  # also NaN, which every comparison refuses
                weight = 0.0
        if weight > 0.0:
            ranked.append((-weight, i, tag))
    for _, _, tag in sorted(ranked):
        if spoken := language_of_tag(tag):
            return spoken
    return "en"


def language_of_environment(env: Mapping[str, str]) -> str:
    """en | zh for the command line: MUTUALAID_LANG (en | zh) if set, else LANG starting with
    "zh", else en. Read once, at the command line's entry point."""
    chosen = env.get("MUTUALAID_LANG") or env.get("LANG", "")
    return "zh" if chosen.lower().startswith("zh") else "en"


# --- data worded at the edge ---------------------------------------------------------------


class Sayable(Protocol):
    """A sentence kept as data: a catalogue key and its fields."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, object]: ...


class Locatable(Sayable, Protocol):
    """A sentence about a task and a volunteer (a validator's `Violation`)."""

    @property
    def task(self) -> str | None: ...

    @property
    def volunteer(self) -> str | None: ...


def say(said: Sayable) -> str:
    """The sentence in the active locale; a field that is itself a Sayable is worded too."""
    return msg(said.code, **_worded(said.params))


def violation_text(violation: Locatable) -> str:
    """A validator's `Violation` as the sentence plan JSON, the API and the CLI show, in the
    active locale: its task and volunteer fill {task} and {volunteer} unless its params
    name them (an id the week does not have, as it came)."""
    fields = {"task": violation.task, "volunteer": violation.volunteer, **violation.params}
    return msg(violation.code, **_worded(fields))


def _worded(fields: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in fields.items():
        if isinstance(value, list | tuple) and value and all(map(_is_sayable, value)):
            out[name] = "; ".join(str(_word(v)) for v in value)
        else:
            out[name] = _word(value)
    return out


def _word(value: object) -> object:
    if _is_violation(value):
        return violation_text(value)
    if _is_sayable(value):
        return say(value)
    return value


def _is_sayable(value: object) -> TypeGuard[Sayable]:
    params = getattr(value, "params", None)
    return isinstance(getattr(value, "code", None), str) and isinstance(params, Mapping)


def _is_violation(value: object) -> TypeGuard[Locatable]:
    return _is_sayable(value) and hasattr(value, "task") and hasattr(value, "volunteer")


class Said:
    """A sentence worded only when read (`str`), in the locale active then: what an error
    raised deep down carries, so the request that shows it chooses the language."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params: object) -> None:
        if code not in CATALOGUE:
            raise KeyError(code)
        self.code = code
        self.params: Mapping[str, object] = params

    def __str__(self) -> str:
        return say(self)

    def __repr__(self) -> str:
        return f"Said({self.code!r}, **{dict(self.params)!r})"
