"""Hostile text everywhere: a registry whose streets, names, serials, outage reasons and meeting titles hold «<», «>»,
«&», quotes and tags, and typed input of the same kind, walked through every resident screen, the staff flows and
every push over the local Bot API session, which refuses what Telegram refuses. Each screen and push is its own case:
the request reached the session without a Bad Request, no apology was sent, and the text a resident reads (parsed
as Telegram parses HTML) holds the hostile strings intact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.app import build_bot
from bot.fsm.notify import MeterInfoCD, OutageInfoCD
from bot.fsm.readings import ConfirmAction, ConfirmCD, DateCD, DateChoice, MeterAction, MeterCD
from bot.local_session import parse_html
from bot.notify_adapter import telegram_sender
from bot.services import outages
from bot.services.notify import reminders
from bot.services.notify.sender import Sender
from bot.services.registry import import_and_publish
from bot.texts import accounts as ta
from bot.texts import common as ct
from bot.texts import house as th
from bot.texts import notify as tn
from bot.texts import readings as tr
from storage.models import Meter, Notification, Outage, Reading
from tests.conftest import TOKEN
from tests.data import hostile_registry as H
from tests.harness import BotClient, RecordingSession, Sent


# ------------------------------------------------------------------------------------------------- helpers
def shown(replies: list[Sent]) -> str:
    """What the resident reads: each message's text parsed as Telegram parses HTML (alerts are plain text), and
    the buttons' labels (plain text: «&lt;» there would be shown as it is)."""
    out = []
    for r in replies:
        if r.method == "answerCallbackQuery":
            out.append(r.text)
        elif r.text:
            try:
                out.append(parse_html(r.text))
            except ValueError as exc:
                out.append(f"[refused: {exc}]")
        out += r.buttons
    return "\n".join(out)


def refused(bot) -> list[str]:
    """Every request the local session refused, with Telegram's words and the text it was given."""
    return [f"{req.__api_method__}: {res.message}\n{getattr(req, 'text', None) or getattr(req, 'caption', '')}"
            for req, res in zip(bot.session.requests, bot.session.results, strict=True)
            if isinstance(res, BaseException)]


def check(bot, replies: list[Sent], *needles: str) -> str:
    bad = refused(bot)
    assert not bad, "\n\n".join(bad)
    text = shown(replies)
    assert ct.ERROR not in text
    missing = [n for n in needles if n not in text]
    assert not missing, f"missing {missing} in:\n{text}"
    return text


@pytest.fixture
async def bot(settings):
    """The bot as ``bot.app`` builds it — HTML by default — so the local session parses every text as Telegram."""
    b = build_bot(settings, token=TOKEN, session=RecordingSession())
    yield b
    await b.session.close()


@pytest.fixture
async def registry(sessions, clock, settings, tmp_path):
    report, _ = await import_and_publish(sessions, H.base_registry(tmp_path / "base"), clock, settings.quiet_hours)
    assert report.ok, report
    return tmp_path


async def link_by_phone(client, street: str = H.STREET, account: str = H.ACCOUNT,
                        phone: str = H.PHONE) -> list[list[Sent]]:
    """«Лицевые счета» → «Подключить» → the street typed → the house → the account number → the phone shared."""
    query = "Кавычки" if street == H.STREET else "Простая"
    steps = [await client.send(ct.BTN_ACCOUNTS), await client.click(ta.BTN_LINK), await client.send(query)]
    house = next(b for b in steps[-1][-1].buttons if street in b)
    steps.append(await client.click(house))
    steps.append(await client.send(account))
    steps.append(await client.share_contact(phone))
    steps.append(await client.click(ta.BTN_CONNECT))
    return steps


@pytest.fixture
async def resident(registry, client):
    await link_by_phone(client)
    return client


@dataclass
class World:
    client: BotClient
    staff: BotClient
    bot: object
    sessions: object
    clock: object
    settings: object
    tmp_path: object
    neighbour: BotClient  # lives in the plain house

    def address(self) -> tuple[str, ...]:
        return H.HOSTILE_ADDRESS


async def no_sleep(_seconds: float) -> None:
    return None


