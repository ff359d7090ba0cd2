"""Coins from the console, in headless Chromium: a clerk credits an activity's hours from a
sign-in sheet saved by Chinese Excel (GBK CSV), sees every row's result before anything is
written, commits, and a second import (or a second tab's confirm) credits nobody twice; a row
over the office's threshold waits for a manager, and so does one member's large credit; the
month's grant is previewed and paid; a clerk cannot pay a past month, a manager can."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ledger import audit, book, members
from ledger.cli import with_book
from ledger.db import ActivityCredit, AuditEntry, MonthlyGrant
from tests.web.conftest import Console


def enrol(console: Console, name: str, phone: str, grant: bool = False) -> str:
    contact = members.Contact(phone=phone)
    return str(
        with_book(
            console.db_url,
            lambda s: members.add_member(s, name, grant_eligible=grant, contact=contact).id,
        )
    )


def balance(console: Console, member: str) -> int:
    return int(with_book(console.db_url, lambda s: book.spendable_balance(s, member)))


def count(console: Console, table: Any) -> int:
    return int(
        with_book(console.db_url, lambda s: s.scalar(select(func.count()).select_from(table)))
    )


def audited(console: Console, action: str) -> list[dict[str, Any]]:
    rows = with_book(
        console.db_url,
        lambda s: [
            (e.staff, e.detail)
            for e in s.scalars(select(AuditEntry).where(AuditEntry.action == action))
        ],
    )
    return [{"staff": staff, **detail} for staff, detail in rows]


def loaded(console: Console) -> None:
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(console.driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def rows_text(console: Console) -> list[str]:
    cells = console.driver.find_elements("css selector", "#rows tbody tr")
    return [str(row.text) for row in cells]


def fill_activity(console: Console, name: str, hours: str, sheet: Path) -> None:
    console.open("/staff/coins")
    console.submit("#to-activity")
    console.driver.find_element("id", "name").send_keys(name)
    console.driver.find_element("id", "hours").send_keys(hours)
    console.driver.find_element("id", "upload").send_keys(str(sheet))


def test_an_activity_sheet_is_previewed_then_credited_once(
    console: Console, tmp_path: Path
) -> None:
    console.add_staff("li", "clerk", "李小红")
    console.add_staff("wang", "manager", "王主任")
    zhang = enrol(console, "张三", "13800000001")
    li_si = enrol(console, "李四", "13800000002")
    zhao = enrol(console, "赵六", "13800000004")
    # As Chinese Excel saves "CSV": GBK, a row number column, a unit in the hours header.
    sheet = tmp_path / "签到表.csv"
    sheet.write_bytes(
        (
            "序号,会员号,姓名,电话,时长（小时）\r\n"
            f"1,{zhang},张三,,2\r\n"
            "2,,李四,138-0000-0002,1.5\r\n"
            "3,m999999,,,2\r\n"
            f"4,{zhang},,,1\r\n"
            "5,,王五,13900000000,\r\n"
            f"6,{zhao},赵六,,40\r\n"
        ).encode("gbk")
    )
    console.log_in("li")
    fill_activity(console, "社区清洁日", "2", sheet)
    console.submit("#preview")
    rows = rows_text(console)
    console.shot("coins-activity-preview")
    assert "还没有记入任何时长" in console.text()
    plan = console.driver.find_element("id", "plan").text
    assert plan.startswith("将记入 2 人，共 35 币；已记过 0 人；需主管 1 人；有问题 3 行")
    assert len(rows) == 6
    assert rows[0].startswith("2 ") and "20" in rows[0] and "将记入" in rows[0]
    assert li_si in rows[1] and "15" in rows[1] and "将记入" in rows[1]
    assert "没有会员号为 m999999 的会员" in rows[2]
    assert "与第 2 行是同一位会员" in rows[3]
    assert "找不到姓名为王五、电话为 13900000000 的会员" in rows[4]
    assert "需要主管：400 币超过 300 币，请主管来记" in rows[5]
    # Nothing is written by a preview.
    assert count(console, ActivityCredit) == 0 and balance(console, zhang) == 0

    # A second tab previews the same sheet before the first confirms (a double submit).
    first = console.driver.current_window_handle
    console.driver.switch_to.new_window("tab")
    fill_activity(console, "社区清洁日", "2", sheet)
    console.submit("#preview")
    second = console.driver.current_window_handle
    console.driver.switch_to.window(first)
    console.submit("#confirm")
    console.shot("coins-activity-done")
    assert "记入 2 人，共 35 币" in console.driver.find_element("id", "done").text
    assert (balance(console, zhang), balance(console, li_si), balance(console, zhao)) == (20, 15, 0)

    console.submit("#activity-page")
    console.shot("coins-activity-page")
    assert "每人 2 小时，每小时 10 币；已记 2 人，共 35 币" in console.text()
    credited = console.driver.find_element("css selector", "table.list").text
    assert zhang in credited and li_si in credited and zhao not in credited
    console.open("/staff/coins/activities")
    listed = console.driver.find_element("css selector", "table.list tbody").text
    assert "社区清洁日" in listed and " 2 35 li" in listed

    console.driver.switch_to.window(second)
    console.submit("#confirm")
    assert "记入 0 人，共 0 币；已记过 2 人" in console.driver.find_element("id", "done").text
    console.driver.close()
    console.driver.switch_to.window(first)

    # Importing the same sheet again: every row already credited, nothing to confirm.
    fill_activity(console, "社区清洁日", "2", sheet)
    console.submit("#preview")
    assert console.driver.find_elements("id", "confirm") == []
    assert "没有可以记入的行" in console.text()
    assert sum("已记过" in r for r in rows_text(console)) == 2
    assert (balance(console, zhang), balance(console, li_si)) == (20, 15)
    assert count(console, ActivityCredit) == 2
    done = audited(console, audit.AuditAction.ACTIVITY_CREDITED.value)
    assert [(d["staff"], d["credited"], d["coins"]) for d in done] == [("li", 2, 35), ("li", 0, 0)]

    # The manager imports it: the 40 hours row is theirs to credit, the others stay done.
    console.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console.log_in("wang")
    fill_activity(console, "社区清洁日", "2", sheet)
    console.submit("#preview")
    assert "将记入" in rows_text(console)[5]
    console.submit("#confirm")
    assert (balance(console, zhang), balance(console, zhao)) == (20, 400)


def test_a_clerk_cannot_credit_over_the_threshold_a_manager_can(console: Console) -> None:
    console.add_staff("li", "clerk", "李小红")
    console.add_staff("wang", "manager", "王主任")
    zhang = enrol(console, "张三", "13800000001")
    console.log_in("li")
    console.open(f"/staff/members/{zhang}")  # from the member's page, their number filled in
    console.submit("#credit-hours")
    assert console.driver.find_element("id", "member").get_attribute("value") == zhang
    console.driver.find_element("id", "hours").send_keys("40")
    console.driver.find_element("id", "note").send_keys("敬老院陪护")
    console.submit("#credit")
    console.shot("coins-hours-needs-manager")
    assert (
        "400 币超过 300 币，需要主管操作" in console.driver.find_element("id", "needs-manager").text
    )
    assert balance(console, zhang) == 0
    refused = audited(console, audit.AuditAction.ACCESS_REFUSED.value)
    assert refused == [
        {
            "staff": "li",
            "path": "/staff/coins/hours",
            "needs": "manager",
            "coins": 400,
            "threshold": 300,
        }
    ]
    # Three hours are the clerk's to credit.
    console.driver.find_element("id", "hours").clear()
    console.driver.find_element("id", "hours").send_keys("3")
    console.submit("#credit")
    console.shot("coins-hours-done")
    assert f"已为 张三（{zhang}）记入 30 币" in console.driver.find_element("id", "done").text
    # The same again (a double click, a second tab): one credit per member, activity and day.
    console.driver.find_element("id", "member").send_keys(zhang)
    console.driver.find_element("id", "hours").send_keys("3")
    console.driver.find_element("id", "note").send_keys("敬老院陪护")
    console.submit("#credit")
    again = console.driver.find_element("id", "error").text
    assert f"这次活动已经给 {zhang} 记过时长" in again and balance(console, zhang) == 30

    console.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console.log_in("wang")
    console.open(f"/staff/coins/hours?member={zhang}")
    console.driver.find_element("id", "hours").send_keys("40")
    console.driver.find_element("id", "note").send_keys("敬老院夜间陪护")
    console.submit("#credit")
    assert "记入 400 币" in console.driver.find_element("id", "done").text
    assert balance(console, zhang) == 430
    credited = audited(console, audit.AuditAction.HOURS_CREDITED.value)
    assert [(c["staff"], c["coins"]) for c in credited] == [("li", 30), ("wang", 400)]


def post_as_page(console: Console, action: str, fields: dict[str, str]) -> None:
    """Send a form the page does not offer, with this session's CSRF token, as a crafted
    request from the clerk's own browser would: the server must refuse it itself."""
    token = console.driver.find_element("css selector", "input[name=csrf]").get_attribute("value")
    script = """
        const [action, fields] = arguments;
        const form = document.createElement('form');
        form.method = 'post'; form.action = action;
        for (const [k, v] of Object.entries(fields)) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = k; input.value = v; form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();
    """
    page = console.driver.find_element("tag name", "html")
    console.driver.execute_script(script, action, {**fields, "csrf": token})
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(console.driver, 30).until(expected_conditions.staleness_of(page))
    loaded(console)


