"""Fixes on the resident's side of appeals, through the Dispatcher: a complaint to the ГЖИ prefilled from a long
answered appeal keeps its head, the answer and the demand within 10 000 characters (the quoted appeal gives way,
the answer's files first, what was left out named); a withdrawal says truly who learns of it (the staff chat — or
nobody, for an e-mailed or PDF appeal); «« Назад» after a typed search of the addressee returns to the list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.fsm.appeals import ComposeAppeal
from bot.fsm.my_appeals import MyAppealCD
from bot.services import staff_cards as cards
from bot.services.appeals import drafts
from bot.services.appeals.drafts import FileRef
from bot.services.appeals.validate import FILES_MAX, TEXT_MAX
from bot.texts import appeals as t
from bot.texts import my_appeals as tm
from bot.texts.render import count
from storage.models import Appeal
from storage.vocab import AppealRoute
from tests.test_appeals_compose import answer, data_of, doc, resident, state_of, walk_to
from tests.test_appeals_mine import fields, msgs
from tests.test_appeals_staff import photo as staff_photo
from tests.test_appeals_staff import reply

DEMAND = "Ответ меня не устраивает: вопрос не решён. Прошу провести проверку."


async def rows(sessions) -> list[Appeal]:
    async with sessions() as s:
        return list((await s.execute(select(Appeal).order_by(Appeal.id))).scalars())


# --------------------------------------------------------------------------------------------- the complaint


async def test_a_complaint_about_a_long_appeal_keeps_the_answer_and_the_demand(client, staff, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "text")
    piece = ("В подъезде не убирают уже две недели, на лестнице мусор и грязь. " * 60)[:3330]
    for _ in range(3):
        replies = await client.send(piece)
    assert "В тексте 9\u00a0992 символа из 10\u00a0000" in replies[-1].text
    await client.click(t.BTN_DONE)
    for i in range(1, 11):
        await doc(client, f"акт{i}.pdf", 1000)
    await client.click(t.BTN_DONE)
    await client.click(t.BTN_SEND)
    await client.click(t.BTN_YES)
    (first,) = await rows(sessions)
    assert len(first.text) == 9992

    # the clerk answers by replying to the card with a photo
    card = await cards.get(sessions, cards.CardKind.appeal, first.id)
    await reply(staff, card.message_id, photo=staff_photo("ANS_PHOTO"), caption="Уборка идёт по графику.")

    await client.click_data(MyAppealCD(id=first.id).pack())
    await client.click("Не решён")
    replies = await client.click(tm.BTN_COMPLAIN)
    texts = [r.text for r in msgs(replies) if r.text]
    review = texts[-1]
    assert "Обращение — проверьте перед отправкой" in review
    note = next(x for x in texts if "сокращён" in x)
    assert "Текст обращения № 2026-000001 в жалобе сокращён" in note
    assert "не вошли из обращения — «акт10.pdf»" in note and "Они остались в обращении № 2026-000001" in note

    f = (await data_of(dp, bot, client)).f()
    assert len(f.text) <= TEXT_MAX
    assert f.text.startswith("Жалоба на ответ по обращению № 2026-000001 от 19.11.2026 в ООО «УК Тестовая».")
    assert "…\n(текст обращения сокращён; полностью — в обращении № 2026-000001)" in f.text
    assert "\n\nОтвет от 19.11.2026: Уборка идёт по графику.\n\n" in f.text
    assert f.text.endswith(DEMAND)
    assert f"<b>Текст</b> ({count(len(f.text), 'символ', 'символа', 'символов')}):" in review
    # the answer's photo is kept; the appeal's tenth file gave way
    ids = [x.file_id for x in f.files]
    assert len(ids) == FILES_MAX and ids[-1] == "ANS_PHOTO"
    assert [x.file_name for x in f.files[:9]] == [f"акт{i}.pdf" for i in range(1, 10)]

    # and it can be sent as it is
    await client.click(t.BTN_SEND)
    await client.click(t.BTN_YES)
    second = (await rows(sessions))[-1]
    assert second.number == "2026-000002" and second.parent_id == first.id and second.text == f.text


async def test_a_short_complaint_is_not_shortened_and_no_note_is_shown(client, staff, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "review")
    await client.click(t.BTN_SEND)
    await client.click(t.BTN_YES)
    (first,) = await rows(sessions)
    card = await cards.get(sessions, cards.CardKind.appeal, first.id)
    await reply(staff, card.message_id, text="Уборка идёт по графику.")
    await client.click_data(MyAppealCD(id=first.id).pack())
    await client.click("Не решён")
    replies = await client.click(tm.BTN_COMPLAIN)
    assert not any("сокращён" in r.text or "не вошли" in r.text for r in msgs(replies) if r.text)
    f = (await data_of(dp, bot, client)).f()
    assert f.text == (
        "Жалоба на ответ по обращению № 2026-000001 от 19.11.2026 в ООО «УК Тестовая».\n\n"
        "Текст обращения: В подъезде не убирают уже две недели.\n\n"
        "Ответ от 19.11.2026: Уборка идёт по графику.\n\n" + DEMAND)


def test_followup_text_fits_even_with_a_long_answer():
    original, ans = "о" * 9_000, "Ответ. " * 1_430  # 10 010 characters of the answer
    text, shortened = t.followup_text("2026-000001", dt.date(2026, 11, 19), "ООО «УК»", ans,
                                      dt.date(2026, 11, 20), original)
    assert shortened and len(text) <= TEXT_MAX
    assert text.startswith("Жалоба на ответ по обращению № 2026-000001 от 19.11.2026 в ООО «УК».\n\n")
    assert "(текст обращения сокращён; полностью — в обращении № 2026-000001)" in text
    assert "…\n(ответ сокращён; полностью — в обращении № 2026-000001)" in text
    assert text.endswith(DEMAND)
    # a long answer to a short appeal: the appeal is quoted whole, the answer shortened
    text, shortened = t.followup_text("2026-000001", None, None, ans, None, "Мусор на лестнице.")
    assert shortened and len(text) <= TEXT_MAX and "Текст обращения: Мусор на лестнице.\n\n" in text
    assert "текст обращения сокращён" not in text and "(ответ сокращён;" in text
    # exactly at the limit: nothing cut
    head = t.followup_text("1", None, None, "Да.", None, "")[0]
    text, shortened = t.followup_text("1", None, None, "Да.", None, "x" * (TEXT_MAX - len(head)))
    assert not shortened and len(text) == TEXT_MAX


def test_the_answers_files_go_first_when_there_are_too_many():
    def refs(prefix: str, n: int) -> list[FileRef]:
        return [FileRef(f"{prefix}{i}", f"u{prefix}{i}") for i in range(1, n + 1)]

    kept, left = drafts.pick_files(refs("A", 3), [refs("B", 2)])
    assert [x.file_id for x in kept] == ["A1", "A2", "A3", "B1", "B2"] and left == []
    kept, left = drafts.pick_files(refs("A", 10), [refs("B", 4), refs("C", 7)])
    # the newest answer (C) whole, then the earlier answer (B) as far as it goes; the appeal's files give way
    assert [x.file_id for x in kept] == ["B1", "B2", "B3", "C1", "C2", "C3", "C4", "C5", "C6", "C7"]
    assert [(x.ref.file_id, x.from_answer, x.position) for x in left] == \
        [(f"A{i}", False, i) for i in range(1, 11)] + [("B4", True, 4)]
    note = t.followup_note("2026-000001", False, tuple(left))
    assert "из обращения — фото 1, фото 2" in note and "из ответа — фото 4" in note


# --------------------------------------------------------------------------------------------- withdraw


async def _withdraw(client, appeal_id: int) -> tuple[str, str]:
    await client.click_data(MyAppealCD(id=appeal_id).pack())
    (ask,) = msgs(await client.click(tm.BTN_WITHDRAW))
    (done,) = await client.send("Вопрос решён, спасибо")
    return ask.text, done.text


async def test_withdrawing_a_pdf_appeal_does_not_promise_the_organization_is_told(client, sessions, clock):
    w = await resident(client, sessions)
    sent = await drafts.submit(sessions, client.user.id, fields(w, addressee_id=w.gzhi.id), clock, False)
    assert sent.route is AppealRoute.pdf
    ask, done = await _withdraw(client, sent.id)
    assert "перестанет его рассматривать" not in ask
    assert "Мосжилинспекция получает обращения не через бота" in ask
    assert "Организация получит об этом сообщение" not in done
    assert done == ("Обращение № 2026-000001 отозвано в боте. Мосжилинспекция не работает в этом боте и об отзыве "
                    "от него не узнает — сообщите об отзыве в организацию сами, тем же способом, каким отправляли "
                    "обращение (в ГИС ЖКХ, по почте или лично).")
    assert (await rows(sessions))[0].status == "withdrawn"


async def test_withdrawing_an_emailed_appeal_when_the_letter_cannot_go_asks_the_resident_to_tell(client, sessions,
                                                                                                  clock):
    w = await resident(client, sessions)
    sent = await drafts.submit(sessions, client.user.id, fields(w, addressee_id=w.gzhi.id), clock, True)
    assert sent.route is AppealRoute.email
    ask, done = await _withdraw(client, sent.id)  # SMTP_URL is not set any more: the letter cannot go
    assert "бот отправит адресату — Мосжилинспекция — письмо об отзыве с вашей причиной на gzhi@example.ru" in ask
    assert "письмо об отзыве на gzhi@example.ru отправить не удалось" in done
    assert "Сообщите об отзыве адресату — Мосжилинспекция — сами" in done and "Организация получит" not in done


async def test_withdrawing_an_appeal_to_the_staff_chat_keeps_the_promise(client, sessions, clock, bot):
    w = await resident(client, sessions)
    sent = await drafts.submit(sessions, client.user.id, fields(w), clock, False)
    assert sent.route is AppealRoute.staff
    ask, done = await _withdraw(client, sent.id)
    assert "организация перестанет его рассматривать" in ask
    assert done == "Обращение № 2026-000001 отозвано. Организация получит об этом сообщение."


# --------------------------------------------------------------------------------------------- the addressee


async def test_back_after_a_typed_search_that_found_nothing_returns_to_the_list(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "addressee")
    (none,) = await client.send("Рога и копыта")
    assert "Организация «Рога и копыта» не найдена" in none.text and t.BTN_BACK in none.buttons
    replies = await client.click(t.BTN_BACK)
    assert "Шаг 7 из 9. Адресат обращения" in replies[-1].text
    assert await state_of(dp, bot, client) == ComposeAppeal.addressee.state
    # a typed search that finds something: «« Назад» under the results returns to the list too
    (found,) = await client.send("Энергосбыт")
    assert found.buttons[0].startswith("АО «Энергосбыт»")
    replies = await client.click(t.BTN_BACK)
    assert "Шаг 7 из 9. Адресат обращения" in replies[-1].text
    # and the list goes on as before
    await answer(client, "addressee")
    assert "Шаг 8 из 9" in client.last.text
