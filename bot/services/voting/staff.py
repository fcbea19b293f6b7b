"""Staff: a meeting made in the bot (/meeting) — the period's rules, the agenda's majorities from the question
types, the meeting and its agenda written at once; an agenda that cannot change once voting has started."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select

from bot.services.voting.service import Sessions
from bot.services.voting.tally import REQUIRED_MAJORITY, QuestionType
from storage.models import AgendaItem, House, Meeting, Organization

MIN_DAYS, MAX_DAYS = 7, 60  # the voting period, days
NOTICE_DAYS = 10  # a general meeting is announced at least 10 days before it starts (ЖК РФ ст. 45 ч. 4)
# what the clerk may type: every screen of the meeting (the preview, the card, the ballot step «Вопрос N из M» with
# the title above the question) stays within Telegram's 4096 characters
MAX_TITLE = 300
MAX_ADMINISTRATOR = 300
MAX_QUESTION = 3000


class PlanProblem(StrEnum):
    ends_before_start = "ends_before_start"  # the dates typed the wrong way round
    too_short = "too_short"
    too_long = "too_long"
    too_soon = "too_soon"  # binding: the start is less than NOTICE_DAYS after today
    in_past = "in_past"
    started = "started"  # the agenda cannot change once voting has started
    no_items = "no_items"
    no_house = "no_house"


@dataclass(frozen=True)
class HouseFacts:
    id: int
    binding: bool
    manager: str


async def house_facts(sessions: Sessions, house_id: int) -> HouseFacts | None:
    async with sessions() as s:
        row = (await s.execute(select(House, Organization).join(Organization, Organization.id == House.manager_id)
                               .where(House.id == house_id))).first()
    if row is None:
        return None
    h, uk = row
    return HouseFacts(h.id, bool(h.evoting_decision), uk.short_name or uk.name)


def check_period(first: dt.date, last: dt.date, today: dt.date, binding: bool) -> PlanProblem | None:
    """Voting from the first to the last day, both included: 7–60 days; a general meeting (binding) starts at least
    10 days after the notice (today), a survey not before today."""
    days = (last - first).days + 1
    if last < first:
        return PlanProblem.ends_before_start
    if days < MIN_DAYS:
        return PlanProblem.too_short
    if days > MAX_DAYS:
        return PlanProblem.too_long
    if binding and first < today + dt.timedelta(days=NOTICE_DAYS):
        return PlanProblem.too_soon
    if first < today:
        return PlanProblem.in_past
    return None


def period_bounds(first: dt.date, last: dt.date, to_utc) -> tuple[dt.datetime, dt.datetime]:
    """Naive UTC of 00:00 local of the first day and of the day after the last."""
    return (to_utc(dt.datetime.combine(first, dt.time())),
            to_utc(dt.datetime.combine(last + dt.timedelta(days=1), dt.time())))


def last_minute(ends_local: dt.datetime) -> dt.datetime:
    """The end of voting as people read it: an end at local midnight (``period_bounds`` stores 00:00 of the day
    after the last day) is 23:59 of the last day; any other end (a registry's «20:00») stays as it is."""
    if ends_local.time() == dt.time(0):
        return ends_local - dt.timedelta(minutes=1)
    return ends_local


@dataclass(frozen=True)
class NewItem:
    question: str
    question_type: QuestionType

    @property
    def majority(self):
        return REQUIRED_MAJORITY[self.question_type]


async def create_meeting(sessions: Sessions, house_id: int, title: str, initiator: str, administrator: str | None,
                         starts_at: dt.datetime, ends_at: dt.datetime, items: list[NewItem]) -> int:
    """The meeting and its agenda in one transaction; returns the meeting's row id."""
    if not items:
        raise ValueError(PlanProblem.no_items)
    async with sessions.begin() as s:
        m = Meeting(meeting_id=f"БОТ-{uuid.uuid4().hex[:8].upper()}", house_id=house_id, title=title,
                    initiator=initiator, administrator=administrator, starts_at=starts_at, ends_at=ends_at)
        s.add(m)
        await s.flush()
        s.add_all([AgendaItem(meeting_id=m.id, number=n, question=i.question, question_type=i.question_type.value,
                              majority=i.majority.value) for n, i in enumerate(items, 1)])
        return m.id


async def replace_agenda(sessions: Sessions, meeting_id: int, items: list[NewItem],
                         now: dt.datetime) -> PlanProblem | None:
    """A new agenda for a meeting that has not started; refused (``started``) once voting has begun."""
    if not items:
        return PlanProblem.no_items
    async with sessions.begin() as s:
        m = await s.get(Meeting, meeting_id, with_for_update=True)
        if m is None:
            return PlanProblem.no_house
        if now >= m.starts_at:
            return PlanProblem.started
        await s.execute(delete(AgendaItem).where(AgendaItem.meeting_id == m.id))
        s.add_all([AgendaItem(meeting_id=m.id, number=n, question=i.question, question_type=i.question_type.value,
                              majority=i.majority.value) for n, i in enumerate(items, 1)])
    return None
