"""«Направить обращение или жалобу» through the Dispatcher: every step and its refusals, «« Назад» and /cancel on
every step, the review card, the seed's confirmation, sending once (a double tap on «Да» sends nothing twice),
the menu, and hostile text shown escaped."""

from __future__ import annotations

import datetime as dt

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Document, PhotoSize
from sqlalchemy import func, select

from bot.fsm.appeals import AppealCD, AppealData, AppealsMenuCD, ComposeAppeal
from bot.texts import appeals as t
from storage.models import Appeal, AppealFile
from tests.factories import link, world

ADDRESS = "г. Москва, ул. Бауманская, д. 44"
UK = "ООО «УК Тестовая»"
MB = 1024 * 1024


def texts(replies) -> str:
    return "\n".join(r.text for r in replies if r.text)


async def state_of(dp, bot, client):
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    return await dp.storage.get_state(key)


async def data_of(dp, bot, client) -> AppealData:
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    return AppealData.model_validate(await dp.storage.get_data(key))


async def resident(client, sessions):
    await client.send("/start")
    w = await world(sessions)
    await link(sessions, client.user.id, w.account)
    return w


def doc(client, name: str, size: int, mime: str = "application/pdf", group: str | None = None):
    n = next(client._message_ids)
    d = Document(file_id=f"f{client.user.id}_{n}", file_unique_id=f"u{client.user.id}_{n}", file_name=name,
                 mime_type=mime, file_size=size)
    return client.feed(message=client._message(document=d, media_group_id=group))


def photo(client, group: str | None = None, size: int = 200_000):
    n = next(client._message_ids)
    sizes = [PhotoSize(file_id=f"p{n}s", file_unique_id=f"p{n}su", width=90, height=60, file_size=2_000),
             PhotoSize(file_id=f"p{n}l", file_unique_id=f"p{n}lu", width=1280, height=960, file_size=size)]
    return client.feed(message=client._message(photo=sizes, media_group_id=group))


# the steps, and how to answer each to get to the next one
async def answer(client, step: str) -> list:
    if step == "name":
        return await client.click(t.BTN_OK)
    if step == "phone":
        return await client.share_contact("79161234567")
    if step == "email":
        return await client.send("ivanov@mail.ru")
    if step == "house":
        return await client.click(f"✓ {ADDRESS}")
    if step == "premises":
        return await client.click("✓ кв. 12")
    if step == "topic":
        await client.click("2. Проблемы, относящиеся к внутридомовой территории.")
        return await client.click("2.3. Уборка подъезда")
    if step == "addressee":
        return await client.click(f"✓ {UK}")
    if step == "text":
        await client.send("В подъезде не убирают уже две недели.")
        return await client.click(t.BTN_DONE)
    if step == "files":
        return await client.click(t.BTN_NO_FILES)
    raise AssertionError(step)


STEPS = ["name", "phone", "email", "house", "premises", "topic", "addressee", "text", "files"]


async def walk_to(client, step: str) -> list:
    replies = await client.send("/appeal")
    for s in STEPS[:STEPS.index(step)] if step != "review" else STEPS:
        replies = await answer(client, s)
    return replies


# --------------------------------------------------------------------------------------------- the whole way