async def deliver(w: World, kinds: set[str], to: BotClient | None = None) -> list[Sent]:
    """Run the push sender over the test bot; every queued push of ``kinds`` went out, nothing was refused.
    Returns what reached ``to`` (the resident of the hostile house by default)."""
    to = to or w.client
    to.skip_unread()
    await Sender(w.sessions, telegram_sender(w.bot), w.clock, sleep=no_sleep, per_chat=0,
                 quiet_hours=w.settings.quiet_hours).drain()
    async with w.sessions() as s:
        rows = list((await s.execute(select(Notification).order_by(Notification.id))).scalars())
    mine = [n for n in rows if n.kind in kinds]
    assert mine, f"no push of {kinds} queued: {[(n.kind, n.status) for n in rows]}"
    assert [(n.kind, n.status, n.error) for n in mine] == [(n.kind, "sent", None) for n in mine]
    return [r for r in to.new_replies() if r.chat_id == to.user.id]


async def news(w: World, folder: str = "news", **kw) -> int:
    report, pushes = await import_and_publish(w.sessions, H.news_registry(w.tmp_path / folder, **kw), w.clock,
                                              w.settings.quiet_hours)
    assert report.ok, report
    return pushes


async def the_outage(w: World) -> int:
    async with w.sessions() as s:
        return (await s.execute(select(Outage.id).where(Outage.resource == "hot_water"))).scalar_one()


# ------------------------------------------------------------------------------------------------- resident screens
async def link_screens(w: World) -> None:
    client = w.client
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(ta.BTN_LINK)
    found = await client.send("Кавычки")
    check(w.bot, found, *w.address())  # the house button
    house = next(b for b in found[-1].buttons if H.STREET in b)
    check(w.bot, await client.click(house), *w.address())  # step 2 names the house
    check(w.bot, await client.send(H.ACCOUNT))  # step 3: the proof
    check(w.bot, await client.share_contact(H.PHONE), *w.address(), H.PREMISES, H.ORG_SHORT)  # «Проверьте данные»
    check(w.bot, await client.click(ta.BTN_CONNECT), H.ACCOUNT)


async def accounts_list(w: World) -> None:
    check(w.bot, await w.client.send(ct.BTN_ACCOUNTS), *w.address(), H.PREMISES, H.ORG_SHORT)


async def account_card(w: World) -> None:
    (lst,) = await w.client.send(ct.BTN_ACCOUNTS)
    card = await w.client.click(next(b for b in lst.buttons if H.ACCOUNT in b))
    check(w.bot, card, H.SERVICE, H.ORG_SHORT, "Задолженность")


HOUSE_PAGES = {
    "card": ((), (H.STREET, H.BUILDING, H.ORG_SHORT)),  # «Мой дом» opens on the house's card
    "premises": ((th.BTN_PREMISES,), (H.PREMISES,)),
    "manager": ((th.BTN_MANAGER,), (H.ORG_NAME, H.ORG_ADDRESS)),
    "contract": ((th.BTN_CONTRACT,), (H.CONTRACT,)),
    "council": ((th.BTN_COUNCIL,), (H.COUNCIL_CHAIR, H.COUNCIL_MEMBER)),
    "outages": ((th.BTN_OUTAGES,), (H.EVE_REASON, H.REASON)),
}


def house_page(name: str):
    clicks, needles = HOUSE_PAGES[name]

    async def case(w: World) -> None:
        await news(w)  # the planned outage with its reason, too
        replies = await w.client.send(ct.BTN_HOUSE)
        for label in clicks:
            if label not in w.client.visible_buttons():
                pytest.fail(f"«Мой дом» shows no {label!r}: {w.client.visible_buttons()}")
            replies = await w.client.click(label)
        check(w.bot, replies, *needles)

    return case


async def cold_id(w: World) -> int:
    async with w.sessions() as s:
        return (await s.execute(select(Meter.id).where(Meter.serial_number == H.COLD))).scalar_one()


