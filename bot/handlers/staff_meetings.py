"""Staff: /meetings — the houses' meetings with participation; /meeting — a new meeting step by step (house, title,
administrator, period, agenda items with their question type), a preview and «Опубликовать»."""

from __future__ import annotations

import datetime as dt
import re

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm.voting import (
    MeetingHouseCD,
    QTypeCD,
    StaffMeeting,
    StaffMeetingAct,
    StaffMeetingCD,
    StaffMeetingData,
)
from bot.handlers.dialog import drop_dialog
from bot.handlers.messages import answer_pages, drop_buttons
from bot.keyboards import voting as kb
from bot.services import houses
from bot.services.clock import Clock
from bot.services.notify import reminders
from bot.services.voting import service as svc
from bot.services.voting import staff as plan
from bot.services.voting.tally import REQUIRED_MAJORITY
from bot.texts import common as ct
from bot.texts import voting as t
from bot.texts.render import fmt

Sessions = async_sessionmaker[AsyncSession]
TEXT = F.text & ~F.text.startswith("/")
DATES = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*[-–—]\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


def _d(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d.%m.%Y}"


async def meetings(message: Message, sessions: Sessions, clock: Clock) -> None:
    rows = await svc.participation(sessions, None, clock.utcnow())
    await answer_pages(message, t.staff_meetings(rows, clock.to_local))


async def cancel(message: Message, state: FSMContext) -> None:
    _had, title = await drop_dialog(state)
    await message.answer(ct.CANCELLED.format(flow=title) if title else ct.CANCELLED_GENERIC)


