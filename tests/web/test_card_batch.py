"""Cards for several members at once, in headless Chromium: the clerk lists the members with no
card yet (ticked), prints their cards on one A4 sheet (the PDF rendered by pdftoppm, every QR
code decoded by zxing); the cards sign in nowhere until each member sets a PIN on the pad from
their page, then they do. A clerk's batch leaves out members whose card is in use; a manager's
replaces it (the old card revoked); a second press prints nothing; every card is audited."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import requests

from ledger import cards, members
from ledger.cli import with_book
from ledger.db import AuditEntry, utcnow
from tests.web.conftest import Console, need_pdftoppm
from tests.web.test_member_cards import kiosk_key, press, sign_in, type_pin


def post_print(console: Console, tmp_path: Path, name: str) -> requests.Response:
    """Press "issue and download" as the browser would: its cookie and the page's fields."""
    form = console.driver.find_element("css selector", "form[action='/staff/cards/batch/print']")
    fields: list[tuple[str, str]] = []
    for field in form.find_elements("css selector", "input"):
        kind = field.get_attribute("type")
        if kind == "hidden" or (kind == "radio" and field.is_selected()):
            fields.append((field.get_attribute("name"), field.get_attribute("value")))
    cookies = {c["name"]: c["value"] for c in console.driver.get_cookies()}
    return requests.post(
        console.url + "/staff/cards/batch/print", data=fields, cookies=cookies, timeout=60
    )


def qr_codes(console: Console, pdf: bytes, name: str) -> list[str]:
    """The PDF's pages rendered at 200 dpi (kept with the screenshots), every QR code read."""
    import cv2
    import zxingcpp

    path = console.shots / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", str(path), str(console.shots / name)], check=True
    )
    found = []
    for page in sorted(console.shots.glob(f"{name}-*.png")):
        found += [c.text for c in zxingcpp.read_barcodes(cv2.imread(str(page)))]
    return found


def test_a_clerk_prints_first_cards_on_a4_and_each_member_sets_a_pin(
    console: Console, tmp_path: Path
) -> None:
    need_pdftoppm()
    console.add_staff("li", "clerk", "李明")
    key = kiosk_key(console)
    names = ["王秀英", "陈建国", "李桂兰", "赵大爷"]
    ids = [console.add_member(n) for n in names]
    carded = with_book(
        console.db_url,
        lambda s: cards.replace_card(
            s, members.get_member(s, ids[3]), cards.hash_pin("1357"), utcnow()
        )[1],
    )
    console.log_in("li")
    console.open("/staff/members")
    console.driver.find_element("id", "nocard").click()
    console.submit("form.filter button[type=submit]")
    ticked = [
        b.get_attribute("value")
        for b in console.driver.find_elements("css selector", "input[name=member]:checked")
    ]
    assert ticked == sorted(ids[:3])  # with no card yet, the active ones come ticked
    console.shot("members-no-card-zh")
    console.driver.find_element("id", f"pick-{ids[2]}").click()  # 李桂兰 collects hers later
    press(console, "#batch-cards")
    chosen = console.driver.find_element("id", "batch-chosen").text
    assert names[0] in chosen and names[1] in chosen and names[2] not in chosen
    assert "2 位会员" in console.text() and "还没有密码" in console.text()
    console.shot("cards-batch-zh")
    answer = post_print(console, tmp_path, "a4")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert "attachment" in answer.headers["content-disposition"]
    codes = qr_codes(console, answer.content, "cards-batch-a4")
    assert len(codes) == 2 and all(c.startswith("tbc1:") for c in codes)
    for code in codes:  # no PIN yet: refused at the scan, whatever is typed
        refused = sign_in(console, key, code, "1234")
        assert refused.status_code == 403 and refused.json()["error"] == "pin_not_set"

    again = post_print(console, tmp_path, "a4")  # pressed twice: nothing issued again
    assert again.status_code == 409 and "刚刚已经打印过" in again.text

    # 王秀英 collects her card: the clerk opens her page and turns the pad to her.
    console.open(f"/staff/members/{ids[0]}")
    assert "未设密码" in console.text()
    button = console.driver.find_element("id", "reset-pin")
    assert button.text == "设置卡密码"
    console.shot("member-no-pin-zh")
    press(console, "#reset-pin")
    type_pin(console, "2468")
    type_pin(console, "2468")
    press(console, "#save-pin")
    assert "卡密码已设置" in console.text()
    console.shot("member-pin-set-zh")
    mine = [c for c in codes if sign_in(console, key, c, "2468").status_code == 201]
    assert len(mine) == 1
    others = [c for c in codes if c not in mine]
    assert sign_in(console, key, others[0], "2468").json()["error"] == "pin_not_set"

    # A clerk's batch leaves out a member whose card is in use (the reason named).
    console.open("/staff/members")
    console.driver.find_element("id", f"pick-{ids[3]}").click()
    console.driver.find_element("id", f"pick-{ids[2]}").click()
    press(console, "#batch-cards")
    skipped = console.driver.find_element("id", "batch-skipped").text
    assert names[3] in skipped and "已有在用的卡" in skipped
    assert names[2] in console.driver.find_element("id", "batch-chosen").text
    console.shot("cards-batch-skipped-zh")
    assert sign_in(console, key, carded, "1357").status_code == 201  # untouched

    actions = with_book(
        console.db_url,
        lambda s: [
            (a.action, a.staff, a.detail) for a in s.query(AuditEntry).order_by(AuditEntry.id)
        ],
    )
    issued = [(staff, d) for a, staff, d in actions if a == "card_issued"]
    assert sorted((staff, d["member"], d["batch"], d["pin_set"]) for staff, d in issued) == [
        ("li", m, 2, False) for m in sorted(ids[:2])
    ]
    assert [d["first_pin"] for a, _, d in actions if a == "card_pin_reset"] == [True]


def test_a_managers_batch_replaces_a_card_in_use(console: Console, tmp_path: Path) -> None:
    need_pdftoppm()
    console.add_staff("zhang", "manager", "张主任")
    key = kiosk_key(console)
    member = console.add_member("周大爷")
    old = with_book(
        console.db_url,
        lambda s: cards.replace_card(
            s, members.get_member(s, member), cards.hash_pin("1357"), utcnow()
        )[1],
    )
    console.log_in("zhang")
    console.open("/lang/en?next=/staff/members")
    console.driver.find_element("id", f"pick-{member}").click()
    console.shot("members-en")
    press(console, "#batch-cards")
    assert "will be revoked: the member cannot use a kiosk" in console.text()
    console.shot("cards-batch-en")
    console.driver.find_element("css selector", "input[name=sheet][value=card]").click()
    answer = post_print(console, tmp_path, "card")
    assert answer.status_code == 200
    [code] = qr_codes(console, answer.content, "cards-batch-cr80")
    assert sign_in(console, key, old, "1357").json()["error"] == "card_revoked"
    assert sign_in(console, key, code, "1357").json()["error"] == "pin_not_set"
    console.open("/lang/zh?next=/staff/members")


def test_no_member_ticked_and_no_login(console: Console) -> None:
    console.add_staff("li", "clerk", "李明")
    console.add_member("王秀英")
    console.log_in("li")
    console.open("/staff/members")
    press(console, "#batch-cards")
    assert console.driver.find_element("id", "batch-note").text.startswith("没有勾选会员")
    cookies: dict[str, Any] = {}
    r = requests.post(
        console.url + "/staff/cards/batch/print",
        data={"member": "m000001"},
        cookies=cookies,
        timeout=30,
        allow_redirects=False,
    )
    assert r.status_code == 403  # no session, no CSRF token: refused before anything runs
