"""How an item's name is shown to a member: in the screen's language, with a count and the unit
after it ("挂面 2 袋", "Tissues 3 packs") kept on one line wherever the text wraps.

Kivy breaks a line only at a plain space (U+0020), and a run without one that is wider than a
line anywhere, one character after another (kivy/core/text/text_layout.pyx, `layout_text`): a
no-break space (U+00A0, drawn as a space) joins two words, but inside a run broken by
characters it is one character like any other. So the space between a number and its unit
becomes a no-break space, and a number glued to the ideograph or bracket before it ("挂面2袋")
gets a plain space before it: the number then starts a run, and a run broken by characters keeps
a whole line at its start. The screens' own lines follow the same rule ("扣 {price} 币",
"第 {index} 件"). tests/ui/test_item_names.py lays them out at every width to check.
"""

from __future__ import annotations

import re
from typing import Protocol

from kiosk.ui.i18n import Translator

NO_BREAK = "\u00a0"
_IDEOGRAPH = "\u3400-\u9fff\uf900-\ufaff"
# A number and the word after it, apart ("2 袋", "3 packs") or glued to an ideograph ("2袋").
_SPACED_UNIT = re.compile(r"(\d)[ \u3000]+(?=[^\W\d_])")
_GLUED_UNIT = re.compile(rf"(\d)(?=[{_IDEOGRAPH}])")
# A number (or its opening bracket) straight after an ideograph or a closing bracket: "挂面2袋",
# "大米（5公斤）", "大米（东北）5公斤".
_GLUED_BEFORE = re.compile(rf"(?<=[{_IDEOGRAPH}）)】」])(?=[（(【\[]?\d)")


class Named(Protocol):
    """Anything the kiosk sells or lists: a catalog offer, a cart line, a vend, a result."""

    @property
    def name_zh(self) -> str: ...

    @property
    def name_en(self) -> str: ...


def keep_units(name: str) -> str:
    """`name` with each number held to the unit after it ("挂面 2 袋" -> "挂面 2\\u00a0袋")."""
    name = _GLUED_BEFORE.sub(" ", name)
    name = _SPACED_UNIT.sub(rf"\1{NO_BREAK}", name)
    return _GLUED_UNIT.sub(rf"\1{NO_BREAK}", name)


def shown_name(item: Named, t: Translator) -> str:
    """The item's name as a screen in `t`'s language shows it."""
    return keep_units(item.name_zh if t.language == "zh" else item.name_en)
