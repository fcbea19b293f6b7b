"""Text from the registry, from staff and from residents is always safe in a push: `<`, `>`, `&`, quotes and `<b>`
in a street, a serial, an outage reason (imported or typed by a clerk), a meeting title and a broadcast reach the
resident as written, through the real Telegram adapter and a session that parses HTML as Telegram does."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from sqlalchemy import select, update

from bot.fsm.notify import MeterInfoCD, OutageInfoCD
from bot.fsm.readings import MeterAction, MeterCD
from bot.fsm.voting import Act, BallotCD
from bot.local_session import CALLBACK_DATA_LIMIT, parse_html
from bot.notify_adapter import telegram_sender
from bot.services.notify import reminders
from bot.services.notify.notices import (
    Change,
    Media,
    MediaType,
    MeetingItemResult,
    MeetingNotice,
    MeetingResultsNotice,
    MeterLine,
    NewsNotice,
    OutageData,
    OutageEvent,
    OutageNotice,
    PaymentDueNotice,
    PushKind,
    ReadingsNotice,
    VerificationNotice,
)
from bot.services.notify.outbox import Push, enqueue
from bot.services.notify.sender import Sender
from bot.services.registry import import_and_publish
from bot.texts import notify as t
from bot.views.pushes import VIEWS, render
from storage.models import House, Meeting, Meter, Notification, User
from tests.conftest import TOKEN
from tests.factories import PAYER_PHONE, link, world
from tests.harness import RecordingSession

STREET = 'ул. <Тег> & "Ко"'
SERIAL = "<b>ХВ-4"
REASON_REGISTRY = "прорыв <трубы> & <i>подвал"
REASON_STAFF = "давление < 2 атм & ремонт"
TITLE = 'Ремонт <крыши> & "фасада" > 5 млн'
HOSTILE = "a < b & c > d \"q\" 's' <b>bold</b> &amp;"


@pytest.fixture
async def bot():
    """The bot as it runs: HTML parse mode, so the local session parses every text as Telegram does."""
    b = Bot(token=TOKEN, session=RecordingSession(), default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield b
    await b.session.close()


async def no_sleep(_seconds: float) -> None:
    return None


async def drain(sessions, clock, bot):
    return await Sender(sessions, telegram_sender(bot), clock, sleep=no_sleep, per_chat=0, quiet_hours="off").drain()


def delivered(bot, chat_id: int) -> list[str]:
    """What ``chat_id`` reads of every message sent to it (HTML parsed as Telegram parses it)."""
    return [parse_html(r.text) for r in bot.session.requests
            if isinstance(r, SendMessage) and r.chat_id == chat_id]


async def rows(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


async def hostile_world(sessions):
    w = await world(sessions)
    async with sessions.begin() as s:
        await s.execute(update(House).where(House.id == w.house.id).values(street=STREET))
        await s.execute(update(Meter).where(Meter.id == w.power.id).values(serial_number=SERIAL))
    return w


# ------------------------------------------------------------------------------------------------ every view
def _local(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, tzinfo=dt.timezone(dt.timedelta(hours=3)))


def hostile_notices() -> list[tuple[PushKind, object]]:
    outage = OutageData(id=7, address=HOSTILE, resource="heat", starts=_local(20, 10), ends=_local(21, 18),
                        kind="planned", reason=HOSTILE)
    meter = MeterLine(meter_id=3, resource="cold_water", serial=HOSTILE)
    meeting = MeetingNotice(meeting_id=4, address=HOSTILE, title=HOSTILE, ends=_local(30, 20))
    return [
        (PushKind.readings_open, ReadingsNotice(period="2026-11", last_day=dt.date(2026, 11, 25), meters=[meter])),
        (PushKind.readings_last, ReadingsNotice(period="2026-11", last_day=dt.date(2026, 11, 25),
                                                meters=[meter, meter])),
        *[(PushKind.verification, VerificationNotice(meter=meter, due=dt.date(2026, 12, 1), days_left=d))
          for d in (-2, 0, 1, 7, 12, 30)],
        *[(PushKind.outage, OutageNotice(event=e, outage=outage)) for e in OutageEvent if e != OutageEvent.eve],
        (PushKind.outage, OutageNotice(event=OutageEvent.changed, outage=outage, changes=[
            Change(field="reason", was=HOSTILE, now=HOSTILE), Change(field="kind", was="planned", now="emergency"),
            Change(field="ends", was=_local(21, 18).isoformat(), now=_local(22, 18).isoformat())])),
        (PushKind.outage_eve, OutageNotice(event=OutageEvent.eve, outage=outage)),
        (PushKind.meeting_open, meeting),
        (PushKind.meeting_end, meeting),
        *[(PushKind.meeting_open, meeting.model_copy(update={"binding": b})) for b in (True, False)],
        *[(PushKind.meeting_results, MeetingResultsNotice(
            meeting_id=4, address=HOSTILE, title=HOSTILE, binding=b, quorum=q,
            items=[MeetingItemResult(number=1, question=HOSTILE, outcome="adopted"),
                   MeetingItemResult(number=2, question=HOSTILE, outcome="no_quorum")]))
          for b in (True, False) for q in (True, False)],
        (PushKind.news, NewsNotice(html="&lt;b&gt; &amp; <b>жирный</b>")),
        (PushKind.payment_due, PaymentDueNotice(account_id=5, number=HOSTILE, provider=HOSTILE, address=HOSTILE,
                                                period="2026-10", due_on=dt.date(2026, 11, 10), amount="4907.94")),
    ]


def test_every_push_view_escapes_what_it_is_given():
    """Each registered push kind, fed hostile values, renders HTML that Telegram accepts and shows them intact;
    its buttons carry typed callback data within Telegram's 64 bytes."""
    seen = set()
    for kind, notice in hostile_notices():
        push = render(kind, notice.model_dump(mode="json"))
        plain = parse_html(push.text)
        if kind != PushKind.news:
            assert HOSTILE in plain, (kind, push.text)
        else:
            assert "<b> & жирный" in plain
        for row in (push.markup.inline_keyboard if push.markup else []):
            for b in row:
                assert 1 <= len(b.callback_data.encode()) <= CALLBACK_DATA_LIMIT
        seen.add(kind)
    assert seen == set(VIEWS) == set(PushKind)


