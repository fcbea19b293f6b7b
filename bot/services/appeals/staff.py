"""The staff side of an appeal, Telegram aside: its card (``staff_cards`` kind ``appeal``), «Взять в работу»,
the answers (one or several; each with its author and files), «Перенаправить» to another organization (59-ФЗ ст. 8
ч. 3), and the morning digest.

Unlike a link request, an appeal is not decided once: it is taken, answered (maybe more than once), returned to work
by the resident and answered again, or redirected. The card row only remembers where the card is (and the bot's
«Ответить» prompt under it) and stays open; the appeal's status is the truth, and every change is written with a
condition on the status it comes from, so two staff members pressing at once change it once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import staff_cards as cards
from bot.services.appeals import views
from bot.services.appeals.drafts import FileRef, OrgItem, org_item, search_orgs
from bot.services.appeals.validate import FileProblem, OrgQuery, check_file
from storage.models import Appeal, AppealAnswer, AppealFile, AppealStatusChange, Organization
from storage.vocab import AppealFileKind, AppealRoute, AppealStatus

Sessions = async_sessionmaker[AsyncSession]
ANSWER_MAX = 10_000  # characters of one answer (an answer may be several messages: each is checked)

TAKEABLE = (AppealStatus.sent,)
ANSWERABLE = (AppealStatus.sent, AppealStatus.in_work, AppealStatus.answered)
REDIRECTABLE = (AppealStatus.sent, AppealStatus.in_work)


class Outcome(StrEnum):
    done = "done"
    already = "already"  # nothing to change (already in work)
    refused = "refused"  # the status does not allow it (withdrawn, redirected, …): ``view.status`` says which
    missing = "missing"  # no such sent appeal
    same = "same"  # «Перенаправить» to the organization the appeal is addressed to: nothing changed
    bad_file = "bad_file"  # an answer's file the appeal flow does not take (``file``, ``problem``): nothing written


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    view: views.AppealView | None = None
    answer_id: int | None = None
    org: OrgItem | None = None  # redirect: where to
    first_answer: bool = False  # this answer moved the appeal to «Ответ получен»
    file: FileRef | None = None  # bad_file: the file refused
    problem: FileProblem | None = None  # bad_file: why (the residents' rules: types, size, count)


@dataclass(frozen=True)
class Since:
    """What became of an appeal that cannot be redirected (any more): its status and the change that made it so —
    read from the database, for a button or a dialog step that outlived its moment."""

    status: AppealStatus
    number: str | None
    org: str | None = None  # redirected: where to, as the history names it («АО «…» (ИНН)»)
    by: str | None = None  # the staff member who redirected or answered (the resident, for a withdrawal)
    at: dt.datetime | None = None  # UTC


def since(v: views.AppealView) -> Since:
    if v.status is AppealStatus.answered and v.answers:
        last = v.answers[-1]
        return Since(v.status, v.number, by=last.author_name, at=last.created_at)
    change = next((c for c in reversed(v.history) if c.status is v.status), None)
    if change is None:
        return Since(v.status, v.number)
    org = change.comment if v.status is AppealStatus.redirected else None
    return Since(v.status, v.number, org=org, by=change.changed_by_name, at=change.changed_at)


def redirect_label(org: OrgItem) -> str:
    """How a redirect names its organization in the appeal's history (and so on the card)."""
    return f"{org.name} ({org.inn})"


# --------------------------------------------------------------------------------------------- the card


async def open_card(sessions: Sessions, appeal_id: int, now_utc: dt.datetime) -> cards.Card:
    async with sessions.begin() as s:
        return await cards.create(s, cards.CardKind.appeal, appeal_id, now_utc)


async def card_of(sessions: Sessions, appeal_id: int) -> cards.Card | None:
    return await cards.get(sessions, cards.CardKind.appeal, appeal_id)


async def forget_card(sessions: Sessions, card_id: int) -> None:
    async with sessions.begin() as s:
        await cards.forget(s, card_id)


# --------------------------------------------------------------------------------------------- changes


async def _sent(s: AsyncSession, appeal_id: int) -> Appeal | None:
    a = await s.get(Appeal, appeal_id)
    return a if a is not None and a.number is not None and a.status != AppealStatus.draft.value else None


async def _move(s: AsyncSession, appeal_id: int, to: AppealStatus, allowed: tuple[AppealStatus, ...],
                now_utc: dt.datetime, **values: object) -> bool:
    done = await s.execute(update(Appeal).where(Appeal.id == appeal_id,
                                                Appeal.status.in_([x.value for x in allowed]))
                           .values(status=to.value, updated_at=now_utc, **values))
    return done.rowcount == 1


