"""A city's kiosks against several independent ledger processes on one PostgreSQL (issue 19).

Used by tests/ledger/test_many_ledgers.py (a short run in CI) and bench/ledger_city.py (the
full-size run). Everything goes over loopback HTTP to real `timebank-ledger serve` processes;
this module shares no code with the ledger beyond seeding its database as staff would.

A city at its peak (our assumption, written down in docs/deploy-ledger.md): every kiosk serves
one visit a minute (a sign-in, one redemption = hold + capture, one inventory event) and checks
the ledger's health every 15 s, as the kiosk does (kiosk/core/settings.py). `rate` multiplies
both: rate 10 is ten times that peak.

A kiosk retries every call that got no final answer (no connection, 5xx, 409
request_in_progress, 429) with the SAME Idempotency-Key until a deadline, as the kiosk's
settlement queue does, so a database outage must end in exactly one effect per key.
"""

from __future__ import annotations

import hashlib
import http.client
import itertools
import json
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pyotp
from sqlalchemy import create_engine, text

from kiosk.core.steps import VendStep
from ledger import catalog, kiosks, members
from ledger.cli import with_book

VISIT_EVERY_S = 60.0  # one visit a minute per kiosk at a city's peak
HEALTH_EVERY_S = 15.0  # the kiosk's health check (kiosk/core/settings.py)
PRICE = 3
COINS = 100_000
RETRY_FOR_S = 90.0  # a kiosk keeps retrying one call this long (it would retry for ever)
START_TIMEOUT_S = 90


class GaveUp(RuntimeError):
    """A call got no final answer within RETRY_FOR_S."""


@dataclass
class KioskPlan:
    id: str
    key: str
    members: list[tuple[str, str]]  # (member id, TOTP secret)


@dataclass
class Sale:
    """One redemption as the kiosk saw it, in the shape the reliability audit reads."""

    id: int
    key: str
    member: str
    price: int
    hold: str | None = None
    state: VendStep = VendStep.VOIDED  # CAPTURED once the capture's answer came back


@dataclass
class Tally:
    sales: list[Sale] = field(default_factory=list)
    events_sent: int = 0
    health_ok: int = 0
    health_failed: int = 0
    sessions: int = 0
    retries: int = 0
    refused: list[str] = field(default_factory=list)  # final answers that should not happen
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def with_app_name(db_url: str, name: str) -> str:
    """`db_url` whose connections carry `application_name=name` (to find them in pg_stat)."""
    return f"{db_url}{'&' if '?' in db_url else '?'}application_name={name}"


