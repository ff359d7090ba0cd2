"""The kiosk-shown QR code: `qrcode` makes the module matrix, a Kivy texture draws it crisp.

One texture pixel per module, scaled up with nearest-neighbour filtering, so the code stays
sharp at any size and costs almost nothing to draw.
"""

from __future__ import annotations

import qrcode
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import StringProperty
from kivy.uix.widget import Widget

# A phone camera needs a light margin ("quiet zone") of 4 modules around the code.
QUIET_ZONE = 4
DARK = b"\x00\x00\x00"
LIGHT = b"\xff\xff\xff"


def qr_matrix(data: str) -> list[list[bool]]:
    """The code's modules, top row first, True for dark, with the quiet zone around them."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [[bool(module) for module in row] for row in code.get_matrix()]


def qr_texture(data: str) -> Texture:
    """A texture of the code, one pixel per module."""
    matrix = qr_matrix(data)
    size = len(matrix)
    # Kivy textures start at the bottom row; the matrix starts at the top.
    pixels = b"".join(DARK if dark else LIGHT for row in reversed(matrix) for dark in row)
    texture = Texture.create(size=(size, size), colorfmt="rgb")
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    texture.blit_buffer(pixels, colorfmt="rgb", bufferfmt="ubyte")
    return texture


class QRCodeView(Widget):
    """`data` drawn as the largest square QR code that fits, centred; nothing when empty."""

    data = StringProperty("")

    def __init__(self, **kwargs: object) -> None:
        self._texture: Texture | None = None
        super().__init__(**kwargs)
        self.bind(pos=self._redraw, size=self._redraw)

    def on_data(self, _w: object, data: str) -> None:
        self._texture = qr_texture(data) if data else None
        self._redraw()

    def _redraw(self, *_args: object) -> None:
        self.canvas.clear()
        if self._texture is None:
            return
        side = min(self.width, self.height)
        # Whole pixels per module keep every module the same size on screen.
        modules = self._texture.width
        side = max(modules, int(side // modules) * modules)
        # From x/width, not center_x: a cached alias may still be stale inside a size handler.
        x = self.x + (self.width - side) / 2
        y = self.y + (self.height - side) / 2
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=self._texture, pos=(round(x), round(y)), size=(side, side))
