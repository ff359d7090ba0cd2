"""Members' printed cards as a print-ready PDF: one CR80 card (85.6 x 54 mm, the size of a bank
card) a page, or on A4 with cut marks for an office printer (one card, or a sheet of eight for a
batch). Each card carries the QR code of its `tbc1:` code, the member's name and number, and how
to use it, in Chinese.

The PDF is made for one answer and never stored: the codes in it are the cards' secrets.
"""

from __future__ import annotations

import enum
import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

CARD_W, CARD_H = 85.6 * mm, 54 * mm  # ISO/IEC 7810 ID-1 (CR80)
# Embedded when installed (Debian fonts-wqy-microhei), so every printer draws the same glyphs;
# else reportlab's built-in STSong-Light, which the PDF viewer supplies.
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
INSTRUCTIONS = (
    "在自助机扫描此码，再输入您的密码。",
    "密码请勿告诉他人；卡丢失请到社区办公室补办。",
)
TITLE = "时间银行会员卡"


class CardSheet(enum.Enum):
    CARD = "card"  # one CR80 page, for a card printer
    A4 = "a4"  # the card on A4 with cut marks, for any office printer


def _font() -> str:
    if WQY.exists():
        if "WQY" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("WQY", str(WQY), subfontIndex=0))
        return "WQY"
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _qr(canvas: Canvas, code: str, x: float, y: float, size: float) -> None:
    """The QR code of `code` as vector squares (sharp at any printer's resolution), with its
    quiet zone inside `size`."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(code)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    cell = size / len(matrix)
    canvas.setFillGray(1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillGray(0)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                top = y + size - (row + 1) * cell
                canvas.rect(x + col * cell, top, cell, cell, stroke=0, fill=1)


def _card(canvas: Canvas, x: float, y: float, code: str, name: str, member: str) -> None:
    """One card with its lower left corner at (x, y)."""
    font = _font()
    pad = 3 * mm
    qr_size = CARD_H - 2 * pad - 7 * mm
    band = 7 * mm
    # The title band follows the card's rounded top corners: a rounded rectangle whose lower
    # corners are covered in white, then the outline over both.
    canvas.setFillColorRGB(0.05, 0.23, 0.4)
    canvas.roundRect(x, y + CARD_H - band - 4 * mm, CARD_W, band + 4 * mm, 3 * mm, stroke=0, fill=1)
    canvas.setFillGray(1)
    canvas.rect(x, y + CARD_H - band - 4 * mm, CARD_W, 4 * mm, stroke=0, fill=1)
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.3)
    canvas.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    canvas.setFillGray(1)
    canvas.setFont(font, 11)
    canvas.drawString(x + pad, y + CARD_H - 5 * mm, TITLE)
    _qr(canvas, code, x + pad - 1 * mm, y + pad, qr_size)
    text_x = x + pad + qr_size + 1 * mm
    canvas.setFillGray(0)
    canvas.setFont(font, 14)
    canvas.drawString(text_x, y + CARD_H - 14 * mm, name[:12])
    canvas.setFont(font, 9)
    canvas.drawString(text_x, y + CARD_H - 19.5 * mm, f"会员号 {member}")
    canvas.setFont(font, 8.5)
    line_y = y + CARD_H - 27 * mm
    width = x + CARD_W - pad - text_x
    for sentence in INSTRUCTIONS:
        for line in _wrap(sentence, font, 8.5, width):
            canvas.drawString(text_x, line_y, line)
            line_y -= 4 * mm
        line_y -= 1 * mm


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Chinese breaks between any two characters: fill each line up to `width`."""
    lines, line = [], ""
    for char in text:
        if line and pdfmetrics.stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def _cut_marks(canvas: Canvas, x: float, y: float, long: float = 6 * mm) -> None:
    canvas.setStrokeGray(0)
    canvas.setLineWidth(0.3)
    gap = 2 * mm
    for cx in (x, x + CARD_W):
        for cy in (y, y + CARD_H):
            out_x = -1 if cx == x else 1
            out_y = -1 if cy == y else 1
            canvas.line(cx + out_x * gap, cy, cx + out_x * (gap + long), cy)
            canvas.line(cx, cy + out_y * gap, cx, cy + out_y * (gap + long))


