"""Restocking: open lockers, set each one's SKU, count and best-before date, close; the inventory
snapshot then goes to the ledger. Bad input is refused with the locker and field named.

A locker whose last vend the sensors could not decide must be counted before it is filled: the
items found settle that vend (one fewer than expected: the member took it and pays; as many:
nothing was taken and the held coins go back).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kiosk.core import lot_reports
from kiosk.core.errors import JournalError, LedgerError, LedgerUnreachable
from kiosk.core.interfaces import LockerAddress
from kiosk.core.inventory import Inventory
from kiosk.core.journal import VendRecord
from kiosk.core.lots import (
    LOT_PREFIX,
    LotCodeError,
    LotInfo,
    last_sale_day,
    parse_lot,
    withdrawn,
)
from kiosk.core.outbox import EventKind
from kiosk.core.settlement import Settler
from kiosk.core.stock import LockerStock, LotReport
from kiosk.diag.errors import LockTestError, RestockError
from kiosk.diag.locktest import SETTLE_S, LockTester, LockTestResult, report_action
from kiosk.wiring.parts import KioskParts

log = logging.getLogger(__name__)

MAX_PER_LOCKER = 99  # a locker holds one item or a few of one item
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class RestockSummary:
    """What a restock visit left behind: the stock, doors still open, whether the ledger has it."""

    lockers: list[LockerStock]
    still_open: list[str]
    reported: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "lockers": [s.__dict__ for s in self.lockers],
            "still_open": self.still_open,
            "reported": self.reported,
        }


class Restock:
    """One technician's restock visit. `open`, then `fill` each locker, then `finish`."""

    def __init__(
        self,
        parts: KioskParts,
        actor: str,
        today: Callable[[], date] = date.today,
        settle: float = SETTLE_S,
    ) -> None:
        self.parts = parts
        self.actor = actor
        self._today = today
        self._tester = LockTester(parts, actor, settle)
        self._touched: list[LockerAddress] = []
        self._catalog: set[str] | None = None

    def open(self, locker: str) -> LockTestResult:
        """Open one locker to fill it."""
        try:
            result = self._tester.open_one(locker, report=False)
        except LockTestError as e:
            raise RestockError(str(e)) from None
        self._touch(LockerAddress.parse(result.locker))
        report_action(self.parts, self.actor, "restock_open", result.as_dict())
        return result

    def count(self, locker: str, found: int) -> list[VendRecord]:
        """The technician counted `found` items in `locker` before filling it: settle the vends
        awaiting that count, and the locker's stock becomes what was found. Returns those vends
        as decided (captured or voided once the ledger has heard)."""
        address = self._address(locker)
        where = f"locker {address}"
        if isinstance(found, bool) or not isinstance(found, int):
            raise RestockError(f"{where}: found must be a whole number, not {found!r}")
        if not 0 <= found <= MAX_PER_LOCKER:
            raise RestockError(f"{where}: found {found} is outside 0..{MAX_PER_LOCKER}")
        decided = self.parts.journal.count_locker(str(address), found)
        self._touch(address)
        settled = [self._settle(v) for v in decided]
        report_action(
            self.parts,
            self.actor,
            "locker_counted",
            {
                "locker": str(address),
                "found": found,
                "vends": [
                    {"vend": v.id, "hold": v.hold, "settlement": v.settlement} for v in settled
                ],
            },
        )
        return settled

    def awaiting(self, locker: str) -> list[VendRecord]:
        """The vends waiting for a count of this locker (empty: none)."""
        return self.parts.journal.awaiting_count(str(self._address(locker)))

    def fill(self, locker: str, sku: str, count: int, best_before: str | None) -> LockerStock:
        """Record what a locker now holds; clears an inspection flag (the technician looked)."""
        stock = self.validate(locker, sku, count, best_before)
        waiting = self.parts.journal.awaiting_count(stock.locker)
        if waiting:
            raise RestockError(
                f"locker {stock.locker}: vend {waiting[0].id} awaits a count of this locker; "
                "count the items in it before filling (kiosk diag restock ... --found N)"
            )
        self.parts.journal.restock(stock)
        self._touch(LockerAddress.parse(stock.locker))
        report_action(
            self.parts,
            self.actor,
            "restock_fill",
            {
                "locker": stock.locker,
                "sku": stock.sku,
                "count": stock.count,
                "best_before": stock.best_before,
            },
        )
        return stock

    def fill_lot(self, locker: str, text: str, count: int) -> LockerStock:
        """Fill a locker from a scanned lot label (`tblot:CODE`, or the bare code): the SKU and
        best-before date come from the ledger's lot, the technician gives only the count. The
        journal has the locker's new stock and lot and the report of it in one write; then the
        ledger hears of the restock under one Idempotency-Key, the same on every try: a report
        the ledger did not get now (lot_recorded false) is sent again by the settlement queue
        until it has (kiosk/core/lot_reports.py)."""
        address = self._address(locker)
        where = f"locker {address}"
        try:
            info = self.lot(text)
        except RestockError as e:
            raise RestockError(f"{where}: {e}") from None
        code = info.lot
        stock = replace(
            self.validate(locker, info.sku, count, info.best_before),
            lot=code,
            withdraw_days=info.withdraw_days,
        )
        waiting = self.parts.journal.awaiting_count(stock.locker)
        if waiting:
            raise RestockError(
                f"{where}: vend {waiting[0].id} awaits a count of this locker; "
                "count the items in it before filling (kiosk diag restock ... --found N)"
            )
        key = f"restock:{stock.locker}:{code}:{count}:{uuid.uuid4()}"
        report = LotReport(key, code, stock.locker, count)
        self.parts.journal.restock(stock, report)  # the stock and its report: one write
        self._touch(address)
        # Tried once now; until the ledger has it, the settlement queue sends it again with
        # the same key (after an outage, or a restart of the kiosk).
        told = lot_reports.send(self.parts.journal, self.parts.ledger, report)
        report_action(
            self.parts,
            self.actor,
            "restock_fill",
            {
                "locker": stock.locker,
                "sku": stock.sku,
                "count": stock.count,
                "best_before": stock.best_before,
                "lot": code,
                "lot_recorded": told,
            },
        )
        return stock

    def lot(self, text: str) -> LotInfo:
        """The ledger's lot for a scanned label (`tblot:CODE` or the bare code), checked to be
        still on sale by this kiosk's clock; RestockError in words otherwise."""
        try:
            code = parse_lot(text if text.lower().startswith(LOT_PREFIX) else LOT_PREFIX + text)
        except LotCodeError as e:
            raise RestockError(str(e)) from None
        assert code is not None  # the prefix is there
        try:
            info = self.parts.ledger.lot(code)
        except LedgerUnreachable as e:
            raise RestockError(
                f"lot {code}: the ledger cannot be reached to look it up ({e});"
                " restock by SKU until it is back"
            ) from None
        except LedgerError as e:
            if e.code == "unknown_lot":
                raise RestockError(f"lot {code} is not known to the ledger") from None
            raise RestockError(f"lot {code}: the ledger refused: {e}") from None
        if withdrawn(info.best_before, info.withdraw_days, self._today()):
            raise RestockError(
                f"lot {code} (best before {info.best_before}) is past its last sale day"
                f" {last_sale_day(info.best_before, info.withdraw_days)}; it must not go in"
            )
        return info

    def finish(self) -> RestockSummary:
        """Check the doors of the lockers touched and send the inventory snapshot."""
        still_open = []
        for address in self._touched:
            try:
                if self.parts.board.read(address).hook_open:
                    still_open.append(str(address))
            except OSError as e:
                log.warning("restock: cannot read %s after restock: %s", address, e)
                still_open.append(str(address))
        snapshot = Inventory(self.parts.journal).snapshot()
        reported = self.parts.events.report(
            EventKind.INVENTORY, {**snapshot, "reason": "restock", "by": self.actor}
        )
        report_action(
            self.parts,
            self.actor,
            "restock_done",
            {"lockers": [str(a) for a in self._touched], "still_open": still_open},
        )
        self._touched = []
        return RestockSummary(self.parts.journal.lockers(), still_open, reported)

    def validate(self, locker: str, sku: str, count: int, best_before: str | None) -> LockerStock:
        """The entry as it will be stored, or RestockError naming the locker and the field."""
        address = self._address(locker)
        where = f"locker {address}"
        sku = sku.strip()
        if not _SKU.fullmatch(sku):
            raise RestockError(f"{where}: sku {sku!r} is not a SKU (letters, digits, _ . -)")
        catalog = self._known_skus()
        if catalog is not None and sku not in catalog:
            known = ", ".join(sorted(catalog))
            raise RestockError(f"{where}: sku {sku!r} is not in the ledger's catalog ({known})")
        if isinstance(count, bool) or not isinstance(count, int):
            raise RestockError(f"{where}: count must be a whole number, not {count!r}")
        if not 0 <= count <= MAX_PER_LOCKER:
            raise RestockError(f"{where}: count {count} is outside 0..{MAX_PER_LOCKER}")
        day = (best_before or "").strip() or None
        if day is not None:
            try:
                parsed = date.fromisoformat(day)
            except ValueError:
                raise RestockError(
                    f"{where}: best_before {day!r} is not a date like 2025-12-31"
                ) from None
            if parsed < self._today():
                raise RestockError(
                    f"{where}: best_before {day} is already past; such items must not go in"
                )
            day = parsed.isoformat()
        return LockerStock(str(address), sku, count, day, None)

    def _known_skus(self) -> set[str] | None:
        """The ledger's SKUs, or None when it cannot be asked (then any well-formed SKU goes)."""
        if self._catalog is None:
            try:
                self._catalog = {item.sku for item in self.parts.ledger.catalog()}
            except LedgerError as e:
                log.warning("restock: catalog unavailable, SKUs not checked: %s", e)
                return None
        return self._catalog

    def _address(self, locker: str) -> LockerAddress:
        try:
            address = LockerAddress.parse(locker)
        except ValueError as e:
            raise RestockError(f"locker: {e}") from None
        if address not in self.parts.lockers():
            raise RestockError(f"locker {address} is not one of this kiosk's lockers")
        return address

    def _settle(self, vend: VendRecord) -> VendRecord:
        """Send a counted vend's capture or void now; the queue retries if the ledger is away."""
        settler = self.parts.settler or Settler(self.parts.journal, self.parts.ledger)
        try:
            return settler.settle(vend)
        except (LedgerError, JournalError) as e:  # the kiosk's own queue settles it later
            log.warning("settling counted vend %s now failed (queued): %s", vend.id, e)
            return self.parts.journal.get(vend.id)

    def _touch(self, address: LockerAddress) -> None:
        if address not in self._touched:
            self._touched.append(address)
