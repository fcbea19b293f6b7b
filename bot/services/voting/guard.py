"""The registry import must not change the agenda of a meeting whose voting has started: owners may have voted on
the questions as they were (refused with the reason, like any other problem of the import)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import AgendaItem, Meeting


def _text(v: Any, default: str) -> str:
    return v if isinstance(v, str) and v else default


async def check_started_agendas(conn: AsyncConnection, files: dict, now: dt.datetime, problems: list) -> None:
    """Append a Problem for every agenda.csv row that adds or changes an item of a meeting already voting."""
    from bot.services.registry.parse import ORDER, Problem

    pf = files.get("agenda")
    if pf is None:
        return
    started = {r.meeting_id: r.id for r in await conn.execute(
        select(Meeting.id, Meeting.meeting_id).where(Meeting.starts_at <= now))}
    if not started:
        return
    stored = {(r.meeting_id, r.number): (r.question, r.majority, r.question_type) for r in await conn.execute(
        select(AgendaItem.meeting_id, AgendaItem.number, AgendaItem.question, AgendaItem.majority,
               AgendaItem.question_type).where(AgendaItem.meeting_id.in_(started.values())))}
    for row in pf.rows:
        v = row.values
        key, number = v.get("meeting_id"), v.get("number")
        if not isinstance(key, str) or key not in started or not isinstance(number, int):
            continue
        new = (v.get("question"), _text(v.get("majority"), "simple"), _text(v.get("question_type"), "other"))
        old = stored.get((started[key], number))
        if old != new:
            what = "новый вопрос" if old is None else "изменение вопроса"
            problems.append(Problem(ORDER["agenda"], row.line, pf.label, "question",
                                    f"голосование по собранию {key} уже идёт — {what} {number} не принимается: "
                                    "повестку нельзя менять после начала голосования"))
