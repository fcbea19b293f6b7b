"""Menu words typed by hand: «показания», «Жалоба!», «мой ДОМ», «помощь», «отмена». Outside a dialog they open the
section the button would; inside one they stay answers to its step — but for «отмена», which leaves it anywhere."""

from __future__ import annotations

import pytest

from bot.filters import normalize_words
from bot.texts import common as ct
from bot.texts import readings as rt
from tests.factories import link, world

COLD = "Холодная вода ХВ-001"


async def state_of(dp, client) -> str | None:
    return await dp.fsm.get_context(client.bot, client.chat.id, client.user.id).get_state()


@pytest.fixture
async def w(sessions, client):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    return w


def test_typed_words_are_written_as_they_are_compared_and_name_one_section_each():
    seen: dict[str, str] = {}
    tables = {**ct.TYPED_MENU_WORDS, "/menu": ct.TYPED_MENU, "/help": ct.TYPED_HELP, "/cancel": ct.TYPED_CANCEL}
    assert set(ct.TYPED_MENU_WORDS) == {label for row in ct.MAIN_MENU for label in row}
    for section, words in tables.items():
        for word in words:
            assert word == normalize_words(word), word
            assert seen.setdefault(word, section) == section, f"«{word}»: {seen[word]} and {section}"


@pytest.mark.parametrize(("typed", "expected"), [
    ("Показания!", "показания"),
    ("  мой   ДОМ ", "мой дом"),
    ("Лицевой счёт 🙂", "лицевой счет"),
    ("«Жалоба»", "жалоба"),
    ("оплатить-жку", "оплатить жку"),
])
def test_normalized(typed, expected):
    assert normalize_words(typed) == expected


@pytest.mark.parametrize(("typed", "label"), [
    ("показания", ct.BTN_READINGS),
    ("Счётчики", ct.BTN_READINGS),
    ("передать показания!", ct.BTN_READINGS),
    ("лицевой счет", ct.BTN_ACCOUNTS),
    ("ДОЛГ", ct.BTN_PAY),
    ("жалоба", ct.BTN_APPEALS),
    ("Голосование", ct.BTN_VOTING),
    ("мой дом", ct.BTN_HOUSE),
    ("отключения", ct.BTN_HOUSE),
    ("уведомления", ct.BTN_SETTINGS),
])
async def test_a_typed_word_opens_the_section_as_its_button_does(dp, client, w, typed, label):
    pressed = await client.send(label)
    pressed_state = await state_of(dp, client)
    await client.send("/start")  # back to no dialog
    typed_replies = await client.send(typed)
    assert [(r.text, r.buttons) for r in typed_replies] == [(r.text, r.buttons) for r in pressed]
    assert typed_replies[0].text != ct.UNKNOWN_INPUT
    assert await state_of(dp, client) == pressed_state


async def test_menu_and_help_typed(client):
    (reply,) = await client.send("Меню")
    assert reply.text == ct.MENU and ct.BTN_READINGS in reply.buttons
    (reply,) = await client.send("помощь?")
    assert reply.text == ct.HELP


async def test_a_sentence_with_a_menu_word_in_it_is_not_taken_for_the_button(client, w):
    (reply,) = await client.send("у меня жалоба на соседей сверху, они шумят")
    assert reply.text == ct.UNKNOWN_INPUT


async def test_inside_a_dialog_a_typed_word_is_the_answer_to_the_step(dp, client, w):
    await client.send(rt.TITLE)
    await client.click(COLD)
    assert await state_of(dp, client) == "SubmitReading:value"
    (reply,) = await client.send("показания")
    assert reply.text != ct.UNKNOWN_INPUT and "Передать показания" not in reply.text.split("\n")[0]
    assert await state_of(dp, client) == "SubmitReading:value"  # the step keeps waiting for the value
    (reply,) = await client.send("105,5")
    assert "105,500" in reply.text


@pytest.mark.parametrize("typed", ["отмена", "Отмена!", "ОТМЕНИТЬ", "стоп"])
async def test_cancel_typed_leaves_the_dialog_from_any_step(dp, client, w, typed):
    await client.send(rt.TITLE)
    await client.click(COLD)
    replies = await client.send(typed)
    assert await state_of(dp, client) is None
    assert "отменено" in replies[-1].text.casefold()


async def test_cancel_typed_outside_a_dialog(client):
    (reply,) = await client.send("отмена")
    assert reply.text == ct.NOTHING_TO_CANCEL


async def test_the_button_itself_still_leaves_a_dialog(dp, client, w):
    await client.send(rt.TITLE)
    await client.click(COLD)
    replies = await client.send(ct.BTN_HOUSE)
    assert await state_of(dp, client) is None
    assert any("отменено" in r.text.casefold() for r in replies)
