"""Lot restocks told to the ledger durably (issue 18): the journal keeps the locker's new lot
and count and the report of it in one write (`journal.restock(stock, report)`); this sends a
report under its own Idempotency-Key, the same on every try, until the ledger has recorded it.
A final refusal (the lot left sale, `lot_expired`, or the ledger knows no such lot) takes the
locker out of sale for a technician, the reason in words; nothing is sent again for it."""

from __future__ import annotations

import logging

from kiosk.core.errors import LedgerError
from kiosk.core.interfaces import Ledger
from kiosk.core.journal import VendJournal
from kiosk.core.stock import LotReport

log = logging.getLogger(__name__)


def send(journal: VendJournal, ledger: Ledger, report: LotReport) -> bool:
    """One try at one report; True once the ledger has it (now or on an earlier try)."""
    try:
        ledger.restock_lot(report.lot, report.locker, report.count, key=report.key)
    except LedgerError as e:
        final = e.final
        journal.lot_report_failed(report.key, f"{e.code}: {e}", final=final)
        if final:
            log.error("ledger refused lot %s's restock in %s: %s", report.lot, report.locker, e)
            held = next((s for s in journal.lockers() if s.locker == report.locker), None)
            if held is not None and held.lot == report.lot:
                journal.flag_for_inspection(
                    report.locker, f"the ledger refused lot {report.lot} here ({e.code})"
                )
        else:
            log.warning("restock of lot %s in %s not sent yet: %s", report.lot, report.locker, e)
        return False
    journal.lot_reported(report.key)
    return True


def send_all(journal: VendJournal, ledger: Ledger) -> int:
    """One pass over the reports still to send; how many still wait."""
    for report in journal.lot_reports():
        send(journal, ledger, report)
    return len(journal.lot_reports())
