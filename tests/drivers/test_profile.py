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


def test_an_xor_profile_starts_from_that_boards_factory_settings() -> None:
    profile = BoardProfile.for_protocol("xor")
    assert (profile.baud, profile.locks, profile.hook_open_bit) == (9600, 24, 0)
    assert profile.item_sensors is False
    assert BoardProfile.for_protocol("xor", locks=48).locks == 48


def test_without_item_sensors_an_item_never_reads_as_gone() -> None:
    profile = BoardProfile.for_protocol("xor")
    assert profile.lock_state(False) == LockState(True, item_present=True, item_sensed=False)
    assert profile.lock_state(True) == LockState(False, item_present=True, item_sensed=False)


@pytest.mark.parametrize(
    ("settings", "field"),
    [({"colour": 1}, "colour"), ({"item_sensors": True}, "item_sensors"), ({"locks": 51}, "locks")],
)
def test_a_bad_xor_setting_is_refused_naming_it(settings: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        BoardProfile.for_protocol("xor", **settings)


def test_the_reply_gap_is_never_shorter_than_three_and_a_half_characters() -> None:
    assert BoardProfile(baud=1200, quiet_gap=0.0).reply_gap == pytest.approx(3.5 * 10 / 1200)
    assert BoardProfile(quiet_gap=0.05).reply_gap == 0.05