def test_push_buttons_open_what_they_name():
    by_kind = {kind: render(kind, n.model_dump(mode="json")) for kind, n in hostile_notices()}

    def data(kind: PushKind) -> list[tuple[str, str]]:
        return [(b.text, b.callback_data) for row in by_kind[kind].markup.inline_keyboard for b in row]

    # one meter to submit: its value prompt; several: the list
    assert data(PushKind.readings_open) == [(t.BTN_READINGS, MeterCD(action=MeterAction.submit, meter_id=3).pack())]
    assert data(PushKind.readings_last) == [(t.BTN_READINGS, MeterCD(action=MeterAction.readings).pack())]
    assert data(PushKind.outage) == [(t.BTN_MORE, OutageInfoCD(id=7).pack())]
    assert data(PushKind.outage_eve) == [(t.BTN_MORE, OutageInfoCD(id=7).pack())]
    assert data(PushKind.verification) == [(t.BTN_MORE, MeterInfoCD(id=3).pack())]
    assert data(PushKind.meeting_open) == [(t.BTN_VOTE, BallotCD(act=Act.start, meeting=4).pack())]
    assert by_kind[PushKind.news].markup is None
    # no push says «нажмите … в меню ниже» any more
    assert all("в меню ниже" not in parse_html(p.text) for p in by_kind.values())


def test_a_push_carries_the_notice_of_its_kind():
    with pytest.raises(TypeError):
        Push(1, PushKind.outage, "o1", "r1", NewsNotice(html="x"))


