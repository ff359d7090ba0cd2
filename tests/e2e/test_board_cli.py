"""`kiosk board status|open` against the simulated board, as a technician would run them."""

import json
import subprocess
import sys

import pytest

from sim.lockboard import SimKerongBoard
from sim.world import Cabinet


@pytest.fixture
def board():
    sim = SimKerongBoard(Cabinet.demo()).start()
    yield sim
    sim.stop()


def kiosk(*args):
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_board_status_lists_every_lock(board):
    run = kiosk("board", "status", "--port", board.url, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert len(doc["locks"]) == 16
    assert doc["locks"][1] == {"locker": "0:2", "hook_open": False, "item_present": True}
    assert doc["locks"][6]["item_present"] is False


def test_board_open_pulses_the_lock_once_and_reports_what_it_sees(board):
    run = kiosk("board", "open", "0:3", "--port", board.url, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["accepted"] is True and doc["after"]["hook_open"] is True
    assert board.cabinet.pulses(0, 3) == 1


def test_a_silent_board_is_a_failure_with_a_message(board):
    board.silent = True
    run = kiosk("board", "status", "--port", board.url)
    assert run.returncode == 1
    assert "board 0" in run.stderr and "Traceback" not in run.stderr
    # A silent board comes with what to check in the cabinet.
    assert "RS485 A and B swapped" in run.stderr and "DIP address" in run.stderr


def test_a_locker_name_that_is_not_board_colon_lock_is_refused(board):
    run = kiosk("board", "open", "three", "--port", board.url)
    assert run.returncode == 2
    assert "BOARD:LOCK" in run.stderr


@pytest.fixture
def xor_board():
    from sim.lockboard import make_board

    sim = make_board("xor").start()
    yield sim
    sim.stop()


def test_board_status_speaks_the_xor_protocol_and_says_it_has_no_item_sensor(xor_board):
    run = kiosk("board", "status", "--port", xor_board.url, "--protocol", "xor", "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["board"] == 1 and len(doc["locks"]) == 24
    assert doc["locks"][0] == {"locker": "1:1", "hook_open": False, "item_present": None}
    table = kiosk("board", "status", "--port", xor_board.url, "--protocol", "xor")
    assert "1:24    closed  no sensor" in table.stdout


def test_board_open_prints_accepted_and_the_bits_afterwards_as_two_facts(xor_board):
    xor_board.cabinet.jam(1, 2)
    run = kiosk("board", "open", "1:2", "--port", xor_board.url, "--protocol", "xor")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "locker 1:2: unlock accepted by the board"
    assert lines[1] == "  now: hook closed, item no sensor"  # accepted, yet it did not open
    assert xor_board.heard_unlocks(1, 2) == 1


def test_a_locker_on_a_board_the_protocol_cannot_address_is_refused(xor_board):
    run = kiosk("board", "open", "0:1", "--port", xor_board.url, "--protocol", "xor")
    assert run.returncode == 1
    assert "does not exist on a xor bus" in run.stderr and "Traceback" not in run.stderr
    assert xor_board.heard == []
