"""The catalog: what each item is called (Chinese and English), what it costs in coins, and
whether it is still offered. A retired item leaves the kiosks' catalog and takes no new hold;
it stays in the table, so the history and the reports keep its names."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.db import CatalogItem, utcnow
from ledger.errors import BadRequest, UnknownSku
from ledger.limits import MAX_PRICE

SKU_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_NAME = 200  # the column's length


def item_json(item: CatalogItem) -> dict[str, Any]:
    return {"sku": item.sku, "name": {"zh": item.name_zh, "en": item.name_en}, "price": item.price}


def staff_json(item: CatalogItem) -> dict[str, Any]:
    """An item as staff see it: the kiosks' view, whether it is retired, and since when."""
    return {
        **item_json(item),
        "retired": item.retired_at is not None,
        "retired_at": item.retired_at.isoformat() if item.retired_at else None,
        "updated_at": item.updated_at.isoformat(),
    }


def _name(text: str, which: str) -> str:
    name = text.strip()
    if not name:
        raise BadRequest(f"the item needs a {which} name")
    if len(name) > MAX_NAME:
        raise BadRequest(f"the {which} name is longer than {MAX_NAME} characters")
    return name


def set_item(s: Session, sku: str, price: int, zh: str, en: str) -> CatalogItem:
    """Add an item or change its names and price; a hold at the old price then gets 409."""
    if not SKU_PATTERN.fullmatch(sku):
        raise BadRequest(f"SKU {sku!r} must be 1-64 letters, digits, '_', '.' or '-'")
    if isinstance(price, bool) or not isinstance(price, int) or not 0 <= price <= MAX_PRICE:
        raise BadRequest(f"price must be whole coins from 0 to {MAX_PRICE}, got {price}")
    zh, en = _name(zh, "Chinese"), _name(en, "English")
    item = s.get(CatalogItem, sku)
    if item is None:
        item = CatalogItem(sku=sku, name_zh=zh, name_en=en, price=price)
        s.add(item)
    else:
        item.name_zh, item.name_en, item.price, item.updated_at = zh, en, price, utcnow()
    s.flush()
    return item


def get_item(s: Session, sku: str) -> CatalogItem:
    item = s.get(CatalogItem, sku[:64])
    if item is None:
        raise UnknownSku(f"no item {sku!r} in the catalog")
    return item


def set_retired(s: Session, sku: str, retired: bool, now: datetime | None = None) -> CatalogItem:
    """Retire an item (off the kiosks from their next catalog read; new holds get 404
    unknown_sku) or offer it again. Doing what is already so changes nothing."""
    item = get_item(s, sku)
    if retired and item.retired_at is None:
        item.retired_at = now or utcnow()
    elif not retired and item.retired_at is not None:
        item.retired_at = None
    s.flush()
    return item


def list_items(s: Session) -> list[dict[str, Any]]:
    """The items kiosks offer: every item not retired."""
    query = select(CatalogItem).where(CatalogItem.retired_at.is_(None)).order_by(CatalogItem.sku)
    return [item_json(i) for i in s.scalars(query)]


def list_all(s: Session) -> list[dict[str, Any]]:
    """Every item, retired ones too, for staff."""
    return [staff_json(i) for i in s.scalars(select(CatalogItem).order_by(CatalogItem.sku))]
