"""The service switch from the technician tools: stored, and sent to the ledger as it changes."""

import pytest

from kiosk.core.errors import ServiceSwitchError
from kiosk.core.service import ServiceMode
from kiosk.diag.switch import switch_service
from tests.diag.conftest import ledger_events


def test_out_of_service_and_back_reach_the_ledger_with_reason_and_technician(parts, site):
    switch_service(parts, ServiceMode.OUT_OF_SERVICE, "cleaning the cabinet", "tech-3")
    switch_service(parts, ServiceMode.IN_SERVICE, "clean again", "tech-3")
    service = [e["data"] for e in ledger_events(site, "service")]
    assert [(d["mode"], d["reason"], d["by"]) for d in service] == [
        ("out_of_service", "cleaning the cabinet", "tech-3"),
        ("in_service", "clean again", "tech-3"),
    ]
    assert parts.service.state().in_service


def test_a_switch_without_a_reason_is_refused_and_nothing_is_sent(parts, site):
    with pytest.raises(ServiceSwitchError, match="reason"):
        switch_service(parts, ServiceMode.OUT_OF_SERVICE, "   ", "tech-3")
    assert ledger_events(site, "service") == []
    assert parts.service.state().in_service
