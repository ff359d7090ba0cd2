"""Redemptions per second (POST /v1/holds + POST capture over loopback HTTP to a real served
ledger, uvicorn in its own process) beside the floor: durable single-row commits per second on
the same database, measured in the same run.

    python bench/ledger_holds.py [--db sqlite,postgresql] [--clients 1,4,16] [--seconds S]
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyotp
import requests
from sqlalchemy import Integer, String, create_engine, insert, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ledger import catalog, kiosks, members
from ledger.cli.base import with_book
from ledger.db import make_engine
from ledger.limits import MAX_COINS

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COINS = MAX_COINS  # the most a member may be given at once (ledger.limits)


class _Floor(DeclarativeBase):
    pass


class FloorRow(_Floor):
    __tablename__ = "bench_floor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    note: Mapped[str] = mapped_column(String(40))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database(kind: str, folder: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.db'}", lambda: None
    schema = "tb_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return f"{PG_URL}?options=-csearch_path%3D{schema}", drop


def seed(db_url: str, clients: int) -> tuple[str, list[tuple[str, str]]]:
    def work(s: Any) -> tuple[str, list[tuple[str, str]]]:
        _, key = kiosks.add_kiosk(s, "bench kiosk")
        catalog.set_item(s, "tissues", 1, "纸巾", "Tissues")
        made = [members.add_member(s, f"bench {i}", coins=COINS) for i in range(clients)]
        return key, [(m.id, str(m.totp_secret)) for m in made]

    return with_book(db_url, work)


def serve(db_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    cmd = [sys.executable, "-m", "ledger.cli", "--db", db_url, "serve", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/v1/health", timeout=1).status_code == 200:
                return proc, url
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the ledger did not start on {url}")


def run_threads(n: int, body: Callable[[int, float], int], seconds: float) -> float:
    """Run `body(i, deadline)` on n threads; returns the total count per second."""
    counts = [0] * n
    barrier = threading.Barrier(n + 1)

    def worker(i: int) -> None:
        barrier.wait()
        counts[i] = body(i, time.monotonic() + seconds)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.monotonic()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - started)


def sign_in_all(url: str, key: str, people: list[tuple[str, str]]) -> list[str]:
    """One ledger session per simulated kiosk client."""
    signed = []
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {key}"
        for member, secret in people:
            otp = pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30).now()
            r = http.post(url + "/v1/sessions", json={"code": f"tb1:{member}:{otp}"}, timeout=30)
            r.raise_for_status()
            signed.append(r.json()["session"])
    return signed


def _client(url: str, key: str, session: str, seconds: float, start: Any, out: Any) -> None:
    """One simulated kiosk: redeem in a loop over one keep-alive connection until time is up.

    Plain `http.client` (the standard library), not `requests`: on this 2-core machine the
    clients share the CPU with the ledger, and `requests` spent about 1 ms of it per call."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    base = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    hold = json.dumps({"session": session, "sku": "tissues", "locker": "0:1", "price": 1})

    def post(path: str, body: str, idem: str, want: int) -> Any:
        conn.request("POST", path, body, {**base, "Idempotency-Key": idem})
        r = conn.getresponse()
        data = r.read()
        assert r.status == want, (r.status, data)
        return json.loads(data)

    start.wait()
    deadline, done = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        idem = uuid.uuid4().hex
        held = post("/v1/holds", hold, idem, 201)
        post(f"/v1/holds/{held['hold']}/capture", "{}", idem + "-c", 200)
        done += 1
    conn.close()
    out.put(done)


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the ledger process `pid` and its children
    (the uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        this, parent = int(stat.parent.name), int(fields[1])
        if pid in (this, parent):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def redemptions(
    url: str, key: str, sessions: list[str], n: int, seconds: float
) -> tuple[float, int]:
    """(Redemptions per second, redemptions done) from n client PROCESSES, so that the
    client's own Python does not share a GIL with itself (the ledger is a separate process)."""
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Barrier(n + 1), ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(url, key, sessions[i], seconds, start, out))
        for i in range(n)
    ]
    for p in procs:
        p.start()
    start.wait()
    started = time.monotonic()
    counts = [out.get(timeout=seconds + 60) for _ in procs]
    elapsed = time.monotonic() - started
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise RuntimeError(f"a bench client failed (exit code {p.exitcode})")
    return sum(counts) / elapsed, sum(counts)


def floor(db_url: str, n: int, seconds: float) -> float:
    """Durable single-row commits per second, with the ledger's own engine settings."""
    engine = make_engine(db_url)
    _Floor.metadata.create_all(engine)

    def body(_i: int, deadline: float) -> int:
        done = 0
        with engine.connect() as conn:
            while time.monotonic() < deadline:
                with conn.begin():
                    conn.execute(insert(FloorRow).values(note="floor"))
                done += 1
        return done

    try:
        return run_threads(n, body, seconds)
    finally:
        engine.dispose()


def bench_one(
    kind: str, db_url: str, workers: int, levels: list[int], seconds: float, runs: int
) -> None:
    """One table row per client count; redemption and floor runs alternate (same load)."""
    key, people = seed(db_url, max(levels))
    proc, url = serve(db_url, workers)
    try:
        sessions = sign_in_all(url, key, people)
        for n in levels:
            reds, floors, cpus = [], [], []
            for _ in range(runs):
                cpu = server_cpu(proc.pid)
                rate, done = redemptions(url, key, sessions, n, seconds)
                reds.append(rate)
                cpus.append((server_cpu(proc.pid) - cpu) * 1000 / max(done, 1))
                floors.append(floor(db_url, n, seconds))
            r, f, c = statistics.median(reds), statistics.median(floors), statistics.median(cpus)
            row = f"| {kind} | {workers} | {n} | {r:.0f} | {c:.1f} | {f:.0f} | {r / f:.2f} |"
            print(row, flush=True)
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="sqlite,postgresql")
    ap.add_argument("--clients", default="1,4,16")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", default="1", help="ledger processes, e.g. 1,2")
    args = ap.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    head = "| database | workers | clients | redemptions/s (median) | server CPU ms/redemption "
    print(head + "| floor commits/s (median) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for kind in args.db.split(","):
        for workers in [int(w) for w in args.workers.split(",")]:
            with tempfile.TemporaryDirectory() as folder:
                db_url, drop = database(kind, Path(folder))
                try:
                    bench_one(kind, db_url, workers, levels, args.seconds, args.runs)
                finally:
                    drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
