"""The technician screen shows `kiosk diag`'s checks in Chinese: every name and value a simulated
kiosk reports (healthy, with lockers to inspect, with its board silent) has its words."""

import re
from pathlib import Path

from kiosk.core.technician import CheckLine
from kiosk.diag.desk import DiagDesk
from kiosk.ui.i18n import Translator
from kiosk.ui.tech_text import check_text, inspect_reason, locker_name, name_lockers

# Units and names a Chinese technician reads as they are.
ALLOWED_LATIN = {"MB"}


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED_LATIN


def test_every_check_of_a_simulated_kiosk_reads_in_chinese(parts, site):
    zh = Translator("zh", strict=True)
    desk = DiagDesk(parts)
    parts.journal.flag_for_inspection("0:3", "did not open in a lock walk by m1")
    lines = desk.checks()
    site.board.silent = True
    lines += desk.checks()
    seen = {line.name for line in lines}
    assert {"ledger", "clock", "lock board 0", "scanner", "journal", "lockers"} <= seen
    english = {check_text(line, zh): latin_words(check_text(line, zh)) for line in lines}
    assert not {text: words for text, words in english.items() if words}
    texts = [check_text(line, zh) for line in lines]
    assert "注意  检修：1 个柜子待检修" in texts and "故障  锁控板 0：无应答" in texts


def test_a_value_no_pattern_knows_is_shown_as_it_came():
    zh = Translator("zh", strict=True)
    line = CheckLine("gpio door", "ok", "pressed=True")
    assert check_text(line, zh) == "正常  输入输出口 door：pressed=True"


def test_lockers_are_named_by_door_number_beside_their_bus_address():
    zh, en = Translator("zh", strict=True), Translator("en", strict=True)
    assert locker_name("0:2", ["0:1", "0:2"], zh) == "2 号柜（0:2）"
    assert locker_name("1:2", ["0:1", "1:2"], en) == "Locker 1-2 (1:2)"
    assert name_lockers("0:3, 0:4", ["0:3", "0:4"], zh) == "3 号柜（0:3）, 4 号柜（0:4）"
    assert name_lockers("at 12:30:05", [], zh) == "at 12:30:05"  # a time is not a locker


def reasons_in_the_code() -> list[str]:
    """Every reason the kiosk's code flags a locker with (an f-string's fields filled in)."""
    root = Path(__file__).resolve().parents[2] / "kiosk"
    found = []
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"flag_for_inspection\(\s*[^,]+,\s*f?\"([^\"]+)\"", text):
            found.append(re.sub(r"\{[^}]*\}", "m1", m.group(1)))
    return found


def test_every_inspection_reason_the_kiosk_gives_reads_in_chinese():
    zh = Translator("zh", strict=True)
    reasons = reasons_in_the_code()
    assert len(reasons) >= 6 and "crash during unlock; lock seen closed" in reasons
    english = {r: inspect_reason(r, zh) for r in reasons if latin_words(inspect_reason(r, zh))}
    assert not english
