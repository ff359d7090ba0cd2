"""The daily goods summary (issue 18) from the real CLI: a lot past its last day of sale is
listed with where its units are, a lot inside the warning days is listed to hand out first, a
far lot and a used-up lot are not; the words a clerk reads say what to do."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import timedelta

from sqlalchemy import select

from ledger import lots
from ledger.cli import call, main, with_book
from ledger.db import Kiosk, utcnow
from ledger.lot_tables import DonorKind
from tests.ledger.conftest import Bank, office_today


def test_summary_lists_expired_and_near_expiry_lots_with_their_places(bank: Bank) -> None:
    bank.set_item("milk", 3)
    kiosk = with_book(bank.db_url, lambda s: s.scalars(select(Kiosk.id)).one())
    today = office_today()

    def lot(days: int, qty: int, taken_days_ago: int = 0) -> str:
        return with_book(
            bank.db_url,
            lambda s: (
                lots.add_lot(
                    s,
                    "milk",
                    qty,
                    today + timedelta(days=days),
                    "牛奶站",
                    DonorKind.ORGANISATION,
                    "clerk",
                    utcnow() - timedelta(days=taken_days_ago),
                ).code
            ),
        )

    # Best-before in 1 day: past its last day of sale (withdrawal 2 days), 2 in the store, 3 out.
    expired = lot(1, 5, taken_days_ago=10)
    call(["--db", bank.db_url, "lot", "move", expired, "--to-kiosk", kiosk, "--qty", "3"])
    near = lot(6, 4)  # last day of sale in 4 days: inside the 7 warning days
    far = lot(60, 4)
    used = lot(5, 1)
    call(["--db", bank.db_url, "lot", "writeoff", used, "--qty", "1", "--reason", "damaged"])
    got = call(["--db", bank.db_url, "lot", "summary"])
    assert [r["lot"] for r in got["expired"]] == [expired]
    assert got["expired"][0]["where"] == [
        {"place": "store", "units": 2},
        {"place": "kiosk", "kiosk": kiosk, "units": 3},
    ]
    assert [(r["lot"], r["days_left"]) for r in got["expiring"]] == [(near, 4)]
    assert far not in str(got) and used not in str(got) and got["unbalanced"] == []
    assert call(["--db", bank.db_url, "lot", "summary", "--days", "3"])["expiring"] == []
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--db", bank.db_url, "lot", "summary"]) == 0
    text = out.getvalue()
    assert "已过期，请取出并报损" in text and f"柜机 {kiosk} 3 件" in text and "库房 2 件" in text
    assert "临期" in text and near in text and "还有 4 天" in text
