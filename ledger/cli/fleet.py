"""`timebank-ledger kiosk|catalog|fleet`: the kiosks and their keys, the catalog, and the
fleet's state and stock with its near-expiry and expired alerts. Every change is audited as
`cli:USER`, as the console's are (ledger.web.fleet_pages)."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from ledger import audit, catalog, fleet, kiosks, settings
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.cli.base import add_command, add_group, emit, with_book
from ledger.cli.staff import cli_actor
from ledger.db import utcnow
from ledger.limits import MAX_PRICE, Bounded


def _record(s: Session, action: AuditAction, **detail: Any) -> None:
    audit.record(s, action, cli_actor(), CLI_ACTOR_ADDRESS, utcnow(), **detail)


def cmd_kiosk_add(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        kiosk, key = kiosks.add_kiosk(s, args.name, args.location)
        _record(s, AuditAction.KIOSK_ADDED, kiosk=kiosk.id, name=kiosk.name)
        return {"kiosk": kiosk.id, "key": key, "name": kiosk.name, "location": kiosk.location}

    data = with_book(args.db, work)
    emit(
        args,
        data,
        f"kiosk {data['kiosk']} {data['name']}\nkey (shown only this once): {data['key']}",
    )
    return 0


def cmd_kiosk_list(args: argparse.Namespace) -> int:
    found = with_book(args.db, kiosks.list_kiosks)
    lines = [f"{k['kiosk']}  {k['name']}  {k['location']}  {k['state']}" for k in found]
    emit(args, {"kiosks": found}, "\n".join(lines) or "no kiosks")
    return 0


def cmd_kiosk_rename(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        kiosk = kiosks.rename_kiosk(s, args.kiosk, args.name, args.location)
        _record(s, AuditAction.KIOSK_RENAMED, kiosk=kiosk.id, name=kiosk.name)
        return kiosks.kiosk_json(kiosk)

    data = with_book(args.db, work)
    emit(args, data, f"kiosk {data['kiosk']} is now {data['name']} ({data['location']})")
    return 0


def cmd_kiosk_revoke(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        kiosk = kiosks.revoke_kiosk(s, args.kiosk)
        _record(s, AuditAction.KIOSK_REVOKED, kiosk=kiosk.id)
        return kiosks.kiosk_json(kiosk)

    data = with_book(args.db, work)
    emit(args, data, f"kiosk {data['kiosk']} revoked: its key is refused from now on")
    return 0


def cmd_catalog_set(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        item = catalog.set_item(s, args.sku, args.price, args.zh, args.en)
        _record(s, AuditAction.CATALOG_SAVED, sku=item.sku, price=item.price, name=item.name_zh)
        return catalog.item_json(item)

    data = with_book(args.db, work)
    emit(
        args,
        data,
        f"{data['sku']}: {data['name']['zh']} / {data['name']['en']}, {data['price']} coins",
    )
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    items = with_book(args.db, catalog.list_all)
    lines = [
        f"{i['sku']}  {i['name']['zh']} / {i['name']['en']}  {i['price']} coins"
        + ("  (retired)" if i["retired"] else "")
        for i in items
    ]
    emit(args, {"items": items}, "\n".join(lines) or "the catalog is empty")
    return 0


def _set_retired(args: argparse.Namespace, retired: bool) -> int:
    def work(s: Session) -> dict[str, Any]:
        item = catalog.set_retired(s, args.sku, retired)
        action = AuditAction.CATALOG_RETIRED if retired else AuditAction.CATALOG_RESTORED
        _record(s, action, sku=item.sku)
        return catalog.staff_json(item)

    data = with_book(args.db, work)
    said = "retired: off the kiosks' catalog" if retired else "offered again"
    emit(args, data, f"{data['sku']} {data['name']['zh']} {said}")
    return 0


def cmd_catalog_retire(args: argparse.Namespace) -> int:
    return _set_retired(args, True)


def cmd_catalog_restore(args: argparse.Namespace) -> int:
    return _set_retired(args, False)


def cmd_fleet(args: argparse.Namespace) -> int:
    def work(s: Session) -> dict[str, Any]:
        zone = settings.load(s).zone
        return fleet.fleet(s, fleet.FleetQuery(utcnow(), near_days=args.near_days, tz=zone))

    data = with_book(args.db, work)
    lines = []
    for k in data["kiosks"]:
        state = "revoked" if k["revoked"] else "in service"
        if not k["revoked"] and not k["service"]["in_service"]:
            state = f"OUT OF SERVICE ({k['service']['reason']})"
        lines.append(f"{k['kiosk']}  {k['name']}  {state}  last contact {k['last_contact']}")
        if k["door"] and k["door"]["open"]:
            lines.append(f"  door alarm: {k['door']['what']} open since {k['door']['at']}")
        lines += [f"  fault {f['at']}: {f['what']}" for f in k["faults"]]
        lines += [
            f"  {x['locker']}  {x['name']['zh']}  {x['count']}  best before {x['best_before']}"
            + ("" if x["state"] == "ok" else f"  {x['state'].upper()}")
            for x in k["stock"]
        ]
    lines.append(f"{len(data['alerts'])} near-expiry or expired lockers (today {data['today']})")
    emit(args, data, "\n".join(lines))
    return 0


def register(sub: Any) -> None:
    kiosk = add_group(sub, "kiosk", "kiosks and their keys")
    kadd = add_command(kiosk, "add", cmd_kiosk_add, help="register a kiosk and make its key")
    kadd.add_argument("--name", required=True)
    kadd.add_argument("--location", default="")
    add_command(kiosk, "list", cmd_kiosk_list, help="every kiosk, active or revoked")
    kren = add_command(kiosk, "rename", cmd_kiosk_rename, help="a kiosk's new name (key kept)")
    kren.add_argument("kiosk", metavar="KIOSK")
    kren.add_argument("--name", required=True)
    kren.add_argument("--location", help="its new location (default: unchanged)")
    krev = add_command(kiosk, "revoke", cmd_kiosk_revoke, help="refuse a kiosk's key from now on")
    krev.add_argument("kiosk", metavar="KIOSK")

    cat = add_group(sub, "catalog", "catalog")
    cset = add_command(cat, "set", cmd_catalog_set, help="add an item or change its price")
    cset.add_argument("sku", metavar="SKU")
    cset.add_argument("--price", type=Bounded(0, MAX_PRICE), required=True)
    cset.add_argument("--zh", required=True, help="name in Chinese")
    cset.add_argument("--en", required=True, help="name in English")
    add_command(cat, "list", cmd_catalog_list, help="every item, retired ones marked")
    for name, command, text in (
        ("retire", cmd_catalog_retire, "take an item off the kiosks (its history kept)"),
        ("restore", cmd_catalog_restore, "offer a retired item again"),
    ):
        add_command(cat, name, command, help=text).add_argument("sku", metavar="SKU")

    fl = add_command(sub, "fleet", cmd_fleet, help="every kiosk's state and stock, expiry alerts")
    fl.add_argument(
        "--near-days",
        type=Bounded(0, 365),
        default=fleet.NEAR_EXPIRY_DAYS,
        help=f"best-before within this many days is near expiry (default {fleet.NEAR_EXPIRY_DAYS})",
    )
