"""The WKLY codec against frames written down by people who drove these boards, byte for byte
as they wrote them (never only round trips through our own encoder)."""

import pytest

from drivers.lockboard.wkly import codec as wkly
from drivers.lockboard.wkly.codec import Ack, Cmd, Command, DoorEvent, LockReply, StatusReply


def h(text: str) -> bytes:
    return bytes.fromhex(text)


# -- junerver/LockDemo (github.com/junerver/LockDemo) ------------------------------------------


def test_lockdemo_command_frames() -> None:
    """junerver/LockDemo, app/src/test/java/xyz/junerver/android/lockdemo/ExampleUnitTest.kt:
    the frames its tests expect for open one (0x82), query one (0x83), query all (0x84), open
    all (0x86), open several at once (0x80) and in turn (0x87), flash (0x81), on boards 0, 1
    and 10."""
    assert wkly.open_lock(0, 1) == h("57 4B 4C 59 09 00 82 01 83")
    assert wkly.query_lock(0, 1) == h("57 4B 4C 59 09 00 83 01 82")
    assert wkly.query_all(0) == h("57 4B 4C 59 08 00 84 85")
    assert wkly.open_lock(1, 1) == h("57 4B 4C 59 09 01 82 01 82")
    assert wkly.open_lock(10, 1) == h("57 4B 4C 59 09 0A 82 01 89")
    assert Command(Cmd.OPEN_ALL, 0).encode() == h("57 4B 4C 59 08 00 86 87")
    assert Command(Cmd.OPEN_MANY, 0, (1, 2, 3)).encode() == h("57 4B 4C 59 0C 00 80 03 01 02 03 86")
    in_turn = Command(Cmd.OPEN_IN_TURN, 0, (1, 2, 3)).encode()
    assert in_turn == h("57 4B 4C 59 0C 00 87 03 01 02 03 81")
    assert Command(Cmd.FLASH, 0, (1,)).encode() == h("57 4B 4C 59 09 00 81 01 80")


def test_lockdemo_single_lock_replies() -> None:
    """junerver/LockDemo, ExampleUnitTest.kt (testParseThreeByteResponses, testDocDemo): the
    0x82 and 0x83 replies are STATUS, LOCK, DOOR with DOOR 0x00 open and 0x01 closed
    (LockCtlBoardCmdHelper.java: LOCK_STATUS_OPEN / LOCK_STATUS_CLOSED)."""
    opened, used = wkly.decode_reply(h("57 4B 4C 59 0B 00 82 00 05 01 84"))
    assert used == 11
    assert opened == LockReply(Cmd.OPEN, board=0, status=0, lock=5, door=wkly.DOOR_CLOSED)
    queried, _ = wkly.decode_reply(h("57 4B 4C 59 0B 00 83 00 07 00 86"))
    assert queried == LockReply(Cmd.QUERY, board=0, status=0, lock=7, door=wkly.DOOR_OPEN)
    assert not queried.failed
    demo, _ = wkly.decode_reply(h("57 4B 4C 59 0B 00 82 00 01 00 81"))
    assert demo == LockReply(Cmd.OPEN, 0, 0, 1, wkly.DOOR_OPEN)
    assert demo.encode() == h("57 4B 4C 59 0B 00 82 00 01 00 81")


def test_lockdemo_query_all_replies_tell_the_board_size() -> None:
    """junerver/LockDemo, ExampleUnitTest.kt (testParseGetAllStatusResponse, testDocDemo): an
    0x84 reply is STATUS, N, then one DOOR byte per channel; a 4-channel board with locks 2
    and 3 closed, and the 24-channel board of the demo with every door open."""
    four, used = wkly.decode_reply(h("57 4B 4C 59 0E 00 84 00 04 00 01 01 00 87"))
    assert used == 14
    assert four == StatusReply(board=0, status=0, doors=(0, 1, 1, 0))
    assert four.channels == 4 and four.door(2) == wkly.DOOR_CLOSED
    demo = h("57 4B 4C 59 22 00 84 00 18" + " 00" * 24 + " B7")
    reply, _ = wkly.decode_reply(demo)
    assert isinstance(reply, StatusReply) and reply.channels == 24
    assert wkly.status_reply(0, (0,) * 24) == demo


def test_lockdemo_door_events_sent_unasked() -> None:
    """junerver/LockDemo, ExampleUnitTest.kt (testParseStatusUploadResponse, testDocDemo) and
    lock_control_board_communication_instructions.md section 6: the board reports a door
    change itself with 0x85, LOCK then the door's new state, and no STATUS byte."""
    opened, _ = wkly.decode_reply(h("57 4B 4C 59 0A 00 85 02 00 84"))
    assert opened == DoorEvent(board=0, lock=2, door=wkly.DOOR_OPEN)
    closed, _ = wkly.decode_reply(h("57 4B 4C 59 0A 00 85 01 01 86"))
    assert closed == DoorEvent(board=0, lock=1, door=wkly.DOOR_CLOSED)
    assert closed.encode() == h("57 4B 4C 59 0A 00 85 01 01 86")


