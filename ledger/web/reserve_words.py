"""What the member's reservation pages say (ledger.web.reserve_pages), Chinese first."""

from __future__ import annotations

RESERVE_WORDS: dict[str, tuple[str, str]] = {  # key -> (zh, en)
    "nav.m.reserve": ("预约", "Reserve"),
    "reserve.title": ("预约兑换", "Reserve an item"),
    "reserve.lead": (
        "先在手机上预约，再到自助机取。预约时先冻结币，东西会为您留好。",
        "Reserve here, collect at the kiosk. The coins are held now and the item is kept for you.",
    ),
    "reserve.balance": ("可用余额：{coins} 币", "You can spend: {coins} coins"),
    "reserve.none": (
        "现在没有可以预约的物品。",
        "Nothing can be reserved right now.",
    ),
    "reserve.left": ("剩 {count} 件", "{count} left"),
    "reserve.price": ("{coins} 币", "{coins} coins"),
    "reserve.at": ("自助机：{kiosk}", "Kiosk: {kiosk}"),
    "reserve.until": (
        "请在 {time}（北京时间）前去取，过时自动取消，币会退回。",
        "Collect it before {time} (Beijing time); after that it is cancelled and the coins "
        "come back.",
    ),
    "reserve.confirm": ("确认预约", "Reserve it"),
    "reserve.back": ("返回", "Back"),
    "reserve.mine": ("我的预约", "My reservations"),
    "reserve.more": ("再预约一件", "Reserve another item"),
    "reserve.code": ("我的会员码", "My member code"),
    "reserve.mine_none": ("您还没有预约。", "You have no reservations."),
    "reserve.cancel": ("取消预约", "Cancel it"),
    "reserve.locker": ("{locker} 号柜", "Locker {locker}"),
    "reserve.how": (
        "到自助机扫会员码，屏幕会先显示“您预约的物品”，点一下就开柜。",
        "At the kiosk, scan your code: it shows 'Your reserved items' first; one tap opens "
        "the locker.",
    ),
    "reserve.status.pending": (
        "已预约，币已冻结。自助机联网后会为您留好。",
        "Reserved, coins held. The kiosk keeps one for you once it is in touch.",
    ),
    "reserve.status.set_aside": ("已为您留好，请去取。", "Kept for you: go and collect it."),
    "reserve.status.collecting": ("正在自助机取货。", "Being collected at the kiosk."),
    "reserve.status.collected": ("已取走，币已扣除。", "Collected; the coins were paid."),
    "reserve.status.cancelled": ("已取消，币已退回。", "Cancelled; the coins came back."),
    "reserve.status.expired": (
        "没有按时去取，已取消，币已退回。",
        "Not collected in time: cancelled, the coins came back.",
    ),
    "reserve.status.failed": (
        "没能预约成功：自助机在收到预约前已经卖完了。币已退回。",
        "The reservation failed: the kiosk sold the last one before it heard of it. "
        "The coins came back.",
    ),
    "reserve.status.failed_not_stocked": (
        "没能预约成功：为您留的物品已被管理员从柜中取出。币已退回。",
        "The reservation failed: the item kept for you was taken out of its locker by staff. "
        "The coins came back.",
    ),
    "reserve.status.not_collected": (
        "柜门没有打开或物品没有取走，币已退回。",
        "The locker did not open or the item was not taken; the coins came back.",
    ),
    "reserve.refused.funds": (
        "余额不够，不能预约这件物品。",
        "You do not have enough coins for this item.",
    ),
    "reserve.refused.none_left": (
        "这件物品已经没有了，请选别的。",
        "None of this item is left. Please choose another.",
    ),
    "reserve.refused.too_many": (
        "您已经有 3 个预约没有取。请先去取，或取消一个。",
        "You already have 3 reservations waiting. Collect or cancel one first.",
    ),
    "reserve.refused.not_open": (
        "这个预约已经结束，不能再取消。",
        "This reservation has ended and cannot be cancelled.",
    ),
    "reserve.refused.spend_limit": (
        "今天用手机花的币已到上限，明天再试，或到服务站办理。",
        "Today's limit for this phone is reached. Try tomorrow, or ask at the office.",
    ),
    "reserve.refused.other": ("没能办成，请稍后再试。", "That did not work. Try again later."),
}