async def press(w: World, action: MeterAction, meter: bool = True) -> list[Sent]:
    """Press a meter button of «Передать показания» / «Приборы учёта» (what the list shows, by its data: a case
    checks its own screen even when the list before it is broken)."""
    return await w.client.click_data(MeterCD(action=action, meter_id=await cold_id(w) if meter else 0).pack())


async def token(w: World) -> str:
    return (await w.client.dp.fsm.get_context(w.bot, w.client.chat.id, w.client.user.id).get_data())["token"]


async def readings_list(w: World) -> None:
    check(w.bot, await w.client.send(tr.TITLE), H.COLD, H.HOT, H.POWER, H.STREET, H.ORG_SHORT)


async def reading_prompt(w: World) -> None:
    check(w.bot, await press(w, MeterAction.submit), H.COLD)


async def to_summary(w: World) -> list[Sent]:
    await press(w, MeterAction.submit)
    await w.client.send("320")
    return await w.client.click_data(DateCD(choice=DateChoice.today, token=await token(w)).pack())


async def reading_summary(w: World) -> None:
    check(w.bot, await to_summary(w), H.COLD, "Проверьте показания")


async def reading_saved(w: World) -> None:
    await to_summary(w)
    replies = await w.client.click_data(ConfirmCD(action=ConfirmAction.save, token=await token(w)).pack())
    check(w.bot, replies, H.COLD, "Показания сохранены")


async def meters_list(w: World) -> None:
    check(w.bot, await press(w, MeterAction.meters, meter=False), H.COLD, H.HOT, H.POWER)


async def meter_card(w: World) -> None:
    check(w.bot, await press(w, MeterAction.card), H.COLD, "поверка")


async def with_a_reading(w: World) -> None:
    async with w.sessions.begin() as s:
        s.add(Reading(meter_id=await cold_id(w), user_id=w.client.user.id, value=Decimal("320"),
                      taken_on=dt.date(2026, 11, 18), period="2026-11", source="bot",
                      submitted_at=dt.datetime(2026, 11, 18, 9, 0)))


async def meter_history(w: World) -> None:
    await with_a_reading(w)
    check(w.bot, await press(w, MeterAction.history), H.COLD, "320,000")


async def meter_chart(w: World) -> None:
    await with_a_reading(w)
    replies = await press(w, MeterAction.chart)
    check(w.bot, replies, H.COLD)
    assert replies[-1].method == "sendPhoto"


async def settings_screen(w: World) -> None:
    check(w.bot, await w.client.send(ct.BTN_SETTINGS), "Настройки уведомлений")


# ------------------------------------------------------------------------------------------------- typed fields
async def typed_house_query(w: World) -> None:
    await w.client.send(ct.BTN_ACCOUNTS)
    await w.client.click(ta.BTN_LINK)
    typed = '<b>Нет & "Такой" <i>'
    check(w.bot, await w.client.send(typed), typed)


async def typed_house_query_found(w: World) -> None:
    await w.client.send(ct.BTN_ACCOUNTS)
    await w.client.click(ta.BTN_LINK)
    check(w.bot, await w.client.send("<Тег> & Ко"), H.STREET)  # found by its hostile part, shown intact


async def typed_account_number(w: World) -> None:
    await w.client.send(ct.BTN_ACCOUNTS)
    await w.client.click(ta.BTN_LINK)
    found = await w.client.send("Кавычки")
    await w.client.click(next(b for b in found[-1].buttons if H.STREET in b))
    check(w.bot, await w.client.send("<b>12&3 \"4\""), "Номер лицевого счёта")


async def typed_reading_value(w: World) -> None:
    await link_by_phone(w.neighbour, H.PLAIN_STREET, H.PLAIN_ACCOUNT, H.PLAIN_PHONE)
    async with w.sessions() as s:
        meter = (await s.execute(select(Meter.id).where(Meter.serial_number == H.PLAIN_METER))).scalar_one()
    check(w.bot, await w.neighbour.click_data(MeterCD(action=MeterAction.submit, meter_id=meter).pack()),
          H.PLAIN_METER)
    check(w.bot, await w.neighbour.send("<5> & 6"), "Не понял число")


