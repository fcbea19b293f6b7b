"""Drafts of an appeal and the ways into the compose dialog: «Сохранить» at any step, the dialog kept across a
restart (a new Dispatcher on the same storage), a draft opened and sent later, deleted after «Удалить черновик?»,
another resident's draft refused; «Написать обращение» from other flows (topic and house filled in) and the
complaint to the ГЖИ prefilled from an answered appeal; nonsense and /cancel in every state."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from bot.app import build_dispatcher
from bot.fsm.appeals import AppealDraftCD, AppealNewCD, ComposeAppeal
from bot.services.appeals import drafts
from bot.texts import appeals as t
from bot.texts.flows import FLOW_TITLES
from storage.models import Appeal, AppealAnswer
from tests.harness import BotClient
from tests.test_appeals_compose import answer, data_of, resident, state_of, walk_to

UK = "ООО «УК Тестовая»"


async def rows(sessions):
    async with sessions() as s:
        return (await s.execute(select(Appeal).order_by(Appeal.id))).scalars().all()


@pytest.mark.parametrize("step", ["name", "email", "topic", "text", "files", "review"])
async def test_save_at_any_step_keeps_a_draft(step, client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, step)
    replies = await client.click(t.BTN_SAVE)
    assert t.SAVED in [r.text for r in replies]
    assert await state_of(dp, bot, client) == getattr(ComposeAppeal, step).state  # the dialog goes on
    (a,) = await rows(sessions)
    assert a.status == "draft" and a.number is None and a.user_id == client.user.id
    # saved again: the same draft, not a second one
    await client.click(t.BTN_SAVE)
    assert len(await rows(sessions)) == 1
    # «Отменить» leaves the draft as it was saved
    replies = await client.click(t.BTN_CANCEL)
    assert "Черновик остался в «Не отправлено»" in replies[-1].text
    assert len(await rows(sessions)) == 1


async def test_save_on_the_phone_step_by_the_reply_button(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "phone")
    replies = await client.send(t.BTN_SAVE)
    assert t.SAVED in [r.text for r in replies] and await state_of(dp, bot, client) == ComposeAppeal.phone.state
    assert len(await rows(sessions)) == 1
    replies = await client.send("/cancel")
    assert "Черновик остался" in replies[-1].text


async def test_dialog_and_draft_survive_a_restart_and_are_sent_later(sessions, settings, fsm_storage, clock, bot,
                                                                     dp):
    first = BotClient(dp, bot)
    await resident(first, sessions)
    await walk_to(first, "text")
    await first.send("Не работает лифт во втором подъезде.")
    await first.click(t.BTN_SAVE)
    # a new process: a new Dispatcher on the same storage and database
    dp2, _ = build_dispatcher(settings, sessions, fsm_storage, clock)
    second = BotClient(dp2, bot)
    second.new_replies()
    second.inline = dict(first.inline)
    files = (await second.click(t.BTN_DONE))[-1]
    assert "Шаг 9 из 9" in files.text
    card = (await second.click(t.BTN_NO_FILES))[-1]
    assert "Не работает лифт во втором подъезде." in card.text and "Черновик сохранён" in card.text
    await second.click(t.BTN_SEND)
    replies = await second.click(t.BTN_YES)
    assert any("№ 2026-000001" in r.text for r in replies)
    (a,) = await rows(sessions)  # the draft became the sent appeal
    assert a.status == "sent" and a.text == "Не работает лифт во втором подъезде."


async def test_draft_opened_from_the_list_later_and_sent(client, sessions, dp, bot, settings, fsm_storage, clock):
    await resident(client, sessions)
    await walk_to(client, "files")
    await client.click(t.BTN_SAVE)
    await client.send("/cancel")
    (a,) = await rows(sessions)
    dp2, _ = build_dispatcher(settings, sessions, fsm_storage, clock)  # another day, another process
    later = BotClient(dp2, bot)
    later.new_replies()
    replies = await later.click_data(AppealDraftCD(id=a.id, action="edit").pack())
    assert t.DRAFT_OPENED in [r.text for r in replies]
    card = replies[-1]
    assert "<b>Тема:</b> 2.3. Уборка подъезда" in card.text and "<b>Помещение:</b> кв. 12" in card.text
    await later.click(t.BTN_CHANGE)
    await later.click("Текст")
    await later.send("И лестница не мыта.")
    card = (await later.click(t.BTN_DONE))[-1]
    assert "две недели.\nИ лестница не мыта." in card.text
    await later.click(t.BTN_SEND)
    await later.click(t.BTN_YES)
    (a,) = await rows(sessions)
    assert a.status == "sent" and a.text.endswith("И лестница не мыта.")
    # the sent appeal is never a draft again: «Продолжить» from the old list is refused
    replies = await later.click_data(AppealDraftCD(id=a.id, action="edit").pack())
    assert replies[0].text == t.NOT_YOUR_DRAFT


async def test_delete_a_draft_asks_first(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "email")
    await client.click(t.BTN_SAVE)
    (a,) = await rows(sessions)
    replies = await client.click_data(AppealDraftCD(id=a.id, action="delete").pack())
    ask = replies[-1]
    assert ask.text == "Удалить черновик?" and ask.buttons == ["Да", "Нет"]
    replies = await client.click("Нет")
    assert replies[-1].text == t.NOT_DELETED and len(await rows(sessions)) == 1
    await client.click_data(AppealDraftCD(id=a.id, action="delete").pack())
    replies = await client.click("Да")
    assert replies[-1].text == t.DELETED and await rows(sessions) == []
    assert await state_of(dp, bot, client) is None  # it was open in the dialog: the dialog is closed too


async def test_another_residents_draft_is_refused(client, make_client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "text")
    await client.click(t.BTN_SAVE)
    (a,) = await rows(sessions)
    other = make_client(user_id=222, first_name="Анна", last_name="Смирнова")
    await other.send("/start")
    for action in ("edit", "delete", "delete_yes"):
        replies = await other.click_data(AppealDraftCD(id=a.id, action=action).pack())
        assert replies[0].method == "answerCallbackQuery" and replies[0].text == t.NOT_YOUR_DRAFT, action
    assert len(await rows(sessions)) == 1 and await state_of(dp, bot, other) is None
    # a forged id past the column's range is a stale button, not an error
    replies = await other.click_data(f"apd:{2**31}:edit")
    assert "больше не действует" in replies[0].text


async def test_draft_sent_on_another_device_is_not_sent_twice(client, sessions, dp, bot, clock):
    await resident(client, sessions)
    await walk_to(client, "review")
    await client.click(t.BTN_SAVE)
    (a,) = await rows(sessions)
    f = (await data_of(dp, bot, client)).f()
    await drafts.submit(sessions, client.user.id, f, clock, False, a.id)  # the other device sent it
    await client.click(t.BTN_SEND)
    replies = await client.click(t.BTN_YES)
    assert replies[-1].text == t.SEND_GONE
    assert [x.status for x in await rows(sessions)] == ["sent"]


# --------------------------------------------------------------------------------------------- from elsewhere


async def test_new_appeal_with_topic_and_house_from_another_flow(client, sessions, dp, bot):
    w = await resident(client, sessions)
    replies = await client.click_data(AppealNewCD(topic="5.9", house=w.house.id).pack())
    alarm = [r for r in replies if "авария" in r.text][0]
    assert "<b>104</b>" in alarm.text and "<b>112</b>" in alarm.text and "+7 495 765-43-21" in alarm.text
    assert "Шаг 1 из 9" in replies[-1].text
    f = (await data_of(dp, bot, client)).f()
    assert f.topic_code == "5.9" and f.house_id == w.house.id
    for step in ("name", "phone", "email", "house", "premises"):
        await answer(client, step)
    topic = client.last
    assert topic.buttons[0] == t.BTN_OK  # the topic given is kept with «Верно»
    replies = await client.click(t.BTN_OK)
    assert "Шаг 7 из 9" in replies[-1].text
    await client.click(f"✓ {UK}")
    await answer(client, "text")
    card = (await client.click(t.BTN_NO_FILES))[-1]
    assert "⚠️ <b>Срочное</b>" in card.text and "5.9. Запах газа" in card.text


async def test_a_forged_topic_is_ignored(client, sessions, dp, bot):
    await resident(client, sessions)
    await client.click_data(AppealNewCD(topic="99.9", house=0).pack())
    assert (await data_of(dp, bot, client)).f().topic_code is None


async def test_complaint_to_the_gzhi_about_an_answer(client, make_client, sessions, dp, bot, clock):
    w = await resident(client, sessions)
    await walk_to(client, "review")
    await client.click(t.BTN_SEND)
    await client.click(t.BTN_YES)
    (first,) = await rows(sessions)
    async with sessions.begin() as s:
        s.add(AppealAnswer(appeal_id=first.id, author_id=900, author_name="Ольга",
                           text="Уборка по графику.", created_at=clock.utcnow()))
        a = await s.get(Appeal, first.id)
        a.status = "answered"
    replies = await client.click_data(AppealNewCD(parent=first.id).pack())
    card = replies[-1]
    assert "Жалоба на ответ по обращению № 2026-000001" in card.text
    assert "<b>Адресат:</b> Мосжилинспекция" in card.text and "Уборка по графику." in card.text
    assert "<b>Тема:</b> 2.3. Уборка подъезда" in card.text and "<b>Помещение:</b> кв. 12" in card.text
    await client.click(t.BTN_SEND)
    replies = await client.click(t.BTN_YES)
    assert any("№ 2026-000002" in r.text for r in replies)
    second = (await rows(sessions))[-1]
    assert second.parent_id == first.id and second.addressee_id == w.gzhi.id and second.route == "pdf"
    # another resident cannot start a complaint from this appeal
    other = make_client(user_id=222, first_name="Анна", last_name="Смирнова")
    replies = await other.click_data(AppealNewCD(parent=first.id).pack())
    assert replies[0].method == "answerCallbackQuery" and "Нет доступа" in replies[0].text
    assert await state_of(dp, bot, other) is None


# --------------------------------------------------------------------------------------------- every state


STATES = [s.state for s in ComposeAppeal.__all_states__]


@pytest.mark.parametrize("state", STATES)
async def test_nonsense_then_cancel_in_every_state(state, dp, bot, client, sessions):
    await resident(client, sessions)
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    await dp.storage.set_state(key, state)  # no data: whatever a step needs is missing
    replies = await client.send("ъъъ !!! 12,3,4 zzz")
    assert [r.text for r in replies if r.text], f"{state}: nonsense went unanswered"
    await dp.storage.set_state(key, state)
    replies = await client.send("/cancel")
    assert await dp.storage.get_state(key) is None
    assert any(FLOW_TITLES["ComposeAppeal"] in r.text and "отменено" in r.text for r in replies)


async def test_menu_counts_drafts(client, sessions):
    await resident(client, sessions)
    await walk_to(client, "email")
    await client.click(t.BTN_SAVE)
    left, menu = await client.send("Обращения")  # leaving the dialog by the menu button names the draft kept
    assert "Черновик остался в «Не отправлено»" in left.text
    assert "Не отправлено: 1 черновик." in menu.text
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Appeal)) == 1


async def test_a_menu_button_mid_appeal_keeps_the_saved_draft(client, sessions, dp, bot):
    """Another flow's main-menu button pressed inside an appeal whose draft was saved says the draft is kept,
    not «ничего не сохранено»."""
    from bot.texts import common as ct

    await resident(client, sessions)
    await walk_to(client, "topic")
    await client.click(t.BTN_SAVE)
    replies = await client.send("Мой дом")
    said = "\n".join(r.text for r in replies if r.text)
    assert "черновик остался в «Не отправлено»" in said and "ничего не сохранено" not in said
    assert ct.CANCELLED_DRAFT_KEPT.format(flow="Обращение") in said
