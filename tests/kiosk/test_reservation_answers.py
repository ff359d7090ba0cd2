"""The kiosk reads the ledger's reservation list strictly (kiosk/ledger_answers.py): an answer
off the contract is a protocol error, never a reservation set aside on a guess."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.core.errors import LedgerProtocolError
from kiosk.ledger_answers import reservation_answer

GOOD = {
    "reservation": "r0123456789abcdef",
    "member": "m000001",
    "sku": "rice",
    "price": 50,
    "state": "pending",
    "locker": None,
    "hold": "h0123456789abcdef",
    "expires_at": "2026-12-07T06:00:00+00:00",
}


def test_a_listed_reservation_is_read_as_sent() -> None:
    res = reservation_answer(GOOD)
    assert (res.reservation, res.sku, res.price, res.locker, res.state) == (
        "r0123456789abcdef",
        "rice",
        50,
        None,
        "pending",
    )
    assert reservation_answer({**GOOD, "state": "set_aside", "locker": "0:3"}).locker == "0:3"


@pytest.mark.parametrize(
    "bad",
    [
        {**GOOD, "state": "collected"},  # never sent to a kiosk
        {**GOOD, "price": -5},
        {**GOOD, "price": "50"},
        {k: v for k, v in GOOD.items() if k != "hold"},
        "r1",
    ],
)
def test_an_answer_off_the_contract_is_refused(bad: Any) -> None:
    with pytest.raises(LedgerProtocolError):
        reservation_answer(bad)
