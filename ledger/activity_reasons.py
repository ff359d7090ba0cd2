"""Why a sign-in sheet's row is not credited, in Chinese and English (the console shows the
Chinese first; the command line prints the English)."""

from __future__ import annotations

from typing import Any

REASONS: dict[str, tuple[str, str]] = {  # code -> (zh, en), with {values}
    "no_member": (
        "没有会员号，也没有姓名加电话",
        "neither a member number nor a name with a phone",
    ),
    "unknown_member": ("没有会员号为 {member} 的会员", "no member numbered {member}"),
    "name_differs": (
        "会员号 {member} 是{name}，表上写的是{sheet}",
        "member {member} is {name}, the sheet says {sheet}",
    ),
    "bad_phone": ("电话 {phone} 不是电话号码", "{phone} is not a phone number"),
    "no_match": (
        "找不到姓名为{name}、电话为 {phone} 的会员",
        "no member named {name} with phone {phone}",
    ),
    "several": (
        "有几位会员叫{name}、电话都是 {phone}，请写会员号",
        "several members named {name} have phone {phone}: give the member number",
    ),
    "deactivated": ("会员 {member} 已停用", "member {member} was deactivated"),
    "repeated": ("与第 {row} 行是同一位会员", "the same member as row {row}"),
    "bad_hours": (
        "时长“{hours}”不对：应为大于 0 的数字，如 2 或 1.5",
        "hours '{hours}' are not right: a number above 0, like 2 or 1.5",
    ),
    "already": ("这次活动已经给 {member} 记过时长", "{member} was already credited for it"),
    "needs_manager": (
        "{coins} 币超过 {threshold} 币，请主管来记",
        "{coins} coins is more than {threshold}: for a manager to credit",
    ),
}


class Reason:
    """A reason's code and the values its words name."""

    def __init__(self, code: str, **values: Any) -> None:
        assert code in REASONS, code
        self.code, self.values = code, values

    def text(self, lang: str) -> str:
        zh, en = REASONS[self.code]
        return (en if lang == "en" else zh).format(**self.values)

    def __repr__(self) -> str:
        return f"Reason({self.code!r}, {self.values!r})"
