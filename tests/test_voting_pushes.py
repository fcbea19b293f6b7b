"""Meeting pushes: who hears them is the voting service's rule (registered owners of the house, «Голосования» on;
«завтра заканчивается» only before a decision is sent), «итоги голосования» when the meetings_close job closes a
meeting (its «Протокол» sends the PDF), «опрос» vs «общее собрание» in the words, and /meeting «Опубликовать»
queueing the opening push."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from bot.fsm.voting import Act, BallotCD, ProtocolCD
from bot.local_session import parse_html
from bot.services.notify import reminders
from bot.services.voting import service as svc
from bot.services.voting.tally import Choice
from bot.texts import voting as t
from bot.views.pushes import render
from storage.models import House, Notification, Owner, User
from tests.factories import PAYER_PHONE, link, world
from tests.test_voting_flow import END, meeting, set_phone

OTHER_OWNER = "+79990000005"


async def notes(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


async def two_owners(sessions):
    """The payer (111, registered owner), a co-owner (555, registered), a co-owner without ЕГРН (222) and a
    tenant of the house (333)."""
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await set_phone(sessions, 111, PAYER_PHONE)
    async with sessions.begin() as s:
        s.add(Owner(premises_id=w.flat.id, owner_name="Совладелец", share_num=1, share_den=2, phone=OTHER_OWNER,
                    egrn_record="77:01:0001:1-77/001/2020-2"))
        s.add(Owner(premises_id=w.flat.id, owner_name="Без ЕГРН", share_num=1, share_den=2, phone="+79990000003"))
    await set_phone(sessions, 555, OTHER_OWNER)
    await set_phone(sessions, 222, "+79990000003")
    await link(sessions, 333, w.account)
    await set_phone(sessions, 333, "+79990000333")
    mid, items = await meeting(sessions, w.house.id)
    return w, mid, items


async def test_meeting_pushes_go_to_registered_owners_and_the_eve_one_only_before_a_decision(sessions, clock):
    w, mid, items = await two_owners(sessions)
    async with sessions.begin() as s:  # «Голосования» off: nothing for 555 until it is on again
        await s.execute(update(User).where(User.id == 555).values(notify_meetings=False))
    assert await reminders.remind_meetings(sessions, clock) == 1
    assert [(n.user_id, n.kind) for n in await notes(sessions)] == [(111, "meeting_open")]
    async with sessions.begin() as s:
        await s.execute(update(User).where(User.id == 555).values(notify_meetings=True))
    await svc.submit(sessions, 111, mid, {i: Choice.yes for i in items}, clock.utcnow())
    clock.set(dt.datetime(2026, 11, 29, 12, 0))  # the day before the last day
    assert await reminders.remind_meetings(sessions, clock) == 1  # 111 has voted: only 555
    assert [(n.user_id, n.kind) for n in await notes(sessions)][1:] == [(555, "meeting_end")]
    assert await reminders.remind_meetings(sessions, clock) == 0  # once


async def test_survey_push_says_it_is_no_decision_and_a_general_meeting_says_so(sessions, clock):
    w, mid, items = await two_owners(sessions)
    await reminders.publish_meetings(sessions, [mid], clock)
    n = (await notes(sessions))[0]
    text = parse_html(render(n.kind, n.payload).text)
    assert "опрос собственников" in text and "не решение общего собрания" in text
    assert "общее собрание собственников" not in text and "Ремонт подъездов" in text
    async with sessions.begin() as s:
        await s.execute(update(House).where(House.id == w.house.id)
                        .values(evoting_decision="протокол № 3 от 12.03.2026"))
        await s.execute(Notification.__table__.delete())
    await reminders.publish_meetings(sessions, [mid], clock)
    n = (await notes(sessions))[0]
    text = parse_html(render(n.kind, n.payload).text)
    assert "общее собрание собственников" in text and "опрос собственников" not in text


async def test_closing_a_meeting_queues_its_results_and_protocol_button_sends_the_pdf(make_client, sessions,
                                                                                       settings, clock):
    from bot.scheduler import run_job
    from bot.services.clock import FixedClock

    w, mid, items = await two_owners(sessions)
    await svc.submit(sessions, 111, mid, {items[0]: Choice.yes, items[1]: Choice.no, items[2]: Choice.yes},
                     clock.utcnow())
    async with sessions.begin() as s:
        await s.execute(Notification.__table__.delete())
    after = FixedClock(settings.tz, clock.to_local(END + dt.timedelta(minutes=5)).replace(tzinfo=None))
    out = "\n".join(await run_job("meetings_close", sessions, settings, after, None))
    assert "1 собрание закрыто" in out and "2 уведомления об итогах голосования" in out
    rows = await notes(sessions)
    assert [(n.user_id, n.kind) for n in rows] == [(111, "meeting_results"), (555, "meeting_results")]
    pushed = render(rows[0].kind, rows[0].payload)
    text = parse_html(pushed.text)
    # 49,50 m² of 5 400,50 took part: no quorum, so no item is adopted; the survey says it is no decision
    assert "Итоги голосования" in text and "Кворума не было" in text and "не решение общего собрания" in text
    assert "1. Вопрос номер 1 <о ремонте> & прочем — кворума нет" in text
    assert "3. Вопрос номер 3" in text
    (button,) = [b for row in pushed.markup.inline_keyboard for b in row]
    assert button.text == t.BTN_PROTOCOL and button.callback_data == ProtocolCD(id=mid).pack()
    assert "0 собраний закрыто" in "\n".join(await run_job("meetings_close", sessions, settings, after, None))
    assert len(await notes(sessions)) == 2  # once
    owner = make_client(user_id=555)
    replies = await owner.click_data(button.callback_data)
    (doc,) = [r for r in replies if r.method == "sendDocument"]
    assert doc.raw.document.filename.endswith(".pdf")
    tenant = make_client(user_id=4242)  # not of this house: the press is refused
    replies = await tenant.click_data(button.callback_data)
    assert not [r for r in replies if r.method == "sendDocument"]


async def test_results_push_of_a_general_meeting_names_each_decision(sessions, clock):
    w, mid, items = await two_owners(sessions)
    async with sessions.begin() as s:  # a small house: the flat is most of it, so 111 and 555 make the quorum
        await s.execute(update(House).where(House.id == w.house.id)
                        .values(evoting_decision="протокол № 3 от 12.03.2026", total_area=60))
    await svc.submit(sessions, 111, mid, {items[0]: Choice.yes, items[1]: Choice.no, items[2]: Choice.yes},
                     clock.utcnow())
    await svc.submit(sessions, 555, mid, {items[0]: Choice.yes, items[1]: Choice.no, items[2]: Choice.no},
                     clock.utcnow())
    clock.set(clock.to_local(END + dt.timedelta(hours=1)).replace(tzinfo=None))
    closed, queued = await reminders.close_meetings(sessions, clock)
    assert (closed, queued) == (1, 2)
    n = (await notes(sessions))[-1]
    text = parse_html(render(n.kind, n.payload).text)
    assert "общее собрание собственников" in text and "Кворума не было" not in text
    assert "опрос собственников" not in text
    assert "1. Вопрос номер 1 <о ремонте> & прочем — Решение принято" in text
    assert "2. Вопрос номер 2 <о ремонте> & прочем — Решение не принято" in text


async def test_publish_queues_the_opening_push_when_voting_starts_today(staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await set_phone(sessions, 111, PAYER_PHONE)
    await link(sessions, 333, w.account)  # a tenant: no push
    replies = await staff.send("/meeting")
    replies = await staff.send("Бауманская 44")
    await staff.click(replies[-1].buttons[0])
    await staff.send("Опрос о парковке")
    await staff.send("-")
    await staff.send("19.11.2026 — 30.11.2026")  # a survey may start today
    await staff.send("Разметить парковку во дворе")
    await staff.click("прочие вопросы")
    await staff.click(t.BTN_DONE)
    replies = await staff.click(t.BTN_PUBLISH)
    assert "Собрание опубликовано" in replies[-1].text
    assert "Отправляем 1 уведомление о начале голосования." in replies[-1].text
    rows = await notes(sessions)
    assert [(n.user_id, n.kind) for n in rows] == [(111, "meeting_open")]
    pushed = render(rows[0].kind, rows[0].payload)
    assert "Опрос о парковке" in parse_html(pushed.text)
    (button,) = [b for row in pushed.markup.inline_keyboard for b in row]
    assert button.callback_data == BallotCD(act=Act.start, meeting=rows[0].payload["meeting_id"]).pack()


async def parking_survey(staff, sessions, period: str) -> list:
    """Owner 111 of the test house, and the clerk's /meeting «Опрос о парковке» (administrator «-», one question)
    up to its preview; the replies to «Готово»."""
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await set_phone(sessions, 111, PAYER_PHONE)
    await staff.send("/meeting")
    replies = await staff.send("Бауманская 44")
    await staff.click(replies[-1].buttons[0])
    await staff.send("Опрос о парковке")
    await staff.send("-")
    await staff.send(period)
    await staff.send("Разметить парковку во дворе")
    await staff.click("прочие вопросы")
    return await staff.click(t.BTN_DONE)


async def test_publish_of_a_later_meeting_queues_nothing_yet_and_says_when(staff, sessions, clock):
    await parking_survey(staff, sessions, "01.12.2026 — 10.12.2026")
    replies = await staff.click(t.BTN_PUBLISH)
    assert "Собственников с записью в ЕГРН (они голосуют): 1, из них в боте (поделились номером телефона): 1" in replies[-1].text
    assert "уйдут 01.12.2026, когда оно откроется" in replies[-1].text
    assert await notes(sessions) == []
    clock.set(dt.datetime(2026, 12, 1, 10, 0))  # the hourly «meetings» job on the first day
    assert await reminders.remind_meetings(sessions, clock) == 1
    assert [(n.user_id, n.kind) for n in await notes(sessions)] == [(111, "meeting_open")]
