"""Link requests on the staff card loop, through the Dispatcher: the resident's name and relation, the card in the
staff chat, decisions by button and by reply, the reason of a rejection, the day's limit, an РСО's account; and
every value of the registry or of a person reaching the screens escaped (the local session refuses bad HTML)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.fsm.accounts import LinkAccount
from bot.services.address import house_search_text
from bot.texts import accounts as t
from bot.texts import common as ct
from storage.models import Account, AccountLink, Charge, House, LinkRequest, Organization, StaffCard
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID
from tests.factories import PAYER_PHONE, world
from tests.test_accounts import (
    HOUSE,
    all_text,
    links,
    request_staff,
    staff_reply,
    staff_request_message,
    state_of,
    to_number_step,
    to_proof_step,
)


async def card_of(sessions) -> StaffCard:
    async with sessions() as s:
        (card,) = (await s.execute(select(StaffCard))).scalars()
    return card


async def test_name_and_relation_are_asked_and_bad_input_keeps_the_step(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    replies = await client.click(t.BTN_STAFF)
    assert replies[-1].text == t.STEP_APPLICANT and await state_of(dp, client) == LinkAccount.applicant.state
    for bad in ("12345", "Иван <b>", "я"):
        (reply,) = await client.send(bad)
        assert reply.text == t.APPLICANT_BAD
        assert await state_of(dp, client) == LinkAccount.applicant.state
    (reply,) = await client.send("хабибуллин  ринат")
    assert reply.text == t.STEP_RELATION.format(name="хабибуллин ринат")
    assert reply.buttons == list(t.RELATION_BUTTONS.values())
    (reply,) = await client.send("я сосед")
    assert reply.text == t.RELATION_HINT and await state_of(dp, client) == LinkAccount.relation.state
    async with sessions() as s:
        assert (await s.execute(select(LinkRequest))).first() is None  # nothing half-written
    replies = await client.click("Член семьи")
    assert replies[-1].text == t.STAFF_SENT
    req, _ = staff_request_message(client.bot)
    assert "Заявитель: <b>хабибуллин ринат</b> — член семьи собственника или нанимателя" in req.text
    assert "Телефон: не сообщил" in req.text
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert (lr.applicant_name, lr.relation, lr.phone) == ("хабибуллин ринат", "family", None)


async def test_the_card_shows_the_shared_phone(client, sessions):
    await world(sessions)
    await to_proof_step(client)
    await client.share_contact("+7 903 555-00-01")  # not the payer's: refused, but shared
    await request_staff(client, relation="Наниматель (арендатор)")
    req, _ = staff_request_message(client.bot)
    assert "Телефон: +7 903 555-00-01" in req.text and "— наниматель (арендатор)" in req.text


async def test_menu_button_on_the_name_step_leaves_without_a_request(client, sessions, dp):
    await world(sessions)
    await to_proof_step(client)
    await client.click(t.BTN_STAFF)
    replies = await client.send(ct.BTN_ACCOUNTS)
    assert "отменено" in replies[0].text and await state_of(dp, client) is None
    async with sessions() as s:
        assert (await s.execute(select(LinkRequest))).first() is None


async def test_an_rso_account_is_not_sent_to_the_uk_staff(client, sessions, dp, bot):
    await world(sessions)
    await to_proof_step(client, "ЭЛ-0012")  # billed by АО «Энергосбыт», an РСО
    replies = await client.click(t.BTN_STAFF)
    text = replies[-1].text
    assert "выставляет <b>АО «Энергосбыт»</b> — ресурсоснабжающая организация" in text
    assert "Телефон: +7 495 000-00-01" in text
    assert replies[-1].buttons == [t.BTN_BILL]  # the УК cannot confirm it: no second «Запросить подтверждение у УК»
    assert await state_of(dp, client) == LinkAccount.proof.state
    assert not [r for r in bot.session.requests if getattr(r, "chat_id", None) == STAFF_CHAT_ID]
    async with sessions() as s:
        assert (await s.execute(select(LinkRequest))).first() is None


async def test_three_requests_a_day_then_the_uk_phones(client, sessions, dp, bot, clock):
    w = await world(sessions)
    async with sessions.begin() as s:
        for n in range(3):
            s.add(Account(account_number=f"77700{n}", provider_id=w.account.provider_id, premises_id=w.flat.id,
                          payer_name="Хабибуллин Ринат Ильдарович"))
    for number in ("777000", "777001", "777002"):
        await to_proof_step(client, number)
        replies = await request_staff(client)
        assert replies[-1].text == t.STAFF_SENT
    await to_proof_step(client, "1234567890")
    replies = await client.click(t.BTN_STAFF)
    text = replies[-1].text
    assert "уже отправили в УК 3 запроса" in text and "<b>20.11.2026</b>" in text
    assert "+7 495 123-45-67" in text and "+7 495 765-43-21" in text
    assert replies[-1].buttons == [t.BTN_BILL]  # the day's requests are spent: only the bill's sum is left
    assert await state_of(dp, client) == LinkAccount.proof.state
    async with sessions() as s:
        assert len((await s.execute(select(LinkRequest))).scalars().all()) == 3
    clock.set(dt.datetime(2026, 11, 20, 0, 5))  # the next local day
    replies = await client.click(t.BTN_STAFF)
    assert replies[-1].text == t.STEP_APPLICANT


async def test_a_reply_to_the_card_decides(client, staff, sessions):
    w = await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    _, mid = staff_request_message(client.bot)
    staff.new_replies()
    (reply,) = await staff_reply(staff, mid, "а паспорт он показывал?")
    assert "«подтвердить»" in reply.text and "отклонить: причина" in reply.text  # a hint, nothing decided
    replies = await staff_reply(staff, mid, "Подтверждаю")
    assert any(r.method == "editMessageText" and "Подтверждено: Ольга Диспетчер (id 900)" in r.text
               for r in replies)
    assert any(r.chat_id == client.user.id and "подтвердила" in r.text for r in replies)
    (row,) = await links(sessions)
    assert (row.account_id, row.method, row.approved_by) == (w.account.id, "staff", ADMIN_ID)
    card = await card_of(sessions)
    assert (card.status, card.outcome, card.decided_by, card.message_id) == ("decided", "approved", ADMIN_ID, mid)
    (reply,) = await staff_reply(staff, mid, "отклонить: передумал")
    assert "уже рассмотрен" in reply.text


async def test_reject_with_a_reason_in_one_reply(client, staff, sessions):
    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    _, mid = staff_request_message(client.bot)
    staff.new_replies()
    replies = await staff_reply(staff, mid, "Отклонить: давление < 2 атм & ремонт")
    told = next(r for r in replies if r.chat_id == client.user.id)
    assert "Причина: давление &lt; 2 атм &amp; ремонт" in told.text
    async with sessions() as s:
        (lr,) = (await s.execute(select(LinkRequest))).scalars()
    assert (lr.status, lr.reason) == ("rejected", "давление < 2 атм & ремонт")


async def test_only_the_rejecting_staff_member_gives_the_reason(client, staff, make_client, sessions, bot):
    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    req, mid = staff_request_message(bot)
    staff.new_replies()
    replies = await staff.click_data(req.reply_markup.inline_keyboard[0][1].callback_data, mid)
    prompt = next(r for r in replies if r.method == "sendMessage")
    colleague = make_client(user_id=ADMIN_ID + 1, first_name="Пётр", chat_id=STAFF_CHAT_ID)
    (reply,) = await staff_reply(colleague, prompt.message_id, "не наш дом")
    assert reply.text == t.STAFF_REASON_BUSY
    replies = await colleague.click_data(req.reply_markup.inline_keyboard[0][0].callback_data, mid)
    assert replies[0].text == t.STAFF_REASON_BUSY  # nor approve meanwhile
    # «Не отклонять»: the card is open again, with its two buttons
    staff.skip_unread()
    replies = await staff.click(t.BTN_KEEP, mid)
    assert replies[0].text == t.STAFF_KEPT
    assert replies[-1].method == "editMessageText" and replies[-1].buttons == [t.BTN_APPROVE, t.BTN_REJECT]
    replies = await colleague.click_data(req.reply_markup.inline_keyboard[0][0].callback_data, mid)
    assert any(r.chat_id == client.user.id and "подтвердила" in r.text for r in replies)
    async with sessions() as s:
        assert (await s.execute(select(AccountLink))).scalar_one().approved_by == ADMIN_ID + 1


async def test_an_empty_reason_is_asked_again(client, staff, sessions, bot):
    from aiogram.types import Sticker

    await world(sessions)
    await to_proof_step(client)
    await request_staff(client)
    req, mid = staff_request_message(bot)
    staff.new_replies()
    replies = await staff.click_data(req.reply_markup.inline_keyboard[0][1].callback_data, mid)
    prompt = next(r for r in replies if r.method == "sendMessage")
    from aiogram.types import Message as TgMessage
    from aiogram.types import User as TgUser

    replied = TgMessage(message_id=prompt.message_id, date=dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC), chat=staff.chat,
                        from_user=TgUser(id=bot.id, is_bot=True, first_name="bot"), text="…")
    sticker = Sticker(file_id="s", file_unique_id="s", type="regular", width=1, height=1, is_animated=False,
                      is_video=False)
    (reply,) = await staff.feed(message=staff._message(sticker=sticker, reply_to_message=replied))
    assert reply.text == t.STAFF_REASON_EMPTY
    (reply,) = await staff_reply(staff, prompt.message_id, "очень " * 300)
    assert reply.text == t.STAFF_REASON_TOO_LONG.format(limit=1000)
    async with sessions() as s:
        assert (await s.execute(select(LinkRequest))).scalar_one().status == "pending"


async def test_a_number_not_found_is_echoed_as_typed(client, sessions):
    await world(sessions)
    await to_number_step(client)
    (reply,) = await client.send("21-0005")
    assert "«21-0005» не найден" in reply.text and "210005" not in reply.text
    (reply,) = await client.send("№  21 0005")
    assert "«№ 21 0005» не найден" in reply.text


async def test_values_with_html_characters_reach_every_screen_intact(make_client, staff, sessions, bot):
    """«<b>Иван & Ко» as a first name; a street, a payer, an organization and a service with <, > and &: the
    greeting, the list, the card, «Проверьте данные», the staff card and the rejection all reach Telegram."""
    w = await world(sessions)
    async with sessions.begin() as s:
        house = await s.get(House, w.house.id)
        house.street = "ул. <Тестовая> & Ко"
        house.search_text = house_search_text("Москва", None, house.street, "44")
        acc = await s.get(Account, w.account.id)
        acc.payer_name = "ООО <Плательщик> & сыновья"
        uk = await s.get(Organization, w.uk.id)
        uk.short_name = "УК <Дом> & Ко"
        s.add(Charge(account_id=w.account.id, period="2026-10", service="Вода <гор.> & хол.", amount=1,
                     due_on=dt.date(2026, 11, 10)))
    address = "г. Москва, ул. <Тестовая> & Ко, д. 44"
    client = make_client(user_id=555, first_name="<b>Иван & Ко", last_name="<i>")
    replies = await client.send("/start")
    assert "Здравствуйте, &lt;b&gt;Иван &amp; Ко!" in replies[0].text

    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    await client.send("Тестовая 44")
    replies = await client.click(address)
    assert "Дом: <b>г. Москва, ул. &lt;Тестовая&gt; &amp; Ко, д. 44</b>" in replies[-1].text
    await client.send("1234567890")
    await client.share_contact(PAYER_PHONE)
    check = client.last.text
    assert "Плательщик: ООО &lt;Плательщик&gt; &amp; сыновья" in check and "Организация: УК &lt;Дом&gt; &amp; Ко" in check
    replies = await client.click(t.BTN_CONNECT)
    listing = replies[-1].text
    assert "<b>№ 1234567890</b> — УК &lt;Дом&gt; &amp; Ко" in listing and "ул. &lt;Тестовая&gt; &amp; Ко" in listing
    card = (await client.click("❗ № 1234567890 — кв. 12"))[-1].text
    assert "• Вода &lt;гор.&gt; &amp; хол.: 1,00\u00a0₽" in card

    # the staff card of another account, rejected with a reason full of HTML characters
    async with sessions.begin() as s:
        other = Account(account_number="55", provider_id=w.uk.id, premises_id=w.flat.id,
                        payer_name="Смит & <Вессон>")
        s.add(other)
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    await client.send("Тестовая 44")
    await client.click(address)
    replies = await client.send("55")
    assert "Шаг 3 из 4" in replies[0].text, all_text(replies)
    replies = await client.click(t.BTN_STAFF)
    assert replies[-1].text == t.STEP_APPLICANT, all_text(replies)
    replies = await client.send("Иван Ко")
    assert "кем вы приходитесь" in replies[-1].text, all_text(replies)
    replies = await client.click("Собственник")
    assert replies[-1].text == t.STAFF_SENT
    req, mid = staff_request_message(bot)
    assert "№ 55</b>" in req.text and "Смит &amp; &lt;Вессон&gt;" in req.text
    assert "&lt;b&gt;Иван &amp; Ко &lt;i&gt; (id 555)" in req.text
    staff.new_replies()
    replies = await staff_reply(staff, mid, "отклонить: давление < 2 атм & ремонт")
    told = next(r for r in replies if r.chat_id == 555)
    assert "№ 55 (г. Москва, ул. &lt;Тестовая&gt; &amp; Ко, д. 44)" in told.text
    assert "давление &lt; 2 атм &amp; ремонт" in told.text
    assert not any(r.text == ct.ERROR for r in replies) and "Bad Request" not in all_text(replies)
    assert HOUSE not in told.text
