"""«Лицевые счета» and «Подключить лицевой счёт» through the Dispatcher: every step, refusal and bad input."""

from __future__ import annotations

import datetime as dt

from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.app import build_dispatcher
from bot.fsm.accounts import (
    AccountAction,
    AccountCD,
    Decision,
    HouseAction,
    HouseCD,
    LinkAccount,
    StaffLinkCD,
)
from bot.texts import accounts as t
from bot.texts import common as ct
from storage.models import AccountLink, LinkAttempt, LinkRequest, User
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID
from tests.factories import PAYER_PHONE, link, world
from tests.harness import BotClient

HOUSE = "г. Москва, ул. Бауманская, д. 44"
SECRETS = ("Хабибуллин", "Ринат Ильдарович", "4 907,94", "4907", "Содержание", PAYER_PHONE)


def all_text(replies) -> str:
    return "\n".join(r.text + " " + " ".join(r.buttons) for r in replies)


async def state_of(dp, client: BotClient) -> str | None:
    return await dp.fsm.get_context(client.bot, client.chat.id, client.user.id).get_state()


async def links(sessions, user_id: int | None = None) -> list[AccountLink]:
    async with sessions() as s:
        stmt = select(AccountLink)
        if user_id is not None:
            stmt = stmt.where(AccountLink.user_id == user_id)
        return list((await s.execute(stmt)).scalars())


async def to_number_step(client: BotClient) -> None:
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    await client.send("Бауманская 44")
    await client.click(HOUSE)


async def to_proof_step(client: BotClient, number: str = "1234567890") -> list:
    await to_number_step(client)
    return await client.send(number)


async def request_staff(client: BotClient, name: str = "Хабибуллин Ринат Ильдарович",
                        relation: str = "Собственник") -> list:
    """«Запросить подтверждение у УК», the name, the relation: the request goes to the staff chat."""
    await client.click(t.BTN_STAFF)
    await client.send(name)
    return await client.click(relation)


def alert(replies) -> str:
    (reply,) = replies
    assert reply.method == "answerCallbackQuery" and reply.raw.show_alert
    return reply.text


# ------------------------------------------------------------------------------------------ entry points


async def test_start_offers_linking_when_nothing_is_linked(client, sessions, dp):
    await world(sessions)
    replies = await client.send("/start")
    assert t.BTN_LINK in replies[-1].buttons and t.START_OFFER in replies[-1].text
    replies = await client.click(t.BTN_LINK)
    assert "Шаг 1 из 4" in replies[-1].text and "Адрес дома" in replies[-1].text
    assert await state_of(dp, client) == LinkAccount.address.state


