"""Seams of the resident's appeal flows found by QA, through the Dispatcher: a typed premises number is checked
against the house's list in the registry (refused when absurd, said so and confirmed by hand when missing, shown
as «кв. 999» everywhere); the review card says per route what will happen once sent; a failed house search keeps
the resident's own houses offered; the follow-ups of «Не решён» act only while the rating is still «Не решён»;
the notes under the staff card name the applicant of the appeal, with no gendered verb."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.fsm.appeals import AppealNewCD, ComposeAppeal
from bot.fsm.my_appeals import MyAppealCD, MyAppeals, ViewAct
from bot.services.appeals import drafts, mine, validate
from bot.services.appeals.mine import Outcome
from bot.services.appeals.validate import PremisesProblem
from bot.texts import appeals as t
from bot.texts import my_appeals as tm
from storage.models import Appeal, Premises
from storage.vocab import AppealRating, AppealRoute
from tests.conftest import STAFF_CHAT_ID
from tests.test_appeals_compose import ADDRESS, answer, data_of, resident, state_of, walk_to
from tests.test_appeals_mine import alert, appeal, fields, msgs, send
from tests.test_appeals_mine import answer as staff_answer
from tests.test_appeals_staff import calls


@pytest.fixture
def cards(monkeypatch) -> list[tuple[int, str | None]]:
    """The notes the resident's actions ask the staff card for."""
    from bot.handlers import appeal_delivery

    calls_: list[tuple[int, str | None]] = []

    async def refresh_card(bot, settings, sessions, clock, appeal_id, note=None) -> bool:
        calls_.append((appeal_id, note))
        return True

    monkeypatch.setattr(appeal_delivery, "refresh_card", refresh_card)
    return calls_


async def add_premises(sessions, house_id: int, *numbers: str, kind: str = "residential") -> None:
    async with sessions.begin() as s:
        for n in numbers:
            s.add(Premises(house_id=house_id, number=n, kind=kind, total_area=Decimal("40.00")))


async def finish(client) -> list:
    """From the topic step to the review card."""
    for step in ("topic", "addressee", "text"):
        await answer(client, step)
    return await client.click(t.BTN_NO_FILES)


# --------------------------------------------------------------------------------------------- 1. the premises


def test_a_typed_premises_number_is_parsed_or_refused():
    ok = {"999": "999", "кв. 12": "12", "квартира 5": "5", "№7": "7", "12А": "12А", "пом. 1": "пом. 1",
          "5/2": "5/2", "  12   а ": "12 а"}
    for typed, number in ok.items():
        assert validate.parse_premises_number(typed) == number, typed
    refused = {"0": PremisesProblem.zero, "00": PremisesProblem.zero, "кв. 0": PremisesProblem.zero,
               "кв.": PremisesProblem.empty, "": PremisesProblem.empty, "99999": PremisesProblem.too_big,
               "седьмая": PremisesProblem.format, "<b>7</b>": PremisesProblem.format, "-5": PremisesProblem.format,
               "7" * 21: PremisesProblem.format}
    for typed, problem in refused.items():
        assert validate.parse_premises_number(typed) is problem, typed
    # shown as the registry's flats are
    assert drafts.typed_premises_label("999") == "кв. 999"
    assert drafts.typed_premises_label("12А") == "кв. 12А"
    assert drafts.typed_premises_label("пом. 3") == "пом. 3"


async def test_an_absurd_number_is_refused_and_the_step_keeps_its_flat(client, sessions, dp, bot):
    w = await resident(client, sessions)
    await walk_to(client, "premises")
    for typed, words in (("0", "Помещения с номером 0 не бывает"), ("99999", "слишком большой"),
                         ("кв.", "после «кв.»"), ("седьмая", "Напишите номер помещения цифрами")):
        (refused,) = await client.send(typed)
        assert words in refused.text, typed
        assert "Сейчас остаётся: кв. 12." in refused.text, typed
        assert "✓ кв. 12" in refused.buttons and t.BTN_SKIP in refused.buttons, typed
        assert await state_of(dp, bot, client) == ComposeAppeal.premises.state
        f = (await data_of(dp, bot, client)).f()
        assert (f.premises_id, f.premises_number) == (w.flat.id, None), typed


