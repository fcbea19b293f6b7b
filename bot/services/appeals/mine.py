"""«Собственные обращения»: the resident's own appeals — the list (drafts first, then the newest), its filter by
status and the search by number, and what the resident may do to a sent appeal: withdraw it while it has no answer,
rate the answer, return it to work within 30 days of the answer.

Every action is one transaction whose SQL names the resident (``user_id``) and the statuses it may change, so a
forged button (another resident's id, a withdrawn or answered appeal) changes nothing; each status change is
written to ``AppealStatusChange`` with the resident as ``changed_by``. Outcomes are enums: the words are the bot's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.accounts import org_name
from bot.services.appeals import deadlines, topics
from bot.services.appeals.views import OPEN, AppealView
from bot.services.clock import Clock
from bot.services.houses import house_address
from storage.models import Appeal, AppealAnswer, AppealStatusChange, House, Organization
from storage.vocab import AppealRating, AppealRoute, AppealStatus, OrgKind, Resource

Sessions = async_sessionmaker[AsyncSession]

PAGE_SIZE = 5
REOPEN_DAYS = 30  # «Вернуть в работу» within 30 days of the answer
NOTE_MIN, NOTE_MAX = 3, 1000  # a withdrawal's reason, a return's comment
WITHDRAWABLE = (AppealStatus.sent, AppealStatus.in_work)  # and no answer yet: once answered (even if returned to
# work since), the appeal stays — its answer is on record


# --------------------------------------------------------------------------------------------- the list


class Filter(StrEnum):
    """The list's filter by status (``all``: every appeal)."""

    all = "all"
    draft = AppealStatus.draft.value
    sent = AppealStatus.sent.value
    in_work = AppealStatus.in_work.value
    answered = AppealStatus.answered.value
    redirected = AppealStatus.redirected.value
    withdrawn = AppealStatus.withdrawn.value
    overdue = "overdue"  # sent or in work, past the due date


@dataclass(frozen=True)
class Row:
    id: int
    number: str | None  # None for a draft
    status: AppealStatus
    topic: str | None
    address: str | None
    created_at: dt.datetime  # UTC
    sent_at: dt.datetime | None  # UTC
    due_on: dt.date | None
    overdue: bool

    @property
    def draft(self) -> bool:
        return self.status is AppealStatus.draft


@dataclass(frozen=True)
class OwnList:
    rows: list[Row]
    page: int  # 0-based, clamped
    pages: int  # at least 1
    total: int  # rows matching the filter and the query
    counts: dict[Filter, int]  # every appeal of the resident by status (``all``: all of them; ``overdue`` too)
    flt: Filter
    query: str  # the normalized number query, "" for none


_QUERY = re.compile(r"^(?:(\d{4})\s*[-–—/]\s*)?(\d{1,6})$")


def parse_number_query(text: str | None) -> str | None:
    """A typed appeal number as the list searches it: «№ 2026-000123» → «2026-000123», «000123» / «123» →
    «000123» (any year); None when it is not a number."""
    s = (text or "").strip().lstrip("№N#").strip()
    m = _QUERY.match(s)
    if not m:
        return None
    year, seq = m.groups()
    if int(seq) == 0:
        return None
    return f"{year}-{int(seq):06d}" if year else f"{int(seq):06d}"


def _number_where(query: str):
    if "-" in query:
        return Appeal.number == query
    return Appeal.number.like(f"%-{query}")


def _status_where(flt: Filter, today: dt.date):
    if flt is Filter.all:
        return None
    if flt is Filter.overdue:
        return Appeal.status.in_([s.value for s in OPEN]) & (Appeal.due_on < today)
    return Appeal.status == flt.value


