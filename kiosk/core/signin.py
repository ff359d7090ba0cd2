"""Signing a member in: a phone code, a printed card and its PIN, or the kiosk's own QR code
that the member's phone confirms (polled at the ledger's interval). Who signed in is handed on:
staff to the technician screens, members to the catalog (kiosk/core/session.py decides).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk.core.errors import (
    LedgerError,
    LedgerUnreachable,
    LockedOut,
    PairingGone,
    WrongPin,
)
from kiosk.core.interfaces import Ledger, MemberSession, Pairing
from kiosk.core.view import KioskView, PairingView, SessionState, error_key
from kiosk.core.visit import Visit
from kiosk.core.worker import SessionWorker

log = logging.getLogger(__name__)

CARD_PREFIX = "tbc1:"  # a printed card: always needs the member's PIN
STAFF_ROLES = ("technician", "staff")
SLOW_DOWN_STEP = 5.0  # RFC 8628: a slow_down answer adds five seconds to the interval


class SignIn:
    """The sign-in steps; each runs on the session worker. `signed_in` is told of each member
    the ledger let in (the visit record already holds their session)."""

    def __init__(
        self,
        visit: Visit,
        ledger: Ledger,
        worker: SessionWorker,
        signed_in: Callable[[MemberSession], None],
    ) -> None:
        self.visit = visit
        self.ledger = ledger
        self.worker = worker
        self._signed_in_to = signed_in
        self._card: str | None = None  # a printed card's code, waiting for its PIN
        self._pairing: Pairing | None = None

    def forget(self) -> None:
        """The visit ended: no card waits for its PIN, no pairing for the phone."""
        self._card, self._pairing = None, None

    def identify(self, code: str) -> None:
        code = code.strip()
        state = self.visit.view.state
        if state not in (SessionState.IDLE, SessionState.OUT_OF_SERVICE):
            log.info("a code was scanned during a visit (%s): ignored", state.value)
            return
        if not code:
            return
        if code.startswith(CARD_PREFIX):
            self._ask_pin(code)
            return
        self.visit.publish(self.visit.busy(SessionState.IDENTIFYING))
        self._open(code, None)

    def _ask_pin(self, card: str, notice: str | None = None, attempts: int | None = None) -> None:
        self._card = card
        self.visit.publish(
            KioskView(state=SessionState.PIN_ENTRY, notice=notice, attempts_left=attempts)
        )

    def enter_pin(self, pin: str) -> None:
        view = self.visit.view
        if view.state is not SessionState.PIN_ENTRY or view.busy or not self._card:
            log.info("a PIN was sent in state %s: ignored", view.state.value)
            return
        self.visit.publish(KioskView(state=SessionState.PIN_ENTRY, busy=True))
        self._open(self._card, pin)

    def _open(self, code: str, pin: str | None) -> None:
        try:
            session = self.ledger.open_session(code, pin)
        except WrongPin as e:
            self._ask_pin(code, "error.wrong_pin", e.attempts_left)
            return
        except LedgerUnreachable:
            self._refused("error.ledger_unreachable")
            return
        except LockedOut:
            self._refused("error.locked_out")
            return
        except LedgerError as e:
            if e.code == "pin_required":  # a card format the kiosk does not know by its prefix
                self._ask_pin(code)
                return
            self._refused(error_key(e.code))
            return
        self._signed_in(session)

    def _refused(self, notice: str) -> None:
        self._card = None
        self.visit.publish(self.visit.idle_view(notice))

    def _signed_in(self, session: MemberSession) -> None:
        self._card, self._pairing = None, None
        self.visit.session = session
        self._signed_in_to(session)

    # --- the kiosk's own QR code -------------------------------------------------------------

    def pair(self) -> None:
        if self.visit.view.state is not SessionState.IDLE:
            log.info("pairing asked in state %s: ignored", self.visit.view.state.value)
            return
        self.visit.publish(self.visit.busy(SessionState.IDENTIFYING))
        try:
            pairing = self.ledger.create_pairing()
        except LedgerError as e:
            unreachable = isinstance(e, LedgerUnreachable)
            self._refused("error.ledger_unreachable" if unreachable else error_key(e.code))
            return
        self._pairing = pairing
        self.visit.publish(
            KioskView(
                state=SessionState.PAIRING,
                pairing=PairingView(pairing.pairing, pairing.url, pairing.expires_in),
            )
        )
        self._schedule_poll(pairing.pairing, pairing.interval)

    def _schedule_poll(self, pairing: str, after: float) -> None:
        timer = threading.Timer(
            after, lambda: self.worker.submit(lambda: self._poll(pairing, after))
        )
        timer.daemon = True
        timer.start()

    def _poll(self, pairing: str, interval: float) -> None:
        if self.visit.view.state is not SessionState.PAIRING or self._pairing is None:
            return  # cancelled, timed out, or already signed in
        if self._pairing.pairing != pairing:
            return
        try:
            answer = self.ledger.poll_pairing(pairing)
        except PairingGone as e:
            log.info("pairing %s ended: %s", pairing, e.code)
            self._refused("error.pairing_expired")
            return
        except LedgerError as e:
            if e.code == "slow_down":
                interval += SLOW_DOWN_STEP
            else:  # unreachable or a hiccup: keep polling until the pairing times out
                log.warning("polling pairing %s failed: %s", pairing, e)
            self._schedule_poll(pairing, interval)
            return
        if answer.state == "confirmed" and answer.session is not None:
            self._signed_in(answer.session)
            return
        self._schedule_poll(pairing, interval)
