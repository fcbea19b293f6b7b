"""«Собственные обращения» through the Dispatcher: the list (drafts first, newest next, pages), the filter by status,
the search by number, the view (figure 11), files re-sent by file_id, long texts split, withdrawing before and
after the answer, forged buttons, the rating and «Вернуть в работу» within and after 30 days (a pinned clock).

Appeals are written through ``drafts.submit``; answers straight through the ORM (the staff side is another
change)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.fsm.appeals import AppealNewCD, AppealsMenuCD
from bot.fsm.my_appeals import MyAppealCD, MyAppeals, MyListCD, ViewAct
from bot.handlers import appeal_delivery
from bot.services.appeals import drafts, mine, views
from bot.services.appeals.drafts import Fields, FileRef
from bot.services.appeals.mine import Filter, Outcome
from bot.texts import common as ct
from bot.texts import my_appeals as t
from storage.models import Appeal, AppealAnswer, AppealFile, AppealStatusChange
from storage.vocab import AppealRating, AppealStatus
from tests.factories import link, world

USER, OTHER = 111, 222
PHOTO = FileRef("PHOTO1", "u1", "photo", None, "image/jpeg", 1000)
DOC = FileRef("DOC1", "u2", "document", "акт.pdf", "application/pdf", 2000)


def fields(w, **kw) -> Fields:
    f = Fields(surname="Хабибуллин", first_name="Ринат", patronymic="Ильдарович", phone="+79161234567",
               email="rinat@example.ru", house_id=w.house.id, premises_id=w.flat.id, topic_code="6.1",
               addressee_id=w.uk.id, text="Подъезд не убирают вторую неделю, на лестнице мусор.", files=[])
    for k, v in kw.items():
        setattr(f, k, v)
    return f


async def send(sessions, clock, w, user_id: int = USER, **kw) -> drafts.Sent:
    return await drafts.submit(sessions, user_id, fields(w, **kw), clock, False)


async def answer(sessions, appeal_id: int, at: dt.datetime, text: str = "Уборку возобновили, график в подъезде.",
                 files: list[FileRef] = ()) -> None:
    """The staff's answer, as the staff side writes it: the answer, its files, the status and its history."""
    async with sessions.begin() as s:
        ans = AppealAnswer(appeal_id=appeal_id, author_id=900, author_name="Ольга", text=text, created_at=at)
        s.add(ans)
        await s.flush()
        for i, f in enumerate(files):
            s.add(AppealFile(appeal_id=appeal_id, answer_id=ans.id, position=i, kind=f.kind, file_id=f.file_id,
                             file_unique_id=f.file_unique_id, file_name=f.file_name))
        await s.execute(update(Appeal).where(Appeal.id == appeal_id)
                        .values(status=AppealStatus.answered.value, answered_at=at))
        s.add(AppealStatusChange(appeal_id=appeal_id, status=AppealStatus.answered.value, changed_by=900,
                                 changed_by_name="Ольга", changed_at=at))


async def appeal(sessions, appeal_id: int) -> Appeal:
    async with sessions() as s:
        return await s.get(Appeal, appeal_id)


async def changes(sessions, appeal_id: int) -> list[AppealStatusChange]:
    async with sessions() as s:
        return list((await s.execute(select(AppealStatusChange).where(AppealStatusChange.appeal_id == appeal_id)
                                     .order_by(AppealStatusChange.id))).scalars())


async def state_of(dp, client) -> str | None:
    return await dp.fsm.get_context(client.bot, client.chat.id, client.user.id).get_state()


def alert(replies) -> str:
    answers = [r for r in replies if r.method == "answerCallbackQuery"]
    assert answers and answers[0].raw.show_alert, replies
    return answers[0].text


def msgs(replies) -> list:
    """What the bot sent or edited (not the answer to the button press)."""
    return [r for r in replies if r.method != "answerCallbackQuery"]


def sent_ok(replies) -> None:
    refused = [r.refused for r in replies if r.refused]
    assert not refused, refused


@pytest.fixture
async def w(sessions):
    w = await world(sessions)
    await link(sessions, USER, w.account)
    await link(sessions, OTHER, w.other_account)
    return w


