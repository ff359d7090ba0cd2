"""The kiosk's event outbox: what the running kiosk posts while the ledger is away survives a
restart and reaches the ledger once, from the sending thread."""

from kiosk.core.outbox import EventOutbox
from kiosk.ledger_client import LedgerClient
from tests.diag.conftest import ledger_events


def test_events_posted_while_the_ledger_is_down_reach_it_after_a_restart(rig, tmp_path):
    down = LedgerClient("http://127.0.0.1:9", "k", timeout=0.5, retries=0)
    outbox = EventOutbox(down, tmp_path / "journal.db", first_delay=0.05)
    outbox.start()
    outbox.post("inventory", {"n": 1})
    outbox.post("alarm", {"n": 2})
    assert not outbox.flush(0.5)  # nothing can go: the events wait
    assert outbox.pending() == 2
    outbox.close()  # the kiosk stops (or loses power) with the ledger still away

    outbox = EventOutbox(rig.ledger, tmp_path / "journal.db", first_delay=0.05)
    outbox.start()
    assert outbox.flush(10) and outbox.pending() == 0
    outbox.close()
    stored = ledger_events(rig.site, "inventory") + ledger_events(rig.site, "alarm")
    assert sorted(e["data"]["n"] for e in stored) == [1, 2]
