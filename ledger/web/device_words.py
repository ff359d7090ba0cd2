"""What the phone's own-phones page says (ledger.web.phone_devices): key -> (zh, en)."""

from __future__ import annotations

PHONE_DEVICE_WORDS: dict[str, tuple[str, str]] = {
    "nav.m.devices": ("我的手机", "My phones"),
    "devices.title": ("我的手机", "My phones"),
    "devices.lead": (
        "这些手机能显示您的兑换码。手机丢了，就在另一部手机上停用它，或请服务站停用。会员卡不受影响。",
        "These phones show your code. If one is lost, switch it off here from another phone, "
        "or ask the office. Your card is not affected.",
    ),
    "devices.this": ("这部手机", "This phone"),
    "devices.other": ("另一部手机", "Another phone"),
    "devices.enrolled": ("{month}月{day}日 {time} 登记", "Enrolled {month}/{day} {time}"),
    "devices.off": ("停用这部手机", "Switch this phone off"),
    "devices.sure": (
        "停用后，这部手机不能再显示兑换码。确定吗？",
        "Once off, that phone shows no code. Are you sure?",
    ),
    "devices.done": ("那部手机已停用。", "That phone is switched off."),
    "devices.self_done": (
        "这部手机已停用，不能再显示兑换码。要再用，请到服务站领取新的登记链接。",
        "This phone is switched off and shows no code. Ask the office for a new link to use it.",
    ),
    "devices.not_yours": ("没有这部手机。", "No such phone."),
}
