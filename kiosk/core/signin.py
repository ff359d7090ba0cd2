"""Signing a member in: a phone code, a printed card and its PIN, or the kiosk's own QR code
that the member's phone confirms (polled at the ledger's interval). Staff badges open the
technician screens.
"""

from __future__ import annotations

import logging
import threading

from kiosk.core.engine import SessionEngine
from kiosk.core.errors import (
    LedgerError,
    LedgerUnreachable,
    LockedOut,
    PairingGone,
    WrongPin,
)
from kiosk.core.interfaces import MemberSession
from kiosk.core.view import KioskView, PairingView, SessionState, error_key

log = logging.getLogger(__name__)

CARD_PREFIX = "tbc1:"  # a printed card: always needs the member's PIN
STAFF_ROLES = ("technician", "staff")
SLOW_DOWN_STEP = 5.0  # RFC 8628: a slow_down answer adds five seconds to the interval


class SignIn(SessionEngine):
    """The sign-in steps; each runs on the worker thread."""

    def _identify(self, code: str) -> None:
        code = code.strip()
        state = self._view.state
        if state is SessionState.TECHNICIAN:
            self._tech_scanned(code)
            return
        if state not in (SessionState.IDLE, SessionState.OUT_OF_SERVICE):
            log.info("a code was scanned during a visit (%s): ignored", state.value)
            return
        if not code:
            return
        if code.startswith(CARD_PREFIX):
            self._ask_pin(code)
            return
        self._publish(self._busy(SessionState.IDENTIFYING))
        self._open(code, None)

    def _ask_pin(self, card: str, notice: str | None = None, attempts: int | None = None) -> None:
        self._card = card
        self._publish(
            KioskView(state=SessionState.PIN_ENTRY, notice=notice, attempts_left=attempts)
        )

    def _enter_pin(self, pin: str) -> None:
        if self._view.state is not SessionState.PIN_ENTRY or self._view.busy or not self._card:
            log.info("a PIN was sent in state %s: ignored", self._view.state.value)
            return
        self._publish(KioskView(state=SessionState.PIN_ENTRY, busy=True))
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
        self._publish(self._idle_view(notice))

    def _signed_in(self, session: MemberSession) -> None:
        self._card, self._pairing = None, None
        self._session = session
        role = session.member.role
        if role in STAFF_ROLES:
            self._enter_technician(session)
            return
        if self._out_of_service is not None:
            # Only staff may use a kiosk that is out of service.
            self._reset()
            return
        try:
            self._catalog = self.ledger.catalog()
        except LedgerError as e:
            self._reset(
                "error.ledger_unreachable" if isinstance(e, LedgerUnreachable) else "error.unknown"
            )
            return
        self._cart = []
        self._show_catalog()

    def _busy(self, state: SessionState) -> KioskView:
        return KioskView(state=state, busy=True, out_of_service=self._out_of_service)

    # --- the kiosk's own QR code -------------------------------------------------------------

    def _pair(self) -> None:
        if self._view.state is not SessionState.IDLE:
            log.info("pairing asked in state %s: ignored", self._view.state.value)
            return
        self._publish(self._busy(SessionState.IDENTIFYING))
        try:
            pairing = self.ledger.create_pairing()
        except LedgerError as e:
            unreachable = isinstance(e, LedgerUnreachable)
            self._refused("error.ledger_unreachable" if unreachable else error_key(e.code))
            return
        self._pairing = pairing
        self._publish(
            KioskView(
                state=SessionState.PAIRING,
                pairing=PairingView(pairing.pairing, pairing.url, pairing.expires_in),
            )
        )
        self._schedule_poll(pairing.pairing, pairing.interval)

    def _schedule_poll(self, pairing: str, after: float) -> None:
        timer = threading.Timer(after, lambda: self._submit(lambda: self._poll(pairing, after)))
        timer.daemon = True
        timer.start()

    def _poll(self, pairing: str, interval: float) -> None:
        if self._view.state is not SessionState.PAIRING or self._pairing is None:
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