async def test_compose_and_send_an_emergency(client, sessions, dp, bot):
    await resident(client, sessions)
    (menu,) = await client.send("Обращения")
    assert "<b>Обращения</b>" in menu.text and menu.buttons == [t.BTN_NEW, t.BTN_MINE]

    replies = await client.click(t.BTN_NEW)
    assert "Шаг 1 из 9. Заявитель" in replies[-1].text
    assert "Фамилия Имя Отчество: <b>Хабибуллин Ринат</b>" in replies[-1].text
    assert replies[-1].buttons[0] == t.BTN_OK and t.BTN_BACK in replies[-1].buttons
    assert {t.BTN_SAVE, t.BTN_CANCEL} <= set(replies[-1].buttons)

    (bad,) = await client.send("Ринат")
    assert "хотя бы фамилия и имя" in bad.text
    assert await state_of(dp, bot, client) == ComposeAppeal.name.state
    replies = await client.send("хабибуллин ринат ильдарович")
    phone = replies[-1]
    assert "Шаг 2 из 9. Телефон" in phone.text and t.BTN_SHARE_PHONE in phone.buttons
    assert phone.reply.keyboard[0][0].request_contact

    (bad,) = await client.share_contact("79035550000", own=False)
    assert bad.text == t.NOT_OWN_CONTACT and await state_of(dp, bot, client) == ComposeAppeal.phone.state
    (bad,) = await client.send("позвоните мне")
    assert "Не понял номер" in bad.text
    replies = await client.send("8 (916) 123-45-67")
    assert replies[0].text == "Телефон: +7 916 123-45-67" and "Передать показания" in replies[0].buttons

    assert "Шаг 3 из 9. Электронная почта" in replies[-1].text
    (bad,) = await client.send("ivanov@mail")
    assert "не похож на электронную почту" in bad.text
    replies = await client.send("Ivanov@Mail.RU")
    house = replies[-1]
    assert "Шаг 4 из 9. Адрес дома" in house.text and f"Сейчас: <b>{ADDRESS}</b>" in house.text
    assert house.buttons[:2] == [f"✓ {ADDRESS}", t.BTN_SEARCH_HOUSE]

    premises = (await client.click(f"✓ {ADDRESS}"))[-1]
    assert "Шаг 5 из 9. Помещение" in premises.text and "Муниципальное образование: Москва" in premises.text
    assert premises.buttons[:2] == ["✓ кв. 12", t.BTN_SKIP]

    topic = (await client.click("✓ кв. 12"))[-1]
    assert "Шаг 6 из 9. Тема обращения" in topic.text
    assert topic.buttons[:9] == [f"{x}. {y}" for x, y in (
        ("1", "Проблемы, относящиеся к придомовой территории"),
        ("2", "Проблемы, относящиеся к внутридомовой территории."),
        ("3", "Проблемы, связанные с ошибками в квитанциях, оплате, договорах и т.п."),
        ("4", "Другая тема"), ("5", "Оказание коммунальных услуг"), ("6", "Оказание услуг по содержанию и ремонту"),
        ("7", "Предоставление информации"), ("8", "Нарушения со стороны УК, ТСЖ, ЖСК, ЖК или иного СПК"),
        ("9", "Комфортная городская среда"))]
    sub = (await client.click("6. Оказание услуг по содержанию и ремонту"))[-1]
    assert sub.buttons[:5] == ["6.1. Качество оказания услуг по содержанию и ремонту",
                               "6.2. Сроки оказания услуг по содержанию и ремонту",
                               "6.3. Цены (тарифы) на предоставляемые услуги по содержанию и ремонту",
                               "6.4. Размер оплаты за предоставляемые услуги по содержанию и ремонту",
                               "6.5. Объем и перечень предоставляемых услуг по содержанию и ремонту"]
    await client.click(t.BTN_TOPICS)
    await client.click("2. Проблемы, относящиеся к внутридомовой территории.")
    replies = await client.click("2.1. Протечка кровли")
    alarm = [r for r in replies if "авария" in r.text][0]
    assert f"Аварийно-диспетчерская служба ({UK}): <b>+7 495 765-43-21</b>" in alarm.text
    addressee = replies[-1]
    assert "Шаг 7 из 9. Адресат обращения" in addressee.text and f"Сейчас: <b>{UK}</b>" in addressee.text
    assert addressee.buttons[:4] == [f"✓ {UK}", "Мосжилинспекция", "АО «Энергосбыт»", t.BTN_ORG_SEARCH]

    text = (await client.click(f"✓ {UK}"))[-1]
    assert "Шаг 8 из 9. Текст обращения" in text.text
    replies = await client.send("Течёт")
    taken = replies[-1]
    assert "В тексте 5 символов" in taken.text
    short = (await client.click(t.BTN_DONE))[-1]
    assert "хотя бы 10 символов. Сейчас: 5" in short.text
    assert await state_of(dp, bot, client) == ComposeAppeal.text.state
    (taken,) = await client.send("крыша над кв. 12, вода на потолке.")
    assert "В тексте 40 символов" in taken.text

    files = (await client.click(t.BTN_DONE))[-1]
    assert "Шаг 9 из 9. Файлы" in files.text and files.buttons[0] == t.BTN_NO_FILES
    (refused,) = await doc(client, "setup.exe", 1000, "application/x-msdownload")
    assert "Файл «setup.exe» не принят: такой тип файла нельзя прикрепить" in refused.text
    (refused,) = await doc(client, "photos.zip", 1000, "application/zip")
    assert "«photos.zip» не принят" in refused.text
    (refused,) = await doc(client, "scan.pdf", 60 * MB)
    assert "Файл «scan.pdf» не принят: 60,0 МБ — больше 50 МБ" in refused.text
    assert await state_of(dp, bot, client) == ComposeAppeal.files.state
    (taken,) = await photo(client)
    assert taken.text == "Файл «фото 1» прикреплён (1 из 10)."
    (taken,) = await doc(client, "акт.pdf", 2 * MB)
    assert "«акт.pdf» прикреплён (2 из 10)" in taken.text

    card = (await client.click(t.BTN_DONE))[-1]
    for part in ("⚠️ <b>Срочное</b>", "<b>Заявитель:</b> Хабибуллин Ринат Ильдарович",
                 "<b>Телефон:</b> +7 916 123-45-67", "<b>Электронная почта:</b> Ivanov@mail.ru",
                 f"<b>Адрес дома:</b> {ADDRESS}", "<b>Помещение:</b> кв. 12",
                 "<b>Муниципальное образование:</b> Москва", "<b>Тема:</b> 2.1. Протечка кровли",
                 "<b>Адресат:</b> ООО «УК Тестовая»", "Течёт\nкрыша над кв. 12", "<b>Файлы</b> (2): фото 1, акт.pdf",
                 "№ 59-ФЗ", "Ivanov@mail.ru"):
        assert part in card.text, part
    assert card.buttons == [t.BTN_SEND, t.BTN_SAVE, t.BTN_CHANGE, t.BTN_CANCEL]

    (confirm,) = [r for r in await client.click(t.BTN_SEND) if r.method == "sendMessage"]
    assert confirm.text == ("Перед отправкой обращения убедитесь в правильности введенных данных. После отправки "
                            "обращение будет недоступно для редактирования. Отправить обращение?")
    assert confirm.buttons == ["Да", "Нет"]
    yes = confirm.inline.inline_keyboard[0][0].callback_data
    replies = await client.click("Да")
    sent = [r for r in replies if "Отправлено" in r.text][0]
    assert "<b>№ 2026-000001</b> от 19.11.2026" in sent.text and "⚠️ Срочное" in sent.text
    assert "Ответ ожидается до <b>20.11.2026</b> — 1 рабочий день" in sent.text
    assert "передано в ООО «УК Тестовая». Ответ придёт в этот чат" in replies[-1].text
    assert await state_of(dp, bot, client) is None

    again = await client.click_data(yes, confirm.message_id)  # a double tap: the dialog is closed
    assert again[0].method == "answerCallbackQuery" and "больше не действует" in again[0].text
    async with sessions() as s:
        appeals = (await s.execute(select(Appeal))).scalars().all()
        files_n = await s.scalar(select(func.count()).select_from(AppealFile))
    assert len(appeals) == 1 and appeals[0].status == "sent" and appeals[0].urgent
    assert appeals[0].phone == "+79161234567" and appeals[0].patronymic == "Ильдарович"
    assert appeals[0].due_on == dt.date(2026, 11, 20) and files_n == 2


