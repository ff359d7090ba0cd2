"""Group commit (ledger.group_commit) on a real SQLite file with the ledger's engine settings
(WAL, synchronous=FULL, BEGIN IMMEDIATE): calls queued while a batch runs commit together,
a failing call is undone alone, a failed COMMIT fails every call, and a call returns only once
what it wrote is visible to another connection (committed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text

from ledger.db import make_engine, session_factory
from ledger.group_commit import DirectWriter, GroupWriter, writer_for

WAIT_S = 30


class Refused(Exception):
    pass


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'gc.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)"))
    yield engine
    engine.dispose()


@pytest.fixture
def writer(engine: Engine) -> Iterator[GroupWriter]:
    w = GroupWriter(session_factory(engine))
    yield w
    w.close()


def rows(engine: Engine) -> list[int]:
    with engine.connect() as conn:  # another connection: sees only what was committed
        return [r[0] for r in conn.execute(text("SELECT x FROM t ORDER BY x"))]


def insert(x: int, fail: bool = False) -> Any:
    def work(conn: Connection) -> int:
        conn.execute(text("INSERT INTO t (x) VALUES (:x)"), {"x": x})
        if fail:
            raise Refused(f"call {x} refused after writing")
        return x

    return work


def queued_behind_a_running_batch(
    writer: GroupWriter, pool: ThreadPoolExecutor, works: list[Any]
) -> list[Future[Any]]:
    """Submit `works` while the writer is held inside a first call (it inserts 0); then let it
    go. The first call's future comes first in the list."""
    inside, go = threading.Event(), threading.Event()

    def first(conn: Connection) -> int:
        conn.execute(text("INSERT INTO t (x) VALUES (0)"))
        inside.set()
        assert go.wait(WAIT_S)
        return 0

    head = pool.submit(writer.run, first)
    assert inside.wait(WAIT_S)
    futures = [pool.submit(writer.run, w) for w in works]
    deadline = time.monotonic() + WAIT_S
    while writer._queue.qsize() < len(works) and time.monotonic() < deadline:
        time.sleep(0.01)  # every call queued before the first batch ends
    go.set()
    return [head, *futures]


def test_calls_queued_during_a_batch_commit_together_and_a_failure_is_undone_alone(
    engine: Engine, writer: GroupWriter
) -> None:
    with ThreadPoolExecutor(6) as pool:
        head, *futures = queued_behind_a_running_batch(
            writer, pool, [insert(1), insert(2, fail=True), insert(3), insert(4)]
        )
        assert head.result(WAIT_S) == 0
        assert futures[0].result(WAIT_S) == 1
        with pytest.raises(Refused, match="call 2 refused"):
            futures[1].result(WAIT_S)
        assert [futures[2].result(WAIT_S), futures[3].result(WAIT_S)] == [3, 4]
    assert rows(engine) == [0, 1, 3, 4]  # call 2's insert rolled back to its savepoint
    assert (writer.batches, writer.calls) == (2, 5)  # the first alone, then four in one


def test_a_call_returns_only_once_its_write_is_committed(
    engine: Engine, writer: GroupWriter
) -> None:
    for x in range(1, 6):
        assert writer.run(insert(x)) == x
        assert rows(engine)[-1] == x  # already visible to another connection


def test_a_failed_commit_fails_every_call_of_its_batch_and_keeps_none(
    engine: Engine, writer: GroupWriter
) -> None:
    def refuse_commit(_conn: Any) -> None:
        raise Refused("the disk refused the commit")

    event.listen(engine, "commit", refuse_commit)
    try:
        with ThreadPoolExecutor(4) as pool:
            futures = queued_behind_a_running_batch(writer, pool, [insert(1), insert(2)])
            for f in futures:  # the first call's batch, then the other two's
                with pytest.raises(Refused, match="refused the commit"):
                    f.result(WAIT_S)
    finally:
        event.remove(engine, "commit", refuse_commit)
    assert rows(engine) == []
    assert writer.run(insert(7)) == 7  # the writer goes on after a failed batch
    assert rows(engine) == [7]


def test_sqlite_gets_the_group_writer_and_postgresql_one_transaction_per_call(
    engine: Engine,
) -> None:
    assert isinstance(writer_for(session_factory(engine)), GroupWriter)
    pg = make_engine("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    try:
        assert isinstance(writer_for(session_factory(pg)), DirectWriter)
    finally:
        pg.dispose()


def test_coroutines_awaiting_the_writer_commit_together_and_wake_only_after_the_commit(
    engine: Engine, writer: GroupWriter
) -> None:
    """`run_async` (the money routes' way in): no thread waits, the event loop is woken with
    each call's result or error once its batch is committed."""
    import asyncio

    inside, go = threading.Event(), threading.Event()
    seen_at_wake: dict[int, list[int]] = {}

    def first(conn: Connection) -> int:
        conn.execute(text("INSERT INTO t (x) VALUES (0)"))
        inside.set()
        assert go.wait(WAIT_S)
        return 0

    async def one(x: int, fail: bool = False) -> int:
        result = await writer.run_async(insert(x, fail))
        seen_at_wake[x] = rows(engine)
        return int(result)

    async def main() -> list[Any]:
        head = asyncio.ensure_future(writer.run_async(first))
        await asyncio.get_running_loop().run_in_executor(None, inside.wait, WAIT_S)
        calls = [one(1), one(2, fail=True), one(3)]
        tasks = [asyncio.ensure_future(c) for c in calls]
        while writer._queue.qsize() < len(tasks):
            await asyncio.sleep(0.01)  # all three queued behind the running batch
        go.set()
        return await asyncio.gather(head, *tasks, return_exceptions=True)

    head, one_, two, three = asyncio.run(asyncio.wait_for(main(), WAIT_S))
    assert (head, one_, three) == (0, 1, 3)
    assert isinstance(two, Refused)
    assert (writer.batches, writer.calls) == (2, 4)  # the first alone, then three in one
    assert seen_at_wake[1] == [0, 1, 3] == seen_at_wake[3]  # committed before either woke
    assert rows(engine) == [0, 1, 3]
