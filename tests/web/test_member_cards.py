"""Members and printed cards from the console, in headless Chromium: a clerk adds a member
(warned of a second member with the same phone), issues a card whose PIN the member types on the
on-screen pad, prints its PDF, and the card's QR code (rendered by pdftoppm, decoded by zxing)
signs in at a kiosk; a new card refuses the old one; the clerk unlocks a locked card and
deactivates a member, who then signs in nowhere."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import requests

from ledger.cli import call
from tests.web.conftest import Console, need_pdftoppm

KIOSK_PATH = "/v1/sessions"


def press(console: Console, selector: str) -> None:
    """console.submit once the page has loaded: a key pressed while the page of the key
    before is still being parsed may be a node Chromium has already replaced."""
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(console.driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    console.submit(selector)


def add_member_in_browser(console: Console, name: str, phone: str, grant: bool = False) -> None:
    """The member form from the members list; `grant` ticks "receives the monthly grant"."""
    console.open("/staff/members")
    press(console, "#new-member")
    console.driver.find_element("id", "name").send_keys(name)
    console.driver.find_element("id", "phone").send_keys(phone)
    console.driver.find_element("id", "address").send_keys("龙华路 8 号 3 单元 201")
    if grant:
        console.driver.find_element("css selector", "input[name=grant]").click()
    press(console, "#save")


def member_on_page(console: Console) -> str:
    """The member number of the member page the browser is on."""
    return str(console.driver.current_url.split("/staff/members/")[1].split("?")[0])


def type_pin(console: Console, pin: str) -> None:
    for digit in pin:
        press(console, f"#key-{digit}")
    press(console, "#key-ok")


def printed_code(console: Console, tmp_path: Path, sheet: str = "card") -> str:
    """Press "issue and download" as the browser would (its cookie, the page's CSRF token),
    render the PDF with pdftoppm and decode its QR code with zxing: the card's code."""
    import cv2
    import zxingcpp

    token = console.driver.find_element(
        "css selector", "form[action='/staff/pad/print'] input[name=csrf]"
    )
    cookies = {c["name"]: c["value"] for c in console.driver.get_cookies()}
    answer = requests.post(
        console.url + "/staff/pad/print",
        data={"csrf": token.get_attribute("value"), "sheet": sheet},
        cookies=cookies,
        timeout=30,
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    pdf = tmp_path / f"card-{sheet}.pdf"
    pdf.write_bytes(answer.content)
    png = console.shots / f"card-pdf-{sheet}"
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(png)], check=True)
    image = cv2.imread(f"{png}.png")
    [found] = zxingcpp.read_barcodes(image)
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    return str(found.text)