async def test_ordinary_topic_ten_working_days_and_pdf_for_the_gzhi(client, sessions):
    w = await resident(client, sessions)
    await walk_to(client, "addressee")
    await client.click("Мосжилинспекция")
    await answer(client, "text")
    await client.click(t.BTN_NO_FILES)
    await client.click(t.BTN_SEND)
    replies = await client.click("Да")
    sent = [r for r in replies if "Отправлено" in r.text][0]
    # 19.11.2026 + 3 days to register + 30 = 22.12.2026 (a Tuesday)
    assert "Ответ ожидается до <b>22.12.2026</b> — 30 дней после регистрации" in sent.text
    # told once where it went: the delivery's message with the addressee's contacts, then the PDF itself
    told = [r for r in replies if "не отвечает через бота" in r.text or "не работает в этом боте" in r.text]
    assert len(told) == 1 and "Мосжилинспекция" in told[0].text and "PDF" in told[0].text
    assert any(r.method == "sendDocument" for r in replies)
    async with sessions() as s:
        a = (await s.execute(select(Appeal))).scalar_one()
    assert a.addressee_id == w.gzhi.id and a.route == "pdf"


async def test_uk_ten_working_days(client, sessions):
    await resident(client, sessions)
    await walk_to(client, "review")
    await client.click(t.BTN_SEND)
    replies = await client.click("Да")
    sent = [r for r in replies if "Отправлено" in r.text][0]
    # Thu 19.11.2026 + 10 working days: 20, 23–27, 30 Nov, 1, 2, 3 Dec → Thu 03.12.2026
    assert "Ответ ожидается до <b>03.12.2026</b> — 10 рабочих дней" in sent.text
    # the next appeal starts from what this one said: the name typed, the phone, the e-mail
    await client.send("/appeal")
    await client.click(t.BTN_OK)
    replies = await client.send(t.BTN_OK)  # the phone shared last time
    assert replies[0].text == "Телефон: +7 916 123-45-67"
    assert "Сейчас: <b>ivanov@mail.ru</b>" in replies[-1].text and replies[-1].buttons[0] == t.BTN_OK