@pytest.fixture
def cards(monkeypatch) -> list[tuple[int, str | None]]:
    """The staff card refreshes the resident's actions ask for."""
    calls: list[tuple[int, str | None]] = []

    async def refresh_card(bot, settings, sessions, clock, appeal_id, note=None) -> bool:
        calls.append((appeal_id, note))
        return True

    monkeypatch.setattr(appeal_delivery, "refresh_card", refresh_card)
    return calls


# --------------------------------------------------------------------------------------------- the list


async def test_empty_list_offers_the_first_appeal(client, w):
    (reply,) = await client.send("/appeals")
    assert t.LIST_EMPTY in reply.text
    assert reply.buttons == [t.BTN_NEW]
    assert reply.inline.inline_keyboard[0][0].callback_data == AppealsMenuCD(action="new").pack()


async def test_drafts_first_then_newest_and_pages(client, sessions, clock, w):
    numbers = []
    for day in range(7):  # seven sent on seven days: 2026-000001 the oldest
        clock.set(dt.datetime(2026, 11, 2 + day, 10, 0))
        numbers.append((await send(sessions, clock, w, topic_code="2.3")).number)
    clock.set(dt.datetime(2026, 11, 19, 12, 0))
    draft_id = await drafts.save_draft(sessions, USER, fields(w, text=""), clock.utcnow())
    await send(sessions, clock, w, user_id=OTHER, house_id=w.other_house.id, premises_id=w.other_flat.id)

    (reply,) = await client.send("/appeals")
    sent_ok([reply])
    text = reply.text
    assert "8 обращений" in text and "страница 1 из 2" in text
    assert "2026-000008" not in text  # another resident's appeal is never listed
    # the draft first, then the newest: 7, 6, 5, 4
    order = [text.index(x) for x in ("Черновик", "№ 2026-000007", "№ 2026-000006", "№ 2026-000005",
                                     "№ 2026-000004")]
    assert order == sorted(order) and "№ 2026-000003" not in text
    assert "Не отправлено" in text and "Отправлено · 08.11.2026" in text
    assert "г. Москва, ул. Бауманская, д. 44" in text and "Уборка подъезда" in text
    assert t.BTN_DRAFT_EDIT in reply.buttons and t.BTN_DRAFT_DELETE in reply.buttons
    edit = next(b for row in reply.inline.inline_keyboard for b in row if b.text == t.BTN_DRAFT_EDIT)
    assert edit.callback_data == f"apd:{draft_id}:edit"
    (page2,) = [r for r in await client.click(ct.BTN_NEXT) if r.method == "editMessageText"]
    assert "страница 2 из 2" in page2.text
    assert "№ 2026-000003" in page2.text and "№ 2026-000001" in page2.text and "Черновик" not in page2.text
    assert "6. " in page2.text  # numbering goes on from page 1


async def test_filter_by_status(client, sessions, clock, w):
    first = await send(sessions, clock, w)
    await send(sessions, clock, w)
    await answer(sessions, first.id, clock.utcnow())
    await drafts.save_draft(sessions, USER, fields(w, text=""), clock.utcnow())
    await client.send("/appeals")
    (choice,) = [r for r in await client.click("Статус: Все") if r.method == "editMessageText"]
    assert choice.text == t.FILTERS_ASK
    assert choice.buttons == ["Все (3)", "Не отправлено (1)", "Отправлено (1)", "Ответ получен (1)"]
    (shown,) = [r for r in await client.click("Ответ получен (1)") if r.method == "editMessageText"]
    assert "Статус: <b>Ответ получен</b> · 1 обращение" in shown.text
    assert "№ 2026-000001" in shown.text and "№ 2026-000002" not in shown.text and "Черновик" not in shown.text
    assert t.BTN_ALL in shown.buttons
    (everything,) = [r for r in await client.click(t.BTN_ALL) if r.method == "editMessageText"]
    assert "3 обращения" in everything.text


