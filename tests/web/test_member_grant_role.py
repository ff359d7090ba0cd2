"""The member form's grant box and role, in Chromium (issue 17 point 2): ticked when adding, the
member is in the month's grant preview; a role changed on the edit form is the member's role;
unticked, the member leaves the preview. Checked in the book, not only on the page."""

from __future__ import annotations

from selenium.webdriver.support.ui import Select

from ledger import members
from ledger.cli import with_book
from tests.web.conftest import Console
from tests.web.test_member_cards import member_on_page, press


def record(console: Console, member: str) -> tuple[bool, str]:
    def read(s: object) -> tuple[bool, str]:
        m = members.get_member(s, member)  # type: ignore[arg-type]
        return m.grant_eligible, m.role.value

    return with_book(console.db_url, read)


def in_preview(console: Console, member: str) -> bool:
    console.open("/staff/coins/grant")
    return member in console.text()


def test_the_grant_box_and_the_role_are_kept_and_used(console: Console) -> None:
    console.add_staff("li", "clerk", "李明")
    console.log_in("li")
    console.open("/staff/members")
    press(console, "#new-member")
    console.driver.find_element("id", "name").send_keys("赵阿婆")
    console.driver.find_element("id", "phone").send_keys("13900001111")
    console.driver.find_element("css selector", "input[name=grant]").click()
    press(console, "#save")
    member = member_on_page(console)
    assert record(console, member) == (True, "member")
    assert in_preview(console, member)  # the month's grant lists her

    console.open(f"/staff/members/{member}/edit")
    Select(console.driver.find_element("id", "role")).select_by_value("technician")
    console.driver.find_element("css selector", "input[name=grant]").click()  # untick
    press(console, "#save")
    assert "已保存" in console.text()
    assert record(console, member) == (False, "technician")
    assert not in_preview(console, member)
