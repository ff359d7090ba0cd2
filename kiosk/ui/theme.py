"""Colours, text sizes and touch-target size of the kiosk UI.

Designed for a 7-inch 800x480 touchscreen; KioskApp scales sizes up on larger windows.
Text and its background keep a contrast ratio of about 7:1 or more (WCAG AAA).
"""

# Design resolution; sizes below are in dp/sp at this size.
BASE_WIDTH = 800
BASE_HEIGHT = 480
MAX_SCALE = 2.5

# Colours (RGBA, 0..1).
BACKGROUND = (0.96, 0.96, 0.94, 1)  # warm white
TEXT = (0.07, 0.07, 0.07, 1)
TEXT_STRONG = (0.02, 0.15, 0.40, 1)  # dark blue, prices and titles
PRIMARY = (0.04, 0.20, 0.50, 1)  # dark blue buttons, white text
PRIMARY_PRESSED = (0.10, 0.35, 0.75, 1)
ON_PRIMARY = (1, 1, 1, 1)
SECONDARY = (0.25, 0.25, 0.28, 1)  # dark grey buttons (exit, language), white text
CARD = (1, 1, 1, 1)
CARD_PRESSED = (0.80, 0.87, 1.0, 1)
CARD_BORDER = PRIMARY
DISABLED_BG = (0.84, 0.84, 0.84, 1)
DISABLED_TEXT = (0.22, 0.22, 0.22, 1)
DISABLED_BORDER = (0.55, 0.55, 0.55, 1)
ERROR_BG = (0.70, 0.0, 0.0, 1)  # notices: white text on dark red
ERROR_TEXT = (0.50, 0.0, 0.0, 1)  # on white or the disabled grey
SUCCESS_BG = (0.08, 0.40, 0.15, 1)
BUSY_BG = PRIMARY
OUT_OF_SERVICE_BG = (0.04, 0.15, 0.38, 1)
CABINET_BODY = (0.30, 0.33, 0.38, 1)
LOCKER_CLOSED = (0.92, 0.92, 0.90, 1)
LOCKER_OPEN = (1.0, 0.76, 0.0, 1)  # amber: the open locker
LOCKER_TEXT = TEXT
CONFIRM = SUCCESS_BG  # the button that spends coins: dark green, white text
CONFIRM_PRESSED = (0.15, 0.55, 0.25, 1)
KEY = CARD  # PIN pad keys: black digits on white, a dark blue rim
KEY_PRESSED = CARD_PRESSED
BADGE = LOCKER_OPEN  # "in your cart" and "best before soon" marks: black text on amber

# Text sizes in sp at 800x480 (the technician screens use them as they are).
FONT_HUGE = 56
FONT_TITLE = 40
FONT_LARGE = 30
FONT_BODY = 24
FONT_SMALL = 20

# Member-facing text is at least this tall on the physical screen: the ink height of a full
# ideograph (fonts.REFERENCE_GLYPH) at the label's size, from the configured diagonal. KioskApp
# raises every member font size to the floor that gives it. Elder mode (长辈模式, one tap on
# the attract screen, or `large_text = true`) uses the larger floor, black on white, fewer
# items per catalog page and spoken prompts (kiosk/ui/voice.py).
TEXT_MIN_MM = 4.5
ELDER_TEXT_MIN_MM = 6.0
ELDER_BACKGROUND = (1, 1, 1, 1)
ELDER_TEXT = (0, 0, 0, 1)

# Touch targets: at least 15 mm on the physical screen (KioskApp computes the pixels from the
# configured diagonal); the design size is larger where the layout has room.
TOUCH_MIN_MM = 15.0
DEFAULT_DIAGONAL_IN = 7.0
TOUCH_TARGET_DP = 96
PADDING_DP = 12
SPACING_DP = 10
RADIUS_DP = 12


def px_per_mm(width_px: float, height_px: float, diagonal_in: float) -> float:
    """Pixels per millimetre of a screen of this resolution and diagonal."""
    return float((width_px**2 + height_px**2) ** 0.5 / (diagonal_in * 25.4))
