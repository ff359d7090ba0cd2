"""The result screen's item lines fitted to the room it has: each item gets the lines the screen
can spare, and a name too long for them is shortened with an ellipsis ("五常大米 5 公斤家…"),
never the words after it (what happened to the item, what it cost); in a list to scroll, the
line saying what is out of its view.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kiosk.ui.i18n import Translator

ELLIPSIS = "…"
# A name with ideographs is shortened a character at a time; a Latin one a word at a time
# while it has more than one word.
_IDEOGRAPH = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TRAILING = " \u00a0,;:-(（、，"


def shorter_names(name: str) -> list[str]:
    """Ever shorter forms of `name`, longest first, each ending in an ellipsis. A count and its
    unit, joined by a no-break space (kiosk/ui/item_names.py), are one word: kept or dropped
    together."""
    words = [word for word in name.split(" ") if word]
    found: list[str] = []
    if len(words) > 1 and not _IDEOGRAPH.search(name):
        found += [" ".join(words[:n]).rstrip(_TRAILING) for n in range(len(words) - 1, 0, -1)]
        name = words[0]
    found += [name[:k].rstrip(_TRAILING) for k in range(len(name) - 1, 0, -1)]
    shortened: list[str] = []
    for short in found:
        if short and short + ELLIPSIS not in shortened:
            shortened.append(short + ELLIPSIS)
    return shortened


def share_lines(needs: list[int], available: int) -> list[int]:
    """Lines for each item: one each, then one more at a time, in turn, to those that need
    more, while `available` lasts."""
    given = [1] * len(needs)
    left = available - len(needs)
    while left > 0:
        wanting = [i for i, need in enumerate(needs) if given[i] < need]
        if not wanting:
            break
        for i in wanting[:left]:
            given[i] += 1
        left -= min(left, len(wanting))
    return given


def fit_name(
    name: str, lines: int, line_of: Callable[[str], str], count: Callable[[str], int]
) -> str:
    """The item's line (`line_of(name)`) in at most `lines` lines of text (`count` measures a
    text): with the whole name if it fits, else with the longest shortened name that does, else
    the shortest one."""
    whole = line_of(name)
    if count(whole) <= lines:
        return whole
    shorter = shorter_names(name)
    if not shorter:
        return whole
    low, high = 0, len(shorter) - 1  # lines shrink as the name does: find the longest that fits
    while low < high:
        middle = (low + high) // 2
        if count(line_of(shorter[middle])) <= lines:
            high = middle
        else:
            low = middle + 1
    return line_of(shorter[low])


def out_of_view(t: Translator, above: int, below: int) -> str:
    """The line under a list to scroll: how many items are above its view, below it, or
    both ("上面还有 1 件，下面还有 2 件")."""
    if above and below:
        return t("result.more_both", above=above, below=below)
    if below:
        return t("confirm.more_below_one" if below == 1 else "confirm.more_below", count=below)
    if above:
        return t("result.more_above_one" if above == 1 else "result.more_above", count=above)
    return ""


# A count and its unit as kiosk/ui/item_names.py joins them: "500\u00a0毫升", "2\u00a0packs". A
# Chinese unit is one or two ideographs (袋, 公斤, 毫升); a Latin one a word.
_COUNT_UNIT = re.compile(r"\d[\d.,]*\u00a0(?:[A-Za-z]+|[\u3400-\u9fff\uf900-\ufaff]{1,2})")


def name_forms(name: str) -> list[str]:
    """`name`, then its shortened forms (shorter_names), longest first, less those that would
    cut a count from its unit ("山西老陈醋 500…", "五常大米 5 公…"): a count is shown with its
    whole unit or not at all."""
    counts = [(m.start(), m.end()) for m in _COUNT_UNIT.finditer(name)]
    forms = [name]
    for short in shorter_names(name):
        kept = len(short) - len(ELLIPSIS)  # the name's first characters the form keeps
        if not any(start < kept < end for start, end in counts):
            forms.append(short)
    return forms


def longest_fitting(name: str, line_of: Callable[[str], str], fits: Callable[[str], bool]) -> str:
    """The item's line (`line_of(name)`) with the whole name if it `fits`, else with the longest
    shortened form (name_forms) that does, else the shortest one."""
    forms = name_forms(name)
    low, high = 0, len(forms) - 1  # a shorter name never needs more room: find the first fit
    while low < high:
        middle = (low + high) // 2
        if fits(line_of(forms[middle])):
            high = middle
        else:
            low = middle + 1
    return line_of(forms[low])
