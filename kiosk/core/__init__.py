"""Pure kiosk logic: session and vend state machines, journal, inventory, interfaces.

Nothing here imports Kivy, pyserial, requests, or the drivers/ui/sim packages.
"""
