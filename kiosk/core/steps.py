"""The vend journal's words: the steps a vend goes through, the settlement decided for it, and
why (docs/architecture.md, "The vend transaction" and "Recovery"). The journal stores each
value as written here, so these strings are the journal's format.
"""

from __future__ import annotations

import enum


class VendStep(enum.Enum):
    """The vend transaction's journal states (docs/architecture.md, "The vend transaction")."""

    INTENT = "intent"
    HELD = "held"
    UNLOCKING = "unlocking"
    UNLOCKED = "unlocked"
    DOOR_OPENED = "door_opened"
    DOOR_CLOSED = "door_closed"
    UNLOCK_FAILED = "unlock_failed"
    CAPTURED = "captured"
    VOIDED = "voided"

    @property
    def final(self) -> bool:
        return self in (VendStep.CAPTURED, VendStep.VOIDED)


class Settlement(enum.StrEnum):
    """What the ledger is asked to do with a vend's hold. A `str`, so a journal row, a status
    dictionary and an event's JSON carry the same word as before these were enums."""

    CAPTURE = "capture"  # the item was handed out: the held coins are taken
    VOID = "void"  # it was not: the held coins go back


class SettleReason(enum.StrEnum):
    """Why a vend was captured or voided, as the journal records it and the void sends it."""

    # The running kiosk (kiosk/core/vend.py)
    HANDED_OUT = "handed_out"
    DOOR_NOT_OPENED = "door_not_opened"  # accepted, yet the door never opened: a jammed lock
    ITEM_NOT_TAKEN = "item_not_taken"  # the locker's only item still behind the shut door
    UNLOCK_FAILED = "unlock_failed"  # no answer to the unlock, the lock read shut, item there
    HOLD_UNANSWERED = "hold_unanswered"  # the hold may have committed: void it by its key
    # Recovery (kiosk/core/recovery.py): the journal state the vend was found in
    RECOVERED_INTENT = "recovered_intent"
    RECOVERED_HELD = "recovered_held"
    RECOVERED_UNLOCK_FAILED = "recovered_unlock_failed"
    RECOVERED_UNLOCKED = "recovered_unlocked"
    RECOVERED_DOOR_OPENED = "recovered_door_opened"
    RECOVERED_DOOR_CLOSED = "recovered_door_closed"
    RECOVERED_UNLOCKED_NOT_TAKEN = "recovered_unlocked_not_taken"
    RECOVERED_DOOR_OPENED_NOT_TAKEN = "recovered_door_opened_not_taken"
    RECOVERED_DOOR_CLOSED_NOT_TAKEN = "recovered_door_closed_not_taken"
    RECOVERED_UNLOCKING_OPEN = "recovered_unlocking_open"
    RECOVERED_UNLOCKING_CLOSED = "recovered_unlocking_closed"
    # Found unfinished after a suspect hook (it read open before the pulse): its item sensor
    # decided, as the running kiosk's would (a locker's last item, sensed).
    RECOVERED_HOOK_SUSPECT_ITEM_GONE = "recovered_hook_suspect_item_gone"
    RECOVERED_HOOK_SUSPECT_ITEM_THERE = "recovered_hook_suspect_item_there"
    # A count of the locker settled a vend awaiting it (the journal adds "N of M")
    COUNTED_TAKEN = "counted_taken"
    COUNTED_NOT_TAKEN = "counted_not_taken"

    @classmethod
    def recovered(cls, step: VendStep, *, not_taken: bool = False) -> SettleReason:
        """Recovery's reason for a vend found in `step` ("recovered_<step>[_not_taken]")."""
        return cls(f"recovered_{step.value}{'_not_taken' if not_taken else ''}")


class AwaitReason(enum.StrEnum):
    """Why a vend awaits a count of its locker rather than a capture or a void (the journal
    records it as "awaiting_count: <reason>")."""

    # Unread longer than blind_limit after an accepted unlock, then found shut on items that
    # cannot say whether one was taken.
    DOOR_UNWATCHED = "door_unwatched_after_unlock"
    # No answer to the unlock, and the first read came too late to know the door stayed shut.
    UNLOCK_READ_LATE = "unlock_unanswered_read_late"
    # Start-up recovery found the vend in `unlocking` and the lock shut on such items.
    RECOVERED_UNCOUNTED = "recovered_unlocking_closed_uncounted"
    # The hook read open before the pulse (a suspect sensor), and the items cannot tell either.
    HOOK_SUSPECT = "hook_suspect_uncounted"
