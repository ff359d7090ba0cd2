"""Members as the office keeps them: a likely duplicate (the same phone, or softer, the same
name) refused unless confirmed, contact details changed, deactivation that signs the member in
nowhere and keeps their history, and a new card that revokes the old one. Through the real CLI
and HTTP API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from ledger import members
from ledger.audit import AuditAction
from ledger.cli import call, with_book
from ledger.db import AuditEntry
from ledger.errors import BadRequest, DuplicateMember, MemberDeactivated
from tests.ledger.conftest import Bank, phone_code


def _audited(db_url: str, action: AuditAction) -> list[dict[str, Any]]:
    def work(s: Session) -> list[dict[str, Any]]:
        rows = s.query(AuditEntry).filter(AuditEntry.action == action.value).all()
        return [dict(r.detail) for r in rows]

    return list(with_book(db_url, work))


def test_the_same_phone_is_refused_as_a_duplicate_unless_confirmed(bank: Bank) -> None:
    db = bank.db_url
    first = call(["--db", db, "member", "add", "--name", "王秀英", "--phone", "138 0013 8000"])
    assert first["phone"] == "13800138000"
    with pytest.raises(DuplicateMember) as dup:
        call(["--db", db, "member", "add", "--name", "王秀", "--phone", "13800138000"])
    # The refusal names the member already enrolled; nothing was added.
    assert first["member"] in str(dup.value) and "王秀英" in str(dup.value)
    assert len(with_book(db, lambda s: members.list_members(s))) == 1
    assert dup.value.extra["members"][0]["member"] == first["member"]
    second = call(
        ["--db", db, "member", "add", "--name", "王秀", "--phone", "13800138000"]
        + ["--allow-duplicate"]
    )
    assert second["member"] != first["member"]
    # The same name without a phone or address is a softer sign (two residents may share a
    # name): enrolled, and the answer names the namesake.
    namesake = call(["--db", db, "member", "add", "--name", " 王秀英 "])
    assert [(t["member"], t["why"], t["strong"]) for t in namesake["similar"]] == [
        (first["member"], "name", False)
    ]
    # The same name at the same address, however typed, is refused as the phone is.
    home = ["--address", "龙华路 8 号"]
    call(["--db", db, "member", "add", "--name", "陈建国", *home])
    with pytest.raises(DuplicateMember, match="the same name and address"):
        call(["--db", db, "member", "add", "--name", "陈　建国", "--address", "龙华路8号"])
    added = _audited(db, AuditAction.MEMBER_ADDED)
    assert len(added) == 4 and added[0]["member"] == first["member"]


def test_contact_details_are_checked_changed_and_audited(bank: Bank) -> None:
    db = bank.db_url
    member, _ = bank.add_member(0)
    with pytest.raises(BadRequest, match="phone 'abc'"):
        with_book(db, lambda s: members.update_member(s, member, contact=members.Contact("abc")))
    call(["--db", db, "member", "set", member, "--phone", "+86 138-0013-8000"])
    call(["--db", db, "member", "set", member, "--address", "龙华路 1 号", "--notes", "耳背"])
    shown = bank.summary(member)
    assert (shown["phone"], shown["address"], shown["notes"]) == (
        "+8613800138000",
        "龙华路 1 号",
        "耳背",
    )
    edits = _audited(db, AuditAction.MEMBER_EDITED)
    assert edits[0]["changed"] == {"phone": [None, "+8613800138000"]}
    assert set(edits[1]["changed"]) == {"address", "notes"}


def test_a_deactivated_member_signs_in_nowhere_and_keeps_their_history(bank: Bank) -> None:
    member, secret = bank.add_member(50)
    card = call(["--db", bank.db_url, "card", "issue", member], stdin="2468")["code"]
    bank.card_login(card, "2468")  # works before
    out = call(["--db", bank.db_url, "member", "deactivate", member])
    assert out["cards_revoked"] == 1
    by_card = bank.call("POST", "/v1/sessions", {"code": card, "pin": "2468"})
    assert by_card.status_code == 403 and by_card.json()["error"] == "card_revoked"
    by_phone = bank.call("POST", "/v1/sessions", {"code": phone_code(member, secret)})
    assert by_phone.status_code == 401, by_phone.text
    summary = bank.summary(member)
    assert summary["active"] is False and summary["balance"] == 50  # kept, not deleted
    with pytest.raises(MemberDeactivated):  # no new card for a deactivated member
        call(["--db", bank.db_url, "card", "issue", member], stdin="1357")
    assert _audited(bank.db_url, AuditAction.MEMBER_DEACTIVATED)[0]["member"] == member


def test_a_new_card_revokes_the_old_one(bank: Bank) -> None:
    member, _ = bank.add_member(10)
    old = call(["--db", bank.db_url, "card", "issue", member], stdin="1111")["code"]
    new = call(["--db", bank.db_url, "card", "issue", member], stdin="2222")["code"]
    refused = bank.call("POST", "/v1/sessions", {"code": old, "pin": "1111"})
    assert refused.status_code == 403 and refused.json()["error"] == "card_revoked"
    bank.card_login(new, "2222")
    states = [
        c["state"]
        for c in with_book(bank.db_url, lambda s: members.member_details(s, member))["cards"]
    ]
    assert sorted(states) == ["active", "revoked"]


def test_card_issue_writes_the_pdf_and_audits_it(bank: Bank, tmp_path: Path) -> None:
    member, _ = bank.add_member(0)
    target = tmp_path / "card.pdf"
    out = call(["--db", bank.db_url, "card", "issue", member, "--pdf", str(target)], stdin="9753")
    assert "code" not in out  # the code is in the PDF only
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_mode & 0o077 == 0
    assert _audited(bank.db_url, AuditAction.CARD_ISSUED)[0]["member"] == member
    with pytest.raises(BadRequest, match="folder /nowhere does not exist"):
        call(
            ["--db", bank.db_url, "card", "issue", member, "--pdf", "/nowhere/x.pdf"], stdin="9753"
        )
