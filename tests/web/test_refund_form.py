"""The console's refund of an exchange (issue 17 point 3): a real exchange made over the kiosk
API (hold, capture) is refunded from 退回一次兑换 only with a reason, once, audited; the
member gets the coins back. Headless Chromium against a served ledger."""

from __future__ import annotations

import uuid

from ledger import audit
from tests.ledger.conftest import Bank
from tests.web.conftest import Console
from tests.web.test_coins import audited, balance


def refund(console: Console, hold: str, reason: str) -> None:
    for field, text in (("ref-hold", hold), ("ref-reason", reason)):
        box = console.driver.find_element("id", field)
        box.clear()  # a refused form comes back with what was typed
        box.send_keys(text)
    console.submit("#refund")


def test_an_exchange_is_refunded_with_a_reason_once_and_audited(console: Console) -> None:
    bank = Bank(console.db_url, console.url)
    bank.set_item("oil-1l", 20)
    member, secret = bank.add_member(100)
    hold = bank.hold(bank.login(member, secret), "oil-1l", 20).json()["hold"]
    cap = bank.call("POST", f"/v1/holds/{hold}/capture", {}, idem=uuid.uuid4().hex)
    assert cap.status_code == 200, cap.text
    assert balance(console, member) == 80
    console.add_staff("li", "clerk", "李小红")
    console.log_in("li")

    console.open("/staff/coins/correct")
    refund(console, hold, "")  # no reason: refused, nothing given back
    assert console.driver.find_element("id", "error").text == "请写明原因。"
    assert balance(console, member) == 80 and audited(console, "hold_refunded") == []

    refund(console, hold, "油瓶漏了，会员退回")
    done = console.driver.find_element("id", "done").text
    assert done.startswith(f"已退回兑换 {hold}（交易号 "), done
    console.shot("coins-refund-done")
    assert balance(console, member) == 100
    [entry] = audited(console, audit.AuditAction.HOLD_REFUNDED.value)
    assert (entry["staff"], entry["hold"], entry["reason"]) == ("li", hold, "油瓶漏了，会员退回")

    refund(console, hold, "又点了一次")  # a second refund of the same exchange gives nothing
    again = console.driver.find_element("id", "error").text
    assert "这笔已经撤销或退回过了" in again, again  # in the clerk's words, not the code's
    refund(console, "h0000000000000000", "写错了号")
    assert "没有这个兑换号" in console.driver.find_element("id", "error").text
    assert balance(console, member) == 100
    assert len(audited(console, audit.AuditAction.HOLD_REFUNDED.value)) == 1
