"""An appeal as the seed's figure 11 shows it (applicant, the declaration's e-mail, number, status, dates, address,
premises, municipality, topic, addressee, text, files, answers, «Изменения по обращению»), for the resident's view,
the staff card, the e-mail and the PDF alike. Data only: the words are the renderers'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.appeals import deadlines, topics
from bot.services.appeals.drafts import FileRef, OrgItem, org_item, typed_premises_label
from bot.services.houses import house_address, premises_label
from storage.models import (
    Appeal,
    AppealAnswer,
    AppealFile,
    AppealStatusChange,
    House,
    Organization,
    Premises,
    User,
)
from storage.vocab import AppealRating, AppealRoute, AppealStatus

Sessions = async_sessionmaker[AsyncSession]

OPEN = (AppealStatus.sent, AppealStatus.in_work)  # waiting for an answer (a due date that can pass)


@dataclass(frozen=True)
class AnswerView:
    id: int
    author_id: int | None
    author_name: str | None
    text: str
    created_at: dt.datetime  # UTC
    files: list[FileRef]


@dataclass(frozen=True)
class ChangeView:
    status: AppealStatus
    changed_at: dt.datetime  # UTC
    changed_by: int | None
    changed_by_name: str | None
    comment: str | None


@dataclass(frozen=True)
class AppealView:
    id: int
    user_id: int  # the resident's Telegram id
    number: str | None
    status: AppealStatus
    surname: str | None
    first_name: str | None
    patronymic: str | None
    phone: str | None
    email: str | None
    house_id: int | None
    address: str | None
    region: str | None
    premises: str | None  # «кв. 12» (a typed number not in the registry too: «кв. 999»), «пом. 1»
    municipality: str | None
    topic_code: str | None
    topic: str | None  # the name when it was sent (or typed)
    urgent: bool
    addressee: OrgItem | None
    text: str
    files: list[FileRef]
    created_at: dt.datetime  # UTC
    sent_at: dt.datetime | None  # UTC
    due_on: dt.date | None
    answered_at: dt.datetime | None
    route: AppealRoute | None
    rating: AppealRating | None
    rated_at: dt.datetime | None
    parent_id: int | None
    parent_number: str | None
    answers: list[AnswerView]
    history: list[ChangeView]
    premises_unlisted: bool = False  # typed by the resident and confirmed: not in the house's list in the registry

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)

    @property
    def topic_entry(self) -> topics.Topic | None:
        return topics.get(self.topic_code)

    def overdue(self, today: dt.date) -> bool:
        """Past its due date with no answer yet."""
        return self.status in OPEN and self.due_on is not None and today > self.due_on

    def working_days_left(self, today: dt.date) -> int | None:
        if self.status not in OPEN or self.due_on is None:
            return None
        return deadlines.working_days_left(today, self.due_on)


def _refs(rows: list[AppealFile]) -> list[FileRef]:
    return [FileRef(x.file_id, x.file_unique_id, x.kind, x.file_name, x.mime_type, x.size) for x in rows]


async def load(s: AsyncSession, appeal_id: int) -> AppealView | None:
    a = await s.get(Appeal, appeal_id)
    if a is None:
        return None
    house = await s.get(House, a.house_id) if a.house_id else None
    prem = await s.get(Premises, a.premises_id) if a.premises_id else None
    org = await s.get(Organization, a.addressee_id) if a.addressee_id else None
    parent = await s.get(Appeal, a.parent_id) if a.parent_id else None
    files = list((await s.execute(select(AppealFile).where(AppealFile.appeal_id == a.id)
                                  .order_by(AppealFile.position, AppealFile.id))).scalars())
    answers = (await s.execute(select(AppealAnswer).where(AppealAnswer.appeal_id == a.id)
                               .order_by(AppealAnswer.created_at, AppealAnswer.id))).scalars().all()
    changes = (await s.execute(select(AppealStatusChange).where(AppealStatusChange.appeal_id == a.id)
                               .order_by(AppealStatusChange.changed_at, AppealStatusChange.id))).scalars().all()
    return AppealView(
        id=a.id, user_id=a.user_id, number=a.number, status=AppealStatus(a.status), surname=a.surname,
        first_name=a.first_name, patronymic=a.patronymic, phone=a.phone, email=a.email, house_id=a.house_id,
        address=house_address(house) if house else None, region=house.region if house else None,
        premises=premises_label(prem) if prem else (typed_premises_label(a.premises_number) if a.premises_number
                                                    else None),
        municipality=a.municipality, topic_code=a.topic_code, topic=a.topic, urgent=a.urgent,
        addressee=await org_item(s, org) if org else None, text=a.text or "",
        files=_refs([f for f in files if f.answer_id is None]), created_at=a.created_at, sent_at=a.sent_at,
        due_on=a.due_on, answered_at=a.answered_at, route=AppealRoute(a.route) if a.route else None,
        rating=AppealRating(a.rating) if a.rating else None, rated_at=a.rated_at, parent_id=a.parent_id,
        parent_number=parent.number if parent else None,
        answers=[AnswerView(x.id, x.author_id, x.author_name, x.text or "", x.created_at,
                            _refs([f for f in files if f.answer_id == x.id])) for x in answers],
        history=[ChangeView(AppealStatus(c.status), c.changed_at, c.changed_by, c.changed_by_name, c.comment)
                 for c in changes],
        premises_unlisted=prem is None and bool(a.premises_number),
    )


async def get_view(sessions: Sessions, appeal_id: int) -> AppealView | None:
    """Any appeal, by id: for the staff and for delivery (never for a resident: ``own_view``)."""
    async with sessions() as s:
        return await load(s, appeal_id)


async def own_view(sessions: Sessions, user_id: int, appeal_id: int) -> AppealView | None:
    """The resident's own appeal; None for anyone else's (a forged button gets nothing)."""
    async with sessions() as s:
        owner = await s.scalar(select(Appeal.user_id).where(Appeal.id == appeal_id))
        if owner != user_id:
            return None
        return await load(s, appeal_id)


async def resident_name(sessions: Sessions, user_id: int) -> str | None:
    async with sessions() as s:
        u = await s.get(User, user_id)
        return u.first_name if u else None
