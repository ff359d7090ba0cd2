"""The screen registry: one screen per name, and which screen shows each SessionState.

Importing this package imports Kivy and loads every screen's .kv file.
"""

from __future__ import annotations

from kiosk.core.view import SessionState
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.catalog import CatalogScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.out_of_service import OutOfServiceScreen
from kiosk.ui.screens.pairing import PairingScreen
from kiosk.ui.screens.pin_pad import PinPadScreen
from kiosk.ui.screens.reserved import ReservedScreen
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.screens.technician import TechnicianScreen
from kiosk.ui.screens.vending import VendingScreen

SCREENS: dict[str, type[KioskScreen]] = {
    "attract": AttractScreen,
    "pin_pad": PinPadScreen,
    "pairing": PairingScreen,
    "reserved": ReservedScreen,
    "catalog": CatalogScreen,
    "confirm": ConfirmScreen,
    "vending": VendingScreen,
    "result": ResultScreen,
    "technician": TechnicianScreen,
    "out_of_service": OutOfServiceScreen,
}

SCREEN_FOR_STATE: dict[SessionState, str] = {
    SessionState.IDLE: "attract",
    SessionState.IDENTIFYING: "attract",
    SessionState.PIN_ENTRY: "pin_pad",
    SessionState.PAIRING: "pairing",
    SessionState.RESERVED: "reserved",
    SessionState.BROWSING: "catalog",
    SessionState.CONFIRMING: "confirm",
    SessionState.VENDING: "vending",
    SessionState.RESULT: "result",
    SessionState.TECHNICIAN: "technician",
    SessionState.OUT_OF_SERVICE: "out_of_service",
}


def screen_for(state: SessionState) -> str:
    """The name of the screen that shows `state`."""
    return SCREEN_FOR_STATE[state]


__all__ = ["SCREENS", "SCREEN_FOR_STATE", "KioskScreen", "screen_for"]