async def take(sessions: Sessions, appeal_id: int, staff_id: int, staff_name: str, now_utc: dt.datetime) -> Result:
    """«Взять в работу»: «Отправлено» → «На рассмотрении»."""
    async with sessions.begin() as s:
        a = await _sent(s, appeal_id)
        if a is None:
            return Result(Outcome.missing)
        if await _move(s, appeal_id, AppealStatus.in_work, TAKEABLE, now_utc):
            s.add(AppealStatusChange(appeal_id=appeal_id, status=AppealStatus.in_work.value, changed_by=staff_id,
                                     changed_by_name=staff_name, changed_at=now_utc))
            outcome = Outcome.done
        else:
            await s.refresh(a)
            outcome = Outcome.already if a.status == AppealStatus.in_work.value else Outcome.refused
        await s.flush()
        s.expire_all()
        return Result(outcome, await views.load(s, appeal_id))


def file_problem(files: list[FileRef], already: int = 0) -> tuple[FileRef, FileProblem] | None:
    """The first file of an answer a resident could not attach to an appeal either (a type not in the appeal
    flow's list, over its size, past ``FILES_MAX`` with the ``already`` attached), and why; None when all fit."""
    for i, f in enumerate(files):
        problem = check_file(f.file_name, f.mime_type, f.size, already + i,
                             photo=f.kind == AppealFileKind.photo.value)
        if problem is not None:
            return f, problem
    return None


def _add_files(s: AsyncSession, appeal_id: int, answer_id: int, files: list[FileRef], start: int) -> None:
    for i, f in enumerate(files):
        s.add(AppealFile(appeal_id=appeal_id, answer_id=answer_id, position=start + i, kind=f.kind,
                         file_id=f.file_id, file_unique_id=f.file_unique_id, file_name=f.file_name,
                         mime_type=f.mime_type, size=f.size))


async def answer(sessions: Sessions, appeal_id: int, staff_id: int, staff_name: str, text: str,
                 files: list[FileRef], now_utc: dt.datetime) -> Result:
    """A staff answer (text and/or files): stored with its author; the appeal becomes «Ответ получен» (a later
    answer is added to it). A withdrawn or redirected appeal is not answered (``refused``); an answer with a file the
    appeal flow does not take is not written at all (``bad_file``)."""
    async with sessions.begin() as s:
        a = await _sent(s, appeal_id)
        if a is None:
            return Result(Outcome.missing)
        was = a.status
        if was not in {x.value for x in ANSWERABLE}:
            return Result(Outcome.refused, await views.load(s, appeal_id))
        bad = file_problem(files)
        if bad is not None:
            return Result(Outcome.bad_file, await views.load(s, appeal_id), file=bad[0], problem=bad[1])
        if not await _move(s, appeal_id, AppealStatus.answered, ANSWERABLE, now_utc, answered_at=now_utc):
            await s.refresh(a)
            return Result(Outcome.refused, await views.load(s, appeal_id))
        row = AppealAnswer(appeal_id=appeal_id, author_id=staff_id, author_name=staff_name, text=text,
                           created_at=now_utc)
        s.add(row)
        await s.flush()
        _add_files(s, appeal_id, row.id, files, 0)
        first = was != AppealStatus.answered.value
        if first:
            s.add(AppealStatusChange(appeal_id=appeal_id, status=AppealStatus.answered.value, changed_by=staff_id,
                                     changed_by_name=staff_name, changed_at=now_utc))
        await s.flush()
        s.expire_all()
        return Result(Outcome.done, await views.load(s, appeal_id), answer_id=row.id, first_answer=first)


async def add_to_answer(sessions: Sessions, appeal_id: int, answer_id: int, text: str,
                        files: list[FileRef]) -> Result:
    """The next message of an album the staff sent as one answer: its files (and caption) join that answer; a file
    the appeal flow does not take leaves the answer as it was (``bad_file``)."""
    async with sessions.begin() as s:
        row = await s.get(AppealAnswer, answer_id)
        if row is None or row.appeal_id != appeal_id:
            return Result(Outcome.missing)
        a = await s.get(Appeal, appeal_id)
        if a is None or a.status != AppealStatus.answered.value:
            return Result(Outcome.refused, await views.load(s, appeal_id) if a else None)
        have = int(await s.scalar(select(func.count()).select_from(AppealFile)
                                  .where(AppealFile.answer_id == answer_id)) or 0)
        bad = file_problem(files, have)
        if bad is not None:
            return Result(Outcome.bad_file, await views.load(s, appeal_id), answer_id=answer_id, file=bad[0],
                          problem=bad[1])
        _add_files(s, appeal_id, answer_id, files, have)
        if text:
            row.text = f"{row.text}\n{text}".strip() if row.text else text
        await s.flush()
        s.expire_all()
        return Result(Outcome.done, await views.load(s, appeal_id), answer_id=answer_id)


