"""«Обращения» → «Направить обращение или жалобу» (and /appeal): the applicant (name, phone, e-mail), the house and
the premises, the topic, the addressee, the text, the files, the review card; «Сохранить» at any step keeps a draft
«Не отправлено», «Отправить» asks the seed's confirmation, then the appeal gets its number and due date and goes to
``appeal_delivery.deliver``. Drafts opened from the list (``AppealDraftCD``), «Написать обращение» from other flows
(``AppealNewCD``: a topic and a house filled in, or a complaint to the ГЖИ about an answered appeal).

Every step is one message; «« Назад», «Сохранить», «Отменить» and /cancel work on each. The dialog's data (the
appeal's ``drafts.Fields``) lives in the FSM storage, so a restart keeps it."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, PhotoSize
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.filters import cancel_words
from bot.fsm.appeals import (
    Act,
    AppealCD,
    AppealData,
    AppealDraftCD,
    AppealNewCD,
    AppealsMenuCD,
    ComposeAppeal,
)
from bot.handlers import appeal_delivery
from bot.handlers.dialog import TYPED, leave_dialog
from bot.handlers.messages import drop_buttons
from bot.keyboards import appeals as kb
from bot.keyboards.common import main_menu
from bot.services import houses
from bot.services.appeals import drafts, topics, validate, views
from bot.services.appeals.drafts import Fields, FileRef
from bot.services.clock import Clock
from bot.texts import appeals as t
from bot.texts import common as ct
from bot.texts import my_appeals as tm
from bot.texts.render import Html, count, fmt
from storage.vocab import AppealFileKind, AppealRoute, OrgKind

log = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]

# the steps in order; «« Назад» goes one up, a step done goes one down (or back to the card when it was changed
# from there)
ORDER = ("name", "phone", "email", "house", "premises", "topic", "addressee", "text", "files", "review")
SUB = {"custom_topic": "topic", "org_search": "addressee", "change": "review", "confirm": "review"}
SEARCH_SHOWN = 8


@dataclass
class Env:
    user_id: int
    sessions: Sessions
    settings: Settings
    clock: Clock
    bot: Bot


def env(event: Message | CallbackQuery, sessions: Sessions, settings: Settings, clock: Clock, bot: Bot) -> Env:
    return Env(event.from_user.id, sessions, settings, clock, bot)


def _step_of(state_name: str | None) -> str | None:
    if not state_name or not state_name.startswith(f"{ComposeAppeal.__name__}:"):
        return None
    return state_name.split(":", 1)[1]


# --------------------------------------------------------------------------------------------- the screens


async def enter(message: Message, state: FSMContext, data: AppealData, step: str, e: Env,
                note: str | None = None) -> None:
    """Show ``step`` (its question and buttons, one message) and wait there. A draft the dialog keeps by itself
    gets what changed on the way here (``_autosave``)."""
    if data.autosaved:
        await _autosave(data, e.sessions, e.user_id, e.clock)
    if step != "premises":  # a number not in the house's list waits for «Указать» only on its own step
        data.premises_typed = None
    f = data.f()
    tok = data.token
    text: str
    markup: Any
    if step == "name":
        text, markup = t.ask_name(f, data.parent_number), kb.step(tok, ok=bool(f.surname and f.first_name))
    elif step == "phone":
        text, markup = t.ask_phone(f), kb.phone(bool(f.phone))
    elif step == "email":
        text, markup = t.ask_email(f), kb.step(tok, ok=bool(f.email))
    elif step == "house":
        places = await drafts.my_places(e.sessions, e.user_id)
        chosen = await drafts.place(e.sessions, e.user_id, f.house_id) if f.house_id else None
        text = t.ask_house(places, chosen.address if chosen else None)
        markup = kb.houses(tok, places, current=chosen.house_id if chosen else None)
    elif step == "premises":
        p = await drafts.place(e.sessions, e.user_id, f.house_id) if f.house_id else None
        if p is None:
            return await enter(message, state, data, "house", e, note)
        text, markup = t.ask_premises(p, f, _premises_shown(data, f, p)), _premises_markup(data, f, p)
    elif step == "topic":
        parent = topics.get(data.topic_parent)
        if parent is not None and topics.children(parent.code):
            text, markup = t.ask_topic(parent), kb.topic_children(tok, parent)
        else:
            chosen = f.topic_code is not None and (not f.topic.typed or bool(f.custom_topic))
            text = t.ask_topic(None, _topic_line(f) if chosen else None)
            markup = kb.topic_roots(tok, keep=chosen)
    elif step == "custom_topic":
        text, markup = t.ASK_CUSTOM_TOPIC, kb.step(tok)
    elif step == "addressee":
        if not f.house_id:
            return await enter(message, state, data, "house", e, note)
        choices = await drafts.addressees(e.sessions, f.house_id)
        default = drafts.default_addressee(choices, f.topic)
        if f.addressee_id is None and default is not None:
            f.addressee_id = default.id
            data.put(f)
        chosen = next((c for c in choices if c.id == f.addressee_id), None)
        if chosen is None and f.addressee_id:
            chosen = await drafts.get_org(e.sessions, f.addressee_id)
            if chosen is not None:
                choices = [chosen, *choices]
        text, markup = t.ask_addressee(default, chosen), kb.addressees(tok, choices, f.addressee_id)
    elif step == "org_search":
        text, markup = t.ASK_ORG, kb.step(tok)
    elif step == "text":
        text, markup = t.ask_text(f.text), kb.text(tok, bool(f.text.strip()))
    elif step == "files":
        text, markup = t.ask_files(f), kb.files(tok, bool(f.files))
    elif step == "review":
        text, markup = await review_card(data, e), kb.review(tok)
    elif step == "change":
        text, markup = t.CHANGE, kb.change(tok)
    elif step == "confirm":
        text, markup = t.CONFIRM, kb.confirm(tok)
    else:  # pragma: no cover - every step is above
        raise ValueError(step)
    await state.set_state(getattr(ComposeAppeal, step))
    await data.save(state)
    if note:
        await message.answer(note)
    await message.answer(text, reply_markup=markup)


def _topic_line(f: Fields) -> str | None:
    t_ = f.topic
    if t_ is None:
        return None
    return f"{t.BTN_OTHER_TOPIC}: {f.custom_topic}" if t_.typed else f"{t_.code}. {t_.title}"


def _premises_now(f: Fields, p: drafts.Place) -> str | None:
    if f.premises_id:
        return next((x.label for x in p.premises if x.id == f.premises_id), None)
    return drafts.typed_premises_label(f.premises_number) if f.premises_number else None


def _premises_shown(data: AppealData, f: Fields, p: drafts.Place) -> str | None:
    """What the premises step holds now, as the card shows it («кв. 12»)."""
    return data.premises_label or _premises_now(f, p)


def _premises_markup(data: AppealData, f: Fields, p: drafts.Place) -> Any:
    mine = f.premises_id in {x.id for x in p.premises}
    return kb.premises(data.token, p, f.premises_id,
                       typed=bool(f.premises_number or (f.premises_id and not mine)))


async def review_card(data: AppealData, e: Env) -> Html:
    f = data.f()
    place = await drafts.place(e.sessions, e.user_id, f.house_id) if f.house_id else None
    premises = _premises_shown(data, f, place) if place else None
    org = await drafts.get_org(e.sessions, f.addressee_id) if f.addressee_id else None
    route = None
    if org is not None:  # what will happen once sent, said before «Отправить»
        planned = drafts.planned_route(org, e.settings.email_enabled, e.settings.staff_chat_id is not None)
        route = t.route_note(planned, org, answer_mailed=e.settings.email_enabled and bool(f.email))
    return t.review(f, place, premises, org, data.parent_number, data.draft_id is not None, route)


async def go_on(message: Message, state: FSMContext, data: AppealData, done: str, e: Env,
                note: str | None = None) -> None:
    """The step ``done`` is answered: the next one (the card, when it was changed from there — after the premises
    of a new house, and the addressee when the new house or topic dropped the one chosen)."""
    if data.back_to_review:
        nxt = "review"
        if done == "house":
            nxt = "premises"
        elif done in ("premises", "topic", "custom_topic") and data.f().addressee_id is None:
            nxt = "addressee"
    else:
        nxt = ORDER[ORDER.index(SUB.get(done, done)) + 1]
    if nxt == "review":
        data.back_to_review = False
    await enter(message, state, data, nxt, e, note)


async def go_back(message: Message, state: FSMContext, data: AppealData, step: str, e: Env) -> None:
    if step in SUB:
        return await enter(message, state, data, SUB[step], e)
    if data.back_to_review or step == "review":
        data.back_to_review = False
        return await enter(message, state, data, "review", e)
    i = ORDER.index(step)
    if i == 0:  # before the first step: out of the dialog, to the «Обращения» menu
        await _cancel(message, state, data, e.sessions, e.user_id)
        await message.answer(t.menu(await drafts.drafts_count(e.sessions, e.user_id)), reply_markup=kb.menu())
        return
    await enter(message, state, data, ORDER[i - 1], e)


def _new_data(f: Fields, draft_id: int | None = None, parent_number: str | None = None) -> AppealData:
    data = AppealData(draft_id=draft_id, token=secrets.token_hex(4), parent_number=parent_number)
    data.put(f)
    return data


async def _cancel(message: Message, state: FSMContext, data: AppealData, sessions: Sessions, user_id: int) -> None:
    """«Отменить»: the dialog ends; a draft it saved by itself goes too (a draft saved with «Сохранить» stays)."""
    await state.clear()
    if data.draft_id and data.autosaved:
        await drafts.delete_draft(sessions, user_id, data.draft_id)
        data.draft_id = None
    words = t.CANCELLED_DRAFT if data.draft_id else t.CANCELLED
    await message.answer(words.format(flow=t.FLOW), reply_markup=main_menu())


async def _autosave(data: AppealData, sessions: Sessions, user_id: int, clock: Clock) -> None:
    """From the text on, an appeal being written is kept as a draft («Не отправлено») as it grows: a tap on a
    menu button, another section, a lost phone do not throw away what was typed. A draft the resident opened or
    saved with «Сохранить» is left as they saved it (leaving says so)."""
    if data.draft_id and not data.autosaved:
        return
    f = data.f()
    draft_id = await drafts.save_draft(sessions, user_id, f, clock.utcnow(), data.draft_id)
    if draft_id is None:  # deleted on another device meanwhile: a new one keeps what was typed
        draft_id = await drafts.save_draft(sessions, user_id, f, clock.utcnow())
    data.draft_id, data.autosaved = draft_id, True


async def _save(message: Message, state: FSMContext, data: AppealData, step: str, e: Env) -> None:
    f = data.f()
    draft_id = await drafts.save_draft(e.sessions, e.user_id, f, e.clock.utcnow(), data.draft_id)
    note = t.SAVED
    if draft_id is None:  # sent or deleted on another device: a new draft keeps what was typed
        draft_id = await drafts.save_draft(e.sessions, e.user_id, f, e.clock.utcnow())
        note = t.SAVE_GONE
    data.draft_id, data.autosaved = draft_id, False
    await enter(message, state, data, step if step not in ("confirm", "change") else "review", e,
                note=note)


# --------------------------------------------------------------------------------------------- entry points


async def leave(event: Message | CallbackQuery, state: FSMContext) -> None:
    """Leave whatever dialog is open before this one starts; an appeal whose draft was saved says it is kept."""
    if _step_of(await state.get_state()) is not None:
        data = await _load(state)
        if data.draft_id:
            await state.clear()
            message = event.message if isinstance(event, CallbackQuery) else event
            words = ct.CANCELLED_DRAFT_AUTOSAVED if data.autosaved else t.CANCELLED_DRAFT
            await message.answer(words.format(flow=t.FLOW))
            return
    await leave_dialog(event, state, menu=False, untitled=False)


async def open_menu(message: Message, state: FSMContext, sessions: Sessions) -> None:
    await leave(message, state)
    n = await drafts.drafts_count(sessions, message.from_user.id)
    await message.answer(t.menu(n), reply_markup=kb.menu())


async def _start(message: Message, state: FSMContext, e: Env, f: Fields, note: str | None = None,
                 parent_number: str | None = None, first: str = "name", premises_label: str | None = None) -> None:
    data = _new_data(f, parent_number=parent_number)
    if premises_label:
        data.premises_label = premises_label
    await enter(message, state, data, first, e, note)


async def new_command(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                      bot: Bot) -> None:
    await leave(message, state)
    e = env(message, sessions, settings, clock, bot)
    await _start(message, state, e, await drafts.defaults(sessions, e.user_id))


async def new_button(query: CallbackQuery, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                     bot: Bot) -> None:
    await query.answer()
    await drop_buttons(query)
    await leave(query, state)
    e = env(query, sessions, settings, clock, bot)
    await _start(query.message, state, e, await drafts.defaults(sessions, e.user_id))


async def new_from_elsewhere(query: CallbackQuery, callback_data: AppealNewCD, state: FSMContext, sessions: Sessions,
                             settings: Settings, clock: Clock, bot: Bot) -> None:
    """«Написать обращение» from another flow: the topic and the house filled in; or «Подать жалобу в ГЖИ» about
    the resident's own answered appeal (another resident's id is refused)."""
    e = env(query, sessions, settings, clock, bot)
    if callback_data.parent:
        got = await drafts.followup(sessions, e.user_id, callback_data.parent, clock)
        if got is None:
            await query.answer(ct.NOT_YOURS, show_alert=True)
            return
        if isinstance(got, drafts.RatedOtherwise):  # an old button of «Не решён», the rating changed since
            await query.answer(tm.rated_otherwise(got.rating, tm.BTN_COMPLAIN), show_alert=True)
            return
        await query.answer()
        await leave(query, state)
        f, info = got
        # within TEXT_MAX, keeping the head, the answer and the demand (the quoted appeal gives way)
        f.text, shortened = t.followup_text(info.parent_number, info.parent_sent_on, info.parent_addressee,
                                            info.answer_text, info.answered_on, f.text)
        defaults = await drafts.defaults(sessions, e.user_id)
        f.email = f.email or defaults.email
        parent = await views.own_view(sessions, e.user_id, info.parent_id)
        await _start(query.message, state, e, f, parent_number=info.parent_number, first="review",
                     premises_label=parent.premises if parent else None,
                     note=t.followup_note(info.parent_number, shortened, info.left_out))
        return
    await query.answer()
    await leave(query, state)
    f = await drafts.defaults(sessions, e.user_id)
    topic = topics.get(callback_data.topic)
    if topic is not None and topics.is_leaf(topic.code) and not topic.typed:
        f.topic_code = topic.code
    if callback_data.house:
        p = await drafts.place(sessions, e.user_id, callback_data.house)
        if p is not None and p.house_id != f.house_id:
            f.house_id = p.house_id
            f.premises_id = p.premises[0].id if len(p.premises) == 1 else None
    if topic is not None and topic.emergency and f.topic_code:  # the phone first, before any question
        await _emergency(query.message, e, f, topic)
    await _start(query.message, state, e, f)


async def draft_open(query: CallbackQuery, callback_data: AppealDraftCD, state: FSMContext, sessions: Sessions,
                     settings: Settings, clock: Clock, bot: Bot) -> None:
    e = env(query, sessions, settings, clock, bot)
    f = await drafts.load_draft(sessions, e.user_id, callback_data.id)
    if f is None:
        await query.answer(t.NOT_YOUR_DRAFT, show_alert=True)
        return
    await query.answer()
    await leave(query, state)
    v = await views.own_view(sessions, e.user_id, callback_data.id)
    parent_number = v.parent_number if v is not None else None
    data = _new_data(f, draft_id=callback_data.id, parent_number=parent_number)
    if v is not None and v.premises:
        data.premises_label = v.premises
    await enter(query.message, state, data, "review", e, note=t.DRAFT_OPENED)


async def draft_delete(query: CallbackQuery, callback_data: AppealDraftCD, sessions: Sessions) -> None:
    if await drafts.load_draft(sessions, query.from_user.id, callback_data.id) is None:
        await query.answer(t.NOT_YOUR_DRAFT, show_alert=True)
        return
    await query.answer()
    await query.message.answer(t.ASK_DELETE, reply_markup=kb.delete(callback_data.id))


async def draft_delete_answer(query: CallbackQuery, callback_data: AppealDraftCD, state: FSMContext,
                              sessions: Sessions) -> None:
    if callback_data.action == "delete_no":
        await query.answer()
        await drop_buttons(query)
        await query.message.answer(t.NOT_DELETED)
        return
    if not await drafts.delete_draft(sessions, query.from_user.id, callback_data.id):
        await query.answer(t.NOT_YOUR_DRAFT, show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    if _step_of(await state.get_state()) is not None:  # the draft was open in the dialog: it is gone
        data = await AppealData.load(state)
        if data.draft_id == callback_data.id:
            await state.clear()
    await query.message.answer(t.DELETED, reply_markup=main_menu())


# --------------------------------------------------------------------------------------------- buttons


async def on_button(query: CallbackQuery, callback_data: AppealCD, state: FSMContext, sessions: Sessions,
                    settings: Settings, clock: Clock, bot: Bot) -> None:
    step = _step_of(await state.get_state())
    data = await AppealData.load(state) if step else None
    if step is None or data is None or callback_data.token != data.token:
        await query.answer(ct.STALE_BUTTON, show_alert=True)
        return
    e = env(query, sessions, settings, clock, bot)
    act, message = callback_data.act, query.message
    if act is Act.yes:
        if step != "confirm":
            await query.answer(ct.STALE_BUTTON, show_alert=True)
            return
        await query.answer()
        await drop_buttons(query)
        await send(message, state, data, e)
        return
    await query.answer()
    await drop_buttons(query)
    f = data.f()
    if act is Act.cancel:
        await _cancel(message, state, data, e.sessions, e.user_id)
    elif act is Act.back:
        await go_back(message, state, data, step, e)
    elif act is Act.save:
        await _save(message, state, data, step, e)
    elif act is Act.ok and step in ("name", "email", "house", "premises", "topic"):
        data.premises_typed = None  # «Оставить …» under a number not in the house's list
        await go_on(message, state, data, step, e)
    elif act is Act.skip and step in ("phone", "premises"):
        if step == "phone":
            f.phone = None
        else:
            f.premises_id = f.premises_number = None
            data.premises_label = data.premises_typed = None
        data.put(f)
        await go_on(message, state, data, step, e)
    elif act is Act.search and step == "house":
        await message.answer(t.HOUSE_SEARCH, reply_markup=kb.step(data.token))
    elif act is Act.house and step == "house":
        await _house_picked(message, state, data, callback_data.id, e)
    elif act is Act.premises and step == "premises":  # the resident's own, or one of the house's list
        item = await drafts.premises_in_house(sessions, f.house_id or 0, callback_data.id)
        if item is None:
            await message.answer(ct.STALE_BUTTON)
            return await enter(message, state, data, "premises", e)
        f.premises_id, f.premises_number = item.id, None
        data.premises_label, data.premises_typed = item.label, None
        data.put(f)
        await go_on(message, state, data, "premises", e)
    elif act is Act.premises_confirm and step == "premises" and data.premises_typed:
        f.premises_id, f.premises_number = None, data.premises_typed
        data.premises_label, data.premises_typed = drafts.typed_premises_label(data.premises_typed), None
        data.put(f)
        await go_on(message, state, data, "premises", e)
    elif act is Act.premises_page and step == "premises" and data.premises_typed and f.house_id:
        await _premises_list(message, data, f, callback_data.id, e)
    elif act is Act.group and step == "topic":
        data.topic_parent = callback_data.code if topics.get(callback_data.code) else None
        await enter(message, state, data, "topic", e)
    elif act is Act.topics and step == "topic":
        data.topic_parent = None
        await enter(message, state, data, "topic", e)
    elif act is Act.topic and step == "topic":
        await _topic_picked(message, state, data, callback_data.code, e)
    elif act is Act.org_search and step in ("addressee", "org_search"):  # the list's button after a typed search
        await enter(message, state, data, "org_search", e)
    elif act is Act.org and step in ("addressee", "org_search"):
        org = await drafts.get_org(sessions, callback_data.id)
        allowed = set(data.orgs) | {c.id for c in await drafts.addressees(sessions, f.house_id or 0)}
        if f.addressee_id:
            allowed.add(f.addressee_id)
        if org is None or org.id not in allowed:
            await message.answer(ct.STALE_BUTTON)
            return await enter(message, state, data, "addressee", e)
        f.addressee_id = org.id
        data.put(f)
        data.orgs = []
        await go_on(message, state, data, "addressee", e)
    elif act is Act.done and step == "text":
        problem = validate.check_text(f.text)
        if problem is not None:
            await message.answer(t.TEXT_PROBLEM[problem].format(n=len(f.text.strip())),
                                 reply_markup=kb.text(data.token, bool(f.text.strip())))
            return
        await go_on(message, state, data, "text", e)
    elif act is Act.clear and step == "text":
        f.text = ""
        data.put(f)
        await enter(message, state, data, "text", e, note=t.TEXT_CLEARED)
    elif act in (Act.done, Act.no_files) and step == "files":
        if act is Act.no_files:
            f.files = []
            data.put(f)
        await go_on(message, state, data, "files", e)
    elif act is Act.clear and step == "files":
        f.files = []
        data.put(f)
        await enter(message, state, data, "files", e, note=t.FILES_CLEARED)
    elif act is Act.send and step == "review":
        gaps = drafts.missing(f)
        if gaps:
            await message.answer(t.incomplete(gaps), reply_markup=kb.review(data.token))
            return
        await enter(message, state, data, "confirm", e)
    elif act is Act.change and step == "review":
        await enter(message, state, data, "change", e)
    elif act is Act.field and step == "change" and callback_data.code in t.FIELD_NAMES:
        data.back_to_review = True
        data.topic_parent = None
        await enter(message, state, data, callback_data.code, e)
    elif act in (Act.review, Act.no) and step in ("change", "confirm"):
        await enter(message, state, data, "review", e)
    else:  # a button of this dialog, but of another step (an older message)
        await enter(message, state, data, step, e, note=ct.STALE_BUTTON)


async def _house_picked(message: Message, state: FSMContext, data: AppealData, house_id: int, e: Env) -> None:
    places = await drafts.my_places(e.sessions, e.user_id)
    if house_id not in set(data.houses) | {p.house_id for p in places}:
        await message.answer(ct.STALE_BUTTON)
        return await enter(message, state, data, "house", e)
    p = await drafts.place(e.sessions, e.user_id, house_id)
    if p is None:
        await message.answer(ct.STALE_BUTTON)
        return await enter(message, state, data, "house", e)
    f = data.f()
    if f.house_id != p.house_id:
        f.house_id = p.house_id
        f.premises_id = p.premises[0].id if len(p.premises) == 1 else None
        f.premises_number = None
        data.premises_label = data.premises_typed = None
        data.put(f)
        choices = await drafts.addressees(e.sessions, p.house_id)
        if f.addressee_id not in {c.id for c in choices}:
            f.addressee_id = None  # the new house's default is chosen on its step
            data.put(f)
    data.houses = []
    await go_on(message, state, data, "house", e)


async def _emergency(message: Message, e: Env, f: Fields, topic: topics.Topic) -> None:
    manager = None
    if f.house_id:
        choices = await drafts.addressees(e.sessions, f.house_id)
        manager = next((c for c in choices if c.kind not in (OrgKind.gzhi.value, OrgKind.rso.value)), None)
    await message.answer(t.emergency(topic, manager.dispatcher_phone if manager else None,
                                     manager.name if manager else None))


async def _topic_picked(message: Message, state: FSMContext, data: AppealData, code: str, e: Env) -> None:
    topic = topics.get(code)
    if topic is None:
        await message.answer(ct.STALE_BUTTON)
        return await enter(message, state, data, "topic", e)
    f = data.f()
    old = f.topic
    f.topic_code = topic.code
    if not topic.typed:
        f.custom_topic = None
    if old is None or old.addressee != topic.addressee:  # the addressee follows the topic unless chosen by hand
        f.addressee_id = None
    data.put(f)
    data.topic_parent = None
    if topic.emergency:
        await _emergency(message, e, f, topic)
    if topic.typed:
        await enter(message, state, data, "custom_topic", e)
        return
    await _after_topic(message, state, data, e)


async def _after_topic(message: Message, state: FSMContext, data: AppealData, e: Env) -> None:
    await go_on(message, state, data, "topic", e)


# --------------------------------------------------------------------------------------------- typed answers


async def _load(state: FSMContext) -> AppealData:
    return await AppealData.load(state)


async def name_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                     bot: Bot) -> None:
    data = await _load(state)
    got = validate.parse_full_name(message.text)
    if isinstance(got, validate.NameProblem):
        await message.answer(t.NAME_PROBLEM[got])
        return
    f = data.f()
    f.surname, f.first_name, f.patronymic = got.surname, got.first_name, got.patronymic
    data.put(f)
    await go_on(message, state, data, "name", env(message, sessions, settings, clock, bot))


async def _phone_set(message: Message, state: FSMContext, data: AppealData, e: Env, phone: str | None) -> None:
    f = data.f()
    f.phone = phone
    data.put(f)
    # the reply keyboard of this step gives way to the main menu again
    await message.answer(fmt(t.PHONE_SET, phone=ct.phone(phone)) if phone else t.PHONE_SKIPPED,
                         reply_markup=main_menu())
    await go_on(message, state, data, "phone", e)


async def contact_shared(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                         bot: Bot) -> None:
    if message.contact.user_id != message.from_user.id:
        await message.answer(t.NOT_OWN_CONTACT)
        return
    data = await _load(state)
    phone = validate.normalize_phone(message.contact.phone_number) or message.contact.phone_number
    await _phone_set(message, state, data, env(message, sessions, settings, clock, bot), phone)


async def phone_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                      bot: Bot) -> None:
    data = await _load(state)
    e = env(message, sessions, settings, clock, bot)
    text = message.text.strip()
    f = data.f()
    if text == t.BTN_SKIP:
        return await _phone_set(message, state, data, e, None)
    if text == t.BTN_OK and f.phone:
        return await _phone_set(message, state, data, e, f.phone)
    if text == t.BTN_SAVE:
        return await _save(message, state, data, "phone", e)
    if text == t.BTN_BACK:
        await message.answer(t.GOING_BACK, reply_markup=main_menu())  # the step's reply keyboard goes
        return await go_back(message, state, data, "phone", e)
    phone = validate.normalize_phone(text)
    if phone is None:
        await message.answer(fmt(t.BAD_PHONE, text=text[:50]))
        return
    await _phone_set(message, state, data, e, phone)


async def email_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                      bot: Bot) -> None:
    data = await _load(state)
    email = validate.normalize_email(message.text)
    if email is None:
        await message.answer(fmt(t.BAD_EMAIL, text=message.text.strip()[:100]))
        return
    f = data.f()
    f.email = email
    data.put(f)
    await go_on(message, state, data, "email", env(message, sessions, settings, clock, bot))


async def house_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                      bot: Bot) -> None:
    data = await _load(state)
    found = await houses.search_houses(sessions, message.text, page_size=SEARCH_SHOWN)
    if not found.query_ok or not found.items:
        # the resident's own houses stay offered under the refusal (and a house chosen before, with «Верно»)
        places = await drafts.my_places(sessions, message.from_user.id)
        current = data.f().house_id
        words = (Html(t.HOUSE_BAD_QUERY) if not found.query_ok
                 else fmt(t.HOUSE_NOT_FOUND, text=message.text.strip()[:100]))
        if places:
            words = Html(words + t.HOUSE_NOT_FOUND_MINE)
        await message.answer(words, reply_markup=kb.houses(data.token, places, current=current, search=False))
        return
    data.houses = [h.id for h in found.items]
    await data.save(state)
    await message.answer(fmt(t.HOUSE_FOUND, found=count(found.total, "дом", "дома", "домов")),
                         reply_markup=kb.houses(data.token, [], found.items))


async def premises_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                         bot: Bot) -> None:
    """A typed number: one of the house's premises in the registry is taken; «0», nonsense, an absurd number are
    refused; a number the house's list does not have is said so — pick one from the list, type another, or
    confirm it (a new house's flat may be missing from the registry). Until then the step keeps what it had."""
    data = await _load(state)
    f = data.f()
    e = env(message, sessions, settings, clock, bot)
    p = await drafts.place(sessions, e.user_id, f.house_id) if f.house_id else None
    if p is None:
        return await enter(message, state, data, "house", e)
    kept = _premises_shown(data, f, p)
    number = validate.parse_premises_number(message.text)
    if isinstance(number, validate.PremisesProblem):
        await message.answer(t.premises_problem(number, " ".join(message.text.split())[:30], kept),
                             reply_markup=_premises_markup(data, f, p))
        return
    got = await drafts.find_premises(sessions, p.house_id, number)
    if got.found is not None:
        f.premises_id, f.premises_number = got.found.id, None
        data.put(f)
        data.premises_label, data.premises_typed = got.found.label, None
        return await go_on(message, state, data, "premises", e)
    data.premises_typed = number
    await data.save(state)
    await message.answer(t.premises_unknown(got.label, [x.label for x in got.house], kept),
                         reply_markup=kb.premises_unknown(data.token, got.label, kept, got.house, 0, f.premises_id))


async def _premises_list(message: Message, data: AppealData, f: Fields, page: int, e: Env) -> None:
    """Another page of the house's list under «нет в списке помещений дома»."""
    house = await drafts.house_premises(e.sessions, f.house_id or 0)
    pages = kb.premises_pages(len(house))
    page = min(max(page, 0), pages - 1)
    p = await drafts.place(e.sessions, e.user_id, f.house_id or 0)
    kept = _premises_shown(data, f, p) if p else None
    typed = drafts.typed_premises_label(data.premises_typed or "")
    await message.answer(t.premises_page(len(house), page, pages),
                         reply_markup=kb.premises_unknown(data.token, typed, kept, house, page, f.premises_id))


async def custom_topic_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings,
                             clock: Clock, bot: Bot) -> None:
    data = await _load(state)
    topic = validate.clean_topic(message.text)
    if topic is None:
        await message.answer(t.BAD_CUSTOM_TOPIC.format(n=len(" ".join(message.text.split()))))
        return
    f = data.f()
    f.topic_code, f.custom_topic = topics.OTHER, topic
    data.put(f)
    await _after_topic(message, state, data, env(message, sessions, settings, clock, bot))


