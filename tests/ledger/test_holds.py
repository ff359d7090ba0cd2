"""Holds over HTTP: capture charges once, void gives back, and retries are answered the same."""

from __future__ import annotations

import uuid

import pytest

from ledger import cli
from tests.ledger.conftest import Bank


@pytest.fixture
def shopper(bank: Bank) -> tuple[str, str]:
    """A member with 100 coins and a session; soap costs 25."""
    member, secret = bank.add_member(coins=100)
    bank.set_item("soap", 25)
    return member, bank.login(member, secret)


def test_a_hold_reserves_the_price_and_reports_the_spendable_balance(
    bank: Bank, shopper: tuple[str, str]
) -> None:
    member, session = shopper
    r = bank.hold(session, "soap", 25)
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "held"
    assert r.json()["balance"] == 75
    got = bank.call("GET", f"/v1/holds/{r.json()['hold']}").json()
    assert got["state"] == "held"
    assert (got["member"], got["sku"], got["price"], got["locker"]) == (member, "soap", 25, "0:1")


def test_capture_takes_the_price_for_good_and_member_show_agrees(
    bank: Bank, shopper: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    member, session = shopper
    hold = bank.hold(session, "soap", 25).json()["hold"]
    r = bank.call("POST", f"/v1/holds/{hold}/capture", idem="cap-1")
    assert r.status_code == 200
    assert r.json()["hold"] == hold
    assert r.json()["state"] == "captured"
    assert r.json()["balance"] == 75
    assert cli.main(["--db", bank.db_url, "member", "show", member, "--json"]) == 0
    import json

    shown = json.loads(capsys.readouterr().out)
    assert (shown["balance"], shown["posted_balance"], shown["held"]) == (75, 75, 0)


def test_void_gives_the_coins_back(bank: Bank, shopper: tuple[str, str]) -> None:
    member, session = shopper
    hold = bank.hold(session, "soap", 25).json()["hold"]
    r = bank.call("POST", f"/v1/holds/{hold}/void", {"reason": "door never opened"}, idem="v-1")
    assert r.status_code == 200
    assert r.json()["state"] == "voided"
    assert bank.balance(member) == 100


def test_capturing_twice_is_fine_but_settling_the_other_way_is_409(
    bank: Bank, shopper: tuple[str, str]
) -> None:
    _, session = shopper
    captured = bank.hold(session, "soap", 25).json()["hold"]
    voided = bank.hold(session, "soap", 25).json()["hold"]
    assert bank.call("POST", f"/v1/holds/{captured}/capture", idem="a").status_code == 200
    again = bank.call("POST", f"/v1/holds/{captured}/capture", idem="b")
    assert (again.status_code, again.json()["state"]) == (200, "captured")
    assert bank.call("POST", f"/v1/holds/{voided}/void", idem="c").status_code == 200

    r = bank.call("POST", f"/v1/holds/{captured}/void", idem="d")
    assert (r.status_code, r.json()["error"]) == (409, "hold_not_open")
    r = bank.call("POST", f"/v1/holds/{voided}/capture", idem="e")
    assert (r.status_code, r.json()["error"]) == (409, "hold_not_open")


def test_not_enough_coins_is_402(bank: Bank) -> None:
    member, secret = bank.add_member(coins=10)
    bank.set_item("water", 20)
    r = bank.hold(bank.login(member, secret), "water", 20)
    assert (r.status_code, r.json()["error"]) == (402, "insufficient_funds")


def test_a_stale_price_is_409_price_changed(bank: Bank, shopper: tuple[str, str]) -> None:
    _, session = shopper
    bank.set_item("soap", 30)
    r = bank.hold(session, "soap", 25)
    assert (r.status_code, r.json()["error"], r.json()["price"]) == (409, "price_changed", 30)
    assert "30" in r.json()["message"]


def test_an_unknown_sku_is_404(bank: Bank, shopper: tuple[str, str]) -> None:
    r = bank.hold(shopper[1], "caviar", 25)
    assert (r.status_code, r.json()["error"]) == (404, "unknown_sku")


def test_an_unknown_hold_is_404(bank: Bank) -> None:
    r = bank.call("GET", "/v1/holds/hnope")
    assert (r.status_code, r.json()["error"]) == (404, "unknown_hold")


def test_a_hold_of_another_kiosk_is_forbidden(bank: Bank, shopper: tuple[str, str]) -> None:
    hold = bank.hold(shopper[1], "soap", 25).json()["hold"]
    other = bank.add_kiosk("Other kiosk")
    r = bank.call("POST", f"/v1/holds/{hold}/capture", key=other, idem="x")
    assert (r.status_code, r.json()["error"]) == (403, "forbidden")


def test_money_moving_calls_need_an_idempotency_key(bank: Bank, shopper: tuple[str, str]) -> None:
    _, session = shopper
    body = {"session": session, "sku": "soap", "locker": "0:1", "price": 25}
    r = bank.call("POST", "/v1/holds", body)
    assert (r.status_code, r.json()["error"]) == (400, "idempotency_key_required")
    hold = bank.hold(session, "soap", 25).json()["hold"]
    for action in ("capture", "void"):
        r = bank.call("POST", f"/v1/holds/{hold}/{action}")
        assert (r.status_code, r.json()["error"]) == (400, "idempotency_key_required")


def test_a_retried_hold_gets_the_same_answer_and_charges_once(
    bank: Bank, shopper: tuple[str, str]
) -> None:
    member, session = shopper
    key = uuid.uuid4().hex
    first = bank.hold(session, "soap", 25, idem=key)
    second = bank.hold(session, "soap", 25, idem=key)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert bank.balance(member) == 75


def test_retried_capture_and_void_get_the_same_answer(bank: Bank, shopper: tuple[str, str]) -> None:
    member, session = shopper
    captured = bank.hold(session, "soap", 25).json()["hold"]
    voided = bank.hold(session, "soap", 25).json()["hold"]
    answers = [bank.call("POST", f"/v1/holds/{captured}/capture", idem="k1") for _ in range(3)]
    assert {(a.status_code, a.text) for a in answers} == {(200, answers[0].text)}
    body = {"reason": "nothing taken"}
    answers = [bank.call("POST", f"/v1/holds/{voided}/void", body, idem="k2") for _ in range(3)]
    assert {(a.status_code, a.text) for a in answers} == {(200, answers[0].text)}
    assert bank.balance(member) == 75


def test_the_same_key_with_a_different_body_is_422(bank: Bank, shopper: tuple[str, str]) -> None:
    _, session = shopper
    bank.set_item("tissues", 15)
    assert bank.hold(session, "soap", 25, idem="same").status_code == 201
    r = bank.hold(session, "tissues", 15, idem="same")
    assert (r.status_code, r.json()["error"]) == (422, "idempotency_mismatch")
    hold = bank.hold(session, "soap", 25).json()["hold"]
    bank.call("POST", f"/v1/holds/{hold}/void", {"reason": "a"}, idem="v")
    r = bank.call("POST", f"/v1/holds/{hold}/void", {"reason": "b"}, idem="v")
    assert (r.status_code, r.json()["error"]) == (422, "idempotency_mismatch")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"sku": "soap", "locker": "0:1", "price": 25},
        {"session": "s", "sku": "soap", "locker": "0:1", "price": -1},
        {"session": "s", "sku": "soap", "locker": "0:1", "price": "lots"},
        {"session": "s", "sku": "soap", "locker": None, "price": 25},
        [1, 2],
    ],
)
def test_a_bad_hold_body_is_422_bad_request(bank: Bank, body: object) -> None:
    r = bank.call("POST", "/v1/holds", body, idem=uuid.uuid4().hex)
    assert (r.status_code, r.json()["error"]) == (422, "bad_request")


def test_catalog_lists_names_in_both_languages(bank: Bank) -> None:
    bank.set_item("soap", 25)
    items = bank.call("GET", "/v1/catalog").json()["items"]
    assert items == [{"sku": "soap", "name": {"zh": "soap中", "en": "soap"}, "price": 25}]


def test_health_needs_no_key_and_unknown_routes_answer_json(bank: Bank) -> None:
    import requests

    r = requests.get(bank.url + "/v1/health", timeout=5)
    assert (r.status_code, r.json()["status"]) == (200, "ok")
    r = bank.call("GET", "/v1/nothing")
    assert (r.status_code, r.json()["error"]) == (404, "not_found")