# --------------------------------------------------------------------------------------------- back and cancel


@pytest.mark.parametrize("step", STEPS + ["review"])
async def test_cancel_on_every_step(step, client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, step)
    assert await state_of(dp, bot, client) == getattr(ComposeAppeal, step).state
    replies = await client.send("/cancel")
    assert "Обращение: отменено" in replies[-1].text and await state_of(dp, bot, client) is None
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Appeal)) == 0


async def test_back_on_every_step(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "review")
    assert await state_of(dp, bot, client) == ComposeAppeal.review.state
    await client.click(t.BTN_CHANGE)
    await client.click(t.BTN_TO_REVIEW)
    # from the files step back, one by one, to the first, and out
    await client.send("/cancel")
    await walk_to(client, "files")
    for step in reversed(STEPS[:-1]):
        if step == "phone":  # the email step's «Назад» leads to the phone step, whose «Назад» is a reply button
            await client.click(t.BTN_BACK)
            assert await state_of(dp, bot, client) == ComposeAppeal.phone.state
            replies = await client.send(t.BTN_BACK)
            assert "Передать показания" in replies[0].buttons  # the reply keyboard of the phone step is gone
            continue
        if step == "name":
            assert await state_of(dp, bot, client) == ComposeAppeal.name.state
            continue
        await client.click(t.BTN_BACK)
        assert await state_of(dp, bot, client) == getattr(ComposeAppeal, step).state, step
    replies = await client.click(t.BTN_BACK)
    assert "Обращение: отменено" in replies[-2].text and await state_of(dp, bot, client) is None
    assert replies[-1].buttons == [t.BTN_NEW, t.BTN_MINE]  # back at the «Обращения» menu


async def test_cancel_button_and_menu_button_leave(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "topic")
    replies = await client.click(t.BTN_CANCEL)
    assert "Обращение: отменено" in replies[-1].text and await state_of(dp, bot, client) is None
    await walk_to(client, "text")
    replies = await client.send("Мой дом")
    assert "Обращение: отменено" in replies[0].text and await state_of(dp, bot, client) is None


