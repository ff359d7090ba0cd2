"""Donated goods in the console, in a real browser (headless Chromium): a clerk takes in a
donation of two lots through the form, prints the labels (the PDF's QR codes read back as a
kiosk's scanner reads them) and the donor's receipt; a bad date is refused with what was typed
kept; the lot goes to a kiosk, is restocked and handed out over the kiosk's HTTP API; its trace
names the donor and hides the member from the clerk, shows it to a manager; a write-off is a
movement; the list flags a near-expiry lot and the donors' list counts what reached members."""

from __future__ import annotations

import subprocess
import uuid
from datetime import date, timedelta
from pathlib import Path

import requests
from selenium.webdriver.support.select import Select
from sqlalchemy import select

from ledger.cli import call, with_book
from ledger.db import AuditEntry
from tests.ledger.conftest import Bank
from tests.web.conftest import Console


def fill(console: Console, field: str, text: str) -> None:
    box = console.driver.find_element("id", field)
    box.clear()
    box.send_keys(text)


def set_date(console: Console, field: str, day: date) -> None:
    """A date input shows the office PC's format (年/月/日): set its value as the picker does."""
    box = console.driver.find_element("id", field)
    console.driver.execute_script("arguments[0].value = arguments[1]", box, day.isoformat())


def take_in(console: Console, sku: str, qty: int, best: date, donor: str | None) -> None:
    if donor is not None:
        fill(console, "donor", donor)
        console.driver.find_element("id", "kind-organisation").click()
    Select(console.driver.find_element("id", "sku")).select_by_value(sku)
    fill(console, "qty", str(qty))
    set_date(console, "best_before", best)
    console.submit("#save")


