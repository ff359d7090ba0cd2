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
