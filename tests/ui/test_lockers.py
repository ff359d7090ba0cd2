"""Locker names on screen and the cabinet drawing's grid."""

from kiosk.ui.lockers import cabinet_lockers, grid_shape, locker_number, parse_locker


def test_a_locker_label_is_board_colon_lock():
    assert parse_locker("0:3") == (0, 3)
    assert parse_locker("door three") is None


def test_the_door_number_is_the_lock_number_on_a_single_board():
    assert locker_number("0:3", ["0:1", "0:2"]) == "3"


def test_the_door_number_names_the_board_when_there_are_several():
    assert locker_number("1:3", ["0:1", "1:3"]) == "1-3"


def test_cabinet_lockers_are_unique_and_in_board_then_lock_order():
    assert cabinet_lockers(["0:10", "0:2", "1:1", "0:2"]) == ["0:2", "0:10", "1:1"]


def test_the_grid_holds_every_locker():
    for count in range(1, 30):
        cols, rows = grid_shape(count, aspect=0.9)
        assert cols * rows >= count
        assert cols * (rows - 1) < count


def test_the_screens_read_locker_names_the_same_way():
    assert parse_locker(" 1 : 16 ") == (1, 16)
    for text in ("²:1", "0:0", "door three"):
        assert parse_locker(text) is None
