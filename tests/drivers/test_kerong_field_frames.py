"""The Kerong codec and driver against frames written down by people who drove real KR-CU16
boards, byte for byte as they wrote them (never only round trips through our own encoder)."""

import os
import pty
import threading
import time
import tty
from collections.abc import Iterator

import pytest

from drivers.lockboard.kerong import codec as kerong
from drivers.lockboard.kerong.codec import Cmd, Dialect
from drivers.lockboard.kerong.device import KerongLockBoard
from drivers.lockboard.profile import BoardProfile
from kiosk.core.interfaces import LockerAddress, LockState

FAST = BoardProfile(command_timeout=0.25, quiet_gap=0.005, read_retries=1, unlock_settle=0.0)


def lock_bits(*locks: int) -> tuple[bool, ...]:
    return tuple(n in locks for n in range(1, 17))


# -- kerong-lib (github.com/suryavirkapur/kerong-lib) ------------------------------------------


def test_kerong_lib_status_request_and_unlock_frames() -> None:
    """kerong-lib, include/kerong/kerong_client.hpp: STX 0x02, ETX 0x03, CMD_GET_STATE 0x30,
    CMD_UNLOCK 0x31, the query address `board << 4`, the unlock address
    `board << 4 | lock_index` (lock_index 0-based), and a modulo-256 sum of every byte before
    it (README.md, "Protocol")."""
    assert kerong.status_request(3) == bytes([0x02, 0x30, 0x30, 0x03, 0x65])
    # board 3, lock_index 4: the fifth lock as printed on the board
    assert kerong.unlock(3, 5) == bytes([0x02, 0x34, 0x31, 0x03, 0x6A])
    assert kerong.unlock(0, 1) == bytes([0x02, 0x00, 0x31, 0x03, 0x36])


def test_kerong_lib_state_response_layout_and_polarity() -> None:
    """kerong-lib, README.md "Protocol": Get State 0x30 is answered by 9 bytes
    `STX ADDR 0x35 LOCKS_1_8 LOCKS_9_16 IR_1_8 IR_9_16 ETX SUM` (RESP_STATE = 0x35 in
    include/kerong/kerong_client.hpp, ADDR the query's `board << 4`), LOCKS bits
    0 = locked, 1 = unlocked, IR bits 0 = empty, 1 = item. Board 3 here: locks 1 and 3
    unlocked, an item behind lock 1."""
    frame = bytes([0x02, 0x30, 0x35, 0x05, 0x00, 0x01, 0x00, 0x03, 0x70])
    reply, used = kerong.decode_reply(frame)
    assert used == 9 and reply is not None
    assert (reply.board, reply.cmd) == (3, Cmd.STATUS_REPLY)
    assert reply.hooks == lock_bits(1, 3) and reply.items == lock_bits(1)
    assert kerong.dialect_of(reply) is Dialect.CURRENT
    # The Kerong factory profile reads kerong-lib's polarity: bit 1 = unlocked, 1 = item.
    factory = BoardProfile.for_protocol("kerong")
    assert factory.lock_state(reply.hook_bit(1), reply.item_bit(1)) == LockState(True, True)
    assert factory.lock_state(reply.hook_bit(2), reply.item_bit(2)) == LockState(False, False)


def test_kerong_lib_unlock_has_no_response_and_its_echo_is_skipped() -> None:
    """kerong-lib, README.md "Protocol": Unlock 0x31 -> Response "none" (KerongClient::unlock
    only sends). An RS485 adapter that echoes our own unlock frame back must not make the
    host's decoder lose the status reply that follows it."""
    unlock = bytes([0x02, 0x00, 0x31, 0x03, 0x36])
    status = bytes([0x02, 0x00, 0x35, 0x00, 0x00, 0x00, 0x00, 0x03, 0x3A])
    buf, found = unlock + status, []
    while buf:
        reply, used = kerong.decode_reply(buf)
        if used == 0:
            break
        buf = buf[used:]
        if reply is not None:
            found.append(reply)
    assert [(r.board, r.cmd) for r in found] == [(0, Cmd.STATUS_REPLY)]


# -- CartWise (github.com/Arviv123/CartWise) ---------------------------------------------------


