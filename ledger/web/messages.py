"""What the phone page says, Chinese first with English, for each outcome and refusal code."""

from typing import Any

from ledger.errors import ApiError

Text = dict[str, str]

SIGNIN_ERRORS: dict[str, Text] = {
    "invalid_code": {
        "zh": "会员号或动态码不对。请输入手机上现在显示的动态码。",
        "en": "The member ID or code is not right. Type the code your phone shows now.",
    },
    "code_used": {
        "zh": "这个动态码已经用过了，请等手机上出现下一个动态码。",
        "en": "This code was already used. Wait for the next code on your phone.",
    },
    "pin_required": {"zh": "请输入会员卡密码。", "en": "Please type your card's PIN."},
    "card_revoked": {
        "zh": "这张会员卡已停用，请联系工作人员。",
        "en": "This card was revoked. Please ask the staff.",
    },
    "member_deactivated": {
        "zh": "这个会员已停用，请联系工作人员。",
        "en": "This member was deactivated. Please ask the staff.",
    },
    "forbidden": {
        "zh": "页面已过期，请重新扫描自助机上的二维码。",
        "en": "This page is out of date. Scan the QR code on the kiosk again.",
    },
    "bad_request": {"zh": "请填写所有栏目。", "en": "Please fill in every field."},
}

OUTCOMES: dict[str, tuple[Text, Text]] = {  # code -> (title, note)
    "confirmed": (
        {"zh": "已确认", "en": "Confirmed"},
        {"zh": "请回到自助机继续操作。", "en": "Go back to the kiosk to continue."},
    ),
    "declined_now": (
        {"zh": "已取消", "en": "Cancelled"},
        {"zh": "自助机不会使用您的账户。", "en": "The kiosk will not use your account."},
    ),
    "pairing_expired": (
        {"zh": "二维码已过期", "en": "This QR code has expired"},
        {"zh": "请在自助机上重新开始。", "en": "Please start again at the kiosk."},
    ),
    "pairing_used": (
        {"zh": "这个二维码已经用过了", "en": "This QR code was already used"},
        {"zh": "要再登录，请在自助机上重新开始。", "en": "To sign in again, start at the kiosk."},
    ),
    "pairing_declined": (
        {"zh": "已取消", "en": "Cancelled"},
        {"zh": "请在自助机上重新开始。", "en": "Please start again at the kiosk."},
    ),
    "too_many_attempts": (
        {"zh": "尝试次数太多", "en": "Too many attempts"},
        {"zh": "请在自助机上重新开始。", "en": "Please start again at the kiosk."},
    ),
    "unknown_pairing": (
        {"zh": "找不到这个二维码", "en": "This QR code is not known"},
        {"zh": "请重新扫描自助机上的二维码。", "en": "Scan the QR code on the kiosk again."},
    ),
}

UNKNOWN: tuple[Text, Text] = (
    {"zh": "出错了", "en": "Something went wrong"},
    {"zh": "请在自助机上重新开始。", "en": "Please start again at the kiosk."},
)


def error_text(exc: ApiError) -> Text:
    """The line shown above the sign-in form after a refusal (never repeats what was typed)."""
    if exc.code == "wrong_pin":
        left = exc.extra.get("attempts_left")
        return {
            "zh": f"密码不对。还可以再试 {left} 次。" if left is not None else "密码不对。",
            "en": f"Wrong PIN. {left} tries left." if left is not None else "Wrong PIN.",
        }
    if exc.code == "locked_out":  # a card, a member's phone codes, or this phone's address
        minutes = max(1, -(-int(exc.extra.get("retry_after", 60)) // 60))
        return {
            "zh": f"错误次数太多，暂时不能登录，请 {minutes} 分钟后再试。",
            "en": f"Too many wrong tries: signing in is locked. Try again in {minutes} min.",
        }
    return SIGNIN_ERRORS.get(
        exc.code, {"zh": "无法登录，请再试一次。", "en": "Could not sign in. Please try again."}
    )


def gone_page(code: str) -> dict[str, Any]:
    title, note = OUTCOMES.get(code, UNKNOWN)
    return {"view": "message", "title": title, "note": note}


def error_title(exc: ApiError) -> dict[str, Any]:
    """A refusal shown as the page's message (for a form that cannot be shown again)."""
    return {"title": error_text(exc), "note": UNKNOWN[1]}
