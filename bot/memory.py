"""Process-wide memory settings, applied first thing at start-up (before any thread)."""

from __future__ import annotations

import ctypes
import os
import sys

M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """glibc gives each thread that allocates a malloc arena of its own, and aiosqlite runs a thread per SQLite
    connection: a dozen arenas, each holding a few MB of freed memory it does not give back (about 5 MB of the
    resident set after a burst). Two are enough for a process that does its work in one event loop. Called before
    the first thread starts; MALLOC_ARENA_MAX in the environment, when an operator sets it, wins. True when set."""
    if not sys.platform.startswith("linux") or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        return ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas) == 1
    except (OSError, AttributeError):  # not glibc (musl, …): nothing to tune
        return False