async def test_stale_button_of_a_finished_dialog(client, sessions, dp, bot):
    await resident(client, sessions)
    await client.send("/appeal")
    data = await data_of(dp, bot, client)
    await client.send("/cancel")
    replies = await client.click_data(AppealCD(act="ok", token=data.token).pack())
    assert "больше не действует" in replies[0].text


# --------------------------------------------------------------------------------------------- the steps' refusals


async def test_phone_skip_and_house_search(client, sessions, dp, bot):
    w = await resident(client, sessions)
    await walk_to(client, "phone")
    replies = await client.send(t.BTN_SKIP)
    assert replies[0].text == "Телефон не указан."
    await answer(client, "email")
    await client.click(t.BTN_SEARCH_HOUSE)
    (none,) = await client.send("Несуществующая 999")
    assert "не найден" in none.text and await state_of(dp, bot, client) == ComposeAppeal.house.state
    (found,) = await client.send("Петровско-Разумовский 12")
    assert "Найдено 1 дом" in found.text
    premises = (await client.click("г. Москва, проезд Петровско-Разумовский, д. 12"))[-1]
    assert "Шаг 5 из 9" in premises.text and "кв. 12" not in premises.buttons  # not the resident's flat there
    for bad in ("<b>7</b>", "седьмая", "7" * 21):
        (refused,) = await client.send(bad)
        assert "Напишите номер помещения цифрами" in refused.text, bad
    assert await state_of(dp, bot, client) == ComposeAppeal.premises.state
    await client.send("7")  # a typed number found in the registry
    await answer(client, "topic")
    await answer(client, "addressee")
    await answer(client, "text")
    card = (await client.click(t.BTN_NO_FILES))[-1]
    assert "<b>Телефон:</b> не указано" in card.text and "<b>Помещение:</b> кв. 7" in card.text
    assert "проезд Петровско-Разумовский, д. 12" in card.text
    assert (await data_of(dp, bot, client)).f().premises_id == w.other_flat.id


async def test_other_topic_typed(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "topic")
    ask = (await client.click("4. Другая тема"))[-1]
    assert "Напишите название темы" in ask.text
    (bad,) = await client.send("т" * 251)
    assert "до 250 символов. Сейчас: 251" in bad.text
    assert await state_of(dp, bot, client) == ComposeAppeal.custom_topic.state
    replies = await client.send("Шум <b>соседей</b> & ремонт")
    assert "Шаг 7 из 9" in replies[-1].text
    await answer(client, "addressee")
    await answer(client, "text")
    card = (await client.click(t.BTN_NO_FILES))[-1]
    assert "<b>Тема:</b> Другая тема: Шум &lt;b&gt;соседей&lt;/b&gt; &amp; ремонт" in card.text


async def test_advanced_search_of_the_addressee(client, sessions, dp, bot):
    w = await resident(client, sessions)
    await walk_to(client, "addressee")
    ask = (await client.click(t.BTN_ORG_SEARCH))[-1]
    assert "Расширенный поиск" in ask.text
    (bad,) = await client.send("7707083894")
    assert "ИНН 7707083894 введён с ошибкой: не сходится контрольная цифра" in bad.text
    (bad,) = await client.send("1027700132194")
    assert "ОГРН 1027700132194 введён с ошибкой" in bad.text
    (bad,) = await client.send("12345")
    assert "Проверьте число цифр" in bad.text
    (none,) = await client.send("Рога и копыта")
    assert "Организация «Рога и копыта» не найдена" in none.text
    assert await state_of(dp, bot, client) == ComposeAppeal.org_search.state
    (found,) = await client.send(w.rso.inn)
    assert found.buttons[0] == f"АО «Энергосбыт» (ИНН {w.rso.inn})"
    replies = await client.click(found.buttons[0])
    assert "Шаг 8 из 9" in replies[-1].text
    assert (await data_of(dp, bot, client)).f().addressee_id == w.rso.id


