"""The duplicate warning's signs (ledger.member_twins): the same phone (with or without +86),
the same name at the same address as different clerks type them (full-width or half-width
spaces, punctuation, case), and the same name alone as the softer sign; on a real database."""

from __future__ import annotations

from typing import Any

import pytest

from ledger import member_twins, members
from ledger.cli import with_book
from ledger.errors import DuplicateMember


def enrol(db_url: str, name: str, phone: str | None = None, address: str | None = None) -> str:
    contact = members.Contact(phone, address)
    return str(
        with_book(
            db_url,
            lambda s: members.add_member(s, name, contact=contact, allow_duplicate=True).id,
        )
    )


def twins(db_url: str, name: str, phone: str | None, address: str | None, **kw: Any) -> list:
    return list(
        with_book(
            db_url,
            lambda s: [
                (t["member"], t["why"], t["strong"])
                for t in member_twins.likely_twins(
                    s, name, members.clean_phone(phone), address, **kw
                )
            ],
        )
    )


def test_the_signs_of_a_duplicate_strongest_first(db_url: str) -> None:
    wang = enrol(db_url, "王秀英", "13800138000", "龙华路 8 号 3 单元 201")
    namesake = enrol(db_url, "王 秀英", None, "长宁路 1 号")
    li = enrol(db_url, "李建国", "+86 138 0013 9999", None)
    # Full-width space, address typed without spaces and with a full-width comma: the same.
    assert twins(db_url, "王　秀英", None, "龙华路8号，3单元201") == [
        (wang, "name_address", True),
        (namesake, "name", False),
    ]
    assert twins(db_url, "王秀英", None, "别的地方") == sorted(
        [(wang, "name", False), (namesake, "name", False)]
    )
    # The same phone, whatever the name, and +86 or not.
    assert twins(db_url, "张三", "13800139999", None) == [(li, "phone", True)]
    assert twins(db_url, "Zhang San", "0086 138 0013 8000", None) == [(wang, "phone", True)]
    # Latin names in any case and spacing; nothing for a new name and phone.
    smith = enrol(db_url, "John Smith")
    assert twins(db_url, "  JOHN  SMITH ", None, None) == [(smith, "name", False)]
    assert twins(db_url, "赵大爷", "13900000000", "龙华路 8 号") == []
    # A member is no duplicate of themself (the edit form).
    assert twins(db_url, "李建国", "13800139999", None, exclude=li) == []


def test_enrolling_a_likely_duplicate_is_refused_until_confirmed(db_url: str) -> None:
    wang = enrol(db_url, "王秀英", None, "龙华路 8 号")

    def add(s: Any) -> None:
        members.add_member(s, "王 秀英", contact=members.Contact(address="龙华路8号"))

    with pytest.raises(DuplicateMember) as refused:
        with_book(db_url, add)
    assert f"{wang} 王秀英 (the same name and address)" in str(refused.value)
    assert refused.value.extra["members"][0]["strong"] is True
    assert len(with_book(db_url, lambda s: members.list_members(s))) == 1