@pytest.mark.parametrize("typed", ["2026-000003", "№ 2026-000003", "000003", "3", " 2026-3 "])
async def test_search_by_number(client, sessions, clock, w, dp, typed):
    for _ in range(12):
        await send(sessions, clock, w)
    await client.send("/appeals")
    (ask,) = msgs(await client.click(t.BTN_SEARCH))
    assert ask.text == t.SEARCH_ASK and await state_of(dp, client) == MyAppeals.search.state
    (found,) = await client.send(typed)
    assert "Поиск по номеру: <b>" in found.text and "1 обращение" in found.text
    assert "№ 2026-000003" in found.text and "№ 2026-000013" not in found.text
    assert await state_of(dp, client) is None
    (opened,) = [r for r in await client.click("№ 2026-000003 · Качество оказания услуг по соде…")
                 if r.method == "editMessageText"]
    assert "Просмотр обращения № 2026-000003" in opened.text


async def test_search_refusals_keep_the_step(client, sessions, clock, w, dp):
    await send(sessions, clock, w)
    await client.send("/appeals")
    await client.click(t.BTN_SEARCH)
    (bad,) = await client.send("крыша течёт")
    assert bad.text == t.SEARCH_BAD and await state_of(dp, client) == MyAppeals.search.state
    (none,) = await client.send("2025-000001")
    assert "Обращение с номером «2025-000001» не найдено." in none.text
    # another resident's appeal is not found by its number either
    await send(sessions, clock, w, user_id=OTHER, house_id=w.other_house.id, premises_id=w.other_flat.id)
    await client.click(t.BTN_SEARCH)
    (none,) = await client.send("2")
    assert "не найдено" in none.text


def test_number_query_normalized():
    assert mine.parse_number_query("№ 2026-000123") == "2026-000123"
    assert mine.parse_number_query("2026-123") == "2026-000123"
    assert mine.parse_number_query("000123") == mine.parse_number_query("123") == "000123"
    for bad in ("", "abc", "0", "2026-", "1234567", "12 34", "-1"):
        assert mine.parse_number_query(bad) is None, bad


async def test_the_menu_button_opens_the_list(client, sessions, clock, w):
    await send(sessions, clock, w)
    replies = await client.click_data(AppealsMenuCD(action="mine").pack())
    assert any("Собственные обращения" in r.text and "№ 2026-000001" in r.text for r in replies)


async def test_overdue_is_flagged(client, sessions, clock, w):
    sent = await send(sessions, clock, w, topic_code="2.1")  # an emergency: due the next working day, 20.11
    assert sent.due_on == dt.date(2026, 11, 20)
    (reply,) = await client.send("/appeals")
    assert "Просрочено" not in reply.text
    clock.set(dt.datetime(2026, 11, 24, 9, 0))  # Tue: Fri 20 was the due date, Mon 23 and Tue 24 are past it
    (reply,) = await client.send("/appeals")
    assert "⚠️ <b>Просрочено</b>: ответ ждали до 20.11.2026" in reply.text
    assert reply.buttons[0].startswith("⚠️ № 2026-000001")
    (view,) = [r for r in await client.click(reply.buttons[0]) if r.method == "editMessageText"]
    assert "⚠️ <b>просрочено</b> на 2 рабочих дня" in view.text
    clock.set(dt.datetime(2026, 11, 24, 9, 0))
    ol = await mine.list_own(sessions, USER, Filter.overdue, "", 0, clock.today())
    assert [r.number for r in ol.rows] == ["2026-000001"] and ol.counts[Filter.overdue] == 1


# --------------------------------------------------------------------------------------------- the view


async def test_view_as_figure_11(client, sessions, clock, w):
    sent = await send(sessions, clock, w, files=[PHOTO, DOC])
    (reply,) = msgs(await client.click_data(MyAppealCD(id=sent.id).pack()))
    sent_ok([reply])
    text = reply.text
    for part in ("Просмотр обращения № 2026-000001", "ИНФОРМАЦИЯ О ЗАЯВИТЕЛЕ", "Фамилия: Хабибуллин", "Имя: Ринат",
                 "Отчество: Ильдарович", "E-mail: rinat@example.ru", "Номер телефона: +7 916 123-45-67",
                 "№ 59-ФЗ «О порядке рассмотрения обращений граждан Российской Федерации»",
                 "по следующему адресу электронной почты:</i>\n<b>rinat@example.ru</b>",
                 "ИНФОРМАЦИЯ ОБ ОБРАЩЕНИИ", "Номер обращения: 2026-000001", "Статус обращения: <b>Отправлено</b>",
                 "Дата создания обращения: 19.11.2026", "Дата отправки обращения: 19.11.2026",
                 # 10 working days from Thu 19.11: 20, 23–27, 30 Nov, 1, 2, 3 Dec
                 "Ожидаемая дата ответа: <b>03.12.2026</b> (осталось 10 рабочих дней)",
                 "Адрес дома/территории: г. Москва, ул. Бауманская, д. 44", "Номер помещения: кв. 12",
                 "Муниципальное образование: Москва",
                 "Тема обращения: 6.1 Качество оказания услуг по содержанию и ремонту",
                 "Адресат обращения: ООО «УК Тестовая»", "Подъезд не убирают вторую неделю",
                 "Прикрепленные файлы: 2 файла", "ответа пока нет"):
        assert part in text, part
    assert reply.buttons == ["Показать файлы (2)", t.BTN_HISTORY, t.BTN_WITHDRAW, t.BTN_TO_LIST]


