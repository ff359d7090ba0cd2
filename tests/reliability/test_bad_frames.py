"""Lock-board frames in a noisy byte stream, beyond tests/drivers/test_*_codec.py (which check
literal frames, single garbage examples, and that random bytes never crash a decoder): valid
frames embedded in line noise are found exactly, in order, however the port splits the stream,
and one changed byte in a Kerong reply is never taken for a frame.

The noise holds no frame-start byte: noise that starts a frame could legitimately swallow the
head of the real frame after it, and then only the board's retry brings it back.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.lockboard.kerong import codec as kerong
from drivers.lockboard.xor import codec as xor
from tests.reliability.scale import examples

QUICK = settings(max_examples=examples(200), deadline=None, database=None)
Decoder = Callable[[bytes, bool], tuple[object | None, int]]


def read_stream(chunks: list[bytes], decode: Decoder) -> list[object]:
    """Every frame found, fed chunk by chunk as drivers/serial_link.py does; the line goes
    quiet (gap) only after the last chunk."""
    found, buf = [], b""
    for i, chunk in enumerate(chunks):
        buf += chunk
        gap = i == len(chunks) - 1
        while buf:
            frame, used = decode(buf, gap)
            assert 0 <= used <= len(buf)
            if used == 0:
                break
            buf = buf[used:]
            if frame is not None:
                found.append(frame)
    return found


def split(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    return [stream[a:b] for a, b in zip(points, points[1:], strict=False)] or [b""]


bits16 = st.lists(st.booleans(), min_size=16, max_size=16).map(tuple)
kerong_replies = st.builds(
    kerong.StatusReply,
    board=st.integers(0, kerong.MAX_BOARD),
    cmd=st.sampled_from([kerong.Cmd.STATUS, kerong.Cmd.UNLOCK]),
    hooks=bits16,
    items=bits16,
    lock=st.integers(1, 16),
)
kerong_noise = st.binary(max_size=12).map(lambda b: b.replace(bytes([kerong.STX]), b""))


@QUICK
@given(
    parts=st.lists(st.tuples(kerong_noise, kerong_replies), max_size=8),
    tail=kerong_noise,
    cuts=st.lists(st.integers(0, 200), max_size=10),
)
def test_kerong_replies_in_noise_are_found_exactly_however_the_stream_is_split(
    parts: list[tuple[bytes, kerong.StatusReply]], tail: bytes, cuts: list[int]
) -> None:
    stream = b"".join(noise + reply.encode() for noise, reply in parts) + tail
    found = read_stream(split(stream, cuts), lambda buf, gap: kerong.decode_reply(buf))
    assert found == [reply for _, reply in parts]


@QUICK
@given(reply=kerong_replies, at=st.integers(0, 8), flip=st.integers(1, 255))
def test_one_changed_byte_in_a_kerong_reply_is_never_taken_for_a_frame(
    reply: kerong.StatusReply, at: int, flip: int
) -> None:
    frame = bytearray(reply.encode())
    frame[at] ^= flip
    assert read_stream([bytes(frame)], lambda buf, gap: kerong.decode_reply(buf)) == []


xor_unlocks = st.builds(
    xor.UnlockReply,
    board=st.integers(0, xor.MAX_BOARD),
    lock=st.integers(1, xor.MAX_LOCKS),
    active=st.booleans(),
)
GROUPS = 3  # a 24-channel board: with the count known, a status reply has a fixed length
xor_statuses = st.builds(
    xor.StatusReply,
    board=st.integers(0, xor.MAX_BOARD),
    bits=st.lists(st.booleans(), min_size=8 * GROUPS, max_size=8 * GROUPS).map(tuple),
)
xor_noise = st.binary(max_size=12).map(
    lambda b: bytes(x for x in b if x not in (xor.Cmd.UNLOCK, xor.Cmd.QUERY))
)


@QUICK
@given(
    parts=st.lists(st.tuples(xor_noise, xor_unlocks | xor_statuses), max_size=8),
    tail=xor_noise,
    cuts=st.lists(st.integers(0, 200), max_size=10),
)
def test_xor_replies_in_noise_are_found_exactly_however_the_stream_is_split(
    parts: list[tuple[bytes, xor.Reply]], tail: bytes, cuts: list[int]
) -> None:
    stream = b"".join(noise + reply.encode() for noise, reply in parts) + tail
    found = read_stream(
        split(stream, cuts), lambda buf, gap: xor.decode_reply(buf, gap, groups=GROUPS)
    )
    assert found == [reply for _, reply in parts]