async def org_typed(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
                    bot: Bot) -> None:
    data = await _load(state)
    if await state.get_state() == ComposeAppeal.addressee.state:
        # typing on the list is the advanced search: «« Назад» under its answer returns to the list, as after
        # «🔎 Расширенный поиск»
        await state.set_state(ComposeAppeal.org_search)
    text = message.text.strip()[:100]
    q = validate.parse_org_query(message.text)
    if isinstance(q, validate.OrgIdProblem):
        await message.answer(fmt(t.ORG_PROBLEM[q], text=text), reply_markup=kb.step(data.token))
        return
    found = await drafts.search_orgs(sessions, q)
    if not found:
        await message.answer(fmt(t.ORG_NOT_FOUND, text=text), reply_markup=kb.step(data.token))
        return
    data.orgs = [o.id for o in found]
    await data.save(state)
    await message.answer(fmt(t.ORG_FOUND, found=count(len(found), "организация", "организации", "организаций")),
                         reply_markup=kb.org_results(data.token, found))


async def text_typed(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    data = await _load(state)
    f = data.f()
    piece = message.text
    combined = f"{f.text}\n{piece}" if f.text.strip() else piece
    n = len(combined.strip())
    if n > validate.TEXT_MAX:
        await message.answer(t.text_too_long(n), reply_markup=kb.text(data.token, bool(f.text.strip())))
        return
    f.text = combined
    data.put(f)
    await _autosave(data, sessions, message.from_user.id, clock)
    await data.save(state)
    await message.answer(t.text_taken(n), reply_markup=kb.text(data.token, True))


async def text_not_text(message: Message) -> None:
    await message.answer(t.TEXT_ONLY)


def _largest(photo: list[PhotoSize]) -> PhotoSize:
    return max(photo, key=lambda p: (p.width * p.height, p.file_size or 0))


async def file_sent(message: Message, state: FSMContext, sessions: Sessions, clock: Clock) -> None:
    data = await _load(state)
    f = data.f()
    if message.photo:
        p = _largest(message.photo)
        name = t.PHOTO_NAME.format(n=len(f.files) + 1)
        problem = validate.check_file(None, "image/jpeg", p.file_size, len(f.files), photo=True)
        ref = FileRef(p.file_id, p.file_unique_id, AppealFileKind.photo.value, None, "image/jpeg", p.file_size)
    else:
        d = message.document
        name = d.file_name or t.PHOTO_NAME.format(n=len(f.files) + 1)
        problem = validate.check_file(d.file_name, d.mime_type, d.file_size, len(f.files))
        ref = FileRef(d.file_id, d.file_unique_id, AppealFileKind.document.value, d.file_name, d.mime_type,
                      d.file_size)
    if problem is not None:
        size = t.megabytes(ref.size or 0)
        await message.answer(fmt(t.FILE_PROBLEM[problem], name=name, size=size),
                             reply_markup=kb.files(data.token, bool(f.files)))
        return
    f.files.append(ref)
    data.put(f)
    await _autosave(data, sessions, message.from_user.id, clock)
    await data.save(state)
    await message.answer(t.file_taken(name, len(f.files)), reply_markup=kb.files(data.token, True))


async def other_file(message: Message, state: FSMContext) -> None:
    data = await _load(state)
    obj = message.video or message.audio or message.animation
    name = getattr(obj, "file_name", None) or t.PHOTO_NAME.format(n="").replace("фото ", "файл").strip()
    await message.answer(fmt(t.FILE_PROBLEM[validate.FileProblem.type], name=name),
                         reply_markup=kb.files(data.token, bool(data.f().files)))


async def files_not_files(message: Message) -> None:
    await message.answer(t.FILES_ONLY)


async def hint(message: Message, state: FSMContext, sessions: Sessions, settings: Settings, clock: Clock,
               bot: Bot) -> None:
    """Whatever a step did not expect: what it waits for, and the step again with its buttons (the old message
    may be far up the chat)."""
    step = _step_of(await state.get_state()) or "review"
    note = fmt(ct.UNKNOWN_IN_STATE, hint=t.STEP_HINTS.get(step, t.STEP_HINTS["review"]))
    data = await _load(state)
    if not data.token:  # no dialog data (an old state): a fresh mark, so the buttons shown work
        data.token = secrets.token_hex(4)
    await enter(message, state, data, step, env(message, sessions, settings, clock, bot), note=note)


async def cancel(message: Message, state: FSMContext, sessions: Sessions) -> None:
    await _cancel(message, state, await _load(state), sessions, message.from_user.id)


# --------------------------------------------------------------------------------------------- sending


async def send(message: Message, state: FSMContext, data: AppealData, e: Env) -> None:
    """«Да»: the appeal is sent once, then delivered. A second tap finds the dialog closed: the dispatcher's event
    isolation (storage.fsm / Redis) runs one user's updates one after another, and the state is read after the
    lock; the draft row is taken ``FOR UPDATE`` by ``drafts.submit`` as well."""
    f = data.f()
    email_configured = e.settings.email_enabled
    await state.set_state(ComposeAppeal.review)  # a second «Да» now is a button of another step
    try:
        s = await drafts.submit(e.sessions, e.user_id, f, e.clock, email_configured, data.draft_id)
    except drafts.SendError as exc:
        if exc.problem is drafts.SendProblem.gone:
            await state.clear()
            await message.answer(t.SEND_GONE, reply_markup=main_menu())
            return
        note = t.incomplete(exc.missing) if exc.problem is drafts.SendProblem.incomplete else t.SEND_STALE
        await enter(message, state, data, "review", e, note=note)
        return
    await state.clear()
    org = await drafts.get_org(e.sessions, f.addressee_id) if f.addressee_id else None
    state_body = org is not None and org.kind == OrgKind.gzhi.value
    days = (s.due_on - s.sent_on).days if state_body else (f.topic.days if f.topic else topics.DEFAULT_DAYS)
    await message.answer(t.sent(s, org, state_body, days), reply_markup=main_menu())
    route, told = s.route, False
    try:
        delivery = await appeal_delivery.deliver(e.bot, e.settings, e.sessions, e.clock, s.id, s.route)
        route = delivery.route
        # outside the bot (e-mail, PDF) delivery itself tells the resident where it went, with the contacts
        told = route is not AppealRoute.staff
    except Exception:  # the appeal is sent and numbered; the staff's morning digest lists it as new
        log.exception("delivery of appeal %s failed", s.id)
    if not told:
        await message.answer(t.delivered(route.value, org))


# --------------------------------------------------------------------------------------------- wiring


def cancel_router() -> Router:
    """/cancel and «Отменить» inside the dialog: before common's, so a saved draft is named as kept."""
    r = Router(name="appeals_cancel")
    r.message.register(cancel, Command("cancel"), StateFilter(ComposeAppeal))
    r.message.register(cancel, cancel_words, StateFilter(ComposeAppeal))
    return r


def router() -> Router:
    r = Router(name="appeals")
    S = ComposeAppeal

    r.message.register(open_menu, F.text == ct.BTN_APPEALS, StateFilter("*"))
    r.message.register(new_command, Command("appeal"), StateFilter("*"))
    r.callback_query.register(new_button, AppealsMenuCD.filter(F.action == "new"), StateFilter("*"))
    r.callback_query.register(new_from_elsewhere, AppealNewCD.filter(), StateFilter("*"))
    r.callback_query.register(draft_open, AppealDraftCD.filter(F.action == "edit"), StateFilter("*"))
    r.callback_query.register(draft_delete, AppealDraftCD.filter(F.action == "delete"), StateFilter("*"))
    r.callback_query.register(draft_delete_answer, AppealDraftCD.filter(F.action.in_({"delete_yes", "delete_no"})),
                              StateFilter("*"))
    r.callback_query.register(on_button, AppealCD.filter(), StateFilter("*"))

    r.message.register(name_typed, S.name, TYPED)
    r.message.register(contact_shared, S.phone, F.contact)
    r.message.register(phone_typed, S.phone, TYPED)
    r.message.register(email_typed, S.email, TYPED)
    r.message.register(house_typed, S.house, TYPED)
    r.message.register(premises_typed, S.premises, TYPED)
    r.message.register(custom_topic_typed, S.custom_topic, TYPED)
    r.message.register(org_typed, S.org_search, TYPED)
    r.message.register(org_typed, S.addressee, TYPED)  # typing on the list is a search too
    r.message.register(text_typed, S.text, TYPED)
    r.message.register(text_not_text, S.text, F.photo | F.document)
    r.message.register(file_sent, S.files, F.photo | F.document)
    r.message.register(other_file, S.files, F.video | F.audio | F.animation)
    r.message.register(files_not_files, S.files, TYPED)
    r.message.register(hint, StateFilter(S), ~F.text.startswith("/"))
    return r
