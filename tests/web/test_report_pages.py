"""The console's reports in a real browser (headless Chromium): the month's figures drawn as
SVG charts from exchanges made over the kiosk API; the CSV and Excel downloads, one row per
business event in Beijing time with names; the volunteers' ranking naming only members who
agreed (consent recorded on the page); the members who have not exchanged."""

from __future__ import annotations

import csv
import hashlib
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pyotp
import requests

from ledger import audit, catalog, income, kiosks, members, reports
from ledger.cli import with_book
from tests.web.conftest import Console


def seed(console: Console) -> dict[str, str]:
    """Two members who exchanged at a kiosk (through its HTTP API), a volunteer who agreed to
    be named, one who did not, and a member who never came."""

    def work(s: Any) -> dict[str, Any]:
        _, key = kiosks.add_kiosk(s, "社区一号机")
        catalog.set_item(s, "tea", 5, "茶叶", "Tea")
        catalog.set_item(s, "rice", 20, "大米", "Rice")
        wang = members.add_member(s, "王阿姨", coins=100)
        zhou = members.add_member(s, "周大爷", coins=50)
        li = members.add_member(s, "李伯伯")
        chen = members.add_member(s, "陈阿婆")
        income.credit_hours(s, li.id, "3")
        income.credit_hours(s, chen.id, "1.5")
        reports.set_ranking_opt_in(s, li.id, True)
        return {
            "key": key,
            "wang": wang.id,
            "wang_secret": wang.totp_secret,
            "zhou": zhou.id,
            "zhou_secret": zhou.totp_secret,
            "li": li.id,
            "chen": chen.id,
        }

    data = with_book(console.db_url, work)
    auth = {"Authorization": f"Bearer {data['key']}"}
    for who, skus in (("wang", ("tea", "rice")), ("zhou", ("tea",))):
        otp = pyotp.TOTP(data[f"{who}_secret"], digits=8, digest=hashlib.sha256, interval=30)
        r = requests.post(
            console.url + "/v1/sessions",
            headers=auth,
            timeout=30,
            json={"code": f"tb1:{data[who]}:{otp.now()}"},
        )
        assert r.status_code == 201, r.text
        session = r.json()["session"]
        for sku in skus:
            price = {"tea": 5, "rice": 20}[sku]
            body = {"session": session, "sku": sku, "locker": "0:1", "price": price}
            r = requests.post(
                console.url + "/v1/holds",
                json=body,
                timeout=30,
                headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            )
            hold = r.json()["hold"]
            r = requests.post(
                console.url + f"/v1/holds/{hold}/capture",
                timeout=30,
                headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
            )
            assert r.status_code == 200, r.text
    return data


