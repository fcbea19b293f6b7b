"""Process-wide memory settings of `python -m bot run`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _applied(env: dict[str, str]) -> str:
    code = "from bot.memory import limit_malloc_arenas; print(limit_malloc_arenas())"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          env=env).stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_malloc_arenas_are_limited_unless_the_operator_chose():
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    assert _applied(env) == "True"
    assert _applied({**env, "MALLOC_ARENA_MAX": "4"}) == "False"  # the operator's own setting stands
