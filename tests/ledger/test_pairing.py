"""Pairing: the kiosk shows a QR code, the phone signs in and confirms, the kiosk collects once."""

from __future__ import annotations

from tests.ledger import pairing_helpers
from tests.ledger.conftest import Bank, ManualClock
from tests.ledger.pairing_helpers import Phone, kiosk_at, otp_at, start_pairing

clock = pairing_helpers.clock
timed_bank = pairing_helpers.timed_bank


def test_a_new_pairing_gives_an_absolute_page_url_an_expiry_and_a_poll_interval(
    timed_bank: Bank,
) -> None:
    made = start_pairing(timed_bank)
    assert made["url"] == f"{timed_bank.url}/pair/{made['pairing']}"
    assert (made["expires_in"], made["interval"]) == (120, 2)
    r = timed_bank.call("GET", f"/v1/pairings/{made['pairing']}")
    assert (r.status_code, r.json()) == (200, {"state": "pending"})


def test_a_member_confirms_on_the_phone_and_the_kiosk_collects_the_session_once(
    timed_bank: Bank, clock: ManualClock
) -> None:
    key = kiosk_at(timed_bank, "二号机 Kiosk 2", "幸福社区 Happiness estate")
    member, secret = timed_bank.add_member(coins=60)
    timed_bank.set_item("water", 20)
    made = start_pairing(timed_bank, key)
    phone = Phone(made["url"])

    page = phone.sign_in(method="phone", member=member, otp=otp_at(secret, clock))
    assert page.status_code == 200, page.text
    assert "二号机 Kiosk 2" in page.text and "幸福社区 Happiness estate" in page.text
    poll = f"/v1/pairings/{made['pairing']}"
    assert timed_bank.call("GET", poll, key=key).json() == {"state": "pending"}

    assert "已确认" in phone.decide("confirm").text
    clock.advance(seconds=2)
    got = timed_bank.call("GET", poll, key=key)
    assert got.status_code == 200, got.text
    answer = got.json()
    assert answer["state"] == "confirmed"
    assert (answer["member"]["id"], answer["member"]["role"], answer["balance"]) == (
        member,
        "member",
        60,
    )
    body = {"session": answer["session"], "sku": "water", "locker": "0:1", "price": 20}
    held = timed_bank.call("POST", "/v1/holds", body, key=key, idem="paired-1")
    assert held.status_code == 201, held.text

    clock.advance(seconds=2)
    again = timed_bank.call("GET", poll, key=key)
    assert (again.status_code, again.json()["error"]) == (410, "pairing_used")


def test_declining_on_the_phone_ends_the_pairing_and_gives_the_kiosk_no_session(
    timed_bank: Bank, clock: ManualClock
) -> None:
    member, secret = timed_bank.add_member(coins=10)
    made = start_pairing(timed_bank)
    phone = Phone(made["url"])
    phone.sign_in(method="phone", member=member, otp=otp_at(secret, clock))
    assert "已取消" in phone.decide("decline").text
    r = timed_bank.call("GET", f"/v1/pairings/{made['pairing']}")
    assert (r.status_code, r.json()["error"]) == (410, "pairing_declined")
    assert phone.open().status_code == 410


def test_a_pairing_nobody_confirms_expires_after_120_seconds(
    timed_bank: Bank, clock: ManualClock
) -> None:
    made = start_pairing(timed_bank)
    clock.advance(seconds=119)
    assert timed_bank.call("GET", f"/v1/pairings/{made['pairing']}").json()["state"] == "pending"
    clock.advance(seconds=2)
    r = timed_bank.call("GET", f"/v1/pairings/{made['pairing']}")
    assert (r.status_code, r.json()["error"]) == (410, "pairing_expired")
    page = Phone(made["url"]).open()
    assert page.status_code == 410 and "二维码已过期" in page.text


def test_polling_faster_than_the_interval_is_told_to_slow_down(
    timed_bank: Bank, clock: ManualClock
) -> None:
    made = start_pairing(timed_bank)
    poll = f"/v1/pairings/{made['pairing']}"
    assert timed_bank.call("GET", poll).status_code == 200
    clock.advance(seconds=0.5)
    r = timed_bank.call("GET", poll)
    assert (r.status_code, r.json()["error"], r.headers["Retry-After"]) == (429, "slow_down", "2")
    clock.advance(seconds=2)
    assert timed_bank.call("GET", poll).status_code == 200


def test_another_kiosk_cannot_poll_or_collect_a_pairing(timed_bank: Bank) -> None:
    made = start_pairing(timed_bank)
    other = timed_bank.add_kiosk("Other kiosk")
    r = timed_bank.call("GET", f"/v1/pairings/{made['pairing']}", key=other)
    assert (r.status_code, r.json()["error"]) == (404, "unknown_pairing")
    r = timed_bank.call("GET", "/v1/pairings/pNoSuchPairing")
    assert (r.status_code, r.json()["error"]) == (404, "unknown_pairing")


def test_a_member_can_sign_in_on_the_phone_with_card_and_pin(
    timed_bank: Bank, clock: ManualClock
) -> None:
    member, _ = timed_bank.add_member(coins=30)
    card = timed_bank.issue_card(member, "2468")
    made = start_pairing(timed_bank)
    phone = Phone(made["url"])
    assert phone.sign_in(method="card", card=card, pin="2468").status_code == 200
    phone.decide("confirm")
    answer = timed_bank.call("GET", f"/v1/pairings/{made['pairing']}").json()
    assert (answer["state"], answer["member"]["id"]) == ("confirmed", member)
