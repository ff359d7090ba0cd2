"""Board profiles: validated values, and the bit polarity that differs between board batches."""

import pytest

from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockState


def test_the_default_profile_is_a_kerong_board_at_19200() -> None:
    profile = BoardProfile()
    assert (profile.protocol, profile.baud, profile.locks) == ("kerong", 19200, 16)
    assert (profile.command_timeout, profile.quiet_gap, profile.read_retries) == (0.3, 0.02, 2)


def test_by_default_a_set_bit_means_open_and_present() -> None:
    assert BoardProfile().lock_state(True, True) == LockState(hook_open=True, item_present=True)
    assert BoardProfile().lock_state(False, False) == LockState(hook_open=False, item_present=False)


def test_inverted_polarity_inverts_the_lock_state() -> None:
    inverted = BoardProfile(hook_open_bit=0, item_present_bit=0)
    assert inverted.lock_state(True, True) == LockState(hook_open=False, item_present=False)
    assert inverted.lock_state(False, True) == LockState(hook_open=True, item_present=False)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("protocol", "modbus"),
        ("baud", 12345),
        ("locks", 0),
        ("locks", 17),
        ("hook_open_bit", 2),
        ("item_present_bit", -1),
        ("command_timeout", 0),
        ("quiet_gap", -0.1),
        ("read_retries", -1),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        BoardProfile(**{field: value})  # type: ignore[arg-type]