async def test_text_in_several_messages_and_too_long(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "text")
    await client.send("а" * 4096)  # Telegram cuts a long message at 4096
    (taken,) = await client.send("б" * 4096)
    assert "В тексте 8\u00a0193 символа" in taken.text
    (refused,) = await client.send("в" * 4096)
    assert "12\u00a0290 символов — больше 10\u00a0000" in refused.text and "не добавлено" in refused.text
    (taken,) = await client.send("г" * 1000)
    assert "9\u00a0194 символа" in taken.text
    files = (await client.click(t.BTN_DONE))[-1]
    assert "Шаг 9 из 9" in files.text
    assert len((await data_of(dp, bot, client)).f().text) == 9194


async def test_ten_files_at_most_and_an_album_counts_every_file(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "files")
    for _ in range(3):
        await photo(client, group="album1")
    for i in range(7):
        await doc(client, f"doc{i}.docx", 1000,
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    (refused,) = await doc(client, "лишний.pdf", 1000)
    assert "«лишний.pdf» не принят: уже прикреплено 10 файлов" in refused.text
    (refused,) = await photo(client)
    assert "не принят" in refused.text
    f = (await data_of(dp, bot, client)).f()
    assert len(f.files) == 10 and [x.kind for x in f.files[:3]] == ["photo"] * 3
    assert f.files[0].file_id.endswith("l")  # the largest size of a photo


async def test_wrong_input_on_a_step_is_explained(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "topic")
    hint, again = await client.send("что-то")
    assert "шаг 6" in hint.text and "/cancel" in hint.text
    assert "Шаг 6 из 9" in again.text and again.buttons[0].startswith("1. ")  # the step again, with its buttons
    await answer(client, "topic")
    await answer(client, "addressee")
    (refused,) = await doc(client, "акт.pdf", 1000)
    assert refused.text == t.TEXT_ONLY and await state_of(dp, bot, client) == ComposeAppeal.text.state


async def test_review_change_goes_back_to_the_card(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "review")
    change = (await client.click(t.BTN_CHANGE))[-1]
    assert change.buttons[:9] == list(t.FIELD_NAMES.values())
    await client.click("Электронная почта")
    card = (await client.send("new@example.ru"))[-1]
    assert "<b>Электронная почта:</b> new@example.ru" in card.text and card.buttons[0] == t.BTN_SEND
    await client.click(t.BTN_CHANGE)
    await client.click("Текст")
    await client.click(t.BTN_CLEAR_TEXT)
    await client.send("Совсем другой текст обращения.")
    card = (await client.click(t.BTN_DONE))[-1]
    assert "Совсем другой текст обращения." in card.text and "две недели" not in card.text
    await client.click(t.BTN_CHANGE)
    await client.click("Тема")
    await client.click("8. Нарушения со стороны УК, ТСЖ, ЖСК, ЖК или иного СПК")
    replies = await client.click("8.2. Нарушение лицензионных требований")
    # the topic goes to the ГЖИ by default: the addressee step is asked again with it chosen
    assert "Шаг 7 из 9" in replies[-1].text and replies[-1].buttons[1] == "✓ Мосжилинспекция"
    card = (await client.click("✓ Мосжилинспекция"))[-1]
    assert "<b>Адресат:</b> Мосжилинспекция" in card.text


async def test_incomplete_appeal_is_not_sent(client, sessions, dp, bot):
    await client.send("/start")
    await world(sessions)  # no linked account: no house by default
    await client.send("/appeal")
    await client.click(t.BTN_OK)
    await client.send(t.BTN_SKIP)
    data = await data_of(dp, bot, client)
    await client.send("/cancel")
    assert data.f().email is None
    # to the review straight from a saved draft with nothing but the name
    await client.send("/appeal")
    await client.click(t.BTN_SAVE)
    async with sessions() as s:
        draft_id = (await s.execute(select(Appeal.id))).scalar_one()
    from bot.fsm.appeals import AppealDraftCD

    card = (await client.click_data(AppealDraftCD(id=draft_id, action="edit").pack()))[-1]
    assert "Не заполнено: электронная почта, адрес дома, тема, адресат, текст" in card.text
    (refused,) = [r for r in await client.click(t.BTN_SEND) if r.method == "sendMessage"]
    assert "Обращение нельзя отправить" in refused.text
    assert await state_of(dp, bot, client) == ComposeAppeal.review.state


async def test_hostile_text_is_shown_escaped(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "text")
    await client.send("<script>alert(1)</script> & <b>жирный</b> текст")
    card = (await client.click(t.BTN_DONE))[-1]
    await client.click(t.BTN_NO_FILES)
    card = client.last
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;жирный&lt;/b&gt;" in card.text
    assert card.refused is None


async def test_menu_new_button(client, sessions, dp, bot):
    await resident(client, sessions)
    replies = await client.click_data(AppealsMenuCD(action="new").pack())
    assert "Шаг 1 из 9" in replies[-1].text


async def test_two_taps_on_yes_at_once_send_one_appeal(client, sessions, dp, bot):
    import asyncio

    await resident(client, sessions)
    await walk_to(client, "review")
    (confirm,) = [r for r in await client.click(t.BTN_SEND) if r.method == "sendMessage"]
    yes = confirm.inline.inline_keyboard[0][0].callback_data
    await asyncio.gather(client.click_data(yes, confirm.message_id), client.click_data(yes, confirm.message_id))
    replies = client.new_replies()
    # the resident is told once (the staff chat's card, which also says «Отправлено», is not the resident's)
    assert sum("Отправлено" in r.text for r in client.history if r.chat_id == client.chat.id) == 1, replies
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Appeal)) == 1


