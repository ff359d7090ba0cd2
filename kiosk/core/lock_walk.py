"""The lock page's steps: pulse one locker, walk them all in turn while the technician says
whether each really opened, or clear a locker's inspection flag once inspected. Each step turns
one TechnicianView into the next; the board work behind them is the desk's
(kiosk/diag/locktest.py).
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.technician import TechnicianDesk, TechnicianView, WalkView

WALK_VERDICTS = ("opened", "not_opened", "stop")


def open_one(desk: TechnicianDesk, tv: TechnicianView, actor: str, locker: str) -> TechnicianView:
    opened = desk.open_locker(locker, actor)
    return replace(
        tv,
        last_open=opened,
        lockers=tuple(desk.lockers()),
        message="tech.opened" if opened.opened else "tech.not_opened",
        detail=opened.locker,
        ok=opened.opened,
    )


def inspected(desk: TechnicianDesk, tv: TechnicianView, actor: str, locker: str) -> TechnicianView:
    """The "检修完成" button on a flagged locker: its flag is cleared, it is on sale again."""
    cleared = desk.clear_inspection(locker, actor)
    return replace(
        tv,
        lockers=tuple(desk.lockers()),
        message="tech.inspected" if cleared else "tech.not_flagged",
        detail=locker,
        ok=cleared,
    )


def start_walk(desk: TechnicianDesk, tv: TechnicianView, actor: str) -> TechnicianView:
    if tv.walk is not None:
        return tv
    order = [line.locker for line in desk.lockers()]
    if not order:
        return replace(tv, message="tech.no_lockers", ok=False)
    return _walk_next(desk, tv, WalkView(None, tuple(order)), actor)


def walk_verdict(
    desk: TechnicianDesk, tv: TechnicianView, actor: str, verdict: str
) -> TechnicianView:
    walk = tv.walk
    if walk is None or walk.current is None or verdict not in WALK_VERDICTS:
        return tv
    if verdict == "stop":
        return _walk_end(desk, tv, walk, actor)
    desk.walk_verdict(walk.current, verdict == "opened", actor)
    walk = replace(walk, done=walk.done + ((walk.current.locker, verdict),))
    return _walk_next(desk, tv, walk, actor)


def _walk_next(
    desk: TechnicianDesk, tv: TechnicianView, walk: WalkView, actor: str
) -> TechnicianView:
    if not walk.remaining:
        return _walk_end(desk, tv, walk, actor)
    current = desk.open_locker(walk.remaining[0], actor, walk=True)
    walk = WalkView(current, walk.remaining[1:], walk.done)
    return replace(tv, walk=walk, last_open=current, lockers=tuple(desk.lockers()), message=None)


def _walk_end(
    desk: TechnicianDesk, tv: TechnicianView, walk: WalkView, actor: str
) -> TechnicianView:
    desk.walk_done(list(walk.done), actor)
    failed = [locker for locker, v in walk.done if v != "opened"]
    return replace(
        tv,
        walk=None,
        lockers=tuple(desk.lockers()),
        message="tech.walk_failed" if failed else "tech.walk_done",
        detail=", ".join(failed) if failed else str(len(walk.done)),
        ok=not failed,
    )
