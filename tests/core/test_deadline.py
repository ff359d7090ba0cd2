"""The session's inactivity deadline: re-armed on every touch and view without a new thread each
time, firing only for the latest arming."""

import threading

import pytest

from kiosk.core.deadline import Deadline
from kiosk.core.session import SessionController
from kiosk.core.settings import SessionTimeouts
from kiosk.core.view import SessionState


class Fired:
    def __init__(self) -> None:
        self.tokens: list[int] = []
        self.cond = threading.Condition()

    def __call__(self, token: int) -> None:
        with self.cond:
            self.tokens.append(token)
            self.cond.notify_all()

    def wait_for(self, token: int) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: token in self.tokens, 10.0), self.tokens


def threads_named(name: str) -> int:
    return sum(1 for t in threading.enumerate() if t.name == name)


def test_it_fires_with_the_token_of_the_latest_arming_only() -> None:
    fired = Fired()
    deadline = Deadline(fired, "deadline-latest")
    try:
        deadline.arm(60.0, 1)
        deadline.arm(0.01, 2)  # replaces the first: token 1 is never due
        fired.wait_for(2)
        assert fired.tokens == [2]
    finally:
        deadline.close()


def test_a_thousand_armings_run_on_one_thread() -> None:
    fired = Fired()
    deadline = Deadline(fired, "deadline-one-thread")
    try:
        for token in range(1000):
            deadline.arm(60.0, token)
        assert threads_named("deadline-one-thread") == 1
        deadline.arm(0.0, 1000)
        fired.wait_for(1000)
        assert fired.tokens == [1000]
    finally:
        deadline.close()


def test_it_can_be_armed_again_after_firing_and_survives_a_failing_action() -> None:
    fired = Fired()

    def action(token: int) -> None:
        fired(token)
        if token == 1:
            raise RuntimeError("the action failed")

    deadline = Deadline(action, "deadline-again")
    try:
        deadline.arm(0.0, 1)
        fired.wait_for(1)
        deadline.arm(0.0, 2)
        fired.wait_for(2)
        assert fired.tokens == [1, 2]
    finally:
        deadline.close()


def test_closing_disarms_for_good_and_stops_the_thread() -> None:
    fired = Fired()
    deadline = Deadline(fired, "deadline-closed")
    deadline.arm(60.0, 1)
    deadline.close()
    deadline.arm(0.0, 2)  # ignored once closed
    assert threads_named("deadline-closed") == 0
    assert fired.tokens == []


def test_touches_on_the_catalog_start_no_thread_each(rig, monkeypatch: pytest.MonkeyPatch) -> None:
    controller = SessionController(rig.ledger, rig.inventory, rig.vends, SessionTimeouts(idle=30.0))
    browsing = threading.Event()
    controller.subscribe(lambda v: browsing.set() if v.state is SessionState.BROWSING else None)
    try:
        controller.present_code(rig.site.phone_code("王阿姨"))
        assert browsing.wait(10)
        started: list[str] = []
        start = threading.Thread.start

        def counted(thread: threading.Thread) -> None:
            started.append(thread.name)
            start(thread)

        monkeypatch.setattr(threading.Thread, "start", counted)
        for _ in range(50):
            controller.touched()  # each one re-arms the idle timeout
        monkeypatch.undo()
        assert started == []
    finally:
        controller.close()