def sign_in(console: Console, key: str, code: str, pin: str) -> requests.Response:
    return requests.post(
        console.url + KIOSK_PATH,
        json={"code": code, "pin": pin},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def kiosk_key(console: Console) -> str:
    return str(call(["--db", console.db_url, "kiosk", "add", "--name", "服务中心"])["key"])


def test_a_clerk_adds_a_member_and_is_warned_of_the_same_phone(console: Console) -> None:
    console.add_staff("li", "clerk", "李明")
    console.log_in("li")
    console.open("/staff/members")
    console.shot("members-list-zh")
    press(console, "#new-member")
    console.shot("member-new-zh")
    add_member_in_browser(console, "王秀英", "138 0013 8000")
    first = member_on_page(console)
    assert "会员已新增" in console.text() and "13800138000" in console.text()
    console.shot("member-page-zh")
    add_member_in_browser(console, "王秀", "13800138000")
    warning = console.driver.find_element("id", "duplicate")
    assert first in warning.text and "王秀英" in warning.text
    console.shot("member-duplicate-zh")
    console.open("/lang/en?next=/staff/members/new")
    console.driver.find_element("id", "name").send_keys("Wang Xiu")
    console.driver.find_element("id", "phone").send_keys("13800138000")
    press(console, "#save")
    assert "enrolled already" in console.text()
    console.shot("member-duplicate-en")
    press(console, "#add-anyway")  # a family sharing a phone: the clerk confirms
    second = member_on_page(console)
    assert second != first and "The member was added" in console.text()
    console.shot("member-page-en")
    console.open("/staff/members?q=138%200013")  # by phone, typed as people say it
    rows = console.driver.find_elements("css selector", "table.list tbody tr")
    assert len(rows) == 2
    console.shot("members-by-phone-en")
    console.open(f"/staff/members/{first}/edit")
    console.shot("member-edit-en")
    notes = console.driver.find_element("id", "notes")
    notes.send_keys("耳背，请大声说话")
    press(console, "#save")
    assert "耳背" in console.text() and "Saved." in console.text()
    console.open("/lang/zh?next=/staff/audit")


def test_a_card_is_issued_on_the_pad_printed_and_signs_in(console: Console, tmp_path: Path) -> None:
    need_pdftoppm()
    console.add_staff("li", "clerk", "李明")
    key = kiosk_key(console)
    console.log_in("li")
    add_member_in_browser(console, "王秀英", "13800138000")
    member = member_on_page(console)
    press(console, "#issue-card")
    assert "请输入您的新密码" in console.text()
    assert not console.driver.find_elements("css selector", "header nav")  # no console menu
    console.shot("pad-first-zh")
    type_pin(console, "12")
    assert "4 到 8 位" in console.text()  # too short: typed again
    type_pin(console, "2580")
    assert "再输入一次" in console.text()
    console.shot("pad-again-zh")
    type_pin(console, "2581")  # mistyped: the member starts over
    assert "不一样" in console.text()
    console.shot("pad-differ-zh")
    for digit in "2580":
        press(console, f"#key-{digit}")
    assert "2580" not in console.driver.page_source  # dots only, never the digits
    assert "●●●●" in console.text()
    press(console, "#key-ok")
    type_pin(console, "2580")
    assert "请把屏幕转回给工作人员" in console.text()
    console.shot("pad-done-zh")
    first_code = printed_code(console, tmp_path, "a4")
    assert first_code.startswith("tbc1:")
    assert sign_in(console, key, first_code, "2580").status_code == 201
    press(console, "#after-print")
    assert console.driver.find_element("id", "done").text == "会员卡已办好。"  # no old card

    # A lost card: a new one, with a new PIN, in English this time; the old one stops.
    console.open(f"/lang/en?next=/staff/members/{member}")
    press(console, "#issue-card")
    console.shot("pad-first-en")
    type_pin(console, "97531")
    type_pin(console, "97531")
    console.shot("pad-done-en")
    second_code = printed_code(console, tmp_path, "card")
    assert second_code != first_code
    press(console, "#after-print")
    done = console.driver.find_element("id", "done").text
    assert done == "The new card is issued; the old one is revoked."
    refused = sign_in(console, key, first_code, "2580")
    assert refused.status_code == 403 and refused.json()["error"] == "card_revoked"

    # Five wrong PINs lock the card; the clerk, having seen the member, unlocks it.
    for _ in range(5):
        sign_in(console, key, second_code, "0000")
    assert sign_in(console, key, second_code, "97531").status_code == 429
    console.open(f"/staff/members/{member}")
    assert "locked" in console.text()
    console.shot("member-locked-en")
    press(console, "#unlock")
    assert "Unlocked" in console.text()
    assert sign_in(console, key, second_code, "97531").status_code == 201

    # A forgotten PIN: the member types a new one on the pad; the card stays the same.
    press(console, "#reset-pin")
    type_pin(console, "4444")
    type_pin(console, "4444")
    press(console, "#save-pin")
    assert "PIN was reset" in console.text()
    assert sign_in(console, key, second_code, "4444").status_code == 201
    assert sign_in(console, key, second_code, "97531").status_code == 401

    console.open("/staff/audit")  # a clerk may not read it: check the rows in the database
    actions = _audit_actions(console)
    assert actions.count("card_issued") == 2
    assert {"member_added", "member_unlocked", "card_pin_reset"} <= set(actions)


def test_a_deactivated_member_signs_in_nowhere(console: Console, tmp_path: Path) -> None:
    need_pdftoppm()
    console.add_staff("li", "clerk", "李明")
    key = kiosk_key(console)
    console.log_in("li")
    add_member_in_browser(console, "赵大爷", "13900000000")
    member = member_on_page(console)
    press(console, "#issue-card")
    type_pin(console, "1357")
    type_pin(console, "1357")
    code = printed_code(console, tmp_path)
    console.open(f"/staff/members/{member}")
    press(console, "#deactivate-link")
    assert "不会删除" in console.text()
    console.shot("member-deactivate-zh")
    press(console, "#deactivate")
    assert "会员已停用" in console.text() and not console.driver.find_elements("id", "issue-card")
    console.shot("member-deactivated-zh")
    refused = sign_in(console, key, code, "1357")
    assert refused.status_code == 403
    console.open("/staff/members?q=13900000000")
    assert "已停用" in console.text()  # still listed: never deleted


def _audit_actions(console: Console) -> list[str]:
    from ledger.cli import with_book
    from ledger.db import AuditEntry

    def work(s: Any) -> list[str]:
        return [row.action for row in s.query(AuditEntry).order_by(AuditEntry.id)]

    return list(with_book(console.db_url, work))
