"""What the console says, Chinese first with English, by key (templates call t("key"))."""

from __future__ import annotations

from ledger.web.card_batch_words import CARD_BATCH_WORDS
from ledger.web.coin_words import COIN_WORDS
from ledger.web.device_words import PHONE_DEVICE_WORDS
from ledger.web.fleet_words import FLEET_WORDS
from ledger.web.lot_words import LOT_WORDS
from ledger.web.member_words import MEMBER_WORDS
from ledger.web.order_words import ORDER_WORDS
from ledger.web.phone_words import PHONE_MONEY_WORDS
from ledger.web.pool_words import POOL_DESK_WORDS
from ledger.web.report_words import REPORT_WORDS
from ledger.web.reserve_words import RESERVE_WORDS

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

WORDS: dict[str, tuple[str, str]] = {  # key -> (zh, en)
    "site.title": ("时间银行管理台", "Time bank console"),
    "lang.other": ("English", "中文"),
    "nav.home": ("首页", "Home"),
    "nav.members": ("会员", "Members"),
    "nav.audit": ("操作记录", "Audit log"),
    "nav.counts": ("待清点", "To count"),
    "counts.title": ("待清点的柜子", "Lockers to count"),
    "counts.lead": (
        "自助机无法确认这些物品是否已被取走。会员的币先冻结，不扣也不退；"
        "请技术员到自助机清点柜子（补货页面，或 kiosk diag restock --found），清点后自动结算。",
        "The kiosk could not tell whether these items came out. The member's coins are held, "
        "neither charged nor returned, until a technician counts the locker at the kiosk "
        "(Restock page, or kiosk diag restock --found); the count settles it.",
    ),
    "counts.none": ("没有待清点的柜子。", "No locker waits for a count."),
    "counts.since": ("等待自", "Waiting since"),
    "counts.kiosk": ("自助机", "Kiosk"),
    "counts.locker": ("柜号", "Locker"),
    "counts.item": ("物品", "Item"),
    "counts.coins": ("冻结的币", "Coins held"),
    "counts.member": ("会员", "Member"),
    "home.counts": ("需要清点才能结算的兑换", "Exchanges that wait for a locker count"),
    "nav.logout": ("退出登录", "Log out"),
    "role.clerk": ("办事员", "Clerk"),
    "role.manager": ("主管", "Manager"),
    "role.admin": ("管理员", "Administrator"),
    "login.title": ("工作人员登录", "Staff login"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Log in"),
    "login.wrong": ("用户名或密码不对。", "The username or password is not right."),
    "login.locked": (
        "错误次数太多，暂时不能登录，请 {minutes} 分钟后再试。",
        "Too many wrong tries: logging in is locked. Try again in {minutes} min.",
    ),
    "login.code_title": ("输入验证码", "Enter your code"),
    "login.code": (
        "身份验证器上的 6 位验证码",
        "The 6-digit code from your authenticator app",
    ),
    "login.code_wrong": (
        "验证码不对，请输入现在显示的验证码。",
        "Wrong code. Type the code shown now.",
    ),
    "login.logged_out": ("您已退出登录。", "You are logged out."),
    "home.title": ("首页", "Home"),
    "home.welcome": ("您好，{name}", "Hello, {name}"),
    "home.role": ("您的角色：{role}", "Your role: {role}"),
    "home.members": ("查找会员、查看余额", "Find members and see their balances"),
    "home.audit": ("查看工作人员的操作记录", "See what staff did"),
    "members.title": ("会员", "Members"),
    "members.search": ("按姓名或会员号查找", "Search by name or member number"),
    "members.search_button": ("查找", "Search"),
    "members.none": ("没有找到会员。", "No members found."),
    "members.found": ("共 {total} 位会员", "Members found: {total}"),
    "nav.who": ("{name}（{role}）", "{name} ({role})"),
    "member.number": ("会员号", "Member no."),
    "member.name": ("姓名", "Name"),
    "member.balance": ("可用余额（币）", "Balance (coins)"),
    "member.held": ("冻结中", "Held"),
    "member.grant": ("每月补贴", "Monthly grant"),
    "member.phone": ("手机动态码", "Phone codes"),
    "member.cards": ("会员卡", "Cards"),
    "member.history": ("收支记录", "History"),
    "member.when": ("时间", "When"),
    "member.what": ("事项", "What"),
    "member.note": ("备注", "Note"),
    "kind.grant": ("补贴", "Grant"),
    "kind.redemption": ("兑换物品", "Exchange"),
    "kind.refund": ("退回", "Refund"),
    "kind.adjustment": ("调整", "Adjustment"),
    "kind.reversal": ("撤销", "Reversal"),
    "kind.volunteer_hours": ("志愿服务", "Volunteer hours"),
    "member.coins": ("币", "Coins"),
    "member.after": ("余额", "Balance after"),
    "member.back": ("返回会员列表", "Back to the members"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "active": ("有效", "Active"),
    "off": ("已停用", "Off"),
    "audit.title": ("操作记录", "Audit log"),
    "audit.staff": ("工作人员", "Staff"),
    "audit.day": ("日期", "Day"),
    "audit.filter": ("筛选", "Filter"),
    "audit.all": ("全部", "All"),
    "audit.when": ("时间", "When"),
    "audit.action": ("操作", "Action"),
    "audit.address": ("来源地址", "From"),
    "audit.detail": ("详情", "Detail"),
    "audit.none": ("没有记录。", "Nothing recorded."),
    "audit.bad_day": ("日期格式应为 2026-01-31。", "A day is written like 2026-01-31."),
    "action.login": ("登录", "Logged in"),
    "action.login_failed": ("登录失败", "Login failed"),
    "action.login_locked": ("登录被锁定", "Login while locked"),
    "action.code_failed": ("验证码错误", "Wrong code"),
    "action.logout": ("退出登录", "Logged out"),
    "action.access_refused": ("无权访问", "Access refused"),
    "action.staff_added": ("新增工作人员", "Staff added"),
    "action.staff_disabled": ("停用工作人员", "Staff disabled"),
    "action.staff_password": ("重设密码", "Password reset"),
    "action.staff_totp": ("设置验证器", "Authenticator set"),
    "page.previous": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {number} 页，共 {pages} 页", "Page {number} of {pages}"),
    "error.title": ("无法完成", "Cannot do that"),
    "error.bad_request": ("请求有误。", "The request was not right."),
    "error.csrf": (
        "页面已过期，请返回重新打开页面后再提交。",
        "This page is out of date. Go back, open the page again, then send it.",
    ),
    "error.login": ("请先登录。", "Please log in first."),
    "error.role": ("您的角色不能查看这个页面。", "Your role cannot see this page."),
    "error.not_found": ("找不到这个页面。", "This page does not exist."),
    "error.too_many": (
        "尝试太频繁，请 {seconds} 秒后再试。",
        "Too many tries. Try again in {seconds} seconds.",
    ),
    "error.home": ("回到首页", "Back to the start"),
    "phone.site": ("时间银行", "Time bank"),
    "phone.title": ("我的会员码", "My member code"),
    "phone.qr_alt": ("会员码，请对准自助机的扫码口", "Member code: hold it to the kiosk's scanner"),
    "phone.coins": ("币", "coins"),
    "phone.synced": ("余额更新于 {time}", "Balance as of {time}"),
    "phone.offline": ("没有网络，余额更新于 {time}", "No signal: balance as of {time}"),
    "phone.revoked": (
        "这部手机已停用。请到服务站领取新的登记链接。",
        "This phone was switched off. Ask the office for a new link.",
    ),
    "phone.no_device": (
        "这部手机还没有登记。请到服务站领取登记链接。",
        "This phone is not enrolled. Ask the office for a link.",
    ),
    "phone.link_gone": (
        "这个登记链接已经用过或已过期。请到服务站领取新的链接。",
        "This link was used already or has expired. Ask the office for a new one.",
    ),
}

WORDS.update(MEMBER_WORDS)
WORDS.update(FLEET_WORDS)
WORDS.update(REPORT_WORDS)
WORDS.update(COIN_WORDS)
WORDS.update(PHONE_MONEY_WORDS)
WORDS.update(PHONE_DEVICE_WORDS)
WORDS.update(RESERVE_WORDS)
WORDS.update(LOT_WORDS)
WORDS.update(ORDER_WORDS)
WORDS.update(POOL_DESK_WORDS)
WORDS.update(CARD_BATCH_WORDS)


def translate(lang: str, key: str, **values: object) -> str:
    """The words of `key` in `lang`; a key not listed (a new kind of transaction) shows the
    part after its last dot, so a page never breaks for want of a translation."""
    zh, en = WORDS.get(key, (key.rpartition(".")[2],) * 2)
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