def downloaded(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file was downloaded into {folder}")


def test_the_reports_page_draws_the_months_figures_and_exports_them(
    console: Console, tmp_path: Path
) -> None:
    data = seed(console)
    console.add_staff("zhao", "clerk", "赵办事员")
    console.log_in("zhao")
    console.open("/staff/reports")
    month = console.driver.find_element("id", "to").get_attribute("value")
    assert month == datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")  # the office's
    charts = console.driver.find_elements("css selector", "figure.chart svg")
    assert len(charts) == 5
    exchanges = charts[0]
    assert exchanges.get_attribute("aria-label") == "每月兑换次数"
    bars = exchanges.find_elements("tag name", "rect")
    assert len(bars) == 12  # one bar a month
    titles = [b.find_element("tag name", "title").get_attribute("textContent") for b in bars]
    assert titles[-1] == f"{month} 次数: 3" and titles[0].endswith(": 0")
    heights = [float(b.get_attribute("height")) for b in bars]
    assert heights[-1] > 100 and heights[:-1] == [0.0] * 11
    by_item = console.driver.find_element("id", "by-item").text
    assert "茶叶" in by_item and "大米" in by_item
    coins = console.driver.find_element("css selector", "#coins table").get_attribute("textContent")
    # 150 opening coins + 45 for hours issued, 30 exchanged, 165 left with the members
    assert f"{month}19530165" in coins.replace(" ", "").replace("\n", "")
    console.shot("reports-zh")
    console.driver.execute_script("window.scrollTo(0, 900)")
    console.shot("reports-charts-zh")
    console.driver.execute_script("document.getElementById('coins').scrollIntoView()")
    console.shot("reports-coins-zh")

    folder = tmp_path / "downloads"
    folder.mkdir()
    console.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)}
    )
    console.driver.find_element("id", "export-csv").click()
    with downloaded(folder, ".csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    # 2 opening grants, 2 hour credits, 3 exchanges: one row each (not one per posting)
    assert len(rows) == 7
    exchanged = [r for r in rows if r["事项"] == "兑换物品"]
    assert [(r["姓名"], r["物品"], r["币（收入为正）"], r["自助机"]) for r in exchanged] == [
        ("王阿姨", "茶叶", "-5", "社区一号机"),
        ("王阿姨", "大米", "-20", "社区一号机"),
        ("周大爷", "茶叶", "-5", "社区一号机"),
    ]
    assert [r["服务时长（小时）"] for r in rows if r["事项"] == "志愿服务"] == ["3", "1.5"]
    # 备注 in the clerk's words, as the member page says it, not the book's English memo.
    assert [r["备注"] for r in exchanged] == [
        "在「社区一号机」兑换了茶叶",
        "在「社区一号机」兑换了大米",
        "在「社区一号机」兑换了茶叶",
    ]
    assert [r["备注"] for r in rows if r["事项"] == "补贴"] == ["入会时的补贴"] * 2
    assert [r["备注"] for r in rows if r["事项"] == "志愿服务"] == [
        "志愿服务 3 小时",
        "志愿服务 1.5 小时",
    ]
    for row in rows:  # Beijing time, as the office's clock; this test's machine may be UTC
        shown = datetime.strptime(row["时间"], "%Y-%m-%d %H:%M:%S")
        utc_now = datetime.now(UTC).replace(tzinfo=None)
        assert abs(shown - (utc_now + timedelta(hours=8))) < timedelta(minutes=5), row
    console.driver.find_element("id", "export-xlsx").click()
    sheet = openpyxl.load_workbook(downloaded(folder, ".xlsx")).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][:6] == ("时间", "流水号", "事项", "会员号", "姓名", "币（收入为正）")
    assert len(cells) == 8
    assert [(c[4], c[7], c[5]) for c in cells[1:] if c[2] == "兑换物品"] == [
        ("王阿姨", "茶叶", -5),
        ("王阿姨", "大米", -20),
        ("周大爷", "茶叶", -5),
    ]
    assert [c[3] for c in cells[1:]].count(data["wang"]) == 3
    exported = with_book(
        console.db_url, lambda s: audit.entries(s, audit.AuditQuery(staff="zhao"), 0, 10)
    )
    assert [(e["action"], e["detail"]["format"], e["detail"]["rows"]) for e in exported[:2]] == [
        ("exported", "xlsx", 7),
        ("exported", "csv", 7),
    ]

    console.open("/lang/en?next=/staff/reports")
    assert "Exchanges per month" in console.text()
    console.shot("reports-en")
    english = tmp_path / "english"
    english.mkdir()
    console.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(english)}
    )
    console.driver.find_element("id", "export-csv").click()
    with downloaded(english, ".csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["Note"] for r in rows if r["Kind"] == "Exchange"] == [
        "Exchanged for Tea at 社区一号机",
        "Exchanged for Rice at 社区一号机",
        "Exchanged for Tea at 社区一号机",
    ]
    assert [r["Note"] for r in rows if r["Kind"] == "Grant"] == ["Welcome grant"] * 2
    console.open("/lang/zh?next=/staff/reports")


def test_a_bad_month_is_named_and_nothing_is_drawn(console: Console) -> None:
    console.add_staff("zhao", "clerk", "赵办事员")
    console.log_in("zhao")
    console.open("/staff/reports?from=2026-05&to=2026-02")
    assert "月份有误" in console.text() and "结束月份不能早于开始月份" in console.text()
    assert not console.driver.find_elements("css selector", "figure.chart")
    console.shot("reports-bad-month-zh")
    console.open("/lang/en?next=/staff/reports%3Ffrom%3D2026-05%26to%3D2026-02")
    assert "the last month 2026-02 comes before the first month 2026-05" in console.text()
    console.open("/lang/zh?next=/staff/reports")
    r = requests.get(console.url + "/staff/export?format=pdf", timeout=30, allow_redirects=False)
    assert r.status_code == 303  # no login: sent to the login page, nothing exported


def test_the_ranking_names_only_members_who_agreed_and_the_idle_list(console: Console) -> None:
    data = seed(console)
    console.add_staff("zhao", "clerk", "赵办事员")
    console.log_in("zhao")
    console.open("/staff/reports")
    console.submit("p.links a")
    ranking = console.driver.find_element("id", "ranking").text
    assert "李伯伯" in ranking and "陈阿婆" not in ranking
    asked = console.driver.find_element("id", "not-opted-in").text
    assert "陈阿婆" in asked and "1.5" in asked
    console.shot("ranking-zh")
    console.submit(f"#ask-{data['chen']} button")
    assert "已记录：该会员同意公开" in console.text()
    rows = console.driver.find_elements("css selector", "#ranking tbody tr")
    assert [r.text.split()[:3] for r in rows] == [["1", "李伯伯", "3"], ["2", "陈阿婆", "1.5"]]
    consent = with_book(
        console.db_url, lambda s: audit.entries(s, audit.AuditQuery(staff="zhao"), 0, 5)
    )[0]
    assert consent["action"] == "ranking_consent"
    assert consent["detail"] == {"member": data["chen"], "opt_in": True}

    console.open("/staff/reports/idle?months=3")
    listed = console.driver.find_element("css selector", "table.list").text
    assert "李伯伯" in listed and "陈阿婆" in listed and "从未兑换" in listed
    assert "王阿姨" not in listed and "周大爷" not in listed
    assert "共 2 位" in console.text()
    console.shot("idle-zh")