async def test_files_are_resent_by_file_id(client, sessions, clock, w, bot):
    sent = await send(sessions, clock, w, files=[PHOTO, DOC])
    await client.click_data(MyAppealCD(id=sent.id).pack())
    replies = await client.click("Показать файлы (2)")
    sent_ok(replies)
    methods = [(r.method, getattr(r.raw, "photo", None) or getattr(r.raw, "document", None)) for r in replies
               if r.method in ("sendPhoto", "sendDocument")]
    assert methods == [("sendPhoto", "PHOTO1"), ("sendDocument", "DOC1")]
    assert any("Файлы обращения № 2026-000001: 2 файла" in r.text for r in replies)


async def test_several_photos_go_as_an_album(client, sessions, clock, w):
    photos = [FileRef(f"P{i}", f"u{i}", "photo", None, "image/jpeg", 100) for i in range(3)]
    docs = [FileRef(f"D{i}", f"v{i}", "document", f"{i}.pdf", "application/pdf", 100) for i in range(2)]
    sent = await send(sessions, clock, w, files=photos + docs)
    await client.click_data(MyAppealCD(id=sent.id).pack())
    replies = await client.click("Показать файлы (5)")
    albums = [r.raw for r in replies if r.method == "sendMediaGroup"]
    assert [[(m.type, m.media) for m in a.media] for a in albums] == [
        [("photo", "P0"), ("photo", "P1"), ("photo", "P2")], [("document", "D0"), ("document", "D1")]]


async def test_a_long_text_is_shortened_and_sent_whole_in_parts(client, sessions, clock, w):
    body = ("Протекает крыша <над> кухней & ванной. " * 260)[:10_000]
    sent = await send(sessions, clock, w, text=body)
    (reply,) = msgs(await client.click_data(MyAppealCD(id=sent.id).pack()))
    sent_ok([reply])
    assert "текст сокращён" in reply.text and "&lt;над&gt;" in reply.text
    replies = await client.click(t.BTN_TEXT)
    sent_ok(replies)
    parts = [r for r in replies if r.method == "sendMessage" and "Текст обращения" in r.text]
    assert len(parts) == 3 and "(часть 1 из 3)" in parts[0].text
    from bot.local_session import parse_html

    whole = "".join(parse_html(p.text).split("\n\n", 1)[1] for p in parts)
    assert whole.replace(" ", "") == body.replace(" ", "")  # nothing lost at the cuts


async def test_answers_with_files_and_the_history(client, sessions, clock, w):
    sent = await send(sessions, clock, w)
    clock.advance(days=1)
    await answer(sessions, sent.id, clock.utcnow(), files=[FileRef("ANS1", "a1", "document", "акт.pdf")])
    (view,) = msgs(await client.click_data(MyAppealCD(id=sent.id).pack()))
    assert "Статус обращения: <b>Ответ получен</b>" in view.text
    assert "Ответы на обращение</b>: 1 ответ" in view.text and "Уборку возобновили" in view.text
    assert "Ожидаемая дата ответа: 03.12.2026\n" in view.text  # no countdown once answered
    assert t.BTN_WITHDRAW not in view.buttons
    replies = await client.click("Ответы на обращение (1)")
    assert any("Ответ на обращение № 2026-000001" in r.text and "20.11.2026 12:00, Ольга" in r.text
               for r in replies)
    assert [r.raw.document for r in replies if r.method == "sendDocument"] == ["ANS1"]
    (history,) = msgs(await client.click(t.BTN_HISTORY))
    assert "Изменения по обращению № 2026-000001" in history.text
    assert "19.11.2026 12:00 — <b>Отправлено</b> (вы)" in history.text
    assert "20.11.2026 12:00 — <b>Ответ получен</b> (Ольга)" in history.text


