"""Staff: /meetings with participation, /meeting step by step with the period's rules, the majority from the
question type, the preview and «Опубликовать»; an agenda cannot change once voting has started."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.services.voting import service as svc
from bot.services.voting import staff as plan
from bot.services.voting.tally import Choice, QuestionType
from bot.texts import voting as t
from storage.models import AgendaItem, House, Meeting, Owner
from tests.factories import PAYER_PHONE, link, world
from tests.test_voting_flow import meeting, set_phone

TODAY = dt.date(2026, 11, 19)


def test_period_rules():
    d = dt.timedelta
    assert plan.check_period(TODAY + d(10), TODAY + d(16), TODAY, True) is None  # 7 days, 10 days' notice
    assert plan.check_period(TODAY + d(10), TODAY + d(15), TODAY, True) == plan.PlanProblem.too_short
    assert plan.check_period(TODAY + d(10), TODAY + d(69), TODAY, True) is None  # 60 days
    assert plan.check_period(TODAY + d(10), TODAY + d(70), TODAY, True) == plan.PlanProblem.too_long
    assert plan.check_period(TODAY + d(9), TODAY + d(20), TODAY, True) == plan.PlanProblem.too_soon
    assert plan.check_period(TODAY + d(1), TODAY + d(10), TODAY, False) is None  # a survey: no 10-day notice
    assert plan.check_period(TODAY - d(1), TODAY + d(10), TODAY, False) == plan.PlanProblem.in_past


async def test_staff_meetings_lists_participation(staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await set_phone(sessions, 111, PAYER_PHONE)
    mid, items = await meeting(sessions, w.house.id)
    await svc.submit(sessions, 111, mid, {i: Choice.yes for i in items}, clock.utcnow())
    replies = await staff.send("/meetings")
    assert "Ремонт подъездов" in replies[-1].text and "голосование идёт" in replies[-1].text
    assert "участие: 49,50\u00a0м² из 5\u00a0400,50\u00a0м², 0,92\u00a0%" in replies[-1].text


async def test_staff_creates_a_meeting_step_by_step(staff, sessions, clock):
    w = await world(sessions)
    async with sessions.begin() as s:
        (await s.get(House, w.house.id)).evoting_decision = "протокол № 3 от 12.03.2026"
        payer = (await s.execute(select(Owner))).scalar_one()
        payer.share_num, payer.share_den = 1, 4  # the flat is shared: ¼ + ½ + ¼
        # a second owner of the flat, registered in the ЕГРН, whom the bot does not know (no phone shared)
        s.add(Owner(premises_id=w.flat.id, owner_name="Хабибуллина Алсу Рашидовна", share_num=1, share_den=2,
                    egrn_record="77:09:0004011:1234-77/011/2019-2"))
        # and one whose right is not registered: not a voter
        s.add(Owner(premises_id=w.flat.id, owner_name="Хабибуллин Тимур Ринатович", share_num=1, share_den=4))
    await set_phone(sessions, 111, PAYER_PHONE)
    replies = await staff.send("/meeting")
    assert "шаг 1" in replies[-1].text
    replies = await staff.send("Бауманская 44")
    replies = await staff.click(replies[-1].buttons[0])
    assert "общее собрание собственников" in replies[-1].text
    await staff.send("Годовое собрание <2027>")
    replies = await staff.send("-")
    assert "с 29.11.2026" in replies[-1].text
    replies = await staff.send("25.11.2026 — 10.12.2026")  # 6 days' notice only
    assert "не раньше чем через 10 дней" in replies[-1].text
    replies = await staff.send("01.12.2026 — 05.12.2026")
    assert "не меньше 7 дней" in replies[-1].text
    replies = await staff.send("31.12.2026")
    assert "Не понял даты" in replies[-1].text
    replies = await staff.send("20.12.2026 — 01.12.2026")  # the wrong way round: not «too short»
    assert "Окончание раньше начала" in replies[-1].text
    replies = await staff.send("01.12.2026 — 31.02.2027")
    assert "Такой даты нет: «31.02.2027»" in replies[-1].text
    replies = await staff.send("01.12.2026 — 20.12.2026")
    assert "вопрос 1" in replies[-1].text
    await staff.send("Сдать крышу в аренду оператору связи")
    replies = await staff.send("какой-то текст")  # the type is chosen by a button
    assert "Какой это вопрос" in replies[-1].text
    replies = await staff.click(t.QUESTION_TYPES[QuestionType.common_property])
    assert "не менее 2/3 голосов всех собственников" in replies[-1].text
    await staff.send("Избрать совет дома")
    await staff.click(t.QUESTION_TYPES[QuestionType.council])
    replies = await staff.click(t.BTN_DONE)
    preview = replies[-1].text
    assert "Годовое собрание &lt;2027&gt;" in preview and "01.12.2026 — 20.12.2026" in preview
    assert "1. Сдать крышу" in preview and "2. Избрать совет дома" in preview
    async with sessions() as s:
        assert (await s.execute(select(Meeting))).first() is None  # nothing before «Опубликовать»
    replies = await staff.click(t.BTN_PUBLISH)
    assert "Собрание опубликовано" in replies[-1].text
    assert "Собственников с записью в ЕГРН (они голосуют): 2, из них в боте (поделились номером телефона): 1" in \
        replies[-1].text
    async with sessions() as s:
        m = (await s.execute(select(Meeting))).scalars().one()
        assert m.title == "Годовое собрание <2027>" and m.initiator == "ООО «УК Тестовая»"
        assert (m.starts_at, m.ends_at) == (dt.datetime(2026, 11, 30, 21, 0), dt.datetime(2026, 12, 20, 21, 0))
        rows = (await s.execute(select(AgendaItem.number, AgendaItem.question_type, AgendaItem.majority)
                                .order_by(AgendaItem.number))).all()
    assert [tuple(r) for r in rows] == [(1, "common_property", "two_thirds_all"), (2, "council", "simple")]


async def test_agenda_cannot_change_once_voting_started(sessions, clock):
    w = await world(sessions)
    mid, items = await meeting(sessions, w.house.id)  # started 10.11
    new = [plan.NewItem("Новый вопрос", QuestionType.other)]
    assert await plan.replace_agenda(sessions, mid, new, clock.utcnow()) == plan.PlanProblem.started
    later, _ = await meeting(sessions, w.house.id, meeting_id="M-9", start=dt.datetime(2026, 12, 10),
                             end=dt.datetime(2026, 12, 20))
    assert await plan.replace_agenda(sessions, later, new, clock.utcnow()) is None
    async with sessions() as s:
        assert (await s.execute(select(AgendaItem.question).where(AgendaItem.meeting_id == later))).scalars().all() \
            == ["Новый вопрос"]
        assert len((await s.execute(select(AgendaItem).where(AgendaItem.meeting_id == mid))).all()) == 3
