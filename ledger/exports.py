"""The exports of the book for spreadsheets: one row per business event (ledger.statement) in
the office's local time, with the member's and the item's names, as CSV (UTF-8 with a BOM, so
spreadsheet programs read the Chinese) or as an Excel workbook (openpyxl). Column headings in
Chinese or English; the columns are the same in both."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

LANGUAGES = ("zh", "en")
# key -> (zh, en): the columns, in order (docs/protocols.md, "Exports of the book").
COLUMNS: list[tuple[str, str, str]] = [
    ("time", "时间", "Time"),
    ("event", "流水号", "Event no."),
    ("kind", "事项", "Kind"),
    ("member", "会员号", "Member no."),
    ("member_name", "姓名", "Name"),
    ("coins", "币（收入为正）", "Coins (+ in, - out)"),
    ("balance_after", "余额", "Balance after"),
    ("item", "物品", "Item"),
    ("kiosk", "自助机", "Kiosk"),
    ("hours", "服务时长（小时）", "Hours"),
    ("note", "备注", "Note"),
    ("staff", "经办人", "Staff"),
    ("reverses", "冲销流水号", "Reverses event"),
]
KIND_NAMES: dict[str, tuple[str, str]] = {
    "grant": ("补贴", "Grant"),
    "redemption": ("兑换物品", "Exchange"),
    "refund": ("退回", "Refund"),
    "adjustment": ("调整", "Adjustment"),
    "reversal": ("撤销", "Reversal"),
    "volunteer_hours": ("志愿服务", "Volunteer hours"),
}
SHEET_TITLE = {"zh": "收支明细", "en": "Events"}


def headings(lang: str) -> list[str]:
    column = 1 if lang == "zh" else 2
    return [c[column] for c in COLUMNS]


def _cells(row: dict[str, Any], lang: str) -> list[Any]:
    zh = lang == "zh"
    kind = KIND_NAMES.get(row["kind"], (row["kind"], row["kind"]))[0 if zh else 1]
    item = row["item"][lang] if row["item"] else ""
    hours: Decimal | None = row["hours"]
    return [
        row["local_time"],
        row["event"],
        kind,
        row["member"],
        row["member_name"],
        row["coins"],
        row["balance_after"] if row["balance_after"] is not None else "",
        item,
        row["kiosk_name"] or "",
        "" if hours is None else (int(hours) if hours == hours.to_integral() else float(hours)),
        row["memo"],
        row["actor"],
        row["reverses"] if row["reverses"] is not None else "",
    ]


def as_csv(rows: list[dict[str, Any]], lang: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headings(lang))
    writer.writerows(_cells(row, lang) for row in rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[dict[str, Any]], lang: str) -> bytes:
    """One sheet: the headings in bold and frozen, numbers as numbers, times as text in the
    office's time (as the CSV, so both read the same)."""
    book = Workbook(write_only=False)
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE[lang]
    sheet.append(headings(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row, lang))
    sheet.freeze_panes = "A2"
    widths = (20, 9, 12, 11, 12, 10, 9, 16, 16, 10, 30, 12, 10)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
