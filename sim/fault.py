"""Fault injection for a running simulator: a Python API (FaultControl.apply) and a line
protocol on 127.0.0.1 so another shell, a test or the hardware panel can break things.

One command per line, one answer line back (`ok ...` or `error: ...`):

    jam BOARD:LOCK        the lock ignores unlock pulses      unjam BOARD:LOCK
    hook-broken BOARD:LOCK  its hook sensor reads open always   hook-mended BOARD:LOCK
    silent on|off         commands carried out, answers lost
    mute-unlocks on|off   unlocks carried out, their answers lost (current CU16 firmware
                          never answers an unlock anyway)
    delay SECONDS         answers come late (0: on time)
    late-once SECONDS     the next answer only comes this late (a busy board)
    corrupt N|always|off  the next N answers have a bad checksum
    split SECONDS|off     answers arrive in two pieces this far apart
    swapped on|off        RS485 A and B swapped: every byte inverted both ways (nothing is
                          understood; a WKLY board's door events arrive as garbage)
    unplug SECONDS        the adapter is pulled, then comes back at the same path
    noise HEX             junk bytes from the scanner (needs --scanner)
    clear                 every board fault off, every lock unjammed, every hook mended
    status                the simulator's state as JSON

    python -m sim.lockboard --protocol xor --pty --control 7700 --scanner
    python -m sim.fault --control 7700 jam 1:3
"""

from __future__ import annotations

import argparse
import json
import shlex
import socket
import socketserver
import sys
import threading
from typing import Any

from kiosk.core.interfaces import LockerAddress
from sim.lockboard.base import SimBoard
from sim.scanner import SimScanner


class FaultControl:
    """Applies fault commands to one simulated board (and optionally a scanner)."""

    def __init__(
        self, board: SimBoard[Any], scanner: SimScanner | None = None, port: int = 0
    ) -> None:
        self.board = board
        self.scanner = scanner
        self._requested_port = port
        self._server: socketserver.ThreadingTCPServer | None = None
        self.port = 0

    def apply(self, line: str) -> str:
        """Carry out one command line; the answer starts with `ok` or `error:`."""
        try:
            words = shlex.split(line)
        except ValueError as e:
            return f"error: {e}"
        if not words:
            return "error: empty command"
        verb, args = words[0].lower(), words[1:]
        try:
            return self._apply(verb, args)
        except (ValueError, KeyError, IndexError, RuntimeError) as e:
            return f"error: {verb}: {e}"

    def _apply(self, verb: str, args: list[str]) -> str:
        board = self.board
        if verb in ("jam", "unjam"):
            address, lock = _locker(args[0])
            board.cabinet.jam(address, lock, verb == "jam")
        elif verb in ("hook-broken", "hook-mended"):
            address, lock = _locker(args[0])
            board.cabinet.break_hook(address, lock, verb == "hook-broken")
        elif verb == "silent":
            board.fault("silent", _on_off(args[0]))
        elif verb == "mute-unlocks":
            board.fault("mute_unlocks", _on_off(args[0]))
        elif verb == "swapped":
            board.fault("swapped", _on_off(args[0]))
        elif verb == "delay":
            board.fault("delay", _seconds(args[0]))
        elif verb == "late-once":
            board.fault("late_once", _seconds(args[0]))
        elif verb == "corrupt":
            word = args[0].lower()
            named = {"always": -1, "off": 0}
            board.fault("corrupt", named[word] if word in named else _count(word))
        elif verb == "split":
            board.fault("split", 0.0 if args[0].lower() == "off" else _seconds(args[0]))
        elif verb == "unplug":
            board.unplug(_seconds(args[0]))
        elif verb == "noise":
            if self.scanner is None:
                raise RuntimeError("no simulated scanner here (start with --scanner)")
            self.scanner.noise(bytes.fromhex(" ".join(args)))
        elif verb == "clear":
            board.clear_faults()
            for locker in board.cabinet.lockers():
                board.cabinet.jam(locker.board, locker.lock, False)
                board.cabinet.break_hook(locker.board, locker.lock, False)
        elif verb == "status":
            return "ok " + json.dumps(board.status())
        else:
            raise ValueError("unknown command (see python -m sim.fault --help)")
        return f"ok {verb} {' '.join(args)}".rstrip()

    def start(self) -> FaultControl:
        control = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                for raw in self.rfile:
                    answer = control.apply(raw.decode("utf-8", "replace").strip())
                    self.wfile.write(answer.encode() + b"\n")

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self._requested_port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        serve = self._server.serve_forever
        threading.Thread(target=serve, name="fault-control", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def send(port: int, line: str, timeout: float = 10.0) -> str:
    """Send one command to a FaultControl on 127.0.0.1:port and return its answer line."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(line.encode() + b"\n")
        with sock.makefile("rb") as answers:
            return answers.readline().decode().strip()


def _locker(text: str) -> tuple[int, int]:
    """A locker named as the kiosk and its technician name it (the kiosk's one reader of it)."""
    address = LockerAddress.parse(text)
    return address.board, address.lock


def _on_off(text: str) -> bool:
    if text.lower() not in ("on", "off"):
        raise ValueError(f"{text!r} is not on or off")
    return text.lower() == "on"


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 3600:
        raise ValueError(f"{text} s is outside 0..3600")
    return value


def _count(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"{text!r} is not a count, 'always' or 'off'")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.fault",
        description="Inject a fault into a running simulator (python -m sim.lockboard --control).",
        epilog=__doc__.split("\n\n")[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--control", type=int, required=True, metavar="PORT")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="e.g. jam 0:3")
    args = parser.parse_args(argv)
    try:
        answer = send(args.control, shlex.join(args.command))
    except OSError as e:
        print(f"sim.fault: cannot reach the simulator on port {args.control}: {e}", file=sys.stderr)
        return 1
    ok = answer.startswith("ok")
    print(answer, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
