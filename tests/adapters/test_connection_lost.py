"""The database connection lost in the middle of a request (PostgreSQL: an administrator's
`pg_terminate_backend`, a restarted server). Found by the outsider's attack, terminating a
live server's own connections during writes: every such request answered 500 "something went
wrong on our side" with a traceback in the log, though the next one worked. It is now 503
`store_lost` with Retry-After, saying that nothing was stored; lost during the commit, that
it may have been stored in full or not at all (look first), in English and Chinese."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from api.errors import status_of
from mutualaid.messages import msg_in
from mutualaid.services.errors import StoreLost
from mutualaid.services.ports import ConflictError

from .conftest import UowFactory


def _cut(engine: Engine, pid: int) -> None:
    with engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def _pid(uow: object) -> int:
    session = uow.session  # type: ignore[attr-defined]
    return int(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


@pytest.fixture
def pg(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file has no connection to lose")
    return engine


def test_a_connection_lost_before_the_commit_says_nothing_was_stored(
    pg: Engine, make_uow: UowFactory
) -> None:
    uow = make_uow()
    with pytest.raises(StoreLost) as lost, uow:
        _cut(pg, _pid(uow))
        uow.areas.all()
    assert not lost.value.at_commit and lost.value.retry_after >= 1
    assert status_of(lost.value) == (503, "store_lost")
    with make_uow() as again:  # the next request gets a new connection
        assert again.areas.all() == []


def test_a_connection_lost_at_the_commit_says_it_may_be_stored(
    pg: Engine, make_uow: UowFactory
) -> None:
    uow = make_uow()
    with pytest.raises(StoreLost) as lost, uow:
        _cut(pg, _pid(uow))
        uow.commit()
    assert lost.value.at_commit


def test_the_words_in_both_languages() -> None:
    for key in ("store_lost", "store_lost_at_commit"):
        en, zh = msg_in("en", key, seconds=5), msg_in("zh", key, seconds=5)
        assert "5" in en and "5" in zh and en != zh


def test_an_error_raised_after_the_connection_was_cut_is_still_that_error(
    pg: Engine, make_uow: UowFactory
) -> None:
    """The roll-back of a transaction whose connection is gone raised its own error in
    place of the one the request was failing with (seen as a 500 on a task edit)."""
    uow = make_uow()
    with pytest.raises(ConflictError), uow:
        _cut(pg, _pid(uow))
        raise ConflictError("the use case's own refusal")