async def start(message: Message, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(StaffMeeting.house)
    await message.answer(t.SM_ASK_HOUSE)


async def house_query(message: Message, sessions: Sessions) -> None:
    hits = (await houses.search_houses(sessions, message.text)).items
    if not hits:
        await message.answer(t.SM_NO_HOUSE)
        return
    await message.answer(t.SM_PICK_HOUSE, reply_markup=kb.staff_houses(hits))


async def house_picked(query: CallbackQuery, callback_data: MeetingHouseCD, state: FSMContext,
                       sessions: Sessions) -> None:
    facts = await plan.house_facts(sessions, callback_data.id)
    item = await houses.get_house(sessions, callback_data.id)
    if facts is None or item is None:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    await StaffMeetingData(house_id=facts.id, address=item.address, binding=facts.binding,
                           manager=facts.manager).save(state)
    await state.set_state(StaffMeeting.title)
    await query.message.answer(fmt(t.SM_ASK_TITLE, address=item.address,
                                     kind=t.KIND_BINDING if facts.binding else t.KIND_SURVEY))


async def title(message: Message, state: FSMContext) -> None:
    data = await StaffMeetingData.load(state)
    text = message.text.strip()
    if len(text) > plan.MAX_TITLE:
        await message.answer(fmt(t.SM_TITLE_TOO_LONG, n=t.chars(len(text)), max=t.chars(plan.MAX_TITLE)))
        return
    data.title = text
    await data.save(state)
    await state.set_state(StaffMeeting.administrator)
    await message.answer(fmt(t.SM_ASK_ADMIN, uk=data.manager))


def _period_hint(data: StaffMeetingData, clock: Clock) -> str:
    today = clock.today()
    first = today + dt.timedelta(days=plan.NOTICE_DAYS if data.binding else 1)
    example = f"{first:%d.%m.%Y} — {first + dt.timedelta(days=13):%d.%m.%Y}"
    rule = t.SM_BINDING_RULE.format(date=f"{today + dt.timedelta(days=plan.NOTICE_DAYS):%d.%m.%Y}") \
        if data.binding else ""
    return fmt(t.SM_ASK_PERIOD, example=example, min=plan.MIN_DAYS, max=plan.MAX_DAYS, binding=rule)


async def administrator(message: Message, state: FSMContext, clock: Clock) -> None:
    data = await StaffMeetingData.load(state)
    text = message.text.strip()
    if len(text) > plan.MAX_ADMINISTRATOR:
        await message.answer(fmt(t.SM_ADMIN_TOO_LONG, n=t.chars(len(text)), max=t.chars(plan.MAX_ADMINISTRATOR)))
        return
    data.administrator = None if text in ("-", "—") else text  # «-»: the УК, as the preview says
    await data.save(state)
    await state.set_state(StaffMeeting.period)
    await message.answer(_period_hint(data, clock))


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


async def period(message: Message, state: FSMContext, clock: Clock) -> None:
    data = await StaffMeetingData.load(state)
    m = DATES.match(message.text)
    first, last = (_date(m[1], m[2], m[3]), _date(m[4], m[5], m[6])) if m else (None, None)
    if m and (first is None or last is None):  # «31.02.2027»: of the right shape, but no such day
        i = 1 if first is None else 4
        await message.answer(fmt(t.SM_PERIOD_NO_SUCH_DATE, date=f"{m[i]}.{m[i + 1]}.{m[i + 2]}"))
        return
    if first is None or last is None:
        await message.answer(fmt(t.SM_PERIOD_BAD, example=f"{clock.today() + dt.timedelta(days=10):%d.%m.%Y} — "
                                                            f"{clock.today() + dt.timedelta(days=23):%d.%m.%Y}"))
        return
    problem = plan.check_period(first, last, clock.today(), data.binding)
    if problem is not None:
        await message.answer(fmt(t.SM_PERIOD_PROBLEMS[problem.value],
                                   date=f"{clock.today() + dt.timedelta(days=plan.NOTICE_DAYS):%d.%m.%Y}"))
        return
    data.first, data.last = first.isoformat(), last.isoformat()
    await data.save(state)
    await state.set_state(StaffMeeting.question)
    await message.answer(fmt(t.SM_ASK_QUESTION, n=1))


async def question(message: Message, state: FSMContext) -> None:
    data = await StaffMeetingData.load(state)
    text = message.text.strip()
    if len(text) > plan.MAX_QUESTION:  # refused, not cut: the owners vote on the words the clerk wrote
        await message.answer(fmt(t.SM_QUESTION_TOO_LONG, n=t.chars(len(text)), max=t.chars(plan.MAX_QUESTION),
                                 k=len(data.items) + 1))
        return
    data.pending = text
    await data.save(state)
    await state.set_state(StaffMeeting.qtype)
    await message.answer(t.SM_ASK_QTYPE, reply_markup=kb.question_types())


async def qtype_picked(query: CallbackQuery, callback_data: QTypeCD, state: FSMContext) -> None:
    data = await StaffMeetingData.load(state)
    if not data.pending:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    data.items.append((data.pending, callback_data.qtype))
    data.pending = ""
    await data.save(state)
    await state.set_state(StaffMeeting.question)
    await query.message.answer(fmt(t.SM_ADDED, n=len(data.items), type=t.QUESTION_TYPES[callback_data.qtype],
                                     majority=t.MAJORITIES[REQUIRED_MAJORITY[callback_data.qtype]]),
                               reply_markup=kb.staff_done())


async def qtype_expected(message: Message) -> None:
    await message.answer(t.SM_ASK_QTYPE, reply_markup=kb.question_types())


async def done(query: CallbackQuery, state: FSMContext) -> None:
    data = await StaffMeetingData.load(state)
    if not data.items:
        await query.answer(t.SM_NO_ITEMS, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    # a long agenda goes as several messages, «Опубликовать» on the last; the dialog moves on once it is sent
    await answer_pages(query.message, t.sm_preview(data, _d), kb.staff_preview())
    await state.set_state(StaffMeeting.preview)


async def publish(query: CallbackQuery, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    data = await StaffMeetingData.load(state)
    first, last = dt.date.fromisoformat(data.first), dt.date.fromisoformat(data.last)
    problem = plan.check_period(first, last, clock.today(), data.binding)  # the day may have turned meanwhile
    if problem is not None:
        await query.answer(t.SM_PERIOD_PROBLEMS[problem.value].format(
            date=f"{clock.today() + dt.timedelta(days=plan.NOTICE_DAYS):%d.%m.%Y}"), show_alert=True)
        return
    starts, ends = plan.period_bounds(first, last, clock.to_utc)
    # «-» is the УК: the name the preview showed is stored, so the card and the protocol name the same administrator
    mid = await plan.create_meeting(sessions, data.house_id, data.title, data.manager,
                                    data.administrator or data.manager, starts, ends,
                                    [plan.NewItem(q, qt) for q, qt in data.items])
    await state.clear()
    await query.answer()
    await drop_buttons(query)
    owners, in_bot = await svc.owner_reach(sessions, data.house_id)
    queued = await reminders.publish_meetings(sessions, [mid], clock)  # voting open already: the push goes now
    c_number = (await svc.protocol_key(sessions, mid)) or str(mid)
    await query.message.answer(t.sm_published(c_number, owners, in_bot, starts <= clock.utcnow(), queued,
                                              _d(data.first)))


async def cancel_button(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await drop_buttons(query)
    await query.message.answer(t.SM_CANCELLED)


def router() -> Router:
    r = Router(name="staff_meetings")
    r.message.register(cancel, Command("cancel"), StateFilter(StaffMeeting))
    r.message.register(meetings, Command("meetings"), StateFilter("*"))
    r.message.register(start, Command("meeting"), StateFilter("*"))
    r.message.register(house_query, StaffMeeting.house, TEXT)
    r.callback_query.register(house_picked, StaffMeeting.house, MeetingHouseCD.filter())
    r.message.register(title, StaffMeeting.title, TEXT)
    r.message.register(administrator, StaffMeeting.administrator, TEXT)
    r.message.register(period, StaffMeeting.period, TEXT)
    r.message.register(question, StaffMeeting.question, TEXT)
    r.message.register(qtype_expected, StaffMeeting.qtype, TEXT)
    r.callback_query.register(qtype_picked, StaffMeeting.qtype, QTypeCD.filter())
    r.callback_query.register(done, StaffMeeting.question, StaffMeetingCD.filter(F.act == StaffMeetingAct.done))
    r.callback_query.register(publish, StaffMeeting.preview, StaffMeetingCD.filter(F.act == StaffMeetingAct.publish))
    r.callback_query.register(cancel_button, StaffMeeting.preview,
                              StaffMeetingCD.filter(F.act == StaffMeetingAct.cancel))
    return r
