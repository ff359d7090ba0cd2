"""The rig of bench/scan_to_unlock.py: the real kiosk, headless (no UI), built from its config by
kiosk.app.build on a simulated site (the embedded ledger on loopback, the Kerong board simulator
paced at its baud on a pty, the serial scanner on a pty), and members with zero think time.

Each vend: a fresh phone code goes in through the scanner's pty; as soon as the catalog shows,
the member adds one item, checks out and confirms; when the door springs open they take the
item and shut the door; on the result screen they finish. Measured: from the scanner's last
byte (the line is written in one write; the clock is read just BEFORE it) to the moment the
board simulator read the unlock frame's last byte (`SimBoard.heard_at`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp

from drivers.lockboard.kerong import codec as kerong
from kiosk.app import KioskRuntime, build
from kiosk.core.config import load_config
from kiosk.core.interfaces import LockerAddress
from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView, SessionState
from ledger import members
from ledger.cli.base import with_book
from ledger.observability import access_log
from sim.site import SimulatedSite

STOCK = 100_000  # items per locker: the cabinet never runs dry during a benchmark
COINS = 10**6
STEP = 30  # seconds: the TOTP step of phone codes (docs/protocols.md, "Member codes")

# Phases of one scan-to-unlock, as (name, the view that ends it, which showing of that view).
# The first VENDING view comes from confirm(), the second once the intent is journalled.
PHASES = (
    ("scanner read, hand-over to the session worker", "identifying", 1),
    ("sign-in POST /v1/sessions + GET /v1/catalog", "browsing", 1),
    ("add, checkout, confirm (zero think time)", "vending.intent", 1),
    ("journal the intent (fsync)", "vending.intent", 2),
    ("hold POST /v1/holds + journal held (fsync)", "vending.held", 1),
    ("journal unlocking (fsync)", "vending.unlocking", 1),
    ("serial link: quiet gap, write the unlock frame", "unlock heard", 1),
)


@dataclass(frozen=True)
class VendTiming:
    """One scan-to-unlock, in seconds, and what crossed the wire and the network meanwhile."""

    observed: float  # scanner's last byte -> the board read the unlock frame's last byte
    commands: int  # board command frames heard in the interval, the unlock included
    answers: int  # board answers sent in the interval (every command's but the unlock's)
    requests: tuple[tuple[str, float], ...]  # (route, the ledger's ms) answered in the interval
    client_http: float  # the kiosk's ledger calls that ended in the interval, as it timed them
    journal: float  # the kiosk's journal writes that ended in the interval
    phases: dict[str, float] = field(default_factory=dict)


class PhoneCodes:
    """Fresh phone codes from many members: each (member, TOTP step) is accepted once, within
    one step either side, so each member gives the current step's and the next step's code."""

    def __init__(self, people: list[tuple[str, str]]) -> None:
        self.people = people
        self.used: set[tuple[str, int]] = set()

    def next(self) -> str:
        while True:
            now = int(time.time() // STEP)
            for step in (now, now + 1):
                for member, secret in self.people:
                    if (member, step) not in self.used:
                        self.used.add((member, step))
                        otp = pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=STEP)
                        return f"tb1:{member}:{otp.at(step * STEP)}"
            time.sleep(1.0)  # every code of this window is spent: wait for the next step


class RequestLog(logging.Handler):
    """The ledger's access log, stamped with time.monotonic() as each answer goes out:
    (when, "METHOD route", the ledger's own milliseconds on it)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seen: list[tuple[float, str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = json.loads(record.getMessage())
        route = f"{line['method']} {line['route']}"
        self.seen.append((time.monotonic(), route, float(line["duration_ms"])))


def time_calls(owner: Any, name: str, into: list[tuple[float, float]]) -> None:
    """Wrap `owner.name` on that instance only (the bench's stopwatch; no product code changes):
    each call appends (when it ended, seconds it took) to `into`."""
    inner = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return inner(*args, **kwargs)
        finally:
            ended = time.monotonic()
            into.append((ended, ended - started))

    setattr(owner, name, timed)


class ScanSite:
    """`with ScanSite(folder) as rig: rig.vend()`; `members` phone-code holders are enrolled."""

    def __init__(self, folder: Path, members: int = 40, sku: str = "tissues") -> None:
        self.site = SimulatedSite(folder / "site", pace=True)
        for lk in self.site.cabinet.lockers():
            self.site.cabinet.restock(lk.board, lk.lock, STOCK)
        self.members = members
        self.sku = sku
        self.requests = RequestLog()
        self.runtime: KioskRuntime | None = None
        self._events: list[tuple[float, str]] = []
        self._armed = False
        self._result: KioskView | None = None
        self._done = threading.Event()
        self._http_calls: list[tuple[float, float]] = []
        self._journal_writes: list[tuple[float, float]] = []

    def start(self) -> ScanSite:
        self.site.start()
        self.codes = PhoneCodes(with_book(self.site.ledger.db_url, self._enrol))
        access_log.addHandler(self.requests)
        self._level = access_log.level
        access_log.setLevel(logging.INFO)
        self.runtime = build(load_config(self.site.config_path))
        time_calls(self.runtime.ledger, "_call_once", self._http_calls)
        for write in ("begin", "advance"):
            time_calls(self.runtime.journal, write, self._journal_writes)
        self.runtime.start()
        if self.runtime.self_test is not None:
            self.runtime.self_test.join(30)  # its board reads would land in the first vends
        self.runtime.controller.subscribe(self._on_view)
        return self

    def stop(self) -> None:
        if self.runtime is not None:
            self.runtime.close()
        access_log.removeHandler(self.requests)
        access_log.setLevel(self._level)
        self.site.stop()

    def __enter__(self) -> ScanSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def board_baud(self) -> int:
        return self.site.board.baud

    def _enrol(self, s: Any) -> list[tuple[str, str]]:
        made = [members.add_member(s, f"bench {i}", coins=COINS) for i in range(self.members)]
        return [(m.id, str(m.totp_secret)) for m in made]

    # --- one member at the kiosk ------------------------------------------------------------

    def vend(self, timeout: float = 60.0) -> VendTiming:
        """One visit, start to finish; raises if the item was not handed out."""
        board = self.site.board
        code = self.codes.next()
        heard_before = len(board.heard)
        self._events, self._result, self._armed = [], None, True
        self._done.clear()
        started = time.monotonic()
        self.site.scanner.present(code)
        if not self._done.wait(timeout):
            raise RuntimeError(f"the visit did not end within {timeout:g} s: {self._events}")
        result = self._result.result if self._result is not None else None
        if result is None or not result.ok:
            raise RuntimeError(f"the item was not handed out: {result}")
        heard = list(zip(board.heard[heard_before:], board.heard_at[heard_before:], strict=False))
        heard = [(c, at) for c, at in heard if at >= started]
        unlocks = [at for c, at in heard if c.cmd is kerong.Cmd.UNLOCK]
        if len(unlocks) != 1:
            raise RuntimeError(f"{len(unlocks)} unlock frames were heard for one vend")
        unlocked = unlocks[0]
        commands = sum(1 for _, at in heard if at <= unlocked)
        routes = tuple((r, ms) for at, r, ms in self.requests.seen if started < at <= unlocked)
        return VendTiming(
            unlocked - started,
            commands,
            commands - 1,
            routes,
            sum(took for at, took in self._http_calls if started < at <= unlocked),
            sum(took for at, took in self._journal_writes if started < at <= unlocked),
            _phases(started, self._events + [(unlocked, "unlock heard")]),
        )

    def _on_view(self, view: KioskView) -> None:
        """On the session worker thread, as each view is published."""
        label = view.state.value
        if view.state is SessionState.VENDING and view.vend is not None:
            label = f"vending.{view.vend.step.value}"
        self._events.append((time.monotonic(), label))
        controller = self.runtime.controller if self.runtime is not None else None
        if controller is None:
            return
        if view.state is SessionState.BROWSING and self._armed:
            self._armed = False
            # Intents queue on the one session worker in this order: no race with the views.
            controller.add(self.sku)
            controller.checkout()
            controller.confirm()
        elif view.vend is not None and view.vend.step is VendStep.DOOR_OPENED:
            at = LockerAddress.parse(view.vend.locker)
            self.site.cabinet.take_item(at.board, at.lock)
            self.site.cabinet.close_door(at.board, at.lock)
        elif view.state is SessionState.RESULT:
            self._result = view
            controller.finish()
        elif view.state is SessionState.IDLE and self._result is not None:
            self._done.set()


def _phases(started: float, events: list[tuple[float, str]]) -> dict[str, float]:
    """Seconds spent in each of PHASES; empty when the visit took another path."""
    out: dict[str, float] = {}
    last = started
    for name, label, nth in PHASES:
        times = [t for t, seen in events if seen == label]
        if len(times) < nth:
            return {}
        out[name] = times[nth - 1] - last
        last = times[nth - 1]
    return out
