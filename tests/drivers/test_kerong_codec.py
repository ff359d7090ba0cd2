"""The Kerong codec against frames written out by hand, byte by byte."""

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.lockboard.kerong import codec as kerong
from drivers.lockboard.kerong.codec import Cmd, Command, StatusReply

CLOSED = (False,) * 16


def bits(*locks: int) -> tuple[bool, ...]:
    return tuple(n in locks for n in range(1, 17))


@pytest.mark.parametrize(
    ("frame", "encoded"),
    [
        ("02 00 31 03 36", kerong.unlock(0, 1)),  # docs/protocols.md's example
        ("02 2F 31 03 65", kerong.unlock(2, 16)),
        ("02 FF 31 03 35", kerong.unlock(15, 16)),
        ("02 10 30 03 45", kerong.status_request(1)),
        ("02 00 32 03 37", kerong.status_all_request(0)),
        ("02 00 33 03 38", kerong.unlock_all(0)),
    ],
)
def test_commands_encode_to_the_documented_bytes(frame: str, encoded: bytes) -> None:
    assert encoded == bytes.fromhex(frame)


@pytest.mark.parametrize(
    ("frame", "command"),
    [
        ("02 00 31 03 36", Command(Cmd.UNLOCK, 0, 1)),
        ("02 2F 31 03 65", Command(Cmd.UNLOCK, 2, 16)),
        ("02 10 30 03 45", Command(Cmd.STATUS, 1, 1)),
        ("02 00 33 03 38", Command(Cmd.UNLOCK_ALL, 0, 1)),
    ],
)
def test_command_frames_decode_to_board_and_one_based_lock(frame: str, command: Command) -> None:
    assert kerong.decode_command(bytes.fromhex(frame)) == (command, 5)
    assert kerong.decode(bytes.fromhex(frame)) == (command, 5)


@pytest.mark.parametrize(
    ("frame", "reply"),
    [
        # board 1, lock 3 hook open, lock 9 item present
        ("02 10 30 04 00 00 01 03 4A", StatusReply(1, Cmd.STATUS, bits(3), bits(9))),
        # board 0 echoing an unlock: every hook closed, locks 1..6 hold items
        ("02 00 31 00 00 3F 00 03 75", StatusReply(0, Cmd.UNLOCK, CLOSED, bits(1, 2, 3, 4, 5, 6))),
        # lock 16 hook open, lock 8 item present
        ("02 00 30 00 80 80 00 03 35", StatusReply(0, Cmd.STATUS, bits(16), bits(8))),
    ],
)
def test_status_replies_decode_to_raw_bits_and_encode_back(frame: str, reply: StatusReply) -> None:
    assert kerong.decode_reply(bytes.fromhex(frame)) == (reply, 9)
    assert reply.encode() == bytes.fromhex(frame)


def test_reply_bits_are_read_per_one_based_lock() -> None:
    reply, _ = kerong.decode_reply(bytes.fromhex("02 10 30 04 00 00 01 03 4A"))
    assert reply is not None
    assert reply.hook_bit(3) and not reply.hook_bit(1)
    assert reply.item_bit(9) and not reply.item_bit(3)


@pytest.mark.parametrize("cut", range(1, 9))
def test_a_partial_reply_asks_for_more(cut: int) -> None:
    assert kerong.decode_reply(bytes.fromhex("02 10 30 04 00 00 01 03 4A")[:cut]) == (None, 0)


def test_a_partial_command_asks_for_more() -> None:
    assert kerong.decode_command(bytes.fromhex("02 00 31 03")) == (None, 0)
    assert kerong.decode(bytes.fromhex("02 00 31")) == (None, 0)


def test_an_empty_buffer_asks_for_more() -> None:
    assert kerong.decode_reply(b"") == (None, 0)


def test_garbage_before_a_frame_is_skipped_then_the_frame_is_found() -> None:
    buf = bytes.fromhex("FF 00 7E 02 00 31 03 36")
    assert kerong.decode_command(buf) == (None, 3)
    assert kerong.decode_command(buf[3:]) == (Command(Cmd.UNLOCK, 0, 1), 5)


def test_a_bad_checksum_is_skipped_not_returned() -> None:
    assert kerong.decode_command(bytes.fromhex("02 00 31 03 37")) == (None, 1)
    assert kerong.decode_reply(bytes.fromhex("02 10 30 04 00 00 01 03 4B")) == (None, 1)


def test_two_frames_back_to_back_decode_one_after_the_other() -> None:
    buf = bytes.fromhex("02 10 30 04 00 00 01 03 4A 02 00 30 00 80 80 00 03 35")
    first, used = kerong.decode_reply(buf)
    second, used2 = kerong.decode_reply(buf[used:])
    assert (first, second) == (
        StatusReply(1, Cmd.STATUS, bits(3), bits(9)),
        StatusReply(0, Cmd.STATUS, bits(16), bits(8)),
    )
    assert used + used2 == len(buf)


def test_the_reply_decoder_skips_an_echo_of_our_own_command() -> None:
    buf = bytes.fromhex("02 00 31 03 36 02 00 31 00 00 3F 00 03 75")
    found = []
    while buf:
        frame, used = kerong.decode_reply(buf)
        if used == 0:
            break
        buf = buf[used:]
        if frame:
            found.append(frame)
    assert found == [StatusReply(0, Cmd.UNLOCK, CLOSED, bits(1, 2, 3, 4, 5, 6))]


@pytest.mark.parametrize(("board", "lock"), [(16, 1), (-1, 1), (0, 0), (0, 17)])
def test_addresses_off_the_board_are_refused(board: int, lock: int) -> None:
    with pytest.raises(ValueError):
        kerong.unlock(board, lock)


@pytest.mark.parametrize("decoder", [kerong.decode, kerong.decode_reply, kerong.decode_command])
@given(buf=st.binary(max_size=64))
def test_random_bytes_never_crash_a_decoder_and_consumed_stays_in_range(
    decoder: Callable[[bytes], tuple[object, int]], buf: bytes
) -> None:
    frame, used = decoder(buf)
    assert 0 <= used <= len(buf)
    if used == 0:
        assert frame is None
        assert len(buf) < 9  # a full reply's worth of bytes always makes progress


@given(buf=st.binary(max_size=64))
def test_feeding_a_decoder_in_a_loop_always_terminates(buf: bytes) -> None:
    steps = 0
    while buf:
        _, used = kerong.decode(buf)
        if used == 0:
            break
        buf = buf[used:]
        steps += 1
    assert steps <= 64
