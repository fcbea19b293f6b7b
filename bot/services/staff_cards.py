"""The staff card loop, Telegram aside: a card per subject (a link request now; appeals and payments later) posted to
the staff chat, its message id kept, a decision taken once (two staff members pressing at once: one wins), a
rejection that first asks the deciding staff member for a reason, the outcome and who decided kept on the card.

A kind's own effect (linking the account, answering the appeal) runs in the same transaction as ``close``: the
caller opens it, calls ``claim``/``close`` and does its work, so nothing half-decided reaches the database.
The Telegram side (posting, editing, the reply to a card, telling the resident) is ``bot.handlers.staff_cards``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import StaffCard

Sessions = async_sessionmaker[AsyncSession]


class CardKind(StrEnum):
    link = "link"  # a resident asks to confirm an account is theirs (bot.services.accounts)
    appeal = "appeal"  # an appeal to the УК (bot.services.appeals.staff): stays open, the appeal's status rules


class CardStatus(StrEnum):
    open = "open"  # waits for a decision
    asking = "asking"  # a staff member pressed «Отклонить»: the reason is awaited
    decided = "decided"


@dataclass(frozen=True)
class Card:
    id: int
    kind: CardKind
    subject_id: int
    chat_id: int | None
    message_id: int | None
    prompt_message_id: int | None
    status: CardStatus
    asked_by: int | None
    outcome: str | None
    decided_by: int | None
    decided_by_name: str | None
    decided_at: dt.datetime | None
    reason: str | None


def _card(row: StaffCard) -> Card:
    return Card(row.id, CardKind(row.kind), row.subject_id, row.chat_id, row.message_id, row.prompt_message_id,
                CardStatus(row.status), row.asked_by, row.outcome, row.decided_by, row.decided_by_name,
                row.decided_at, row.reason)


async def create(s: AsyncSession, kind: CardKind, subject_id: int, now_utc: dt.datetime) -> Card:
    """The card of a subject, inside the caller's transaction (the subject's own row is written there too)."""
    row = (await s.execute(select(StaffCard).where(StaffCard.kind == kind.value,
                                                   StaffCard.subject_id == subject_id))).scalar_one_or_none()
    if row is None:
        row = StaffCard(kind=kind.value, subject_id=subject_id, status=CardStatus.open.value, created_at=now_utc)
        s.add(row)
        await s.flush()
    return _card(row)


async def posted(sessions: Sessions, card_id: int, chat_id: int, message_id: int) -> None:
    """The card reached the staff chat as this message."""
    async with sessions.begin() as s:
        await s.execute(update(StaffCard).where(StaffCard.id == card_id)
                        .values(chat_id=chat_id, message_id=message_id))


async def forget(s: AsyncSession, card_id: int) -> None:
    """The card never reached the staff chat (its subject is dropped with it)."""
    row = await s.get(StaffCard, card_id)
    if row is not None:
        await s.delete(row)


async def get(sessions: Sessions, kind: CardKind, subject_id: int) -> Card | None:
    async with sessions() as s:
        return await of_subject(s, kind, subject_id)


async def of_subject(s: AsyncSession, kind: CardKind, subject_id: int) -> Card | None:
    row = (await s.execute(select(StaffCard).where(StaffCard.kind == kind.value,
                                                   StaffCard.subject_id == subject_id))).scalar_one_or_none()
    return _card(row) if row else None


async def by_message(sessions: Sessions, chat_id: int, message_id: int) -> Card | None:
    """The card a staff message replies to: the card itself or the bot's «напишите причину» under it."""
    async with sessions() as s:
        row = (await s.execute(select(StaffCard).where(
            StaffCard.chat_id == chat_id,
            or_(StaffCard.message_id == message_id, StaffCard.prompt_message_id == message_id),
        ).order_by(StaffCard.id.desc()).limit(1))).scalar_one_or_none()
    return _card(row) if row else None


async def ask_reason(sessions: Sessions, card_id: int, staff_id: int) -> Card | None:
    """«Отклонить» pressed: the card waits for this staff member's reason. None when it is not open any more (decided,
    or another staff member is writing a reason)."""
    async with sessions.begin() as s:
        done = await s.execute(update(StaffCard).where(StaffCard.id == card_id,
                                                       StaffCard.status == CardStatus.open.value)
                               .values(status=CardStatus.asking.value, asked_by=staff_id))
        if done.rowcount != 1:
            return None
        return _card(await s.get(StaffCard, card_id))


async def prompt_posted(sessions: Sessions, card_id: int, message_id: int) -> None:
    async with sessions.begin() as s:
        await s.execute(update(StaffCard).where(StaffCard.id == card_id).values(prompt_message_id=message_id))


async def release(sessions: Sessions, card_id: int) -> Card | None:
    """The reason is not coming («Не отклонять»): the card is open again. None when it was not waiting for one."""
    async with sessions.begin() as s:
        done = await s.execute(update(StaffCard).where(StaffCard.id == card_id,
                                                       StaffCard.status == CardStatus.asking.value)
                               .values(status=CardStatus.open.value, asked_by=None))
        if done.rowcount != 1:
            return None
        return _card(await s.get(StaffCard, card_id))


async def close(s: AsyncSession, card_id: int, outcome: str, staff_id: int | None, staff_name: str | None,
                now_utc: dt.datetime, reason: str | None = None) -> bool:
    """Decide the card inside the caller's transaction; False when it was decided already (the other press won)."""
    done = await s.execute(update(StaffCard).where(
        StaffCard.id == card_id, StaffCard.status.in_([CardStatus.open.value, CardStatus.asking.value])
    ).values(status=CardStatus.decided.value, outcome=outcome, decided_by=staff_id, decided_by_name=staff_name,
             decided_at=now_utc, reason=reason))
    return done.rowcount == 1