# --------------------------------------------------------------------------------------------- withdraw


async def test_withdraw_before_the_answer(client, sessions, clock, w, dp, cards):
    sent = await send(sessions, clock, w)
    await client.click_data(MyAppealCD(id=sent.id).pack())
    (ask,) = msgs(await client.click(t.BTN_WITHDRAW))
    assert "Отозвать обращение № 2026-000001?" in ask.text and await state_of(dp, client) == MyAppeals.reason.state
    (bad,) = await client.send("ok")
    assert "от 3 до 1\u00a0000 символов" in bad.text and await state_of(dp, client) == MyAppeals.reason.state
    (done,) = await client.send("Вопрос решён, спасибо <соседям> & УК")
    assert done.text == t.withdrawn_ok("2026-000001") and await state_of(dp, client) is None
    a = await appeal(sessions, sent.id)
    assert a.status == AppealStatus.withdrawn.value
    last = (await changes(sessions, sent.id))[-1]
    assert (last.status, last.changed_by, last.comment) == ("withdrawn", USER, "Вопрос решён, спасибо <соседям> & УК")
    assert cards == [(sent.id, "Заявитель Хабибуллин Ринат Ильдарович: обращение отозвано. "
                               "Причина: Вопрос решён, спасибо <соседям> & УК")]
    (view,) = msgs(await client.click(t.BTN_TO_APPEAL))
    assert "Статус обращения: <b>Отозвано</b>" in view.text and t.BTN_WITHDRAW not in view.buttons
    assert "Причина: Вопрос решён, спасибо &lt;соседям&gt; &amp; УК" in view.text
    # the same button pressed again (an old message): an alert, nothing changes
    assert alert(await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.withdraw).pack())) == \
        t.REFUSAL[Outcome.withdrawn]
    assert len(await changes(sessions, sent.id)) == 2


async def test_withdraw_is_refused_after_the_answer(client, sessions, clock, w, cards):
    sent = await send(sessions, clock, w)
    await answer(sessions, sent.id, clock.utcnow())
    text = alert(await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.withdraw).pack()))
    assert text == t.REFUSAL[Outcome.answered] and "отозвать его нельзя" in text
    assert (await appeal(sessions, sent.id)).status == "answered" and cards == []


async def test_an_answer_that_comes_while_the_reason_is_typed_wins(client, sessions, clock, w, dp, cards):
    sent = await send(sessions, clock, w)
    await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.withdraw).pack())
    await answer(sessions, sent.id, clock.utcnow())
    (reply,) = await client.send("Уже не нужно")
    assert reply.text == t.REFUSAL[Outcome.answered] and await state_of(dp, client) is None
    assert (await appeal(sessions, sent.id)).status == "answered" and cards == []


async def test_withdraw_step_answers_nonsense_and_cancel(client, sessions, clock, w, dp):
    sent = await send(sessions, clock, w)
    await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.withdraw).pack())
    (hint,) = await client.send("/nonsense")
    assert "Отзыв обращения: напишите причину" in hint.text
    replies = await client.send("/cancel")
    assert any("Собственные обращения: отменено" in r.text for r in replies)
    assert await state_of(dp, client) is None and (await appeal(sessions, sent.id)).status == "sent"
    # «Не отзывать» leaves the step too
    await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.withdraw).pack())
    await client.click(t.BTN_KEEP)
    assert await state_of(dp, client) is None


# --------------------------------------------------------------------------------------------- forged buttons


