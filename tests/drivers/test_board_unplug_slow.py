"""An adapter unplugged for minutes: the driver keeps trying (back-off capped at 5 s) and
comes back without a restart. Slow: run with `pytest -m slow`."""

import pytest

from drivers.errors import PortUnavailable
from tests.drivers.board_rigs import PROTOCOLS, locker, rig


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_board_unplugged_for_two_minutes_is_used_again_once_it_is_back(protocol: str) -> None:
    with rig(protocol) as (sim, board):
        lk = locker(protocol)
        assert board.read(lk).hook_open is False
        sim.unplug(120)
        with pytest.raises(PortUnavailable):
            board.read(lk)
        # Two minutes of a kiosk's health checks against a missing adapter.
        while not board.wait_connected(10):
            with pytest.raises(PortUnavailable, match="reconnecting"):
                board.read(lk)
        assert board.read(lk).hook_open is False
        assert board.unlock(lk) is not None
        assert sim.heard_unlocks(lk.board, lk.lock) == 1
        assert board.status_report()["reconnects"] == 1
