"""`BOARD:LOCK` has one reader, LockerAddress.parse: the config, the technician's commands, the
screens (tests/ui/test_lockers.py) and the simulator's fault commands (tests/sim/test_fault_cli.py)
all read a locker's name through it."""

from __future__ import annotations

import pytest

from kiosk.core.interfaces import LockerAddress


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("0:3", LockerAddress(0, 3)),
        ("00:03", LockerAddress(0, 3)),
        (" 1 : 16 ", LockerAddress(1, 16)),
    ],
)
def test_a_locker_name_reads_as_its_board_and_lock(text, address):
    assert LockerAddress.parse(text) == address
    assert str(LockerAddress.parse(text)) == f"{address.board}:{address.lock}"


NOT_NAMES = ["", "3", "0:", ":3", "0-3", "a:b", "²:1", "0:３", "0:1:2", "-1:3"]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_anything_else_is_refused_in_the_same_words(text):
    with pytest.raises(ValueError, match=r"is not BOARD:LOCK \(for example 0:3\)"):
        LockerAddress.parse(text)


@pytest.mark.parametrize(
    ("text", "words"), [("32:1", "board address 32"), ("0:0", "lock number 0")]
)
def test_a_locker_the_bus_cannot_have_is_refused_with_its_range(text, words):
    with pytest.raises(ValueError, match=words):
        LockerAddress.parse(text)
