"""Words of the console's pools page (/staff/pools, 集体兑换), zh first. Members call a pool
合买 on their phones and read its number out as 合买 123456 号: the page uses the same words."""

from __future__ import annotations

POOL_DESK_WORDS: dict[str, tuple[str, str]] = {
    "nav.pools": ("集体兑换", "Pools"),
    "home.pools": ("合买凑齐后，登记物品领取", "Record full pools' goods handed out"),
    "home.pools_waiting": ("{n} 个合买已凑齐，等待领取", "{n} full pools wait to be collected"),
    "action.pool_collected": ("登记合买领取", "Pool collected"),
    "pooldesk.title": ("集体兑换（合买）", "Pools"),
    "pooldesk.lead": (
        "会员在手机上一起出币兑换一批物品（合买）。凑齐后币已经扣好。发起人在有这种物品的自助机"
        "刷卡或扫码，就能开柜取走；其余的由服务站发放：把物品交给领取人，再在下面写上领取人，"
        "点“记录其余已在办公室领取”。",
        "Members pool coins on their phones for a batch of goods. A full pool is paid already. "
        "Its organiser signs in at a kiosk holding the item and collects from the lockers; the "
        "office hands out the rest: give them, write who received them below, then press "
        "Record the rest handed out at the office.",
    ),
    "pooldesk.full": ("已凑齐，等待领取", "Full: waiting to be collected"),
    "pooldesk.open": ("正在凑币", "Gathering coins"),
    "pooldesk.collected": ("已领取", "Collected"),
    "pooldesk.ended": ("已取消或过期（币已退回）", "Cancelled or expired (coins given back)"),
    "pooldesk.none_full": ("现在没有等待领取的合买。", "No full pool waits to be collected."),
    "pooldesk.none": ("没有。", "None."),
    "pooldesk.more": ("只列出最近 {n} 个。", "Only the newest {n} are listed."),
    "pooldesk.number": ("合买号", "Pool no."),
    "pooldesk.heading": ("合买 {pool} 号：{item} × {quantity}", "Pool {pool}: {item} × {quantity}"),
    "pooldesk.organiser": ("发起人", "Organiser"),
    "pooldesk.item": ("物品", "Item"),
    "pooldesk.quantity": ("数量", "Quantity"),
    "pooldesk.coins": ("币", "Coins"),
    "pooldesk.coins_paid": ("{coins} 币（已扣）", "{coins} coins (paid)"),
    "pooldesk.givers": ("出币的人", "Givers"),
    "pooldesk.giver": ("{name} {coins} 币", "{name}: {coins} coins"),
    "pooldesk.giver_count": ("{n} 人", "{n}"),
    "pooldesk.filled": ("凑齐时间", "Filled"),
    "pooldesk.started": ("发起时间", "Started"),
    "pooldesk.gathered": ("已凑 / 需要", "Gathered / needed"),
    "pooldesk.until": ("截止", "Until"),
    "pooldesk.collected_at": ("领取时间", "Collected"),
    "pooldesk.by": ("登记人", "Recorded by"),
    "pooldesk.note": ("领取人", "Received by"),
    "pooldesk.state": ("结果", "Outcome"),
    "pooldesk.closed": ("结束时间", "Ended"),
    "pooldesk.state.cancelled": ("发起人取消", "Cancelled by the organiser"),
    "pooldesk.state.expired": ("过期未凑齐", "Not filled in time"),
    "pooldesk.note_label": ("领取人（单位和姓名）", "Received by (who and where from)"),
    "pooldesk.note_example": ("例如：环卫站 张师傅", "e.g. Sanitation depot, Mr Zhang"),
    "pooldesk.collect": ("记录其余 {n} 件已在办公室领取", "Record the other {n} handed out here"),
    "pooldesk.where": ("领取情况", "Collected so far"),
    "pooldesk.at_kiosk": ("在「{kiosk}」自助机取走 {n} 件", "{n} taken from the kiosk {kiosk}"),
    "pooldesk.kept": (
        "「{kiosk}」自助机正为发起人留着 {n} 件",
        "{n} kept for the organiser at the kiosk {kiosk} now",
    ),
    "pooldesk.at_office": ("在办公室领取 {n} 件", "{n} handed out at the office"),
    "pooldesk.to_collect": ("还要领取 {n} 件", "{n} still to collect"),
    "pooldesk.none_yet": ("还没有人领取", "Nothing collected yet"),
    "pooldesk.where_col": ("在哪里领取", "Where"),
    "pooldesk.done": (
        "已登记：合买 {pool} 号（{item} × {quantity}）已在办公室领取，领取人：{note}。",
        "Recorded: pool {pool} ({item} × {quantity}) was handed out at the office to {note}.",
    ),
    "pooldesk.refused": ("没有登记：", "Not recorded:"),
    "pooldesk.err_unknown": ("找不到合买 {pool} 号。", "There is no pool {pool}."),
    "pooldesk.err_collected": (
        "合买 {pool} 号已经登记过领取（{when}，登记人 {by}，领取人 {note}），不能再登记一次。",
        "Pool {pool} was recorded as collected already ({when}, by {by}, received by {note}); "
        "it cannot be recorded twice.",
    ),
    "pooldesk.err_open": (
        "合买 {pool} 号还没有凑齐（已凑 {gathered} 币，共需 {target} 币），还不能领取。",
        "Pool {pool} is not full yet ({gathered} of {target} coins): nothing to collect.",
    ),
    "pooldesk.err_cancelled": (
        "合买 {pool} 号已被发起人取消，币已退回，没有物品可以领取。",
        "Pool {pool} was cancelled and its coins given back: nothing to collect.",
    ),
    "pooldesk.err_expired": (
        "合买 {pool} 号过期没有凑齐，币已退回，没有物品可以领取。",
        "Pool {pool} was not filled in time and its coins given back: nothing to collect.",
    ),
    "pooldesk.err_note": (
        "请写上领取人，例如“环卫站 张师傅”。",
        "Write who received the goods, e.g. Sanitation depot, Mr Zhang.",
    ),
    "pooldesk.err_at_kiosk": (
        "合买 {pool} 号的物品正在自助机开柜取货，请等取完再登记其余的。",
        "A kiosk is handing out goods of pool {pool} right now; record the rest once it is done.",
    ),
    "pooldesk.err_kiosks": (
        "合买 {pool} 号的物品已经全部在自助机取走（{when}），不用再登记。",
        "Every unit of pool {pool} was taken from kiosks ({when}): nothing to record.",
    ),
    "pooldesk.err_note_long": (
        "领取人最多写 {most} 个字。",
        "Write at most {most} characters for who received the goods.",
    ),
}
