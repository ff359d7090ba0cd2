"""The office's rules for donated goods (issue 18): expired goods are not taken in, the
withdrawal and warning days are the office's settings (what kiosks are told follows them),
and every change to the goods' books made at the command line is in the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ledger import settings
from ledger.cli import call, with_book
from ledger.db import AuditEntry, Kiosk
from ledger.errors import LedgerError
from tests.ledger.conftest import Bank, office_today


def _add(db_url: str, sku: str, best_before: date, qty: int = 5) -> str:
    argv = ["--db", db_url, "lot", "add", "--sku", sku, "--qty", str(qty)]
    argv += ["--best-before", best_before.isoformat(), "--donor", "爱心超市"]
    return str(call(argv)["lot"])


def test_expired_goods_are_refused_at_intake_naming_the_date(bank: Bank) -> None:
    bank.set_item("milk", 3)
    past = office_today() - timedelta(days=3)
    with pytest.raises(LedgerError, match=f"best-before {past} is already past"):
        _add(bank.db_url, "milk", past)
    assert call(["--db", bank.db_url, "lot", "reconcile"])["lots"] == []  # nothing half-made
    assert call(["--db", bank.db_url, "donor", "list"])["donors"] == []


def test_withdrawal_days_are_the_offices_setting_told_to_kiosks(bank: Bank) -> None:
    bank.set_item("rice", 10)
    kiosk = with_book(bank.db_url, lambda s: s.scalars(select(Kiosk.id)).one())
    code = _add(bank.db_url, "rice", office_today() + timedelta(days=6))
    call(["--db", bank.db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "5"])
    assert bank.call("GET", f"/v1/kiosks/me/lots/{code}").json()["withdraw_days"] == 2
    with_book(bank.db_url, lambda s: settings.change(s, "lot_withdraw_days", "10"))
    assert bank.call("GET", f"/v1/kiosks/me/lots/{code}").json()["withdraw_days"] == 10
    # Six days left, ten days' withdrawal: the lot is out of sale, and the ledger says so.
    r = bank.call(
        "POST", f"/v1/kiosks/me/lots/{code}/restock", {"locker": "0:1", "count": 5}, idem="k1"
    )
    assert (r.status_code, r.json()["error"]) == (409, "lot_expired"), r.text
    with pytest.raises(LedgerError, match="lot_withdraw_days must be 0 to 30"):
        with_book(bank.db_url, lambda s: settings.change(s, "lot_withdraw_days", "31"))


def test_warning_days_setting_is_the_default_of_expiring(bank: Bank) -> None:
    bank.set_item("oil", 8)
    near = _add(bank.db_url, "oil", office_today() + timedelta(days=5))
    later = _add(bank.db_url, "oil", office_today() + timedelta(days=12))
    assert [r["lot"] for r in call(["--db", bank.db_url, "lot", "expiring"])["lots"]] == [near]
    with_book(bank.db_url, lambda s: settings.change(s, "lot_warn_days", "14"))
    listed = [r["lot"] for r in call(["--db", bank.db_url, "lot", "expiring"])["lots"]]
    assert listed == [near, later]
    only = call(["--db", bank.db_url, "lot", "expiring", "--days", "1"])["lots"]
    assert only == []


def test_command_line_changes_to_goods_are_audited(bank: Bank) -> None:
    bank.set_item("soap", 2)
    kiosk = with_book(bank.db_url, lambda s: s.scalars(select(Kiosk.id)).one())
    code = _add(bank.db_url, "soap", office_today() + timedelta(days=90), qty=9)
    call(["--db", bank.db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "4"])
    call(["--db", bank.db_url, "lot", "return", code, "--from-kiosk", kiosk, "--qty", "1"])
    argv = ["lot", "writeoff", code, "--qty", "2", "--reason", "damaged"]
    call(["--db", bank.db_url, *argv])
    with pytest.raises(LedgerError):  # refused: nothing done, nothing audited
        call(["--db", bank.db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "99"])
    rows = with_book(
        bank.db_url,
        lambda s: [
            (e.action, e.detail, e.address)
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.action.like("lot_%")).order_by(AuditEntry.id)
            )
        ],
    )
    assert [(a, d.get("lot"), d.get("qty")) for a, d, _ in rows] == [
        ("lot_taken_in", code, 9),
        ("lot_moved", code, 4),
        ("lot_returned", code, 1),
        ("lot_written_off", code, 2),
    ]
    assert rows[0][1]["donor"] == "爱心超市" and rows[3][1]["reason"] == "damaged"
    assert all(address for _, _, address in rows)  # where from: the command line
