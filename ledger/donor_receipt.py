"""A donor's receipt (捐赠收据, issue 18) as a print-ready A4 PDF: one donation, that is one or
more lots of the same donor, with each lot's item, quantity, best-before and code, the units
in all, and a thank-you. Chinese first; English when asked. Laid out with reportlab's platypus
tables, in the member card's font (ledger.card_pdf)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from ledger import lots, settings
from ledger.card_pdf import _font
from ledger.catalog import get_item
from ledger.lot_tables import Donor

MAX_LOTS = 60  # one receipt, at most two pages
WORDS = {  # key -> (zh, en)
    "title": ("捐赠收据", "Donation receipt"),
    "number": ("收据编号", "Receipt no."),
    "donor": ("捐赠方", "Donor"),
    "received": ("接收日期", "Received on"),
    "item": ("物品", "Item"),
    "qty": ("数量", "Qty"),
    "best": ("保质期至", "Best before"),
    "code": ("批次码", "Lot code"),
    "total": ("合计 {units} 件，{lots} 个批次", "In all {units} units in {lots} lots"),
    "thanks": (
        "衷心感谢您的爱心捐赠！这些物资将通过时间银行的自助兑换柜，送到需要的居民手中。"
        "每一件的去向都可以用批次码查询。",
        "Thank you for your gift. These goods reach residents in need through the time bank's"
        " exchange cabinets; every unit can be traced by its lot code.",
    ),
    "signed": ("经办人", "Received by"),
}


def _word(key: str, lang: str, **values: object) -> str:
    zh, en = WORDS[key]
    return (en if lang == "en" else zh).format(**values)


def receipt_number(codes: Sequence[str]) -> str:
    """The same lots always give the same number: R and 8 hex digits of their sorted codes."""
    digest = hashlib.sha256(",".join(sorted(codes)).encode()).hexdigest()
    return "R" + digest[:8].upper()


def receipt_pdf(s: Session, codes: Sequence[str], lang: str = "zh") -> bytes:
    """The receipt for the lots `codes` (one donor's); LotError for mixed donors or no lots,
    UnknownLot for a code the ledger does not know."""
    wanted = list(dict.fromkeys(lots.parse_code(c) for c in codes))
    if not 1 <= len(wanted) <= MAX_LOTS:
        raise lots.LotError(f"a receipt covers 1 to {MAX_LOTS} lots, not {len(wanted)}")
    found = [lots.get_lot(s, code) for code in wanted]
    donors = {lot.donor_id for lot in found}
    if len(donors) != 1:
        raise lots.LotError("these lots come from different donors: one receipt per donor")
    giver = s.get(Donor, donors.pop())
    office = settings.load(s)
    received = min(office.local(lot.received_at).date() for lot in found)
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=22, leading=28, spaceAfter=6 * mm)
    cell = ParagraphStyle("cell", parent=body, fontSize=10, leading=13)
    rows: list[list[object]] = [
        [_word(k, lang) for k in ("item", "qty", "best", "code")],
    ]
    for lot in found:
        item = get_item(s, lot.sku)
        name = item.name_en if lang == "en" else item.name_zh
        rows.append(
            [Paragraph(f"{name} ({lot.sku})", cell), lot.qty, lot.best_before.isoformat(), lot.code]
        )
    table = Table(rows, colWidths=[80 * mm, 18 * mm, 35 * mm, 35 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 10),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
            ]
        )
    )
    units = sum(lot.qty for lot in found)
    facts = [
        (_word("number", lang), receipt_number(wanted)),
        (_word("donor", lang), giver.name if giver else "—"),
        (_word("received", lang), received.isoformat()),
    ]
    story: list[object] = [Paragraph(_word("title", lang), head)]
    colon = ": " if lang == "en" else "："
    story += [Paragraph(f"{k}{colon}{v}", body) for k, v in facts]
    story += [Spacer(1, 5 * mm), table, Spacer(1, 4 * mm)]
    story.append(Paragraph(_word("total", lang, units=units, lots=len(found)), body))
    story += [Spacer(1, 6 * mm), Paragraph(_word("thanks", lang), body), Spacer(1, 12 * mm)]
    clerks = ", ".join(sorted({lot.received_by for lot in found}))
    story.append(Paragraph(f"{_word('signed', lang)}{colon}{clerks}", body))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm
    )
    doc.title = f"{_word('title', lang)} {receipt_number(wanted)}"
    doc.build(story)
    return out.getvalue()
