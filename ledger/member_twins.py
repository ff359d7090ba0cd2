"""Members who may be the one being enrolled (or edited) already: the office's duplicate
warning. The same phone, or the same name at the same address, is likely the same person; the
same name alone is a softer sign (two residents may share a name). Names and addresses are
compared as typed by different clerks: full-width and half-width forms alike, spaces and
punctuation ignored, letters in any case."""

from __future__ import annotations

import enum
import re
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.db import Member

# What a name or an address may differ by and still be the same: spaces of any width, the
# middle dots of transliterated names, and an address's punctuation.
NAME_NOISE = re.compile(r"[\s·•・.]+")
ADDRESS_NOISE = re.compile(r"[\s,，.。、;；:：\-—–_#№()（）\[\]【】/\\]+")


class TwinSign(enum.Enum):
    PHONE = "phone"  # the same phone number, whatever the name (a family's shared phone too)
    NAME_ADDRESS = "name_address"  # the same name at the same address
    NAME = "name"  # the same name only: the softer warning

    @property
    def strong(self) -> bool:
        return self is not TwinSign.NAME


def name_key(name: str | None) -> str:
    return NAME_NOISE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()


def address_key(address: str | None) -> str:
    return ADDRESS_NOISE.sub("", unicodedata.normalize("NFKC", address or "")).casefold()


def phone_key(phone: str | None) -> str:
    """A stored phone (digits, maybe a leading '+') without China's country code, so that
    +8613800138000 and 13800138000 are the same phone."""
    digits = (phone or "").lstrip("+")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix) :]
    return digits


def likely_twins(
    s: Session,
    name: str | None,
    phone: str | None,
    address: str | None,
    exclude: str | None = None,
) -> list[dict[str, Any]]:
    """The members (all but `exclude`) who may be this person, the likelier first, each with
    the sign (`why`) and whether it is a strong one. Phone is the stored (cleaned) form.

    Every member's name, phone and address are read and compared here, not in SQL: the
    comparison folds full-width forms and spaces, which the databases do not; a street
    office's few thousand members take milliseconds."""
    wanted_name, wanted_phone = name_key(name), phone_key(phone)
    wanted_address = address_key(address)
    found = []
    rows = s.execute(
        select(Member.id, Member.name, Member.phone, Member.address, Member.deactivated_at)
    )
    for member_id, their_name, their_phone, their_address, gone in rows:
        if member_id == exclude:
            continue
        same_name = bool(wanted_name) and name_key(their_name) == wanted_name
        if wanted_phone and phone_key(their_phone) == wanted_phone:
            why = TwinSign.PHONE
        elif same_name and wanted_address and address_key(their_address) == wanted_address:
            why = TwinSign.NAME_ADDRESS
        elif same_name:
            why = TwinSign.NAME
        else:
            continue
        found.append(
            {
                "member": member_id,
                "name": their_name,
                "phone": their_phone,
                "address": their_address,
                "active": gone is None,
                "why": why.value,
                "strong": why.strong,
            }
        )
    order = [sign.value for sign in TwinSign]
    return sorted(found, key=lambda t: (order.index(t["why"]), t["member"]))


def described(twins: list[dict[str, Any]]) -> str:
    """The twins in a sentence for the refusal (the CLI prints it)."""
    said = {
        TwinSign.PHONE.value: "the same phone",
        TwinSign.NAME_ADDRESS.value: "the same name and address",
        TwinSign.NAME.value: "the same name (perhaps someone else)",
    }
    return "; ".join(f"{t['member']} {t['name']} ({said[t['why']]})" for t in twins)


def brought_by_edit(
    s: Session,
    before: dict[str, Any],
    name: str | None,
    phone: str | None,
    address: str | None,
) -> list[dict[str, Any]]:
    """The twins a member's edit brings: members they look like with the new name, phone
    (stored form) and address that they did not with the old ones (`before`: the member's
    summary). A likeness confirmed at enrolment is not warned of again at every edit."""
    me = before["member"]
    had = likely_twins(s, before["name"], before["phone"], before["address"], exclude=me)
    known = {(t["member"], t["why"]) for t in had}
    now = likely_twins(s, name, phone, address, exclude=me)
    return [t for t in now if (t["member"], t["why"]) not in known]
