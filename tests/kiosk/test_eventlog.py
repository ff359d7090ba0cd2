"""The event log: one JSON object per line, rotated by size, and never a member code, PIN, card
secret or kiosk key in it — checked by scanning the file after a visit that used them all."""

import json
import logging

from kiosk.app import build
from kiosk.core.config import load_config
from kiosk.core.redaction import redact
from kiosk.core.view import SessionState
from kiosk.platform import eventlog
from sim.site import SimulatedSite
from tests.core.test_session import Views
from tests.core.test_signin import card_for


class _Site:
    def __init__(self, site):
        self.site = site


def test_a_visit_with_a_card_pin_and_phone_code_leaves_no_secret_in_the_log(tmp_path):
    with SimulatedSite(tmp_path / "site") as site:
        config = load_config(site.config_path)
        card = card_for(_Site(site), "王阿姨", "864297")
        phone = site.phone_code("李伯伯")
        runtime = build(config)
        try:
            runtime.start()
            views = Views()
            runtime.controller.subscribe(views)
            runtime.controller.present_code(card)
            views.wait(SessionState.PIN_ENTRY)
            runtime.controller.enter_pin("864297")
            views.wait(SessionState.BROWSING)
            runtime.controller.cancel()
            views.wait(SessionState.IDLE)
            runtime.controller.present_code(phone)
            views.wait(SessionState.BROWSING)
            runtime.controller.cancel()
            views.wait(SessionState.IDLE)
            # A careless line elsewhere (an exception text, a debug print) is redacted too.
            logging.getLogger("kiosk.test").warning(
                "scanned %s with pin=864297 using Bearer %s", card, config.ledger.key
            )
        finally:
            runtime.close()
        path = config.data_dir / "events.jsonl"
        text = path.read_text(encoding="utf-8")
        lines = [json.loads(line) for line in text.splitlines()]
    assert any(x["message"].startswith("view: browsing") for x in lines)
    assert all({"at", "level", "logger", "message"} <= set(x) for x in lines)
    card_secret = card.split(":")[2]
    for secret in (card, card_secret, phone, phone.split(":")[2], "864297", config.ledger.key):
        assert secret not in text, f"{secret!r} was written to the event log"
    assert any(
        "tbc1:<redacted>" in x["message"] and "pin=<redacted>" in x["message"] for x in lines
    )


def test_the_log_rotates_at_its_size_and_keeps_the_configured_backups(tmp_path):
    logger = logging.getLogger("kiosk.test.rotation")
    logger.propagate = False
    handler = eventlog.install(tmp_path / "events.jsonl", 2000, 2, logger=logger)
    try:
        for i in range(200):
            logger.info("line %d", i)
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "events.jsonl",
        "events.jsonl.1",
        "events.jsonl.2",
    ]
    last = (tmp_path / "events.jsonl").read_text().splitlines()[-1]
    assert json.loads(last)["message"] == "line 199"


def test_redaction_keeps_the_kind_of_code_and_hides_the_rest():
    text = redact('{"code": "tb1:m12:12345678", "pin": "1234"} Bearer abc', ["sekrit"])
    assert text == '{"code": "tb1:<redacted>", "pin": "<redacted>"} Bearer <redacted>'