async def test_an_unknown_number_is_said_and_confirmed_then_shown_as_a_flat_everywhere(client, sessions, dp, bot):
    w = await resident(client, sessions)
    await walk_to(client, "premises")
    (unknown,) = await client.send("999")
    assert "В списке помещений этого дома в реестре ГИС ЖКХ нет «кв. 999»" in unknown.text
    assert "В списке: кв. 12." in unknown.text and "Сейчас остаётся: кв. 12." in unknown.text
    confirm = t.BTN_PREMISES_CONFIRM.format(p="кв. 999")
    assert unknown.buttons[:2] == [confirm, "✓ кв. 12"]
    # not taken silently: the step still holds the flat chosen before
    assert await state_of(dp, bot, client) == ComposeAppeal.premises.state
    f = (await data_of(dp, bot, client)).f()
    assert (f.premises_id, f.premises_number) == (w.flat.id, None)

    topic = (await client.click(confirm))[-1]
    assert "Шаг 6 из 9. Тема обращения" in topic.text
    f = (await data_of(dp, bot, client)).f()
    assert (f.premises_id, f.premises_number) == (None, "999")
    card = (await finish(client))[-1]
    assert "<b>Помещение:</b> кв. 999 (нет в реестре дома)" in card.text

    await client.click(t.BTN_SEND)
    await client.click(t.BTN_YES)
    a = (await client_appeals(sessions))[-1]
    assert (a.premises_id, a.premises_number) == (None, "999")
    staff_card = calls(bot, "sendMessage", STAFF_CHAT_ID)[-1].text
    assert f"🏠 {ADDRESS}, кв. 999\n" in staff_card
    (view,) = msgs(await client.click_data(MyAppealCD(id=a.id).pack()))
    assert "Номер помещения: кв. 999 (нет в реестре дома)" in view.text


async def client_appeals(sessions) -> list[Appeal]:
    async with sessions() as s:
        return list((await s.execute(select(Appeal).order_by(Appeal.id))).scalars())


async def test_a_typed_number_of_the_registry_is_found_however_it_is_spelled(client, sessions, dp, bot):
    w = await resident(client, sessions)
    await add_premises(sessions, w.house.id, "12А")
    await add_premises(sessions, w.house.id, "пом. 1", kind="nonresidential")
    await walk_to(client, "premises")
    topic = (await client.send("12a"))[-1]  # a Latin «a», lower case
    assert "Шаг 6 из 9" in topic.text
    f = (await data_of(dp, bot, client)).f()
    async with sessions() as s:
        flat = (await s.execute(select(Premises).where(Premises.number == "12А"))).scalar_one()
        office = (await s.execute(select(Premises).where(Premises.number == "пом. 1"))).scalar_one()
    assert (f.premises_id, f.premises_number) == (flat.id, None)
    await client.click(t.BTN_BACK)
    await client.send("пом 1")
    assert (await data_of(dp, bot, client)).f().premises_id == office.id
    card = (await finish(client))[-1]
    assert "<b>Помещение:</b> пом. 1\n" in card.text


async def test_a_flat_is_picked_from_the_house_list_page_by_page(client, sessions, dp, bot):
    w = await resident(client, sessions)
    await add_premises(sessions, w.house.id, *[str(n) for n in range(1, 31) if n != 12])
    await walk_to(client, "premises")
    (unknown,) = await client.send("31")
    assert "В списке: кв. 1–30." in unknown.text
    assert "кв. 20" in unknown.buttons and "кв. 21" not in unknown.buttons
    page2 = (await client.click(t.BTN_PREMISES_NEXT))[-1]
    assert "страница 2 из 2" in page2.text and "кв. 21" in page2.buttons
    assert t.BTN_PREMISES_PREV in page2.buttons and t.BTN_PREMISES_CONFIRM.format(p="кв. 31") in page2.buttons
    topic = (await client.click("кв. 27"))[-1]
    assert "Шаг 6 из 9" in topic.text
    async with sessions() as s:
        flat = (await s.execute(select(Premises).where(Premises.house_id == w.house.id,
                                                       Premises.number == "27"))).scalar_one()
    assert (await data_of(dp, bot, client)).f().premises_id == flat.id
    card = (await finish(client))[-1]
    assert "<b>Помещение:</b> кв. 27\n" in card.text


async def test_a_premises_of_another_house_cannot_be_forced_by_a_button(client, sessions, dp, bot):
    w = await resident(client, sessions)
    await walk_to(client, "premises")
    data = await data_of(dp, bot, client)
    from bot.fsm.appeals import Act, AppealCD

    replies = await client.click_data(AppealCD(act=Act.premises, token=data.token, id=w.other_flat.id).pack())
    assert any("больше не действует" in r.text for r in replies)
    assert (await data_of(dp, bot, client)).f().premises_id == w.flat.id
    # «Указать — нет в реестре» with nothing typed is a stale button too
    replies = await client.click_data(AppealCD(act=Act.premises_confirm, token=data.token).pack())
    assert any("больше не действует" in r.text for r in replies)
    assert (await data_of(dp, bot, client)).f().premises_number is None


# --------------------------------------------------------------------------------------------- 2. the route


