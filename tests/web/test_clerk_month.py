"""A month of the time bank run by one clerk from the browser (issue 17, "Done when"), in
headless Chromium on one ledger, each step working on what the step before made: the clerk
logs in, adds two members on the member form (one for the monthly grant) and is warned when
adding one of them again; issues the first a card whose PIN she types on the on-screen pad, and
the printed card's QR code (rendered by pdftoppm, decoded by zxing) signs her in at a kiosk;
credits an activity's hours from a CSV sign-in sheet (every row previewed, then committed);
pays the month's grant; the member spends at the kiosk with her card, and the fleet page shows
the kiosk's stock and its near-expiry alert; the month's CSV and Excel exports hold one row per
business event, in Beijing time. No step needs a manager: every amount is under the threshold.

The screenshots of each step go to $KIOSK_SCREENSHOTS/clerk-month if set, else to the web
tests' folder ($WEB_SCREENSHOTS or the run's tmp) under clerk-month.
"""

from __future__ import annotations

import csv
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import requests
from selenium.webdriver.common.keys import Keys

from ledger.cli import call
from tests.web.conftest import Console, kiosk_call, need_pdftoppm, report_stock
from tests.web.test_coins import balance, fill_activity, rows_text
from tests.web.test_member_cards import (
    add_member_in_browser,
    kiosk_key,
    member_on_page,
    press,
    printed_code,
    sign_in,
    type_pin,
)
from tests.web.test_report_pages import downloaded

OFFICE = ZoneInfo("Asia/Shanghai")
KIOSK = "服务中心"  # kiosk_key's name


def shots_folder(web_shots: Path) -> Path:
    chosen = os.environ.get("KIOSK_SCREENSHOTS")
    folder = (Path(chosen) if chosen else web_shots) / "clerk-month"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def take_item(console: Console, key: str, session: str, item: dict[str, Any], price: int) -> int:
    """What the kiosk does for one item taken: a hold, then its capture once the door shut;
    the member's balance after it."""
    body = {"session": session, "sku": item["sku"], "locker": item["locker"], "price": price}
    held = kiosk_call(console, key, "/v1/holds", body)
    assert held.status_code == 201, held.text
    captured = kiosk_call(console, key, f"/v1/holds/{held.json()['hold']}/capture")
    assert captured.status_code == 200 and captured.json()["state"] == "captured", captured.text
    return int(captured.json()["balance"])


def end_session(console: Console, key: str, session: str) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    answer = requests.delete(console.url + f"/v1/sessions/{session}", headers=headers, timeout=30)
    assert answer.status_code == 204


def go(console: Console, path: str) -> None:
    """As the clerk goes there: the link in the header's menu."""
    if path == "/staff/fleet":  # in the 自助机与物品 menu
        console.driver.find_element("css selector", "header details.menu summary").click()
    console.submit(f"header nav a[href='{path}']")


def balance_on_page(console: Console, member: str) -> int:
    console.open(f"/staff/members/{member}")
    return int(console.driver.find_element("css selector", "dl.facts dd.big").text)


