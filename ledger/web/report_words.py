"""What the console's report, ranking and export pages say (ledger.web.words merges them into
its table): key -> (zh, en)."""

from __future__ import annotations

REPORT_WORDS: dict[str, tuple[str, str]] = {
    "nav.reports": ("报表", "Reports"),
    "home.reports": ("每月图表，导出 Excel 明细", "Monthly charts, and the export"),
    "reports.title": ("报表", "Reports"),
    "reports.from": ("从（月份）", "From (month)"),
    "reports.to": ("到（月份）", "To (month)"),
    "reports.show": ("查看", "Show"),
    "reports.bad_period": (
        "月份有误：请写成 2026-01 这样的年月，结束月份不能早于开始月份，一次最多 120 个月。",
        "The months are not right: {detail}",
    ),
    "reports.exchanges": ("每月兑换次数", "Exchanges per month"),
    "reports.exchanges_lead": ("退回的兑换已扣除。", "Refunded exchanges are taken off."),
    "reports.by_item": ("按物品", "By item"),
    "reports.by_kiosk": ("按自助机", "By kiosk"),
    "reports.coins": ("币的发放、兑换和结余", "Coins issued, redeemed and outstanding"),
    "reports.coins_lead": (
        "发放：补贴、志愿服务和调整（净额）；兑换：在自助机换走的币（扣除退回）；"
        "结余：月底所有会员手里的币。",
        "Issued: grants, volunteer hours and adjustments (net); redeemed: coins spent at the "
        "kiosks (less refunds); outstanding: all members' coins at the month's end.",
    ),
    "reports.hours": ("每月志愿服务时长", "Volunteer hours per month"),
    "reports.month": ("月份", "Month"),
    "reports.count": ("次数", "Exchanges"),
    "reports.coins_spent": ("币", "Coins"),
    "reports.issued": ("发放", "Issued"),
    "reports.redeemed": ("兑换", "Redeemed"),
    "reports.outstanding": ("结余", "Outstanding"),
    "reports.hours_col": ("小时", "Hours"),
    "reports.nothing": ("这段时间没有兑换。", "No exchanges in these months."),
    "reports.chart": ("图表：{title}", "Chart: {title}"),
    "reports.export": ("导出明细", "Export the events"),
    "reports.export_lead": (
        "每一笔业务一行（补贴、兑换、志愿服务、退回……），北京时间，带会员和物品名称。",
        "One row per event (grant, exchange, volunteer hours, refund...), in Beijing time, "
        "with the member's and the item's names.",
    ),
    "reports.csv": ("下载 CSV", "Download CSV"),
    "reports.xlsx": ("下载 Excel", "Download Excel"),
    "reports.ranking_link": ("志愿者排行榜", "Volunteers' ranking"),
    "reports.idle_link": ("长期未兑换的会员", "Members who have not exchanged"),
    "ranking.title": ("志愿者排行榜", "Volunteers' ranking"),
    "ranking.lead": (
        "{first} 至 {last} 的志愿服务时长。只列出同意公开姓名的会员。",
        "Volunteer hours from {first} to {last}. Only members who agreed are named.",
    ),
    "ranking.place": ("名次", "Place"),
    "ranking.name": ("姓名", "Name"),
    "ranking.hours": ("小时", "Hours"),
    "ranking.none": ("还没有可以公开的名单。", "Nobody can be listed yet."),
    "ranking.ask": ("未同意公开的志愿者", "Volunteers who have not agreed"),
    "ranking.ask_lead": (
        "这些会员不会出现在公开的排行榜上。会员本人同意后，再点“已同意公开”。",
        "These members are not on the published list. Press “Agreed” only once the member "
        "has said yes.",
    ),
    "ranking.agree": ("已同意公开", "Agreed"),
    "ranking.withdraw": ("撤回同意", "Withdraw"),
    "ranking.everyone_agreed": ("所有志愿者都已同意。", "Every volunteer has agreed."),
    "ranking.member": ("会员号", "Member no."),
    "done.ranking_yes": ("已记录：该会员同意公开。", "Recorded: the member agreed."),
    "done.ranking_no": ("已记录：该会员不公开。", "Recorded: the member is left out."),
    "idle.title": ("长期未兑换的会员", "Members who have not exchanged"),
    "idle.months": ("多少个月没有兑换", "Months without an exchange"),
    "idle.lead": (
        "从 {since} 起没有在自助机兑换过的会员（已停用的不列出）。可以打电话问问是否需要帮助。",
        "Members with no exchange at a kiosk since {since} (deactivated ones are left out). "
        "A call may help.",
    ),
    "idle.found": ("共 {total} 位", "{total} members"),
    "idle.last": ("最近一次兑换", "Last exchange"),
    "idle.never": ("从未兑换", "Never"),
    "idle.none": ("没有这样的会员。", "No such member."),
    "action.ranking_consent": ("排行榜公开同意", "Ranking consent"),
    "action.exported": ("导出明细", "Events exported"),
}
