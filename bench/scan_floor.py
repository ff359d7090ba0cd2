"""The floors beside bench/scan_to_unlock.py's figures, measured in the same process and run:
a bare loopback HTTP round trip (no code of ours on either side), and one durable SQLite commit
with the ledger's own engine settings (what each journal step and ledger write must pay).
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import requests
import uvicorn
from sqlalchemy import text

from ledger.db import make_engine

HOLD_BODY = {"session": "s" * 32, "sku": "tissues", "locker": "0:1", "price": 15}
ANSWER = json.dumps(
    {"hold": "h" * 32, "state": "held", "balance": 985, "expires_at": "2026-11-23T10:00:00+00:00"}
).encode()


async def bare_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Reads the request, answers a fixed JSON body: HTTP with none of our code in it."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(ANSWER))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": ANSWER})


class BareServer:
    """bare_app on uvicorn in a thread of this process, with the server stack EmbeddedLedger
    gets (uvicorn's defaults pick httptools and uvloop, both installed)."""

    def __enter__(self) -> str:
        config = uvicorn.Config(bare_app, host="127.0.0.1", port=0, log_level="warning")
        config.lifespan = "off"
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="bare-http", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the bare HTTP server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def round_trip(n: int) -> float:
    """Median seconds of n sequential POSTs on one kept-alive connection to a bare server, with
    requests as the kiosk's client uses it."""
    with BareServer() as url, requests.Session() as http:
        http.post(url + "/v1/holds", json=HOLD_BODY).raise_for_status()  # connect first
        times = []
        for _ in range(n):
            started = time.perf_counter()
            r = http.post(url + "/v1/holds", json=HOLD_BODY)
            r.raise_for_status()
            r.json()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def durable_commit(folder: Path, n: int) -> float:
    """Median seconds of one single-row commit (SQLite, WAL, synchronous=FULL, BEGIN
    IMMEDIATE: ledger.db.make_engine, as the kiosk's journal too) on the run's disk."""
    engine = make_engine(f"sqlite:///{folder / 'floor-commit.db'}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE floor (id INTEGER PRIMARY KEY, note TEXT)"))
        times = []
        with engine.connect() as conn:
            for _ in range(n):
                started = time.perf_counter()
                with conn.begin():
                    conn.execute(text("INSERT INTO floor (note) VALUES ('floor')"))
                times.append(time.perf_counter() - started)
        return statistics.median(times)
    finally:
        engine.dispose()