async def test_the_review_card_says_what_happens_per_route(client, sessions, dp, bot, settings):
    await resident(client, sessions)
    card = (await walk_to(client, "review"))[-1]
    assert "ООО «УК Тестовая» работает в этом боте" in card.text and "ответ придёт в этот чат" in card.text
    assert card.text.index("<b>Куда:</b>") < card.text.index("<b>Заявитель:</b>")  # up front

    await client.click(t.BTN_CHANGE)
    await client.click(t.FIELD_NAMES["addressee"])
    card = (await client.click("Мосжилинспекция"))[-1]
    assert "Мосжилинспекция не работает в этом боте" in card.text
    assert "вы получите PDF обращения — подайте его сами в ГИС ЖКХ (dom.gosuslugi.ru)" in card.text
    assert "Ответ придёт от адресата, не в этот чат." in card.text
    assert "Ответ придёт в этот чат" not in card.text and "на указанный e-mail" not in card.text

    settings.smtp_url = SecretStr("smtp://127.0.0.1:1")  # the bot can e-mail: the ГЖИ gets a letter
    await client.click(t.BTN_CHANGE)
    card = (await client.click(t.BTN_TO_REVIEW))[-1]
    assert ("бот отправит обращение на электронную почту адресата gzhi@example.ru" in card.text
            and "Ответ пришлёт адресат на ваш e-mail, не в этот чат." in card.text)


def test_planned_route_follows_delivery():
    uk = drafts.OrgItem(1, "УК", "УК", "uk", "7707083893", "1027700132195", None, None, "uk@x.ru", None, True)
    gzhi = drafts.OrgItem(2, "ГЖИ", "ГЖИ", "gzhi", "7710461234", "1027739143497", None, None, "g@x.ru", None, False)
    assert drafts.planned_route(uk, False, True) is AppealRoute.staff
    assert drafts.planned_route(uk, False, False) is AppealRoute.pdf  # no staff chat: the resident's PDF
    assert drafts.planned_route(gzhi, True, True) is AppealRoute.email
    assert drafts.planned_route(gzhi, False, True) is AppealRoute.pdf


async def test_the_view_of_a_sent_appeal_says_where_the_answer_comes_from(client, sessions, clock):
    w = await resident(client, sessions)
    sent = await send(sessions, clock, w, addressee_id=w.gzhi.id)
    (view,) = msgs(await client.click_data(MyAppealCD(id=sent.id).pack()))
    assert t.ANSWER_WAY[AppealRoute.pdf] in view.text and "Ответ придёт в этот чат" not in view.text


# --------------------------------------------------------------------------------------------- 3. the house


async def test_a_failed_house_search_keeps_the_residents_houses(client, sessions, dp, bot):
    await resident(client, sessions)
    await walk_to(client, "house")
    (none,) = await client.send("2-1")
    assert "Дом по адресу «2-1» не найден" in none.text and "Или выберите свой дом кнопкой." in none.text
    assert none.buttons[0] == f"✓ {ADDRESS}" and t.BTN_BACK in none.buttons
    (again,) = await client.send("Несуществующая 999")
    assert again.buttons[0] == f"✓ {ADDRESS}"
    premises = (await client.click(f"✓ {ADDRESS}", again.message_id))[-1]
    assert "Шаг 5 из 9. Помещение" in premises.text


# --------------------------------------------------------------------------------------------- 4. the rating


async def answered(client, sessions, clock, w) -> int:
    sent = await send(sessions, clock, w, surname="Д'Артаньян", first_name="Мария-Луиза", patronymic=None)
    await staff_answer(sessions, sent.id, clock.utcnow())
    await client.click_data(MyAppealCD(id=sent.id).pack())
    return sent.id


async def test_old_buttons_of_unsolved_do_nothing_once_the_question_is_solved(client, sessions, clock, dp, bot,
                                                                           cards):
    w = await resident(client, sessions)
    appeal_id = await answered(client, sessions, clock, w)
    replies = await client.click(tm.RATING[AppealRating.unsolved])
    offer = next(r for r in replies if r.method == "sendMessage")
    assert offer.buttons == [tm.BTN_REOPEN, tm.BTN_COMPLAIN]
    await client.click(tm.RATING[AppealRating.solved])  # the card above the offer
    assert (await appeal(sessions, appeal_id)).rating == "solved"

    words = alert(await client.click(tm.BTN_REOPEN, offer.message_id))
    assert words == tm.rated_otherwise(AppealRating.solved, tm.BTN_REOPEN) and len(words) <= 200
    assert "Оценка ответа теперь — «Вопрос решён»" in words
    words = alert(await client.click(tm.BTN_COMPLAIN, offer.message_id))
    assert words == tm.rated_otherwise(AppealRating.solved, tm.BTN_COMPLAIN) and len(words) <= 200
    a = await appeal(sessions, appeal_id)
    assert (a.rating, a.status) == ("solved", "answered")
    assert await state_of(dp, bot, client) is None
    assert len(await client_appeals(sessions)) == 1  # no complaint started

    # the service checks the database itself, whatever the button
    res = await mine.reopen(sessions, client.user.id, appeal_id, "Снег так и лежит", clock)
    assert (res.outcome, res.rating) == (Outcome.rated_otherwise, AppealRating.solved)
    assert isinstance(await drafts.followup(sessions, client.user.id, appeal_id, clock), drafts.RatedOtherwise)

    # rated «Не решён» again: the follow-ups work again
    await client.click(tm.RATING[AppealRating.unsolved])
    (ask,) = msgs(await client.click(tm.BTN_REOPEN))
    assert "в работу?" in ask.text