def card_pdf(code: str, name: str, member: str, sheet: CardSheet) -> bytes:
    """The PDF of one card for `member`, as `sheet` lays it out."""
    out = io.BytesIO()
    size = (CARD_W, CARD_H) if sheet is CardSheet.CARD else A4
    canvas = Canvas(out, pagesize=size, pageCompression=1)
    canvas.setTitle(f"{TITLE} {member}")
    canvas.setAuthor("timebank-ledger")
    if sheet is CardSheet.CARD:
        _card(canvas, 0, 0, code, name, member)
    else:
        x, y = (A4[0] - CARD_W) / 2, A4[1] - 40 * mm - CARD_H
        _cut_marks(canvas, x, y)
        _card(canvas, x, y, code, name, member)
        canvas.setFont(_font(), 11)
        canvas.drawCentredString(A4[0] / 2, y - 14 * mm, "沿四角的裁切线剪下，可过塑后使用。")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@dataclass(frozen=True)
class PrintedCard:
    """What one card shows: its code (as a QR code), the member's name and number."""

    code: str
    name: str
    member: str


# A batch on A4: two columns of four cards, 12 mm apart so each card's cut marks stand clear
# of its neighbour's; 13 mm side margins, inside any office printer's printable area.
COLUMNS, ROWS, GUTTER = 2, 4, 12 * mm
BATCH_NOTE = (
    "沿四角的裁切线剪下，可过塑后使用。",
    "这些卡还没有密码：发卡时请会员本人在社区办公室的屏幕密码键盘上设置密码（会员页「设置卡密码」），"
    "设置前在自助机上不能使用。",
)


def _sheet_spot(index: int) -> tuple[float, float]:
    """The lower left corner of the `index`th card of an A4 page, left to right, top down."""
    width = COLUMNS * CARD_W + (COLUMNS - 1) * GUTTER
    height = ROWS * CARD_H + (ROWS - 1) * GUTTER
    left, top = (A4[0] - width) / 2, A4[1] - (A4[1] - height) / 2 + 4 * mm
    column, row = index % COLUMNS, index // COLUMNS
    return left + column * (CARD_W + GUTTER), top - (row + 1) * CARD_H - row * GUTTER


def cards_pdf(printed: list[PrintedCard], sheet: CardSheet) -> bytes:
    """The PDF of a batch of cards: one card a page for a card printer, or eight to an A4
    page with cut marks, the page's footer saying the cards have no PIN yet."""
    out = io.BytesIO()
    size = (CARD_W, CARD_H) if sheet is CardSheet.CARD else A4
    canvas = Canvas(out, pagesize=size, pageCompression=1)
    canvas.setTitle(f"{TITLE} × {len(printed)}")
    canvas.setAuthor("timebank-ledger")
    per_page = 1 if sheet is CardSheet.CARD else COLUMNS * ROWS
    pages = [printed[i : i + per_page] for i in range(0, len(printed), per_page)]
    for number, on_page in enumerate(pages, 1):
        if sheet is CardSheet.CARD:
            card = on_page[0]
            _card(canvas, 0, 0, card.code, card.name, card.member)
        else:
            _a4_page(canvas, on_page, number, len(pages))
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _a4_page(canvas: Canvas, on_page: list[PrintedCard], number: int, pages: int) -> None:
    font = _font()
    canvas.setFillGray(0)
    canvas.setFont(font, 10)
    canvas.drawString(13 * mm, A4[1] - 12 * mm, f"{TITLE}　第 {number} / {pages} 页")
    for index, card in enumerate(on_page):
        x, y = _sheet_spot(index)
        _cut_marks(canvas, x, y, long=3 * mm)
        _card(canvas, x, y, card.code, card.name, card.member)
    canvas.setFillGray(0)
    canvas.setFont(font, 9)
    line_y = 17.5 * mm  # under the last row's cut marks, above the printer's margin
    for sentence in BATCH_NOTE:
        for line in _wrap(sentence, font, 9, A4[0] - 26 * mm):
            canvas.drawString(13 * mm, line_y, line)
            line_y -= 4.2 * mm