async def typed_quiet_hours(w: World) -> None:
    await w.client.send(ct.BTN_SETTINGS)
    await w.client.click(next(b for b in w.client.visible_buttons() if "Тихие часы" in b))
    check(w.bot, await w.client.send("<22:00> & 07:00"), "Не понял")


STAFF_REASON = "давление < 2 атм & ремонт"


async def staff_outage_to(w: World, query: str, street: str, resident: BotClient) -> None:
    staff = w.staff
    check(w.bot, await staff.send("/outage"))
    found = await staff.send(query)
    check(w.bot, found, street)
    check(w.bot, await staff.click(next(b for b in found[-1].buttons if street in b)), street)
    check(w.bot, await staff.click("Горячая вода"))
    check(w.bot, await staff.send("26.11 10:00"))
    check(w.bot, await staff.send("26.11 18:00"))
    check(w.bot, await staff.click(tn.BTN_PLANNED))
    check(w.bot, await staff.send(STAFF_REASON), STAFF_REASON, street)  # the preview
    check(w.bot, await staff.click(tn.BTN_PUBLISH))
    check(w.bot, await deliver(w, {"outage"}, resident), STAFF_REASON, street)


async def staff_outage_reason(w: World) -> None:
    """The typed reason, on a house with a plain address."""
    await link_by_phone(w.neighbour, H.PLAIN_STREET, H.PLAIN_ACCOUNT, H.PLAIN_PHONE)
    await staff_outage_to(w, "Простая", H.PLAIN_STREET, w.neighbour)


async def staff_outage_hostile_house(w: World) -> None:
    await staff_outage_to(w, "Кавычки", H.STREET, w.client)


async def staff_outages_list(w: World) -> None:
    await news(w)
    check(w.bot, await w.staff.send("/outages"), *w.address())  # the list names house, resource, period


BROADCAST = 'Завтра <уборка> & "покраска" <b> подъезда'


async def staff_broadcast_to(w: World, query: str, street: str, resident: BotClient) -> None:
    staff = w.staff
    check(w.bot, await staff.send("/broadcast"))
    found = await staff.send(query)
    check(w.bot, found, street)
    check(w.bot, await staff.click(next(b for b in found[-1].buttons if street in b)))
    check(w.bot, await staff.send(BROADCAST), BROADCAST, street)  # the preview
    check(w.bot, await staff.click(tn.BTN_SEND))
    check(w.bot, await deliver(w, {"news"}, resident), BROADCAST)


async def staff_broadcast(w: World) -> None:
    """The typed text, to a house with a plain address."""
    await link_by_phone(w.neighbour, H.PLAIN_STREET, H.PLAIN_ACCOUNT, H.PLAIN_PHONE)
    await staff_broadcast_to(w, "Простая", H.PLAIN_STREET, w.neighbour)


async def staff_broadcast_hostile_house(w: World) -> None:
    await staff_broadcast_to(w, "Кавычки", H.STREET, w.client)


# ------------------------------------------------------------------------------------------------- pushes
async def push_outage_new(w: World) -> None:
    assert await news(w) >= 1
    pushes = await deliver(w, {"outage"})
    check(w.bot, pushes, H.REASON, *w.address())
    check(w.bot, await w.client.click(tn.BTN_MORE), H.REASON, *w.address())  # «Подробнее»


async def more_outage(w: World) -> None:
    """«Подробнее» under an outage push (pressed by its data: the push itself may be broken)."""
    await news(w)
    replies = await w.client.click_data(OutageInfoCD(id=await the_outage(w)).pack())
    check(w.bot, replies, H.REASON, *w.address())


async def more_meter(w: World) -> None:
    """«Подробнее» under a verification push."""
    async with w.sessions() as s:
        meter = (await s.execute(select(Meter.id).where(Meter.serial_number == H.HOT))).scalar_one()
    check(w.bot, await w.client.click_data(MeterInfoCD(id=meter).pack()), H.HOT)


async def push_outage_changed(w: World) -> None:
    await news(w)
    await deliver(w, {"outage"})
    assert await news(w, "corrected", ends="28.11.2026 21:00") == 1
    # «Изменено» says what changed (was → now); the reason did not change, so it is not repeated
    check(w.bot, await deliver(w, {"outage"}), "Изменено", "→", *w.address())


