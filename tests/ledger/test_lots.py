"""Donated goods' books (issue 18, ledger side) through the real CLI on SQLite and PostgreSQL:
intake, moves, write-offs, trace, reconcile, expiry and the donors' totals."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ledger import catalog, kiosks, lots
from ledger.cli import call, with_book
from ledger.db import Kiosk, utcnow
from ledger.errors import LedgerError
from ledger.lot_tables import DonorKind, LotMovement, MoveKind
from tests.ledger.conftest import Bank, office_today


def _kiosk(db_url: str) -> str:
    return with_book(db_url, lambda s: kiosks.add_kiosk(s, "Lot kiosk")[0].id)


def test_lot_books_follow_every_unit(db_url: str) -> None:
    with_book(db_url, lambda s: catalog.set_item(s, "rice-5kg", 10, "大米 5kg", "Rice 5 kg"))
    kiosk = _kiosk(db_url)
    soon = (office_today() + timedelta(days=3)).isoformat()
    added = call(
        [
            "--db",
            db_url,
            "lot",
            "add",
            "--sku",
            "rice-5kg",
            "--qty",
            "20",
            "--best-before",
            soon,
            "--donor",
            "爱心粮油店",
        ]
    )
    code = added["lot"]
    assert lots.CODE_RE.match(code) and added["code"] == f"tblot:{code}"
    moved = call(["--db", db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "12"])
    assert moved["store"] == 8 and moved["kiosks"] == {kiosk: 12}
    call(["--db", db_url, "lot", "return", code, "--from-kiosk", kiosk, "--qty", "2"])
    call(
        [
            "--db",
            db_url,
            "lot",
            "writeoff",
            code,
            "--qty",
            "3",
            "--reason",
            "damaged",
            "--kiosk",
            kiosk,
        ]
    )
    done = call(["--db", db_url, "lot", "writeoff", code, "--qty", "1", "--reason", "lost"])
    assert (done["store"], done["kiosks"][kiosk], done["written_off"]) == (9, 7, 4)
    with pytest.raises(LedgerError, match="has 9 units in the store, not 10"):
        call(["--db", db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "10"])
    with pytest.raises(LedgerError, match="not a lot code"):
        call(["--db", db_url, "lot", "trace", "LOIU0000"])
    with pytest.raises(LedgerError, match="quantity must be 1 to"):
        call(["--db", db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "0"])
    traced = call(["--db", db_url, "lot", "trace", code])
    assert traced["donor"] == {"name": "爱心粮油店", "kind": "person"}
    assert [m["kind"] for m in traced["movements"]] == [
        "intake",
        "to_kiosk",
        "return",
        "writeoff",
        "writeoff",
    ]
    rec = call(["--db", db_url, "lot", "reconcile"])
    assert rec["mismatches"] == 0 and rec["lots"][0]["ok"]
    near = call(["--db", db_url, "lot", "expiring", "--days", "7"])["lots"]
    assert [(r["lot"], r["left"], r["expired"]) for r in near] == [(code, 16, False)]
    assert call(["--db", db_url, "lot", "expiring", "--days", "1"])["lots"] == []
    donors = call(["--db", db_url, "donor", "list"])["donors"]
    assert donors == [{"donor": "爱心粮油店", "kind": "person", "lots": 1, "units": 20}]

    # a movement's quantity cannot be bent past the bounds even by hand
    def negative(s: Session) -> None:
        s.add(LotMovement(lot_code=code, kind=MoveKind.HANDOUT, qty=-1, actor="t", at=utcnow()))
        s.flush()

    with pytest.raises(IntegrityError):  # the database's CHECK refuses it
        with_book(db_url, negative)


def test_kiosk_routes_and_capture_with_lot_over_http(bank: Bank) -> None:
    bank.set_item("oil-1l", 5)
    kiosk = with_book(bank.db_url, lambda s: s.scalars(select(Kiosk.id)).one())
    far = (office_today() + timedelta(days=60)).isoformat()
    code = call(
        [
            "--db",
            bank.db_url,
            "lot",
            "add",
            "--sku",
            "oil-1l",
            "--qty",
            "5",
            "--best-before",
            far,
            "--donor",
            "红星社区",
            "--donor-kind",
            "organisation",
        ]
    )["lot"]
    call(["--db", bank.db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "3"])
    got = bank.call("GET", f"/v1/kiosks/me/lots/{code}")
    assert got.status_code == 200, got.text
    assert got.json() == {
        "lot": code,
        "sku": "oil-1l",
        "name": "oil-1l中",
        "best_before": far,
        "withdraw_days": 2,
        "at_kiosk": 3,
    }
    assert bank.call("GET", "/v1/kiosks/me/lots/L0000000").json()["error"] == "unknown_lot"
    assert bank.call("GET", "/v1/kiosks/me/lots/nonsense").status_code == 404
    body = {"locker": "0:3", "count": 3}
    r = bank.call("POST", f"/v1/kiosks/me/lots/{code}/restock", body, idem="r1")
    assert r.status_code == 200 and r.json() == {"lot": code, "locker": "0:3", "count": 3}
    assert bank.call("POST", f"/v1/kiosks/me/lots/{code}/restock", body).status_code == 400
    member, secret = bank.add_member(100)
    session = bank.login(member, secret)
    hold = bank.hold(session, "oil-1l", 5).json()["hold"]
    cap = bank.call("POST", f"/v1/holds/{hold}/capture", {"lot": code}, idem="c1")
    assert cap.status_code == 200 and cap.json()["state"] == "captured", cap.text
    again = bank.call("POST", f"/v1/holds/{hold}/capture", {"lot": code}, idem="c2")
    assert again.status_code == 200  # captured twice: one hand-out only
    stray = bank.hold(session, "oil-1l", 5).json()["hold"]
    cap2 = bank.call("POST", f"/v1/holds/{stray}/capture", {"lot": "LZZZZZZZ"}, idem="c3")
    assert cap2.status_code == 200, cap2.text  # an unknown lot never blocks the capture
    plain = bank.hold(session, "oil-1l", 5).json()["hold"]
    assert bank.call("POST", f"/v1/holds/{plain}/capture", idem="c4").status_code == 200
    traced = call(["--db", bank.db_url, "lot", "trace", code])
    assert traced["donor"] == {"name": "红星社区", "kind": "organisation"}
    assert (traced["store"], traced["kiosks"], traced["handed_out"]) == (2, {kiosk: 2}, 1)
    handout = [m for m in traced["movements"] if m["kind"] == "handout"]
    assert [(m["hold"], m["member"], m["kiosk"]) for m in handout] == [(hold, member, kiosk)]
    stray_moves = with_book(
        bank.db_url,
        lambda s: [
            (m.lot_code, m.kind.value, m.hold_id)
            for m in s.scalars(select(LotMovement).where(LotMovement.lot_code == "LZZZZZZZ"))
        ],
    )
    assert stray_moves == [("LZZZZZZZ", "handout_unattributed", stray)]
    assert call(["--db", bank.db_url, "lot", "reconcile"])["mismatches"] == 0
    listed = call(["--db", bank.db_url, "lot", "unattributed"])["handouts"]
    assert [(r["code"], r["hold"], r["kiosk"]) for r in listed] == [("LZZZZZZZ", stray, kiosk)]
    doc = bank.call("GET", "/openapi.json").json()
    assert "/v1/kiosks/me/lots/{code}/restock" in doc["paths"]
    assert "CaptureRequest" in str(doc["paths"]["/v1/holds/{hold_id}/capture"])


def test_label_sheet_renders_and_its_qr_decodes(db_url: str, tmp_path: Path) -> None:
    import cv2
    import zxingcpp

    with_book(db_url, lambda s: catalog.set_item(s, "rice-5kg", 10, "大米 5kg", "Rice 5 kg"))
    pdf = tmp_path / "labels.pdf"
    bb = (office_today() + timedelta(days=90)).isoformat()
    code = call(
        [
            "--db",
            db_url,
            "lot",
            "add",
            "--sku",
            "rice-5kg",
            "--qty",
            "30",
            "--best-before",
            bb,
            "--donor",
            "爱心粮油店",
            "--label-pdf",
            str(pdf),
        ]
    )["lot"]
    png = tmp_path / "labels"
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf), str(png)], check=True)
    found = {r.text for r in zxingcpp.read_barcodes(cv2.imread(f"{png}.png"))}
    assert found == {f"tblot:{code}"}
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "大米 5kg" in text and bb in text and "爱心粮油店" in text and code in text


def test_an_expired_lot_is_refused_a_restock_and_listed_for_removal(bank: Bank) -> None:
    bank.set_item("milk", 3)
    kiosk = with_book(bank.db_url, lambda s: s.scalars(select(Kiosk.id)).one())
    # best-before tomorrow: past its last sale day (withdraw_days 2) already
    soon = (office_today() + timedelta(days=1)).isoformat()
    code = call(
        [
            "--db",
            bank.db_url,
            "lot",
            "add",
            "--sku",
            "milk",
            "--qty",
            "4",
            "--best-before",
            soon,
            "--donor",
            "牛奶站",
        ]
    )["lot"]
    call(["--db", bank.db_url, "lot", "move", code, "--to-kiosk", kiosk, "--qty", "4"])
    r = bank.call(
        "POST", f"/v1/kiosks/me/lots/{code}/restock", {"locker": "0:2", "count": 4}, idem="x1"
    )
    assert (r.status_code, r.json()["error"]) == (409, "lot_expired"), r.text
    # Taken in a week ago, its date passed yesterday (an expired lot is not taken in today).
    old = office_today() - timedelta(days=1)
    gone = with_book(
        bank.db_url,
        lambda s: (
            lots.add_lot(
                s, "milk", 2, old, "牛奶站", DonorKind.PERSON, "clerk", utcnow() - timedelta(days=7)
            ).code
        ),
    )
    rows = call(["--db", bank.db_url, "lot", "expiring", "--days", "0"])["lots"]
    assert [(r["lot"], r["expired"], r["left"]) for r in rows] == [(gone, True, 2)]
    call(["--db", bank.db_url, "lot", "writeoff", gone, "--qty", "2", "--reason", "expired"])
    assert call(["--db", bank.db_url, "lot", "expiring", "--days", "0"])["lots"] == []
    assert call(["--db", bank.db_url, "donor", "list"])["donors"][0]["units"] == 6
    assert call(["--db", bank.db_url, "lot", "reconcile"])["mismatches"] == 0