async def list_own(sessions: Sessions, user_id: int, flt: Filter, query: str, page: int, today: dt.date,
                   size: int = PAGE_SIZE) -> OwnList:
    """One page of the resident's appeals: drafts first, then newest first (by the date sent, a draft by its
    date of creation). ``query``: a normalized number (``parse_number_query``) or ""."""
    conds = [Appeal.user_id == user_id]
    status_cond = _status_where(flt, today)
    if status_cond is not None:
        conds.append(status_cond)
    if query:
        conds.append(_number_where(query))
    async with sessions() as s:
        by_status = dict((await s.execute(
            select(Appeal.status, func.count()).where(Appeal.user_id == user_id).group_by(Appeal.status))).all())
        overdue_n = int(await s.scalar(select(func.count()).select_from(Appeal).where(
            Appeal.user_id == user_id, _status_where(Filter.overdue, today))) or 0)
        total = int(await s.scalar(select(func.count()).select_from(Appeal).where(*conds)) or 0)
        pages = max(1, -(-total // size))
        page = min(max(page, 0), pages - 1)
        rows = (await s.execute(
            select(Appeal, House).outerjoin(House, House.id == Appeal.house_id).where(*conds)
            .order_by(case((Appeal.status == AppealStatus.draft.value, 0), else_=1),
                      func.coalesce(Appeal.sent_at, Appeal.created_at).desc(), Appeal.id.desc())
            .offset(page * size).limit(size))).all()
    counts = {f: int(by_status.get(f.value, 0)) for f in Filter if f not in (Filter.all, Filter.overdue)}
    counts[Filter.all] = sum(counts.values())
    counts[Filter.overdue] = overdue_n
    out = []
    for a, h in rows:
        status = AppealStatus(a.status)
        out.append(Row(a.id, a.number, status, a.topic, house_address(h) if h else None, a.created_at, a.sent_at,
                       a.due_on, status in OPEN and a.due_on is not None and today > a.due_on))
    return OwnList(out, page, pages, total, counts, flt, query)


# --------------------------------------------------------------------------------------------- what may be done


class Outcome(StrEnum):
    ok = "ok"
    not_found = "not_found"  # not this resident's appeal (or no such appeal)
    draft = "draft"  # not sent yet: a draft is edited or deleted, not withdrawn or rated
    answered = "answered"  # withdraw: an answer has come already
    withdrawn = "withdrawn"  # withdrawn before
    redirected = "redirected"  # forwarded to another organization: it answers there
    not_answered = "not_answered"  # rate / reopen: there is no answer to rate or to disagree with
    too_late = "too_late"  # reopen: more than 30 days since the answer
    rated_otherwise = "rated_otherwise"  # reopen: offered after «Не решён», but the answer is rated otherwise now
    bad_note = "bad_note"  # the reason or comment is empty or too long


def check_note(text: str | None) -> str | None:
    """A withdrawal's reason or a return's comment, trimmed; None when it is too short or too long."""
    s = (text or "").strip()
    return s if NOTE_MIN <= len(s) <= NOTE_MAX else None


def _why_not(status: AppealStatus) -> Outcome:
    return {AppealStatus.draft: Outcome.draft, AppealStatus.answered: Outcome.answered,
            AppealStatus.withdrawn: Outcome.withdrawn,
            AppealStatus.redirected: Outcome.redirected}.get(status, Outcome.not_answered)


def may_withdraw(v: AppealView) -> Outcome:
    """«Отозвать обращение» is offered while the appeal has no answer."""
    if v.answers:
        return Outcome.answered
    return Outcome.ok if v.status in WITHDRAWABLE else _why_not(v.status)


def may_rate(v: AppealView) -> Outcome:
    if v.status is AppealStatus.answered:
        return Outcome.ok
    if v.status is AppealStatus.draft:
        return Outcome.draft
    return Outcome.not_answered


def reopen_until(answered_at: dt.datetime | None) -> dt.datetime | None:
    """The last moment (UTC) the answer can be disputed by «Вернуть в работу»."""
    return answered_at + dt.timedelta(days=REOPEN_DAYS) if answered_at else None


def rated_otherwise(rating: AppealRating | None) -> bool:
    """The resident said the answer solved the question (fully or partly): «Не решён»'s follow-ups do not apply."""
    return rating is not None and rating is not AppealRating.unsolved


def may_reopen(v: AppealView, now_utc: dt.datetime) -> Outcome:
    """«Вернуть в работу» follows «Не решён»: refused once the answer is rated «Вопрос решён» or «Решён частично»
    (an old button pressed after the rating was changed does nothing)."""
    if v.status is AppealStatus.draft:
        return Outcome.draft
    if v.status is not AppealStatus.answered:
        return Outcome.not_answered
    if rated_otherwise(v.rating):
        return Outcome.rated_otherwise
    answered_at = v.answered_at or (v.answers[-1].created_at if v.answers else None)
    until = reopen_until(answered_at)
    return Outcome.ok if until is None or now_utc <= until else Outcome.too_late


async def _mine(s: AsyncSession, user_id: int, appeal_id: int) -> Appeal | None:
    return (await s.execute(select(Appeal).where(Appeal.id == appeal_id, Appeal.user_id == user_id)
                            .with_for_update())).scalar_one_or_none()


@dataclass(frozen=True)
class Done:
    outcome: Outcome
    number: str | None = None
    due_on: dt.date | None = None  # reopen: the new due date
    route: AppealRoute | None = None  # withdraw: how the appeal reached its addressee (who learns of the withdrawal)
    addressee: str | None = None  # withdraw: the addressee's name
    addressee_email: str | None = None  # withdraw: the address it was e-mailed to (route ``email``)
    applicant: str | None = None  # the applicant's name as the appeal gives it («Д'Артаньян Мария-Луиза»)
    rating: AppealRating | None = None  # reopen refused as ``rated_otherwise``: the rating now


def applicant_name(a: Appeal) -> str | None:
    """The applicant of the appeal (not the Telegram profile): surname, name, patronymic."""
    return " ".join(p for p in (a.surname, a.first_name, a.patronymic) if p) or None


async def withdraw(sessions: Sessions, user_id: int, appeal_id: int, reason: str, now_utc: dt.datetime) -> Done:
    """«Отозвать обращение» with the resident's reason: only their own appeal, only while it has no answer (the
    UPDATE itself names the statuses, so an answer that came a moment earlier wins). The outcome names the route,
    so the caller tells the addressee: the staff chat's card (``staff``), a letter to the address the appeal was
    e-mailed to (``email``); the addressee of the resident's PDF hears nothing from the bot."""
    note = check_note(reason)
    if note is None:
        return Done(Outcome.bad_note)
    async with sessions.begin() as s:
        a = await _mine(s, user_id, appeal_id)
        if a is None:
            return Done(Outcome.not_found)
        done = await s.execute(
            update(Appeal).where(Appeal.id == appeal_id, Appeal.user_id == user_id,
                                 Appeal.status.in_([x.value for x in WITHDRAWABLE]),
                                 ~exists().where(AppealAnswer.appeal_id == Appeal.id))
            .values(status=AppealStatus.withdrawn.value, updated_at=now_utc)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            answered = await s.scalar(select(exists().where(AppealAnswer.appeal_id == appeal_id)))
            return Done(Outcome.answered if answered else _why_not(AppealStatus(a.status)), a.number)
        s.add(AppealStatusChange(appeal_id=appeal_id, status=AppealStatus.withdrawn.value, changed_by=user_id,
                                 changed_by_name=a.first_name, comment=note, changed_at=now_utc))
        org = await s.get(Organization, a.addressee_id) if a.addressee_id else None
        return Done(Outcome.ok, a.number, route=AppealRoute(a.route) if a.route else None,
                    addressee=org_name(org) if org else None, addressee_email=org.email if org else None,
                    applicant=applicant_name(a))


async def rate(sessions: Sessions, user_id: int, appeal_id: int, rating: AppealRating,
               now_utc: dt.datetime) -> Done:
    """The resident's rating of the answer (may be changed while the appeal stays answered)."""
    async with sessions.begin() as s:
        a = await _mine(s, user_id, appeal_id)
        if a is None:
            return Done(Outcome.not_found)
        done = await s.execute(
            update(Appeal).where(Appeal.id == appeal_id, Appeal.user_id == user_id,
                                 Appeal.status == AppealStatus.answered.value)
            .values(rating=rating.value, rated_at=now_utc, updated_at=now_utc)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            status = AppealStatus(a.status)
            return Done(Outcome.draft if status is AppealStatus.draft else Outcome.not_answered, a.number)
        return Done(Outcome.ok, a.number, applicant=applicant_name(a))


async def _answered_at(s: AsyncSession, a: Appeal) -> dt.datetime | None:
    if a.answered_at is not None:
        return a.answered_at
    return await s.scalar(select(func.max(AppealAnswer.created_at)).where(AppealAnswer.appeal_id == a.id))


async def reopen(sessions: Sessions, user_id: int, appeal_id: int, comment: str, clock: Clock) -> Done:
    """«Вернуть в работу» (the answer did not solve it): within 30 days of the answer, and never once the resident
    rated the answer «Вопрос решён» / «Решён частично» (``rated_otherwise``: an old «Не решён» button must not
    flip the rating back — the UPDATE names the rating too), the appeal is «На рассмотрении» again with a new due
    date counted from today, the resident's comment in its history (a status change by the resident themselves —
    «Возвращено в работу»), and the rating «Не решён»."""
    note = check_note(comment)
    if note is None:
        return Done(Outcome.bad_note)
    now_utc = clock.utcnow()
    async with sessions.begin() as s:
        a = await _mine(s, user_id, appeal_id)
        if a is None:
            return Done(Outcome.not_found)
        status = AppealStatus(a.status)
        if status is not AppealStatus.answered:
            return Done(Outcome.draft if status is AppealStatus.draft else Outcome.not_answered, a.number)
        if rated_otherwise(AppealRating(a.rating) if a.rating else None):
            return Done(Outcome.rated_otherwise, a.number, rating=AppealRating(a.rating))
        until = reopen_until(await _answered_at(s, a))
        if until is not None and now_utc > until:
            return Done(Outcome.too_late, a.number)
        org = await s.get(Organization, a.addressee_id) if a.addressee_id else None
        due_on = deadlines.due_date(clock.today(), org is not None and org.kind == OrgKind.gzhi.value,
                                    topics.get(a.topic_code))
        done = await s.execute(
            update(Appeal).where(Appeal.id == appeal_id, Appeal.user_id == user_id,
                                 Appeal.status == AppealStatus.answered.value,
                                 Appeal.rating.is_(None) | (Appeal.rating == AppealRating.unsolved.value))
            .values(status=AppealStatus.in_work.value, due_on=due_on, rating=AppealRating.unsolved.value,
                    rated_at=now_utc, updated_at=now_utc)
            .execution_options(synchronize_session=False))
        if done.rowcount != 1:
            return Done(Outcome.not_answered, a.number)
        s.add(AppealStatusChange(appeal_id=appeal_id, status=AppealStatus.in_work.value, changed_by=user_id,
                                 changed_by_name=a.first_name, comment=note, changed_at=now_utc))
        return Done(Outcome.ok, a.number, due_on, applicant=applicant_name(a))


def returned_by_resident(v: AppealView, change_index: int) -> bool:
    """A history entry «Возвращено в работу»: the resident themselves put the appeal back in work."""
    c = v.history[change_index]
    return c.status is AppealStatus.in_work and c.changed_by == v.user_id


# --------------------------------------------------------------------------------------------- links from other flows
# The dead ends of other flows offer «Написать обращение» with the topic and the house filled in.

TOPIC_OVERDUE_METER = "7.3"  # «Информация о приборах учёта и показаниях»: the meter's verification, its readings
TOPIC_ACCOUNT_LINK = "3.6"  # «Подключение лицевого счёта к системе»
OUTAGE_TOPICS = {
    Resource.cold_water: "5.1",  # «Холодное водоснабжение»
    Resource.hot_water: "5.2",  # «Горячее водоснабжение»
    Resource.heat: "5.4",  # «Отопление»
    Resource.electricity: "5.5",  # «Электроснабжение»
    Resource.gas: "5.6",  # «Газоснабжение»
}
TOPIC_SERVICES = "5"  # «Оказание коммунальных услуг», for a resource the catalogue has no sub-topic for


def outage_topic(resource: str) -> str:
    """The sub-topic of «Оказание коммунальных услуг» for an outage's resource (the registry's ``heating`` is
    ``heat``)."""
    code = Resource.heat.value if resource == "heating" else resource
    try:
        return OUTAGE_TOPICS.get(Resource(code), TOPIC_SERVICES)
    except ValueError:
        return TOPIC_SERVICES
