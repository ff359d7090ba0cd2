"""Printed cards with a PIN: sign-in, PIN required, wrong PINs counted, lock-out, revocation."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from ledger import cli
from tests.ledger.conftest import Bank, ManualClock

PIN = "4821"


def sign_in(bank: Bank, code: str, pin: str | None) -> tuple[int, dict, Any]:
    body = {"code": code} if pin is None else {"code": code, "pin": pin}
    r = bank.call("POST", "/v1/sessions", body)
    return r.status_code, r.json(), r.headers


def test_card_issue_prints_a_tbc1_code_that_signs_in_with_its_pin(
    bank: Bank, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    member, _ = bank.add_member(coins=40)
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))  # the PIN never on argv
    assert cli.main(["--db", bank.db_url, "card", "issue", member, "--json"]) == 0
    issued = json.loads(capsys.readouterr().out)
    prefix, card_id, secret = issued["code"].split(":")
    assert (prefix, card_id, issued["card"], issued["member"]) == ("tbc1", card_id, card_id, member)
    status, body, _ = sign_in(bank, issued["code"], PIN)
    assert status == 201, body
    assert (body["member"]["id"], body["balance"]) == (member, 40)


def test_the_card_secret_and_pin_are_stored_only_as_hashes(bank: Bank) -> None:
    member, _ = bank.add_member(coins=0)
    code = bank.issue_card(member, PIN)
    secret = code.split(":")[2]
    engine = create_engine(bank.db_url)
    with engine.connect() as conn:
        secret_hash, pin_hash = conn.execute(text("SELECT secret_hash, pin_hash FROM cards")).one()
    engine.dispose()
    # Field by field: a 4-digit PIN turns up inside a hex digest about once in 500 hashes.
    assert secret not in secret_hash and secret_hash != secret
    fields = pin_hash.split("$")
    assert fields[0] == "scrypt" and len(fields) == 6 and PIN not in fields
    assert len(bytes.fromhex(fields[-1])) >= 32  # the digest, not the PIN in any form


def test_a_card_without_its_pin_is_423_pin_required(bank: Bank) -> None:
    member, _ = bank.add_member(coins=0)
    status, body, _ = sign_in(bank, bank.issue_card(member, PIN), None)
    assert (status, body["error"]) == (423, "pin_required")


def test_a_forged_card_secret_is_invalid_code(bank: Bank) -> None:
    member, _ = bank.add_member(coins=0)
    prefix, card_id, secret = bank.issue_card(member, PIN).split(":")
    forged = f"{prefix}:{card_id}:{'x' * len(secret)}"
    status, body, _ = sign_in(bank, forged, PIN)
    assert (status, body["error"]) == (401, "invalid_code")


def test_a_wrong_pin_says_how_many_tries_are_left(bank: Bank) -> None:
    member, _ = bank.add_member(coins=0)
    code = bank.issue_card(member, PIN)
    for left in (4, 3):
        status, body, _ = sign_in(bank, code, "0000")
        assert (status, body["error"], body["attempts_left"]) == (401, "wrong_pin", left)
    assert sign_in(bank, code, PIN)[0] == 201  # the right PIN resets the count
    status, body, _ = sign_in(bank, code, "0000")
    assert body["attempts_left"] == 4


def test_five_wrong_pins_lock_the_card_for_a_minute_even_for_the_right_pin(
    clocked_bank: Bank, clock: ManualClock
) -> None:
    # The first lock-out; later ones double (tests/ledger/test_lockouts.py).
    bank = clocked_bank
    member, _ = bank.add_member(coins=0)
    code = bank.issue_card(member, PIN)
    for _ in range(4):
        assert sign_in(bank, code, "9999")[0] == 401
    status, body, headers = sign_in(bank, code, "9999")
    assert (status, body["error"], body["retry_after"]) == (429, "locked_out", 60)
    assert headers["Retry-After"] == "60"

    clock.advance(seconds=45)
    status, body, headers = sign_in(bank, code, PIN)
    assert (status, body["error"], body["retry_after"]) == (429, "locked_out", 15)
    assert headers["Retry-After"] == "15"

    clock.advance(seconds=15)
    status, body, _ = sign_in(bank, code, PIN)
    assert status == 201, body
    status, body, _ = sign_in(bank, code, "9999")
    assert body["attempts_left"] == 4  # a fresh count after the lock-out


def test_a_revoked_card_is_403_card_revoked(bank: Bank, capsys: pytest.CaptureFixture[str]) -> None:
    member, _ = bank.add_member(coins=0)
    code = bank.issue_card(member, PIN)
    card_id = code.split(":")[1]
    assert cli.main(["--db", bank.db_url, "card", "revoke", card_id, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["card"] == card_id
    status, body, _ = sign_in(bank, code, PIN)
    assert (status, body["error"]) == (403, "card_revoked")
    assert cli.main(["--db", bank.db_url, "member", "show", member, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cards"] == [{"card": card_id, "state": "revoked"}]


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", ""])
def test_card_issue_refuses_a_pin_that_is_not_4_to_8_digits(
    db_url: str, pin: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli.main(["--db", db_url, "member", "add", "--name", "A", "--json"]) == 0
    member = json.loads(capsys.readouterr().out)["member"]
    monkeypatch.setattr("sys.stdin", io.StringIO(pin + "\n"))
    assert cli.main(["--db", db_url, "card", "issue", member]) == 2
    assert "PIN is 4 to 8 digits" in capsys.readouterr().err


def test_a_pin_is_read_from_standard_input_and_refused_on_the_command_line(tmp_path: Any) -> None:
    """`card issue` as staff run it: the PIN piped in (or typed at a hidden prompt), never an
    argument that shell history and `ps` would keep."""
    env = {**os.environ, "TIMEBANK_LEDGER_HOME": str(tmp_path)}
    ledger = [sys.executable, "-m", "ledger.cli"]
    added = subprocess.run(
        [*ledger, "member", "add", "--name", "A", "--json"], env=env, capture_output=True, text=True
    )
    member = json.loads(added.stdout)["member"]
    issued = subprocess.run(
        [*ledger, "card", "issue", member, "--json"],
        input=PIN + "\n",
        env=env,
        capture_output=True,
        text=True,
    )
    assert issued.returncode == 0, issued.stderr
    assert json.loads(issued.stdout)["code"].startswith("tbc1:")
    refused = subprocess.run(
        [*ledger, "card", "issue", member, "--pin", PIN], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and "unrecognized arguments: --pin" in refused.stderr
    empty = subprocess.run(
        [*ledger, "card", "issue", member], input="", env=env, capture_output=True, text=True
    )
    assert empty.returncode == 2 and "expected on standard input" in empty.stderr