# ------------------------------------------------------------------------------------------------ end to end
def _outage_csv(folder: Path, guid: str, reason: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "outages.csv").write_bytes((
        "\ufeffhouse_guid;resource;starts_at;ends_at;kind;reason\r\n"
        f"{guid};hot_water;20.11.2026 10:00;21.11.2026 18:00;planned;{reason}\r\n").encode())
    return folder


async def test_imported_outage_reason_reaches_the_resident_intact(settings, sessions, clock, bot, tmp_path):
    w = await hostile_world(sessions)
    await link(sessions, 111, w.account)
    report, pushes = await import_and_publish(sessions, _outage_csv(tmp_path / "r", w.house.house_guid,
                                                                    REASON_REGISTRY), clock, settings.quiet_hours)
    assert report.ok and pushes == 1
    stats = await drain(sessions, clock, bot)
    assert stats.sent == 1 and stats.failed == 0
    (text,) = delivered(bot, 111)
    assert f"Причина: {REASON_REGISTRY}" in text and STREET in text
    (n,) = await rows(sessions)
    assert n.status == "sent" and parse_html(n.text) == text  # the row keeps the text as delivered


async def test_staff_reason_preview_keeps_its_buttons_and_is_published(staff, client, sessions, clock, bot):
    w = await hostile_world(sessions)
    await link(sessions, 111, w.account)
    await staff.send("/outage")
    (r,) = await staff.send("Бауманская 44")
    await staff.click(r.buttons[0])
    await staff.click("Горячая вода")
    await staff.send("20.11 10:00")
    await staff.send("21.11 18:00")
    await staff.click(t.BTN_PLANNED)
    (preview,) = await staff.send(REASON_STAFF)
    assert preview.buttons == [t.BTN_PUBLISH, t.BTN_CANCEL]
    assert REASON_STAFF in parse_html(preview.text) and STREET in parse_html(preview.text)
    replies = await staff.click(t.BTN_PUBLISH)
    assert replies[-1].text == t.PUBLISHED.format(count="1 уведомление")
    await drain(sessions, clock, bot)
    (text,) = delivered(bot, 111)
    assert f"Причина: {REASON_STAFF}" in text and STREET in text
    # the staff's list and questions show the street as written too
    replies = await staff.send("/outages")
    listing = replies[-1]
    assert STREET in parse_html(listing.text)
    oid = (await _only_outage(sessions)).id
    ask = (await staff.click(t.BTN_CANCEL_OUTAGE.format(id=oid)))[-1]
    assert STREET in parse_html(ask.text) and ask.buttons == [t.BTN_SURE["cancelled"].format(id=oid), t.BTN_KEEP]
    # «Подробнее» under the push: the card, with the reason as written
    card = [r for r in await client.click_data(OutageInfoCD(id=oid).pack()) if r.method == "sendMessage"][-1]
    assert REASON_STAFF in parse_html(card.text) and "диспетчер: +74957654321" in card.text


async def _only_outage(sessions):
    from storage.models import Outage

    async with sessions() as s:
        return (await s.execute(select(Outage))).scalar_one()


async def test_meeting_title_and_serials_reach_pushes_intact(sessions, clock, bot):
    w = await hostile_world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 112, w.power_account)  # one meter, serial «<b>ХВ-4»
    async with sessions.begin() as s:
        await s.execute(update(User).where(User.id == 111).values(phone=PAYER_PHONE))
        m = Meeting(meeting_id="M-<1>", house_id=w.house.id, title=TITLE,
                    starts_at=clock.to_utc(dt.datetime(2026, 11, 19, 9)),
                    ends_at=clock.to_utc(dt.datetime(2026, 11, 30, 20)))
        s.add(m)
        await s.execute(update(Meter).where(Meter.id == w.power.id)
                        .values(next_verification_on=dt.date(2026, 12, 19)))
        await s.flush()
        meeting_id = m.id
    assert await reminders.publish_meetings(sessions, [meeting_id], clock) == 1
    assert await reminders.remind_verification(sessions, clock) == 1
    clock.set(dt.datetime(2026, 11, 20, 10, 0))
    assert await reminders.remind_readings(sessions, clock) == 2
    stats = await drain(sessions, clock, bot)
    assert stats.sent == 4 and stats.failed == 0
    (vote,) = [x for x in delivered(bot, 111) if "голосование" in x.lower()]
    assert TITLE in vote and STREET in vote
    verification, readings = delivered(bot, 112)
    assert SERIAL in verification and SERIAL in readings
    # the reading reminder of one meter opens that meter's value prompt
    (req,) = [r for r in bot.session.requests if isinstance(r, SendMessage) and r.chat_id == 112
              and "показаний" in r.text]
    assert req.reply_markup.inline_keyboard[0][0].callback_data == MeterCD(action=MeterAction.submit,
                                                                           meter_id=w.power.id).pack()