async def test_an_album_arriving_at_once_keeps_every_file(client, sessions, dp, bot):
    import asyncio

    await resident(client, sessions)
    await walk_to(client, "files")
    await asyncio.gather(*(photo(client, group="al") for _ in range(4)),
                         doc(client, "акт.pdf", 1000, group="al"))
    f = (await data_of(dp, bot, client)).f()
    assert len(f.files) == 5 and len({x.file_id for x in f.files}) == 5


async def test_hostile_profile_name_and_a_forged_step_button(make_client, sessions, dp, bot):
    client = make_client(user_id=333, first_name="<b>Рин&ат</b>", last_name="Хабибуллин <script>")
    await resident(client, sessions)
    replies = await client.send("/appeal")
    assert replies[-1].refused is None and "Шаг 1 из 9" in replies[-1].text
    assert "<script>" not in replies[-1].text and "<b>Рин" not in replies[-1].text
    assert t.BTN_OK not in replies[-1].buttons  # nothing name-like in the profile: the name is asked for
    replies = await client.send("Хабибуллин Ринат")
    assert "Шаг 2 из 9" in replies[-1].text


async def test_a_forged_step_button_shows_the_step_again(client, sessions, dp, bot):
    await resident(client, sessions)
    # a forged «Верно» of a step that has none, with the right mark: the step is shown again, nothing breaks
    await walk_to(client, "review")
    data = await data_of(dp, bot, client)
    replies = await client.click_data(AppealCD(act="ok", token=data.token).pack())
    assert "Обращение — проверьте перед отправкой" in replies[-1].text
    assert await state_of(dp, bot, client) == ComposeAppeal.review.state


async def test_a_whole_topic_can_be_chosen(client, sessions, dp, bot):
    """As the seed's list (a radio button at «6» too): when no sub-topic fits, the topic as a whole."""
    await resident(client, sessions)
    await walk_to(client, "topic")
    await client.click("6. Оказание услуг по содержанию и ремонту")
    replies = await client.click(t.BTN_TOPIC_WHOLE.format(code="6"))
    assert await state_of(dp, bot, client) == ComposeAppeal.addressee.state, replies
    assert (await data_of(dp, bot, client)).f().topic_code == "6"
