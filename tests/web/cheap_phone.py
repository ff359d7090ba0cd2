"""A cheap Android phone opening the member's pages inside WeChat, as near as headless Chromium
gets: 360 CSS px wide at 2 device px each, touch, WeChat's Android User-Agent; and what the
phone tests measure on a page (sideways scrolling, text sizes, tap targets, the QR in view).
Emulated, not a real phone nor WeChat's own browser (XWEB): see docs/office-guide-members.md."""

from __future__ import annotations

from typing import Any

# WeChat 8.0 on Android as its in-app browser (XWEB) names itself.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 10; V2001A Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 "
    "MMWEBSDK/20230303 MMWEBID/2585 MicroMessenger/8.0.34.2340(0x2800223B) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
# A 360x640 screen; WeChat's page area is what its status bar (24 px) and title bar (48 px)
# leave: 360x568 CSS px.
SCREEN = {"width": 360, "height": 640}
VIEWPORT = {"width": 360, "height": 568}
METRICS = {
    **VIEWPORT,
    "deviceScaleFactor": 2,
    "mobile": True,
    "screenWidth": SCREEN["width"],
    "screenHeight": SCREEN["height"],
}
BODY_MIN_PX = 16  # the page's body text
TEXT_MIN_PX = 14  # any text the member can see
TAP_MIN_PX = 44  # each side of anything the member taps

# What a page breaks, as sentences a failing test prints; [] for nothing. Run in the page.
MEASURE = """
const problems = [], seen = el => el.checkVisibility({visibilityProperty: true});
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  ' "' + (el.innerText || el.value || el.alt || '').trim().slice(0, 30) + '"';
const doc = document.documentElement, wide = Math.max(doc.scrollWidth, document.body.scrollWidth);
if (wide > window.innerWidth) problems.push(`scrolls sideways: ${wide} > ${window.innerWidth} px`);
const body = parseFloat(getComputedStyle(document.body).fontSize);
if (body < arguments[0]) problems.push(`body text ${body} px < ${arguments[0]}`);
const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walk.nextNode(); n; n = walk.nextNode()) {
  const el = n.parentElement;
  if (!n.data.trim() || !seen(el)) continue;
  const size = parseFloat(getComputedStyle(el).fontSize);
  if (size < arguments[1]) problems.push(`text ${size} px < ${arguments[1]}: ${name(el)}`);
}
const taps = 'a[href], button, summary, input:not([type=hidden]), select, textarea';
for (const el of document.querySelectorAll(taps)) {
  const target = ['radio', 'checkbox'].includes(el.type) ? (el.closest('label') || el) : el;
  if (!seen(target)) continue;
  const r = target.getBoundingClientRect();
  if (r.width < arguments[2] || r.height < arguments[2])
    problems.push(`tap target ${Math.round(r.width)}x${Math.round(r.height)} px: ${name(target)}`);
  if (el.matches('select, textarea, input:not([type=radio]):not([type=checkbox])')) {
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < arguments[0]) problems.push(`typed text ${size} px < ${arguments[0]}: ${name(el)}`);
  }
}
return problems;
"""
# Where the code page's QR code is, and whether all of it is on screen with no scrolling.
QR_IN_VIEW = """
const r = document.getElementById('qr').getBoundingClientRect();
return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width,
        scrolled: window.scrollY, inside: window.scrollY === 0 && r.top >= 0 && r.left >= 0
        && r.bottom <= window.innerHeight && r.right <= window.innerWidth};
"""


def emulate(driver: Any, on: bool = True) -> None:
    """Make `driver` the cheap phone in WeChat (or, `on=False`, the office PC again)."""
    if not on:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
        driver.execute_cdp_cmd("Emulation.setUserAgentOverride", {"userAgent": ""})
        return
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", METRICS)
    driver.execute_cdp_cmd(
        "Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5}
    )
    driver.execute_cdp_cmd(
        "Emulation.setUserAgentOverride",
        {"userAgent": WECHAT_UA, "acceptLanguage": "zh-CN,zh", "platform": "Linux aarch64"},
    )


def as_the_phone(driver: Any) -> dict[str, Any]:
    """What the page itself sees of the phone it runs on."""
    return dict(
        driver.execute_script(
            "return {ua: navigator.userAgent, touch: navigator.maxTouchPoints,"
            " width: window.innerWidth, height: window.innerHeight, ratio: devicePixelRatio}"
        )
    )


def problems(driver: Any) -> list[str]:
    """What the open page breaks of the phone rules above."""
    return list(driver.execute_script(MEASURE, BODY_MIN_PX, TEXT_MIN_PX, TAP_MIN_PX))


def qr_in_view(driver: Any) -> dict[str, Any]:
    return dict(driver.execute_script(QR_IN_VIEW))


def full_page(driver: Any, path: str) -> None:
    """The whole page, past the screen's end, as a PNG (for reading, not measuring)."""
    import base64

    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    with open(path, "wb") as out:
        out.write(base64.b64decode(shot["data"]))
