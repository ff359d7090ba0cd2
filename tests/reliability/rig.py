"""A site for many vends under faults: the real ledger over loopback HTTP behind the fault proxy,
the real Kerong driver (XOR with `protocol="xor"`) on a pty to the simulated board, the real
journal, settlement queue and vend transaction, and a visitor who takes the item whenever a door
springs open (tests/reliability/visitor.py).

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

from drivers.lockboard import open_board
from drivers.lockboard.profile import BoardProfile
from kiosk.core.errors import LedgerUnreachable
from kiosk.core.interfaces import LockerAddress
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.recovery import recover
from kiosk.core.settlement import Settler
from kiosk.core.steps import VendStep
from kiosk.core.vend import VendOutcome, VendTimings, VendTransaction
from kiosk.ledger_client import LedgerClient
from ledger import cards
from ledger.db import Member, make_engine, session_factory
from ledger.income import credit_hours
from sim.ledger_proxy import LedgerProxy
from sim.site import SimulatedSite
from sim.visitor import Visitor
from tests.reliability.audit import Baseline, disagreements, disagreements_apart

__all__ = ["ITEMS_PER_LOCKER", "QUICK", "Shopper", "VendRig", "Visitor"]

ITEMS_PER_LOCKER = 20_000
PIN = "2468"
QUICK = VendTimings(door_open_timeout=1.0, door_close_timeout=2.0, poll_interval=0.01)


@dataclass(frozen=True)
class Shopper:
    member: str
    card: str  # the printed card's code; PIN is PIN


class VendRig:
    """Everything a vend needs, with faults reachable: `proxy` (ledger side), `site.board`
    (serial side), `restart_ledger()` (from any thread), `restart_kiosk()`.

    Every locker holds ITEMS_PER_LOCKER items, except `single_item_lockers` ("0:3"), which hold
    one and are refilled (cabinet, journal and the audit's baseline alike) once the kiosk and
    the cabinet agree it is gone: the only lockers where a member leaving the item is seen."""

    def __init__(
        self,
        data_dir: str | Path,
        *,
        seed: int = 0,
        shy: float = 0.0,
        timings: VendTimings = QUICK,
        profile: BoardProfile | None = None,
        protocol: str = "kerong",
        single_item_lockers: tuple[str, ...] = (),
        patience: float = 5.0,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.rng = random.Random(seed)
        self.site = SimulatedSite(self.data_dir / "site", protocol=protocol)
        self.single_item_lockers = single_item_lockers
        for lk in self.site.cabinet.lockers():
            single = f"{lk.board}:{lk.lock}" in single_item_lockers
            self.site.cabinet.restock(lk.board, lk.lock, 1 if single else ITEMS_PER_LOCKER)
        self.timings = timings
        self.profile = profile or BoardProfile.for_protocol(
            protocol, command_timeout=0.2, read_retries=1, unlock_settle=0.02
        )
        # The visitor's own generator: its thread's draws must not shift the rig's choices.
        self.visitor = Visitor(self.site.cabinet, random.Random(seed + 1), shy, patience)
        self.journal_path = self.data_dir / "journal.db"
        self.shoppers: list[Shopper] = []
        self.prices: dict[str, int] = {}
        self.vends = 0
        self.ledger_restarts = 0
        self.kiosk_restarts = 0
        self.vending = threading.Event()  # set while a vend runs, for faults aimed at one
        self._restarting = threading.Lock()
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
        self.board = open_board(self.site.board.url, self.profile)
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
        self._refill()
        if self._visit_left == 0:  # a new visit: someone signs in for up to five items
            self._shopper = self.rng.choice(self.shoppers)
            self._session = self._sign_in(self._shopper)
            self._visit_left = 5
        self._visit_left -= 1
        shopper, session = self._shopper, self._session
        stock = {s.sku: s for s in self.journal.lockers() if s.count > 0}
        sku = sku or self.rng.choice(sorted(stock))
        locker = stock[sku]
        self.vends += 1

        def on_step(step: VendStep) -> None:
            if step is VendStep.DOOR_OPENED:
                self.visitor.kiosk_saw(locker.locker)

        self.vending.set()
        try:
            return self.transaction.run(
                session,
                shopper.member,
                sku,
                self.prices[sku],
                LockerAddress.parse(locker.locker),
                on_step,
                items_in_locker=locker.count,
            )
        finally:
            self.vending.clear()

    def _sign_in(self, shopper: Shopper, within: float = 30.0) -> str:
        """A session on the direct line, waiting out a ledger restart in another thread."""
        deadline = time.monotonic() + within
        while True:
            try:
                return self.direct.open_session(shopper.card, PIN).session
            except LedgerUnreachable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _refill(self) -> None:
        """A technician refills a single-item locker that the kiosk and the cabinet both count
        empty; a locker they disagree on is left for the audit to name."""
        counted = {s.locker: s for s in self.journal.lockers()}
        for name in self.single_item_lockers:
            address = LockerAddress.parse(name)
            in_cabinet = self.site.cabinet.locker(address.board, address.lock).items
            if counted[name].count == 0 and in_cabinet == 0:
                self.site.cabinet.restock(address.board, address.lock, 1)
                self.journal.restock(LockerStock(name, counted[name].sku, 1, None, None))
                self.baseline.items[name] += 1

    def settle(self, within: float = 60.0) -> int:
        """Faults off, then drain the settlement queue as the kiosk's worker would."""
        self.proxy.clear()
        self.site.board.clear_faults()
        deadline = time.monotonic() + within
        # An unplugged line comes back by itself; the driver reopens it in the background.
        while not self.site.board.status()["plugged"] and time.monotonic() < deadline:
            time.sleep(0.05)
        self.board.wait_connected(max(deadline - time.monotonic(), 0.0))
        while self.settler.settle_all() and time.monotonic() < deadline:
            time.sleep(0.05)
        # Vends the board left undecided (silent through the unlock) are judged now.
        while recover(self.journal, self.board, self.settler).undecided:
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return self.settler.settle_all()

    def restart_ledger(self, down_for: float = 0.3) -> None:
        """The ledger process goes away and comes back on the same port."""
        with self._restarting:
            self.site.ledger.stop()
            time.sleep(down_for)
            self.site.ledger.start()
            self.ledger_restarts += 1

    def restart_kiosk(self) -> None:
        """The kiosk process starts again on the same journal, and recovers first."""
        self._close_kiosk()
        self._open_kiosk()
        self.kiosk_restarts += 1
        recover(self.journal, self.board, self.settler)

    def disagreements(self, apart: bool = False) -> list[str]:
        """The audit (audit.py); `apart`: in a child process, to keep this one's memory clean."""
        audit = disagreements_apart if apart else disagreements
        return audit(self.site.ledger.db_url, self.journal_path, self.site.cabinet, self.baseline)
