"""The kiosk's Kivy touch UI: renders KioskView snapshots and sends KioskIntents.

Talks to kiosk.core only; never imports drivers/ or sim/. Kivy is imported lazily by the
modules that need it, so `kiosk.ui.i18n` can be used without a window.
"""
