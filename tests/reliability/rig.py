"""A site for many vends under faults: the real ledger over loopback HTTP behind the fault proxy,
the real Kerong driver on a pty to the simulated board, the real journal, settlement queue and
vend transaction, and a visitor who takes the item whenever a door springs open.

    with VendRig(tmp_path, seed=7) as rig:
        rig.proxy.chaos(0.2, seed=7)
        for _ in range(100):
            rig.vend()
        rig.settle()
        assert rig.disagreements() == []
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from drivers.lockboard.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockerAddress
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.recovery import recover
from kiosk.core.settlement import Settler
from kiosk.core.vend import VendOutcome, VendTimings, VendTransaction
from kiosk.ledger_client import LedgerClient
from ledger import cards
from ledger.db import Member, make_engine, session_factory
from ledger.income import credit_hours
from sim.ledger_proxy import LedgerProxy
from sim.site import SimulatedSite
from sim.world import Cabinet
from tests.reliability.audit import Baseline, disagreements

ITEMS_PER_LOCKER = 20_000
PIN = "2468"
QUICK = VendTimings(door_open_timeout=1.0, door_close_timeout=2.0, poll_interval=0.01)


class Visitor:
    """Someone always at the cabinet: when a door springs open they take one item (if any) and
    shut it. `shy` is the chance they walk off without taking it (the kiosk must void)."""

    def __init__(self, cabinet: Cabinet, rng: random.Random, shy: float = 0.0) -> None:
        self.cabinet = cabinet
        self.rng = rng
        self.shy = shy
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="visitor", daemon=True)

    def start(self) -> Visitor:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            for lk in self.cabinet.lockers():
                if lk.door_open:
                    self._stop.wait(0.03)  # the kiosk sees the door open first
                    if self.rng.random() >= self.shy:
                        self.cabinet.take_item(lk.board, lk.lock)
                    self.cabinet.close_door(lk.board, lk.lock)


@dataclass(frozen=True)
class Shopper:
    member: str
    card: str  # the printed card's code; PIN is PIN


class VendRig:
    """Everything a vend needs, with faults reachable: `proxy` (ledger side), `site.board`
    (serial side), `restart_ledger()`, `crash_and_recover()`."""

    def __init__(
        self,
        data_dir: str | Path,
        *,
        seed: int = 0,
        shy: float = 0.0,
        timings: VendTimings = QUICK,
        profile: BoardProfile | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.rng = random.Random(seed)
        self.site = SimulatedSite(self.data_dir / "site")
        for lk in self.site.cabinet.lockers():
            self.site.cabinet.restock(lk.board, lk.lock, ITEMS_PER_LOCKER)
        self.timings = timings
        self.profile = profile or BoardProfile(
            command_timeout=0.2, read_retries=1, unlock_settle=0.02
        )
        self.visitor = Visitor(self.site.cabinet, self.rng, shy)
        self.journal_path = self.data_dir / "journal.db"
        self.shoppers: list[Shopper] = []
        self.prices: dict[str, int] = {}
        self.vends = 0
        self._visit_left = 0
        self._shopper = Shopper("", "")
        self._session = ""

    # --- life -------------------------------------------------------------------------------

    def start(self) -> VendRig:
        self.site.start()
        self.proxy = LedgerProxy(self.site.ledger.url).start()
        self._fund_shoppers()
        self.direct = LedgerClient(self.site.ledger.url, self.site.demo["kiosk_key"], timeout=5.0)
        self.prices = {c.sku: c.price for c in self.direct.catalog()}
        self._open_kiosk()
        self.journal.seed_lockers(
            [
                LockerStock(f"{lk.board}:{lk.lock}", lk.sku, lk.items, None, None)
                for lk in self.site.cabinet.lockers()
            ]
        )
        self.baseline = Baseline.take(
            self.site.ledger.db_url, [s.member for s in self.shoppers], self.site.cabinet
        )
        self.visitor.start()
        return self

    def stop(self) -> None:
        self.visitor.stop()
        self._close_kiosk()
        self.direct.close()
        self.proxy.stop()
        self.site.stop()

    def __enter__(self) -> VendRig:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _open_kiosk(self) -> None:
        """The kiosk's side, as it is after a (re)start: client, board driver, journal."""
        key = self.site.demo["kiosk_key"]
        self.ledger = LedgerClient(self.proxy.url, key, timeout=1.0, retries=1, backoff=0.0)
        self.board = KerongLockBoard(self.site.board.url, self.profile)
        self.journal = VendJournal(self.journal_path)
        self.settler = Settler(self.journal, self.ledger)
        self.transaction = VendTransaction(
            self.journal, self.ledger, self.board, self.settler, self.timings
        )

    def _close_kiosk(self) -> None:
        self.board.close()
        self.ledger.close()
        self.journal.close()

    def _fund_shoppers(self) -> None:
        """Two members with a million coins each and a printed card (sessions for ever)."""
        engine = make_engine(self.site.ledger.db_url)
        try:
            with session_factory(engine)() as s, s.begin():
                for name in ("王阿姨", "李伯伯"):
                    member = s.get(Member, self.site.member(name)["member"])
                    assert member is not None
                    for _ in range(100):  # 1,000 hours at most per credit
                        credit_hours(s, member.id, "1000", note="reliability run")
                    _card, code = cards.issue_card(s, member, PIN)
                    self.shoppers.append(Shopper(member.id, code))
        finally:
            engine.dispose()

    # --- what happens at the kiosk ----------------------------------------------------------

    def vend(self, sku: str | None = None) -> VendOutcome:
        """One member signs in (on the direct line: sign-in is not under test) and vends one
        item through the faulty line; the result is whatever the kiosk decided."""
        if self._visit_left == 0:  # a new visit: someone signs in for up to five items
            self._shopper = self.rng.choice(self.shoppers)
            self._session = self.direct.open_session(self._shopper.card, PIN).session
            self._visit_left = 5
        self._visit_left -= 1
        shopper, session = self._shopper, self._session
        sku = sku or self.rng.choice(sorted(self.prices))
        stock = {s.sku: s for s in self.journal.lockers() if s.count > 0}
        locker = stock[sku]
        self.vends += 1
        return self.transaction.run(
            session,
            shopper.member,
            sku,
            self.prices[sku],
            LockerAddress.parse(locker.locker),
            lambda _step: None,
            items_in_locker=locker.count,
        )

    def settle(self, within: float = 60.0) -> int:
        """Faults off, then drain the settlement queue as the kiosk's worker would."""
        self.proxy.clear()
        for attr in ("silent", "delay", "corrupt", "split"):
            setattr(self.site.board, attr, type(getattr(self.site.board, attr))())
        deadline = time.monotonic() + within
        while self.settler.settle_all() and time.monotonic() < deadline:
            time.sleep(0.05)
        recover(self.journal, self.board, self.settler)  # anything the board left undecided
        return self.settler.settle_all()

    def restart_ledger(self, down_for: float = 0.3) -> None:
        """The ledger process goes away and comes back on the same port."""
        self.site.ledger.stop()
        time.sleep(down_for)
        self.site.ledger.start()

    def restart_kiosk(self) -> None:
        """The kiosk process starts again on the same journal, and recovers first."""
        self._close_kiosk()
        self._open_kiosk()
        recover(self.journal, self.board, self.settler)

    def disagreements(self) -> list[str]:
        return disagreements(
            self.site.ledger.db_url, self.journal_path, self.site.cabinet, self.baseline
        )
