"""The sim-mode hardware panel: plays the world around the kiosk — a member presenting a phone
code or a printed card, a visitor opening doors and taking items — and injects faults (lock
board, scanner, ledger). Shown beside the kiosk screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.togglebutton import ToggleButton

from sim.fault import FaultControl
from sim.site import SimulatedSite

_ROW = 44
DEMO_CARD_PIN = "2468"  # the PIN of each demo member's printed card, shown on the panel


def issue_demo_card(site: SimulatedSite, member_id: str, pin: str = DEMO_CARD_PIN) -> str:
    """A printed card for a demo member (`timebank-ledger card issue`); returns its code."""
    return site.staff.issue_card(member_id, pin)


def _button(text: str, on_press: Callable[..., object], **kw: object) -> Button:
    b = Button(text=text, size_hint_y=None, height=_ROW, font_size="14sp", **kw)
    b.bind(on_press=on_press)
    return b


def _toggle(text: str, on_change: Callable[[bool], object]) -> ToggleButton:
    t = ToggleButton(text=text, size_hint_y=None, height=_ROW, font_size="14sp")
    t.bind(state=lambda _b, st: on_change(st == "down"))
    return t


def _heading(text: str) -> Label:
    return Label(text=f"[b]{text}[/b]", markup=True, size_hint_y=None, height=26)


def _in_background(work: Callable[[], object]) -> None:
    """Starting or stopping the ledger, or unplugging the board, takes seconds: never on the
    Kivy thread."""
    threading.Thread(target=work, daemon=True).start()


class HardwarePanel(BoxLayout):
    """Buttons that act on the simulated site; labels that show the cabinet as it is."""

    def __init__(self, site: SimulatedSite, gpio: Any = None, **kw: object) -> None:
        """`gpio`: sim.gpio.SimGpio when the kiosk's GPIO parts run on mock pins."""
        super().__init__(orientation="vertical", spacing=4, padding=6, **kw)
        self.site = site
        self.gpio = gpio
        self.faults = FaultControl(site.board, site.scanner)
        self.status = Label(size_hint_y=None, height=24, font_size="13sp")
        with self.canvas.before:  # dark, so it reads as "not part of the kiosk" and labels show
            Color(0.13, 0.15, 0.18, 1)
            backdrop = Rectangle(pos=self.pos, size=self.size)
        self.bind(
            pos=lambda _w, p: setattr(backdrop, "pos", p),
            size=lambda _w, sz: setattr(backdrop, "size", sz),
        )
        self.add_widget(_heading("Hardware panel (simulator)"))
        self.add_widget(self.status)
        scroll = ScrollView()
        body = BoxLayout(orientation="vertical", spacing=4, size_hint_y=None)
        body.bind(minimum_height=body.setter("height"))
        scroll.add_widget(body)
        self.add_widget(scroll)
        self._members(body)
        self._lockers(body)
        if gpio is not None:
            self._gpio_buttons(body)
        self._fault_buttons(body)
        Clock.schedule_interval(self._refresh, 0.3)
        self._refresh(0)

    def _members(self, body: BoxLayout) -> None:
        site = self.site
        body.add_widget(_heading("Present a phone code:"))
        for m in site.demo["members"]:
            body.add_widget(
                _button(
                    f"{m['name']} ({m['role']}, {m['balance']} coins)",
                    lambda _b, who=m["member"]: site.present_phone(who),
                )
            )
        body.add_widget(_heading(f"Present a printed card (PIN {DEMO_CARD_PIN}):"))
        for m in site.demo["members"]:
            body.add_widget(
                _button(f"card of {m['name']}", lambda _b, who=m["member"]: self._card(who))
            )
        body.add_widget(
            _button("Scanner noise", lambda _b: site.scanner.noise(b"\x00\xff\x13junk"))
        )

    def _card(self, member_id: str) -> None:
        code = issue_demo_card(self.site, member_id)
        self.site.scanner.present(code)
        self.status.text = f"card presented: type PIN {DEMO_CARD_PIN}"

    def _lockers(self, body: BoxLayout) -> None:
        site = self.site
        self._locker_labels: dict[tuple[int, int], Label] = {}
        for locker in site.cabinet.lockers():
            key = (locker.board, locker.lock)
            label = Label(size_hint_y=None, height=24, halign="left")
            label.bind(size=lambda w, _s: setattr(w, "text_size", w.size))
            self._locker_labels[key] = label
            body.add_widget(label)
            row = BoxLayout(size_hint_y=None, height=_ROW, spacing=2)
            row.add_widget(_button("open", lambda _b, k=key: site.cabinet.open_door(*k)))
            row.add_widget(_button("take", lambda _b, k=key: site.cabinet.take_item(*k)))
            row.add_widget(_button("close", lambda _b, k=key: site.cabinet.close_door(*k)))
            row.add_widget(_toggle("jam", lambda on, k=key: site.cabinet.jam(*k, jammed=on)))
            body.add_widget(row)

    def _gpio_buttons(self, body: BoxLayout) -> None:
        gpio = self.gpio
        body.add_widget(_heading("Cabinet (GPIO):"))
        row = BoxLayout(size_hint_y=None, height=_ROW, spacing=2)
        row.add_widget(_toggle("service door open", gpio.open_service_door))
        row.add_widget(_toggle("someone walks up", gpio.walk_up))
        body.add_widget(row)

    def _fault_buttons(self, body: BoxLayout) -> None:
        body.add_widget(_heading("Lock board faults:"))
        rows = [
            [
                _toggle("board silent", lambda on: self._fault(f"silent {'on' if on else 'off'}")),
                _toggle("board slow", lambda on: self._fault(f"delay {0.25 if on else 0}")),
            ],
            [
                _button("corrupt next 3", lambda _b: self._fault("corrupt 3")),
                _toggle("split frames", lambda on: self._fault(f"split {0.05 if on else 'off'}")),
            ],
            [
                _button("unplug 10 s", lambda _b: self._fault("unplug 10")),
                _button("clear faults", lambda _b: self._fault("clear")),
            ],
        ]
        for buttons in rows:
            row = BoxLayout(size_hint_y=None, height=_ROW, spacing=2)
            for b in buttons:
                row.add_widget(b)
            body.add_widget(row)
        body.add_widget(_heading("Ledger:"))
        body.add_widget(_toggle("ledger down", self._ledger_down))

    def _fault(self, line: str) -> None:
        # An unplug waits for the port to go: the answer comes back to the Kivy thread later.
        def apply() -> None:
            answer = self.faults.apply(line)
            Clock.schedule_once(lambda _dt: setattr(self.status, "text", f"{line}: {answer}"))

        _in_background(apply)

    def _ledger_down(self, down: bool) -> None:
        ledger = self.site.ledger
        self.status.text = "ledger stopping…" if down else "ledger starting…"
        _in_background(ledger.stop if down else ledger.start)

    def _refresh(self, _dt: float) -> None:
        for locker in self.site.cabinet.lockers():
            door = "OPEN" if locker.door_open else ("unlatched" if not locker.latched else "shut")
            jam = " JAMMED" if locker.jammed else ""
            self._locker_labels[
                (locker.board, locker.lock)
            ].text = f"{locker.board}:{locker.lock} {locker.sku} x{locker.items}  door {door}{jam}"
