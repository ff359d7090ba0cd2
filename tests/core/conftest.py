"""A real rig for core tests: the ledger over loopback HTTP and the lock board on a pty."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from drivers.lockboard.kerong.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.inventory import Inventory
from kiosk.core.journal import LockerStock, VendJournal
from kiosk.core.settlement import Settler
from kiosk.core.vend import VendTimings, VendTransaction
from kiosk.ledger_client import LedgerClient
from sim.site import SimulatedSite

FAST = VendTimings(door_open_timeout=1.5, door_close_timeout=3.0, poll_interval=0.05)


@dataclass
class Rig:
    site: SimulatedSite
    ledger: LedgerClient
    board: KerongLockBoard
    journal: VendJournal
    settler: Settler
    vends: VendTransaction
    inventory: Inventory

    def open_session(self, who: str):
        return self.ledger.open_session(self.site.phone_code(who))

    def visitor(self, locker: str, take: bool = True, close: bool = True) -> threading.Thread:
        return visitor(self.site, locker, take, close)


def visitor(
    site: SimulatedSite, locker: str, take: bool = True, close: bool = True, patience: float = 2.0
) -> threading.Thread:
    """A visitor who waits for the door to spring open, takes an item, closes the door."""
    board, lock = (int(x) for x in locker.split(":"))
    cabinet = site.cabinet

    def act() -> None:
        for _ in range(int(patience / 0.01)):
            if cabinet.locker(board, lock).door_open:
                break
            threading.Event().wait(0.01)
        else:
            return
        # A person's hand in the locker: long enough for the kiosk to read the door open even
        # when a loaded machine spaces its reads (at 0.15 s CI saw a door open and shut unseen
        # between two reads, which the kiosk rightly called a jam: the items still sensed).
        threading.Event().wait(0.5)
        if take:
            cabinet.take_item(board, lock)
        if close:
            cabinet.close_door(board, lock)

    t = threading.Thread(target=act, daemon=True)
    t.start()
    return t


@pytest.fixture
def rig(tmp_path):
    site = SimulatedSite(tmp_path / "site").start()
    ledger = LedgerClient(site.ledger.url, site.demo["kiosk_key"], timeout=3.0)
    board = KerongLockBoard(site.board.url, BoardProfile(command_timeout=0.2, read_retries=1))
    journal = VendJournal(tmp_path / "journal.db")
    journal.seed_lockers(
        [
            LockerStock(f"{lk.board}:{lk.lock}", lk.sku, lk.items, None, None)
            for lk in site.cabinet.lockers()
        ]
    )
    settler = Settler(journal, ledger)
    vends = VendTransaction(journal, ledger, board, settler, FAST)
    yield Rig(site, ledger, board, journal, settler, vends, Inventory(journal))
    board.close()
    ledger.close()
    journal.close()
    site.stop()


@pytest.fixture
def desk(rig):
    """The kiosk's reservation desk, after the kiosk reported what it holds (the ledger offers
    reservations, and keeps a full pool's units aside, from that report)."""
    from datetime import UTC, datetime

    from kiosk.core.pickup import ReservationDesk

    at = datetime.now(UTC).isoformat()
    rig.ledger.send_events([{"kind": "inventory", "at": at, "data": rig.inventory.snapshot()}])
    return ReservationDesk(rig.journal, rig.inventory, rig.ledger)


@pytest.fixture
def reserving_kiosk(rig, desk):
    """(The session controller with the reservation desk, the views it published)."""
    from kiosk.core.session import SessionController
    from kiosk.core.settings import SessionTimeouts
    from tests.core.test_session import Views

    timeouts = SessionTimeouts(idle=5, pin=5, pairing=5, technician=5)
    controller = SessionController(
        rig.ledger, rig.inventory, rig.vends, timeouts, reservations=desk
    )
    views = Views()
    controller.subscribe(views)
    yield controller, views
    controller.close()
