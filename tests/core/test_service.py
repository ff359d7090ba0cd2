"""The service switch survives a restart and keeps who changed it, when and why."""

import pytest

from kiosk.core.errors import ServiceSwitchError
from kiosk.core.service import MAX_REASON, ServiceMode, ServiceSwitch


def test_a_kiosk_never_switched_is_in_service(tmp_path):
    with ServiceSwitch(tmp_path / "journal.db") as switch:
        assert switch.state().in_service and switch.state().at is None


def test_out_of_service_survives_a_restart(tmp_path):
    with ServiceSwitch(tmp_path / "journal.db") as switch:
        switch.set(ServiceMode.OUT_OF_SERVICE, "  lock 0:3   jammed ", "tech-9")
    with ServiceSwitch(tmp_path / "journal.db") as again:
        state = again.state()
    assert state.mode is ServiceMode.OUT_OF_SERVICE
    assert (state.reason, state.actor) == ("lock 0:3 jammed", "tech-9")


def test_history_lists_changes_newest_first(tmp_path):
    with ServiceSwitch(tmp_path / "journal.db") as switch:
        switch.set(ServiceMode.OUT_OF_SERVICE, "restock", "tech-1")
        switch.set(ServiceMode.IN_SERVICE, "done", "tech-1")
        assert [s.reason for s in switch.history()] == ["done", "restock"]
        assert switch.status()["mode"] == "in_service"


@pytest.mark.parametrize(
    ("reason", "actor", "message"),
    [
        ("", "tech-1", "a reason is required"),
        ("x" * (MAX_REASON + 1), "tech-1", "at most"),
        ("fine", " ", "member id is required"),
    ],
)
def test_a_change_without_reason_or_technician_is_refused_and_not_stored(
    tmp_path, reason, actor, message
):
    with ServiceSwitch(tmp_path / "journal.db") as switch:
        with pytest.raises(ServiceSwitchError, match=message):
            switch.set(ServiceMode.OUT_OF_SERVICE, reason, actor)
        assert switch.state().in_service and switch.history() == []
