"""What the member's money pages on the phone say (history, give, receive, pools; the code
page when the phone cannot draw the code), Chinese first: key -> (zh, en). ledger.web.words
merges them into its table. Short sentences in everyday words, for an elderly member."""

from __future__ import annotations

PHONE_MONEY_WORDS: dict[str, tuple[str, str]] = {
    # The code page when this phone's browser cannot compute the code (m_code.html): what
    # the member does, then a line for the staff who help them.
    "phone.cannot": (
        "这部手机的浏览器显示不了会员码。请先用会员卡兑换，或请服务站的工作人员帮忙。",
        "This phone's browser cannot show your member code. Use your member card for now, "
        "or ask the office for help.",
    ),
    "phone.cannot_http": (
        "给工作人员：这个网页不是用 https 打开的。请发一个以 https:// 开头的新登记链接。",
        "For staff: this page was not opened over https. Send a new enrolment link that "
        "starts with https://.",
    ),
    "phone.cannot_old": (
        "给工作人员：这个浏览器太旧（没有 WebCrypto）。请更新微信或手机系统，"
        "或发一个新登记链接，用手机自带的浏览器打开。",
        "For staff: this browser is too old (no WebCrypto). Update WeChat or the phone, or "
        "send a new enrolment link and open it in the phone's own browser.",
    ),
    "phone.cannot_script": (
        "给工作人员：这个浏览器关掉了 JavaScript，请在设置里打开。",
        "For staff: JavaScript is switched off in this browser; switch it on in its settings.",
    ),
    "nav.m.code": ("我的码", "My code"),
    "nav.m.history": ("记录", "History"),
    "nav.m.give": ("转赠", "Give"),
    "nav.m.pools": ("合买", "Pool"),
    "m.back": ("返回", "Back"),
    "m.balance": ("现在有 {coins} 币", "You have {coins} coins"),
    # History: one sentence per kind of transaction.
    "history.title": ("我的记录", "My history"),
    "history.none": ("还没有记录。", "Nothing yet."),
    "history.more": ("更早的记录", "Earlier"),
    "history.redemption": ("在「{kiosk}」兑换了{item}", "Exchanged for {item} at {kiosk}"),
    "history.refund": ("{item}退回，币已还给您", "{item} returned: coins given back"),
    "history.volunteer_hours": ("志愿服务 {hours} 小时", "{hours} hours of volunteering"),
    "history.grant_month": ("{year}年{month}月的补贴", "Grant for {month}/{year}"),
    "history.grant_opening": ("入会时的补贴", "Welcome grant"),
    "history.grant": ("补贴", "Grant"),
    "history.gift_out": ("转给 {other}", "Given to {other}"),
    "history.gift_in": ("{other} 转给您", "From {other}"),
    "history.pool_pledge": (
        "合买{item}（{pool}号）出的币",
        "Your share of the {item} pool ({pool})",
    ),
    "history.pool_refund": ("合买{item}（{pool}号）退回", "{item} pool ({pool}): given back"),
    "history.adjustment": ("工作人员更正：{memo}", "Correction by staff: {memo}"),
    "history.reversal": ("工作人员撤销一笔：{memo}", "Undone by staff: {memo}"),
    "history.other": ("其他：{memo}", "Other: {memo}"),
    "history.when": ("{month}月{day}日 {time}", "{day}/{month} {time}"),
    # Giving coins.
    "give.title": ("转赠币", "Give coins"),
    "give.to": ("对方的会员号", "Their member number"),
    "give.to_hint": ("会员卡上的数字，例如 000002", "The digits on their card, e.g. 000002"),
    "give.coins": ("给多少币", "How many coins"),
    "give.next": ("下一步", "Next"),
    "give.scan": (
        "也可以：请对方打开他手机上的「收币码」，您用微信「扫一扫」扫它，会员号会自动填好。",
        "Or: ask them to open the receive code on their phone and scan it with your phone's"
        " camera; their number is filled in for you.",
    ),
    "give.receive_lead": (
        "别人要给您转币？请把您的收币码给他看：",
        "Someone giving coins to you? Show them your receive code:",
    ),
    "give.receive_link": ("我的收币码", "My receive code"),
    "give.confirm_title": ("请确认", "Please confirm"),
    "give.confirm": (
        "把 {coins} 币转给 {name}（会员号 {number}）？",
        "Give {coins} coins to {name} (member {number})?",
    ),
    "give.yes": ("确认转赠", "Yes, give"),
    "give.done": ("已转给 {name} {coins} 币。", "{coins} coins given to {name}."),
    "receive.title": ("收币码", "Receive coins"),
    "receive.lead": (
        "请对方用手机扫这个码，给您转币。",
        "Let them scan this with their phone to give you coins.",
    ),
    "receive.number": ("我的会员号：{number}", "My member number: {number}"),
    # Pools.
    "pools.title": ("合买", "Pool coins"),
    "pools.lead": ("大家一起出币，兑换一批物品。", "Pool coins with others for a batch of goods."),
    "pools.start": ("发起合买", "Start a pool"),
    "pools.join": ("输入合买号", "Enter a pool number"),
    "pools.join_go": ("查看", "Open"),
    "pools.mine": ("我参加的合买", "My pools"),
    "pools.none": ("还没有参加合买。", "No pools yet."),
    "pool.new_title": ("发起合买", "Start a pool"),
    "pool.item": ("买什么", "Which item"),
    "pool.price": ("每件 {price} 币", "{price} coins each"),
    "pool.quantity": ("买几件", "How many"),
    "pool.create": ("发起", "Start"),
    "pool.title": ("合买 {pool} 号", "Pool {pool}"),
    "pool.what": ("{item} × {quantity}", "{item} × {quantity}"),
    "pool.progress": ("已凑 {gathered} 币，共需 {target} 币", "{gathered} of {target} coins"),
    "pool.needed": ("还差 {needed} 币", "{needed} coins to go"),
    "pool.givers": ("出币的人", "Givers"),
    "pool.given_back": ("已退回", "given back"),
    "pool.you": ("您", "you"),
    "pool.share": (
        "请别人扫这个码，或告诉他们合买号 {pool}",
        "Others scan this, or type pool number {pool}",
    ),
    "pool.pledge_coins": ("我出多少币", "My share in coins"),
    "pool.pledge": ("确认出币", "Give my share"),
    "pool.withdraw": ("我不参加了，退回我的币", "Leave and take my coins back"),
    "pool.cancel": ("取消这次合买，退回大家的币", "Call it off: give everyone's coins back"),
    "pool.expires": ("{when} 前凑不齐，币自动退回", "Not full by {when}: coins go back"),
    "poolstate.open": ("正在凑币", "Gathering coins"),
    "poolstate.full": ("已凑齐！等待领取", "Full! Waiting to be collected"),
    "pool.at_kiosk": ("已在「{kiosk}」自助机取走 {n} 件", "{n} taken from the kiosk {kiosk}"),
    "pool.kept": ("「{kiosk}」自助机正为发起人留着 {n} 件", "{n} kept at the kiosk {kiosk} now"),
    "pool.to_collect": ("还要领取 {n} 件", "{n} still to collect"),
    "pool.how": (
        "发起人到有货的自助机刷卡或扫码，就能开柜取货；也可以到服务站领取。",
        "The organiser signs in at a kiosk that has the item and opens its lockers, or "
        "collects at the office.",
    ),
    "pool.kiosks": ("现在有货：{kiosks}", "In stock now: {kiosks}"),
    "pool.kiosk_stock": ("「{kiosk}」{n} 件", "{kiosk} ({n})"),
    "pool.no_kiosk": (
        "现在没有自助机有这种物品，请到服务站领取。",
        "No kiosk has this item now: collect it at the office.",
    ),
    "poolstate.collected": ("已领取", "Collected"),
    "pool.collected": (
        "{when} 在服务站领取 {n} 件（{note}）",
        "{n} handed out at the office, {when} ({note})",
    ),
    "poolstate.cancelled": ("已取消，币已退回", "Cancelled: coins given back"),
    "poolstate.expired": ("没有凑齐，币已退回", "Not filled in time: coins given back"),
    "pooldone.started": (
        "合买已发起。请把合买号告诉大家。",
        "Pool started. Tell the others its number.",
    ),
    "pooldone.pledged": ("您的币已放进合买。", "Your coins are in the pool."),
    "pooldone.filled": (
        "凑齐了！已兑换。发起人可到有货的自助机取货，或到服务站领取。",
        "It is full! Exchanged: the organiser collects it at a kiosk or at the office.",
    ),
    "pooldone.withdrawn": ("您的币已退回。", "Your coins were given back."),
    "pooldone.cancelled": (
        "合买已取消，大家的币都已退回。",
        "Pool called off: everyone's coins given back.",
    ),
    # Refusals, in words a member can act on.
    "refuse.no_funds": (
        "币不够：您现在只有 {balance} 币。",
        "Not enough coins: you have {balance}.",
    ),
    "refuse.spend_limit": (
        "今天用手机转出的币已到上限（每天 {limit} 币），今天还能用 {left} 币。"
        "明天再试，或到服务站办理。",
        "Today's limit for this phone is reached ({limit} coins a day; {left} left today). "
        "Try tomorrow, or ask at the office.",
    ),
    "refuse.no_member": (
        "找不到这个会员号，请再看一下会员卡。",
        "No member with this number. Check their card.",
    ),
    "refuse.self": ("不能转给自己。", "You cannot give to yourself."),
    "refuse.bad_input": ("请填写正确的数字。", "Please type a whole number."),
    "refuse.no_pool": ("找不到这个合买号。", "No pool with this number."),
    "refuse.no_item": ("没有这个物品。", "No such item."),
    "refuse.pool_closed": ("这次合买已经结束，不能再出币。", "This pool is closed."),
    "refuse.pool.already_pledged": ("您已经出过币了。", "You have given to this pool already."),
    "refuse.pool.too_many_givers": ("出币的人已经满了。", "This pool has all the givers it may."),
    "refuse.pool.more_than_needed": (
        "只差 {needed} 币，请少出一点。",
        "It needs only {needed} more.",
    ),
    "refuse.pool.no_pledge": ("您没有在这次合买出币。", "You have not given to this pool."),
    "refuse.pool.not_organiser": ("只有发起人可以取消。", "Only the organiser can call it off."),
    "refuse.pool.too_large": (
        "太多了：一次合买最多 {most} 币。",
        "Too large: a pool gathers at most {most} coins.",
    ),
    "refuse.slow_down": (
        "操作太快了，请 {seconds} 秒后再试。",
        "Too fast. Try again in {seconds} seconds.",
    ),
    "refuse.form_used": (
        "这个页面已经用过了，请重新打开。",
        "This form was used already. Open it again.",
    ),
}
