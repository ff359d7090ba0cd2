"""The duplicate warning on the console's member forms, in headless Chromium: the same name at
the same address (typed with other spaces) is a strong warning, the same name alone a softer
one; each names the member already enrolled, with why and a link to their page; the clerk may
still save (add or edit), and that confirmation is in the audit log. An edit that leaves the
name, phone and address alone is not warned of again."""

from __future__ import annotations

from typing import Any

from ledger.cli import with_book
from ledger.db import AuditEntry
from tests.web.conftest import Console
from tests.web.test_member_cards import member_on_page, press


def fill(console: Console, name: str, address: str = "", phone: str = "") -> None:
    for field, value in (("name", name), ("address", address), ("phone", phone)):
        box = console.driver.find_element("id", field)
        box.clear()
        box.send_keys(value)


def audited(console: Console, action: str) -> list[dict[str, Any]]:
    def work(s: Any) -> list[dict[str, Any]]:
        rows = s.query(AuditEntry).filter(AuditEntry.action == action).order_by(AuditEntry.id)
        return [dict(r.detail) for r in rows]

    return list(with_book(console.db_url, work))


def test_same_name_and_address_then_same_name_alone_then_an_edit(console: Console) -> None:
    console.add_staff("li", "clerk", "李明")
    console.log_in("li")
    console.open("/staff/members/new")
    fill(console, "王秀英", "龙华路 8 号 3 单元 201")
    press(console, "#save")
    first = member_on_page(console)

    # The same person typed again by another clerk: a full-width space, no spaces in the address.
    console.open("/staff/members/new")
    fill(console, "王　秀英", "龙华路8号3单元201")
    press(console, "#save")
    warning = console.driver.find_element("id", "duplicate")
    assert "error" in warning.get_attribute("class").split()  # the strong warning
    assert "这个住址已经有同名的会员" in warning.text and "姓名和住址相同" in warning.text
    link = console.driver.find_element("css selector", f"#twin-{first} a")
    assert link.get_attribute("href").endswith(f"/staff/members/{first}")
    assert console.driver.find_element("id", "name").get_attribute("value") == "王　秀英"  # kept
    console.shot("member-twin-address-zh")

    # Another 王秀英 elsewhere: the softer warning; the clerk confirms it is someone else.
    fill(console, "王秀英", "长宁路 1 号")
    press(console, "#add-anyway")
    # `anyway` was sent from the warning's form: saved at once, no second warning.
    namesake = member_on_page(console)
    assert namesake != first and "会员已新增" in console.text()
    assert audited(console, "member_added")[-1]["duplicate_confirmed"] is True

    console.open("/staff/members/new")
    fill(console, "王秀英", "南京西路 5 号")
    press(console, "#save")
    warning = console.driver.find_element("id", "duplicate")
    assert "caution" in warning.get_attribute("class").split()  # softer
    assert "同名的会员" in warning.text and warning.text.count("同名") >= 2
    listed = {e.get_attribute("id") for e in warning.find_elements("css selector", "li")}
    assert listed == {f"twin-{first}", f"twin-{namesake}"}
    console.shot("member-twin-name-zh")
    console.open("/lang/en?next=/staff/members/new")
    fill(console, "王秀英", "南京西路 5 号")
    press(console, "#save")
    assert "the same name" in console.text() and "perhaps someone else" in console.text()
    console.shot("member-twin-name-en")
    console.open("/lang/zh?next=/staff/members")

    # An edit that gives a member someone else's phone is warned of, and can be saved anyway.
    console.open(f"/staff/members/{first}/edit")
    fill(console, "王秀英", "龙华路 8 号 3 单元 201", "13800138000")
    press(console, "#save")  # the first to have this phone: no warning
    assert "已保存" in console.text()
    other = console.add_member("陈建国")
    console.open(f"/staff/members/{other}/edit")
    fill(console, "陈建国", "", "138 0013 8000")
    press(console, "#save")
    warning = console.driver.find_element("id", "duplicate")
    assert "手机号相同" in warning.text and first in warning.text
    assert console.driver.find_element("id", "add-anyway").text == "不是同一个人，仍然保存"
    console.shot("member-twin-edit-zh")
    press(console, "#add-anyway")
    assert "已保存" in console.text() and "13800138000" in console.text()
    assert audited(console, "member_edited")[-1]["duplicate_confirmed"] is True

    # Notes changed only: the phone shared since, once confirmed, is not warned of again.
    console.open(f"/staff/members/{other}/edit")
    console.driver.find_element("id", "notes").send_keys("与王秀英同住")
    press(console, "#save")
    assert "已保存" in console.text() and not console.driver.find_elements("id", "duplicate")
