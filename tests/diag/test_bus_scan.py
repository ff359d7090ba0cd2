"""`kiosk diag bus` at a lock-board bus that says nothing, as a technician runs it: every usual
speed is tried against the simulated board on a real pty (which listens at its own baud only),
and the hints say which speed answered, or what to check in the wiring."""

import json
import threading
from pathlib import Path

from kiosk.diag.bus import SCAN_BAUDS, scan_bus
from sim.lockboard import make_board
from sim.site import SimulatedSite
from tests.diag.conftest import kiosk


def rows(stdout: str) -> dict[tuple[int, int], list[int]]:
    """(board, baud) -> [replies, checksum errors, timeouts] from the printed table."""
    found = {}
    for line in stdout.splitlines():
        cells = line.split()
        if len(cells) >= 5 and cells[0].isdigit():
            found[(int(cells[0]), int(cells[1]))] = [int(c) for c in cells[2:5]]
    return found


def test_a_wkly_board_at_another_speed_is_found_and_named() -> None:
    with make_board("wkly", baud=38400) as sim:
        run = kiosk("diag", "bus", "--port", sim.url, "--protocol", "wkly")
    assert run.returncode == 0, run.stdout + run.stderr
    table = rows(run.stdout)
    assert sorted(baud for _, baud in table) == sorted(SCAN_BAUDS)
    assert table[(0, 38400)] == [3, 0, 0]
    assert all(table[(0, baud)] == [0, 0, 3] for baud in SCAN_BAUDS if baud != 38400)
    assert "9600    0        0                3  <- the wkly factory speed" in run.stdout
    assert (
        "- board 0 answers at 38400 baud, not at 9600 (the wkly factory speed): "
        "set [lockboard] baud = 38400" in run.stdout
    )
    assert sim.cabinet.pulses(0, 1) == 0  # a scan never unlocks anything


def test_a_kerong_board_at_its_usual_speed_needs_no_change() -> None:
    with make_board("kerong") as sim:
        run = kiosk("diag", "bus", "--port", sim.url, "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    by_baud = {s["baud"]: s for s in doc["speeds"]}
    assert by_baud[19200]["replies"] == 3 and by_baud[115200]["timeouts"] == 3
    assert doc["hints"] == ["board 0 answers at 19200 baud"]


def test_a_silent_bus_names_power_address_and_swapped_wires() -> None:
    with make_board("xor") as sim:
        sim.fault("silent")
        run = kiosk("diag", "bus", "--port", sim.url, "--protocol", "xor", "--reads", "1")
    assert run.returncode == 1
    assert all(counts == [0, 0, 1] for counts in rows(run.stdout).values())
    assert "board 1: nothing came back at any speed" in run.stdout
    assert "12 V" in run.stdout and "DIP address is 1" in run.stdout
    assert "swap the RS485 A and B wires" in run.stdout and "Traceback" not in run.stderr


def test_garbage_at_one_speed_points_at_the_wires_and_termination() -> None:
    with make_board("kerong") as sim:
        sim.fault("corrupt", -1)
        run = kiosk("diag", "bus", "--port", sim.url, "--reads", "2")
    assert run.returncode == 1
    assert rows(run.stdout)[(0, 19200)] == [0, 2, 0]
    assert "board 0: bytes came back at 19200 baud but never a valid frame" in run.stdout
    assert "A and B wires are probably swapped" in run.stdout and "termination" in run.stdout


def test_swapped_wires_on_a_board_that_reports_doors_read_as_garbage_at_every_speed() -> None:
    """A WKLY board on swapped A/B never hears a command, but its door events still go out,
    inverted: the host sees bytes and never a frame."""
    with make_board("wkly") as sim:
        sim.fault("swapped")
        stop = threading.Event()

        def doors() -> None:  # somebody working at the cabinet while the scan runs
            while not stop.is_set():
                sim.cabinet.release(0, 2)
                stop.wait(0.05)
                sim.cabinet.close_door(0, 2)
                stop.wait(0.05)

        thread = threading.Thread(target=doors, daemon=True)
        thread.start()
        try:
            scan = scan_bus(sim.url, "wkly", [0], configured_baud=9600, reads=2, timeout=0.3)
        finally:
            stop.set()
            thread.join()
    assert scan.answering(0) == []
    assert all(s.checksum_errors > 0 for s in scan.speeds), scan.speeds
    assert "A and B wires are probably swapped" in scan.hints()[0]
    assert sim.heard == []  # every command arrived inverted: nothing was understood


def test_the_counters_are_per_board() -> None:
    with make_board("wkly") as sim:
        run = kiosk(
            "diag", "bus", "--port", sim.url, "--protocol", "wkly", "--board", "0", "--board", "4"
        )
    assert run.returncode == 1  # board 4 is not there
    table = rows(run.stdout)
    assert table[(0, 9600)] == [3, 0, 0] and table[(4, 9600)] == [0, 0, 3]
    assert "- board 0 answers at 9600 baud\n" in run.stdout
    assert "board 4: nothing came back at any speed" in run.stdout


def test_a_port_that_is_not_there_is_said_once(tmp_path: Path) -> None:
    run = kiosk("diag", "bus", "--port", str(tmp_path / "ttyUSB9"), "--protocol", "wkly")
    assert run.returncode == 1
    assert "the port does not open" in run.stdout and "RS485 adapter" in run.stdout


def test_bad_arguments_are_refused_in_words() -> None:
    run = kiosk("diag", "bus", "--port", "/dev/null", "--protocol", "xor", "--board", "0")
    assert run.returncode == 2 and "--board: a xor bus has 1..31" in run.stderr
    run = kiosk("diag", "bus", "--port", "/dev/null", "--reads", "0")
    assert run.returncode == 2 and "--reads is 1..50" in run.stderr
    run = kiosk("diag", "bus", "--port", "/dev/null", "--baud", "12345")
    assert run.returncode == 2 and "--baud 12345 is not one of" in run.stderr
    run = kiosk("diag", "bus", "--sim")
    assert run.returncode == 2 and "give --port" in run.stderr


def test_without_a_port_the_config_names_port_protocol_speed_and_boards(
    site: SimulatedSite,
) -> None:
    run = kiosk("diag", "bus", "--config", str(site.config_path), "--reads", "1")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"bus scan of {site.board.url} (kerong)" in run.stdout
    assert "19200   1        0                0  <- the config" in run.stdout
