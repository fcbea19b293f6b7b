"""«Настройки»: which pushes a user wants and their quiet hours, kept per user."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.notify.quiet import effective, parse_quiet_hours
from bot.services.users import ensure_user

KINDS = ("readings", "verification", "outages", "meetings", "news", "payments")  # User.notify_<kind>


@dataclass(frozen=True)
class Prefs:
    enabled: dict[str, bool]
    quiet_from: int
    quiet_to: int
    quiet_is_default: bool


def _prefs(user, default: tuple[int, int]) -> Prefs:
    q = effective(user.quiet_from, user.quiet_to, default)
    return Prefs({k: bool(getattr(user, f"notify_{k}")) for k in KINDS}, q[0], q[1], user.quiet_from is None)


async def get_prefs(sessions: async_sessionmaker[AsyncSession], user_id: int, default_quiet: str) -> Prefs:
    async with sessions.begin() as s:
        return _prefs(await ensure_user(s, user_id), parse_quiet_hours(default_quiet))


async def toggle(sessions: async_sessionmaker[AsyncSession], user_id: int, kind: str, default_quiet: str) -> Prefs:
    if kind not in KINDS:
        raise ValueError(kind)
    async with sessions.begin() as s:
        user = await ensure_user(s, user_id)
        setattr(user, f"notify_{kind}", not getattr(user, f"notify_{kind}"))
        return _prefs(user, parse_quiet_hours(default_quiet))


async def set_quiet(sessions: async_sessionmaker[AsyncSession], user_id: int, text: str | None,
                    default_quiet: str) -> Prefs:
    """``text`` like «23:00-08:00» or «нет»; None → back to the default. QuietError (a reason) on bad input."""
    span = parse_quiet_hours(text) if text is not None else (None, None)
    async with sessions.begin() as s:
        user = await ensure_user(s, user_id)
        user.quiet_from, user.quiet_to = span
        return _prefs(user, parse_quiet_hours(default_quiet))