def download(console: Console, path: str, out: Path) -> Path:
    cookies = {c["name"]: c["value"] for c in console.driver.get_cookies()}
    r = requests.get(console.url + path, cookies=cookies, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text[:200]
    out.write_bytes(r.content)
    return out


def qr_codes(pdf: Path) -> set[str]:
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", pdf, pdf], check=True)
    page = next(pdf.parent.glob(f"{pdf.name}*.png"))
    return {r.text for r in zxingcpp.read_barcodes(Image.open(page))}


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout


def test_a_donation_from_intake_to_hand_out_and_back_to_its_donor(
    console: Console, tmp_path: Path
) -> None:
    bank = Bank(console.db_url, console.url)  # a kiosk with its key, and members
    bank.set_item("rice-5kg", 30)
    bank.set_item("oil-1l", 20)
    kiosk = call(["--db", console.db_url, "kiosk", "list"])["kiosks"][0]["kiosk"]
    console.add_staff("zhao", "clerk", "赵办事员")
    console.add_staff("qian", "manager", "钱主管")
    console.log_in("zhao")
    console.open("/staff/lots/new")

    # A date already past: refused, saying why, with what was typed kept.
    take_in(console, "rice-5kg", 10, date.today() - timedelta(days=2), "红星粮油店")
    why = console.driver.find_element("id", "why")  # in the clerk's language, not English
    assert "已经过了" in why.text and "过期物资不能入库" in why.text
    assert why.get_attribute("lang") == "zh"
    assert console.driver.find_element("id", "donor").get_attribute("value") == "红星粮油店"
    assert console.driver.find_element("id", "qty").get_attribute("value") == "10"
    console.shot("lots-intake-error-zh")

    take_in(console, "rice-5kg", 10, date.today() + timedelta(days=200), None)
    assert "红星粮油店 的捐赠已入库，共 1 项" in console.text()
    console.submit("#more")  # another item of the same donation
    assert "同一捐赠" in console.text()
    take_in(console, "oil-1l", 6, date.today() + timedelta(days=8), None)
    console.shot("lots-donation-zh")
    rows = console.driver.find_elements("css selector", "#donation tbody tr")
    codes = [r.get_attribute("id").removeprefix("taken-") for r in rows]
    assert len(codes) == 2 and "共 2 项" in console.text()
    rice, oil = codes

    labels = download(console, f"/staff/lots/{oil}/labels.pdf", tmp_path / "labels.pdf")
    assert qr_codes(labels) == {f"tblot:{oil}"}
    receipt = console.driver.find_element("id", "receipt").get_attribute("href")
    text = text_of(download(console, receipt.removeprefix(console.url), tmp_path / "r.pdf"))
    assert "捐赠收据" in text and "红星粮油店" in text and rice in text and oil in text

    # To the kiosk through the console, then restocked and handed out by the kiosk itself.
    console.open(f"/staff/lots/{oil}")
    fill(console, "move-qty", "4")
    console.submit("#move")
    assert "已送到柜机" in console.text()
    r = bank.call(
        "POST", f"/v1/kiosks/me/lots/{oil}/restock", {"locker": "0:1", "count": 4}, idem="r1"
    )
    assert r.status_code == 200, r.text
    member, secret = bank.add_member(100)
    session = bank.login(member, secret)
    hold = bank.hold(session, "oil-1l", 20).json()["hold"]
    cap = bank.call("POST", f"/v1/holds/{hold}/capture", {"lot": oil}, idem=uuid.uuid4().hex)
    assert cap.status_code == 200, cap.text

    console.open(f"/staff/lots/{oil}")
    moves = console.driver.find_element("id", "moves").text
    assert "兑换发放" in moves and kiosk in moves and "放入格口" in moves
    assert console.driver.find_element("id", "donor").text == "红星粮油店"
    assert member not in console.text() and "只有主管可以看到" in console.text()
    console.shot("lot-trace-clerk-zh")

    # A write-off is a movement: too many refused, then two damaged from the store.
    fill(console, "writeoff-qty", "9")
    Select(console.driver.find_element("id", "writeoff-reason")).select_by_value("damaged")
    console.submit("#writeoff")
    assert "库房里这个批次只有 2 件，不能处理 9 件" in console.text()
    fill(console, "writeoff-qty", "2")
    Select(console.driver.find_element("id", "writeoff-reason")).select_by_value("damaged")
    console.submit("#writeoff")
    assert "已报损" in console.text()
    where = console.driver.find_element("id", "where").text
    assert "库房 0 件" in where and "已发放 1 件" in where and "已报损 2 件" in where
    assert f"柜机 Test kiosk ({kiosk})：3 件" in where
    fill(console, "return-qty", "1")  # one back from the kiosk to the store
    console.submit("#return")
    assert "已退回库房" in console.text()
    where = console.driver.find_element("id", "where").text
    assert "库房 1 件" in where and f"柜机 Test kiosk ({kiosk})：2 件" in where

    # The list: the oil leaves sale in 6 days, inside the 7 warning days.
    console.open("/staff/lots")
    assert "临期" in console.driver.find_element("id", f"lot-{oil}").text
    assert "1 个批次 7 天内停售" in console.driver.find_element("id", "summary").text
    console.submit("#show-expiring")
    assert len(console.driver.find_elements("css selector", "#lots tbody tr")) == 1
    console.shot("lots-list-zh")
    console.open("/staff/donors")
    row = console.driver.find_element("css selector", "#donors tbody tr").text.split()
    assert row[:3] == ["1", "红星粮油店", "单位"] and row[3:] == ["2", "16", "1"]
    console.shot("donors-zh")
    done = with_book(
        console.db_url,
        lambda s: [
            (e.staff, e.action)
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action.like("lot_%")))
        ],
    )
    assert sorted(done) == [
        ("zhao", "lot_moved"),
        ("zhao", "lot_returned"),
        ("zhao", "lot_taken_in"),
        ("zhao", "lot_taken_in"),
        ("zhao", "lot_written_off"),
    ]

    # A manager sees who received the unit.
    console.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console.log_in("qian")
    console.open(f"/staff/lots/{oil}")
    member_cells = console.driver.find_elements("css selector", "#moves td.member")
    assert any(member in c.text for c in member_cells)
    console.shot("lot-trace-manager-zh")
