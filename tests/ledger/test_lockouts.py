"""Sign-in lock-outs per credential, over real HTTP on SQLite and PostgreSQL: wrong PINs lock one
card, wrong phone codes one member number's phone codes, with waits that double up to an hour;
and a wrong code is answered alike whether the member number exists or not.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
import requests
from alembic import command
from sqlalchemy import select, text

from ledger import cli, members, totp
from ledger.cli import with_book
from ledger.db import Member, SigninLockout, make_engine
from ledger.migrate import alembic_config, differences
from tests.ledger.conftest import Bank, ManualClock
from tests.ledger.pairing_helpers import Phone, start_pairing

PIN = "2580"
# What each lock-out since the last success lasts (1 min, doubling, at most an hour).
WAITS = [60, 120, 240, 480, 960, 1920, 3600, 3600]


def otp(secret: str, clock: ManualClock) -> str:
    """What the member's phone shows at the ledger's time (pyotp, not the ledger's code)."""
    return pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30).at(clock.now)


def phone(member: str, secret: str, clock: ManualClock) -> str:
    return f"tb1:{member}:{otp(secret, clock)}"


def wrong_phone(member: str, secret: str | None, clock: ManualClock, n: int = 0) -> str:
    """A well-formed code that none of the steps the ledger accepts now shows."""
    right: set[str] = set()
    if secret is not None:
        gen = pyotp.TOTP(secret, digits=8, digest=hashlib.sha256, interval=30)
        at = int(clock.now.timestamp())
        right = {gen.at(at + d) for d in (-30, 0, 30)}
    candidates = (f"{(12345678 + 7919 * (n + i)) % 10**8:08d}" for i in range(10))
    return f"tb1:{member}:{next(c for c in candidates if c not in right)}"


def sign_in(bank: Bank, code: str, pin: str | None = None) -> requests.Response:
    body: dict[str, Any] = {"code": code} if pin is None else {"code": code, "pin": pin}
    return bank.call("POST", "/v1/sessions", body)


def refusal(r: requests.Response) -> tuple[int, str, Any]:
    return r.status_code, r.json()["error"], r.json().get("retry_after")


def lock_out(bank: Bank, code: str, pin: str | None, wait: int) -> None:
    """Four wrong tries refused as wrong, the fifth locks for `wait` seconds."""
    for _ in range(4):
        assert refusal(sign_in(bank, code, pin))[:2] in [(401, "invalid_code"), (401, "wrong_pin")]
    r = sign_in(bank, code, pin)
    assert refusal(r) == (429, "locked_out", wait), r.text
    assert r.headers["Retry-After"] == str(wait)


def unknown_member(bank: Bank) -> str:
    taken = set(with_book(bank.db_url, lambda s: list(s.scalars(select(Member.id)))))
    return next(f"m{n:06d}" for n in range(10**6) if f"m{n:06d}" not in taken)