def test_the_months_grant_previewed_and_paid_a_past_month_only_by_a_manager(
    console: Console,
) -> None:
    console.add_staff("li", "clerk", "李小红")
    console.add_staff("wang", "manager", "王主任")
    zhang = enrol(console, "张三", "13800000001", grant=True)
    wu = enrol(console, "吴七", "13800000007", grant=True)
    enrol(console, "李四", "13800000002")  # not eligible
    month = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    console.log_in("li")
    console.open("/staff/coins")
    console.submit("#to-grant")
    plan = console.driver.find_element("id", "plan").text
    console.shot("coins-grant-preview")
    assert plan == f"{month}：2 位会员将各得 15 币，共 30 币；0 位本月已经发过。"
    listed = console.driver.find_element("id", "members").text
    assert zhang in listed and wu in listed and "李四" not in listed
    assert count(console, MonthlyGrant) == 0
    console.submit("#run")
    console.shot("coins-grant-done")
    assert (
        f"{month} 的补贴已发放：2 位会员，共 30 币"
        in console.driver.find_element("id", "done").text
    )
    assert (balance(console, zhang), balance(console, wu)) == (15, 15)
    # Shown again, the month has nothing left to pay.
    console.open("/staff/coins/grant")
    assert (
        "0 位会员将各得 15 币，共 0 币；2 位本月已经发过"
        in console.driver.find_element("id", "plan").text
    )
    assert console.driver.find_elements("id", "run") == []

    past = "2026-01" if month > "2026-01" else "2025-12"
    console.open(f"/staff/coins/grant?month={past}")
    console.shot("coins-grant-past-clerk")
    assert f"{past} 已经过去。补发以前月份的补贴需要主管操作" in console.text()
    assert console.driver.find_elements("id", "run") == []
    post_as_page(console, "/staff/coins/grant", {"month": past, "coins": "15"})
    assert "需要主管操作" in console.driver.find_element("id", "needs-manager").text
    assert count(console, MonthlyGrant) == 2 and balance(console, zhang) == 15

    console.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console.log_in("wang")
    console.open(f"/staff/coins/grant?month={past}")
    console.submit("#run")
    console.shot("coins-grant-past-manager")
    assert (
        f"{past} 的补贴已发放：2 位会员，共 30 币" in console.driver.find_element("id", "done").text
    )
    assert (balance(console, zhang), balance(console, wu)) == (30, 30)
    paid = audited(console, audit.AuditAction.GRANT_PAID.value)
    assert [(p["staff"], p["month"], p["total"], p["month_is"]) for p in paid] == [
        ("li", month, 30, "current"),
        ("wang", past, 30, "past"),
    ]


