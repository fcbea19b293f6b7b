"""Telegram users as the bot knows them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import AccountLink, User


@dataclass(frozen=True)
class Profile:
    user_id: int
    first_name: str
    linked_accounts: int
    is_new: bool


async def register(
    sessions: async_sessionmaker[AsyncSession],
    user_id: int,
    first_name: str,
    last_name: str | None,
    username: str | None,
    language_code: str | None,
) -> Profile:
    """Create the user on first contact, refresh the name when it changed, reactivate after a block.

    Called on /start only: the bot does not write to the database on every update.
    """
    async with sessions.begin() as s:
        user = await s.get(User, user_id)
        is_new = user is None
        if user is None:
            user = User(id=user_id, first_name=first_name or "", last_name=last_name, username=username,
                        language_code=language_code)
            s.add(user)
        else:
            fresh = (first_name or "", last_name, username, language_code)
            if (user.first_name, user.last_name, user.username, user.language_code) != fresh:
                user.first_name, user.last_name, user.username, user.language_code = fresh
            if not user.is_active:
                user.is_active, user.blocked_at = True, None
        await s.flush()
        links = (await s.execute(select(AccountLink.id).where(AccountLink.user_id == user_id))).all()
        return Profile(user_id=user_id, first_name=user.first_name, linked_accounts=len(links), is_new=is_new)


async def ensure_user(s: AsyncSession, user_id: int, first_name: str = "") -> User:
    """The user row inside the caller's transaction (created when a flow needs it before /start)."""
    user = await s.get(User, user_id)
    if user is None:
        user = User(id=user_id, first_name=first_name)
        s.add(user)
        await s.flush()
    return user
