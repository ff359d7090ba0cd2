"""Staff login in a real browser: wrong then right, the lock-out, the second factor, logout,
and the session cookie's flags."""

from __future__ import annotations

import pyotp

from ledger.cli import call
from ledger.staff_lockouts import MAX_FAILURES, Keyed
from tests.web.conftest import Console


def test_a_wrong_password_then_the_right_one_opens_the_console(console: Console) -> None:
    console.add_staff("li", "clerk", "李明")
    console.log_in("li", "not the password")
    assert console.driver.current_url.endswith("/staff/login")
    assert "用户名或密码不对" in console.text()
    console.shot("login-wrong-zh")
    console.log_in("li")
    assert console.driver.current_url == console.url + "/staff/"
    assert "您好，李明" in console.text() and "办事员" in console.text()


def test_the_account_locks_after_five_wrong_passwords_even_for_the_right_one(
    console: Console,
) -> None:
    console.add_staff("wang", "clerk")
    for _ in range(MAX_FAILURES[Keyed.ACCOUNT] - 1):
        console.log_in("wang", "guess guess guess")
        assert "用户名或密码不对" in console.text()
    console.log_in("wang", "guess guess guess")
    assert "错误次数太多" in console.text() and "1 分钟" in console.text()
    console.shot("login-locked-zh")
    console.log_in("wang")  # the right password, while locked
    assert "错误次数太多" in console.text()
    assert console.driver.current_url.endswith("/staff/login")
    entries = call(["--db", console.db_url, "audit", "--staff", "wang"])["entries"]
    actions = [e["action"] for e in entries]
    assert actions.count("login_failed") == MAX_FAILURES[Keyed.ACCOUNT]
    assert actions[0] == "login_locked" and "login" not in actions


def test_logout_ends_the_session_and_the_pages_ask_for_a_login_again(console: Console) -> None:
    console.add_staff("zhao", "manager")
    console.log_in("zhao")
    old = console.driver.get_cookie("tb_session")
    console.submit("form.logout button")
    assert "您已退出登录" in console.text()
    console.open("/staff/members")
    assert console.driver.current_url.endswith("/staff/login?next=/staff/members")
    # The old cookie is dead on the server, not only forgotten by this browser.
    console.driver.add_cookie({"name": "tb_session", "value": old["value"], "path": "/"})
    console.open("/staff/")
    assert "/staff/login" in console.driver.current_url
    actions = [e["action"] for e in call(["--db", console.db_url, "audit"])["entries"]]
    assert actions[:2] == ["logout", "login"]


def test_the_session_cookie_is_httponly_and_samesite_and_changes_at_login(
    console: Console,
) -> None:
    console.add_staff("qian", "clerk")
    console.open("/staff/login")
    before = console.driver.get_cookie("tb_session")
    console.log_in("qian")
    after = console.driver.get_cookie("tb_session")
    assert after["httpOnly"] is True and after["sameSite"] == "Lax"
    assert after["secure"] is False  # plain HTTP on loopback; under HTTPS it is Secure
    assert before is not None and after["value"] != before["value"]


def test_an_account_with_a_second_factor_needs_its_code(console: Console) -> None:
    console.add_staff("sun", "admin")
    uri = call(["--db", console.db_url, "staff", "totp", "sun"])["provisioning_uri"]
    totp = pyotp.parse_uri(uri)
    assert isinstance(totp, pyotp.TOTP) and uri.startswith("otpauth://totp/")
    console.log_in("sun")
    assert "/staff/login/code" in console.driver.current_url
    console.shot("login-code-zh")
    console.open("/staff/")  # not signed in yet
    assert "/staff/login" in console.driver.current_url and "您好" not in console.text()
    console.open("/staff/login/code")
    wrong = "000000" if totp.now() != "000000" else "111111"
    console.driver.find_element("id", "code").send_keys(wrong)
    console.submit("form button[type=submit]")
    assert "验证码不对" in console.text()
    console.driver.find_element("id", "code").send_keys(totp.now())
    console.submit("form button[type=submit]")
    assert console.driver.current_url == console.url + "/staff/"
    assert "管理员" in console.text()
