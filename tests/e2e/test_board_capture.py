"""`kiosk board capture` against simulated boards on real ptys, as a technician would run it,
and the capture played back to the driver (sim/lockboard/replay.py): same bytes, same states."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from drivers.lockboard import open_board
from drivers.lockboard.base import state_bits
from drivers.lockboard.capture import read_capture
from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockerAddress
from sim.lockboard import FIRST_BOARD, make_board
from sim.lockboard.replay import ReplayBoard

STATUS_Q = bytes.fromhex("02 00 30 03 35")


def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", *args], capture_output=True, text=True, timeout=60
    )


def capture(tmp_path: Path, sim, protocol: str, *extra: str) -> tuple[Path, str]:
    out = tmp_path / "capture.jsonl"
    board = str(FIRST_BOARD[protocol])
    run = kiosk(
        "board", "capture", "--port", sim.url, "--protocol", protocol, "--out", str(out),
        "--board", board, *extra,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return out, run.stdout


def test_a_capture_holds_every_byte_both_ways_in_order_with_timestamps(tmp_path: Path) -> None:
    with make_board("kerong") as sim:
        out, printed = capture(tmp_path, sim, "kerong", "--open", "0:3")
        assert sim.cabinet.pulses(0, 3) == 1
    cap = read_capture(out)
    assert (cap.header["protocol"], cap.header["baud"], cap.header["port"]) == (
        "kerong",
        19200,
        sim.url,
    )
    hosts = [data for _t, side, data in cap.chunks if side == "host"]
    # read, unlock (never answered by current firmware), its confirming read, open's read after
    assert hosts == [STATUS_Q, bytes.fromhex("02 02 31 03 38"), STATUS_Q, STATUS_Q]
    answers = cap.answers()
    assert answers[bytes.fromhex("02 02 31 03 38")] == [b""]
    assert answers[STATUS_Q][0] == bytes.fromhex("02 00 35 00 00 3F 00 03 79")
    assert answers[STATUS_Q][1] == bytes.fromhex("02 00 35 04 00 3F 00 03 7D")  # lock 3 open
    times = [t for t, _side, _data in cap.chunks]
    assert times == sorted(times) and times[0] > 0
    assert "board 0: answered (current firmware)" in printed
    assert "open 0:3: accepted (the board answered the status read after it)" in printed
    assert [n["note"] for n in cap.notes][-1] == "open 0:3"


def test_a_door_opened_by_hand_during_a_timed_capture_shows_in_it(tmp_path: Path) -> None:
    with make_board("kerong") as sim:
        threading.Timer(0.6, sim.cabinet.release, (0, 5)).start()
        out, _ = capture(tmp_path, sim, "kerong", "--seconds", "1.5")
    reads = [n["locks"]["5"]["hook_open"] for n in read_capture(out).notes if "locks" in n]
    assert reads[0] is False and reads[-1] is True and len(reads) >= 3


def test_nobody_answering_is_a_failure_but_the_capture_is_written(tmp_path: Path) -> None:
    with make_board("kerong") as sim:
        sim.silent = True
        out = tmp_path / "silent.jsonl"
        run = kiosk("board", "capture", "--port", sim.url, "--out", str(out), "--board", "0")
    assert run.returncode == 1 and "no board answered" in run.stderr
    cap = read_capture(out)
    assert [side for _t, side, _d in cap.chunks] == ["host"]
    assert "no answer" in cap.notes[0]["error"]


@pytest.mark.parametrize(
    ("protocol", "echo"), [("kerong", False), ("kerong", True), ("xor", False), ("wkly", False)]
)
def test_a_replayed_capture_gives_the_driver_the_same_states(
    tmp_path: Path, protocol: str, echo: bool
) -> None:
    first = FIRST_BOARD[protocol]
    with make_board(protocol, echo=echo) as sim:
        out, _ = capture(tmp_path, sim, protocol, "--open", f"{first}:2")
    recorded = [n for n in read_capture(out).notes if "locks" in n]
    profile = BoardProfile.for_protocol(protocol, read_retries=0)
    with ReplayBoard(out) as replay, open_board(replay.url, profile) as device:
        before = device.status(first)
        result = device.open(LockerAddress(first, 2))
        assert replay.unknown == b""
        if protocol == "wkly":  # the door event the board sent unasked was recorded too
            pushed = device.pushed(LockerAddress(first, 2))  # type: ignore[attr-defined]
            assert pushed is not None and pushed.state.hook_open is True
    assert {str(n): state_bits(s) for n, s in before.items()} == recorded[0]["locks"]
    assert result.after is not None and result.after.hook_open is True
    assert result.answered is (protocol in ("xor", "wkly") or echo)


def test_kiosk_board_status_reads_a_replayed_capture(tmp_path: Path) -> None:
    with make_board("kerong") as sim:
        sim.cabinet.release(0, 4)
        out, _ = capture(tmp_path, sim, "kerong")
    with ReplayBoard(out) as replay:
        run = kiosk("board", "status", "--port", replay.url, "--json")
    assert run.returncode == 0, run.stderr
    locks = json.loads(run.stdout)["locks"]
    assert locks[3] == {"locker": "0:4", "hook_open": True, "item_present": True}


def test_a_capture_line_that_is_not_one_is_refused_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"capture": 1, "protocol": "kerong"}\n{"t": 0.1, "host": "02 zz"}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:2: not a capture line"):
        read_capture(bad)
    bad.write_text('{"hello": 1}\n')
    with pytest.raises(ValueError, match=r"bad.jsonl:1: not a lock-board capture"):
        read_capture(bad)


def test_python_m_sim_lockboard_replay_serves_a_capture_on_a_pty(tmp_path: Path) -> None:
    with make_board("kerong") as sim:
        out, _ = capture(tmp_path, sim, "kerong")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.lockboard", "--replay", str(out), "--pty"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        path = proc.stdout.readline().strip().removeprefix("lockboard: ")
        run = kiosk("board", "status", "--port", path, "--json")
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["locks"][0]["item_present"] is True
    finally:
        proc.terminate()
        assert proc.wait(timeout=5) == 0
