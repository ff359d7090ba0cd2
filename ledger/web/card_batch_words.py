"""What the members list's card column and the page printing several members' cards say
(ledger.web.words merges them into its table): key -> (zh, en)."""

from __future__ import annotations

CARD_BATCH_WORDS: dict[str, tuple[str, str]] = {
    "members.nocard": ("只看还没有会员卡的会员", "Only members with no card yet"),
    "members.card": ("会员卡", "Card"),
    "members.has_card": ("有", "yes"),
    "members.pick": ("选择", "Pick"),
    "members.batch": ("为勾选的会员打印会员卡", "Print cards for the ticked members"),
    "members.batch_hint": (
        "一次最多 {most} 位。卡打印出来时还没有密码，"
        "会员来领卡时在办公室的屏幕密码键盘上自己设置。",
        "Up to {most} at a time. The cards come out with no PIN: each member sets theirs on the "
        "office's on-screen PIN pad when they collect the card.",
    ),
    "batch.title": ("批量打印会员卡", "Print several members' cards"),
    "batch.lead": (
        "将为以下 {n} 位会员办理会员卡：",
        "Cards to issue ({n}):",
    ),
    "batch.old_card": ("原来的卡", "Card in use"),
    "batch.replaces": (
        "原来的卡将停用，会员设置新密码前不能在自助机使用",
        "will be revoked: the member cannot use a kiosk until they set the new card's PIN",
    ),
    "batch.no_pin": (
        "这些卡打印出来时还没有密码，在自助机上还不能用。",
        "These cards come out with no PIN: they do not work at a kiosk yet.",
    ),
    "batch.no_pin_hint": (
        "会员来领卡时：打开会员页，点“设置卡密码”，把屏幕转给会员，让会员自己输入密码（工作人员不要看）。",
        "When a member collects their card: open their page, press the Set the PIN button and "
        "turn the screen to the member, who types it (the staff do not look).",
    ),
    "batch.sheet_a4": (
        "A4 纸，每页 8 张（沿裁切线剪下）",
        "A4, eight cards a page (cut along the marks)",
    ),
    "batch.sheet_card": (
        "每页一张卡（85.6×54 毫米，卡片打印机）",
        "One card a page (85.6×54 mm, card printer)",
    ),
    "batch.print": ("办理 {n} 张卡并下载 PDF", "Issue the cards ({n}) and download the PDF"),
    "batch.print_hint": (
        "PDF 只能下载这一次，里面有卡的密钥：打印后请删除文件。",
        "The PDF is given this once and holds the cards' secrets: delete it once printed.",
    ),
    "batch.skipped": ("不打印的会员", "Not printed"),
    "batch.why_unknown": ("没有这个会员号", "no such member number"),
    "batch.why_deactivated": ("会员已停用", "the member is deactivated"),
    "batch.why_has_card": (
        "已有在用的卡。补卡请到会员页逐个办理（会员当场设置密码），或请主管批量补发",
        "has a card in use. Replace it on the member's page (the member sets the PIN there), "
        "or ask a manager to reissue it in a batch",
    ),
    "batch.why_just_printed": (
        "刚刚已经打印过，不再重复办理",
        "printed just now: not issued again",
    ),
    "batch.note_none_ticked": (
        "没有勾选会员。请在会员列表里勾选要打印的会员。",
        "No member was ticked. Tick the members on the list first.",
    ),
    "batch.note_nothing_left": (
        "没有可以打印的会员卡（见下面的原因）。",
        "There is no card left to print (see why below).",
    ),
    "batch.back": ("返回会员列表", "Back to the members"),
    "cardstate.no_pin": ("未设密码", "no PIN yet"),
    "actions.set_pin": ("设置卡密码", "Set the PIN"),
    "done.pin_set": (
        "卡密码已设置，这张卡现在可以在自助机使用了。",
        "The PIN is set: the card works at the kiosks now.",
    ),
}
