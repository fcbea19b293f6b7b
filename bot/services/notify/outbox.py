"""The outbox: every push is a row with a unique key ``user:kind:subject:period``; enqueueing the same key twice
inserts nothing (INSERT … ON CONFLICT DO NOTHING), so a job that runs twice, or again after a crash, repeats
nothing. Users who blocked the bot or turned the kind off in «Настройки» get no row at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.notify.notices import NOTICE_OF, Media, PushKind
from storage.db import dialect_insert
from storage.models import Notification, User

# kind of push → the User column that turns it on or off
KIND_SETTING: dict[str, str] = {
    PushKind.readings_open: "notify_readings",
    PushKind.readings_last: "notify_readings",
    PushKind.verification: "notify_verification",
    PushKind.outage: "notify_outages",
    PushKind.outage_eve: "notify_outages",
    PushKind.meeting_open: "notify_meetings",
    PushKind.meeting_end: "notify_meetings",
    PushKind.meeting_results: "notify_meetings",
    PushKind.news: "notify_news",
    PushKind.payment_due: "notify_payments",
}

CHUNK = 1000  # rows per INSERT (SQLite allows 32766 bound parameters; a row has 12)


def push_key(user_id: int, kind: str, subject: str, period: str) -> str:
    return f"{user_id}:{kind}:{subject}:{period}"


@dataclass(frozen=True)
class Push:
    """One push to one user: its kind and its notice (data; the push view renders it when it is sent), an optional
    photo or document. The key (user, kind, subject, period) makes a second enqueue add nothing."""

    user_id: int
    kind: PushKind
    subject: str
    period: str
    notice: BaseModel = field(hash=False)
    urgent: bool = False
    media: Media | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        expected = NOTICE_OF[PushKind(self.kind)]
        if not isinstance(self.notice, expected):
            raise TypeError(f"a {self.kind} push carries a {expected.__name__}, not {type(self.notice).__name__}")

    @property
    def key(self) -> str:
        return push_key(self.user_id, self.kind, self.subject, self.period)


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


async def enqueue(sessions: async_sessionmaker[AsyncSession], pushes: Sequence[Push], clock: Clock,
                  not_before: dt.datetime | None = None) -> int:
    """Put pushes into the outbox; return how many new rows were written (already known keys are skipped)."""
    if not pushes:
        return 0
    now = clock.utcnow()
    due = not_before or now
    written = 0
    table = Notification.__table__
    # a broadcast gives every recipient the same notice (and picture): each is dumped once, not once per row
    dumped: dict[int, Any] = {}

    def dump(model: BaseModel, **kw: Any) -> Any:
        out = dumped.get(id(model))
        if out is None:
            out = dumped[id(model)] = model.model_dump(mode="json", **kw)
        return out

    async with sessions.begin() as s:
        dialect = s.bind.dialect.name
        for chunk in _chunks(list(pushes), CHUNK):
            allowed = await _allowed(s, chunk)
            kept = [p for p in chunk if (p.user_id, str(p.kind)) in allowed]
            if not kept:
                continue
            rows = [{"key": p.key, "user_id": p.user_id, "kind": str(p.kind), "payload": dump(p.notice),
                     "urgent": p.urgent, "status": "pending", "attempts": 0, "not_before": due, "created_at": now}
                    for p in kept]
            if any(p.media for p in kept):  # else the column is left out: NULL, with no JSON encoding per row
                for r, p in zip(rows, kept, strict=True):
                    r["media"] = dump(p.media, exclude_none=True) if p.media else None
            stmt = (dialect_insert(dialect, table).on_conflict_do_nothing(index_elements=["key"])
                    .returning(table.c.id))
            # executemany ("insertmanyvalues"): RETURNING gives back only the rows really inserted
            written += len((await s.execute(stmt, rows)).all())
    return written


async def _allowed(s: AsyncSession, pushes: Sequence[Push]) -> set[tuple[int, str]]:
    """(user, kind) pairs that may be sent: the user exists, has not blocked the bot and wants this kind. The
    database filters (one SELECT of ids per kind in the chunk; a broadcast has one kind)."""
    by_kind: dict[str, set[int]] = {}
    for p in pushes:
        by_kind.setdefault(str(p.kind), set()).add(p.user_id)
    out: set[tuple[int, str]] = set()
    for kind, ids in by_kind.items():
        wants = [getattr(User, KIND_SETTING[kind]).is_(True)] if kind in KIND_SETTING else []
        rows = await s.execute(select(User.id).where(User.id.in_(sorted(ids)), User.is_active.is_(True), *wants))
        out.update((uid, kind) for uid in rows.scalars())
    return out
