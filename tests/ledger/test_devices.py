"""Members' phones: a one-time enrolment link makes a device with its own code secret; the
link works once and expires; a revoked device's codes and cookie stop at once, alone."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import select

from ledger import devices
from ledger.cli import call, with_book
from ledger.db import Enrolment, MemberDevice
from tests.ledger.conftest import Bank, ManualClock, phone_code

SECRET = re.compile(r'data-secret="([A-Z2-7]+)"')


def enrol(bank: Bank, member: str, *extra: str) -> dict[str, Any]:
    argv = ["--db", bank.db_url, "member", "enrol", member, "--public-url", bank.url, *extra]
    return dict(call(argv))


def open_link(url: str) -> tuple[requests.Response, str | None]:
    """What the phone's browser gets from the link: the page (with the device's secret for
    its script) and the device cookie."""
    page = requests.get(url, timeout=30, allow_redirects=False)
    found = SECRET.search(page.text)
    return page, found.group(1) if found else None


def test_a_link_enrols_one_phone_whose_code_signs_in_and_works_once(bank: Bank) -> None:
    member, _ = bank.add_member(40)
    made = enrol(bank, member)
    assert made["url"].startswith(bank.url + "/m/enrol/")
    page, secret = open_link(made["url"])
    assert page.status_code == 200 and secret is not None
    cookie = page.cookies.get("tb_device")
    assert cookie and "httponly" in page.headers["set-cookie"].lower()
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe" not in csp  # no inline script, no CDN
    assert '<script src="/static/' in page.text and "<script>" not in page.text

    code = phone_code(member, secret)  # computed by pyotp, as the phone's script must agree
    r = bank.call("POST", "/v1/sessions", {"code": code})
    assert r.status_code == 201, r.text
    assert r.json()["member"]["id"] == member and r.json()["balance"] == 40
    again = bank.call("POST", "/v1/sessions", {"code": code})
    assert again.status_code == 409 and again.json()["error"] == "code_used"

    status = requests.get(bank.url + "/m/status", cookies={"tb_device": cookie}, timeout=30)
    assert status.status_code == 200
    assert status.json()["name"] == "测试 Test" and status.json()["balance"] == 40

    second, second_secret = open_link(made["url"])
    assert second.status_code == 410 and second_secret is None
    assert "tb_device" not in second.cookies
    assert "已经用过或已过期" in second.text

    # Only hashes are kept: the link's token and the cookie are nowhere in the database.
    token = made["url"].rsplit("/", 1)[1]

    def stored(s: Any) -> tuple[list[str], list[str]]:
        links = list(s.scalars(select(Enrolment.token_hash)))
        cookies = list(s.scalars(select(MemberDevice.cookie_hash)))
        return links, cookies

    links, cookies = with_book(bank.db_url, stored)
    assert links == [hashlib.sha256(token.encode()).hexdigest()]
    assert cookies == [hashlib.sha256(cookie.encode()).hexdigest()]


def test_a_link_expires(clocked_bank: Bank, clock: ManualClock) -> None:
    member, _ = clocked_bank.add_member(0)
    token, expires_at = with_book(
        clocked_bank.db_url, lambda s: devices.create_link(s, member, clock.now, days=1)
    )
    assert expires_at == clock.now + timedelta(days=1)
    clock.advance(days=1)
    page, secret = open_link(clocked_bank.url + devices.ENROL_PATH + token)
    assert page.status_code == 410 and secret is None
    assert with_book(clocked_bank.db_url, lambda s: s.scalars(select(MemberDevice)).all()) == []


def test_default_link_lasts_seven_days_and_days_are_bounded(bank: Bank) -> None:
    member, _ = bank.add_member(0)
    made = enrol(bank, member)
    link = with_book(bank.db_url, lambda s: s.scalars(select(Enrolment)).one())
    assert (link.expires_at - link.created_at).days == 7
    assert made["expires_at"] == link.expires_at.isoformat()
    with pytest.raises(SystemExit):
        enrol(bank, member, "--days", "31")


def test_revoking_a_phone_stops_its_codes_and_cookie_at_once_and_only_its_own(
    bank: Bank,
) -> None:
    member, own_secret = bank.add_member(10)
    lost_page, lost = open_link(enrol(bank, member)["url"])
    kept_page, kept = open_link(enrol(bank, member)["url"])
    assert lost and kept and lost != kept
    listed = call(["--db", bank.db_url, "member", "devices", member])["devices"]
    assert len(listed) == 2 and all(d["revoked_at"] is None for d in listed)
    lost_id = with_book(
        bank.db_url,
        lambda s: s.scalar(
            select(MemberDevice.id).where(
                MemberDevice.cookie_hash == devices.digest(lost_page.cookies["tb_device"])
            )
        ),
    )

    revoked = call(["--db", bank.db_url, "member", "device-revoke", lost_id])
    assert revoked["device"] == lost_id and revoked["revoked_at"]

    refused = bank.call("POST", "/v1/sessions", {"code": phone_code(member, lost)})
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_code"
    status = requests.get(
        bank.url + "/m/status", cookies={"tb_device": lost_page.cookies["tb_device"]}, timeout=30
    )
    assert status.status_code == 401
    page = requests.get(
        bank.url + "/m/", cookies={"tb_device": lost_page.cookies["tb_device"]}, timeout=30
    )
    assert 'data-forget="1"' in page.text  # the page's script forgets the secret it kept

    # The other phone, and the member's own secret (and any card), keep working.
    assert bank.call("POST", "/v1/sessions", {"code": phone_code(member, kept)}).status_code == 201
    r = requests.get(
        bank.url + "/m/status", cookies={"tb_device": kept_page.cookies["tb_device"]}, timeout=30
    )
    assert r.status_code == 200
    listed = call(["--db", bank.db_url, "member", "devices", member])["devices"]
    assert [d["device"] for d in listed if d["revoked_at"]] == [lost_id]
    # (the kept phone's code used this step: the member's own secret must wait for the next
    # step, since a member code is good once per step whichever secret made it)
    assert (
        bank.call("POST", "/v1/sessions", {"code": phone_code(member, own_secret)}).status_code
        == 409
    )


def test_enrol_needs_to_know_how_phones_reach_the_ledger(bank: Bank) -> None:
    member, _ = bank.add_member(0)
    done = subprocess.run(
        [sys.executable, "-m", "ledger.cli", "--db", bank.db_url, "member", "enrol", member],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode != 0 and "--public-url" in done.stderr


def test_unknown_member_and_device_are_refused(bank: Bank) -> None:
    from ledger.errors import NotFound

    with pytest.raises(NotFound, match="m000000"):
        enrol(bank, "m000000")
    with pytest.raises(NotFound, match="dnothere"):
        call(["--db", bank.db_url, "member", "device-revoke", "dnothere"])


def test_a_wrong_code_locks_the_member_number_whichever_phone(bank: Bank) -> None:
    member, _ = bank.add_member(0)
    _, secret = open_link(enrol(bank, member)["url"])
    assert secret
    for _ in range(5):
        wrong = bank.call("POST", "/v1/sessions", {"code": f"tb1:{member}:00000000"})
        assert wrong.status_code in (401, 429)
    locked = bank.call("POST", "/v1/sessions", {"code": phone_code(member, secret)})
    # The right code of an enrolled phone is refused while the member number is locked.
    assert locked.status_code == 429 and locked.json()["error"] == "locked_out", locked.text


def test_the_device_cookie_is_secure_behind_the_tls_proxy_and_never_leaves_the_phone_pages(
    bank: Bank,
) -> None:
    """Behind the shipped nginx (deploy/nginx), the ledger sees X-Forwarded-Proto: https from
    127.0.0.1, which uvicorn believes by default: the phone's credential is then Secure, so
    no plain-HTTP request ever carries it. It is HttpOnly (the page's script never reads it),
    SameSite=Lax (another site's form cannot post with it), and only for /m/."""
    member, _ = bank.add_member(5)
    url = enrol(bank, member)["url"]
    page = requests.get(url, headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert page.status_code == 200
    attrs = [a.strip().lower() for a in page.headers["set-cookie"].split(";")]
    assert attrs[0].startswith("tb_device=")
    assert {"secure", "httponly", "samesite=lax", "path=/m/"} <= set(attrs), attrs

    member2, _ = bank.add_member(5)
    plain, _secret = open_link(enrol(bank, member2)["url"])  # loopback, no proxy: no TLS
    plain_attrs = {a.strip().lower() for a in plain.headers["set-cookie"].split(";")}
    assert "secure" not in plain_attrs and {"httponly", "samesite=lax"} <= plain_attrs