async def redirect(sessions: Sessions, appeal_id: int, org_id: int, staff_id: int, staff_name: str,
                   now_utc: dt.datetime) -> Result:
    """«Перенаправить» (59-ФЗ ст. 8 ч. 3): «Перенаправлено», the organization named in the history. The caller
    then sends it on as an external appeal (e-mail, PDF). Once only: an appeal redirected, answered or withdrawn
    meanwhile is ``refused`` (``since(view)`` says what became of it); to its own addressee, ``same``."""
    async with sessions.begin() as s:
        a = await _sent(s, appeal_id)
        org = await s.get(Organization, org_id)
        if a is None or org is None:
            return Result(Outcome.missing)
        item = await org_item(s, org)
        if a.status not in {x.value for x in REDIRECTABLE}:
            return Result(Outcome.refused, await views.load(s, appeal_id), org=item)
        if a.addressee_id == org_id:
            return Result(Outcome.same, await views.load(s, appeal_id), org=item)
        if not await _move(s, appeal_id, AppealStatus.redirected, REDIRECTABLE, now_utc):
            await s.refresh(a)
            return Result(Outcome.refused, await views.load(s, appeal_id), org=item)
        s.add(AppealStatusChange(appeal_id=appeal_id, status=AppealStatus.redirected.value, changed_by=staff_id,
                                 changed_by_name=staff_name, comment=redirect_label(item),
                                 changed_at=now_utc))
        await s.flush()
        s.expire_all()
        return Result(Outcome.done, await views.load(s, appeal_id), org=item)


@dataclass(frozen=True)
class Targets:
    """Where an appeal may be redirected, for what the staff member typed."""

    outcome: Outcome  # done (``found`` may be empty); refused / missing: it cannot be redirected (``view``)
    view: views.AppealView | None = None
    found: list[OrgItem] = field(default_factory=list)  # other organizations only
    itself: OrgItem | None = None  # the query named the appeal's own addressee: the organization running the bot


async def redirect_targets(sessions: Sessions, appeal_id: int, query: OrgQuery) -> Targets:
    v = await views.get_view(sessions, appeal_id)
    if v is None or v.number is None or v.status is AppealStatus.draft:
        return Targets(Outcome.missing, v)
    if v.status not in REDIRECTABLE:
        return Targets(Outcome.refused, v)
    own = v.addressee.id if v.addressee else None
    found = await search_orgs(sessions, query)
    return Targets(Outcome.done, v, [o for o in found if o.id != own], next((o for o in found if o.id == own), None))


# --------------------------------------------------------------------------------------------- the digest


@dataclass(frozen=True)
class DigestItem:
    id: int
    number: str
    urgent: bool
    status: AppealStatus
    due_on: dt.date | None
    group: str  # overdue | today | new | in_work (the first that holds, in this order)


@dataclass(frozen=True)
class Digest:
    today: dt.date
    new: int  # «Отправлено», not taken yet
    in_work: int  # «На рассмотрении»
    due_today: int
    overdue: int
    items: list[DigestItem]  # overdue first, then due today, new, in work; urgent first within a group


GROUPS = ("overdue", "today", "new", "in_work")


async def digest(sessions: Sessions, today: dt.date) -> Digest:
    """The open appeals of the staff chat (route ``staff``) on the morning of ``today``."""
    async with sessions() as s:
        rows = (await s.execute(select(Appeal.id, Appeal.number, Appeal.urgent, Appeal.status, Appeal.due_on)
                                .where(Appeal.route == AppealRoute.staff.value,
                                       Appeal.status.in_([x.value for x in views.OPEN]))
                                .order_by(Appeal.due_on, Appeal.id))).all()
    items = []
    for id_, number, urgent, st, due in rows:
        status = AppealStatus(st)
        if due is not None and due < today:
            group = "overdue"
        elif due == today:
            group = "today"
        else:
            group = "new" if status is AppealStatus.sent else "in_work"
        items.append(DigestItem(id_, number, bool(urgent), status, due, group))
    items.sort(key=lambda i: (GROUPS.index(i.group), not i.urgent, i.due_on or dt.date.max, i.id))
    return Digest(today, sum(i.status is AppealStatus.sent for i in items),
                  sum(i.status is AppealStatus.in_work for i in items),
                  sum(i.group == "today" for i in items), sum(i.group == "overdue" for i in items), items)
