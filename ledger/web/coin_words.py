"""What the console's coin pages say (volunteer hours, an activity's sign-in sheet, the monthly
grant, corrections); ledger.web.words merges them into its table: key -> (zh, en)."""

from __future__ import annotations

from ledger.activity_reasons import REASONS

COIN_WORDS: dict[str, tuple[str, str]] = {
    "nav.coins": ("发币", "Coins"),
    "home.coins": (
        "记志愿时长、发每月补贴、更正",
        "Volunteer hours, the monthly grant, corrections",
    ),
    "coins.title": ("发币", "Coins"),
    "coins.hours": ("给一位会员记时长", "Hours for one member"),
    "coins.hours_lead": ("一位会员的志愿服务时长", "One member's volunteer hours"),
    "coins.activity": ("按活动记时长", "Hours for an activity"),
    "coins.activity_lead": (
        "上传签到表（CSV）或输入会员号",
        "Upload the sign-in sheet (CSV) or type numbers",
    ),
    "coins.grant": ("每月补贴", "Monthly grant"),
    "coins.grant_lead": ("预览后发放本月补贴", "Preview, then pay this month's grant"),
    "coins.correct": ("更正与退回", "Corrections and refunds"),
    "coins.correct_lead": (
        "调整、撤销交易、退回兑换，须写明原因",
        "Adjust, reverse, refund: with a reason",
    ),
    "coins.rules": (
        "规则：每小时 {rate} 币（不足 1 币的部分不计）；一次超过 {threshold} 币需要主管操作；"
        "月份按{tz}计算。",
        "Rules: {rate} coins an hour (part coins dropped); more than {threshold} coins at once "
        "needs a manager; months are {tz} time.",
    ),
    "coins.member": ("会员号", "Member number"),
    "coins.hours_field": ("时长（小时）", "Hours"),
    "coins.day": ("日期", "Date"),
    "coins.note": ("做了什么（活动名称，必填）", "What the work was (the activity, required)"),
    "coins.note_hint": (
        "同一活动、同一天，一位会员只记一次：重复提交不会多记。",
        "One credit per member for one activity on one day: a repeated submit pays nothing twice.",
    ),
    "coins.need_fields": (
        "请填写会员号和做了什么。",
        "Give the member number and what the work was.",
    ),
    "coins.credit": ("记入", "Credit"),
    "coins.credited": (
        "已为 {name}（{member}）记入 {coins} 币。",
        "{coins} coins credited to {name} ({member}).",
    ),
    "coins.error": ("没有记入：", "Nothing credited:"),
    "coins.needs_manager": (
        "{coins} 币超过 {threshold} 币，需要主管操作。请主管登录后再做。",
        "{coins} coins is more than {threshold}: a manager must do this. Ask a manager to log in.",
    ),
    "coins.back": ("返回发币", "Back to Coins"),
    "settings.title": ("设置", "Settings"),
    "settings.lead": (
        "这些设置对管理台和命令行都有效。",
        "These settings hold for the console and the command line alike.",
    ),
    "settings.office_tz": ("办事处所在时区", "The office's time zone"),
    "settings.office_tz_hint": (
        "按这个时区算每天和每月，例如 Asia/Shanghai（北京时间）。",
        "Days and months follow it, e.g. Asia/Shanghai.",
    ),
    "settings.manager_above_coins": ("需要主管的金额（币）", "Manager needed above (coins)"),
    "settings.manager_above_coins_hint": (
        "一次给一位会员超过这个数，办事员不能操作。",
        "More than this to one member at once is a manager's.",
    ),
    "settings.monthly_grant_coins": ("每月补贴（币）", "Monthly grant (coins)"),
    "settings.monthly_grant_coins_hint": ("每位会员每月的默认补贴。", "Each member's, by default."),
    "settings.coins_per_hour": ("每小时的币数", "Coins an hour"),
    "settings.coins_per_hour_hint": (
        "志愿服务每小时换多少币。",
        "What an hour of volunteering pays.",
    ),
    "settings.lot_withdraw_days": ("临期下架天数", "Days before best-before a lot leaves sale"),
    "settings.lot_withdraw_days_hint": (
        "捐赠物资在保质期前这么多天起，所有柜机不再兑换（柜机离线也照样执行）。",
        "From this many days before its date no kiosk offers the lot, even offline.",
    ),
    "settings.lot_warn_days": ("临期预警天数", "Near-expiry warning (days)"),
    "settings.lot_warn_days_hint": (
        "保质期还剩这么多天以内的批次，在管理台和每日提醒里标出“临期”。",
        "Lots this close to their date are flagged in the console and the daily summary.",
    ),
    "settings.saved": ("设置已保存。", "Settings saved."),
    "settings.error": ("没有保存：", "Not saved:"),
    "settings.admin_only": ("只有管理员可以修改设置。", "Only an administrator changes them."),
    "coins.settings": ("设置", "Settings"),
    "activities.title": ("已记的活动", "Activities credited"),
    "activities.tile": ("按日期查看每次活动记了谁", "Who was credited for each activity"),
    "activities.people": ("人数", "People"),
    "activities.by": ("操作人", "By"),
    "activities.none": ("还没有记过活动。", "No activity credited yet."),
    "activities.nobody": ("这次活动还没有给任何人记时长。", "Nobody credited for it yet."),
    "activities.lead": (
        "每人 {hours} 小时，每小时 {rate} 币；已记 {people} 人，共 {coins} 币。",
        "{hours} hours each at {rate} coins an hour; {people} people credited, {coins} coins.",
    ),
    "activities.back": ("返回活动列表", "Back to the activities"),
    "activity.name": ("活动名称", "Activity"),
    "activity.hours": ("每人时长（小时）", "Hours each"),
    "activity.hours_hint": (
        "签到表的“时长”一栏若有数字，以表上为准。",
        "A sheet's own hours column wins.",
    ),
    "activity.list": ("参加的会员号（每行一个）", "Attendees' member numbers (one a line)"),
    "activity.list_hint": (
        "可在会员号后加逗号和时长，如 m123456,1.5",
        "A line may add a comma and hours, e.g. m123456,1.5",
    ),
    "activity.file": ("或上传签到表（CSV 文件）", "Or upload the sign-in sheet (a CSV file)"),
    "activity.file_hint": (
        "第一行写栏目名：会员号，或 姓名 和 电话；时长可选。"
        "Excel 另存为“CSV”即可（UTF-8 或 GBK 都行）。",
        "First row names the columns: 会员号 (member number), or 姓名 and 电话 (name and phone); "
        "时长 (hours) optional. Excel's Save As CSV works (UTF-8 or GBK).",
    ),
    "activity.preview": ("预览", "Preview"),
    "activity.preview_title": ("预览：{name}（{day}）", "Preview: {name} ({day})"),
    "activity.preview_lead": (
        "还没有记入任何时长。请核对每一行，确认后再记入。",
        "Nothing is credited yet. Check every row, then confirm.",
    ),
    "activity.confirm": (
        "确认记入 {count} 人，共 {coins} 币",
        "Credit {count} people, {coins} coins",
    ),
    "activity.nothing": ("没有可以记入的行。", "No row can be credited."),
    "activity.done_title": ("已记入：{name}（{day}）", "Credited: {name} ({day})"),
    "activity.summary": (
        "记入 {credit} 人，共 {coins} 币；已记过 {already} 人；"
        "需主管 {needs_manager} 人；有问题 {refused} 行。",
        "Credited {credit} people, {coins} coins; already credited {already}; "
        "for a manager {needs_manager}; rows with a problem {refused}.",
    ),
    "activity.plan": (
        "将记入 {credit} 人，共 {coins} 币；已记过 {already} 人；需主管 {needs_manager} 人；"
        "有问题 {refused} 行（不记入）。",
        "To credit: {credit} people, {coins} coins; already credited {already}; "
        "for a manager {needs_manager}; rows with a problem {refused} (not credited).",
    ),
    "tz.Asia/Shanghai": ("北京时间", "China (Asia/Shanghai)"),
    "activity.again": ("再导入一张表", "Import another sheet"),
    "activity.need_rows": ("请上传签到表或输入会员号。", "Upload a sheet or type member numbers."),
    "activity.bad_day": ("日期格式应为 2026-01-31。", "A date is written like 2026-01-31."),
    "row.number": ("行", "Row"),
    "row.member": ("会员号", "Member"),
    "row.name": ("姓名", "Name"),
    "row.hours": ("时长", "Hours"),
    "row.coins": ("币", "Coins"),
    "row.result": ("结果", "Result"),
    "row.credit": ("将记入", "To credit"),
    "row.credited": ("已记入", "Credited"),
    "row.already": ("已记过，跳过", "Already, skipped"),
    "row.needs_manager": ("需要主管", "Needs a manager"),
    "row.refused": ("不能记入", "Not credited"),
    "grant.title": ("每月补贴", "Monthly grant"),
    "grant.month": ("月份", "Month"),
    "grant.coins": ("每人币数", "Coins each"),
    "grant.show": ("预览", "Preview"),
    "grant.lead": (
        "{month}：{to_pay} 位会员将各得 {coins} 币，共 {total} 币；{already} 位本月已经发过。",
        "{month}: {to_pay} members get {coins} coins each, {total} coins in all; "
        "{already} had this month's already.",
    ),
    "grant.past": (
        "{month} 已经过去。补发以前月份的补贴需要主管操作。",
        "{month} is past. Paying a past month's grant needs a manager.",
    ),
    "grant.future": ("{month} 还没有开始，不能发放。", "{month} has not begun: it cannot be paid."),
    "grant.run": ("发放 {total} 币", "Pay {total} coins"),
    "grant.status": ("状态", "Status"),
    "grant.will": ("将发放", "To pay"),
    "grant.had": ("本月已发", "Already paid"),
    "grant.none": ("没有领取补贴的会员。", "No member receives the grant."),
    "grant.done": (
        "{month} 的补贴已发放：{count} 位会员，共 {total} 币。",
        "{month}'s grant paid: {count} members, {total} coins.",
    ),
    "grant.bad_month": ("月份格式应为 2026-01。", "A month is written like 2026-01."),
    "correct.title": ("更正与退回", "Corrections and refunds"),
    "correct.lead": (
        "记录不会被修改：每次更正都是一笔新的交易，写明原因和操作人。",
        "History is never edited: each correction is a new transaction, with its reason "
        "and who made it.",
    ),
    "correct.adjust": ("调整会员的币", "Adjust a member's coins"),
    "correct.coins": ("币数（加为正，减为负）", "Coins (+ adds, - takes)"),
    "correct.reverse": ("撤销一笔交易", "Reverse a transaction"),
    "correct.tx": ("交易号", "Transaction number"),
    "correct.refund": ("退回一次兑换", "Refund an exchange"),
    "correct.hold": ("兑换单号", "Exchange (hold) number"),
    "correct.reason": ("原因（必填）", "Reason (required)"),
    "correct.submit": ("提交", "Submit"),
    "correct.no_reason": ("请写明原因。", "Please give a reason."),
    "correct.done_adjust": (
        "已为会员 {member} 调整 {coins} 币（交易号 {tx}）。",
        "Member {member}: {coins} coins (transaction {tx}).",
    ),
    "correct.done_reverse": (
        "已撤销交易 {target}（新交易号 {tx}）。",
        "Transaction {target} reversed (transaction {tx}).",
    ),
    "correct.done_refund": (
        "已退回兑换 {hold}（交易号 {tx}）。",
        "Exchange {hold} refunded (transaction {tx}).",
    ),
    "correct.err_already_reversed": (
        "这笔已经撤销或退回过了，不能再做一次。",
        "This was already reversed or refunded: it is done only once.",
    ),
    "correct.err_unknown_hold": (
        "没有这个兑换号，请核对（兑换号以 h 开头）。",
        "No exchange with this number: check it (it starts with h).",
    ),
    "correct.err_not_refundable": (
        "这次兑换还没有完成扣币，不能退回。",
        "This exchange was never charged: there is nothing to refund.",
    ),
    "correct.err_unknown_transaction": (
        "没有这个交易号，请核对。",
        "No transaction with this number: check it.",
    ),
    "correct.err_unknown_member": (
        "没有这个会员号，请核对。",
        "No member with this number: check it.",
    ),
    "correct.done_free": (
        "已退回兑换 {hold}（免费物品，没有币要退）。",
        "Exchange {hold} refunded (a free item: no coins to give back).",
    ),
    "action.hours_credited": ("记志愿时长", "Hours credited"),
    "action.activity_credited": ("按活动记时长", "Activity credited"),
    "action.grant_paid": ("发放每月补贴", "Grant paid"),
    "action.coins_adjusted": ("调整币", "Coins adjusted"),
    "action.tx_reversed": ("撤销交易", "Transaction reversed"),
    "action.hold_refunded": ("退回兑换", "Exchange refunded"),
    "action.setting_changed": ("修改设置", "Setting changed"),
}

COIN_WORDS.update({f"reason.{code}": words for code, words in REASONS.items()})