async def push_outage_cancelled(w: World) -> None:
    await news(w)
    await deliver(w, {"outage"})
    oid = await the_outage(w)
    await outages.change_outage(w.sessions, w.clock, oid, status="cancelled")
    assert await outages.publish_outages(w.sessions, [oid], w.clock, w.settings.quiet_hours) == 1
    check(w.bot, await deliver(w, {"outage"}), "отменено", *w.address())


async def push_outage_eve(w: World) -> None:
    w.clock.set(dt.datetime(2026, 11, 19, 18, 0))
    assert await outages.remind_eve(w.sessions, w.clock) == 1
    check(w.bot, await deliver(w, {"outage_eve"}), "Завтра отключение", H.EVE_REASON, *w.address())


async def push_meeting(w: World) -> None:
    assert await news(w) >= 2  # the outage and the meeting
    check(w.bot, await deliver(w, {"meeting_open"}), H.MEETING_TITLE, *w.address())


async def push_readings(w: World) -> None:
    w.clock.set(dt.datetime(2026, 11, 20, 10, 0))
    assert await reminders.remind_readings(w.sessions, w.clock) == 1
    check(w.bot, await deliver(w, {"readings_open"}), H.COLD, H.HOT, H.POWER)


async def push_verification(w: World) -> None:
    assert await reminders.remind_verification(w.sessions, w.clock) == 1
    check(w.bot, await deliver(w, {"verification"}), H.HOT)
    check(w.bot, await w.client.click(tn.BTN_MORE), H.HOT)  # «Подробнее»: the meter's card


CASES = {
    "link_by_phone_screens": link_screens,
    "accounts_list": accounts_list,
    "account_card_debt": account_card,
    **{f"house_{name}": house_page(name) for name in HOUSE_PAGES},
    "readings_list": readings_list,
    "readings_value_prompt": reading_prompt,
    "readings_summary": reading_summary,
    "readings_saved": reading_saved,
    "meters_list": meters_list,
    "meters_card": meter_card,
    "meters_history": meter_history,
    "meters_chart": meter_chart,
    "settings": settings_screen,
    "typed_house_query_not_found": typed_house_query,
    "typed_house_query_found": typed_house_query_found,
    "typed_account_number": typed_account_number,
    "typed_reading_value": typed_reading_value,
    "typed_quiet_hours": typed_quiet_hours,
    "staff_outage_typed_reason_and_push": staff_outage_reason,
    "staff_outage_hostile_address_and_push": staff_outage_hostile_house,
    "staff_outages_list": staff_outages_list,
    "staff_broadcast_typed_text_and_push": staff_broadcast,
    "staff_broadcast_hostile_address_and_push": staff_broadcast_hostile_house,
    "push_outage_new_and_more": push_outage_new,
    "push_outage_more": more_outage,
    "push_outage_changed": push_outage_changed,
    "push_outage_cancelled": push_outage_cancelled,
    "push_outage_eve": push_outage_eve,
    "push_meeting": push_meeting,
    "push_reading_window": push_readings,
    "push_verification_and_more": push_verification,
    "push_verification_more": more_meter,
}
# screens and pushes that break on hostile text because of code owned by another area: the lead fixes them
# a case that fails because of a known bug is listed here with the reason (strict: when fixed, remove it)
XFAIL: dict[str, str] = {}
NEEDS_LINK = {name for name in CASES if not name.startswith(("link_", "typed_", "staff_outage_typed",
                                                               "staff_broadcast_typed"))}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=XFAIL[n])) if n in XFAIL else n for n in CASES])
async def test_hostile_text_reaches_the_resident_intact(name, registry, client, make_client, staff, bot, sessions,
                                                          clock, settings, tmp_path):
    w = World(client, staff, bot, sessions, clock, settings, tmp_path, make_client(user_id=222, first_name="Анна"))
    if name in NEEDS_LINK:
        await link_by_phone(client)
        assert not refused(bot), refused(bot)
    await CASES[name](w)
