"""Every result a visit can end with, rendered in Chinese and English (tests/ui/result_variants.py):
no raw translation key, nothing cut off, and nothing that contradicts itself — the screen never
says "no coins taken" for a visit that was charged or whose coins are held, never shows a charge
for an item not handed out, adds up what it charged, and on a failure says what to do next and
the help line. `KIOSK_SCREENSHOTS=DIR` keeps the PNGs.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.result_variants import OTHER_VIEWS, PHONE, VARIANTS

pytestmark = pytest.mark.ui

RAW_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
# A claim about the whole visit that no coins moved.
NO_COINS = {"zh": ("没有扣您的币", "没有扣币"), "en": ("No coins were taken", "No coins taken")}
# A charge of N coins, as an item's line or the visit's money line says it.
# (A number and its unit are joined by a no-break space, U+00A0: never on two lines.)
CHARGE = {
    "zh": re.compile(r"扣了? (\d+)\u00a0币"),
    "en": re.compile(r"(?:taken, |^)(\d+)\u00a0coins"),
}
HELD = {"zh": "冻结", "en": "held"}
SUCCESS = {"zh": "兑换成功", "en": "Success"}


@pytest.fixture(scope="module", params=["default", "large"])
def shown(request, tmp_path_factory):
    """Both text modes: the default and elder mode's large text (长辈模式)."""
    out = os.environ.get("KIOSK_SCREENSHOTS") or str(tmp_path_factory.mktemp("results"))
    Path(out).mkdir(parents=True, exist_ok=True)
    args = {"out": out, "size": [800, 480], "diagonal": 7.0, "large": request.param == "large"}
    return {**run_variants(args), "large": args["large"]}


def run_variants(args):
    """The variants rendered in a fresh process (Kivy's window is one per process)."""
    repo = Path(__file__).resolve().parents[2]
    path = os.pathsep.join(p for p in (str(repo), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "KIOSK_STRICT_I18N": "1", "PYTHONPATH": path}
    proc = subprocess.run(
        [sys.executable, "-m", "tests.ui.result_variants", json.dumps(args)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    result = json.loads(lines[-1][len("RESULT ") :])
    assert not result["errors"], "\n".join(result["errors"])
    return result


KEYS = [f"{name}_{lang}" for lang in ("zh", "en") for name in VARIANTS]


@pytest.mark.parametrize("key", KEYS)
def test_a_result_shows_no_raw_key_and_nothing_cut_off(shown, key):
    screen = shown["shown"][key]
    assert screen["screen"] == "result"
    for part in ("heading", "message", "money", "next", *range(len(screen["items"]))):
        text = screen["items"][part] if isinstance(part, int) else screen[part]
        assert not RAW_KEY.search(text), f"{key}: raw key in {part}: {text!r}"
    assert shown["overflow"][key] == [], key


@pytest.mark.parametrize("key", KEYS)
def test_a_result_never_contradicts_itself(shown, key):
    screen, want = shown["shown"][key], shown["expected"][key]
    lang = key.rsplit("_", 1)[1]
    visit_level = " ".join((screen["heading"], screen["message"], screen["money"]))
    moved = want["charged"] or want["held"]
    if moved:
        assert not any(p in visit_level for p in NO_COINS[lang]) or (
            not want["charged"] and HELD[lang] in visit_level
        ), f"{key}: 'no coins' said of a visit that charged or holds coins: {visit_level!r}"
    # The success heading only when every item was handed out, and then no failure words.
    assert (SUCCESS[lang] in screen["heading"]) == want["ok"], key
    # Each item line: a charge only for an item handed out, and then its own price.
    for line, (price, handed_out, held) in zip(screen["items"], want["items"], strict=False):
        charges = [int(n) for n in CHARGE[lang].findall(line)]
        assert charges == ([price] if handed_out else []), f"{key}: {line!r}"
        assert (HELD[lang] in line) == held, f"{key}: {line!r}"
    # The money line: the sum charged (nothing said charged when nothing was), the balance.
    money = screen["money"]
    assert [int(n) for n in CHARGE[lang].findall(money.split("\n")[0])] == (
        [want["charged"]] if want["charged"] else []
    ), f"{key}: {money!r}"
    assert str(want["balance"]) in money, key
    # Coins still held are said where they belong: the message (one item) or the item's line.
    said = screen["message"] + " ".join(screen["items"])
    assert (HELD[lang] in said) == bool(want["held"]), f"{key}: {said!r}"


@pytest.mark.parametrize("key", KEYS)
def test_a_failure_says_what_to_do_next_and_the_help_line(shown, key):
    screen, want = shown["shown"][key], shown["expected"][key]
    if want["ok"]:
        assert screen["next"] == "" and len(screen["buttons"]) == 1, key
        return
    if want["phone"]:
        assert want["phone"] in screen["next"], key
    else:
        assert screen["next"] in ("需要帮忙，请找工作人员", "Need help? Please ask the staff."), key
    # After a jam with the item elsewhere: which locker, and a button to go there.
    assert (len(screen["buttons"]) == 2) == want["retry"], key
    if want["retry"] and not shown["large"]:  # in large text the button alone says it
        assert ("4 号柜" if key.endswith("_zh") else "Locker 4") in screen["next"], key


def test_every_variant_is_saved_as_a_picture_of_the_7_inch_screen(shown):
    from PIL import Image

    assert shown["window_size"] == [800, 480]
    assert sorted(shown["files"]) == sorted(KEYS)
    for path in shown["files"].values():
        assert Image.open(path).size == (800, 480), path


OTHER = [f"{name}_{lang}" for lang in ("zh", "en") for name in OTHER_VIEWS]
# What each of the other screens must say, in its language (a part of the text suffices).
MUST_SAY = {
    "confirm_mixed_zh": [
        "纸巾 ×\u00a01：15\u00a0币（开门就扣）",
        "矿泉水 ×\u00a01：20\u00a0币",
        "标了的：开门就扣币",
    ],
    "confirm_mixed_en": ["(charged at the door)", "Marked: charged at door"],
    "confirm_at_door_zh": ["柜门一开就扣币"],
    "confirm_at_door_en": ["Charged when the door opens"],
    "vending_before_open_zh": ["正在开门。柜门一打开就扣 15\u00a0币"],
    "vending_before_open_en": ["Once it opens, 15\u00a0coins are taken."],
    "countdown_catalog_zh": ["还要更多时间吗？", "秒后自动退出", "要，继续", "不用了"],
    "countdown_catalog_en": ["Do you need more time?", "Ending in", "Yes, more time"],
    "countdown_result_zh": ["还要更多时间吗？"],
    "countdown_result_en": ["Do you need more time?"],
    "out_of_service_zh": [PHONE],
    "out_of_service_en": [PHONE],
}


@pytest.mark.parametrize("key", OTHER)
def test_the_promise_the_countdown_and_the_help_line_are_said_whole(shown, key):
    other = shown["other"][key]
    assert other["screen"] == OTHER_VIEWS[key.rsplit("_", 1)[0]][1]
    joined = "\n".join(other["texts"])
    assert not RAW_KEY.search(joined), f"{key}: {joined!r}"
    for words in MUST_SAY[key]:
        assert words in joined, f"{key}: {words!r} not in {joined!r}"
    assert other["overflow"] == [], key


def test_the_countdown_counts_down(shown):
    for key, (first, later) in shown["countdown"].items():
        digits = [int("".join(c for c in text if c.isdigit())) for text in (first, later)]
        assert digits[0] <= 10 and digits[1] < digits[0], f"{key}: {first!r} then {later!r}"
