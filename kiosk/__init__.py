"""timebank-kiosk: the software of an unattended time-bank exchange kiosk."""

__version__ = "0.1.0"
