"""Demo data for the simulator and demos: a kiosk, three members and a small catalog.

Seeding twice keeps the same members and coins; only the kiosk key is renewed, because the
ledger keeps just a hash of it and a caller needs a usable key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ledger import book, catalog, kiosks, members
from ledger.db import Kiosk, Member, Meta, Role, create_schema, make_engine, session_factory
from ledger.errors import LedgerError

SEED_KEY = "demo_seed"

DEMO_MEMBERS = [  # (name, role, coins)
    ("王阿姨", Role.MEMBER, 120),
    ("李伯伯", Role.MEMBER, 10),
    ("张师傅", Role.TECHNICIAN, 0),
]

DEMO_CATALOG = [  # (sku, zh, en, price)
    ("tissues", "纸巾", "Tissues", 15),
    ("water", "矿泉水", "Bottled water", 20),
    ("rice", "大米 1kg", "Rice 1 kg", 50),
    ("soap", "肥皂", "Soap", 25),
    ("noodles", "挂面", "Noodles", 30),
    ("oil", "食用油", "Cooking oil", 80),
]


def _create(s: Session) -> dict[str, Any]:
    kiosk, _ = kiosks.add_kiosk(s, "Demo kiosk", location="社区服务中心 Community centre")
    ids = [members.add_member(s, name, role, coins).id for name, role, coins in DEMO_MEMBERS]
    for sku, zh, en, price in DEMO_CATALOG:
        catalog.set_item(s, sku, price, zh, en)
    seed = {"kiosk": kiosk.id, "members": ids}
    s.add(Meta(key=SEED_KEY, value=seed))
    s.flush()
    return seed


def seed_demo(db_url: str) -> dict[str, Any]:
    """Create the demo data if missing; returns the kiosk key, members (with secrets), catalog."""
    engine = make_engine(db_url)
    try:
        create_schema(engine)
        with session_factory(engine)() as s, s.begin():
            book.ensure_system_accounts(s)
            meta = s.get(Meta, SEED_KEY)
            seed = meta.value if meta is not None else _create(s)
            kiosk = s.get(Kiosk, seed["kiosk"])
            if kiosk is None:
                raise LedgerError(f"the demo seed names kiosk {seed['kiosk']}, which is gone")
            key = kiosks.rotate_key(s, kiosk)
            demo_members = []
            for member_id in seed["members"]:
                member = s.get(Member, member_id)
                if member is None:
                    raise LedgerError(f"the demo seed names member {member_id}, which is gone")
                demo_members.append(
                    {
                        "member": member.id,
                        "name": member.name,
                        "role": member.role.value,
                        "secret": member.totp_secret,
                        "balance": book.spendable_balance(s, member.id),
                    }
                )
            return {
                "kiosk_key": key,
                "kiosk": kiosk.id,
                "members": demo_members,
                "catalog": catalog.list_items(s),
            }
    finally:
        engine.dispose()
