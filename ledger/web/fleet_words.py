"""What the console's catalog, kiosk and fleet pages say (ledger.web.words merges them into
its table): key -> (zh, en)."""

from __future__ import annotations

FLEET_WORDS: dict[str, tuple[str, str]] = {
    "nav.catalog": ("物品", "Catalog"),
    "nav.kiosks": ("自助机", "Kiosks"),
    "nav.fleet": ("库存与报警", "Stock & alerts"),
    "nav.kiosk_menu": ("自助机与物品", "Kiosks & items"),  # the header's menu of the three
    "home.catalog": ("可兑换的物品和价格", "The items and their prices"),
    "home.fleet": ("各台自助机的库存、临期和报警", "Each kiosk's stock, expiry and alarms"),
    "catalog.title": ("物品目录", "Catalog"),
    "catalog.sku": ("编号", "SKU"),
    "catalog.name_zh": ("中文名称", "Chinese name"),
    "catalog.name_en": ("英文名称", "English name"),
    "catalog.price": ("价格（币）", "Price (coins)"),
    "catalog.state": ("状态", "State"),
    "catalog.on_sale": ("在售", "Offered"),
    "catalog.retired": ("已下架", "Retired"),
    "catalog.none": ("目录里还没有物品。", "The catalog is empty."),
    "catalog.new": ("新增物品", "Add an item"),
    "catalog.edit": ("修改物品", "Edit the item"),
    "catalog.retire": ("下架", "Retire"),
    "catalog.restore": ("重新上架", "Offer again"),
    "catalog.retire_hint": (
        "下架后自助机不再显示这个物品，也不能再兑换；以前的兑换记录保留。",
        "A retired item leaves the kiosks and can no longer be taken; its history is kept.",
    ),
    "catalog.price_hint": (
        "改价后，自助机会在下次读取目录时显示新价格。",
        "Kiosks show a new price from their next read of the catalog.",
    ),
    "catalog.sku_hint": (
        "字母、数字、下划线、点或横线，最多 64 个，保存后不能再改。",
        "Letters, digits, '_', '.' or '-', up to 64; it cannot be changed later.",
    ),
    "catalog.manager_only": (
        "新增、改价和下架需要主管或管理员。",
        "Adding, repricing and retiring need a manager or an administrator.",
    ),
    "done.catalog_saved": ("物品已保存。", "The item was saved."),
    "done.catalog_retired": ("物品已下架。", "The item was retired."),
    "done.catalog_restored": ("物品已重新上架。", "The item is offered again."),
    "kiosks.title": ("自助机", "Kiosks"),
    "kiosks.id": ("编号", "Kiosk"),
    "kiosks.name": ("名称", "Name"),
    "kiosks.location": ("位置", "Location"),
    "kiosks.state": ("状态", "State"),
    "kiosks.active": ("使用中", "Active"),
    "kiosks.revoked": ("已停用", "Revoked"),
    "kiosks.since": ("登记时间", "Added"),
    "kiosks.none": ("还没有登记自助机。", "No kiosk is registered."),
    "kiosks.new": ("登记新自助机", "Add a kiosk"),
    "kiosks.rename": ("改名", "Rename"),
    "kiosks.revoke": ("停用", "Revoke"),
    "kiosks.admin_only": (
        "登记、改名和停用自助机需要管理员。",
        "Adding, renaming and revoking kiosks need an administrator.",
    ),
    "kiosks.key_title": ("自助机 {name} 已登记", "Kiosk {name} is registered"),
    "kiosks.key_lead": (
        "这是这台自助机的密钥，只显示这一次，关闭页面后无法再查看。"
        "请现在抄到自助机的配置里（ledger.key），不要发给别人。",
        "This is the kiosk's key. It is shown this once only and cannot be seen again. "
        "Put it in the kiosk's configuration now (ledger.key) and give it to nobody else.",
    ),
    "kiosks.key_lost": (
        "如果密钥丢了：停用这台自助机，再登记一台新的。",
        "If the key is lost: revoke this kiosk and register it again.",
    ),
    "kiosks.revoke_title": ("停用自助机 {name}", "Revoke kiosk {name}"),
    "kiosks.revoke_lead": (
        "停用后，这台自助机的密钥立即失效，它不能再为会员兑换。这个操作不能撤销。",
        "Once revoked, the kiosk's key is refused at once and it can serve no member. "
        "This cannot be undone.",
    ),
    "kiosks.revoke_confirm": ("确认停用", "Revoke"),
    "done.kiosk_renamed": ("已改名。", "Renamed."),
    "done.kiosk_revoked": (
        "自助机已停用，它的密钥不再有效。",
        "The kiosk is revoked: its key is refused.",
    ),
    "fleet.title": ("库存与报警", "Stock and alerts"),
    "fleet.alerts": ("临期和过期提醒", "Near-expiry and expired"),
    "fleet.alerts_lead": (
        "今天是 {today}。{days} 天内到期为“临期”；已过保质期的请尽快取出。",
        "Today is {today}. Within {days} days of its date an item is near expiry; take out "
        "expired items soon.",
    ),
    "fleet.no_alerts": ("没有临期或过期的物品。", "Nothing is near or past its date."),
    "fleet.kiosk": ("自助机", "Kiosk"),
    "fleet.locker": ("柜号", "Locker"),
    "fleet.item": ("物品", "Item"),
    "fleet.count": ("数量", "Count"),
    "fleet.best_before": ("保质期至", "Best before"),
    "fleet.days_left": ("剩余天数", "Days left"),
    "fleet.state": ("提醒", "Alert"),
    "fleet.expired": ("已过期", "Expired"),
    "fleet.near_expiry": ("临期", "Near expiry"),
    "fleet.ok": ("正常", "OK"),
    "fleet.inspect": ("待检查", "To inspect"),
    "fleet.last_contact": ("最近联系：{at}", "Last contact: {at}"),
    "fleet.never": ("从未联系", "Never"),
    "fleet.silent": (
        "超过 24 小时没有联系，请检查网络和电源。",
        "No word for over 24 hours: check its network and power.",
    ),
    "fleet.in_service": ("正常服务", "In service"),
    "fleet.out_of_service": ("暂停服务", "Out of service"),
    "fleet.reason": ("原因：{reason}", "Reason: {reason}"),
    # The technician's reasons for taking a kiosk out of service (kiosk/core/technician.py).
    "service_reason.cleaning": ("清洁", "cleaning"),
    "service_reason.restocking": ("补货", "restocking"),
    "service_reason.fault": ("故障", "fault"),
    "service_reason.other": ("其他", "other"),
    "fleet.days_ago": ("过期 {days} 天", "{days} days ago"),
    "fleet.door_open": (
        "报警：维修门开着（{at} 起）",
        "Alarm: the service door is open (since {at})",
    ),
    "fleet.faults": ("最近 7 天的故障", "Faults in the last 7 days"),
    "fleet.stock": ("各柜库存", "Stock per locker"),
    "fleet.stock_as_of": ("库存报告时间：{at}", "Stock as reported at {at}"),
    "fleet.no_stock": ("这台自助机还没有报告库存。", "This kiosk has not reported its stock."),
    "fleet.revoked": ("已停用", "Revoked"),
    "action.catalog_saved": ("保存物品", "Item saved"),
    "action.catalog_retired": ("物品下架", "Item retired"),
    "action.catalog_restored": ("物品重新上架", "Item offered again"),
    "action.kiosk_added": ("登记自助机", "Kiosk added"),
    "action.kiosk_renamed": ("自助机改名", "Kiosk renamed"),
    "action.kiosk_revoked": ("停用自助机", "Kiosk revoked"),
    "form.save": ("保存", "Save"),
    "form.back": ("返回", "Back"),
    "form.error": ("无法保存：", "Not saved:"),
    "catalog.form_hint": (
        "请检查：编号只能用字母、数字、下划线、点或横线，且不能和已有物品重复；价格是 0 到 1000000 "
        "之间的整数；中英文名称都要填写。",
        "Check: the SKU is letters, digits, '_', '.' or '-' and not taken; the price is whole "
        "coins from 0 to 1,000,000; both names are filled in.",
    ),
    "kiosks.form_hint": (
        "请检查：名称必须填写，名称和位置各不超过 200 个字。",
        "Check: the name is filled in; name and location are at most 200 characters each.",
    ),
}
