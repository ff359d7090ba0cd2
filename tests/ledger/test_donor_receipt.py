"""A donor's receipt (issue 18) from the real CLI: one donation's lots with their items,
quantities, dates and codes, the total and a thank-you, Chinese or English; lots of two donors
or an unknown code are refused before a file is written."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from ledger import catalog
from ledger.cli import call, with_book
from ledger.errors import LedgerError
from tests.ledger.conftest import office_today


def _text(pdf: Path) -> str:
    run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def _lot(db_url: str, sku: str, qty: int, donor: str, days: int) -> str:
    bb = (office_today() + timedelta(days=days)).isoformat()
    argv = ["--db", db_url, "lot", "add", "--sku", sku, "--qty", str(qty), "--best-before", bb]
    return str(call([*argv, "--donor", donor])["lot"])


def test_receipt_lists_the_donation_and_thanks_the_donor(db_url: str, tmp_path: Path) -> None:
    with_book(db_url, lambda s: catalog.set_item(s, "rice-5kg", 30, "大米 5公斤", "Rice 5 kg"))
    with_book(db_url, lambda s: catalog.set_item(s, "oil-1l", 20, "食用油 1升", "Oil 1 l"))
    rice = _lot(db_url, "rice-5kg", 20, "红星粮油店", 200)
    oil = _lot(db_url, "oil-1l", 12, "红星粮油店", 90)
    other = _lot(db_url, "oil-1l", 3, "张阿姨", 90)
    zh, en = tmp_path / "zh.pdf", tmp_path / "en.pdf"
    made = call(["--db", db_url, "donor", "receipt", "--lot", rice, "--lot", oil, "--pdf", str(zh)])
    twice = ["--lot", oil, "--lot", f"tblot:{rice}", "--pdf", str(tmp_path / "again.pdf")]
    again = call(["--db", db_url, "donor", "receipt", *twice])
    assert made["receipt"] == again["receipt"]  # the same donation, the same number
    text = _text(zh)
    assert "捐赠收据" in text and "红星粮油店" in text and made["receipt"] in text
    for code, name, qty in ((rice, "大米 5公斤", "20"), (oil, "食用油 1升", "12")):
        row = next(line for line in text.splitlines() if code in line)
        assert name in row and qty in row.split()
    assert "合计 32 件，2 个批次" in text and "感谢" in text
    call(["--db", db_url, "donor", "receipt", "--lot", rice, "--pdf", str(en), "--lang", "en"])
    english = _text(en)
    assert "Donation receipt" in english and "Rice 5 kg" in english and "In all 20 units" in english
    bad = tmp_path / "bad.pdf"
    with pytest.raises(LedgerError, match="different donors"):
        call(["--db", db_url, "donor", "receipt", "--lot", rice, "--lot", other, "--pdf", str(bad)])
    with pytest.raises(LedgerError, match="no lot L0000000"):
        call(["--db", db_url, "donor", "receipt", "--lot", "L0000000", "--pdf", str(bad)])
    assert not bad.exists()