def test_cartwise_logged_exchange() -> None:
    """CartWise, COMMUNICATION_FIX_SUMMARY.md, the working log of src/hardware/rs485.py:
    `>> Sent: 0200310336` then `<< Received: 0202350001000003XX`. The log elides the checksum
    (XX); rs485.py's `_calculate_checksum` is the low byte of the sum, here 0x3D. rs485.py
    names 0x35 RETURN_SINGLE_DATA and 0x36 RETURN_ALL_DATA."""
    assert kerong.unlock(0, 1) == bytes.fromhex("0200310336")
    logged = bytes.fromhex("0202350001000003")
    reply, used = kerong.decode_reply(logged + bytes([0x3D]))
    assert used == 9 and reply is not None
    # ADDR 0x02: board 0 in the high nibble; the low nibble is not the board's.
    assert (reply.board, reply.cmd) == (0, Cmd.STATUS_REPLY)
    assert reply.hooks == lock_bits(9) and reply.items == lock_bits()
    assert kerong.dialect_of(reply) is Dialect.CURRENT
    assert Cmd(0x35) is Cmd.STATUS_REPLY and Cmd(0x36) is Cmd.STATUS_ALL_REPLY


def test_cartwise_reply_with_a_wrong_checksum_is_not_a_frame() -> None:
    """CartWise's logged reply (COMMUNICATION_FIX_SUMMARY.md) with any checksum but the
    sum's low byte is refused."""
    logged = bytes.fromhex("0202350001000003")
    assert kerong.decode_reply(logged + bytes([0x3C])) == (None, 1)


def test_cartwise_polarity_is_the_other_profile_setting() -> None:
    """CartWise, src/hardware/rs485.py `is_lock_closed`: a LOCK bit of 1 means closed, the
    opposite of kerong-lib. Both are one profile setting (`hook_open_bit`), no code."""
    reply, _ = kerong.decode_reply(bytes.fromhex("0202350001000003") + bytes([0x3D]))
    assert reply is not None
    cartwise = BoardProfile.for_protocol("kerong", hook_open_bit=0)
    kerong_lib = BoardProfile.for_protocol("kerong")
    assert cartwise.lock_state(reply.hook_bit(9)).hook_open is False
    assert cartwise.lock_state(reply.hook_bit(1)).hook_open is True
    assert kerong_lib.lock_state(reply.hook_bit(9)).hook_open is True


# -- the driver against a board that only knows these bytes ------------------------------------

# issue 15: what an independent model of a real CU16 sends for `02 00 30 03 35`: every hook
# locked (0), every item sensor seeing an item (1), CMD 0x35.
REAL_STATUS = bytes.fromhex("02 00 35 00 00 ff ff 03 38")
STATUS_Q = bytes.fromhex("02 00 30 03 35")


@pytest.fixture
def literal_board() -> Iterator[tuple[str, list[bytes]]]:
    """A pty whose far end answers `02 00 30 03 35` with REAL_STATUS and says nothing to any
    other frame, as kerong-lib's README says a current CU16 does; yields its path and the
    frames it heard."""
    master, slave = pty.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    heard: list[bytes] = []
    stop = threading.Event()

    def board() -> None:
        buf = b""
        while not stop.is_set():
            try:
                buf += os.read(master, 64)
            except OSError:
                return
            while len(buf) >= 5:
                frame, buf = buf[:5], buf[5:]
                heard.append(frame)
                if frame == STATUS_Q:
                    os.write(master, REAL_STATUS)

    thread = threading.Thread(target=board, daemon=True)
    thread.start()
    try:
        yield os.ttyname(slave), heard
    finally:
        stop.set()
        os.close(slave)
        os.close(master)


def test_the_driver_reads_a_current_firmware_board_and_unlocks_without_waiting(
    literal_board: tuple[str, list[bytes]],
) -> None:
    path, heard = literal_board
    with KerongLockBoard(path, FAST) as device:
        states = device.status(0)
        assert states[1] == LockState(hook_open=False, item_present=True)
        assert device.dialect(0) is Dialect.CURRENT
        started = time.monotonic()
        assert device.unlock(LockerAddress(0, 2)) == LockState(False, True)
        assert time.monotonic() - started < FAST.command_timeout  # no answer was waited for
        assert device.status_report()["dialects"] == {"0": "current"}
    # read, unlock (never answered), the status read that confirms the board heard
    assert heard == [STATUS_Q, bytes.fromhex("02 01 31 03 37"), STATUS_Q]


def test_a_first_unlock_before_any_read_reads_the_board_first_and_never_waits(
    literal_board: tuple[str, list[bytes]],
) -> None:
    path, heard = literal_board
    with KerongLockBoard(path, FAST) as device:
        started = time.monotonic()
        result = device.open(LockerAddress(0, 1))
        assert time.monotonic() - started < FAST.command_timeout
        assert result.accepted and not result.answered
        assert result.echoed == LockState(False, True)
        assert device.dialect(0) is Dialect.CURRENT
    unlock = bytes.fromhex("02 00 31 03 36")
    # the read that tells the dialect, the unlock, the confirming read, open()'s read after
    assert heard == [STATUS_Q, unlock, STATUS_Q, STATUS_Q]