@contextmanager
def ledgers(db_url: str, count: int) -> Iterator[list[str]]:
    """`count` independent `timebank-ledger serve` processes on one database; their URLs."""
    with_book(db_url, lambda s: None)  # migrate once, before they start
    procs, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            cmd = [sys.executable, "-m", "ledger.cli", "--db", db_url, "serve", "--port", str(port)]
            procs.append(
                subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + START_TIMEOUT_S
        for proc, url in zip(procs, urls, strict=True):
            while call_once(url, "GET", "/v1/health")[0] != 200:
                assert proc.poll() is None, f"the ledger at {url} exited during start-up"
                assert time.monotonic() < deadline, f"the ledger at {url} did not answer"
                time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def seed_city(db_url: str, kiosk_count: int, members_per_kiosk: int) -> list[KioskPlan]:
    """Kiosks, each with its own members (a phone code is taken once per 30 s step)."""

    def work(s: Any) -> list[KioskPlan]:
        catalog.set_item(s, "tissues", PRICE, "纸巾", "Tissues")
        plans = []
        for n in range(kiosk_count):
            kiosk, key = kiosks.add_kiosk(s, f"city kiosk {n}")
            made = [
                members.add_member(s, f"居民 {n}.{i}", coins=COINS)
                for i in range(members_per_kiosk)
            ]
            plans.append(KioskPlan(kiosk.id, key, [(m.id, str(m.totp_secret)) for m in made]))
        return plans

    return with_book(db_url, work)


_local = threading.local()


def call_once(
    url: str,
    method: str,
    path: str,
    body: Any = None,
    key: str | None = None,
    idem: str | None = None,
) -> tuple[int, Any]:
    """One HTTP call on this thread's keep-alive connection to `url`; (0, error) if none."""
    conns: dict[str, http.client.HTTPConnection] = _local.__dict__.setdefault("conns", {})
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    if idem:
        headers["Idempotency-Key"] = idem
    data = None if body is None else json.dumps(body)
    for attempt in (1, 2):  # a keep-alive connection the server closed meanwhile: once more
        conn = conns.get(url)
        if conn is None:
            host, port = url.removeprefix("http://").split(":")
            conn = conns[url] = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            conn.request(method, path, data, headers)
            r = conn.getresponse()
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            del conns[url]
            if attempt == 2:
                return 0, repr(exc)
    raise AssertionError("unreachable")


def is_final(status: int, body: Any) -> bool:
    if status == 0 or status >= 500 or status in (408, 429):
        return False
    return not (
        status == 409 and isinstance(body, dict) and body.get("error") == "request_in_progress"
    )


def settle(
    tally: Tally, url: str, method: str, path: str, body: Any, key: str, idem: str
) -> tuple[int, Any]:
    """Repeat one call with the same Idempotency-Key until it gets a final answer."""
    deadline, pause = time.monotonic() + RETRY_FOR_S, 0.05
    while True:
        status, answer = call_once(url, method, path, body, key, idem)
        if is_final(status, answer):
            return status, answer
        if time.monotonic() > deadline:
            raise GaveUp(f"{method} {path} (key {idem}): last answer {status} {answer}")
        with tally.lock:
            tally.retries += 1
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 1.0)


def phone_code(member: str, secret: str) -> str:
    otp = pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30).now()
    return f"tb1:{member}:{otp}"


class CityKiosk:
    """One simulated kiosk on one ledger process."""

    def __init__(
        self, plan: KioskPlan, url: str, tally: Tally, visit_s: float, health_s: float
    ) -> None:
        self.plan, self.url, self.tally = plan, url, tally
        self.visit_s, self.health_s = visit_s, health_s
        self.next_member = 0
        now = time.monotonic()
        # Spread over the first interval, so the kiosks do not all call at once.
        self.next_visit = now + random.random() * visit_s
        self.next_health = now + random.random() * health_s

    def health(self) -> None:
        self.next_health += self.health_s
        status, _ = call_once(self.url, "GET", "/v1/health")
        with self.tally.lock:
            if status == 200:
                self.tally.health_ok += 1
            else:
                self.tally.health_failed += 1

    def sign_in(self) -> tuple[str, str]:
        """A session: members take turns (a code is accepted once per step); a code refused
        after a retry (its first try may have opened the session) goes to the next member."""
        for _ in range(2 * len(self.plan.members)):
            member, secret = self.plan.members[self.next_member % len(self.plan.members)]
            self.next_member += 1
            deadline, status, body = time.monotonic() + RETRY_FOR_S, 0, None
            while time.monotonic() < deadline:
                status, body = call_once(
                    self.url,
                    "POST",
                    "/v1/sessions",
                    {"code": phone_code(member, secret)},
                    self.plan.key,
                )
                if status == 201:
                    with self.tally.lock:
                        self.tally.sessions += 1
                    return str(body["session"]), member
                if is_final(status, body):
                    break  # used this step already, or the step just turned: the next member
                time.sleep(0.1)
        raise GaveUp(f"kiosk {self.plan.id}: no member could sign in ({status} {body})")

    def visit(self, sale_id: int) -> None:
        self.next_visit += self.visit_s
        session, member = self.sign_in()
        idem = uuid.uuid4().hex
        sale = Sale(sale_id, idem, member, PRICE)
        with self.tally.lock:
            self.tally.sales.append(sale)
        hold = {"session": session, "sku": "tissues", "locker": "1:1", "price": PRICE}
        status, body = settle(self.tally, self.url, "POST", "/v1/holds", hold, self.plan.key, idem)
        if status != 201:
            self._refused(f"hold {status} {body}")
            return
        sale.hold = body["hold"]
        path = f"/v1/holds/{sale.hold}/capture"
        status, body = settle(
            self.tally, self.url, "POST", path, {}, self.plan.key, idem + ":capture"
        )
        if status != 200:
            self._refused(f"capture {status} {body}")
            return
        sale.state = VendStep.CAPTURED
        event = {
            "kind": "inventory",
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "data": {"locker": "1:1", "count": 1},
        }
        status, body = settle(
            self.tally,
            self.url,
            "POST",
            "/v1/kiosks/me/events",
            {"events": [event]},
            self.plan.key,
            idem + ":event",
        )
        if status != 202:
            self._refused(f"event {status} {body}")
            return
        with self.tally.lock:
            self.tally.events_sent += 1
        call_once(self.url, "DELETE", f"/v1/sessions/{session}", None, self.plan.key)

    def _refused(self, what: str) -> None:
        with self.tally.lock:
            self.tally.refused.append(f"kiosk {self.plan.id}: {what}")


