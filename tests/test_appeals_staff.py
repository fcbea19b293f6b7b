"""The staff loop of appeals through the real Dispatcher: the card in the staff chat with its files by file_id,
«Взять в работу», «Ответить» by button and by replying to the card (a photo reaches the resident by file_id, an
album is one answer), «Перенаправить», refresh_card, the digest, forged staff buttons from a resident, and a
complaint to the ГЖИ that never reaches the staff chat (the resident gets the PDF)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from aiogram.types import Message, PhotoSize, User
from pypdf import PdfReader
from sqlalchemy import select

from bot.fsm.my_appeals import MyAppealCD
from bot.fsm.staff_appeals import CardAction, RedirectToCD, StaffAppealCD
from bot.handlers import appeal_delivery as delivery
from bot.scheduler import run_job
from bot.services import staff_cards as cards
from bot.services.appeals import drafts, views
from bot.services.appeals.drafts import Fields, FileRef
from storage.models import Appeal, AppealAnswer, AppealFile, AppealStatusChange
from storage.vocab import AppealRoute, AppealStatus
from tests.conftest import ADMIN_ID, STAFF_CHAT_ID
from tests.factories import link, world

USER = 111
PHOTO, DOC = "PHOTO_A1", "DOC_A1"


def fields(w, **kw) -> Fields:
    f = Fields(surname="Хабибуллин", first_name="Ринат", patronymic="Ильдарович", phone="+79161234567",
               email="rinat@example.ru", house_id=w.house.id, premises_id=w.flat.id, topic_code="2.1",
               addressee_id=w.uk.id, text="Протекает крыша над кухней после дождя <сильно> & давно.",
               files=[FileRef(PHOTO, "u1", "photo", None, "image/jpeg", 1000),
                      FileRef(DOC, "u2", "document", "акт.pdf", "application/pdf", 2000)])
    for k, v in kw.items():
        setattr(f, k, v)
    return f


async def sent_appeal(sessions, clock, bot, settings, w, **kw) -> tuple[int, delivery.Delivery]:
    await link(sessions, USER, w.account)
    sent = await drafts.submit(sessions, USER, fields(w, **kw), clock, settings.email_enabled)
    return sent.id, await delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)


def calls(bot, name: str, chat_id=None) -> list:
    return [r for r in bot.session.requests if r.__api_method__ == name
            and (chat_id is None or getattr(r, "chat_id", None) == chat_id)]


def replied(staff, message_id: int) -> Message:
    return Message(message_id=message_id, date=dt.datetime(2026, 11, 19, 9, 0, tzinfo=dt.UTC), chat=staff.chat,
                   from_user=User(id=staff.bot.id, is_bot=True, first_name="bot"), text="…")


async def reply(staff, to: int, **fields) -> list:
    return await staff.feed(message=staff._message(reply_to_message=replied(staff, to), **fields))


def photo(fid: str, size: int = 50_000) -> list[PhotoSize]:
    return [PhotoSize(file_id=fid + "_s", file_unique_id=fid + "s", width=90, height=90, file_size=900),
            PhotoSize(file_id=fid, file_unique_id=fid + "u", width=1280, height=960, file_size=size)]


async def status_of(sessions, appeal_id: int) -> AppealStatus:
    async with sessions() as s:
        return AppealStatus((await s.get(Appeal, appeal_id)).status)


async def card_message(sessions, appeal_id: int) -> int:
    card = await cards.get(sessions, cards.CardKind.appeal, appeal_id)
    assert card is not None and card.chat_id == STAFF_CHAT_ID
    return card.message_id


# --------------------------------------------------------------------------------------------- the card


async def test_card_reaches_the_staff_chat_with_files_by_file_id(sessions, clock, bot, settings):
    w = await world(sessions)
    appeal_id, d = await sent_appeal(sessions, clock, bot, settings, w)
    assert d.staff_posted and d.route is AppealRoute.staff and not d.pdf_sent
    (card,) = calls(bot, "sendMessage", STAFF_CHAT_ID)
    mid = await card_message(sessions, appeal_id)
    text = card.text
    for expected in ("СРОЧНО", "Обращение № 2026-000001", "от 19.11.2026", "Отправлено", "ул. Бауманская",
                     "кв. 12", "Хабибуллин Ринат Ильдарович", "+7 916 123-45-67", "rinat@example.ru",
                     "2.1", "Срок ответа", "&lt;сильно&gt; &amp; давно", "Файлы: 2"):
        assert expected in text, expected
    buttons = [b.text for row in card.reply_markup.inline_keyboard for b in row]
    assert buttons == ["Взять в работу", "Ответить", "Перенаправить"]
    # the files: replying to the card, by file_id (never downloaded)
    (p,) = calls(bot, "sendPhoto", STAFF_CHAT_ID)
    (doc,) = calls(bot, "sendDocument", STAFF_CHAT_ID)
    assert (p.photo, p.reply_to_message_id) == (PHOTO, mid)
    assert (doc.document, doc.reply_to_message_id) == (DOC, mid)
    assert calls(bot, "getFile") == []
    assert calls(bot, "sendMessage", USER) == []  # the compose dialog tells the resident; delivery does not


async def test_album_of_photos_and_a_long_text(sessions, clock, bot, settings):
    w = await world(sessions)
    text = "Очень длинное обращение. " * 300  # 7 500 characters: more than a card holds
    files = [FileRef(f"P{i}", f"u{i}", "photo", None, "image/jpeg", 10) for i in range(3)]
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w, text=text.strip(), files=files,
                                     topic_code="6.1")
    (card,) = calls(bot, "sendMessage", STAFF_CHAT_ID)
    assert len(card.text) < 4096 and "полностью в файле ниже" in card.text and "СРОЧНО" not in card.text
    (full,) = calls(bot, "sendDocument", STAFF_CHAT_ID)
    assert full.document.filename == "appeal-2026-000001.txt"
    assert full.document.data.decode() == text.strip()
    (album,) = calls(bot, "sendMediaGroup", STAFF_CHAT_ID)
    assert [m.media for m in album.media] == ["P0", "P1", "P2"]
    assert album.reply_to_message_id == await card_message(sessions, appeal_id)


# --------------------------------------------------------------------------------------------- the staff loop


async def test_reply_to_card_with_a_photo_answers_the_resident(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    staff.skip_unread()
    clock.advance(hours=2)
    out = await reply(staff, mid, photo=photo("ANS_PHOTO"), caption="Крышу залатали, фото прилагаем.")
    assert any("отправлен заявителю" in o.text for o in out)
    assert await status_of(sessions, appeal_id) is AppealStatus.answered
    # the resident: the answer, its photo by file_id, a button to the appeal
    (told,) = calls(bot, "sendMessage", USER)
    assert "Ответ получен" in told.text and "№ 2026-000001" in told.text and "Крышу залатали" in told.text
    (button,) = [b for row in told.reply_markup.inline_keyboard for b in row]
    assert button.text == "Открыть обращение"
    assert button.callback_data == MyAppealCD(id=appeal_id).pack()  # the resident's view of this appeal
    (p,) = calls(bot, "sendPhoto", USER)
    assert p.photo == "ANS_PHOTO"
    # stored with its author and its file
    async with sessions() as s:
        (ans,) = (await s.execute(select(AppealAnswer))).scalars()
        files = (await s.execute(select(AppealFile).where(AppealFile.answer_id == ans.id))).scalars().all()
        a = await s.get(Appeal, appeal_id)
    assert (ans.author_id, ans.text) == (ADMIN_ID, "Крышу залатали, фото прилагаем.")
    assert "Ольга Диспетчер" in ans.author_name
    assert [(f.kind, f.file_id) for f in files] == [("photo", "ANS_PHOTO")]
    assert a.answered_at == clock.utcnow()
    # the card: the status and who answered, «Ответить» stays for a further answer
    edits = [e for e in calls(bot, "editMessageText", STAFF_CHAT_ID) if e.message_id == mid]
    assert "Ответ получен" in edits[-1].text and "Ответ: Ольга Диспетчер" in edits[-1].text
    assert [b.text for row in edits[-1].reply_markup.inline_keyboard for b in row] == ["Ответить"]
    v = await views.own_view(sessions, USER, appeal_id)
    assert v.answers[0].files[0].file_id == "ANS_PHOTO"


async def test_an_album_is_one_answer(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    await reply(staff, mid, photo=photo("AL1"), caption="Акт и фото", media_group_id="G1")
    await reply(staff, mid, photo=photo("AL2"), media_group_id="G1")
    async with sessions() as s:
        answers = (await s.execute(select(AppealAnswer))).scalars().all()
        files = (await s.execute(select(AppealFile.file_id).where(AppealFile.answer_id.is_not(None))
                                 .order_by(AppealFile.position))).scalars().all()
    assert len(answers) == 1 and files == ["AL1", "AL2"]
    assert [p.photo for p in calls(bot, "sendPhoto", USER)] == ["AL1", "AL2"]
    assert len([m for m in calls(bot, "sendMessage", USER) if "Ответ получен" in m.text]) == 1


async def test_take_then_answer_by_button(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    staff.inline[mid] = calls(bot, "sendMessage", STAFF_CHAT_ID)[0].reply_markup
    out = await staff.click("Взять в работу", mid)
    assert any("На рассмотрении" in o.text for o in out if o.method == "answerCallbackQuery")
    assert await status_of(sessions, appeal_id) is AppealStatus.in_work
    (told,) = calls(bot, "sendMessage", USER)
    assert "На рассмотрении" in told.text and "№ 2026-000001" in told.text and "ООО «УК Тестовая»" in told.text
    edit = [e for e in calls(bot, "editMessageText", STAFF_CHAT_ID) if e.message_id == mid][-1]
    assert "На рассмотрении" in edit.text and "Взято в работу: Ольга Диспетчер" in edit.text
    assert [b.text for row in edit.reply_markup.inline_keyboard for b in row] == ["Ответить", "Перенаправить"]
    # a second press changes nothing
    await staff.click_data(StaffAppealCD(action=CardAction.take, appeal_id=appeal_id).pack(), mid)
    assert len(calls(bot, "sendMessage", USER)) == 1
    # «Ответить»: the bot asks in reply to the card (a forced reply); the reply to the question is the answer
    await staff.click("Ответить", mid)
    (ask,) = [m for m in calls(bot, "sendMessage", STAFF_CHAT_ID) if "напишите ответ" in m.text]
    assert ask.reply_to_message_id == mid and ask.reply_markup.force_reply
    prompt_id = (await cards.get(sessions, cards.CardKind.appeal, appeal_id)).prompt_message_id
    assert prompt_id is not None
    await reply(staff, prompt_id, text="Кровельщики придут 21.11 с 10 до 12.")
    assert await status_of(sessions, appeal_id) is AppealStatus.answered
    assert "Кровельщики придут" in calls(bot, "sendMessage", USER)[-1].text
    # a further answer is added, the status stays
    await reply(staff, mid, text="Работы выполнены.")
    async with sessions() as s:
        assert len((await s.execute(select(AppealAnswer))).scalars().all()) == 2
        changes = (await s.execute(select(AppealStatusChange.status).order_by(AppealStatusChange.id))).scalars()
        assert list(changes) == ["sent", "in_work", "answered"]


async def test_withdrawn_appeal_cannot_be_answered(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    async with sessions.begin() as s:  # what «Отозвать обращение» writes (the «Собственные обращения» change)
        a = await s.get(Appeal, appeal_id)
        a.status = AppealStatus.withdrawn.value
        s.add(AppealStatusChange(appeal_id=appeal_id, status="withdrawn", changed_by=USER, comment="Сами починили",
                                 changed_at=clock.utcnow()))
    assert await delivery.refresh_card(bot, settings, sessions, clock, appeal_id, note="Заявитель отозвал обращение")
    edit = [e for e in calls(bot, "editMessageText", STAFF_CHAT_ID) if e.message_id == mid][-1]
    assert "Отозвано" in edit.text and "Сами починили" in edit.text and edit.reply_markup is None
    note = calls(bot, "sendMessage", STAFF_CHAT_ID)[-1]
    assert "Заявитель отозвал" in note.text and note.reply_to_message_id == mid
    out = await reply(staff, mid, text="Ответ на отозванное")
    assert any("отозвано заявителем — ни отвечать на него, ни брать в работу больше нельзя" in o.text for o in out)
    out = await staff.click_data(StaffAppealCD(action=CardAction.answer, appeal_id=appeal_id).pack(), mid)
    assert any("ни отвечать на него, ни брать в работу больше нельзя" in o.text for o in out if o.method == "answerCallbackQuery")
    async with sessions() as s:
        assert (await s.execute(select(AppealAnswer))).scalars().all() == []
    assert calls(bot, "sendMessage", USER) == []
    assert await delivery.refresh_card(bot, settings, sessions, clock, 999_999) is False


async def test_redirect(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    staff.inline[mid] = calls(bot, "sendMessage", STAFF_CHAT_ID)[0].reply_markup
    await staff.click("Перенаправить", mid)
    ask = calls(bot, "sendMessage", STAFF_CHAT_ID)[-1]
    assert "куда перенаправить" in ask.text and ask.reply_to_message_id == mid
    (bad,) = await staff.send("7707083894")  # a wrong check digit: refused, the step stays
    assert "контрольная цифра" in bad.text
    (none,) = await staff.send("Рога и копыта")
    assert "не найдена" in none.text
    (pick,) = await staff.send("энергосбыт")
    assert pick.buttons[0].startswith("АО «Энергосбыт»")
    await staff.click(pick.buttons[0])
    assert await status_of(sessions, appeal_id) is AppealStatus.redirected
    told = [m for m in calls(bot, "sendMessage", USER) if "Перенаправлено" in m.text]
    assert told and "АО «Энергосбыт»" in told[0].text and "+7 495 000-00-01" in told[0].text
    (doc,) = calls(bot, "sendDocument", USER)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(doc.document.data)).pages)
    assert "Энергосбыт Тестовый" in text and "2026-000001" in text
    edit = [e for e in calls(bot, "editMessageText", STAFF_CHAT_ID) if e.message_id == mid][-1]
    assert "Перенаправлено" in edit.text and "АО «Энергосбыт»" in edit.text and edit.reply_markup is None
    # no more answers
    out = await reply(staff, mid, text="Поздний ответ")
    assert any("перенаправлено" in o.text for o in out)
    async with sessions() as s:
        change = (await s.execute(select(AppealStatusChange).where(
            AppealStatusChange.status == "redirected"))).scalar_one()
    assert change.changed_by == ADMIN_ID and "Энергосбыт" in change.comment


async def test_redirect_by_forged_org_and_same_org(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    out = await staff.click_data(RedirectToCD(appeal_id=appeal_id, org_id=w.uk.id).pack())
    assert any("и так адресовано" in o.text for o in out)
    await staff.click_data(RedirectToCD(appeal_id=appeal_id, org_id=2**31 - 1).pack())
    assert await status_of(sessions, appeal_id) is AppealStatus.sent


# --------------------------------------------------------------------------------------------- the resident


async def test_forged_staff_buttons_from_a_resident_do_nothing(sessions, clock, bot, settings, client):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    before = len(bot.session.requests)
    for action in CardAction:
        await client.click_data(StaffAppealCD(action=action, appeal_id=appeal_id).pack())
    await client.click_data(RedirectToCD(appeal_id=appeal_id, org_id=w.rso.id).pack())
    assert await status_of(sessions, appeal_id) is AppealStatus.sent
    later = bot.session.requests[before:]
    assert not [r for r in later if getattr(r, "chat_id", None) == STAFF_CHAT_ID]
    assert not [r for r in later if r.__api_method__ in ("sendDocument", "editMessageText", "sendPhoto")]
    async with sessions() as s:
        assert (await s.execute(select(AppealAnswer))).scalars().all() == []
        assert (await cards.of_subject(s, cards.CardKind.appeal, appeal_id)).prompt_message_id is None


async def test_gzhi_complaint_never_reaches_the_staff_chat(sessions, clock, bot, settings):
    w = await world(sessions)
    appeal_id, d = await sent_appeal(sessions, clock, bot, settings, w, addressee_id=w.gzhi.id, topic_code="8")
    assert d.route is AppealRoute.pdf and d.pdf_sent and not d.staff_posted and not d.emailed
    assert [r for r in bot.session.requests if getattr(r, "chat_id", None) == STAFF_CHAT_ID] == []
    assert await cards.get(sessions, cards.CardKind.appeal, appeal_id) is None
    (told,) = calls(bot, "sendMessage", USER)
    assert "Мосжилинспекция" in told.text and "адресат — <b>Мосжилинспекция" in told.text and "в чат УК обращение не попало" in told.text and "\n\n\n" not in told.text
    assert "gzhi@example.ru" in told.text and "dom.gosuslugi.ru" in told.text
    (doc,) = calls(bot, "sendDocument", USER)
    assert doc.document.filename == "appeal-2026-000001.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(doc.document.data)).pages)
    flat = " ".join(text.split())
    for expected in ("Обращение № 2026-000001", "ИНФОРМАЦИЯ О ЗАЯВИТЕЛЕ", "Хабибуллин", "rinat@example.ru",
                     "№ 59-ФЗ", "ИНФОРМАЦИЯ ОБ ОБРАЩЕНИИ", "Протекает крыша", "акт.pdf",
                     "Государственная жилищная инспекция города Москвы", "+7 495 681-11-11", "gzhi@example.ru",
                     "dom.gosuslugi.ru", "Направить обращение или жалобу"):
        assert expected in flat, expected
    # the digest of the staff chat does not count it either
    d = await delivery.post_digest(bot, settings, sessions, clock)
    assert (d.new, d.in_work) == (0, 0)


async def test_staff_route_without_a_staff_chat_gives_the_pdf(sessions, clock, bot, settings):
    settings = settings.model_copy(update={"staff_chat_id": None})
    w = await world(sessions)
    appeal_id, d = await sent_appeal(sessions, clock, bot, settings, w)
    assert d.route is AppealRoute.pdf and d.pdf_sent
    async with sessions() as s:
        assert (await s.get(Appeal, appeal_id)).route == "pdf"


# --------------------------------------------------------------------------------------------- the digest


async def test_morning_digest(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    first, _ = await sent_appeal(sessions, clock, bot, settings, w)  # 2.1 sent Thu 19.11: due Fri 20.11
    second = (await drafts.submit(sessions, USER, fields(w, topic_code="6.1", text="Не убирают подъезд неделю."),
                                  clock, False)).id
    await delivery.deliver(bot, settings, sessions, clock, second, AppealRoute.staff)
    third = (await drafts.submit(sessions, USER, fields(w, topic_code="6.1", text="Не горит лампа на 3 этаже."),
                                 clock, False)).id
    await delivery.deliver(bot, settings, sessions, clock, third, AppealRoute.staff)
    async with sessions.begin() as s:
        (await s.get(Appeal, third)).status = AppealStatus.in_work.value
    # Friday 20.11.2026 09:00: the emergency is due today; the others not yet
    clock.set(dt.datetime(2026, 11, 20, 9, 0))
    lines = await run_job("appeals_digest", sessions, settings, clock, bot)
    assert "новых 2, в работе 1, срок сегодня 1, просрочено 0" in lines[0]
    digest = calls(bot, "sendMessage", STAFF_CHAT_ID)[-1]
    assert "Обращения на 20.11.2026" in digest.text
    assert "Новые: <b>2</b>" in digest.text and "Срок сегодня: <b>1</b>" in digest.text
    buttons = [b for row in digest.reply_markup.inline_keyboard for b in row]
    assert [b.text for b in buttons] == ["⏰🆘 № 2026-000001", "🆕 № 2026-000002", "🛠 № 2026-000003"]
    # Monday: overdue
    clock.set(dt.datetime(2026, 11, 23, 9, 0))
    await run_job("appeals_digest", sessions, settings, clock, bot)
    digest = calls(bot, "sendMessage", STAFF_CHAT_ID)[-1]
    assert "Просрочены: <b>1</b>" in digest.text
    old = await card_message(sessions, first)
    # a number re-posts the card at the bottom of the chat, replying to the old one; replies to it answer
    await staff.click_data(StaffAppealCD(action=CardAction.show, appeal_id=first).pack())
    again = calls(bot, "sendMessage", STAFF_CHAT_ID)[-1]
    assert "Обращение № 2026-000001" in again.text and "просрочено" in again.text
    assert again.reply_to_message_id == old
    new_mid = await card_message(sessions, first)
    assert new_mid != old
    (stripped,) = [e for e in calls(bot, "editMessageReplyMarkup", STAFF_CHAT_ID) if e.message_id == old]
    assert stripped.reply_markup is None
    await reply(staff, new_mid, text="Ответ по просроченному обращению.")
    assert await status_of(sessions, first) is AppealStatus.answered


async def test_digest_job_is_listed():
    from bot.scheduler import JOBS

    job = JOBS["appeals_digest"]
    assert "9:00" in job.schedule


@pytest.mark.parametrize("size, local_server, downloaded", [
    (1024, False, True), (25 * 1024 * 1024, False, False), (25 * 1024 * 1024, True, True)])
async def test_download_limit(bot, settings, size, local_server, downloaded):
    if local_server:
        settings = settings.model_copy(update={"telegram_api_url": "http://127.0.0.1:8081"})
    bot.session.files["BIG"] = b"%PDF-1.4 big"
    got, skipped = await delivery.download(bot, settings, [FileRef("BIG", "ub", "document", "смета.pdf",
                                                                   "application/pdf", size)])
    assert (len(got), len(skipped)) == ((1, 0) if downloaded else (0, 1))
    assert bool(calls(bot, "getFile")) is downloaded


async def test_a_long_answer_reaches_the_resident_in_parts(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    out = await reply(staff, mid, text="/help")
    assert any("не отправлена заявителю" in o.text for o in out)
    assert await status_of(sessions, appeal_id) is AppealStatus.sent
    long = ("Сообщаем о ходе работ по кровле <подъезд 2> & чердак. " * 80).strip()  # ~4 300 characters
    await reply(staff, mid, text=long)
    told = calls(bot, "sendMessage", USER)
    assert len(told) == 2 and not any(isinstance(bot.session.results[bot.session.requests.index(m)], Exception) for m in told)
    assert "Продолжение ответа — ниже" in told[0].text and told[0].reply_markup is None
    assert told[1].reply_markup is not None  # the button under the last part
    shown = told[0].text + told[1].text
    assert shown.count("Сообщаем о ходе работ") == 80 and "&lt;подъезд 2&gt; &amp; чердак" in shown


async def test_hostile_text_on_the_card_and_in_the_pushes(sessions, clock, bot, settings, make_client):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(
        sessions, clock, bot, settings, w, surname="<Тег>", first_name="& Ко", patronymic="</b>",
        premises_id=None, premises_number="<12>", topic_code="4", custom_topic="<i>Тема</i> & «кавычки»",
        text="</blockquote><b>не жирный</b> & <script>")
    hostile = make_client(user_id=ADMIN_ID, first_name="<Ольга>", last_name="& Ко", chat_id=STAFF_CHAT_ID)
    mid = await card_message(sessions, appeal_id)
    await hostile.click_data(StaffAppealCD(action=CardAction.take, appeal_id=appeal_id).pack(), mid)
    await hostile.click_data(StaffAppealCD(action=CardAction.answer, appeal_id=appeal_id).pack(), mid)
    await reply(hostile, mid, text="</blockquote><u>Ответ</u> & <tag>")
    async with sessions.begin() as s:
        (await s.get(Appeal, appeal_id)).rating = "unsolved"
    assert await delivery.refresh_card(bot, settings, sessions, clock, appeal_id, note="<Не решён> & «вернули»")
    refused = [(r.__api_method__, res) for r, res in zip(bot.session.requests, bot.session.results, strict=True)
               if isinstance(res, Exception)]
    assert refused == []
    card = [e for e in calls(bot, "editMessageText", STAFF_CHAT_ID) if e.message_id == mid][-1]
    for shown in ("&lt;Тег&gt; &amp; Ко &lt;/b&gt;", "&lt;12&gt;", "&lt;i&gt;Тема&lt;/i&gt; &amp; «кавычки»",
                  "&lt;/blockquote&gt;&lt;b&gt;не жирный", "&lt;Ольга&gt; &amp; Ко", "Не решён"):
        assert shown in card.text, shown
    assert "&lt;/blockquote&gt;&lt;u&gt;Ответ&lt;/u&gt;" in calls(bot, "sendMessage", USER)[-1].text


async def test_returned_to_work_is_answered_again(sessions, clock, bot, settings, staff):
    w = await world(sessions)
    appeal_id, _ = await sent_appeal(sessions, clock, bot, settings, w)
    mid = await card_message(sessions, appeal_id)
    await reply(staff, mid, text="Крышу осмотрели, протечки нет.")
    clock.advance(days=2)
    async with sessions.begin() as s:  # what «Вернуть в работу» writes (the «Собственные обращения» change)
        a = await s.get(Appeal, appeal_id)
        a.status, a.rating = AppealStatus.in_work.value, "unsolved"
        s.add(AppealStatusChange(appeal_id=appeal_id, status="in_work", changed_by=USER,
                                 comment="Течёт снова после дождя", changed_at=clock.utcnow()))
    assert await delivery.refresh_card(bot, settings, sessions, clock, appeal_id, note="Заявитель вернул в работу")
    edit = [e for e in calls(bot, "editMessageText", STAFF_CHAT_ID) if e.message_id == mid][-1]
    assert "На рассмотрении" in edit.text and "Возвращено в работу заявителем 21.11.2026" in edit.text
    assert "«Течёт снова после дождя»" in edit.text and "Оценка заявителя: Не решён" in edit.text
    assert [b.text for row in edit.reply_markup.inline_keyboard for b in row] == ["Ответить", "Перенаправить"]
    await reply(staff, mid, text="Заменили участок кровли 3×4 м.")
    assert await status_of(sessions, appeal_id) is AppealStatus.answered
    v = await views.get_view(sessions, appeal_id)
    assert [a.text for a in v.answers] == ["Крышу осмотрели, протечки нет.", "Заменили участок кровли 3×4 м."]
    assert [c.status for c in v.history] == [AppealStatus.sent, AppealStatus.answered, AppealStatus.in_work,
                                             AppealStatus.answered]