def test_a_clerk_runs_a_month_of_the_time_bank_in_the_browser(
    console: Console, tmp_path: Path
) -> None:
    need_pdftoppm()
    console.shots = shots_folder(console.shots)
    month = datetime.now(OFFICE).strftime("%Y-%m")
    today = datetime.now(OFFICE).date()
    # Set up before the month, as the installer and a manager do: the clerk's account, a kiosk
    # at the service centre, two items it sells, and its stock report when it starts.
    console.add_staff("li", "clerk", "李明")
    argv = ["--db", console.db_url, "catalog", "set"]
    call([*argv, "noodles", "--price", "5", "--zh", "挂面", "--en", "Noodles"])
    call([*argv, "tissues", "--price", "2", "--zh", "纸巾", "--en", "Tissues"])
    key = kiosk_key(console)
    noodles = {
        "locker": "0:1",
        "sku": "noodles",
        "count": 3,
        "best_before": str(today + timedelta(3)),
    }
    tissues = {
        "locker": "0:2",
        "sku": "tissues",
        "count": 6,
        "best_before": str(today + timedelta(120)),
    }
    report_stock(console, key, [noodles, tissues])

    # 1. The clerk logs in.
    console.log_in("li")
    assert "李明" in console.driver.find_element("css selector", "header .who").text
    console.shot("01-home")

    # 2. Two members on the member form, one for the monthly grant; the first again is caught.
    go(console, "/staff/members")
    add_member_in_browser(console, "王秀英", "13800138000", grant=True)
    assert console.driver.find_element("id", "done").text == "会员已新增。"
    wang = member_on_page(console)
    facts = console.driver.find_element("css selector", "dl.facts").text
    assert "每月补贴\n是" in facts and "13800138000" in facts
    console.shot("02-member-added")
    add_member_in_browser(console, "陈建国", "13900139000")
    chen = member_on_page(console)
    assert (
        chen != wang
        and "每月补贴\n否" in console.driver.find_element("css selector", "dl.facts").text
    )
    add_member_in_browser(console, "王秀英", "138 0013 8000")  # she came back: the same person
    warning = console.driver.find_element("id", "duplicate").text
    assert "这个手机号已经登记过" in warning and f"{wang} 王秀英" in warning
    assert console.driver.find_elements("id", "add-anyway") and not console.driver.find_elements(
        "id", "save"
    )
    console.shot("02-duplicate-warning")
    press(console, "main p > a[href='/staff/members']")  # 返回: not added
    listed = console.driver.find_elements("css selector", "table.list tbody tr")
    assert sorted(r.text.split()[0] for r in listed) == sorted([wang, chen])

    # 3. A card for 王秀英: she sets her PIN on the pad, the card is printed, and its QR code
    # with that PIN signs her in at the kiosk, which sees her balance (nothing yet).
    console.open(f"/staff/members/{wang}")
    press(console, "#issue-card")
    type_pin(console, "2580")
    type_pin(console, "2580")
    assert "请把屏幕转回给工作人员" in console.text()
    console.shot("03-pin-pad-done")
    code = printed_code(console, tmp_path)  # leaves card-pdf-card.png with the shots
    press(console, "#after-print")
    assert console.driver.find_element("id", "done").text == "会员卡已办好。"  # her first
    assert console.driver.find_element("id", "phone-codes").text == "没有在用的手机"
    assert console.driver.find_element("css selector", "dl.facts").text.endswith(" (有效)")
    console.shot("03-card-issued")
    signed = sign_in(console, key, code, "2580")
    assert signed.status_code == 201, signed.text
    assert signed.json()["member"] == {"id": wang, "name": "王秀英", "role": "member"}
    assert signed.json()["balance"] == 0
    end_session(console, key, signed.json()["session"])
    assert sign_in(console, key, code, "0000").status_code == 401  # the PIN is hers only

    # 4. The activity's sign-in sheet, as saved by Excel ("CSV UTF-8"): 王秀英 by number with
    # her own hours, 陈建国 by name and phone with the activity's, a mistyped number.
    sheet = tmp_path / "重阳节签到表.csv"
    sheet.write_text(
        "序号,会员号,姓名,电话,时长（小时）\r\n"
        f"1,{wang},王秀英,,2\r\n"
        "2,,陈建国,139-0013-9000,\r\n"
        "3,m999999,刘芳,,1\r\n",
        encoding="utf-8-sig",
    )
    go(console, "/staff/coins")
    fill_activity(console, "重阳节敬老院探访", "1.5", sheet)
    console.submit("#preview")
    assert "还没有记入任何时长" in console.text()
    plan = console.driver.find_element("id", "plan").text
    assert plan.startswith("将记入 2 人，共 35 币；已记过 0 人；需主管 0 人；有问题 1 行")
    rows = rows_text(console)
    assert len(rows) == 3
    assert rows[0].split() == ["2", wang, "王秀英", "2", "20", "将记入"]
    assert rows[1].split() == ["3", chen, "陈建国", "1.5", "15", "将记入"]
    assert rows[2].startswith("4 ") and "没有会员号为 m999999 的会员" in rows[2]
    console.shot("04-activity-preview")
    assert balance(console, wang) == 0  # the preview wrote nothing
    console.submit("#confirm")
    done = console.driver.find_element("id", "done").text
    assert done.startswith("记入 2 人，共 35 币；已记过 0 人；需主管 0 人；有问题 1 行")
    assert [r.split()[-1] for r in rows_text(console)[:2]] == ["已记入", "已记入"]
    console.shot("04-activity-done")
    assert balance_on_page(console, wang) == 20
    history = console.driver.find_elements("css selector", "table.list:not(#phones) tbody tr")
    cells = [
        [c.text for c in r.find_elements("css selector", "td.memo, td.coins, td.after")]
        for r in history
    ]
    assert len(cells) == 1 and cells[0][1:] == ["+20", "20"]
    # In the clerk's words, not the book's English memo ("2 volunteer hours at 10 coins...").
    assert cells[0][0].startswith("志愿服务 2 小时：重阳节敬老院探访"), cells[0][0]
    console.driver.execute_script(
        "document.querySelector('table.list:not(#phones)').scrollIntoView()"
    )
    console.shot("04-member-history")
    assert balance_on_page(console, chen) == 15

    # 5. The month's grant: previewed (王秀英 only), then paid.
    go(console, "/staff/coins")
    console.submit("#to-grant")
    plan = console.driver.find_element("id", "plan").text
    assert plan == f"{month}：1 位会员将各得 15 币，共 15 币；0 位本月已经发过。"
    listed_for_grant = console.driver.find_element("id", "members").text
    assert wang in listed_for_grant and chen not in listed_for_grant
    console.shot("05-grant-preview")
    console.submit("#run")
    paid = console.driver.find_element("id", "done").text
    assert paid == f"{month} 的补贴已发放：1 位会员，共 15 币。"
    console.shot("05-grant-paid")
    assert (balance_on_page(console, wang), balance_on_page(console, chen)) == (35, 15)

    # 6. 王秀英 spends at the kiosk with her card: it sees the grant and the hours, she takes
    # a packet of noodles, the kiosk reports its stock; the clerk watches the fleet page.
    signed = sign_in(console, key, code, "2580")
    assert signed.status_code == 201 and signed.json()["balance"] == 35
    assert take_item(console, key, signed.json()["session"], noodles, 5) == 30
    end_session(console, key, signed.json()["session"])
    report_stock(console, key, [{**noodles, "count": 2}, tissues])
    go(console, "/staff/fleet")
    alerts = console.driver.find_elements("css selector", "#alerts tbody tr")
    assert [a.text.split()[:5] for a in alerts] == [["临期", KIOSK, "0:1", "挂面", "2"]]
    stock = console.driver.find_elements("css selector", "table.stock tbody tr")
    cells = [[c.text for c in r.find_elements("tag name", "td")] for r in stock]
    assert [c[:4] for c in cells] == [
        ["0:1", "挂面", "2", str(today + timedelta(3))],
        ["0:2", "纸巾", "6", str(today + timedelta(120))],
    ]
    assert "正常服务" in console.text()
    console.shot("06-fleet")
    assert balance_on_page(console, wang) == 30

    # 7. The month's export, CSV then Excel: one row per business event, in Beijing time.
    go(console, "/staff/reports")
    assert console.driver.find_element("id", "to").get_attribute("value") == month
    # The page opens on the last twelve months: the clerk picks this month as the first too.
    console.driver.find_element("id", "from").send_keys(month[:4], Keys.ARROW_RIGHT, month[5:])
    console.submit("#period button[type=submit]")
    assert console.driver.find_element("id", "from").get_attribute("value") == month
    export = console.driver.find_element("id", "export-csv").get_attribute("href")
    assert export.endswith(f"/staff/export?format=csv&from={month}&to={month}")
    figures = [
        [r.text for r in console.driver.find_elements("css selector", f"#{part} tbody tr")]
        for part in ("by-item", "by-kiosk")
    ]
    assert figures == [["挂面 1 5"], [f"{KIOSK} 1 5"]]
    coins = console.driver.find_elements("css selector", "#coins table tbody td")  # folded
    assert [c.get_attribute("textContent") for c in coins] == [month, "50", "5", "45"]
    console.shot("07-reports")
    folder = tmp_path / "downloads"
    folder.mkdir()
    console.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    console.driver.find_element("id", "export-csv").click()
    with downloaded(folder, ".csv").open(encoding="utf-8-sig", newline="") as f:
        exported = list(csv.DictReader(f))
    columns = (
        "事项",
        "会员号",
        "姓名",
        "币（收入为正）",
        "余额",
        "物品",
        "自助机",
        "服务时长（小时）",
    )
    expected = [
        ("志愿服务", wang, "王秀英", "20", "20", "", "", "2"),
        ("志愿服务", chen, "陈建国", "15", "15", "", "", "1.5"),
        ("补贴", wang, "王秀英", "15", "35", "", "", ""),
        ("兑换物品", wang, "王秀英", "-5", "30", "挂面", KIOSK, ""),
    ]
    assert [tuple(row[c] for c in columns) for row in exported] == expected
    notes = [row["备注"] for row in exported]
    # The member page's sentences: the activity's name and day after the hours.
    assert notes[0] == f"志愿服务 2 小时：重阳节敬老院探访 {today}"
    assert notes[1] == f"志愿服务 1.5 小时：重阳节敬老院探访 {today}"
    assert notes[2] == f"{month[:4]}年{int(month[5:])}月的补贴"
    assert notes[3] == f"在「{KIOSK}」兑换了挂面"
    # 经办人 names only a correction's staff (docs/protocols.md): none this month.
    assert [row["经办人"] for row in exported] == ["", "", "", ""]
    assert len({row["流水号"] for row in exported}) == 4  # four events, four numbers
    beijing_now = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=8)
    for row in exported:  # the office's clock, whatever this machine's zone
        shown = datetime.strptime(row["时间"], "%Y-%m-%d %H:%M:%S")
        assert abs(shown - beijing_now) < timedelta(minutes=10), row
    console.driver.find_element("id", "export-xlsx").click()
    book = openpyxl.load_workbook(downloaded(folder, ".xlsx")).active
    assert book is not None
    cells_xlsx = list(book.iter_rows(values_only=True))
    assert [c[2:8] for c in cells_xlsx[1:]] == [
        ("志愿服务", wang, "王秀英", 20, 20, None),
        ("志愿服务", chen, "陈建国", 15, 15, None),
        ("补贴", wang, "王秀英", 15, 35, None),
        ("兑换物品", wang, "王秀英", -5, 30, "挂面"),
    ]
    assert [c[0] for c in cells_xlsx[1:]] == [row["时间"] for row in exported]
