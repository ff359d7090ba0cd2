"""The 8A/80 XOR codec against frames written out by hand, byte by byte."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.lockboard.xor import codec as xor
from drivers.lockboard.xor.codec import Cmd, Command, StatusReply, UnlockReply


def bits(count: int, *locks: int) -> tuple[bool, ...]:
    return tuple(n in locks for n in range(1, count + 1))


def h(text: str) -> bytes:
    return bytes.fromhex(text)


@pytest.mark.parametrize(
    ("frame", "encoded"),
    [
        ("8A 01 01 11 9B", xor.unlock(1, 1)),  # the frame every public driver of these boards sends
        ("80 01 00 33 B2", xor.status_request(1)),  # docs/protocols.md's example
        ("8A 02 01 11 98", xor.unlock(2, 1)),
        ("8A 02 0A 11 93", xor.unlock(2, 10)),
        ("8A 03 0C 11 94", xor.unlock(3, 12)),
        ("8A 01 00 11 9A", xor.unlock_all(1)),
        ("80 02 00 33 B1", xor.status_request(2)),
        ("8A 1F 32 11 B6", xor.unlock(31, 50)),
    ],
)
def test_commands_encode_to_the_documented_bytes(frame: str, encoded: bytes) -> None:
    assert encoded == h(frame)


@pytest.mark.parametrize(
    ("frame", "command"),
    [
        ("8A 01 01 11 9B", Command(Cmd.UNLOCK, 1, 1)),
        ("80 01 00 33 B2", Command(Cmd.QUERY, 1, 0)),
        ("8A 03 0C 11 94", Command(Cmd.UNLOCK, 3, 12)),
    ],
)
def test_command_frames_decode_to_board_and_one_based_lock(frame: str, command: Command) -> None:
    assert xor.decode_command(h(frame)) == (command, 5)


@pytest.mark.parametrize(
    ("frame", "reply"),
    [
        ("8A 01 01 11 9B", UnlockReply(1, 1, active=True)),
        ("8A 01 01 00 8A", UnlockReply(1, 1, active=False)),
        ("8A 02 0A 00 82", UnlockReply(2, 10, active=False)),
    ],
)
def test_unlock_replies_decode_to_the_feedback_level(frame: str, reply: UnlockReply) -> None:
    assert xor.decode_reply(h(frame)) == (reply, 5)
    assert reply.encode() == h(frame)


@pytest.mark.parametrize(
    ("frame", "reply"),
    [
        # 24 channels, highest group first: locks 1, 9 and 17 active
        ("80 01 01 01 01 33 B3", StatusReply(1, bits(24, 1, 9, 17))),
        # 12 channels on 2 groups: G2 = 0b0101 (locks 9, 11), G1 = 0b11 (locks 1, 2)
        ("80 02 05 03 33 B7", StatusReply(2, bits(16, 1, 2, 9, 11))),
        # 8 channels, none active
        ("80 01 00 33 B2", StatusReply(1, bits(8))),
        # 50 channels in 7 groups: lock 50 is bit 1 of G7, lock 1 bit 0 of G1
        ("80 03 02 00 00 00 00 00 01 33 B3", StatusReply(3, bits(56, 1, 50))),
    ],
)
def test_status_replies_of_every_length_decode_at_the_quiet_gap(
    frame: str, reply: StatusReply
) -> None:
    assert xor.decode_reply(h(frame), gap=True) == (reply, len(h(frame)))
    assert reply.encode() == h(frame)


def test_a_short_status_reply_waits_for_the_gap_because_it_may_be_a_longer_ones_start() -> None:
    eight = h("80 01 01 33 B3")
    assert xor.decode_reply(eight) == (None, 0)
    reply, used = xor.decode_reply(eight, gap=True)
    assert used == 5 and reply == StatusReply(1, bits(8, 1))


def test_a_known_channel_count_fixes_the_length_without_a_gap() -> None:
    frame = h("80 01 01 01 01 33 B3")
    assert xor.decode_reply(frame[:5], groups=3) == (None, 0)
    assert xor.decode_reply(frame, groups=3) == (StatusReply(1, bits(24, 1, 9, 17)), 7)


def test_the_whole_burst_wins_over_a_valid_looking_prefix() -> None:
    # 80 01 01 33 B3 is a valid 8-channel reply AND the start of this 24-channel one.
    frame = h("80 01 01 33 B3 33 33")
    assert xor.decode_reply(frame, groups=1) == (StatusReply(1, bits(8, 1)), 5)
    reply, used = xor.decode_reply(frame, gap=True)
    assert used == 7 and isinstance(reply, StatusReply) and reply.channels == 24


def test_garbage_before_a_reply_is_skipped_then_the_reply_is_found() -> None:
    buf = h("FF 13 80 55 8A 01 01 11 9B")
    found = []
    while buf:
        reply, used = xor.decode_reply(buf, gap=True)
        assert used > 0
        buf = buf[used:]
        if reply is not None:
            found.append(reply)
    assert found == [UnlockReply(1, 1, active=True)]


@pytest.mark.parametrize("frame", ["8A 01 01 11 9C", "8A 01 01 22 A8", "80 01 01 34 B4"])
def test_a_bad_checksum_or_state_byte_is_skipped_not_returned(frame: str) -> None:
    reply, used = xor.decode_reply(h(frame), gap=True)
    assert reply is None and used >= 1


def test_a_frame_cut_short_by_a_gap_is_garbage() -> None:
    assert xor.decode_reply(h("8A 01 01"), gap=True) == (None, 1)
    assert xor.decode_reply(h("8A 01 01")) == (None, 0)


@pytest.mark.parametrize(("board", "lock"), [(32, 1), (1, 51), (-1, 1), (1, 0)])
def test_addresses_off_the_board_are_refused(board: int, lock: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        xor.unlock(board, lock)


@pytest.mark.parametrize("count", [0, 7, 64])
def test_a_status_reply_holds_whole_groups_of_eight(count: int) -> None:
    with pytest.raises(ValueError, match="groups of 8"):
        StatusReply(1, (False,) * count)


def test_status_reply_pads_a_24_lock_board_with_20_lockers() -> None:
    assert xor.status_reply(1, bits(20, 1, 9, 17)) == h("80 01 01 01 01 33 B3")


@given(st.binary(max_size=64), st.booleans(), st.sampled_from([None, 1, 3, 7]))
def test_random_bytes_never_crash_a_reply_decoder(buf: bytes, gap: bool, groups) -> None:
    reply, used = xor.decode_reply(buf, gap=gap, groups=groups)
    assert 0 <= used <= len(buf)
    if reply is not None:
        assert used >= 5


@given(st.binary(max_size=64))
def test_feeding_the_decoders_at_a_gap_always_consumes_everything(buf: bytes) -> None:
    for decode in (lambda b: xor.decode_reply(b, gap=True), xor.decode_command):
        rest = buf
        for _ in range(len(buf) + 1):
            if not rest:
                break
            _, used = decode(rest)
            if used == 0:
                assert decode is xor.decode_command and len(rest) < 5
                break
            rest = rest[used:]
        else:
            pytest.fail("the decoder stopped consuming")
