"""The sim-mode hardware panel: plays the world around the kiosk — a member presenting a code,
a visitor opening doors and taking items — and injects faults. Shown beside the kiosk screen.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.togglebutton import ToggleButton

from sim.site import SimulatedSite

_ROW = 44


def _button(text: str, on_press: object, **kw: object) -> Button:
    b = Button(text=text, size_hint_y=None, height=_ROW, font_size="14sp", **kw)
    b.bind(on_press=on_press)
    return b


class HardwarePanel(BoxLayout):
    """Buttons that act on the simulated site; labels that show the cabinet as it is."""

    def __init__(self, site: SimulatedSite, **kw: object) -> None:
        super().__init__(orientation="vertical", spacing=4, padding=6, **kw)
        self.site = site
        with self.canvas.before:  # dark, so it reads as "not part of the kiosk" and labels show
            Color(0.13, 0.15, 0.18, 1)
            backdrop = Rectangle(pos=self.pos, size=self.size)
        self.bind(
            pos=lambda _w, p: setattr(backdrop, "pos", p),
            size=lambda _w, sz: setattr(backdrop, "size", sz),
        )
        self.add_widget(
            Label(
                text="[b]Hardware panel[/b] (simulator)", markup=True, size_hint_y=None, height=30
            )
        )
        scroll = ScrollView()
        body = BoxLayout(orientation="vertical", spacing=4, size_hint_y=None)
        body.bind(minimum_height=body.setter("height"))
        scroll.add_widget(body)
        self.add_widget(scroll)

        body.add_widget(Label(text="Present a phone code:", size_hint_y=None, height=24))
        for m in site.demo["members"]:
            body.add_widget(
                _button(
                    f"{m['name']} ({m['role']}, {m['balance']} coins)",
                    lambda _b, who=m["member"]: site.present_phone(who),
                )
            )
        body.add_widget(
            _button("Scanner noise", lambda _b: site.scanner.noise(b"\x00\xff\x13junk"))
        )

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
            jam = ToggleButton(text="jam", size_hint_y=None, height=_ROW)
            jam.bind(state=lambda _b, st, k=key: site.cabinet.jam(*k, jammed=st == "down"))
            row.add_widget(jam)
            body.add_widget(row)

        faults = BoxLayout(size_hint_y=None, height=_ROW, spacing=2)
        silent = ToggleButton(text="board silent")
        silent.bind(state=lambda _b, st: setattr(site.board, "silent", st == "down"))
        slow = ToggleButton(text="board slow")
        slow.bind(state=lambda _b, st: setattr(site.board, "delay", 0.25 if st == "down" else 0))
        faults.add_widget(silent)
        faults.add_widget(slow)
        body.add_widget(faults)
        Clock.schedule_interval(self._refresh, 0.3)
        self._refresh(0)

    def _refresh(self, _dt: float) -> None:
        for locker in self.site.cabinet.lockers():
            door = "OPEN" if locker.door_open else ("unlatched" if not locker.latched else "shut")
            jam = " JAMMED" if locker.jammed else ""
            self._locker_labels[
                (locker.board, locker.lock)
            ].text = f"{locker.board}:{locker.lock} {locker.sku} x{locker.items}  door {door}{jam}"
