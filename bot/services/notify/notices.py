"""What a push says, as data: one notice model per push kind.

Services fill a notice and queue it (``Push``); the outbox keeps it as JSON (``Notification.payload``); the push
view (``bot/views/pushes.py``) turns it into text and buttons when it is sent. No words here and no HTML: a street,
a reason or a title from the registry or from staff stays plain data until the view escapes it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel


class PushKind(StrEnum):
    readings_open = "readings_open"
    readings_last = "readings_last"
    verification = "verification"
    outage = "outage"
    outage_eve = "outage_eve"
    meeting_open = "meeting_open"
    meeting_end = "meeting_end"
    meeting_results = "meeting_results"
    news = "news"
    payment_due = "payment_due"  # «Оплата ЖКУ»: 3 days before the due date, to whoever still owes


class OutageEvent(StrEnum):
    new = "new"  # the full notice (also for someone who never got the original of a changed outage)
    changed = "changed"  # «Изменено»: what changed, was → now
    cancelled = "cancelled"
    ended = "ended"  # restored early
    eve = "eve"  # the evening before


class Change(BaseModel):
    field: str  # starts | ends | reason | kind
    was: str | None  # ISO datetime for starts/ends, plain text otherwise
    now: str | None


class OutageData(BaseModel):
    id: int
    address: str
    resource: str  # storage.vocab.Resource, as the outages table stores it
    starts: dt.datetime  # aware local
    ends: dt.datetime
    kind: str
    reason: str | None = None
    status: str = "active"
    revision: int = 1
    house_id: int = 0  # «Написать обращение» about it (0: a push queued before it was kept)


class OutageNotice(BaseModel):
    event: OutageEvent
    outage: OutageData
    changes: list[Change] = []


class MeterLine(BaseModel):
    meter_id: int
    resource: str
    serial: str


class ReadingsNotice(BaseModel):
    period: str  # YYYY-MM
    last_day: dt.date
    meters: list[MeterLine]


class VerificationNotice(BaseModel):
    meter: MeterLine
    due: dt.date
    days_left: int


class MeetingNotice(BaseModel):
    meeting_id: int
    address: str
    title: str
    ends: dt.datetime  # aware local
    binding: bool | None = None  # the house decided on electronic meetings: a general meeting, else a survey


class MeetingItemResult(BaseModel):
    number: int
    question: str
    outcome: str  # bot.services.voting.tally.Outcome


class MeetingResultsNotice(BaseModel):
    meeting_id: int
    address: str
    title: str
    binding: bool
    quorum: bool
    items: list[MeetingItemResult]


class PaymentDueNotice(BaseModel):
    account_id: int
    number: str
    provider: str
    address: str
    period: str  # YYYY-MM charged
    due_on: dt.date
    amount: Decimal  # what is owed on the account when the push was queued
    arrears: Decimal = Decimal("0.00")  # of it, left from earlier periods: already overdue


class NewsNotice(BaseModel):
    html: str  # the clerk's message as Telegram's entities render it (aiogram's html_text: values escaped)


NOTICE_OF: dict[PushKind, type[BaseModel]] = {
    PushKind.readings_open: ReadingsNotice,
    PushKind.readings_last: ReadingsNotice,
    PushKind.verification: VerificationNotice,
    PushKind.outage: OutageNotice,
    PushKind.outage_eve: OutageNotice,
    PushKind.meeting_open: MeetingNotice,
    PushKind.meeting_end: MeetingNotice,
    PushKind.meeting_results: MeetingResultsNotice,
    PushKind.news: NewsNotice,
    PushKind.payment_due: PaymentDueNotice,
}


def expired(kind: str, payload: dict | None, now: dt.datetime) -> bool:
    """The push no longer says anything true or useful at ``now`` (aware local): a reading window that has closed,
    a meeting whose voting is over, an outage that has ended. It may still be in the outbox when it was held by
    quiet hours, queued while the bot was down, or behind a long broadcast. Read straight off the stored JSON (no
    model is built: the sender checks every row it takes). Other kinds never expire, and so does a row whose
    payload is not of the shape its kind has now."""
    if not payload:
        return False
    try:
        if kind in (PushKind.readings_open, PushKind.readings_last):
            return now.date() > dt.date.fromisoformat(payload["last_day"])
        if kind in (PushKind.meeting_open, PushKind.meeting_end):
            return now >= dt.datetime.fromisoformat(payload["ends"])
        if kind in (PushKind.outage, PushKind.outage_eve):
            return now >= dt.datetime.fromisoformat(payload["outage"]["ends"])
    except (KeyError, TypeError, ValueError):
        return False
    return False


class MediaType(StrEnum):
    photo = "photo"
    document = "document"


class Media(BaseModel):
    """A file sent with the push: a Telegram ``file_id`` or a local ``path`` (a receipt, a protocol, an answer)."""

    type: MediaType
    file_id: str | None = None
    path: str | None = None
    filename: str | None = None


def load_notice(kind: str, payload: dict) -> BaseModel:
    """The notice of a queued push (ValueError / pydantic ValidationError when the kind or data is unknown)."""
    return NOTICE_OF[PushKind(kind)].model_validate(payload)
