"""A lot restock the ledger did not hear of is never lost (issue 18): the journal keeps the
locker's stock and the report of it in one write; the settlement queue sends the report again
with the same Idempotency-Key after a lost line or a restart, and the ledger records the
restock once; a final refusal takes the locker out of sale for a technician. Real ledger over
HTTP, the simulated cabinet, the kiosk's own parts built from its config."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kiosk.core.config import load_config
from kiosk.core.errors import LedgerUnreachable
from kiosk.core.settlement import Settler
from kiosk.diag.restock import Restock
from kiosk.wiring.parts import KioskParts
from ledger import lots, settings
from ledger.cli import with_book
from tests.core.lot_rig import new_lot


def restocks_at_ledger(site: Any, code: str) -> list[tuple[str, int]]:
    trace = with_book(site.ledger.db_url, lambda s: lots.trace(s, code, with_member=False))
    return [(m["locker"], m["qty"]) for m in trace["movements"] if m["kind"] == "restock"]


def line_fails(parts: KioskParts, after_sending: bool) -> None:
    """The next restock report is lost: before it reaches the ledger, or (`after_sending`) its
    answer on the way back, as a cut line or a power cut in between would."""
    real = parts.ledger.restock_lot

    def once(code: str, locker: str, count: int, key: str) -> None:
        parts.ledger.restock_lot = real  # type: ignore[method-assign]
        if after_sending:
            real(code, locker, count, key=key)
        raise LedgerUnreachable("connection reset by peer")

    parts.ledger.restock_lot = once  # type: ignore[method-assign]


def test_a_report_lost_on_the_line_is_sent_again_and_recorded_once(site, parts) -> None:
    code = new_lot(site, "rice", (date.today() + timedelta(days=40)).isoformat())
    line_fails(parts, after_sending=True)  # the ledger records it; the kiosk never hears
    stock = Restock(parts, "tech").fill_lot("0:3", f"tblot:{code}", 4)
    assert (stock.lot, stock.count) == (code, 4)  # on sale at once, whatever the line does
    [waiting] = parts.journal.lot_reports()
    assert (waiting.lot, waiting.locker, waiting.count, waiting.attempts) == (code, "0:3", 4, 1)
    settler = Settler(parts.journal, parts.ledger)
    assert settler.settle_all() == 0 and parts.journal.lot_reports() == []
    assert restocks_at_ledger(site, code) == [("0:3", 4)]  # the same key: one movement
    settler.settle_all()
    assert restocks_at_ledger(site, code) == [("0:3", 4)]


def test_a_restart_before_the_ledger_heard_sends_it_after_the_restart(site, parts) -> None:
    code = new_lot(site, "rice", (date.today() + timedelta(days=40)).isoformat())
    line_fails(parts, after_sending=False)  # the ledger never got it
    Restock(parts, "tech").fill_lot("0:3", code, 2)
    assert restocks_at_ledger(site, code) == []
    parts.close()  # the kiosk goes down with the report still queued
    with KioskParts.from_config(load_config(site.config_path)) as again:
        assert [r.lot for r in again.journal.lot_reports()] == [code]
        assert Settler(again.journal, again.ledger).settle_all() == 0
    assert restocks_at_ledger(site, code) == [("0:3", 2)]


def test_a_final_refusal_takes_the_locker_out_of_sale_for_a_technician(site, parts) -> None:
    code = new_lot(site, "rice", (date.today() + timedelta(days=10)).isoformat())
    line_fails(parts, after_sending=False)
    Restock(parts, "tech").fill_lot("0:3", code, 3)
    # Meanwhile the office withdraws lots 20 days ahead: this one is past its last sale day.
    with_book(site.ledger.db_url, lambda s: settings.change(s, "lot_withdraw_days", "20"))
    assert Settler(parts.journal, parts.ledger).settle_all() == 0  # nothing more to send
    [refused] = parts.journal.lot_reports(refused=True)
    assert refused.lot == code and "lot_expired" in (refused.refused or "")
    locker = {s.locker: s for s in parts.journal.lockers()}["0:3"]
    assert locker.inspect == f"the ledger refused lot {code} here (lot_expired)"
    assert restocks_at_ledger(site, code) == []
