"""Asking the person at the terminal before a large amount moves: `--yes` answers for scripts;
without a terminal and without `--yes` the command refuses and does nothing."""

from __future__ import annotations

import argparse
import sys

from ledger.errors import BadRequest


def add_yes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--yes", action="store_true", help="confirm a large amount without asking (for scripts)"
    )


def confirm(args: argparse.Namespace, question: str) -> None:
    """Go on only if the user says yes to `question` (or gave --yes)."""
    if getattr(args, "yes", False):
        return
    if getattr(args, "stdin", None) is not None or not sys.stdin.isatty():
        raise BadRequest(f"{question} Not confirmed: add --yes to confirm; nothing was done")
    answer = input(f"{question} [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise BadRequest("not confirmed; nothing was done")
