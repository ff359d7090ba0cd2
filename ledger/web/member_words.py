"""What the console's member forms, PIN pad and printed-card pages say (ledger.web.words
merges them into its table): key -> (zh, en)."""

from __future__ import annotations

MEMBER_WORDS: dict[str, tuple[str, str]] = {
    "members.search": ("按姓名、会员号或手机号查找", "Search by name, member number or phone"),
    "member.phone_number": ("手机号", "Phone"),
    "member.address": ("住址", "Address"),
    "member.notes": ("备注", "Notes"),
    "member.deactivated": ("已停用", "deactivated"),
    "member.deactivated_note": (
        "该会员已停用：会员卡和手机动态码都不能再登录。收支记录保留。",
        "This member is deactivated: no card or phone code signs in. Their history is kept.",
    ),
    "memberrole.member": ("会员", "Member"),
    "memberrole.technician": ("技术员", "Technician"),
    "memberrole.staff": ("工作人员", "Staff"),
    "memberform.new": ("新增会员", "Add a member"),
    "memberform.edit": ("修改会员资料", "Edit the member"),
    "memberform.role": ("身份", "Role"),
    "memberform.grant": ("领取每月补贴", "Receives the monthly grant"),
    "memberform.add": ("新增", "Add"),
    "memberform.save": ("保存", "Save"),
    "memberform.back": ("返回", "Back"),
    "memberform.error": ("无法保存：", "Not saved:"),
    # The warning's heading says its strongest sign (ledger.member_twins.TwinSign).
    "memberform.dup_phone": (
        "这个手机号已经登记过，可能是同一个人：",
        "This phone number is enrolled already; it may be the same person:",
    ),
    "memberform.dup_name_address": (
        "这个住址已经有同名的会员，可能是同一个人：",
        "A member of this name at this address is enrolled already; it may be the same person:",
    ),
    "memberform.hint_strong": (
        "请先点名字核对。如果确实是另一个人（例如家人共用手机、同住的同名家人），再点下面的按钮。",
        "Check first (the names open in a new tab). If it really is someone else (a family "
        "sharing a phone), press the button below.",
    ),
    "memberform.dup_name": (
        "已经有同名的会员（可能是另一个人）：",
        "A member with the same name is enrolled already (perhaps someone else):",
    ),
    "memberform.hint_name": (
        "请点名字核对：如果是同一个人，不要重复登记；如果是另一个人，再点下面的按钮。",
        "Check (the names open in a new tab): if it is the same person, do not enrol them "
        "twice; if it is someone else, press the button below.",
    ),
    "twin.phone": ("手机号相同", "the same phone"),
    "twin.name_address": ("姓名和住址相同", "the same name and address"),
    "twin.name": ("同名", "the same name"),
    "memberform.save_anyway": ("不是同一个人，仍然保存", "Someone else: save anyway"),
    "memberform.anyway": ("不是同一个人，仍然新增", "Someone else: add anyway"),
    "actions.edit": ("修改资料", "Edit"),
    "actions.issue_card": ("办理会员卡", "Issue a card"),
    "actions.reset_pin": ("重设卡密码", "Reset the PIN"),
    "actions.unlock": ("解除锁定", "Unlock"),
    "actions.deactivate": ("停用会员", "Deactivate"),
    "actions.card_hint": (
        "办理新卡后旧卡自动停用。办卡和重设密码时，请把屏幕转向会员，由会员自己输入密码。",
        "A new card revokes the old one. To issue a card or reset the PIN, turn the screen to "
        "the member: they type the PIN themselves.",
    ),
    "cardstate.active": ("有效", "active"),
    "cardstate.locked": ("已锁定", "locked"),
    "cardstate.revoked": ("已停用", "revoked"),
    "done.added": ("会员已新增。", "The member was added."),
    "done.saved": ("已保存。", "Saved."),
    "done.deactivated": ("会员已停用。", "The member was deactivated."),
    "done.unlocked": ("已解除锁定，会员可以重新登录。", "Unlocked: the member can sign in again."),
    "done.card_issued": (
        "新卡已办好，旧卡已停用。",
        "The new card is issued; the old one is revoked.",
    ),
    "done.first_card": ("会员卡已办好。", "The card is issued."),
    "done.pin_reset": ("卡密码已重设。", "The card's PIN was reset."),
    "done.phone_revoked": (
        "这部手机已停用，它的动态码不能再登录。会员卡和其他手机照常使用。",
        "That phone is revoked: its codes no longer sign in. Cards and other phones still work.",
    ),
    "action.phone_link_made": ("生成手机登记码", "Phone enrolment link made"),
    "action.phone_revoked": ("停用会员手机", "Member's phone revoked"),
    "phones.title": ("会员的手机", "The member's phones"),
    "phones.enrol": ("登记一部手机", "Enrol a phone"),
    "phones.enrolled": ("登记时间", "Enrolled"),
    "phones.seen": ("最近使用", "Last used"),
    "phones.state": ("状态", "State"),
    "phones.revoked": ("已停用 {at}", "Revoked {at}"),
    "phones.revoke": ("停用这部手机", "Revoke this phone"),
    "member.phones_live": ("{n} 部手机在用（见下方）", "{n} in use (listed below)"),
    "member.phones_unused": ("没有在用的手机", "no phone in use"),
    "phones.none": (
        "还没有登记手机。没有智能手机的会员用会员卡就可以。",
        "No phone enrolled. A member without a smartphone uses the card.",
    ),
    "enrol.title": ("为 {name} 登记手机", "Enrol a phone for {name}"),
    "enrol.lead": (
        "请会员用手机的相机或微信“扫一扫”扫描下面的二维码。打开后手机上马上显示会员的兑换码，不用输入任何东西。",
        "Ask the member to scan this code with the phone's camera or WeChat's scanner. The phone "
        "then shows the member's exchange code at once, with nothing to type.",
    ),
    "enrol.once": (
        "这个二维码只能用一次，{expires} 前有效。只给会员本人扫，不要拍照或转发。",
        "This code works once, until {expires}. Only the member scans it: "
        "no photos, no forwarding.",
    ),
    "enrol.link": ("链接", "Link"),
    "enrol.done": ("扫好了，回到会员页面", "Done: back to the member's page"),
    "deactivate.title": ("停用会员 {name}", "Deactivate {name}"),
    "deactivate.lead": (
        "停用后，该会员的会员卡和手机动态码都不能再登录自助机。会员资料和收支记录会保留，不会删除。",
        "Once deactivated, the member's cards and phone codes no longer sign in at any kiosk. "
        "Their details and history are kept, never deleted.",
    ),
    "deactivate.confirm": ("确认停用", "Deactivate"),
    "pad.title": ("设置会员卡密码", "Set the card's PIN"),
    "pad.first": (
        "请输入您的新密码（4 到 8 位数字），然后按“确定”。",
        "Type your new PIN (4 to 8 digits), then press OK.",
    ),
    "pad.again": (
        "请再输入一次同样的密码，然后按“确定”。",
        "Type the same PIN once more, then OK.",
    ),
    "pad.note_short": (
        "密码要 4 到 8 位数字，请重新输入。",
        "A PIN is 4 to 8 digits. Type it again.",
    ),
    "pad.note_differ": (
        "两次输入的密码不一样，请从头再输入。",
        "The two PINs were not the same. Please start again.",
    ),
    "pad.typed": ("已输入 {n} 位", "{n} digits typed"),
    "pad.ok": ("确定", "OK"),
    "pad.cancel": ("取消", "Cancel"),
    "pad.done": (
        "密码已设好。请把屏幕转回给工作人员。",
        "Your PIN is set. Please turn the screen back to the staff.",
    ),
    "pad.staff": ("工作人员操作", "For the staff"),
    "pad.print_lead": (
        "点击后办好新卡（旧卡停用），并下载可打印的 PDF。卡上的码只生成这一次。",
        "This issues the card (the old one is revoked) and downloads its PDF to print. The "
        "card's code is made this once only.",
    ),
    "pad.print": ("办卡并下载 PDF", "Issue and download the PDF"),
    "pad.after_print": ("打印好了，返回会员页面", "Printed: back to the member"),
    "pad.save": ("保存新密码", "Save the new PIN"),
    "sheet.card": ("单张卡片（85.6×54 毫米，卡片打印机）", "One card (85.6×54 mm, card printer)"),
    "sheet.a4": ("A4 纸（沿裁切线剪下）", "A4 sheet (cut along the marks)"),
    "action.member_added": ("新增会员", "Member added"),
    "action.member_edited": ("修改会员", "Member edited"),
    "action.member_deactivated": ("停用会员", "Member deactivated"),
    "action.member_unlocked": ("解除锁定", "Member unlocked"),
    "action.card_issued": ("办理会员卡", "Card issued"),
    "action.card_pin_reset": ("重设卡密码", "Card PIN reset"),
}
