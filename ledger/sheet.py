"""An activity's sign-in sheet as a clerk has it: a CSV file saved from Excel or WPS (UTF-8 with
or without a byte-order mark, or GBK/GB18030 as Chinese Excel saves "CSV"), commas, tabs or
semicolons, a header row naming the columns in Chinese or English. A list typed into the
console (one member number per line, hours after a comma if they differ) reads the same way.

Each row keeps its number as the clerk sees it in Excel (the header is row 1), for the
preview's reasons.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from ledger.errors import BadRequest

MAX_SHEET_BYTES = 512 * 1024
MAX_ROWS = 1000
COLUMNS = {  # a header cell (lower case, spaces and brackets dropped) -> the column it is
    "member": {
        "会员号",
        "会员编号",
        "编号",
        "会员卡号",
        "member",
        "memberno",
        "membernumber",
        "memberid",
        "number",
        "id",
    },
    "name": {"姓名", "名字", "会员姓名", "name"},
    "phone": {
        "电话",
        "手机",
        "手机号",
        "手机号码",
        "联系电话",
        "电话号码",
        "phone",
        "mobile",
        "tel",
    },
    "hours": {"时长", "小时", "小时数", "时数", "服务时长", "志愿时长", "工时", "hours", "hour"},
}
_BRACKETED = re.compile(r"[（(\[【].*?[)）\]】]")  # a unit: 时长（小时）, hours (h)
_NOISE = re.compile(r"[\s_:：.#]")


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel numbers it: the header is row 1
    member: str
    name: str
    phone: str
    hours: str


def decode(raw: bytes) -> str:
    """The sheet's text: UTF-8 (a BOM dropped), else GB18030 (which reads GBK)."""
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadRequest("this is an Excel workbook, not CSV: in Excel, Save As 'CSV UTF-8'")
    if len(raw) > MAX_SHEET_BYTES:
        raise BadRequest(f"the sheet is larger than {MAX_SHEET_BYTES // 1024} KB; split it")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise BadRequest("the sheet is neither UTF-8 nor GBK text: save it as CSV") from None


def _column(cell: str) -> str | None:
    key = _NOISE.sub("", _BRACKETED.sub("", cell.lstrip("\ufeff"))).lower()
    return next((column for column, names in COLUMNS.items() if key in names), None)


def _delimiter(text: str) -> str:
    """The header line's most used separator: a comma, a tab or a semicolon."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max(",\t;", key=header.count)


def parse_csv(text: str) -> list[SheetRow]:
    """Rows of a sheet with a header row; blank rows skipped. Refuses a sheet with no column
    naming the member (a member number, or a name with a phone)."""
    text = text.replace("，", ",")
    lines = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    header_at = next((i for i, cells in enumerate(lines) if any(c.strip() for c in cells)), None)
    if header_at is None:
        raise BadRequest("the sheet is empty")
    columns = [_column(c) for c in lines[header_at]]
    found = set(columns) - {None}
    if "member" not in found and not {"name", "phone"} <= found:
        shown = ", ".join(c.strip() for c in lines[header_at] if c.strip())[:200]
        raise BadRequest(
            "the sheet's first row must name its columns: 会员号 (member number), or 姓名 (name) "
            f"and 电话 (phone); 时长 (hours) if they differ. It says: {shown}"
        )
    rows = []
    for index, cells in enumerate(lines[header_at + 1 :], start=header_at + 2):
        values = {"member": "", "name": "", "phone": "", "hours": ""}
        for column, cell in zip(columns, cells, strict=False):
            if column is not None and not values[column]:
                values[column] = cell.strip()
        if not any(values.values()):
            continue
        rows.append(SheetRow(index, **values))
    if len(rows) > MAX_ROWS:
        raise BadRequest(f"the sheet has {len(rows)} rows; at most {MAX_ROWS} at once")
    return rows


def parse_list(text: str) -> list[SheetRow]:
    """A typed list: one member number a line, optionally `,hours` (or a space and hours)."""
    rows = []
    for index, line in enumerate(text.splitlines(), start=1):
        parts = [p for p in re.split(r"[,，\t ]+", line.strip()) if p]
        if not parts:
            continue
        rows.append(SheetRow(index, parts[0], "", "", parts[1] if len(parts) > 1 else ""))
    if len(rows) > MAX_ROWS:
        raise BadRequest(f"the list has {len(rows)} lines; at most {MAX_ROWS} at once")
    return rows
