"""A lot's label sheet (issue 18): A4, 3 x 8 labels, each with the QR `tblot:<CODE>`, the item's
name, best-before, donor and the code in large text, Chinese first. Fonts and QR drawing as
the member card's (ledger.card_pdf)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ledger.card_pdf import _font, _qr

COLS, ROWS = 3, 8
LABEL_W, LABEL_H = A4[0] / COLS, A4[1] / ROWS


def _label(c: Canvas, x: float, y: float, code: str, item: str, best: str, donor: str) -> None:
    font = _font()
    _qr(c, f"tblot:{code}", x + 3 * mm, y + 4 * mm, LABEL_H - 8 * mm)
    tx = x + LABEL_H - 2 * mm
    c.setFont(font, 11)
    c.drawString(tx, y + LABEL_H - 9 * mm, item[:14])
    c.setFont(font, 8)
    c.drawString(tx, y + LABEL_H - 14 * mm, f"保质期至 {best}")
    c.drawString(tx, y + LABEL_H - 18 * mm, "Best before")
    c.drawString(tx, y + LABEL_H - 23 * mm, f"捐赠 Donor: {donor[:12]}")
    c.setFont(font, 14)
    c.drawString(tx, y + 5 * mm, code)


def label_pdf(code: str, item: str, best_before: str, donor: str, count: int) -> bytes:
    """`count` labels (at most one sheet, 24) for the lot."""
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4)
    c.setTitle(f"lot {code}")
    for i in range(max(1, min(count, COLS * ROWS))):
        col, row = i % COLS, i // COLS
        _label(c, col * LABEL_W, A4[1] - (row + 1) * LABEL_H, code, item, best_before, donor)
    c.save()
    return out.getvalue()
