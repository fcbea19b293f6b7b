"""«Голосование по дому» through the Dispatcher: the list, the card, who may vote, the ballot, forged buttons."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.fsm.voting import Act, BallotCD, MeetingCD, ProtocolCD
from bot.services.voting import service as svc
from bot.services.voting.tally import Choice
from bot.texts import common as ct
from bot.texts import voting as t
from storage.models import Account, AgendaItem, Meeting, Owner, Premises, User, Vote
from tests.factories import PAYER_PHONE, link, world

START = dt.datetime(2026, 11, 10, 7, 0)  # UTC, naive
END = dt.datetime(2026, 11, 30, 18, 0)


async def meeting(sessions, house_id: int, n_items: int = 3, meeting_id: str = "M-1", start=START, end=END,
                  title: str = "Ремонт подъездов") -> tuple[int, list[int]]:
    async with sessions.begin() as s:
        m = Meeting(meeting_id=meeting_id, house_id=house_id, title=title, initiator="Совет дома",
                    administrator="ООО «УК Тестовая»", starts_at=start, ends_at=end)
        s.add(m)
        await s.flush()
        items = [AgendaItem(meeting_id=m.id, number=i + 1, question=f"Вопрос номер {i + 1} <о ремонте> & прочем",
                            majority="simple") for i in range(n_items)]
        s.add_all(items)
        await s.flush()
        return m.id, [i.id for i in items]


async def set_phone(sessions, user_id: int, phone: str | None) -> None:
    async with sessions.begin() as s:
        u = await s.get(User, user_id)
        if u is None:
            s.add(User(id=user_id, first_name="Житель", phone=phone))
        else:
            u.phone = phone


async def votes(sessions) -> list[tuple[int, int, str]]:
    async with sessions() as s:
        return [tuple(r) for r in (await s.execute(
            select(Vote.agenda_item_id, Vote.owner_id, Vote.choice).order_by(Vote.id))).all()]


@pytest.fixture
async def setup(sessions):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await set_phone(sessions, 111, PAYER_PHONE)
    mid, items = await meeting(sessions, w.house.id)
    return w, mid, items


def alerts(replies) -> list[str]:
    return [r.text for r in replies if r.method == "answerCallbackQuery" and r.raw.show_alert]


async def test_owner_votes_every_item_with_back_and_summary(client, sessions, setup):
    w, mid, items = setup
    replies = await client.send(ct.BTN_VOTING)
    assert "Ремонт подъездов" in replies[-1].text and "голосование идёт" in replies[-1].text
    replies = await client.click("🟢 Ремонт подъездов")
    card = replies[-1].text
    assert "Инициатор: Совет дома" in card and "Администратор: ООО «УК Тестовая»" in card
    assert "Вопрос номер 1 &lt;о ремонте&gt; &amp; прочем" in card
    assert "Ваши голоса</b>: 49,50\u00a0м²" in card and "(0,92\u00a0%" in card  # 49.50 of 5 400.50
    assert "Принято решений от собственников 0,00\u00a0м² из 5\u00a0400,50\u00a0м², 0,00\u00a0%" in card
    assert "кворум — более 50 %" in card and "опрос собственников" in card.lower()
    assert "осталось 11 дней" in card
    replies = await client.click(t.BTN_VOTE)
    assert "Вопрос 1 из 3" in replies[-1].text
    await client.click("За")
    replies = await client.click(t.BTN_BACK)
    assert "Вопрос 1 из 3" in replies[-1].text and "Ваш ответ: <b>За</b>" in replies[-1].text
    await client.click("Против")  # changed
    replies = await client.click("Против")
    assert "Вопрос 3 из 3" in replies[-1].text
    replies = await client.click("Воздержался")
    summary = replies[-1].text
    assert "Проверьте ваше решение" in summary and summary.count("— <b>Против</b>") == 2
    assert "— <b>Воздержался</b>" in summary and t.BTN_SEND in replies[-1].buttons
    assert await votes(sessions) == []  # nothing written before «Отправить решение»
    replies = await client.click(t.BTN_SEND)
    assert "Решение отправлено" in replies[-1].text and "19.11.2026 в 12:00" in replies[-1].text
    assert await votes(sessions) == [(items[0], w.owner.id, "against"), (items[1], w.owner.id, "against"),
                                     (items[2], w.owner.id, "abstain")]
    replies = await client.click(t.BTN_CARD)
    assert "решение уже принято 19.11.2026 в 12:00" in replies[-1].text
    assert t.BTN_VOTE not in replies[-1].buttons and "ваш ответ: Против" in replies[-1].text
    assert "49,50\u00a0м² из 5\u00a0400,50\u00a0м², 0,92\u00a0%" in replies[-1].text


async def test_double_tap_on_send_stores_one_vote_per_item(client, sessions, setup):
    w, mid, items = setup
    await client.send("/vote")
    await client.click("🟢 Ремонт подъездов")
    await client.click(t.BTN_VOTE)
    for _ in items:
        await client.click("За")
    summary_id = max(client.inline)
    await client.click(t.BTN_SEND, summary_id)
    replies = await client.click_data(BallotCD(act=Act.send, meeting=mid).pack(), summary_id)
    assert alerts(replies) == ["Ваше решение уже принято 19.11.2026 в 12:00 — изменить его нельзя."]
    assert len(await votes(sessions)) == 3


async def test_two_devices_at_once_give_one_decision(sessions, setup, clock):
    w, mid, items = setup
    a = {items[0]: Choice.yes, items[1]: Choice.yes, items[2]: Choice.yes}
    b = {items[0]: Choice.no, items[1]: Choice.no, items[2]: Choice.no}
    results = await asyncio.gather(svc.submit(sessions, 111, mid, a, clock.utcnow()),
                                   svc.submit(sessions, 111, mid, b, clock.utcnow()))
    assert sorted(r.refusal is None for r in results) == [False, True]
    assert [r.refusal for r in results if r.refusal] == [svc.Refusal.already_sent]
    stored = await votes(sessions)
    assert len(stored) == 3 and len({c for _, _, c in stored}) == 1  # all from one device, never mixed


async def test_two_devices_both_past_the_check_give_one_decision(sessions, setup, clock, monkeypatch):
    """The real race (on PostgreSQL too when TEST_DATABASE_URL is set): both devices have passed every check before
    either writes; the database's unique (agenda item, owner) lets one decision in whole and the other is told when
    the first was sent — never a mix of the two."""
    w, mid, items = setup
    real_card = svc.card
    checked = 0
    both_checked = asyncio.Event()

    async def card_then_wait(*args, **kwargs):
        nonlocal checked
        c = await real_card(*args, **kwargs)
        if kwargs.get("participation") is False:  # submit's own check: hold until the other device is past it too
            checked += 1
            if checked == 2:
                both_checked.set()
            await asyncio.wait_for(both_checked.wait(), 10)
        return c

    monkeypatch.setattr(svc, "card", card_then_wait)
    a = {i: Choice.yes for i in items}
    b = {i: Choice.no for i in items}
    results = await asyncio.gather(svc.submit(sessions, 111, mid, a, clock.utcnow()),
                                   svc.submit(sessions, 111, mid, b, clock.utcnow()))
    assert checked == 2
    assert [r.refusal for r in results].count(None) == 1
    (lost,) = [r for r in results if r.refusal is not None]
    assert lost.refusal == svc.Refusal.already_sent and lost.sent_at == clock.utcnow()
    stored = await votes(sessions)
    assert len(stored) == 3 and len({c for _, _, c in stored}) == 1


async def test_half_share_owner_weighs_half_the_flat_and_votes_for_both_premises(make_client, sessions, setup):
    w, mid, items = setup
    async with sessions.begin() as s:
        flat = Premises(house_id=w.house.id, number="13", total_area=Decimal("60.00"))
        shop = Premises(house_id=w.house.id, number="1Н", kind="nonresidential", total_area=Decimal("100.50"))
        s.add_all([flat, shop])
        await s.flush()
        acc = Account(account_number="555", provider_id=w.uk.id, premises_id=flat.id, payer_name="Петрова")
        s.add(acc)
        s.add_all([Owner(premises_id=flat.id, owner_name="Петрова А. А.", share_num=1, share_den=2,
                         phone="+79990001111", egrn_record="77-1"),
                   Owner(premises_id=flat.id, owner_name="Петров Б. Б.", share_num=1, share_den=2,
                         phone="+79990002222", egrn_record="77-2"),
                   Owner(premises_id=shop.id, owner_name="Петрова А. А.", share_num=1, share_den=1,
                         phone="+79990001111", egrn_record="77-3")])
    await link(sessions, 555, acc)
    await set_phone(sessions, 555, "+79990001111")
    petrova = make_client(user_id=555, first_name="Анна")
    await petrova.send(ct.BTN_VOTING)
    card = (await petrova.click("🟢 Ремонт подъездов"))[-1].text
    assert "кв. 13, доля 1/2: 30,00\u00a0м²" in card and "пом. 1Н: 100,50\u00a0м²" in card
    assert "Ваши голоса</b>: 130,50\u00a0м²" in card
    await petrova.click(t.BTN_VOTE)
    for _ in items:
        await petrova.click("За")
    replies = await petrova.click(t.BTN_SEND)
    assert "Подано за 2 помещения" in replies[-1].text
    assert len(await votes(sessions)) == 6
    tally = await svc.meeting_tally(sessions, mid)
    assert tally.participated == Decimal("130.50") and tally.items[0].votes_for == Decimal("130.50")


@pytest.mark.parametrize("who, phone, owner_egrn, reason", [
    ("tenant", "+79990000001", None, "голосуют собственники"),
    ("unregistered", "+79990000003", "none", "право не зарегистрировано в ЕГРН"),
    ("no_phone", None, None, "поделитесь номером телефона"),
])
async def test_who_may_not_vote_is_told_why_and_whom_to_ask(make_client, sessions, setup, who, phone, owner_egrn,
                                                            reason):
    w, mid, items = setup
    async with sessions.begin() as s:
        acc = Account(account_number=f"T-{who}", provider_id=w.uk.id, premises_id=w.flat.id, payer_name="Жилец")
        s.add(acc)
        if owner_egrn == "none":
            s.add(Owner(premises_id=w.flat.id, owner_name="Без ЕГРН", share_num=1, share_den=2, phone=phone))
    await link(sessions, 222, acc)
    await set_phone(sessions, 222, phone)
    other = make_client(user_id=222, first_name="Жилец")
    await other.send(ct.BTN_VOTING)
    replies = await other.click("🟢 Ремонт подъездов")
    text = "\n".join(r.text for r in replies)
    assert reason in text
    assert t.BTN_VOTE not in replies[0].buttons
    if who != "no_phone":
        assert "ООО «УК Тестовая» по телефону +74951234567" in text
    replies = await other.click_data(BallotCD(act=Act.start, meeting=mid).pack())
    assert len(alerts(replies)) == 1
    replies = await other.click_data(BallotCD(act=Act.answer, meeting=mid, item=items[0], choice=Choice.yes).pack())
    assert len(alerts(replies)) == 1
    assert await votes(sessions) == []
    assert [p.user_id for p in await svc.push_recipients(sessions, mid, svc.PushKind.opened)] == [111]


async def test_no_phone_shares_contact_then_may_vote(make_client, sessions, setup):
    w, mid, items = setup
    await link(sessions, 333, w.account)
    newcomer = make_client(user_id=333)
    await newcomer.send(ct.BTN_VOTING)
    replies = await newcomer.click("🟢 Ремонт подъездов")
    assert any("поделитесь номером телефона" in r.text for r in replies)
    replies = await newcomer.send("привет")
    assert "Поделиться номером" in replies[-1].text
    replies = await newcomer.share_contact("8 (916) 123-45-67")
    assert t.BTN_VOTE in replies[-1].buttons and "Ваши голоса" in replies[-1].text


async def test_forged_buttons_are_refused_and_change_nothing(client, sessions, setup, clock):
    w, mid, items = setup
    other_mid, other_items = await meeting(sessions, w.other_house.id, meeting_id="M-2", title="Чужое")
    ended_mid, ended_items = await meeting(sessions, w.house.id, meeting_id="M-0", title="Прошлое",
                                           start=START - dt.timedelta(days=40), end=START - dt.timedelta(days=20))
    await client.send(ct.BTN_VOTING)
    for data in (MeetingCD(id=other_mid), BallotCD(act=Act.start, meeting=other_mid),
                 BallotCD(act=Act.answer, meeting=other_mid, item=other_items[0], choice=Choice.yes),
                 BallotCD(act=Act.start, meeting=ended_mid), ProtocolCD(id=other_mid), MeetingCD(id=999999)):
        replies = await client.click_data(data.pack())
        assert len(alerts(replies)) == 1, data
    # an item of another meeting inside this meeting's ballot
    await client.click("🟢 Ремонт подъездов")
    await client.click(t.BTN_VOTE)
    replies = await client.click_data(BallotCD(act=Act.answer, meeting=mid, item=other_items[0],
                                               choice=Choice.yes).pack())
    assert alerts(replies) == [t.ALERT[svc.Refusal.bad_item]]
    # a choice for an item that is not the one on screen (skipping ahead)
    replies = await client.click_data(BallotCD(act=Act.answer, meeting=mid, item=items[2], choice=Choice.yes).pack())
    assert alerts(replies) == [ct.STALE_BUTTON]
    # a send without the summary
    replies = await client.click_data(BallotCD(act=Act.send, meeting=mid).pack())
    assert len(alerts(replies)) == 1
    replies = await client.click_data("vb:a:1:1:maybe")
    assert alerts(replies) == [ct.STALE_BUTTON]
    assert await votes(sessions) == []
    # a direct service call with another user's premises cannot happen: the owners come from the user's phone
    sent = await svc.submit(sessions, 111, other_mid, {i: Choice.yes for i in other_items}, clock.utcnow())
    assert sent.refusal == svc.Refusal.not_yours
    sent = await svc.submit(sessions, 111, mid, {items[0]: Choice.yes}, clock.utcnow())
    assert sent.refusal == svc.Refusal.bad_item
    assert await votes(sessions) == []


async def test_filters_show_ended_and_soon(client, sessions, setup):
    w, mid, items = setup
    await meeting(sessions, w.house.id, meeting_id="M-0", title="Прошлое", start=START - dt.timedelta(days=40),
                  end=START - dt.timedelta(days=20))
    await meeting(sessions, w.house.id, meeting_id="M-3", title="Будущее", start=END + dt.timedelta(days=10),
                  end=END + dt.timedelta(days=20))
    replies = await client.send(ct.BTN_VOTING)
    assert "Ремонт подъездов" in replies[-1].text and "Прошлое" not in replies[-1].text
    replies = await client.click(t.FILTERS[svc.Filter.ended])
    assert "Прошлое" in replies[-1].text and "Ремонт" not in replies[-1].text
    replies = await client.click(t.FILTERS[svc.Filter.soon])
    assert "Будущее" in replies[-1].text
    replies = await client.click("• " + t.FILTERS[svc.Filter.soon])
    replies = await client.click(t.FILTERS[svc.Filter.all])
    assert all(x in replies[-1].text for x in ("Прошлое", "Будущее", "Ремонт"))
    replies = await client.click("🕓 Будущее")
    assert "ещё не началось" in replies[-1].text and t.BTN_VOTE not in replies[-1].buttons


async def test_push_recipients_only_registered_owners(sessions, setup, clock):
    w, mid, items = setup
    async with sessions.begin() as s:
        s.add(Owner(premises_id=w.flat.id, owner_name="Без ЕГРН", share_num=1, share_den=2, phone="+79990000003"))
    await set_phone(sessions, 222, "+79990000003")  # owner without ЕГРН
    await set_phone(sessions, 223, "+79035550000")  # payer (tenant) of the other house
    assert [p.user_id for p in await svc.push_recipients(sessions, mid, svc.PushKind.opened)] == [111]
    assert [p.user_id for p in await svc.push_recipients(sessions, mid, svc.PushKind.eve)] == [111]
    await svc.submit(sessions, 111, mid, {i: Choice.yes for i in items}, clock.utcnow())
    assert await svc.push_recipients(sessions, mid, svc.PushKind.eve) == []
    assert [p.user_id for p in await svc.push_recipients(sessions, mid, svc.PushKind.results)] == [111]
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Vote)) == 3


async def test_push_button_opens_the_ballot(client, setup):
    """«Проголосовать» under a meeting push (the push view's button) opens that meeting's ballot."""
    from bot.views.pushes import render

    _w, mid, _items = setup
    rendered = render("meeting_open", {"meeting_id": mid, "title": "Ремонт подъездов", "address": "д. 1",
                                       "ends": "2026-12-20T18:00:00+03:00"})
    (button,) = [b for row in rendered.markup.inline_keyboard for b in row]
    replies = await client.click_data(button.callback_data)
    assert "Вопрос 1 из" in replies[-1].text
