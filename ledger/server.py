"""An embedded ledger: the real HTTP service on a loopback port, in a daemon thread.

Used by `kiosk sim`, the demo and the tests, so they all talk to the ledger over real HTTP.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from ledger.api import create_app
from ledger.db import utcnow
from ledger.errors import LedgerError
from ledger.expiry import DEFAULT_HOLD_TTL_S, DEFAULT_SWEEP_INTERVAL_S

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0


class LedgerStartError(LedgerError, RuntimeError):
    """The embedded ledger did not start listening (port taken, database unreachable...)."""


class EmbeddedLedger:
    """The ledger service on `host:port` (port 0 picks a free one); `url` is where it listens."""

    def __init__(
        self,
        db_url: str,
        host: str = "127.0.0.1",
        port: int = 0,
        hold_ttl_seconds: int = DEFAULT_HOLD_TTL_S,
        clock: Callable[[], datetime] = utcnow,
        sweep_interval: float = DEFAULT_SWEEP_INTERVAL_S,
    ) -> None:
        self.db_url = db_url
        self.host = host
        self.port = port
        self.hold_ttl_seconds = hold_ttl_seconds
        self.clock = clock
        self.sweep_interval = sweep_interval
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._app: FastAPI | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise LedgerStartError("the embedded ledger is not running; call start() first")
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmbeddedLedger:
        """Start serving; returns once the socket accepts connections."""
        if self._server is not None:
            return self
        app = create_app(
            self.db_url,
            hold_ttl_seconds=self.hold_ttl_seconds,
            clock=self.clock,
            sweep_interval=self.sweep_interval,
        )
        # lifespan "on": the app's start-up and shut-down run the hold sweeper.
        config = uvicorn.Config(
            app, host=self.host, port=self.port, log_level="warning", lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="embedded-ledger", daemon=True)
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise LedgerStartError(f"the ledger did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        # With port 0 the OS chose the port: ask the listening socket which one.
        self.port = server.servers[0].sockets[0].getsockname()[1]
        self._server, self._thread, self._app = server, thread, app
        with socket.create_connection((self.host, self.port), timeout=START_TIMEOUT_S):
            pass
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(STOP_TIMEOUT_S)
        if self._app is not None:
            self._app.state.engine.dispose()
        self._server, self._thread, self._app = None, None, None

    def status(self) -> dict[str, object]:
        running = self._server is not None
        sweeper = self._app.state.sweeper.status() if self._app is not None else None
        return {"running": running, "url": self.url if running else None, "sweeper": sweeper}

    def __enter__(self) -> EmbeddedLedger:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