async def test_another_residents_appeal_is_never_shown_or_changed(make_client, sessions, clock, w, cards):
    sent = await send(sessions, clock, w)
    await answer(sessions, sent.id, clock.utcnow())
    other = make_client(user_id=OTHER, first_name="Пётр", last_name=None)
    for act, rating in ((ViewAct.view, None), (ViewAct.files, None), (ViewAct.text, None), (ViewAct.history, None),
                        (ViewAct.answers, None), (ViewAct.withdraw, None), (ViewAct.rate, AppealRating.solved),
                        (ViewAct.reopen, None)):
        replies = await other.click_data(MyAppealCD(id=sent.id, act=act, rating=rating).pack())
        assert alert(replies) == t.REFUSAL[Outcome.not_found], act
        assert all(r.method == "answerCallbackQuery" for r in replies)
    a = await appeal(sessions, sent.id)
    assert (a.status, a.rating) == ("answered", None) and cards == []
    assert await mine.withdraw(sessions, OTHER, sent.id, "чужое", clock.utcnow()) == mine.Done(Outcome.not_found)
    assert (await mine.rate(sessions, OTHER, sent.id, AppealRating.solved, clock.utcnow())).outcome \
        is Outcome.not_found
    assert (await mine.reopen(sessions, OTHER, sent.id, "чужое", clock)).outcome is Outcome.not_found


@pytest.mark.parametrize("data", ["apv:2147483648:v:", "apv:-1:w:", "apv:99999999999999999999:v:", "apv:1:zz:",
                                  "apv:1:r:great", "apl:s:nope::0", "apl:s:all:abc:0", "apl:s:all::-5"])
async def test_out_of_range_and_garbled_buttons(client, sessions, clock, w, data):
    await send(sessions, clock, w)
    replies = await client.click_data(data)
    assert alert(replies) in (ct.STALE_BUTTON, t.REFUSAL[Outcome.not_found])


async def test_a_draft_cannot_be_withdrawn_or_rated(client, sessions, clock, w):
    draft_id = await drafts.save_draft(sessions, USER, fields(w), clock.utcnow())
    assert alert(await client.click_data(MyAppealCD(id=draft_id, act=ViewAct.withdraw).pack())) == \
        t.REFUSAL[Outcome.draft]
    assert alert(await client.click_data(MyAppealCD(id=draft_id, act=ViewAct.rate,
                                                    rating=AppealRating.solved).pack())) == t.REFUSAL[Outcome.draft]
    (view,) = msgs(await client.click_data(MyAppealCD(id=draft_id).pack()))
    assert "Статус обращения: <b>Не отправлено</b>" in view.text
    assert view.buttons == [t.BTN_DRAFT_EDIT, t.BTN_DRAFT_DELETE, t.BTN_TO_LIST]


# --------------------------------------------------------------------------------------------- rating, reopen


async def test_rating_solved(client, sessions, clock, w, cards):
    sent = await send(sessions, clock, w)
    assert alert(await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.rate,
                                                    rating=AppealRating.solved).pack())) == \
        t.REFUSAL[Outcome.not_answered]
    await answer(sessions, sent.id, clock.utcnow())
    (view,) = msgs(await client.click_data(MyAppealCD(id=sent.id).pack()))
    assert "Оцените ответ" in view.text
    assert [t.RATING[r] for r in AppealRating] == [b for b in view.buttons if b in t.RATING.values()]
    replies = await client.click("Вопрос решён")
    assert replies[0].method == "answerCallbackQuery" and replies[0].text == "Спасибо! Ваша оценка: «Вопрос решён»."
    edited = next(r for r in replies if r.method == "editMessageText")
    assert "Ваша оценка ответа: <b>Вопрос решён</b>" in edited.text and "✅ Вопрос решён" in edited.buttons
    a = await appeal(sessions, sent.id)
    assert (a.rating, a.status) == ("solved", "answered")
    assert cards == [(sent.id, "Заявитель Хабибуллин Ринат Ильдарович: ответ оценён — «Вопрос решён»")]