def test_lockdemo_acknowledgements_and_failure() -> None:
    """junerver/LockDemo, ExampleUnitTest.kt (testParseSingleByteResponses,
    testParseTwoByteResponses, testParseFailureResponses): 0x80/0x86/0x87 answer STATUS
    alone, 0x81 STATUS then the channel; 0xFF is a failure."""
    assert wkly.decode_reply(h("57 4B 4C 59 09 00 80 00 80"))[0] == Ack(0x80, 0, 0)
    assert wkly.decode_reply(h("57 4B 4C 59 09 00 87 00 87"))[0] == Ack(0x87, 0, 0)
    assert wkly.decode_reply(h("57 4B 4C 59 0A 00 81 00 01 83"))[0] == Ack(0x81, 0, 0, b"\x01")
    assert wkly.decode_reply(h("57 4B 4C 59 09 00 80 FF 7F"))[0] == Ack(0x80, 0, 0xFF)


def test_lockdemo_refuses_a_frame_with_a_wrong_checksum() -> None:
    """junerver/LockDemo, ExampleUnitTest.kt (testParseInvalidResponses): the 0x80 reply with
    its checksum 00 instead of 80 is not a frame."""
    frame, used = wkly.decode_reply(h("57 4B 4C 59 09 00 80 00 00"))
    assert frame is None and used == 1


# -- an ESP-IDF driver of the same boards (lock_controller_driver.c, main.c) -------------------


def test_esp32_driver_open_reply_from_board_1() -> None:
    """The ESP-IDF driver's main.c, rs485_RX_task, comment on CMD_OPEN_SINGLE_LOCK: the reply
    `57 4B 4C 59 | 0B | 01 82 | 00 04 00 | 85` (board 1, lock 4 open). Its 85 is the XOR
    over the whole frame, start bytes included, as lock_controller_driver.c computes it when
    sending; the RX task's own code XORs from the length byte on (which would give 8C): we
    follow the frames, and a frame checked the RX task's way is refused."""
    reply, _ = wkly.decode_reply(h("57 4B 4C 59 0B 01 82 00 04 00 85"))
    assert reply == LockReply(Cmd.OPEN, board=1, status=0, lock=4, door=wkly.DOOR_OPEN)
    assert wkly.decode_reply(h("57 4B 4C 59 0B 01 82 00 04 00 8C")) == (None, 1)


# -- framing on a real line: garbage, splits, events between answers ---------------------------


def test_garbage_before_a_frame_is_dropped_and_the_frame_found() -> None:
    frame = wkly.open_lock(0, 1)
    buf = b"\x00\xffWK" + frame
    assert wkly.decode_command(buf) == (None, 4)  # "WK" then "WKLY": not a header yet
    assert wkly.decode_command(buf[4:]) == (Command(Cmd.OPEN, 0, (1,)), 9)


def test_a_frame_cut_short_waits_for_the_rest_until_the_line_goes_quiet() -> None:
    reply = LockReply(Cmd.OPEN, 3, 0, 2, 0).encode()
    for cut in range(1, len(reply)):
        assert wkly.decode_reply(reply[:cut]) == (None, 0)
        assert wkly.decode_reply(reply[:cut], gap=True) == (None, 1)
    assert wkly.decode_reply(reply)[1] == len(reply)


def test_an_event_and_an_answer_in_one_burst_come_out_in_order() -> None:
    event = DoorEvent(0, 3, wkly.DOOR_OPEN).encode()
    answer = LockReply(Cmd.OPEN, 0, 0, 3, wkly.DOOR_OPEN).encode()
    buf = event + answer
    first, used = wkly.decode_reply(buf)
    assert first == DoorEvent(0, 3, 0) and used == len(event)
    second, _ = wkly.decode_reply(buf[used:])
    assert isinstance(second, LockReply) and second.lock == 3


def test_a_corrupt_frame_is_skipped_and_the_next_one_read() -> None:
    bad = bytearray(wkly.status_reply(0, (1, 1, 0)))
    bad[-1] ^= 0xFF
    good = wkly.status_reply(0, (0, 1))
    buf = bytes(bad) + good
    total = 0
    while True:
        frame, used = wkly.decode_reply(buf[total:])
        total += used
        if frame is not None:
            break
    assert frame == StatusReply(0, 0, (0, 1))


def test_a_length_byte_below_the_smallest_frame_is_garbage() -> None:
    assert wkly.decode_reply(h("57 4B 4C 59 05 00 80")) == (None, 1)


def test_a_failed_query_all_may_carry_no_channels() -> None:
    reply, _ = wkly.decode_reply(wkly.Frame(2, Cmd.QUERY_ALL, b"\xff").encode())
    assert reply == StatusReply(2, 0xFF, ())


def test_commands_a_board_must_ignore() -> None:
    # An event from another board on the line, a count that does not match, lock 0.
    assert wkly.decode_command(DoorEvent(0, 1, 0).encode())[0] is None
    assert wkly.decode_command(wkly.Frame(0, Cmd.OPEN_MANY, b"\x02\x01").encode())[0] is None
    assert wkly.decode_command(wkly.Frame(0, Cmd.OPEN, b"\x00").encode())[0] is None


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (Command(Cmd.OPEN, 32, (1,)), "board 32"),
        (Command(Cmd.OPEN, 0, ()), "exactly one lock"),
        (Command(Cmd.OPEN_MANY, 0, ()), "at least one lock"),
        (Command(Cmd.QUERY_ALL, 0, (1,)), "names no lock"),
        (Command(Cmd.DOOR_EVENT, 0, (1,)), "not a command a host sends"),
        (Command(Cmd.OPEN, 0, (0,)), "lock 0"),
    ],
)
def test_bad_commands_are_refused_with_a_reason(command: Command, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        command.encode()
