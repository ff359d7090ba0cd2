"""Hands the memory the UI freed back to the system, once per visit.

Each screen change makes Kivy and Mesa allocate and free buffers; glibc keeps freed heap pages
for reuse, so without this the kiosk's RSS stays at its busiest moment for good.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def release_freed_memory() -> bool:
    """Return free heap pages to the system (malloc_trim); False where there is no glibc."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True