async def test_unsolved_then_back_to_work(client, sessions, clock, w, dp, cards):
    sent = await send(sessions, clock, w)
    clock.set(dt.datetime(2026, 11, 20, 15, 0))
    await answer(sessions, sent.id, clock.utcnow())
    clock.set(dt.datetime(2026, 12, 18, 10, 0))  # 28 days after the answer
    await client.click_data(MyAppealCD(id=sent.id).pack())
    replies = await client.click("Не решён")
    offer = next(r for r in replies if r.method == "sendMessage")
    assert "до 20.12.2026" in offer.text
    assert offer.buttons == [t.BTN_REOPEN, t.BTN_COMPLAIN]
    complain = offer.inline.inline_keyboard[1][0].callback_data
    assert complain == AppealNewCD(parent=sent.id).pack()
    (ask,) = msgs(await client.click(t.BTN_REOPEN))
    assert "Вернуть обращение № 2026-000001 в работу?" in ask.text
    assert await state_of(dp, client) == MyAppeals.comment.state
    (bad,) = await client.send("  ")
    assert "от 3 до 1\u00a0000 символов" in bad.text
    (done,) = await client.send("Мусор на лестнице так и лежит")
    # a new term from Fri 18.12: 21–25, 28–30 Dec (8; 31 Dec is the day off moved from 4 Jan), 1–10 Jan off,
    # Mon 11 (9), Tue 12.01.2027 (10)
    assert done.text == t.reopened("2026-000001", dt.date(2027, 1, 12))
    a = await appeal(sessions, sent.id)
    assert (a.status, a.rating, a.due_on) == ("in_work", "unsolved", dt.date(2027, 1, 12))
    last = (await changes(sessions, sent.id))[-1]
    assert (last.status, last.changed_by, last.comment) == ("in_work", USER, "Мусор на лестнице так и лежит")
    assert cards[-1] == (sent.id, "Заявитель Хабибуллин Ринат Ильдарович: обращение возвращено в работу. "
                                  "Комментарий: Мусор на лестнице так и лежит")
    (view,) = msgs(await client.click(t.BTN_TO_APPEAL))
    assert "Статус обращения: <b>На рассмотрении</b>" in view.text
    assert "Ожидаемая дата ответа: <b>12.01.2027</b>" in view.text
    assert t.BTN_WITHDRAW not in view.buttons  # it waits for a new answer, but an answered appeal stays on record
    (history,) = msgs(await client.click(t.BTN_HISTORY))
    assert "18.12.2026 10:00 — <b>Возвращено в работу</b> (вы)\n   Мусор на лестнице так и лежит" in history.text
    # pressed again: not answered any more
    assert alert(await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.reopen).pack())) == \
        t.REFUSAL[Outcome.not_answered]


async def test_back_to_work_after_30_days_is_refused(client, sessions, clock, w, cards):
    sent = await send(sessions, clock, w)
    await answer(sessions, sent.id, dt.datetime(2026, 11, 19, 9, 0))  # 12:00 Moscow
    clock.set(dt.datetime(2026, 12, 19, 12, 0))  # exactly 30 days later: still allowed
    assert mine.may_reopen(await views.own_view(sessions, USER, sent.id), clock.utcnow()) is Outcome.ok
    clock.set(dt.datetime(2026, 12, 19, 12, 1))
    await client.click_data(MyAppealCD(id=sent.id).pack())
    replies = await client.click("Не решён")
    offer = next(r for r in replies if r.method == "sendMessage")
    assert offer.text == t.RATED_UNSOLVED_LATE and offer.buttons == [t.BTN_COMPLAIN]
    assert alert(await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.reopen).pack())) == \
        t.REFUSAL[Outcome.too_late]
    assert (await mine.reopen(sessions, USER, sent.id, "Не решено", clock)).outcome is Outcome.too_late
    assert (await appeal(sessions, sent.id)).status == "answered"


async def test_the_comment_after_30_days_is_refused_too(client, sessions, clock, w, dp, cards):
    sent = await send(sessions, clock, w)
    await answer(sessions, sent.id, clock.utcnow())
    await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.rate, rating=AppealRating.unsolved).pack())
    await client.click(t.BTN_REOPEN)
    clock.advance(days=31)  # the resident came back to the prompt a month later
    (reply,) = await client.send("Ничего не сделано")
    assert reply.text == t.REFUSAL[Outcome.too_late] and await state_of(dp, client) is None
    assert (await appeal(sessions, sent.id)).status == "answered"