def test_a_copied_card_guessed_at_locks_that_card_only(
    clocked_bank: Bank, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = clocked_bank
    member, secret = bank.add_member(coins=10)
    copied, other = bank.issue_card(member, PIN), bank.issue_card(member, "1397")
    lock_out(bank, copied, "0000", 60)
    # Locked: even the right PIN is refused, without the PIN being looked at.
    assert refusal(sign_in(bank, copied, PIN)) == (429, "locked_out", 60)
    # The member's other card and phone codes still sign in.
    assert sign_in(bank, other, "1397").status_code == 201
    assert sign_in(bank, phone(member, secret, clock)).status_code == 201
    assert cli.main(["--db", bank.db_url, "member", "show", member, "--json"]) == 0
    states = {c["card"]: c["state"] for c in json.loads(capsys.readouterr().out)["cards"]}
    assert states == {copied.split(":")[1]: "locked", other.split(":")[1]: "active"}


def test_card_lockouts_double_up_to_an_hour_and_a_right_pin_starts_over(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    bank = clocked_bank
    member, _ = bank.add_member(coins=10)
    card = bank.issue_card(member, PIN)
    for wait in WAITS:
        lock_out(bank, card, "0000", wait)
        clock.advance(seconds=wait - 1)
        assert refusal(sign_in(bank, card, PIN)) == (429, "locked_out", 1)
        clock.advance(seconds=1)
    assert sign_in(bank, card, PIN).status_code == 201
    lock_out(bank, card, "0000", 60)  # after a success the next lock-out is the first again


def test_wrong_phone_codes_lock_that_members_phone_codes_with_doubling_waits(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    bank = clocked_bank
    member, secret = bank.add_member(coins=10)
    card = bank.issue_card(member, PIN)
    for n, wait in enumerate(WAITS):
        lock_out(bank, wrong_phone(member, secret, clock, n), None, wait)
        # While locked the right code is refused too: guessing on meanwhile learns nothing.
        assert refusal(sign_in(bank, phone(member, secret, clock))) == (429, "locked_out", wait)
        assert sign_in(bank, card, PIN).status_code == 201  # the member's card is not locked
        clock.advance(seconds=wait)
    assert sign_in(bank, phone(member, secret, clock)).status_code == 201
    clock.advance(seconds=30)
    lock_out(bank, wrong_phone(member, secret, clock), None, 60)  # a success started over


def test_a_wrong_code_is_answered_alike_for_known_unknown_and_revoked_members(
    clocked_bank: Bank, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = clocked_bank
    known, secret = bank.add_member(coins=10)
    revoked, revoked_secret = bank.add_member(coins=10)
    with_book(bank.db_url, lambda s: members.revoke_secret(s, revoked))
    nobody = unknown_member(bank)
    # Each is checked against a secret (a decoy when there is none), so it takes as long.
    checks: list[str] = []
    real_check = totp.matching_step

    def counted_check(secret: str, code: str, now: float) -> int | None:
        checks.append("checked")
        return real_check(secret, code, now)

    monkeypatch.setattr(totp, "matching_step", counted_check)
    for attempt in range(7):
        answers = []
        for member, member_secret in [(known, secret), (revoked, None), (nobody, None)]:
            checks.clear()
            r = sign_in(bank, wrong_phone(member, member_secret, clock, attempt))
            body = r.json()
            answers.append((r.status_code, body, r.headers.get("Retry-After"), len(r.content)))
            assert checks == (["checked"] if attempt < 5 else []), (member, attempt)
        assert answers[0] == answers[1] == answers[2], answers
        status, body = answers[0][0], answers[0][1]
        if attempt < 4:
            assert (status, body) == (401, {"error": "invalid_code", "message": totp.WRONG_CODE})
        else:  # the fifth locks, and the lock-out says so alike
            assert (status, body["error"], body["retry_after"]) == (429, "locked_out", 60)
    # A revoked member's right code is refused like a wrong one (once the lock-out is over).
    clock.advance(minutes=1)
    r = sign_in(bank, phone(revoked, revoked_secret, clock))
    assert (r.status_code, r.json()) == (401, {"error": "invalid_code", "message": totp.WRONG_CODE})


def test_concurrent_wrong_codes_all_count(clocked_bank: Bank, clock: ManualClock) -> None:
    # A first wrong try makes the credential's row: ten at once (some on other connections
    # of PostgreSQL) must count ten, not lose the ones that raced to make it.
    bank = clocked_bank
    nobody = unknown_member(bank)
    codes = [wrong_phone(nobody, None, clock, n) for n in range(10)]
    with ThreadPoolExecutor(10) as pool:
        statuses = sorted(r.status_code for r in pool.map(lambda c: sign_in(bank, c), codes))
    assert statuses == [401] * 4 + [429] * 6


def test_the_pairing_page_counts_wrong_codes_against_the_same_lockout(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    bank = clocked_bank
    member, secret = bank.add_member(coins=10)
    for n in range(3):  # three wrong codes typed on phones (each pairing allows five)
        page = Phone(start_pairing(bank)["url"])
        wrong = wrong_phone(member, secret, clock, n).split(":")[2]
        assert page.sign_in(method="phone", member=member, otp=wrong).status_code == 401
    fourth = sign_in(bank, wrong_phone(member, secret, clock, 3))
    assert refusal(fourth) == (401, "invalid_code", None)
    assert refusal(sign_in(bank, wrong_phone(member, secret, clock, 4)))[:2] == (429, "locked_out")
    page = Phone(start_pairing(bank)["url"])
    r = page.sign_in(method="phone", member=member, otp=otp(secret, clock))
    assert r.status_code == 429 and "Too many wrong tries" in r.text


def test_staff_unlock_ends_a_members_lockouts(
    clocked_bank: Bank, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = clocked_bank
    member, secret = bank.add_member(coins=10)
    card = bank.issue_card(member, PIN)
    lock_out(bank, card, "0000", 60)
    lock_out(bank, wrong_phone(member, secret, clock), None, 60)
    assert cli.main(["--db", bank.db_url, "member", "unlock", member, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"member": member, "cleared": 2}
    assert sign_in(bank, card, PIN).status_code == 201
    assert sign_in(bank, phone(member, secret, clock)).status_code == 201
    assert with_book(bank.db_url, lambda s: list(s.scalars(select(SigninLockout)))) == []


def test_cards_locked_before_0005_stay_locked_until_the_same_time(db_url: str) -> None:
    engine = make_engine(db_url)
    until = datetime.now(UTC) + timedelta(minutes=10)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0004_amount_bounds")
        # Rows written in SQL: the ledger's own code would migrate to head first.
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO members VALUES"
                    " ('m000001', 'A', 'member', NULL, false, CURRENT_TIMESTAMP)"
                )
            )
            for card, failed, locked in [
                ("c0000000a", 5, until),  # locked now
                ("c0000000b", 2, None),  # two wrong PINs so far
                ("c0000000c", 0, None),  # never a wrong PIN
            ]:
                conn.execute(
                    text(
                        "INSERT INTO cards VALUES"
                        " (:id, 'm000001', 'h', 'p', :failed, :locked, NULL, CURRENT_TIMESTAMP)"
                    ),
                    {"id": card, "failed": failed, "locked": locked},
                )
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert differences(engine) == []
        rows = with_book(
            db_url,
            lambda s: {
                r.credential: (r.failures, r.lockouts, r.locked_until)
                for r in s.scalars(select(SigninLockout))
            },
        )
        assert rows == {"card:c0000000a": (0, 1, until), "card:c0000000b": (2, 0, None)}
    finally:
        engine.dispose()
