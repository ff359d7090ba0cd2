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

# Text sizes in sp at 800x480.
FONT_HUGE = 56
FONT_TITLE = 40
FONT_LARGE = 30
FONT_BODY = 24
FONT_SMALL = 20
LARGE_TEXT_FACTOR = 1.25

# Touch targets: at least 15 mm; ~90 px on a 7-inch 800x480 screen.
TOUCH_TARGET_DP = 96
PADDING_DP = 12
SPACING_DP = 10
RADIUS_DP = 12
