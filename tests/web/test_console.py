"""The console's first pages in a real browser: roles on the audit log, the members list and
search, the language switch; a screenshot of every page in Chinese and in English."""

from __future__ import annotations

from tests.web.conftest import Console


def test_a_clerk_is_refused_the_audit_log_and_a_manager_sees_the_logins(
    console: Console,
) -> None:
    console.add_staff("li", "clerk", "李明")
    console.add_staff("zhou", "manager", "周芳")
    console.log_in("li")
    console.open("/staff/audit")
    assert "不能查看" in console.text() and "登录失败" not in console.text()
    assert "操作记录" not in console.driver.find_element("tag name", "nav").text
    console.shot("audit-refused-clerk-zh")
    console.submit("form.logout button")
    console.log_in("zhou", "wrong password!")
    console.log_in("zhou")
    console.open("/staff/audit")
    rows = [r.text for r in console.driver.find_elements("css selector", "table.list tbody tr")]
    assert any("li" in r and "登录" in r and "127.0.0.1" in r for r in rows)
    assert any("zhou" in r and "登录失败" in r for r in rows)
    assert any("li" in r and "无权访问" in r for r in rows)
    assert any("li" in r and "退出登录" in r for r in rows)
    # The filter by staff keeps only that account's entries.
    console.open("/staff/audit?staff=zhou")
    rows = [r.text for r in console.driver.find_elements("css selector", "table.list tbody tr")]
    assert rows and all("zhou" in r for r in rows)


def test_the_members_search_finds_a_member_by_chinese_name_and_shows_the_balance(
    console: Console,
) -> None:
    console.add_staff("li", "clerk")
    wanted = console.add_member("王秀英", coins=120)
    for n in range(25):
        console.add_member(f"张{n:02d}")
    console.log_in("li")
    console.open("/staff/members")
    assert "共 26 位会员" in console.text()
    assert "第 1 页，共 2 页" in console.text()
    box = console.driver.find_element("id", "q")
    box.send_keys("秀英")
    console.submit("form.filter button")
    rows = console.driver.find_elements("css selector", "table.list tbody tr")
    assert len(rows) == 1 and "王秀英" in rows[0].text and "120" in rows[0].text
    console.submit("table.list tbody a")
    assert console.driver.current_url.endswith(f"/staff/members/{wanted}")
    assert "120" in console.text() and "入会时的补贴" in console.text()  # the memo in words
    console.open(f"/staff/members?q={wanted}")
    assert "王秀英" in console.text()


def test_the_language_switch_goes_to_english_and_back_and_is_remembered(
    console: Console,
) -> None:
    console.add_staff("li", "clerk", "李明")
    console.add_member("王秀英", coins=5)
    console.log_in("li")
    console.open("/staff/members?q=王")
    console.submit("a.lang")
    assert "Members" in console.text() and "Search by name" in console.text()
    assert console.driver.current_url.endswith("/staff/members?q=%E7%8E%8B")  # same page
    assert console.driver.get_cookie("tb_lang")["value"] == "en"
    console.open("/staff/")
    assert "Hello, 李明" in console.text()  # remembered on the next page
    console.submit("a.lang")
    assert "您好，李明" in console.text()


def test_screenshots_of_every_page_in_chinese_and_english(console: Console) -> None:
    console.add_staff("zhou", "manager", "周芳")
    member = console.add_member("王秀英", coins=120)
    for n in range(24):
        console.add_member(f"陈{n:02d}号", coins=n * 3)
    console.log_in("zhou", "not it at all")
    for lang in ("zh", "en"):
        console.open(f"/lang/{lang}?next=/staff/login")
        console.shot(f"login-{lang}")
        console.log_in("zhou")
        pages = {
            "home": "/staff/",
            "members": "/staff/members",
            "members-search": "/staff/members?q=王",
            "member": f"/staff/members/{member}",
            "audit": "/staff/audit",
            "not-found": "/staff/members/m999999x",
        }
        for name, path in pages.items():
            console.open(path)
            body = console.text()
            assert ("您好" in body or "会员" in body or "操作" in body or "找不到" in body) == (
                lang == "zh"
            ), (name, lang)
            console.shot(f"{name}-{lang}")
        console.submit("form.logout button")
        console.shot(f"logged-out-{lang}")
    print(f"\nscreenshots in {console.shots}")


def test_the_header_fits_one_line_at_1280_px_in_both_languages(console: Console) -> None:
    """A manager's header (every menu item, the audit log too), the name, log-out and the
    language switch on one line in an office PC's 1280x800 window, in Chinese and English."""
    console.add_staff("zhou", "manager", "周芳")
    driver = console.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        console.log_in("zhou")
        # The office PC's browser is Chinese (conftest.py): its date and month pickers too.
        said = driver.execute_script("return [navigator.language, navigator.languages]")
        assert said[0] == "zh-CN" and said[1][0] == "zh-CN", said
        for lang in ("en", "zh"):
            console.open(f"/lang/{lang}?next=/staff/orders")
            tops = driver.execute_script(
                "return Array.from(document.querySelectorAll("
                "'header.top nav a, header.top .site, header.top .who, header.top form.logout,"
                " header.top a.lang, header.top summary')).filter(e => e.checkVisibility())"
                ".map(e => [e.textContent.trim(),"
                " Math.round(e.getBoundingClientRect().top),"
                " Math.round(e.getBoundingClientRect().height)])"
            )
            console.shot(f"header-1280-{lang}")
            links = driver.execute_script(
                "return document.querySelectorAll('header.top nav a').length"
            )
            # 8 links and the menu shown; 5 inside the menu (fleet, kiosks, items, goods, donors)
            assert links == 13 and len(tops) == 13, (links, tops)
            rows = {top + height // 2 for _, top, height in tops}  # each one's middle
            assert max(rows) - min(rows) <= 6, (lang, tops)  # one line: no item wrapped below
            assert driver.execute_script("return document.documentElement.scrollWidth") <= 1280
        # The kiosk pages are one click away: the menu opens over the page, its link goes.
        driver.find_element("css selector", "header.top details.menu summary").click()
        fleet = driver.find_element("css selector", "header.top nav a[href='/staff/fleet']")
        assert fleet.is_displayed()
        console.shot("header-1280-menu-zh")
        console.submit("header.top nav a[href='/staff/fleet']")
        assert driver.current_url == console.url + "/staff/fleet" and "库存与报警" in console.text()
        console.open("/staff/audit")  # its day picker, empty: the browser's own placeholder
        console.shot("audit-day-picker-zh")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
