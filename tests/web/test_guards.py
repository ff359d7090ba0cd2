"""What the web layer refuses: every console page without a login, a form without its CSRF
token (in the browser and over plain HTTP), and the headers every page carries."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import requests
from fastapi import FastAPI

from ledger.api import create_app
from ledger.cli import call
from ledger.web.login import LOGIN_ATTEMPTS
from tests.web.conftest import Console

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def web_routes(routes: list[Any]) -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route of the app, routers included."""
    for route in routes:
        inner = getattr(route, "original_router", None)  # an included router
        if inner is not None:
            yield from web_routes(inner.routes)
        elif getattr(route, "methods", None):
            yield route.path, set(route.methods)


def staff_routes(tmp_path: Any) -> list[tuple[str, set[str]]]:
    app: FastAPI = create_app(f"sqlite:///{tmp_path / 'routes.db'}")
    try:
        return [(p, m) for p, m in web_routes(app.routes) if p.startswith("/staff")]
    finally:
        app.state.engine.dispose()


def test_every_staff_page_without_a_login_is_the_login_page_with_no_data(
    console: Console, tmp_path: Any
) -> None:
    console.add_staff("li", "admin", "李明")
    member = console.add_member("王秀英", coins=42)
    argv = ["--db", console.db_url]
    call([*argv, "catalog", "set", "tea", "--price", "7", "--zh", "龙井茶", "--en", "Tea"])
    kiosk = call([*argv, "kiosk", "add", "--name", "幸福里一号机"])["kiosk"]
    real = {"{member_id}": member, "{sku}": "tea", "{kiosk_id}": kiosk}
    routes = staff_routes(tmp_path)
    gets = [p for p, m in routes if "GET" in m]
    assert {"/staff/", "/staff/members", "/staff/members/{member_id}", "/staff/audit"} <= set(gets)
    assert {"/staff/fleet", "/staff/catalog", "/staff/kiosks/{kiosk_id}/edit"} <= set(gets)
    assert {"/staff/reports", "/staff/export", "/staff/reports/ranking"} <= set(gets)
    for path in gets:
        if path.startswith("/staff/login"):
            continue
        for name, value in real.items():
            path = path.replace(name, value)
        console.open(re.sub(r"\{[a-z_]+\}", "x1", path))  # any other id: a made-up one
        assert "/staff/login" in console.driver.current_url, path
        body = console.text()
        assert "工作人员登录" in body, path
        assert "王秀英" not in body and "42" not in body and "李明" not in body, path
        assert "龙井茶" not in body and "幸福里" not in body and kiosk not in body, path
    # Forms without a session: refused before anything runs.
    for path in [p for p, m in routes if "POST" in m]:
        r = requests.post(
            console.url + path, data={"username": "li"}, timeout=30, allow_redirects=False
        )
        assert r.status_code == 403 and "页面已过期" in r.text, path


def test_a_form_with_a_forged_or_missing_csrf_token_is_refused_in_the_browser(
    console: Console,
) -> None:
    console.add_staff("li", "clerk")
    for forged in ("forged-token", None):
        console.open("/staff/login")
        field = console.driver.find_element("name", "csrf")
        # WebDriver's own script (not the page's, which has none): change the hidden field.
        if forged is None:
            console.driver.execute_script("arguments[0].remove()", field)
        else:
            console.driver.execute_script("arguments[0].value = arguments[1]", field, forged)
        console.driver.find_element("id", "username").send_keys("li")
        console.driver.find_element("id", "password").send_keys("correct horse 1")
        console.submit("form button[type=submit]")
        assert "页面已过期" in console.text()
        assert "您好" not in console.text()
    console.shot("refused-csrf-zh")
    console.open("/staff/")
    assert "/staff/login" in console.driver.current_url  # nothing was logged in


def test_another_sessions_token_is_refused_over_http(console: Console) -> None:
    console.add_staff("li", "clerk")
    first, second = requests.Session(), requests.Session()
    token = CSRF.search(first.get(console.url + "/staff/login", timeout=30).text)
    second.get(console.url + "/staff/login", timeout=30)
    assert token is not None
    form = {"csrf": token.group(1), "username": "li", "password": "correct horse 1"}
    refused = second.post(console.url + "/staff/login", data=form, timeout=30)
    assert refused.status_code == 403
    taken = first.post(console.url + "/staff/login", data=form, timeout=30, allow_redirects=False)
    assert taken.status_code == 303 and taken.headers["location"] == "/staff/"


def test_pages_carry_the_security_headers(console: Console) -> None:
    for path in ("/staff/login", "/static/web.css", "/staff/"):
        r = requests.get(console.url + path, timeout=30, allow_redirects=False)
        csp = r.headers["content-security-policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert r.headers["x-frame-options"] == "DENY", path
        assert r.headers["referrer-policy"] == "no-referrer", path
    assert (
        requests.get(console.url + "/staff/login", timeout=30).headers["cache-control"]
        == "no-store"
    )


def test_login_tries_from_one_address_are_rate_limited(console: Console) -> None:
    http = requests.Session()
    token = CSRF.search(http.get(console.url + "/staff/login", timeout=30).text)
    assert token is not None
    # The bucket holds 12 tries and gives one back every 5 s (LOGIN_ATTEMPTS): on a loaded
    # machine each wrong try (an argon2 check) can take long enough for some to come back, so
    # the refusal must come by the 13th try plus one for each 5 s the tries took.
    started = time.monotonic()
    answers: list[int] = []
    while 429 not in answers and len(answers) < 40:
        answers.append(
            http.post(
                console.url + "/staff/login",
                data={
                    "csrf": token.group(1),
                    "username": f"nobody{len(answers)}",
                    "password": "x" * 10,
                },
                timeout=30,
            ).status_code
        )
    refilled = int((time.monotonic() - started) * LOGIN_ATTEMPTS.per_second)
    assert answers[:12] == [401] * 12
    assert answers[-1] == 429
    assert len(answers) <= 13 + refilled, (answers, refilled)


def test_the_session_cookie_is_secure_when_the_proxy_says_https(console: Console) -> None:
    # The embedded ledger believes X-Forwarded-Proto from loopback, as the served one does
    # from its proxy (ledger.server_limits).
    plain = requests.get(console.url + "/staff/login", timeout=30)
    proxied = requests.get(
        console.url + "/staff/login", headers={"X-Forwarded-Proto": "https"}, timeout=30
    )
    assert "secure" not in plain.headers["set-cookie"].lower()
    cookie = proxied.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
