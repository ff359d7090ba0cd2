"""The phone page of a pairing: forms guarded by tokens, refusals explained, codes never echoed."""

from __future__ import annotations

from tests.ledger import pairing_helpers
from tests.ledger.conftest import Bank, ManualClock
from tests.ledger.pairing_helpers import Phone, otp_at, start_pairing

clock = pairing_helpers.clock
timed_bank = pairing_helpers.timed_bank


def test_the_page_is_chinese_first_works_without_scripts_and_stays_out_of_caches(
    timed_bank: Bank,
) -> None:
    page = Phone(start_pairing(timed_bank)["url"]).open()
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text and "<script" not in page.text
    assert page.text.index("会员号") < page.text.index("Member ID")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_a_wrong_code_is_explained_in_both_languages_without_echoing_it(
    timed_bank: Bank, clock: ManualClock
) -> None:
    member, secret = timed_bank.add_member(coins=10)
    right = otp_at(secret, clock)
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    phone = Phone(start_pairing(timed_bank)["url"])
    r = phone.sign_in(method="phone", member=member, otp=wrong)
    assert r.status_code == 401
    assert "动态码不对" in r.text and "code is not right" in r.text
    assert wrong not in r.text
    assert f'value="{member}"' in r.text  # the member id is kept, only the code is retyped
    assert phone.sign_in(method="phone", member=member, otp=right).status_code == 200


def test_a_wrong_pin_says_how_many_tries_are_left_and_never_shows_the_card_code(
    timed_bank: Bank,
) -> None:
    member, _ = timed_bank.add_member(coins=10)
    card = timed_bank.issue_card(member, "2468")
    r = Phone(start_pairing(timed_bank)["url"]).sign_in(method="card", card=card, pin="1111")
    assert r.status_code == 401
    assert "密码不对" in r.text and "tries left" in r.text
    assert card not in r.text and card.split(":")[2] not in r.text


def test_a_sign_in_without_the_pages_form_token_is_refused(
    timed_bank: Bank, clock: ManualClock
) -> None:
    member, secret = timed_bank.add_member(coins=10)
    made = start_pairing(timed_bank)
    forged = {"form_token": "forged", "method": "phone", "member": member}
    r = Phone(made["url"]).http.post(
        made["url"] + "/signin", data={**forged, "otp": otp_at(secret, clock)}, timeout=30
    )
    assert r.status_code == 403 and "页面已过期" in r.text
    assert timed_bank.call("GET", f"/v1/pairings/{made['pairing']}").json() == {"state": "pending"}


def test_a_confirmation_without_the_one_use_token_confirms_nothing(
    timed_bank: Bank, clock: ManualClock
) -> None:
    member, secret = timed_bank.add_member(coins=10)
    made = start_pairing(timed_bank)
    phone = Phone(made["url"])
    phone.sign_in(method="phone", member=member, otp=otp_at(secret, clock))
    assert phone.decide("confirm", token="forged").status_code == 403
    assert timed_bank.call("GET", f"/v1/pairings/{made['pairing']}").json() == {"state": "pending"}


def test_five_failed_sign_ins_close_the_pairing_for_the_phone_and_the_kiosk(
    timed_bank: Bank,
) -> None:
    member, _ = timed_bank.add_member(coins=10)
    made = start_pairing(timed_bank)
    phone = Phone(made["url"])
    for _ in range(4):
        assert phone.sign_in(method="phone", member=member, otp="00000000").status_code == 401
    fifth = phone.sign_in(method="phone", member=member, otp="00000000")
    assert fifth.status_code == 410 and "尝试次数太多" in fifth.text
    assert phone.open().status_code == 410
    r = timed_bank.call("GET", f"/v1/pairings/{made['pairing']}")
    assert (r.status_code, r.json()["error"]) == (410, "pairing_expired")


def test_an_unknown_pairing_page_is_a_plain_404(timed_bank: Bank) -> None:
    r = Phone(timed_bank.url + "/pair/pNoSuchThing").open()
    assert r.status_code == 404 and "找不到这个二维码" in r.text