async def test_start_does_not_offer_when_linked(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    replies = await client.send("/start")
    assert len(replies) == 1 and "С возвращением" in replies[0].text


async def test_accounts_button_on_empty_list(client, sessions):
    await world(sessions)
    (reply,) = await client.send(ct.BTN_ACCOUNTS)
    assert "Подключённых лицевых счетов пока нет" in reply.text
    assert reply.buttons == [t.BTN_LINK]


# ------------------------------------------------------------------------------------------ proof by phone


async def test_owner_links_by_shared_phone_and_sees_it_in_the_list(client, sessions, dp):
    w = await world(sessions)
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    replies = await client.send("баумана 44")
    assert "Найдено домов: <b>1</b>" in replies[0].text and HOUSE in replies[0].buttons
    replies = await client.click(HOUSE)
    assert "Шаг 2 из 4" in replies[-1].text and HOUSE in replies[-1].text
    replies = await client.send("1234-567 890")
    assert "Шаг 3 из 4" in replies[0].text
    share = replies[0].reply.keyboard[0][0]
    assert share.text == t.BTN_SHARE_PHONE and share.request_contact
    assert replies[1].buttons == [t.BTN_BILL, t.BTN_STAFF]
    # nothing about the account is shown before the proof
    assert not any(s in all_text(replies) for s in SECRETS)

    replies = await client.share_contact("8 (916) 123-45-67")
    check = replies[-1].text
    assert "Проверьте данные" in check
    for part in (HOUSE, "кв. 12", "№ 1234567890", "ООО «УК Тестовая»", "Хабибуллин Р. И."):
        assert part in check
    assert "Ильдарович" not in check
    assert replies[-1].buttons == [t.BTN_CONNECT, t.BTN_CANCEL]
    assert ct.BTN_ACCOUNTS in replies[0].buttons  # the main menu is back

    replies = await client.click(t.BTN_CONNECT)
    assert "подключён" in replies[1].text
    assert "№ 1234567890" in replies[-1].text and "4\u00a0907,94\u00a0₽" in replies[-1].text
    assert await state_of(dp, client) is None
    (row,) = await links(sessions)
    assert (row.user_id, row.account_id, row.method) == (client.user.id, w.account.id, "phone")
    async with sessions() as s:
        assert (await s.get(User, client.user.id)).phone == PAYER_PHONE


async def test_owner_phone_of_the_premises_also_proves(client, sessions):
    w = await world(sessions)
    async with sessions.begin() as s:
        owner = await s.get(type(w.owner), w.owner.id)
        owner.phone = "+79990001122"
    await to_proof_step(client)
    replies = await client.share_contact("+7 999 000-11-22")
    assert "Проверьте данные" in replies[-1].text


async def test_someone_elses_contact_is_refused(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    (reply,) = await client.share_contact(PAYER_PHONE, own=False)
    assert "чужой контакт" in reply.text
    assert await state_of(dp, client) == LinkAccount.proof.state
    assert await links(sessions) == []


async def test_phone_that_does_not_match_offers_other_ways(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    (reply,) = await client.share_contact("+79035550001")
    assert "не совпадает" in reply.text and reply.buttons == [t.BTN_BILL, t.BTN_STAFF]
    assert not any(s in reply.text for s in SECRETS)
    assert await state_of(dp, client) == LinkAccount.proof.state
    async with sessions() as s:
        assert (await s.get(User, client.user.id)).phone == "+79035550001"


async def test_text_on_proof_step_gets_a_hint(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    (reply,) = await client.send("это мой счёт, честно")
    assert "Подтвердите" in reply.text
    assert await state_of(dp, client) == LinkAccount.proof.state


# ------------------------------------------------------------------------------------------ proof by bill total


async def test_bill_total_proves(client, sessions):
    w = await world(sessions)
    await to_proof_step(client)
    replies = await client.click(t.BTN_BILL)
    assert "сумму последней квитанции" in replies[-1].text and "5" in replies[-1].text
    (reply,) = await client.send("сорок рублей")
    assert reply.text == t.BILL_BAD
    replies = await client.send("4907,94 руб")
    assert "Хабибуллин Р. И." in replies[-1].text
    await client.click(t.BTN_CONNECT)
    (row,) = await links(sessions)
    assert (row.account_id, row.method) == (w.account.id, "bill_total")


async def test_stranger_learns_nothing_and_guessing_stops_after_five(make_client, sessions, dp, clock):
    w = await world(sessions)
    stranger = make_client(user_id=222, first_name="Иван", last_name=None)
    seen = await to_proof_step(stranger)
    seen += await stranger.click(t.BTN_BILL)
    for i in range(4):
        (reply,) = await stranger.send(f"{1000 + i},00")
        seen.append(reply)
        assert reply.text == t.BILL_WRONG.format(left=4 - i)
    replies = await stranger.send("1,00")
    seen += replies
    assert "Слишком много неверных попыток" in replies[0].text
    assert replies[0].buttons == [t.BTN_STAFF]
    assert await state_of(dp, stranger) == LinkAccount.proof.state
    # the right sum no longer helps today: the button is gone, a forged press is blocked too
    from bot.fsm.accounts import Proof, ProofCD

    replies = await stranger.click_data(ProofCD(method=Proof.bill).pack())
    seen += replies
    assert "Слишком много неверных попыток" in replies[-1].text
    (reply,) = await stranger.send("4907,94")
    seen.append(reply)
    assert "Слишком много неверных попыток" in reply.text  # a sum typed on the proof step is blocked too
    assert not any(s in all_text(seen) for s in SECRETS)
    assert await links(sessions) == []
    async with sessions() as s:
        (attempt,) = (await s.execute(select(LinkAttempt))).scalars()
    assert (attempt.account_id, attempt.user_id, attempt.failures) == (w.account.id, 222, 5)

    # the next local day: five more tries
    clock.set(dt.datetime(2026, 11, 20, 0, 5))
    replies = await stranger.click_data(ProofCD(method=Proof.bill).pack())
    assert "Попыток на сегодня: 5" in replies[-1].text


async def test_sum_typed_on_the_proof_step_is_the_bill_answer(client, sessions, dp):
    """Typing the total right away, without pressing «Ввести сумму» first: checked and counted the same way."""
    w = await world(sessions)
    await to_proof_step(client)
    (reply,) = await client.send("это мой счёт")
    assert "Подтвердите" in reply.text
    (reply,) = await client.send("1234567890")  # the number again, not a sum: no try is spent
    assert "Подтвердите" in reply.text
    (reply,) = await client.send("2082.03")
    assert reply.text == t.BILL_WRONG.format(left=4)
    assert await state_of(dp, client) == LinkAccount.bill_total.state
    async with sessions() as s:
        (attempt,) = (await s.execute(select(LinkAttempt))).scalars()
    assert attempt.failures == 1

    await client.send("/cancel")
    await to_proof_step(client)
    replies = await client.send("4 907,94")
    assert "Сумма совпадает" in replies[0].text and "Хабибуллин Р. И." in replies[-1].text
    await client.click(t.BTN_CONNECT)
    (row,) = await links(sessions)
    assert (row.account_id, row.method) == (w.account.id, "bill_total")


async def test_bill_attempts_are_counted_per_account(make_client, sessions):
    await world(sessions)
    stranger = make_client(user_id=223, first_name="Иван", last_name=None)
    await to_proof_step(stranger)
    await stranger.click(t.BTN_BILL)
    for _ in range(5):
        await stranger.send("1,00")
    await stranger.send("/cancel")
    # the РСО's electricity account of the same flat is another account: its own five tries
    await to_proof_step(stranger, "эл 0012")
    replies = await stranger.click(t.BTN_BILL)
    # it has no charges: there is nothing to compare the sum with
    (reply,) = await stranger.send("100")
    assert reply.text == t.BILL_NONE
    assert replies[-1].text == t.STEP_BILL.format(left=5)


# ------------------------------------------------------------------------------------------ proof by the УК staff


def staff_request_message(bot) -> tuple[SendMessage, int]:
    for req, res in zip(bot.session.requests, bot.session.results, strict=True):
        if isinstance(req, SendMessage) and req.chat_id == STAFF_CHAT_ID:
            return req, res.message_id
    raise AssertionError("nothing was sent to the staff chat")


async def test_staff_confirms_request(client, staff, sessions, bot, dp):
    w = await world(sessions)
    await to_proof_step(client)
    replies = await request_staff(client)
    assert replies[-1].text == t.STAFF_SENT and await state_of(dp, client) is None
    req, mid = staff_request_message(bot)
    assert "1234567890" in req.text and HOUSE in req.text and "Ринат Хабибуллин (id 111)" in req.text
    assert "Заявитель: <b>Хабибуллин Ринат Ильдарович</b> — собственник" in req.text
    buttons = [b for row in req.reply_markup.inline_keyboard for b in row]
    assert [b.text for b in buttons] == [t.BTN_APPROVE, t.BTN_REJECT]
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert lr.status == "pending" and lr.staff_message_id == mid
    staff.new_replies()  # what the bot said to others before

    replies = await staff.click_data(buttons[0].callback_data, mid)
    edited = next(r for r in replies if r.method == "editMessageText")
    assert "Подтверждено: Ольга Диспетчер (id 900)" in edited.text and edited.buttons == []
    told = next(r for r in replies if r.method == "sendMessage")
    assert told.chat_id == client.user.id and "подтвердила" in told.text
    (row,) = await links(sessions)
    assert (row.account_id, row.method, row.approved_by) == (w.account.id, "staff", ADMIN_ID)
    async with sessions() as s:
        lr = await s.get(LinkRequest, lr.id)
    assert (lr.status, lr.decided_by) == ("approved", ADMIN_ID)

    # a second press (or another staff member) is told it is decided
    replies = await staff.click_data(buttons[1].callback_data, mid)
    assert "уже рассмотрен" in alert(replies)
    async with sessions() as s:
        assert (await s.get(LinkRequest, lr.id)).status == "approved"


async def test_staff_rejects_request(client, staff, sessions, bot):
    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    req, mid = staff_request_message(bot)
    reject = req.reply_markup.inline_keyboard[0][1].callback_data
    staff.new_replies()
    replies = await staff.click_data(reject, mid)
    # the reason is asked first: the card says who is rejecting, the question replies to the card
    edited = next(r for r in replies if r.method == "editMessageText")
    assert "Отклоняет Ольга Диспетчер" in edited.text and edited.buttons == [t.BTN_APPROVE, t.BTN_KEEP]
    ask = next(r for r in replies if r.method == "sendMessage")
    assert ask.chat_id == STAFF_CHAT_ID and "напишите причину" in ask.text and ask.raw.reply_to_message_id == mid
    assert not any(r.chat_id == client.user.id for r in replies)
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert lr.status == "pending"

    replies = await staff_reply(staff, ask.message_id, "Нет договора найма на квартиру")
    card = next(r for r in replies if r.method == "editMessageText")
    assert "Отклонено: Ольга Диспетчер (id 900)" in card.text and "Причина: Нет договора найма" in card.text
    assert card.raw.message_id == mid and card.buttons == []
    told = next(r for r in replies if r.chat_id == client.user.id)
    assert "отклонила" in told.text and "Причина: Нет договора найма на квартиру" in told.text
    # a dead end that sends the resident to the УК gives its phone and the dispatcher's
    assert "+7 495 123-45-67" in told.text and "+7 495 765-43-21" in told.text
    assert await links(sessions) == []
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert (lr.status, lr.reason, lr.decided_by) == ("rejected", "Нет договора найма на квартиру", ADMIN_ID)


async def staff_reply(staff: BotClient, to_message_id: int, text: str) -> list:
    """A staff member's reply (Telegram's «Ответить») to a message of the bot in the staff chat."""
    from aiogram.types import Message as TgMessage
    from aiogram.types import User as TgUser

    replied = TgMessage(message_id=to_message_id, date=dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC), chat=staff.chat,
                        from_user=TgUser(id=staff.bot.id, is_bot=True, first_name="bot"), text="…")
    return await staff.feed(message=staff._message(text=text, reply_to_message=replied))


async def test_resident_cannot_press_staff_buttons(client, sessions, bot):
    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    req, _ = staff_request_message(bot)
    approve = req.reply_markup.inline_keyboard[0][0].callback_data
    assert alert(await client.click_data(approve)) == t.STAFF_ONLY
    assert await links(sessions) == []


async def test_second_request_is_not_duplicated(client, sessions, bot):
    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    await to_proof_step(client)
    replies = await client.click(t.BTN_STAFF)
    assert replies[-1].text == t.STAFF_ALREADY
    sent = [r for r in bot.session.requests if isinstance(r, SendMessage) and r.chat_id == STAFF_CHAT_ID]
    assert len(sent) == 1


async def test_no_staff_chat_gives_uk_phone(client, sessions, settings, dp):
    await world(sessions)
    settings.staff_chat_id = None
    await to_proof_step(client)
    replies = await client.click(t.BTN_STAFF)
    assert "нельзя" in replies[-1].text and "+7 495 123-45-67" in replies[-1].text
    assert await state_of(dp, client) == LinkAccount.proof.state
    async with sessions() as s:
        assert (await s.execute(select(LinkRequest))).first() is None


async def test_linking_by_phone_closes_the_pending_request(client, staff, sessions, bot, clock):
    """Asked the УК, then proved it by phone: the request is closed (no staff member decided it), its message in
    the staff chat says so, and a later «Подтвердить» only tells the staff member — the resident hears nothing."""
    w = await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    req, mid = staff_request_message(bot)

    clock.set(dt.datetime(2026, 11, 19, 13, 30))
    await to_proof_step(client)
    await client.share_contact(PAYER_PHONE)
    replies = await client.click(t.BTN_CONNECT)
    edited = [r for r in replies if r.method == "editMessageText" and r.chat_id == STAFF_CHAT_ID]
    assert [(r.raw.message_id, r.buttons) for r in edited] == [(mid, [])]
    assert "Житель подключил лицевой счёт сам (номер телефона совпал с реестром), 19.11.2026 13:30" in edited[0].text
    assert "1234567890" in edited[0].text
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert (lr.status, lr.decided_by, lr.decided_at) == ("approved", None, dt.datetime(2026, 11, 19, 10, 30))

    staff.new_replies()
    for button in req.reply_markup.inline_keyboard[0]:
        replies = await staff.click_data(button.callback_data, mid)
        assert replies[0].method == "answerCallbackQuery" and replies[0].text == t.STAFF_SELF_LINKED_ALERT
        assert not [r for r in replies if r.method == "sendMessage"]
    (row,) = await links(sessions)
    assert (row.account_id, row.method, row.approved_by) == (w.account.id, "phone", None)
    async with sessions() as s:
        assert (await s.get(LinkRequest, lr.id)).decided_by is None


async def test_staff_press_on_a_request_of_an_account_linked_meanwhile(client, staff, sessions, bot):
    """A request still pending while the account is linked already (e.g. from before requests were closed on
    linking): pressing only tells the staff member and closes it."""
    w = await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    req, mid = staff_request_message(bot)
    await link(sessions, client.user.id, w.account, method="bill_total")
    staff.new_replies()
    replies = await staff.click_data(req.reply_markup.inline_keyboard[0][1].callback_data, mid)
    assert alert(replies[:1]) == t.STAFF_SELF_LINKED_ALERT
    assert not [r for r in replies if r.method == "sendMessage"]
    (edited,) = [r for r in replies if r.method == "editMessageText"]
    assert "назвал сумму последней квитанции" in edited.text and edited.buttons == []
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert (lr.status, lr.decided_by) == ("approved", None) and lr.decided_at is not None
    (row,) = await links(sessions)
    assert row.method == "bill_total"


async def test_unknown_request_id_from_staff(staff, sessions):
    await world(sessions)
    replies = await staff.click_data(StaffLinkCD(decision=Decision.approve, request_id=999).pack())
    assert alert(replies) == t.STAFF_MISSING


# ------------------------------------------------------------------------------------------ the house step


async def test_house_search_spellings(client, sessions):
    await world(sessions)
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    for query in ("БАУМАНСКАЯ 44", "ул. бауманская, д. 44", "44 Бауманская", "улица Бауманская дом 44",
                  "баум 44", "москва бауманская 44"):
        replies = await client.send(query)
        assert HOUSE in replies[-1].buttons, query
    replies = await client.send("Петровско-Разумовский 12")
    assert "г. Москва, проезд Петровско-Разумовский, д. 12" in replies[-1].buttons
    replies = await client.send("пр-д петровско разумовского 12")
    assert "г. Москва, проезд Петровско-Разумовский, д. 12" in replies[-1].buttons


async def test_house_not_found_and_no_my_house(client, sessions, dp):
    await world(sessions)
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    (reply,) = await client.send("Ленина 5")
    assert "не найден" in reply.text and reply.buttons == [t.BTN_NO_HOUSE]
    (reply,) = await client.send("!!!")
    assert reply.text == t.ADDRESS_EMPTY
    (reply,) = (await client.click(t.BTN_NO_HOUSE))[-1:]
    assert "Госжилинспекц" in reply.text
    assert "Мосжилинспекция" in reply.text and "+7 495 681-11-11" in reply.text
    assert "ООО «УК Тестовая»" in reply.text and "+7 495 123-45-67" in reply.text
    assert await state_of(dp, client) == LinkAccount.address.state
    replies = await client.send("Бауманская 44")
    assert HOUSE in replies[-1].buttons


async def test_long_result_list_paginates(client, sessions):
    w = await world(sessions)
    from bot.services.address import house_search_text
    from storage.models import House

    async with sessions.begin() as s:
        for n in range(1, 10):
            s.add(House(house_guid=f"00000000-0000-0000-0000-00000000010{n}", region="Москва", city="Москва",
                        street="ул. Садовая", building=str(n), manager_id=w.uk.id,
                        search_text=house_search_text("Москва", None, "ул. Садовая", str(n))))
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    (reply,) = await client.send("садовая")
    assert "Найдено домов: <b>9</b> (страница 1 из 2)" in reply.text
    assert "г. Москва, ул. Садовая, д. 1" in reply.buttons and t.BTN_NEXT in reply.buttons
    assert t.BTN_PREV not in reply.buttons and t.BTN_NO_HOUSE in reply.buttons
    (reply,) = (await client.click(t.BTN_NEXT))[-1:]
    assert reply.method == "editMessageText" and "страница 2 из 2" in reply.text
    assert "г. Москва, ул. Садовая, д. 9" in reply.buttons and t.BTN_PREV in reply.buttons
    replies = await client.click("г. Москва, ул. Садовая, д. 9")
    assert "Шаг 2 из 4" in replies[-1].text


# ------------------------------------------------------------------------------------------ the number step


async def test_bad_and_unknown_numbers(client, sessions, dp):
    await world(sessions)
    await to_number_step(client)
    (reply,) = await client.send("№№ ---")
    assert reply.text == t.NUMBER_BAD
    (reply,) = await client.send("x" * 40)
    assert reply.text == t.NUMBER_BAD
    # «777» exists, but in the other house
    (reply,) = await client.send("777")
    assert "не найден в доме" in reply.text and "осталось попыток на сегодня: 4" in reply.text
    assert await state_of(dp, client) == LinkAccount.number.state
    for _ in range(3):
        await client.send("000")
    (reply,) = await client.send("000")
    assert "подключение остановлено" in reply.text
    assert await state_of(dp, client) is None


async def test_wrong_numbers_are_limited_per_day_across_restarts(client, sessions, dp, bot, settings,
                                                                  fsm_storage, clock):
    """Restarting the flow (/cancel, «Подключить» again) or the bot does not give five new tries: else anyone
    could learn which account numbers exist in a house."""
    await world(sessions)
    await to_number_step(client)
    for left in (4, 3):
        (reply,) = await client.send(f"99{left}")
        assert f"осталось попыток на сегодня: {left}" in reply.text
    await client.send("/cancel")
    await to_number_step(client)
    (reply,) = await client.send("991")
    assert "осталось попыток на сегодня: 2" in reply.text

    # a new process: a new Dispatcher (and, on SQLite, a new storage object) on the same database
    from storage.fsm import SqlStorage

    storage = SqlStorage(sessions) if isinstance(fsm_storage, SqlStorage) else fsm_storage
    dp2, _ = build_dispatcher(settings, sessions, storage, clock)
    again = BotClient(dp2, bot)
    again.new_replies()
    await again.send("/cancel")
    await to_number_step(again)
    (reply,) = await again.send("990")
    assert "осталось попыток на сегодня: 1" in reply.text
    (reply,) = await again.send("989")
    assert "подключение остановлено" in reply.text and "завтра, <b>20.11.2026</b>" in reply.text
    assert "+7 495 123-45-67" in reply.text and "+7 495 765-43-21" in reply.text  # the УК's phone and dispatcher's
    assert await state_of(dp2, again) is None
    house_id = (await houses_by_address(sessions))[HOUSE]

    # a new run of the flow is stopped at once («Подключить»), not after the address and the house: no number is
    # looked up today, not even the right one; the УК of the house is named with its phones
    await again.send(ct.BTN_ACCOUNTS)
    replies = await again.click(t.BTN_LINK)
    assert "Сегодня уже введено 5 неверных номеров" in replies[-1].text and "<b>20.11.2026</b>" in replies[-1].text
    assert "ООО «УК Тестовая»" in replies[-1].text and "+7 495 123-45-67" in replies[-1].text
    assert "Диспетчерская: +7 495 765-43-21" in replies[-1].text
    assert "Шаг 1" not in all_text(replies)
    assert await state_of(dp2, again) is None
    # a house button of an earlier run pressed now is refused the same way
    await again.click_data(HouseCD(action=HouseAction.pick, house_id=house_id).pack())
    assert await state_of(dp2, again) is None
    async with sessions() as s:
        assert (await s.execute(select(LinkAttempt))).scalars().all() == []  # the bill tries are apart

    # the next local day: five tries again, and the right number is found
    clock.set(dt.datetime(2026, 11, 20, 0, 5))
    await to_number_step(again)
    (reply,) = await again.send("000")
    assert "осталось попыток на сегодня: 4" in reply.text
    replies = await again.send("1234567890")
    assert "Шаг 3 из 4" in replies[0].text


async def test_already_linked_says_so(client, sessions, dp):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    replies = await to_proof_step(client, "1234567890")
    assert "уже подключён" in replies[-1].text
    assert await state_of(dp, client) is None


async def test_several_accounts_can_be_linked(client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    await to_proof_step(client, "ЭЛ-0012")
    await client.share_contact(PAYER_PHONE)  # the РСО has no phone on record, the flat's owner has
    await client.click(t.BTN_CONNECT)
    assert {row.account_id for row in await links(sessions)} == {w.account.id, w.power_account.id}


async def test_one_number_of_two_providers_asks_which_organization(client, make_client, sessions, dp):
    """The РСО bills the flat under the same number as the УК: the resident picks the organization, and the
    РСО's bill total proves the РСО's account (not the УК's)."""
    from decimal import Decimal

    from storage.models import Account, Charge

    w = await world(sessions)
    async with sessions.begin() as s:
        power = Account(account_number="1234567890", provider_id=w.rso.id, premises_id=w.flat.id,
                        payer_name="Хабибуллин Ринат Ильдарович")
        s.add(power)
        await s.flush()
        s.add(Charge(account_id=power.id, period="2026-10", service="Электроснабжение", amount=Decimal("777.77"),
                     due_on=dt.date(2026, 11, 10)))
        power_id = power.id
    (reply,) = await to_proof_step(client, "1234-567-890")
    assert reply.text == t.NUMBER_CHOOSE.format(number="1234567890")
    assert reply.buttons == ["ООО «УК Тестовая»", "АО «Энергосбыт»"]
    assert not any(secret in all_text([reply]) for secret in SECRETS)
    assert await state_of(dp, client) == LinkAccount.number.state

    # a forged choice (an account not offered for this number) is refused
    from bot.fsm.accounts import ProviderCD

    assert alert(await client.click_data(ProviderCD(account_id=w.other_account.id).pack())) == ct.NOT_YOURS
    assert await state_of(dp, client) == LinkAccount.number.state

    await client.click("АО «Энергосбыт»")
    assert await state_of(dp, client) == LinkAccount.proof.state
    await client.click(t.BTN_BILL)
    replies = await client.send("777,77")
    assert "АО «Энергосбыт»" in replies[-1].text
    await client.click(t.BTN_CONNECT)
    (row,) = await links(sessions)
    assert (row.account_id, row.method) == (power_id, "bill_total")

    # the same number again: only the УК's account is left, so no question
    replies = await to_proof_step(client, "1234567890")
    assert await state_of(dp, client) == LinkAccount.proof.state
    await client.share_contact(PAYER_PHONE)
    await client.click(t.BTN_CONNECT)
    assert {row.account_id for row in await links(sessions)} == {power_id, w.account.id}
    # and once both are linked, it says so
    replies = await to_proof_step(client, "1234567890")
    assert "уже подключён" in replies[-1].text


# ------------------------------------------------------------------------------------------ check, cancel, restart


async def test_cancel_on_check_links_nothing(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    await client.share_contact(PAYER_PHONE)
    reply = (await client.click(t.BTN_CANCEL))[-1]
    assert reply.text == t.LINK_CANCELLED
    assert await links(sessions) == [] and await state_of(dp, client) is None
    # the stale «Подключить» does nothing
    reply = (await client.click_data("lkc:y"))[-1]
    assert reply.text == ct.STALE_BUTTON


async def test_cancel_command_mid_flow(client, sessions, dp):
    await world(sessions)
    await to_number_step(client)
    (reply,) = await client.send("/cancel")
    assert reply.text.startswith("Подключение лицевого счёта: отменено")
    assert await state_of(dp, client) is None


async def test_main_menu_button_leaves_the_flow(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    replies = await client.send(ct.BTN_ACCOUNTS)
    assert "отменено" in replies[0].text and "Подключённых лицевых счетов пока нет" in replies[-1].text
    assert await state_of(dp, client) is None
    await to_number_step(client)
    replies = await client.send(ct.BTN_HOUSE)
    assert "отменено" in replies[0].text and "Мой дом" in replies[-1].text


async def test_flow_survives_restart(sessions, settings, fsm_storage, clock, bot, dp):
    w = await world(sessions)
    first = BotClient(dp, bot)
    await to_number_step(first)
    # a new process: a new Dispatcher on the same storage and database
    dp2, _ = build_dispatcher(settings, sessions, fsm_storage, clock)
    second = BotClient(dp2, bot)
    second.new_replies()
    replies = await second.send("1234567890")
    assert "Шаг 3 из 4" in replies[0].text
    replies = await second.share_contact(PAYER_PHONE)
    assert "Проверьте данные" in replies[-1].text
    await second.click(t.BTN_CONNECT)
    assert [row.account_id for row in await links(sessions)] == [w.account.id]


async def test_unexpected_input_on_steps_is_explained(client, sessions, dp):
    from aiogram.types import Location

    await world(sessions)
    await to_number_step(client)
    replies = await client.feed(message=client._message(location=Location(latitude=55.7, longitude=37.6)))
    assert "шаг 2" in replies[0].text and "/cancel" in replies[0].text
    assert await state_of(dp, client) == LinkAccount.number.state


# ------------------------------------------------------------------------------------------ list, card, unlink


async def test_list_card_debts_and_unlink(client, sessions, dp):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    (reply,) = await client.send(ct.BTN_ACCOUNTS)
    assert "Список подключённых лицевых счетов" in reply.text
    assert "❗ <b>№ 1234567890</b> — ООО «УК Тестовая»" in reply.text
    assert "Задолженность: <b>4\u00a0907,94\u00a0₽</b> — просрочено" in reply.text
    assert "<b>№ ЭЛ-0012</b> — АО «Энергосбыт»" in reply.text and "Задолженности нет" in reply.text
    assert reply.buttons == ["❗ № 1234567890 — кв. 12", "№ ЭЛ-0012 — кв. 12", t.BTN_LINK]

    card = (await client.click("❗ № 1234567890 — кв. 12"))[-1]
    assert card.method == "editMessageText"
    for part in ("Начислено за октябрь 2026", "• Содержание жилого помещения: 2\u00a0450,30\u00a0₽",
                 "• Горячее водоснабжение: 1\u00a0830,12\u00a0₽", "Пени: 15,07\u00a0₽", "Итого за месяц: <b>4\u00a0907,94\u00a0₽</b>",
                 "Оплатить до: 10.11.2026", "Всего начислено: 9\u00a0800,81\u00a0₽", "Оплачено: 4\u00a0892,87\u00a0₽",
                 "Задолженность: <b>4\u00a0907,94\u00a0₽</b>", "Плательщик: Хабибуллин Р. И."):
        assert part in card.text, part
    assert "• Пени" not in card.text
    ask = (await client.click(t.BTN_UNLINK))[-1]
    assert "Отключить лицевой счёт <b>№ 1234567890</b>" in ask.text
    assert ask.buttons == [t.BTN_UNLINK_YES, t.BTN_UNLINK_NO]
    back = (await client.click(t.BTN_UNLINK_NO))[-1]
    assert "Начислено за октябрь 2026" in back.text
    await client.click(t.BTN_UNLINK)
    done = (await client.click(t.BTN_UNLINK_YES))[-1]
    assert done.text == t.UNLINKED.format(number="1234567890")
    assert [row.account_id for row in await links(sessions)] == [w.power_account.id]
    lst = (await client.click(t.BTN_TO_LIST))[-1]
    assert "1234567890" not in lst.text and "ЭЛ-0012" in lst.text


async def test_forged_account_callbacks_are_refused(client, make_client, sessions):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    neighbour = make_client(user_id=333, first_name="Анна", last_name=None)
    await link(sessions, 333, w.other_account)
    for action in (AccountAction.open, AccountAction.unlink, AccountAction.unlink_yes):
        replies = await client.click_data(AccountCD(action=action, account_id=w.other_account.id).pack())
        assert alert(replies) == ct.NOT_YOURS
        neighbour.new_replies()
        replies = await neighbour.click_data(AccountCD(action=action, account_id=w.account.id).pack())
        assert alert(replies) == ct.NOT_YOURS
        client.new_replies()
    # an account nobody has linked, and a missing one
    for account_id in (w.power_account.id, 99999):
        replies = await client.click_data(AccountCD(action=AccountAction.open, account_id=account_id).pack())
        assert alert(replies) == ct.NOT_YOURS
    assert {(r.user_id, r.account_id) for r in await links(sessions)} == {
        (client.user.id, w.account.id), (333, w.other_account.id)}


async def test_forged_house_pick_outside_the_flow_is_stale(client, sessions):
    w = await world(sessions)

    (reply,) = await client.click_data(HouseCD(action=HouseAction.pick, house_id=w.house.id).pack())
    assert reply.text == ct.STALE_BUTTON


async def test_callback_data_fits_telegram_limit():
    from bot.fsm.accounts import HouseInfoCD, HousePage
    from bot.fsm.ids import ROW_ID_MAX

    for cd in (AccountCD(action=AccountAction.unlink_yes, account_id=ROW_ID_MAX),
               StaffLinkCD(decision=Decision.reject, request_id=ROW_ID_MAX),
               HouseCD(action=HouseAction.page, house_id=ROW_ID_MAX, page=9999),
               HouseInfoCD(page=HousePage.outages, house_id=ROW_ID_MAX)):
        assert len(cd.pack().encode()) <= 64


async def test_same_printed_number_of_two_providers_is_told_and_listed_apart(client, sessions):
    """The bills print «УР-701» for the УК and the РСО: the question quotes it as printed (not «УР701»), and once both
    are linked the list's buttons say which organization each is (they were two identical «№ УР-701 — кв. 12»)."""
    from storage.models import Account

    w = await world(sessions)
    async with sessions.begin() as s:
        uk = Account(account_number="УР-701", provider_id=w.account.provider_id, premises_id=w.flat.id,
                     payer_name="Хабибуллин Ринат Ильдарович")
        rso = Account(account_number="УР-701", provider_id=w.rso.id, premises_id=w.flat.id,
                      payer_name="Хабибуллин Ринат Ильдарович")
        s.add_all([uk, rso])
        await s.flush()
        uk_id, rso_id = uk.id, rso.id
    (reply,) = await to_proof_step(client, "ур 701")
    assert reply.text == t.NUMBER_CHOOSE.format(number="УР-701")
    await client.send("/cancel")
    await link(sessions, client.user.id, await s_get(sessions, uk_id))
    await link(sessions, client.user.id, await s_get(sessions, rso_id))
    replies = await client.click(ct.BTN_ACCOUNTS)
    buttons = [b for b in replies[-1].buttons if "УР-701" in b]
    assert len(buttons) == 2 and len(set(buttons)) == 2
    assert any("ООО «УК Тестовая»" in b for b in buttons) and any("АО «Энергосбыт»" in b for b in buttons)


async def houses_by_address(sessions) -> dict[str, int]:
    from bot.services.houses import house_address
    from storage.models import House

    async with sessions() as s:
        return {house_address(h): h.id for h in (await s.execute(select(House))).scalars()}


async def s_get(sessions, account_id: int):
    from storage.models import Account

    async with sessions() as s:
        return await s.get(Account, account_id)


async def test_the_rejection_reason_may_answer_the_card_or_the_question_as_both_say(client, staff, sessions, bot):
    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    req, mid = staff_request_message(bot)
    staff.new_replies()
    replies = await staff.click_data(req.reply_markup.inline_keyboard[0][1].callback_data, mid)
    ask = next(r for r in replies if r.method == "sendMessage")
    assert "ответом на это сообщение (или на карточку)" in ask.text
    edited = next(r for r in replies if r.method == "editMessageText")
    assert "ответом на эту карточку или на вопрос бота под ней" in edited.text
    (long,) = await staff_reply(staff, ask.message_id, "х" * 1200)
    assert "ответьте ещё раз на вопрос бота о причине или на карточку" in long.text
    replies = await staff_reply(staff, mid, "Собственник квартиры другой")  # to the card this time
    card = next(r for r in replies if r.method == "editMessageText")
    assert "Причина: Собственник квартиры другой" in card.text
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert (lr.status, lr.reason) == ("rejected", "Собственник квартиры другой")
