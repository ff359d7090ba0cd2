"""`kiosk diag bus`: scan a silent lock-board bus at the usual speeds (kiosk/diag/bus.py).

    kiosk diag bus [--port URL --protocol F] [--board N ...] [--reads N] [--json]

Without --port, the port, protocol and speed are the config's [lockboard] (--config). The
kiosk service must be stopped first: the port is opened at each speed in turn.
"""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.core.board_families import FACTORY_SETTINGS, FAMILIES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", help="serial port URL or pty path (default: the config's)")
    parser.add_argument("--protocol", choices=FAMILIES, help="default: the config's, else kerong")
    parser.add_argument(
        "--board",
        type=int,
        action="append",
        help="bus address to read; repeat for several (default: the family's first address, "
        "or every board the config's lockers name)",
    )
    parser.add_argument(
        "--baud", type=int, help="the speed the kiosk uses (default: the config's or the family's)"
    )
    parser.add_argument("--reads", type=int, default=3, help="status reads per board and speed")
    parser.add_argument("--timeout", type=float, default=0.3, help="seconds to wait per read")


def run(args: argparse.Namespace) -> int:
    from drivers.lockboard import device_class
    from drivers.lockboard.profile import STANDARD_BAUDS
    from kiosk.core.errors import ConfigError
    from kiosk.diag.bus import scan_bus, table

    if args.sim:
        print(
            "kiosk diag bus: scans a real port; give --port (a simulated board: "
            "python -m sim.lockboard --protocol P --pty)",
            file=sys.stderr,
        )
        return 2
    if args.baud is not None and args.baud not in STANDARD_BAUDS:
        print(f"kiosk diag bus: --baud {args.baud} is not one of {STANDARD_BAUDS}", file=sys.stderr)
        return 2
    try:
        port, protocol, baud, boards = _target(args)
    except (ConfigError, OSError) as e:
        print(f"kiosk diag bus: {e}", file=sys.stderr)
        return 2
    device = device_class(protocol)
    first, last = device.first_board, device.last_board
    boards = boards or [first]
    if any(not first <= b <= last for b in boards):
        print(f"kiosk diag bus: --board: a {protocol} bus has {first}..{last}", file=sys.stderr)
        return 2
    if not 1 <= args.reads <= 50 or not 0 < args.timeout <= 10:
        print("kiosk diag bus: --reads is 1..50 and --timeout in (0, 10] s", file=sys.stderr)
        return 2
    if args.baud is not None:
        baud, source = args.baud, "--baud"
    elif baud is None:
        baud, source = FACTORY_SETTINGS[protocol]["baud"], f"the {protocol} factory speed"
    else:
        source = "the config"
    scan = scan_bus(
        port,
        protocol,
        boards,
        configured_baud=baud,
        configured_by=source,
        reads=args.reads,
        timeout=args.timeout,
    )
    print(json.dumps(scan.as_dict()) if args.json else table(scan))
    if scan.port_error:
        return 1
    return 0 if all(scan.answering(b) for b in boards) else 1


def _target(args: argparse.Namespace) -> tuple[str, str, int | None, list[int]]:
    """Port, protocol, configured speed (None: nothing configured) and boards to read."""
    boards = list(args.board or [])
    if args.port:
        return args.port, args.protocol or FAMILIES[0], None, boards
    from kiosk.core.config import load_config
    from kiosk.core.interfaces import LockerAddress

    config = load_config(args.config)
    lb = config.lockboard
    if lb.protocol not in FAMILIES:
        raise OSError(f"{config.source}: lockboard.protocol {lb.protocol!r} has no bus to scan")
    if args.protocol and args.protocol != lb.protocol:
        raise OSError(f"--protocol {args.protocol}: the config says {lb.protocol}; give --port")
    named = sorted({LockerAddress.parse(lk.locker).board for lk in config.lockers})
    return lb.port, lb.protocol, lb.baud, boards or named