def run_city(
    plans: list[KioskPlan], urls: list[str], rate: float, seconds: float, threads: int
) -> Tally:
    """Kiosk n talks to ledger n % len(urls); `threads` client threads share the kiosks'
    visits, a quarter as many their health checks. A visit started before the end is finished
    (with its retries)."""
    tally = Tally()
    city = [
        CityKiosk(p, urls[n % len(urls)], tally, VISIT_EVERY_S / rate, HEALTH_EVERY_S / rate)
        for n, p in enumerate(plans)
    ]
    sale_ids = itertools.count()  # next() on it is atomic in CPython: ids shared by threads
    end = time.monotonic() + seconds
    errors: list[BaseException] = []

    def worker(mine: list[CityKiosk], health: bool) -> None:
        """Visits (or health checks) of `mine` as they fall due, until the end: a machine
        that cannot keep up does fewer, and the caller's counts show it."""
        try:
            while time.monotonic() < end:
                if health:
                    kiosk = min(mine, key=lambda k: k.next_health)
                    due = kiosk.next_health
                else:
                    kiosk = min(mine, key=lambda k: k.next_visit)
                    due = kiosk.next_visit
                if due >= end:
                    return
                time.sleep(max(0.0, due - time.monotonic()))
                if health:
                    kiosk.health()
                else:
                    kiosk.visit(next(sale_ids))
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            errors.append(exc)

    health_threads = max(2, threads // 4)
    workers = [
        threading.Thread(target=worker, args=(city[i::threads], False), daemon=True)
        for i in range(threads)
    ] + [
        threading.Thread(target=worker, args=(city[i::health_threads], True), daemon=True)
        for i in range(health_threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 4 * RETRY_FOR_S)
    if errors:
        raise errors[0]
    assert not any(w.is_alive() for w in workers), "a client thread did not finish"
    return tally


def cut_connections(
    admin_url: str, app_name: str, start_after: float, seconds: float
) -> threading.Thread:
    """From `start_after` s on, for `seconds`, end every backend of `app_name` (the ledgers')
    every 20 ms: to the ledgers this is PostgreSQL going away and coming back. Other users'
    connections (other tests on the same server) are untouched."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    kill = text(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = :name AND pid <> pg_backend_pid()"
    )
    stats: dict[str, int] = {"terminated": 0}

    def run() -> None:
        time.sleep(start_after)
        stop = time.monotonic() + seconds
        try:
            with engine.connect() as conn:
                while time.monotonic() < stop:
                    stats["terminated"] += int(conn.execute(kill, {"name": app_name}).scalar() or 0)
                    time.sleep(0.02)
        finally:
            engine.dispose()

    thread = threading.Thread(target=run, name="pg-outage", daemon=True)
    thread.stats = stats  # type: ignore[attr-defined]
    thread.start()
    return thread
