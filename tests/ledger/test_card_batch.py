"""Cards for several members at once (`card issue M1 M2 ... --no-pin --pdf FILE`): one PDF with
every card (A4 eight to a page, or one card a page), each QR code decoded from the rendered
page; the cards sign in nowhere (403 pin_not_set, asked before any PIN) until the member's PIN
is set, and then as any card; earlier cards revoked; all or nothing; audited."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ledger import card_batch, cards, cli
from ledger.cli import with_book
from ledger.db import AuditEntry, Card
from tests.ledger.conftest import Bank


def decoded(pdf: Path) -> list[list[str]]:
    """Each page's QR codes, rendered by pdftoppm and read by zxing, top to bottom."""
    import cv2
    import zxingcpp

    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed (Debian: apt-get install poppler-utils)")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(pdf), str(pdf.with_suffix(""))], check=True
    )
    pages = sorted(pdf.parent.glob(pdf.stem + "-*.png"))
    found = []
    for page in pages:
        codes = zxingcpp.read_barcodes(cv2.imread(str(page)))
        assert all(c.format == zxingcpp.BarcodeFormat.QRCode for c in codes)
        found.append(
            [
                c.text
                for c in sorted(
                    codes, key=lambda c: (c.position.top_left.y // 50, c.position.top_left.x)
                )
            ]
        )
    return found


def sign_in(bank: Bank, code: str, pin: str | None) -> tuple[int, dict[str, Any]]:
    r = bank.call(
        "POST", "/v1/sessions", {"code": code} if pin is None else {"code": code, "pin": pin}
    )
    return r.status_code, r.json()


def issue(bank: Bank, *argv: str, stdin: str = "") -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["--db", bank.db_url, "card", "issue", *argv, "--json"])
    return status, json.loads(out.getvalue()) if status == 0 else {}, err.getvalue()


def test_nine_members_on_two_a4_pages_each_setting_a_pin_before_the_card_works(
    bank: Bank, tmp_path: Path
) -> None:
    ids = [bank.add_member(coins=10)[0] for _ in range(9)]
    old = bank.issue_card(ids[0], "1111")  # a lost card: the batch replaces it
    pdf = tmp_path / "cards.pdf"
    status, out, err = issue(bank, *ids, "--no-pin", "--pdf", str(pdf), "--sheet", "a4")
    assert status == 0, err
    assert [c["member"] for c in out["cards"]] == ids and out["pdf"] == str(pdf)
    assert pdf.stat().st_mode & 0o777 == 0o600  # it holds the cards' secrets
    pages = decoded(pdf)
    assert [len(p) for p in pages] == [8, 1]  # eight to an A4 page
    codes = [code for page in pages for code in page]
    assert sorted(c.split(":")[1] for c in codes) == sorted(c["card"] for c in out["cards"])

    # No PIN yet: refused at the scan, before any PIN is asked for, and with any PIN.
    for code in codes:
        status, body = sign_in(bank, code, None)
        assert (status, body["error"]) == (403, "pin_not_set")
    status, body = sign_in(bank, codes[0], "0000")
    assert (status, body["error"]) == (403, "pin_not_set")
    status, body = sign_in(bank, old, "1111")
    assert (status, body["error"]) == (403, "card_revoked")

    # The member sets the PIN (the console's pad hashes it and saves it on the card).
    card_id = codes[3].split(":")[1]

    def set_pin(s: Any) -> str:
        card = cards.get_card(s, card_id)
        assert cards.card_state(s, card, card.created_at) == "no_pin"
        cards.set_pin_hash(s, card, cards.hash_pin("2468"))
        return card.member_id

    member = with_book(bank.db_url, set_pin)
    status, body = sign_in(bank, codes[3], "2468")
    assert status == 201 and body["member"]["id"] == member
    assert sign_in(bank, codes[4], "2468")[0] == 403  # the others still wait for theirs

    actions = with_book(
        bank.db_url,
        lambda s: [(a.action, a.detail) for a in s.query(AuditEntry).order_by(AuditEntry.id)],
    )
    batch = [d for a, d in actions if a == "card_issued" and d.get("batch")]
    assert len(batch) == 9 and all(d["batch"] == 9 and d["pin_set"] is False for d in batch)


def test_one_card_a_page_for_a_card_printer(bank: Bank, tmp_path: Path) -> None:
    ids = [bank.add_member(0)[0] for _ in range(2)]
    pdf = tmp_path / "cr80.pdf"
    status, out, err = issue(bank, *ids, "--no-pin", "--pdf", str(pdf))
    assert status == 0, err
    assert [len(p) for p in decoded(pdf)] == [1, 1]


def test_several_members_need_no_pin_and_a_pdf_and_all_must_exist(
    bank: Bank, tmp_path: Path
) -> None:
    a, _ = bank.add_member(0)
    b, _ = bank.add_member(0)
    pdf = tmp_path / "x.pdf"
    status, _, err = issue(bank, a, b, "--pdf", str(pdf))
    assert status == 2 and "add --no-pin" in err
    status, _, err = issue(bank, a, b, "--no-pin")
    assert status == 2 and "give --pdf FILE" in err
    status, _, err = issue(bank, a, "m999999", b, "--no-pin", "--pdf", str(pdf))
    assert status == 2 and "no member 'm999999'; nothing was issued" in err
    with_book(bank.db_url, lambda s: cli_deactivate(s, b))
    status, _, err = issue(bank, a, b, "--no-pin", "--pdf", str(pdf))
    assert status == 2 and "deactivated; nothing was issued" in err
    assert not pdf.exists()
    assert with_book(bank.db_url, lambda s: s.query(Card).count()) == 0  # all or nothing


def cli_deactivate(s: Any, member_id: str) -> None:
    from ledger import members
    from ledger.db import utcnow

    members.deactivate_member(s, member_id, utcnow())


def test_a_clerks_batch_skips_members_with_a_card_and_a_second_press_prints_nothing(
    bank: Bank,
) -> None:
    a, _ = bank.add_member(0)
    b, _ = bank.add_member(0)
    bank.issue_card(b, "1357")

    def work(s: Any) -> None:
        from ledger.db import utcnow

        clerk = card_batch.plan(s, [a, b, a, " "], may_replace=False)
        assert [c.member for c in clerk.chosen] == [a]  # repeats and blanks dropped
        assert [(m, why) for m, _, why in clerk.skipped] == [(b, card_batch.Skipped.HAS_CARD)]
        manager = card_batch.plan(s, [a, b], may_replace=True)
        assert [(c.member, c.replaces) for c in manager.chosen] == [(a, False), (b, True)]
        shown = utcnow()
        card_batch.issue(s, manager, utcnow())
        again = card_batch.plan(s, [a, b], may_replace=True, shown_at=shown)
        assert not again.chosen
        assert {why for _, _, why in again.skipped} == {card_batch.Skipped.JUST_PRINTED}

    with_book(bank.db_url, work)
