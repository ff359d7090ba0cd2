"""`member add` and `member set` warn of a likely duplicate as the console's member forms do
(ledger.member_twins): the same phone, or the same name and address, is refused unless
`--allow-duplicate`; the same name alone is said after saving. A confirmation is audited."""

from __future__ import annotations

import argparse
from typing import Any

from ledger import member_twins
from ledger.errors import DuplicateMember

FLAG = "--allow-duplicate"


def refuse_strong(args: argparse.Namespace, found: list[dict[str, Any]], lead: str) -> None:
    """Raise DuplicateMember naming the members behind a strong sign among `found`, unless
    the clerk confirmed with --allow-duplicate. `lead`: what the refusal opens with."""
    strong = [t for t in found if t["strong"]]
    if strong and not args.allow_duplicate:
        raise DuplicateMember(
            f"{lead}: {member_twins.described(strong)};"
            f" nothing was saved. The same person? If not, run again with {FLAG}",
            extra={"members": strong},
        )


def note(found: list[dict[str, Any]], member: str) -> str:
    """The line after a saved member who looks like others (a namesake, or a likeness
    confirmed with --allow-duplicate)."""
    if not found:
        return ""
    return (
        f"\nnote: also enrolled: {member_twins.described(found)};"
        f" if the same person, deactivate {member}"
    )


def audited(args: argparse.Namespace, found: list[dict[str, Any]]) -> dict[str, Any]:
    """What the audit entry says of the likeness: confirmed as the console's 'add anyway'
    (`duplicate_confirmed`), and whom it was confirmed against."""
    confirmed = bool(args.allow_duplicate and found)
    detail: dict[str, Any] = {"duplicate_confirmed": confirmed}
    if confirmed:
        detail["twins"] = [{"member": t["member"], "why": t["why"]} for t in found]
    return detail


def add_flag(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        FLAG,
        action="store_true",
        help=f"{verb} even though a member like this exists (the same phone, or the same name"
        " and address): without it they are named and nothing is saved; the confirmation is"
        " audited",
    )
