"""The simulated cabinet: latches, doors, items and the pulse counter."""

import pytest

from sim.world import Cabinet, SimLocker


@pytest.fixture
def cabinet() -> Cabinet:
    return Cabinet.demo()


def test_the_demo_cabinet_holds_six_stocked_lockers_on_board_0(cabinet: Cabinet) -> None:
    stock = [(lk.board, lk.lock, lk.sku, lk.items) for lk in cabinet.lockers()]
    assert stock == [
        (0, 1, "tissues", 3),
        (0, 2, "water", 2),
        (0, 3, "rice", 1),
        (0, 4, "soap", 2),
        (0, 5, "noodles", 2),
        (0, 6, "oil", 1),
    ]
    assert cabinet.boards() == [0]


def test_lockers_start_latched_and_closed(cabinet: Cabinet) -> None:
    assert not cabinet.hook_open(0, 1)
    assert cabinet.item_present(0, 1)
    assert not cabinet.open_door(0, 1)


def test_a_released_door_springs_open(cabinet: Cabinet) -> None:
    assert cabinet.release(0, 1)
    assert cabinet.hook_open(0, 1)
    assert cabinet.locker(0, 1).door_open


def test_an_item_can_be_taken_only_through_an_open_door(cabinet: Cabinet) -> None:
    assert not cabinet.take_item(0, 3)
    cabinet.release(0, 3)
    assert cabinet.take_item(0, 3)
    assert not cabinet.item_present(0, 3)
    assert not cabinet.take_item(0, 3)  # it held one


def test_closing_the_door_relatches_it(cabinet: Cabinet) -> None:
    cabinet.release(0, 2)
    cabinet.close_door(0, 2)
    assert not cabinet.hook_open(0, 2)
    assert not cabinet.open_door(0, 2)


def test_a_jammed_lock_counts_the_pulse_but_stays_latched(cabinet: Cabinet) -> None:
    cabinet.jam(0, 4)
    assert not cabinet.release(0, 4)
    assert not cabinet.hook_open(0, 4)
    assert cabinet.pulses(0, 4) == 1
    cabinet.jam(0, 4, jammed=False)
    assert cabinet.release(0, 4)
    assert cabinet.pulses(0, 4) == 2


def test_board_bits_cover_sixteen_locks_with_empty_positions_closed(cabinet: Cabinet) -> None:
    cabinet.release(0, 2)
    hooks, items = cabinet.board_bits(0)
    assert hooks == tuple(n == 2 for n in range(1, 17))
    assert items == tuple(n <= 6 for n in range(1, 17))


def test_snapshots_do_not_change_the_cabinet(cabinet: Cabinet) -> None:
    cabinet.locker(0, 1).items = 0
    assert cabinet.item_present(0, 1)


def test_an_unknown_locker_is_a_key_error_naming_it(cabinet: Cabinet) -> None:
    with pytest.raises(KeyError, match="3:9"):
        cabinet.release(3, 9)


def test_a_locker_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="0:1"):
        Cabinet([SimLocker(0, 1), SimLocker(0, 1)])
