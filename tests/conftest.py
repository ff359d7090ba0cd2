"""Test-wide set-up: Kivy runs headless (SDL offscreen, Mesa software GL) with its own home."""

from kiosk.ui.headless import use_offscreen_window

# Must happen before anything imports kivy (docs/architecture.md, "Headless Kivy").
use_offscreen_window()
