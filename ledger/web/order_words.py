"""Words of the console's reservations and pools page (/staff/orders), zh first."""

from __future__ import annotations

ORDER_WORDS: dict[str, tuple[str, str]] = {
    "nav.orders": ("预约与合买", "Reservations"),
    "orders.title": ("预约与合买", "Reservations and pools"),
    "orders.lead": (
        "会员在手机上预约的物品和发起的合买。此页只供查看：预约由会员、自助机处理，"
        "合买由会员发起，凑齐后在“集体兑换”页登记领取。",
        "What members reserved and pooled on their phones. Read only: reservations move with "
        "the members and the kiosks, pools with their givers; a full pool's goods are recorded "
        "handed out on the Pools page.",
    ),
    "orders.show.open": ("进行中", "Open"),
    "orders.show.collected": ("已领取", "Collected"),
    "orders.show.failed": ("未成功", "Failed"),
    "orders.show.expired": ("已过期", "Expired"),
    "orders.show.all": ("全部", "All"),
    "orders.reservations": ("预约兑换", "Reservations"),
    "orders.pools": ("合买", "Pools"),
    "orders.none": ("没有。", "None."),
    "orders.more": ("只列出最近 {n} 条。", "Only the newest {n} of each are listed."),
    "orders.made": ("预约时间", "Made"),
    "orders.member": ("会员", "Member"),
    "orders.item": ("物品", "Item"),
    "orders.kiosk": ("自助机", "Kiosk"),
    "orders.coins": ("币", "Coins"),
    "orders.status": ("状态", "Status"),
    "orders.until": ("有效至", "Until"),
    "orders.started": ("发起时间", "Started"),
    "orders.organiser": ("发起人", "Organiser"),
    "orders.gathered": ("已凑 / 需要", "Gathered / needed"),
    "orders.quantity": ("数量", "Quantity"),
    "orders.res.pending": ("等待自助机留货", "Waiting for the kiosk"),
    "orders.res.set_aside": ("已留好，待取", "Set aside, to collect"),
    "orders.res.collecting": ("正在取货", "Being collected"),
    "orders.res.collected": ("已取走", "Collected"),
    "orders.res.cancelled": ("会员已取消", "Cancelled by the member"),
    "orders.res.failed": ("自助机没有货，币已退回", "The kiosk had none; coins returned"),
    "orders.res.failed_not_stocked": (
        "留的物品被取出，币已退回",
        "The unit kept was taken out; coins returned",
    ),
    "orders.res.expired": ("过期未取，币已退回", "Not collected in time; coins returned"),
    "orders.res.not_collected": ("柜门未开或未取走，币已退回", "Not handed out; coins returned"),
    "orders.pool.open": ("凑币中", "Gathering"),
    "orders.pool.full": ("已凑满，待领取", "Full, to collect"),
    "orders.pool.collected": ("已领取", "Collected"),
    "orders.pool.cancelled": ("发起人已取消，币已退回", "Cancelled; coins returned"),
    "orders.pool.expired": ("过期未凑满，币已退回", "Not filled in time; coins returned"),
    "orders.locker": ("柜 {locker}", "locker {locker}"),
}
