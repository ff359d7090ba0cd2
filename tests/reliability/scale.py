"""How many examples the bad-input properties try: CI's count, or more for the long run
(test_bad_input_slow.py sets BAD_INPUT_SCALE=10 and runs them again)."""

from __future__ import annotations

import os

SCALE = int(os.environ.get("BAD_INPUT_SCALE", "1"))


def examples(ci: int) -> int:
    return ci * SCALE
