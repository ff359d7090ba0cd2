"""`timebank-ledger pool list|show|collect|expire` and `phone-limits show|set`: the office's
side of coin pools (recording the goods handed out) and the limits of members' phones."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from ledger import audit, phone_limits, pool_pickups, pool_views, pools
from ledger.audit import CLI_ACTOR_ADDRESS, AuditAction
from ledger.cli.base import add_command, add_group, emit, with_book
from ledger.cli.staff import cli_actor
from ledger.db import utcnow
from ledger.phone_tables import PoolState


def _line(p: dict[str, Any]) -> str:
    return (
        f"{p['pool']}  {p['state']:<9}  {p['quantity']} x {p['item']['zh']} ({p['sku']})  "
        f"{p['gathered']}/{p['target']} coins  organiser {p['organiser']['id']}"
    )


def cmd_list(args: argparse.Namespace) -> int:
    state = PoolState(args.state) if args.state else None

    def work(s: Session) -> list[dict[str, Any]]:
        return [pool_views.describe(s, p) for p in pool_views.all_pools(s, state)]

    found = with_book(args.db, work)
    emit(args, {"pools": found}, "\n".join(_line(p) for p in found) or "no pools")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    data = with_book(
        args.db, lambda s: pool_views.describe(s, pools.locked(s, args.pool, utcnow()))
    )
    givers = "\n".join(
        f"  {g['member']} {g['name']}: {g['coins']}" + ("  (given back)" if g["given_back"] else "")
        for g in data["pledges"]
    )
    emit(args, data, _line(data) + ("\n" + givers if givers else ""))
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    actor = cli_actor()

    def work(s: Session) -> dict[str, Any]:
        now = utcnow()
        pool = pool_pickups.collect_at_office(s, args.pool, actor, args.where, now)
        audit.record(
            s,
            AuditAction.POOL_COLLECTED,
            actor,
            CLI_ACTOR_ADDRESS,
            now,
            pool=pool.id,
            where=pool.collected_where,
            quantity=pool.office_quantity,
            sku=pool.sku,
        )
        return pool_views.describe(s, pool)

    data = with_book(args.db, work)
    said = f"pool {data['pool']}: {data['at_office']} handed out at the office"
    emit(args, data, f"{said}, {data['collected_where']}")
    return 0


def cmd_expire(args: argparse.Namespace) -> int:
    expired = with_book(args.db, lambda s: pools.expire_due(s, utcnow()))
    emit(args, {"expired": expired}, f"{len(expired)} pools expired, their pledges given back")
    return 0


def cmd_limits_show(args: argparse.Namespace) -> int:
    data = with_book(args.db, lambda s: vars(phone_limits.load(s)))
    emit(args, data, "\n".join(f"{k} = {v}" for k, v in data.items()))
    return 0


def cmd_limits_set(args: argparse.Namespace) -> int:
    actor = cli_actor()

    def work(s: Session) -> dict[str, Any]:
        before = getattr(phone_limits.load(s), args.name, None)
        after = phone_limits.change(s, args.name, args.value)
        audit.record(
            s,
            AuditAction.PHONE_LIMITS_SET,
            actor,
            CLI_ACTOR_ADDRESS,
            utcnow(),
            limit=args.name,
            before=before,
            after=getattr(after, args.name),
        )
        return vars(after)

    data = with_book(args.db, work)
    emit(args, data, f"{args.name} = {data[args.name]}")
    return 0


def register(sub: Any) -> None:
    pool = add_group(sub, "pool", "members' coin pools: list, show, record goods handed out")
    lst = add_command(pool, "list", cmd_list, help="pools, newest first")
    lst.add_argument("--state", choices=[s.value for s in PoolState])
    show = add_command(pool, "show", cmd_show, help="one pool and its givers")
    show.add_argument("pool", metavar="POOL")
    collect = add_command(
        pool,
        "collect",
        cmd_collect,
        help="record the rest of a full pool's goods handed out at the office (audited)",
    )
    collect.add_argument("pool", metavar="POOL")
    collect.add_argument("--where", required=True, help="to whom and where, e.g. 环卫站 张师傅")
    add_command(pool, "expire", cmd_expire, help="expire open pools past their time now")
    limits = add_group(sub, "phone-limits", "what members' phones may spend; pools' bounds")
    add_command(limits, "show", cmd_limits_show, help="the limits now")
    change = add_command(limits, "set", cmd_limits_set, help="change one limit (audited)")
    change.add_argument("name", choices=list(phone_limits.BOUNDS))
    change.add_argument("value")
