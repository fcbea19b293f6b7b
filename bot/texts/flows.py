"""What /cancel calls each dialog and what the bot waits for in each state, for every flow in one place.

Keys: the StatesGroup's class name (titles), the full state name ``Group:state`` (hints).
"""

from __future__ import annotations

FLOW_TITLES: dict[str, str] = {}

STATE_HINTS: dict[str, str] = {}
