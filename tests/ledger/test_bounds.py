"""One range for coins and prices on both databases, in the CLI and in the schema (issue 21), and
kiosk text that cannot steer a terminal in `timebank-ledger events`."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ledger import book, cli
from ledger.cli import with_book
from ledger.db import make_engine
from ledger.limits import MAX_COINS
from ledger.migrate import alembic_config, differences, head
from tests.ledger.conftest import Bank


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as e:  # argparse refuses an argument with exit 2
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["adjust", "{m}", "9223372036854775808", "--reason", "x"],
        ["adjust", "{m}", "+4611686018427387904", "--reason", "x"],
        ["adjust", "{m}", "-1000001", "--reason", "x"],
        ["adjust", "{m}", "1_000", "--reason", "x"],
        ["adjust", "{m}", "1e3", "--reason", "x"],
        ["catalog", "set", "soap", "--price", "1099511627776", "--zh", "皂", "--en", "soap"],
        ["catalog", "set", "soap", "--price", "-1", "--zh", "皂", "--en", "soap"],
        ["grant-month", "--coins", "2147483648"],
        ["credit-hours", "{m}", "nan"],
        ["credit-hours", "{m}", "2", "--rate", "99999999999"],
        ["reverse", "9223372036854775808", "--reason", "x"],
        ["member", "add", "--name", "X", "--coins", "4611686018427387904"],
        ["events", "--limit", "9223372036854775808"],
    ],
)
def test_numbers_out_of_range_are_refused_by_the_cli_with_a_message(
    bank: Bank, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    member, _ = bank.add_member(10)
    code, out, err = run_cli(capsys, "--db", bank.db_url, *(a.format(m=member) for a in argv))
    assert code == 2 and out == ""
    assert "Traceback" not in err and any(w in err for w in ("outside", "is not a", "more than")), (
        err
    )
    assert bank.balance(member) == 10
    assert run_cli(capsys, "--db", bank.db_url, "member", "show", member)[0] == 0


def test_the_largest_amounts_are_taken_the_same_on_both_databases(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    member, _ = bank.add_member(0)
    db = ["--db", bank.db_url]
    assert run_cli(capsys, *db, "adjust", member, str(MAX_COINS), "--reason", "x", "--yes")[0] == 0
    price = ["--price", str(MAX_COINS), "--zh", "大", "--en", "big"]
    assert run_cli(capsys, *db, "catalog", "set", "big", *price)[0] == 0
    session = bank.login(member, bank_secret(bank, member))
    r = bank.hold(session, "big", MAX_COINS)
    assert r.status_code == 201, r.text
    assert bank.balance(member) == 0


def bank_secret(bank: Bank, member: str) -> str:
    from ledger.members import get_member

    secret = with_book(bank.db_url, lambda s: get_member(s, member).totp_secret)
    assert secret is not None
    return str(secret)


def test_a_balance_cannot_pass_its_bound(
    bank: Bank, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(book, "MAX_BALANCE", 1500)  # the real bound needs 1,000 grants
    member, _ = bank.add_member(1000)
    code, _, err = run_cli(
        capsys, "--db", bank.db_url, "adjust", member, "600", "--reason", "x", "--yes"
    )
    assert code == 2 and "more than 1500" in err
    assert bank.balance(member) == 1000


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        (
            "INSERT INTO postings (transaction_id, account_id, amount) VALUES (:t, :a, :n)",
            {"n": MAX_COINS + 1},
        ),
        (
            "INSERT INTO postings (transaction_id, account_id, amount) VALUES (:t, :a, :n)",
            {"n": 0},
        ),
        (
            "INSERT INTO catalog (sku, name_zh, name_en, price, updated_at) "
            "VALUES ('x', 'x', 'x', :n, CURRENT_TIMESTAMP)",
            {"n": -1},
        ),
        (
            "INSERT INTO catalog (sku, name_zh, name_en, price, updated_at) "
            "VALUES ('x', 'x', 'x', :n, CURRENT_TIMESTAMP)",
            {"n": MAX_COINS + 1},
        ),
    ],
)
def test_the_database_itself_refuses_amounts_out_of_range(
    bank: Bank, sql: str, params: dict[str, Any]
) -> None:
    member, _ = bank.add_member(5)
    engine = make_engine(bank.db_url)
    try:
        with engine.begin() as conn:
            tx = conn.scalar(text("SELECT MIN(id) FROM transactions"))
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(sql), {"t": tx, "a": book.member_account_id(member), **params})
    finally:
        engine.dispose()


def test_a_ledger_with_money_in_it_migrates_to_the_bounds(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003_hold_awaiting_count")
        # Rows written in SQL: the ledger's own code would migrate to head first.
        rows = [
            "INSERT INTO members VALUES ('m000001', 'A', 'member', NULL, false, CURRENT_TIMESTAMP)",
            "INSERT INTO accounts VALUES ('mem:m000001', 'member', 'm000001', 'A')",
            "INSERT INTO accounts VALUES ('sys:grant_pool', 'system', NULL, 'g')",
            "INSERT INTO transactions (kind, memo, actor, created_at)"
            " VALUES ('grant', '', '', CURRENT_TIMESTAMP)",
            "INSERT INTO postings (transaction_id, account_id, amount)"
            " SELECT MAX(id), 'sys:grant_pool', -40 FROM transactions",
            "INSERT INTO postings (transaction_id, account_id, amount)"
            " SELECT MAX(id), 'mem:m000001', 40 FROM transactions",
        ]
        with engine.begin() as conn:
            for row in rows:
                conn.execute(text(row))
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert differences(engine) == []
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head()
        assert with_book(db_url, lambda s: book.posted_balance(s, "mem:m000001")) == 40
    finally:
        engine.dispose()


def test_kiosk_text_cannot_steer_the_terminal_of_whoever_reads_the_events(
    bank: Bank, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {"note": "door\u009b2J\u202eevil\u2066x\u0085", "\u202ekey": 1}
    event = {"kind": "fault", "at": "2026-01-01T00:00:00+00:00", "data": data}
    r = bank.call("POST", "/v1/kiosks/me/events", {"events": [event]}, idem=uuid.uuid4().hex)
    assert r.status_code == 202, r.text
    for argv in (["events"], ["events", "--json"]):
        code, out, _ = run_cli(capsys, "--db", bank.db_url, *argv)
        assert code == 0
        unsafe = {*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
        assert not any(ord(c) in unsafe for c in out), out
        assert "\\u009b" in out and "\\u202e" in out
    [shown] = json.loads(out)["events"]
    assert shown["data"] == data  # the escapes are JSON's own: nothing lost