async def test_the_comment_typed_after_the_rating_changed_is_refused(client, sessions, clock, dp, bot, cards):
    w = await resident(client, sessions)
    appeal_id = await answered(client, sessions, clock, w)
    await client.click(tm.RATING[AppealRating.unsolved])
    await client.click(tm.BTN_REOPEN)
    assert await state_of(dp, bot, client) == MyAppeals.comment.state
    await client.click(tm.RATING[AppealRating.partly])  # on the card, while the comment was being typed
    (refused,) = await client.send("Снег так и лежит")
    assert refused.text == tm.rated_otherwise(AppealRating.partly, tm.BTN_REOPEN)
    a = await appeal(sessions, appeal_id)
    assert (a.rating, a.status) == ("partly", "answered")
    assert not any("возвращено в работу" in (note or "") for _id, note in cards)


async def test_a_forged_complaint_button_is_refused_after_a_solved_rating(client, sessions, clock, cards):
    w = await resident(client, sessions)
    appeal_id = await answered(client, sessions, clock, w)
    await client.click(tm.RATING[AppealRating.solved])
    words = alert(await client.click_data(AppealNewCD(parent=appeal_id).pack()))
    assert "«Вопрос решён»" in words
    assert len(await client_appeals(sessions)) == 1


# --------------------------------------------------------------------------------------------- 5. the notes


async def test_the_staff_notes_name_the_applicant_neutrally(client, sessions, clock, cards):
    w = await resident(client, sessions)
    appeal_id = await answered(client, sessions, clock, w)
    await client.click(tm.RATING[AppealRating.unsolved])
    await client.click(tm.BTN_REOPEN)
    await client.send("Снег так и лежит")
    withdrawn = await send(sessions, clock, w, surname="Д'Артаньян", first_name="Мария-Луиза", patronymic=None)
    await client.click_data(MyAppealCD(id=withdrawn.id, act=ViewAct.withdraw).pack())
    await client.send("Вопрос решён сам")
    assert cards == [
        (appeal_id, "Заявитель Д'Артаньян Мария-Луиза: ответ оценён — «Не решён»"),
        (appeal_id, "Заявитель Д'Артаньян Мария-Луиза: обращение возвращено в работу. Комментарий: Снег так и лежит"),
        (withdrawn.id, "Заявитель Д'Артаньян Мария-Луиза: обращение отозвано. Причина: Вопрос решён сам"),
    ]
    for _id, note in cards:
        assert "Житель" not in note and "отозвал " not in note and "вернул" not in note and "оценил" not in note


async def test_the_note_reaches_the_staff_card_escaped(client, sessions, clock, bot, settings):
    from bot.handlers import appeal_delivery

    w = await resident(client, sessions)
    sent = await drafts.submit(sessions, client.user.id, fields(w, surname="Д'Артаньян", first_name="<Мария>",
                                                                   patronymic=None), clock, False)
    await appeal_delivery.deliver(bot, settings, sessions, clock, sent.id, sent.route)
    await client.click_data(MyAppealCD(id=sent.id, act=ViewAct.withdraw).pack())
    await client.send("Причина & <другая>")
    note = calls(bot, "sendMessage", STAFF_CHAT_ID)[-1].text
    assert note == ("💬 № 2026-000001: Заявитель Д&#x27;Артаньян &lt;Мария&gt;: обращение отозвано. "
                    "Причина: Причина &amp; &lt;другая&gt;")


@pytest.mark.parametrize("rating", [AppealRating.solved, AppealRating.partly, AppealRating.unsolved])
def test_the_alert_fits_telegram(rating):
    for button in (tm.BTN_REOPEN, tm.BTN_COMPLAIN):
        assert len(tm.rated_otherwise(rating, button)) <= 200
