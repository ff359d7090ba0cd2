"""The visit record the session's parts share: the view on screen, the member signed in and
why the kiosk is out of service; and the one place a view is published, which restarts the
screen's inactivity timer (a member who walks away must not leave their coins open to the next).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from kiosk.core.deadline import Deadline
from kiosk.core.interfaces import MemberSession
from kiosk.core.settings import SessionTimeouts
from kiosk.core.steps import VendStep
from kiosk.core.view import KioskView, SessionState

log = logging.getLogger(__name__)

Listener = Callable[[KioskView], None]

_IDLE_SCREENS = (
    SessionState.RESERVED,
    SessionState.BROWSING,
    SessionState.CONFIRMING,
    SessionState.RESULT,
)
# Screens whose timeout first asks "need more time?" (a technician's and a pairing's do not).
_ASKING_SCREENS = (*_IDLE_SCREENS, SessionState.PIN_ENTRY)


def member_view(session: MemberSession, state: SessionState, **fields: Any) -> KioskView:
    """A screen of the signed-in member's: their name, role and balance, and `fields`."""
    return KioskView(
        state=state,
        member_name=session.member.name,
        member_role=session.member.role,
        balance=session.balance,
        **fields,
    )


class Visit:
    """What the screens see of the visit now. Changed only on the session worker; read from
    any thread. `expire(activity)` is called (on the timer's thread) when a screen was left
    untouched for its timeout; `current(activity)` then says whether nothing moved on since."""

    def __init__(
        self, timeouts: SessionTimeouts, expire: Callable[[int], object], help_phone: str = ""
    ) -> None:
        self.timeouts = timeouts
        self.help_phone = help_phone
        self.session: MemberSession | None = None  # the ledger session of who is signed in
        self.out_of_service: str | None = None  # why, as a translation key
        self._view = KioskView()
        self._listeners: list[Listener] = []
        self._lock = threading.RLock()
        self._activity = 0  # bumped by every intent and view; a stale timeout sees it moved on
        self._timeout = Deadline(expire, "session-timeout")
        self._closed = False

    @property
    def view(self) -> KioskView:
        return self._view

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every new view (from the worker thread) and once now."""
        self._listeners.append(listener)
        listener(self._view)

    def publish(self, view: KioskView) -> None:
        """Show `view`: the screen changed, so its inactivity timer starts again (and a
        "need more time?" on it is answered)."""
        if view.ends_in is not None or view.help_phone != self.help_phone:
            view = replace(view, ends_in=None, help_phone=self.help_phone)
        with self._lock:
            self._view = view
            self._arm_timer(view)
        log.info("view: %s%s", view.state.value, f" ({view.notice})" if view.notice else "")
        for listener in self._listeners:
            listener(view)

    def show_step(self, step: VendStep) -> None:
        """A vend under way reached `step`: the vending screen shows it."""
        current = self.view
        if current.vend is not None:
            self.publish(replace(current, vend=replace(current.vend, step=step)))

    def refresh(self, view: KioskView) -> None:
        """Publish a view that is not the member's doing (a live sensor read): the inactivity
        timer keeps running."""
        with self._lock:
            self._view = view
        for listener in self._listeners:
            listener(view)

    def ask_more_time(self) -> bool:
        """The screen's time is up but for its last `timeouts.warning` seconds: show them
        counting down with "need more time?" and give them; False when this screen does not
        ask, or already asked (its time is then over). On the session worker."""
        with self._lock:
            view, seconds = self._view, self.timeouts.warning
            if view.ends_in is not None or not self._asks(view):
                return False
            view = replace(view, ends_in=seconds)
            self._view = view
            self._timeout.arm(seconds, self._activity)  # the same activity: still untouched
        log.info("view: %s asks for more time (%.0f s)", view.state.value, seconds)
        for listener in self._listeners:
            listener(view)
        return True

    def more_time(self) -> None:
        """The member answered "yes": the same screen, its timer anew. On the session worker."""
        if self._view.ends_in is not None:
            self.publish(self._view)

    def touched(self) -> None:
        """A touch: the member is still there, the screen's timer starts again."""
        with self._lock:
            self._arm_timer(self._view)

    def current(self, activity: int) -> bool:
        """Whether nothing happened since the timer armed with `activity`."""
        return activity == self._activity

    def idle_view(self, notice: str | None = None) -> KioskView:
        """The attract screen, or the out-of-service screen while the kiosk cannot sell."""
        if self.out_of_service is not None:
            return KioskView(
                state=SessionState.OUT_OF_SERVICE,
                out_of_service=self.out_of_service,
                notice=notice,
                help_phone=self.help_phone,
            )
        return KioskView(notice=notice, help_phone=self.help_phone)

    def busy(self, state: SessionState) -> KioskView:
        return KioskView(state=state, busy=True, out_of_service=self.out_of_service)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._activity += 1
        self._timeout.close()  # outside our lock: its thread may be waiting for it

    def _timeout_for(self, view: KioskView) -> float | None:
        if view.busy:
            return None
        if view.state in _IDLE_SCREENS:
            return self.timeouts.idle
        return {
            SessionState.PIN_ENTRY: self.timeouts.pin,
            SessionState.PAIRING: self.timeouts.pairing,
            SessionState.TECHNICIAN: self.timeouts.technician,
        }.get(view.state)

    def _asks(self, view: KioskView) -> bool:
        timeout = self._timeout_for(view)
        return (
            view.state in _ASKING_SCREENS
            and timeout is not None
            and timeout > self.timeouts.warning > 0
        )

    def _arm_timer(self, view: KioskView) -> None:
        self._activity += 1
        timeout = self._timeout_for(view)
        if timeout is not None and view.ends_in is None and self._asks(view):
            timeout -= self.timeouts.warning  # then ask_more_time() gives the rest
        self._timeout.arm(None if self._closed else timeout, self._activity)
