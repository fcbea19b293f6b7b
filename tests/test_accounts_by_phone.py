"""A contact shared with no dialog open: the accounts its phone proves are offered to link (the same proof as step 3
of «Подключить лицевой счёт»), through the Dispatcher."""

from __future__ import annotations

from sqlalchemy import select

from bot.fsm.accounts import LinkAccount, ProviderCD
from bot.texts import accounts as t
from bot.texts import common as ct
from storage.models import Account, AccountLink, Owner, User
from tests.factories import PAYER_PHONE, link, world


async def state_of(dp, client) -> str | None:
    return await dp.fsm.get_context(client.bot, client.chat.id, client.user.id).get_state()


async def links(sessions, user_id: int) -> list[tuple[int, str]]:
    async with sessions() as s:
        rows = await s.execute(select(AccountLink.account_id, AccountLink.method).where(AccountLink.user_id == user_id))
        return sorted(rows.all())


async def phone_of(sessions, user_id: int) -> str | None:
    async with sessions() as s:
        user = await s.get(User, user_id)
        return user.phone if user else None


async def only_the_uk_account_has_the_phone(sessions, w) -> None:
    async with sessions.begin() as s:
        (await s.get(Owner, w.owner.id)).phone = None


async def test_one_account_goes_straight_to_the_check_and_links_by_phone(client, sessions, dp):
    w = await world(sessions)
    await only_the_uk_account_has_the_phone(sessions, w)
    replies = await client.share_contact("8 (916) 123-45-67")
    assert replies[0].text == t.PHONE_FOUND_ONE and ct.BTN_ACCOUNTS in replies[0].buttons
    assert "Проверьте данные" in replies[-1].text and "№ 1234567890" in replies[-1].text
    assert replies[-1].buttons == [t.BTN_CONNECT, t.BTN_CANCEL]
    assert await state_of(dp, client) == LinkAccount.confirm.state
    assert await links(sessions, client.user.id) == []  # nothing linked before «Подключить»
    assert await phone_of(sessions, client.user.id) == PAYER_PHONE

    replies = await client.click(t.BTN_CONNECT)
    assert "подключён" in replies[1].text
    assert await links(sessions, client.user.id) == [(w.account.id, "phone")]
    assert await state_of(dp, client) is None


async def test_several_accounts_are_offered_and_only_they_can_be_picked(client, sessions, dp):
    w = await world(sessions)  # the owner of flat 12 has the payer's phone: the УК's and the РСО's accounts match
    (reply,) = await client.share_contact(PAYER_PHONE)
    assert reply.text == t.PHONE_FOUND_MANY
    assert reply.buttons == ["№ 1234567890 — ООО «УК Тестовая»: г. Москва, ул. Бауманская, д. 44, кв. 12",
                             "№ ЭЛ-0012 — АО «Энергосбыт»: г. Москва, ул. Бауманская, д. 44, кв. 12"]
    assert await state_of(dp, client) == LinkAccount.phone_pick.state

    # typed text keeps the choice; a forged button of someone else's account is refused
    (hint,) = await client.send("первый")
    assert hint.text == t.PHONE_PICK_HINT and hint.buttons == reply.buttons
    assert await state_of(dp, client) == LinkAccount.phone_pick.state
    forged = await client.click_data(ProviderCD(account_id=w.other_account.id).pack())
    assert forged[0].text == ct.NOT_YOURS
    assert await state_of(dp, client) == LinkAccount.phone_pick.state

    replies = await client.click("№ ЭЛ-0012 — АО «Энергосбыт»: г. Москва, ул. Бауманская, д. 44, кв. 12")
    assert "Проверьте данные" in replies[-1].text and "№ ЭЛ-0012" in replies[-1].text
    await client.click(t.BTN_CONNECT)
    assert await links(sessions, client.user.id) == [(w.power_account.id, "phone")]

    # the next contact offers what is left
    replies = await client.share_contact(PAYER_PHONE)
    assert replies[0].text == t.PHONE_FOUND_ONE and "№ 1234567890" in replies[-1].text


async def test_a_phone_on_no_account_offers_the_flow_and_is_saved(client, sessions, dp):
    await world(sessions)
    (reply,) = await client.share_contact("+7 903 555-00-01")
    assert "+79035550001 не найден" in reply.text and reply.buttons == [t.BTN_LINK]
    assert await state_of(dp, client) is None
    assert await phone_of(sessions, client.user.id) == "+79035550001"
    replies = await client.click(t.BTN_LINK)
    assert "Шаг 1" in replies[-1].text


async def test_all_accounts_of_the_phone_linked_already(client, sessions, dp):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    (reply,) = await client.share_contact(PAYER_PHONE)
    assert "уже подключены" in reply.text and reply.buttons == [t.BTN_LINK]
    assert await state_of(dp, client) is None


async def test_someone_elses_contact_links_nothing(client, sessions, dp):
    await world(sessions)
    (reply,) = await client.share_contact(PAYER_PHONE, own=False)
    assert "чужой контакт" in reply.text and reply.buttons == [t.BTN_LINK]
    assert await state_of(dp, client) is None
    assert await phone_of(sessions, client.user.id) is None


async def test_a_foreign_number_is_named_and_nothing_is_offered(client, sessions, dp):
    await world(sessions)
    (reply,) = await client.share_contact("+4915112345678")
    assert "не российский" in reply.text and reply.buttons == [t.BTN_LINK]
    assert await state_of(dp, client) is None


async def nine_accounts_with_one_phone(sessions, w) -> list[Account]:
    """Accounts 9000 … 9008, each with the payer phone +74951112233 (one more than the bot offers)."""
    async with sessions.begin() as s:
        many = [Account(account_number=f"9{i:03d}", provider_id=w.uk.id, premises_id=w.other_flat.id,
                        payer_name="Офис", payer_phone="+74951112233") for i in range(9)]
        s.add_all(many)
    return many


async def test_a_number_on_too_many_accounts_is_not_a_proof_for_any(client, sessions, dp):
    w = await world(sessions)
    await nine_accounts_with_one_phone(sessions, w)
    (reply,) = await client.share_contact("+74951112233")
    assert "слишком многих" in reply.text and reply.buttons == [t.BTN_LINK]
    assert await state_of(dp, client) is None


async def test_accounts_linked_already_do_not_count_against_the_limit(client, sessions, dp):
    w = await world(sessions)
    many = await nine_accounts_with_one_phone(sessions, w)
    await link(sessions, client.user.id, many[0], many[1])  # a landlord who linked two of nine by number
    (reply,) = await client.share_contact("+74951112233")
    assert reply.text == t.PHONE_FOUND_MANY
    assert [b.split(" — ")[0] for b in reply.buttons] == [f"№ 9{i:03d}" for i in range(2, 9)]


async def test_a_contact_inside_another_dialog_is_not_taken_for_linking(client, sessions, dp):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    await client.send(ct.BTN_READINGS)
    await client.click("Холодная вода ХВ-001")  # the reading dialog waits for the value
    before = await state_of(dp, client)
    assert before is not None
    await client.share_contact(PAYER_PHONE)
    assert await state_of(dp, client) == before
    assert await links(sessions, client.user.id) == [(w.account.id, "phone")]
