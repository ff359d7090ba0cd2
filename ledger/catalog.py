"""The catalog: what each item is called (Chinese and English) and what it costs in coins."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.db import CatalogItem, utcnow
from ledger.errors import BadRequest
from ledger.limits import MAX_PRICE

SKU_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def item_json(item: CatalogItem) -> dict[str, Any]:
    return {"sku": item.sku, "name": {"zh": item.name_zh, "en": item.name_en}, "price": item.price}


def set_item(s: Session, sku: str, price: int, zh: str, en: str) -> CatalogItem:
    """Add an item or change its names and price; a hold at the old price then gets 409."""
    if not SKU_PATTERN.fullmatch(sku):
        raise BadRequest(f"SKU {sku!r} must be 1-64 letters, digits, '_', '.' or '-'")
    if isinstance(price, bool) or not isinstance(price, int) or not 0 <= price <= MAX_PRICE:
        raise BadRequest(f"price must be whole coins from 0 to {MAX_PRICE}, got {price}")
    item = s.get(CatalogItem, sku)
    if item is None:
        item = CatalogItem(sku=sku, name_zh=zh, name_en=en, price=price)
        s.add(item)
    else:
        item.name_zh, item.name_en, item.price, item.updated_at = zh, en, price, utcnow()
    s.flush()
    return item


def list_items(s: Session) -> list[dict[str, Any]]:
    return [item_json(i) for i in s.scalars(select(CatalogItem).order_by(CatalogItem.sku))]
