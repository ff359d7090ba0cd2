"""What every screen is: it renders a KioskView and sends intents (the member's, or on the
technician screen the technician's), and keeps no visit state."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.core.technician import TechnicianIntents
from kiosk.core.view import KioskView, MemberIntents
from kiosk.ui.countdown import show_prompt
from kiosk.ui.i18n import Translator

# A second tap within this time is ignored, so a double tap never acts twice.
DEBOUNCE_S = 1.0

CellT = TypeVar("CellT", bound=Widget)


class KioskScreen(Screen):
    """Base of the kiosk's screens. Each declares which intents it sends: a member's screen
    MemberIntents, the technician screen TechnicianIntents (the app hands all one object)."""

    intents: MemberIntents | TechnicianIntents

    def __init__(self, intents: MemberIntents | TechnicianIntents, **kwargs: object) -> None:
        self.intents = intents
        self.view = KioskView()
        self._last_taps: dict[str, float] = {}
        super().__init__(**kwargs)

    def render(self, view: KioskView, t: Translator) -> None:
        """Show `view` in the language of `t`. Called on the Kivy thread only."""
        self.view = view
        show_prompt(self, view, t)  # "need more time?" over the screen, while the core asks

    def debounced(self, target: str = "", while_busy: bool = False) -> bool:
        """True when a tap on `target` may act now: that target did not act within DEBOUNCE_S,
        and the kiosk is not busy (unless `while_busy`: a way back must work while the kiosk
        waits on the ledger). A double tap hits one target twice; a tap on another target
        (the item, then "next") is a new tap."""
        now = time.monotonic()
        if (self.view.busy and not while_busy) or now - self._last_taps.get(
            target, -DEBOUNCE_S
        ) < DEBOUNCE_S:
            return False
        self._last_taps[target] = now
        return True

    def touched(self) -> None:
        """A touch that changes nothing in the core (paging, typing a digit): restart the timer."""
        self.intents.touched()


class GridCells(Generic[CellT]):
    """A grid's cells kept from one render to the next, to be updated rather than rebuilt: a
    new card is a dozen widgets and several text textures, and rebuilding them on every tap
    cost the Kivy thread ~50 ms per change (bench/README.md). Setting a property to the
    value it has changes nothing, so only what differs is drawn again."""

    def __init__(self, make: Callable[[], CellT], make_empty: Callable[[], Widget]) -> None:
        self._make, self._make_empty = make, make_empty
        self._cells: list[CellT] = []
        self._empty: list[Widget] = []

    def lay_out(
        self, grid: Widget, used: int, empty: int, cols: int, rows: int | None = None
    ) -> list[CellT]:
        """`used` cells then `empty` blank ones in `grid`, laid out `cols` x `rows` (its children
        change only when these numbers do); returns the used cells, for the caller to fill in."""
        while len(self._cells) < used:
            self._cells.append(self._make())
        while len(self._empty) < empty:
            self._empty.append(self._make_empty())
        cells = [*self._cells[:used], *self._empty[:empty]]
        changed = grid.children[::-1] != cells  # Kivy lists children last-added first
        if changed:
            # Emptied before it takes its new shape: a grid refuses more children than cells.
            grid.clear_widgets()
        grid.cols, grid.rows = cols, rows
        if changed:
            for cell in cells:
                grid.add_widget(cell)
        return self._cells[:used]