def test_corrections_need_a_reason_and_the_pages_read_in_english_too(console: Console) -> None:
    console.add_staff("li", "clerk", "李小红")
    zhang = enrol(console, "张三", "13800000001")
    console.log_in("li")
    console.open("/staff/coins/correct")
    console.driver.find_element("id", "adj-member").send_keys(zhang)
    console.driver.find_element("id", "adj-coins").send_keys("12")
    console.submit("#adjust")
    assert console.driver.find_element("id", "error").text == "请写明原因。"
    assert balance(console, zhang) == 0
    console.driver.find_element("id", "adj-reason").send_keys("活动签到表漏记")
    console.submit("#adjust")
    console.shot("coins-correct-done")
    done = console.driver.find_element("id", "done").text
    assert done.startswith(f"已为会员 {zhang} 调整 12 币（交易号 ")
    assert balance(console, zhang) == 12
    adjustment = done.split("交易号 ")[1].rstrip("）。")
    # Taken back the same way: a reversal, with its own reason.
    console.driver.find_element("id", "rev-tx").send_keys(adjustment)
    console.driver.find_element("id", "rev-reason").send_keys("记错了会员")
    console.submit("#reverse")
    assert f"已撤销交易 {adjustment}（新交易号" in console.driver.find_element("id", "done").text
    assert balance(console, zhang) == 0
    console.driver.find_element("id", "adj-member").send_keys(zhang)
    console.driver.find_element("id", "adj-coins").send_keys("12")
    console.driver.find_element("id", "adj-reason").send_keys("活动签到表漏记")
    console.submit("#adjust")
    assert balance(console, zhang) == 12
    adjusted = audited(console, audit.AuditAction.COINS_ADJUSTED.value)
    assert [(a["staff"], a["member"], a["coins"], a["reason"]) for a in adjusted] == [
        ("li", zhang, "12", "活动签到表漏记")
    ] * 2
    reversed_ = audited(console, audit.AuditAction.TX_REVERSED.value)
    assert [(r["staff"], r["tx"], r["reason"]) for r in reversed_] == [
        ("li", adjustment, "记错了会员")
    ]
    # 301 coins is a manager's: refused, nothing written, the refusal audited.
    console.driver.find_element("id", "adj-member").send_keys(zhang)
    console.driver.find_element("id", "adj-coins").send_keys("-301")
    console.driver.find_element("id", "adj-reason").send_keys("多记了")
    console.submit("#adjust")
    console.shot("coins-correct-needs-manager")
    needs = console.driver.find_element("id", "needs-manager").text
    assert "301 币超过 300 币，需要主管操作" in needs and balance(console, zhang) == 12
    refused = audited(console, audit.AuditAction.ACCESS_REFUSED.value)
    assert [(r["path"], r["coins"]) for r in refused] == [("/staff/coins/adjust", 301)]
    console.open("/lang/en?next=/staff/coins")
    console.shot("coins-hub-en")
    assert "more than 300 coins at once needs a manager" in console.text()
    console.open("/lang/zh?next=/staff/coins")
    console.shot("coins-hub")
    assert "一次超过 300 币需要主管操作；月份按北京时间计算" in console.text()