async def test_typed_broadcast_reaches_residents_as_typed(staff, sessions, clock, bot):
    w = await hostile_world(sessions)
    await link(sessions, 111, w.account)
    await staff.send("/broadcast")
    await staff.click(t.BTN_ALL_HOUSES)
    (preview,) = await staff.send(HOSTILE)
    assert HOSTILE in parse_html(preview.text) and preview.buttons == [t.BTN_SEND, t.BTN_CANCEL]
    replies = await staff.click(t.BTN_SEND)
    assert replies[-1].text == t.BC_SENT.format(count="1 сообщение")
    await drain(sessions, clock, bot)
    (text,) = delivered(bot, 111)
    assert HOSTILE in text


# ------------------------------------------------------------------------------------------------ refusals
async def test_a_refused_push_is_failed_with_its_reason_not_lost(sessions, clock, bot, caplog):
    async with sessions.begin() as s:
        s.add_all([User(id=1, first_name="a"), User(id=2, first_name="b")])
    await enqueue(sessions, [Push(1, PushKind.news, "x", "-", NewsNotice(html="ok")),
                             Push(2, PushKind.news, "y", "-", NewsNotice(html="ok too"))], clock)
    async with sessions.begin() as s:  # a row whose data its view cannot read (a bug of ours, or an old bot's)
        await s.execute(update(Notification).where(Notification.user_id == 2).values(payload={"nonsense": 1}))
    bot.session.add_result("sendMessage", TelegramBadRequest(method=SendMessage(chat_id=1, text="x"),
                                                             message="Bad Request: message is too long"))
    with caplog.at_level(logging.WARNING):
        stats = await drain(sessions, clock, bot)
    assert stats.failed == 2 and stats.sent == 0
    first, second = await rows(sessions)
    assert first.status == second.status == "failed"
    assert "message is too long" in first.error and "cannot render" in second.error
    assert "refused" in caplog.text


async def test_a_push_carries_a_photo_or_a_document(sessions, clock, bot, tmp_path):
    async with sessions.begin() as s:
        s.add(User(id=1, first_name="a"))
    receipt = tmp_path / "квитанция.pdf"
    receipt.write_bytes(b"%PDF-1.4 test")
    await enqueue(sessions, [
        Push(1, PushKind.news, "p", "-", NewsNotice(html="Фото <b>подвала</b>"),
             media=Media(type=MediaType.photo, file_id="AgACAgIAAx0")),
        Push(1, PushKind.news, "d", "-", NewsNotice(html="Квитанция за ноябрь"),
             media=Media(type=MediaType.document, path=str(receipt), filename="квитанция.pdf")),
    ], clock)
    stats = await drain(sessions, clock, bot)
    assert stats.sent == 2
    photo = next(r for r in bot.session.requests if isinstance(r, SendPhoto))
    doc = next(r for r in bot.session.requests if isinstance(r, SendDocument))
    assert photo.photo == "AgACAgIAAx0" and "подвала" in parse_html(photo.caption)
    assert doc.document.filename == "квитанция.pdf" and "Квитанция" in parse_html(doc.caption)
