"""Putting the kiosk out of service and back: stored, logged and sent to the ledger."""

from __future__ import annotations

import logging

from kiosk.core.outbox import EventKind
from kiosk.core.service import ServiceMode, ServiceState
from kiosk.diag.locktest import report_action
from kiosk.wiring.parts import KioskParts

log = logging.getLogger(__name__)


def switch_service(parts: KioskParts, mode: ServiceMode, reason: str, actor: str) -> ServiceState:
    """Throw the service switch; ServiceSwitchError when the reason or actor is missing."""
    state = parts.service.set(mode, reason, actor)
    log.warning("service switch: %s by %s: %s", state.mode.value, state.actor, state.reason)
    parts.events.report(EventKind.SERVICE, state.as_dict())
    report_action(parts, actor, "service", state.as_dict())
    return state
