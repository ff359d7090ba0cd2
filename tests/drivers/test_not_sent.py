"""An unlock that never left the kiosk is told apart from one that may have: NotSent (the lock
cannot have moved, so the vend is voided at once) only while the frame was not written whole."""

import errno
import time

import pytest

from drivers.errors import NotSent, PortUnavailable
from kiosk.core.errors import CommandNotSent
from tests.drivers.board_rigs import PROTOCOLS, locker, rig


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_an_unlock_with_the_port_gone_is_not_sent_and_nothing_moves(protocol: str) -> None:
    with rig(protocol) as (sim, board):
        lk = locker(protocol)
        assert board.read(lk).hook_open is False
        sim.unplug(1.0)
        with pytest.raises(PortUnavailable):
            board.read(lk)  # the driver learns the port is gone
        with pytest.raises(NotSent) as raised:
            board.unlock(lk, vend="vend-1")
        assert isinstance(raised.value, CommandNotSent)  # what the vend transaction catches
        assert "nothing sent" in str(raised.value)
        assert board.wait_connected(15)
        assert sim.heard_unlocks(lk.board, lk.lock) == 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_port_failing_after_the_frame_was_written_may_have_been_heard(protocol: str) -> None:
    """The write went through, draining it failed: the board may have the frame, so this is no
    NotSent, and the kiosk reads the lock before deciding."""
    with rig(protocol) as (sim, board):
        lk = locker(protocol)
        assert board.read(lk).hook_open is False
        port = board._link._port  # the open pyserial port under the driver
        real_flush = port.flush

        def flush_then_fail() -> None:
            real_flush()
            raise OSError(errno.EIO, "Input/output error")

        port.flush = flush_then_fail
        with pytest.raises(PortUnavailable) as raised:
            board.unlock(lk, vend="vend-2")
        assert not isinstance(raised.value, NotSent)
        assert "port failed during a command" in str(raised.value)


def test_a_port_gone_after_an_unanswered_unlock_went_out_is_never_called_not_sent() -> None:
    """Current Kerong firmware never answers an unlock; the driver sends it and reads. When the
    adapter goes away between the two, the read's retry finds the port closed ("nothing
    sent"), but the unlock was sent: the error must not say NotSent, or the vend transaction
    would void a vend whose door sprang open (a soak in CI caught exactly this: an item
    handed out, its coins given back)."""
    with rig("kerong") as (sim, board):
        lk = locker("kerong")
        assert board.read(lk).hook_open is False  # the board's dialect: never answers unlocks
        link = board._link
        real_send = link.send

        def send_then_unplug(frame: bytes) -> None:
            real_send(frame)
            deadline = time.monotonic() + 5
            while sim.cabinet.pulses(lk.board, lk.lock) == 0:  # the board has carried it out
                assert time.monotonic() < deadline, "the simulator never pulsed the lock"
                time.sleep(0.005)
            sim.unplug(1.0)

        link.send = send_then_unplug  # type: ignore[method-assign]
        with pytest.raises(PortUnavailable) as raised:
            board.unlock(lk, vend="vend-3")
        assert not isinstance(raised.value, CommandNotSent)
        assert "NOT re-sent" in str(raised.value)
        assert sim.cabinet.locker(lk.board, lk.lock).door_open  # the door really opened
        assert sim.heard_unlocks(lk.board, lk.lock) == 1
