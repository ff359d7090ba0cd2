"""A reservation made on the phone is picked up at the kiosk (issue 16, sections 4 and 7), in a
real browser (headless Chromium) against the simulator's kiosk: real pty boards, the real
ledger over HTTP. The member enrols from a link, taps an item the kiosk holds, confirms; the
kiosk, signed in with the QR code read off the phone's screen, shows the reserved item first
and one tap opens its locker; the phone page then says it was collected. A reservation the
kiosk cannot keep (it sold the last one before it heard) fails, and the page says the coins
came back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger import book
from ledger.cli import call, with_book
from tests.web.conftest import Console
from tests.web.test_phone import PHONE, read_qr, shown_code


def reserve(console: Console, sku_name: str, shot: str) -> None:
    """From the phone's menu: the kiosks' items, the one named, its page, the one button."""
    console.open("/m/reserve")
    link = console.driver.find_element(
        "xpath", f"//a[contains(@class,'item')][.//span[text()='{sku_name}']]"
    )
    href = link.get_attribute("href")
    console.shot(f"{shot}-list")
    console.submit(f"a.item[href='{href[len(console.url) :]}']")
    assert "确认预约" in console.text()
    console.shot(f"{shot}-confirm")
    console.submit("#reserve")
    assert console.driver.current_url.endswith("/m/reservations")


def test_a_reservation_made_on_the_phone_is_picked_up_at_the_kiosk(
    tmp_path: Path, driver: Any, screenshots: Path
) -> None:
    from kiosk.app import build
    from kiosk.core.config import load_config
    from kiosk.core.view import SessionState
    from sim.site import SimulatedSite
    from tests.core.conftest import visitor
    from tests.core.test_session import Views

    with SimulatedSite(tmp_path / "site") as site:
        wang = site.member("王阿姨")["member"]
        argv = ["--db", site.staff.db_url, "member", "enrol", wang]
        link = call([*argv, "--public-url", site.ledger.url])["url"]
        driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        console = Console(site.staff.db_url, site.ledger.url, driver, screenshots)
        runtime = build(load_config(site.config_path))
        try:
            runtime.start()  # its first inventory report tells the ledger what it holds
            views = Views()
            runtime.controller.subscribe(views)
            driver.get(link)
            shown_code(driver)

            # On the phone: rice (the kiosk's only bag), confirmed; the coins held at once.
            reserve(console, "大米 1kg", "phone-reserve-zh")
            page = console.text()
            assert "已预约，币已冻结" in page and "可用余额：70 币" in page
            console.shot("phone-reservations-pending-zh")
            assert site.balance(wang) == 70

            # At the kiosk: the code read off the phone's screen; the reserved item comes first.
            console.open("/m/")
            shown_code(driver)
            shot = screenshots / "phone-code-for-pickup-zh.png"
            driver.save_screenshot(str(shot))
            site.scanner.present(read_qr(shot))
            v = views.wait(SessionState.RESERVED, timeout=20)
            assert [(x.sku, x.locker) for x in v.reserved] == [("rice", "0:3")]
            assert "rice" not in [s.sku for s in runtime.inventory.sellable()]
            visitor(site, "0:3")
            runtime.controller.collect(v.reserved[0].reservation)
            v = views.wait(SessionState.RESULT, timeout=20)
            assert v.result is not None and v.result.ok and v.balance == 70
            assert site.cabinet.pulses(0, 3) == 1
            assert site.balance(wang) == 70  # the held coins paid, once
            runtime.controller.finish()
            views.wait(SessionState.IDLE)

            console.open("/m/reservations")
            assert "已取走，币已扣除" in console.text()
            console.shot("phone-reservations-collected-zh")

            # The kiosk cannot hear of the next one (its reservation calls are cut off here)
            # and sells the last bottle of oil meanwhile: the reservation fails, coins back.
            li = site.member("李伯伯")["member"]
            with_book(site.staff.db_url, lambda s: book.grant(s, wang, 100))
            with_book(site.staff.db_url, lambda s: book.grant(s, li, 100))
            assert runtime.reservations is not None
            runtime.reservations.stop()
            reserve(console, "食用油", "phone-reserve-oil-zh")
            assert site.balance(wang) == 170 - 80
            session = runtime.ledger.open_session(site.phone_code("李伯伯"))
            found = runtime.inventory.locker_for("oil")
            assert found is not None
            visitor(site, "0:6")
            sold = runtime.controller.shopping.vends.run(
                session.session, li, "oil", 80, found[0], lambda _s: None
            )
            assert sold.handed_out
            runtime.controller.poll_reservations()  # the next contact
            waited = runtime.controller.worker.submit(lambda: None)
            assert waited is not None
            waited.result(timeout=20)
            assert site.balance(wang) == 170
            console.open("/m/reservations")
            assert "没能预约成功：自助机在收到预约前已经卖完了。币已退回。" in console.text()
            console.shot("phone-reservations-failed-zh")
            console.open("/lang/en?next=/m/reservations")
            assert "The reservation failed" in console.text()
            console.shot("phone-reservations-en")
            console.open("/lang/zh?next=/m/reservations")
        finally:
            runtime.close()