def test_an_administrator_changes_the_threshold_a_clerk_only_reads_it(console: Console) -> None:
    console.add_staff("li", "clerk", "李小红")
    console.add_staff("zhou", "admin", "周管理员")
    zhang = enrol(console, "张三", "13800000001")
    console.log_in("zhou")
    console.open("/staff/coins")
    console.submit("#to-settings")
    field = console.driver.find_element("id", "manager_above_coins")
    assert field.get_attribute("value") == "300"
    field.clear()
    field.send_keys("500")
    console.submit("#save")
    console.shot("coins-settings-admin")
    assert console.driver.find_element("id", "done").text == "设置已保存。"
    tz = console.driver.find_element("id", "office_tz")
    tz.clear()
    tz.send_keys("Mars/Olympus")
    console.submit("#save")
    error = console.driver.find_element("id", "error").text
    assert error.startswith("没有保存：") and "'Mars/Olympus' is not a time zone" in error
    changed = audited(console, audit.AuditAction.SETTING_CHANGED.value)
    assert changed == [{"staff": "zhou", "setting": "manager_above_coins", "old": 300, "new": 500}]

    console.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    console.log_in("li")
    console.open("/staff/settings")
    console.shot("coins-settings-clerk")
    assert console.driver.find_element("id", "value-manager_above_coins").text == "500"
    assert console.driver.find_elements("id", "save") == []
    post_as_page(console, "/staff/settings", {"manager_above_coins": "100000"})
    assert "您的角色不能查看这个页面" in console.text()
    # The new threshold holds: 40 hours (400 coins) are now the clerk's to credit.
    console.open(f"/staff/coins/hours?member={zhang}")
    console.driver.find_element("id", "hours").send_keys("40")
    console.driver.find_element("id", "note").send_keys("敬老院陪护")
    console.submit("#credit")
    assert "记入 400 币" in console.driver.find_element("id", "done").text
