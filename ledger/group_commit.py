"""Group commit: one writer thread commits several requests' effects in one transaction.

On SQLite every write transaction takes the database's one write lock and, with
`synchronous=FULL`, ends in an fsync; one request per transaction caps a ledger at the disk's
commit rate divided by the Python each request runs under the lock. Here each process has ONE
writer thread. A money call hands it its work (claim the Idempotency-Key, the effect, store the
answer) and waits. The writer takes every call queued meanwhile (up to `MAX_BATCH`), runs each
one inside its own SAVEPOINT of one BEGIN IMMEDIATE transaction, then COMMITs once (one fsync)
and only then wakes the callers: no request is answered before its effects are durable.

- A call whose work raises (insufficient funds, an unknown hold, a twin's key) is rolled back
  to its savepoint alone; the others of the batch commit. Its caller gets the exception.
- Each call sees the effects of the calls before it in the batch (same transaction), so the
  money checks (no overdraft, one capture, the hold states) hold exactly as one by one.
- If the COMMIT (or BEGIN) fails, no call of the batch took effect; every caller gets that
  error (503 for a database error): kiosks retry with the same keys.

The work gets a Core `Connection`, not an ORM `Session`: the money calls are Core statements,
and the Session's own bookkeeping was about half of their cost (bench/README.md).

PostgreSQL needs none of this (its own WAL group commit, row locks, many processes), so there a
`DirectWriter` runs each call in its own transaction, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BATCH = 64  # calls per transaction: bounds how long one commit's callers wait
WAIT_S = 120.0  # a caller gives up waiting for the writer (it should never take this long)


class Writer(Protocol):
    engine: Engine

    def run(self, work: Callable[[Connection], T]) -> T: ...


class DirectWriter:
    """Each call in its own transaction on the caller's thread (PostgreSQL, and tools)."""

    def __init__(self, db: sessionmaker[Session]) -> None:
        self.db = db
        self.engine: Engine = db.kw["bind"]

    def run(self, work: Callable[[Connection], T]) -> T:
        with self.engine.begin() as conn:
            return work(conn)

    def close(self) -> None:
        pass


class _Call:
    __slots__ = ("work", "result", "error", "done", "notify")

    def __init__(
        self,
        work: Callable[[Connection], Any],
        notify: Callable[[_Call], object] | None = None,
    ) -> None:
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None
        self.notify = notify  # called by the writer once done (a waiting event loop)
        self.done = threading.Lock()  # else held until the writer is done with the call
        if notify is None:
            self.done.acquire()

    def finish(self) -> None:
        if self.notify is None:
            self.done.release()
            return
        try:
            self.notify(self)
        except RuntimeError:  # the caller's event loop was closed meanwhile: nobody waits
            log.warning("a group-commit caller's event loop closed before its answer")


def _settle(future: asyncio.Future[Any], call: _Call) -> None:
    """On the caller's event loop: hand it the call's result or error."""
    if future.cancelled():
        return
    if call.error is not None:
        future.set_exception(call.error)
    else:
        future.set_result(call.result)


class GroupWriter:
    """The process's one writer thread for SQLite (see the module's docstring)."""

    def __init__(self, db: sessionmaker[Session], max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.engine: Engine = db.kw["bind"]
        self.max_batch = max_batch
        self.batches = 0  # transactions committed or failed, for tests and metrics
        self.calls = 0
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        database = self.engine.url.database
        # Writers of other processes on the same file (`serve --workers N`) take turns on this
        # lock before BEGIN IMMEDIATE: a waiter wakes the moment it is free, where SQLite's own
        # busy handler sleeps 1, 2, 5, 10... ms between tries and wasted most of the time.
        self._lock_path = (
            f"{database}-writer.lock" if database not in (None, "", ":memory:") else None
        )
        self._lock_fd: int | None = None

    def run(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)` in the next batch; returns its result once committed."""
        call = _Call(work)
        self._ensure_thread()
        self._queue.put(call)
        if not call.done.acquire(timeout=WAIT_S):
            raise TimeoutError("the ledger's writer did not answer in time")
        if call.error is not None:
            raise call.error
        return call.result

    async def run_async(self, work: Callable[[Connection], T]) -> T:
        """`run` for a coroutine: no thread waits for the batch; the event loop is woken with
        the result once it is committed (the money routes: one thread hop less per call)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        call = _Call(work, lambda done: loop.call_soon_threadsafe(_settle, future, done))
        self._ensure_thread()
        self._queue.put(call)
        return await future

    def close(self) -> None:
        """Stop the writer thread after the calls queued so far (a later call starts another)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(10)
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        """This process's turn to write the file (see `_lock_path`)."""
        if self._lock_path is None:
            yield
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)  # blocks this thread only (GIL released)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._loop, name="ledger-group-commit", daemon=True
                )
                self._thread.start()

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: list[_Call]) -> None:
        try:
            with self._turn(), self.engine.connect() as conn, conn.begin():
                # SQLite's own SAVEPOINT statements on the driver's connection: SQLAlchemy's
                # begin_nested() cost a fifth of the writer's time, and no state of SQLAlchemy
                # depends on them (the Connection's transaction is the outer BEGIN IMMEDIATE).
                raw = conn.connection.driver_connection
                assert raw is not None
                for call in batch:
                    raw.execute("SAVEPOINT gc")  # a failure undoes this call only
                    try:
                        call.result = call.work(conn)
                    except Exception as exc:  # noqa: BLE001 - handed to its caller
                        raw.execute("ROLLBACK TO gc")
                        call.error = exc
                    raw.execute("RELEASE gc")
        except BaseException as exc:  # BEGIN or COMMIT failed: nothing of the batch is durable
            log.warning("a group commit of %d calls failed: %s", len(batch), exc)
            for call in batch:
                if call.error is None:
                    call.error, call.result = exc, None
        finally:
            self.batches += 1
            self.calls += len(batch)
            for call in batch:
                call.finish()


def writer_for(db: sessionmaker[Session]) -> GroupWriter | DirectWriter:
    """Group commit on SQLite; one transaction per call elsewhere."""
    engine: Engine = db.kw["bind"]
    return GroupWriter(db) if engine.dialect.name == "sqlite" else DirectWriter(db)