async def test_a_complaint_to_the_gzhi_is_not_offered_for_an_appeal_to_the_gzhi(client, sessions, clock, w):
    sent = await send(sessions, clock, w, addressee_id=w.gzhi.id)
    await answer(sessions, sent.id, clock.utcnow())
    await client.click_data(MyAppealCD(id=sent.id).pack())
    replies = await client.click("Не решён")
    offer = next(r for r in replies if r.method == "sendMessage")
    assert offer.buttons == [t.BTN_REOPEN]


async def test_nonsense_then_cancel_in_every_step(client, sessions, clock, w, dp, bot):
    from aiogram.fsm.storage.base import StorageKey

    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    for st in MyAppeals.__all_states__:
        await dp.storage.set_state(key, st.state)
        replies = await client.send("/zzz")
        assert replies and replies[-1].text
        await dp.storage.set_state(key, st.state)
        replies = await client.send("/cancel")
        assert await dp.storage.get_state(key) is None
        assert any("Собственные обращения: отменено" in r.text for r in replies)


async def test_list_paging_stays_in_its_filter(client, sessions, clock, w):
    for _ in range(6):
        await send(sessions, clock, w)
    await client.send("/appeals")
    await client.click("Статус: Все")
    await client.click("Отправлено (6)")
    (page2,) = [r for r in await client.click(ct.BTN_NEXT) if r.method == "editMessageText"]
    assert "Статус: <b>Отправлено</b>" in page2.text and "страница 2 из 2" in page2.text
    assert page2.inline.inline_keyboard[0][0].text.startswith("№ 2026-000001")
    nav = next(b for row in page2.inline.inline_keyboard for b in row if b.text == ct.BTN_BACK)
    assert nav.callback_data == MyListCD(flt=Filter.sent, page=0).pack()


def test_the_view_of_the_longest_appeal_fits_one_message(clock):
    """Every field at its longest, the text and the answer full of characters HTML escapes: one message Telegram
    takes (≤ 4 096 characters once parsed), and the rest is a button away."""
    from bot.local_session import parse_html
    from bot.services.appeals.drafts import OrgItem
    from bot.services.appeals.views import AnswerView, AppealView, ChangeView

    now = clock.utcnow()
    org = OrgItem(1, "О" * 500, "О" * 1000, "uk", "7707083893", "1027700132195", None, None, None, None, True)
    v = AppealView(
        id=1, user_id=USER, number="2026-000001", status=AppealStatus.answered, surname="Ф" * 100,
        first_name="И" * 100, patronymic="О" * 100, phone="+79161234567", email="e" * 240 + "@example.ru",
        house_id=1, address="<ул.> & " * 40, region="Москва", premises="кв. " + "9" * 32, municipality="М" * 256,
        topic_code="4", topic="<тема> & " * 28, urgent=False, addressee=org, text="<&> " * 2500, files=[],
        created_at=now, sent_at=now, due_on=dt.date(2026, 12, 3), answered_at=now, route=None, rating=None,
        rated_at=None, parent_id=2, parent_number="2026-000002",
        answers=[AnswerView(1, 900, "А" * 256, "<ответ> & " * 400, now, [])],
        history=[ChangeView(AppealStatus.sent, now, USER, None, None)])
    text, was_cut = t.view_screen(v, clock.today(), clock.to_local)
    assert was_cut
    plain = parse_html(text)
    assert len(plain.encode("utf-16-le")) // 2 <= 4096
    assert "Тема обращения: <тема> &" in plain and "Жалоба на ответ по обращению: № 2026-000002" in plain
    for part in t.full_text(v) + [m for m, _ in t.answer_messages(v, clock.to_local)]:
        assert len(parse_html(part).encode("utf-16-le")) // 2 <= 4096


async def test_an_appeal_returned_to_work_cannot_be_withdrawn(sessions, clock, w):
    """Once answered, an appeal stays on record: returned to work, it waits for a new answer but is not withdrawn."""
    from bot.services.appeals import mine

    sent = await send(sessions, clock, w)
    await answer(sessions, sent.id, clock.utcnow())
    done = await mine.reopen(sessions, USER, sent.id, "Крыша всё ещё течёт.", clock)
    assert done.outcome is mine.Outcome.ok
    done = await mine.withdraw(sessions, USER, sent.id, "Передумал.", clock.utcnow())
    assert done.outcome is mine.Outcome.answered
    assert (await appeal(sessions, sent.id)).status == "in_work"
