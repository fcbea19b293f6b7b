"""Push kinds → their view: a queued notice (data) in, the text (escaped HTML) and its buttons out.

One registry, filled by ``@view(kind, …)`` below; the Telegram adapter renders every push through ``render``. Buttons
are typed callback data that open what they name: «Передать показания» the meter's value prompt (or the meter list
when there are several), «Подробнее» the outage card or the meter's verification, «Проголосовать» the ballot,
«Протокол» the protocol PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from pydantic import BaseModel

from bot.fsm.notify import MeterInfoCD, OutageInfoCD
from bot.fsm.payments import PayAction, PayCD
from bot.fsm.readings import MeterAction, MeterCD
from bot.fsm.voting import Act, BallotCD, ProtocolCD
from bot.keyboards import my_appeals as appeal_kb
from bot.services.notify.notices import (
    MeetingNotice,
    MeetingResultsNotice,
    NewsNotice,
    OutageNotice,
    PaymentDueNotice,
    PushKind,
    ReadingsNotice,
    VerificationNotice,
    load_notice,
)
from bot.texts import notify as t
from bot.texts import payments as tp
from bot.texts import vocab
from bot.texts import voting as vt
from bot.texts.accounts import money
from bot.texts.render import Html, count, fmt, join
from bot.views.outages import notice_text, when
from storage.vocab import Resource


@dataclass(frozen=True)
class RenderedPush:
    text: Html
    markup: InlineKeyboardMarkup | None = None


View = Callable[[PushKind, BaseModel], RenderedPush]
VIEWS: dict[PushKind, View] = {}


def view(*kinds: PushKind) -> Callable[[View], View]:
    def register(fn: View) -> View:
        for kind in kinds:
            VIEWS[kind] = fn
        return fn

    return register


def render(kind: str, payload: dict) -> RenderedPush:
    """The push as it is sent. KeyError / ValueError when the kind has no view or the data does not fit it."""
    push_kind = PushKind(kind)
    return VIEWS[push_kind](push_kind, load_notice(push_kind, payload))


def button(text: str, data: CallbackData) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data.pack())]])


def meter_name(resource: str, serial: str) -> Html:
    try:
        name = vocab.METER_NAME[Resource(resource)]
    except ValueError:
        name = resource
    return fmt(t.METER, resource=name, serial=serial)


# ------------------------------------------------------------------------------------------------ readings
def submit_button(n: ReadingsNotice) -> InlineKeyboardMarkup:
    """One meter to submit: its value prompt; several: the «Передать показания» list."""
    if len(n.meters) == 1:
        data = MeterCD(action=MeterAction.submit, meter_id=n.meters[0].meter_id)
    else:
        data = MeterCD(action=MeterAction.readings)
    return button(t.BTN_READINGS, data)


@view(PushKind.readings_open, PushKind.readings_last)
def readings(kind: PushKind, n: ReadingsNotice) -> RenderedPush:
    template = t.READINGS_LAST if kind == PushKind.readings_last else t.READINGS_OPEN
    meters = join([fmt(t.METER_LINE, resource=vocab.METER_NAME.get(m.resource, m.resource), serial=m.serial)
                   for m in n.meters])
    text = fmt(template, period=vocab.period_name(n.period), last_day=vocab.day_month(n.last_day), meters=meters)
    return RenderedPush(text, submit_button(n))


# ------------------------------------------------------------------------------------------------ verification
def verification_text(n: VerificationNotice) -> Html:
    """The reminder as of the day it was made: «Через месяц» / «Через неделю» only when it is so; a run that came
    late (the bot was down) names the days really left, or says the date has passed."""
    date = vocab.day_month(n.due)
    meter = meter_name(n.meter.resource, n.meter.serial)
    if n.days_left < 0:
        return fmt(t.VERIFICATION_PAST, date=date, meter=meter)
    if n.days_left == 0:
        return Html(fmt(t.VERIFICATION_TODAY, date=date, meter=meter) + t.VERIFICATION_TAIL)
    soon = t.VERIFICATION_WHEN.get(n.days_left) or fmt(t.VERIFICATION_IN, days=count(n.days_left, *t.DAYS))
    return Html(fmt(t.VERIFICATION_AHEAD, when=soon, date=date, meter=meter) + t.VERIFICATION_TAIL)


@view(PushKind.verification)
def verification(_kind: PushKind, n: VerificationNotice) -> RenderedPush:
    return RenderedPush(verification_text(n), button(t.BTN_MORE, MeterInfoCD(id=n.meter.meter_id)))


# ------------------------------------------------------------------------------------------------ outages
@view(PushKind.outage, PushKind.outage_eve)
def outage(_kind: PushKind, n: OutageNotice) -> RenderedPush:
    markup = button(t.BTN_MORE, OutageInfoCD(id=n.outage.id))
    if n.outage.house_id and n.outage.status == "active":  # «Написать обращение» about it, topic and house filled
        markup.inline_keyboard.append([appeal_kb.outage(n.outage.resource, n.outage.house_id)])
    return RenderedPush(notice_text(n), markup)


# ------------------------------------------------------------------------------------------------ meetings
@view(PushKind.meeting_open, PushKind.meeting_end)
def meeting(kind: PushKind, n: MeetingNotice) -> RenderedPush:
    text = vt.push_meeting(kind == PushKind.meeting_end, n.address, n.title, when(n.ends), n.binding)
    return RenderedPush(text, button(t.BTN_VOTE, BallotCD(act=Act.start, meeting=n.meeting_id)))


@view(PushKind.meeting_results)
def meeting_results(_kind: PushKind, n: MeetingResultsNotice) -> RenderedPush:
    text = vt.push_results(n.address, n.title, n.binding, n.quorum, [(i.number, i.question, i.outcome)
                                                                      for i in n.items])
    return RenderedPush(text, button(vt.BTN_PROTOCOL, ProtocolCD(id=n.meeting_id)))


# ------------------------------------------------------------------------------------------------ news
@view(PushKind.news)
def news(_kind: PushKind, n: NewsNotice) -> RenderedPush:
    return RenderedPush(fmt(t.NEWS, text=Html(n.html)))


# ------------------------------------------------------------------------------------------------ payments
@view(PushKind.payment_due)
def payment_due(_kind: PushKind, n: PaymentDueNotice) -> RenderedPush:
    current = n.amount - n.arrears
    behind = fmt(tp.PAYMENT_DUE_ARREARS, arrears=money(n.arrears), total=money(n.amount)) if n.arrears > 0 else ""
    text = fmt(tp.PAYMENT_DUE, number=n.number, provider=n.provider, address=n.address,
               period=vocab.period_name(n.period), amount=money(current), due_on=f"{n.due_on:%d.%m.%Y}",
               arrears=Html(behind))
    return RenderedPush(text, button(tp.BTN_PAY_ACCOUNT, PayCD(action=PayAction.account, id=n.account_id)))


def verification_info(resource: str, serial: str, due) -> Html:
    """«Подробнее» under a verification reminder."""
    date = f"{vocab.day_month(due)} {due.year}" if due else "—"
    return fmt(t.VERIFICATION_INFO, meter=meter_name(resource, serial), date=date)
