"""Staff chat: /outage, /outages (change, cancel, end), /broadcast; residents of the house hear, others do not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.services.outages import OutageInfo, change_outage, create_outage, publish_outages
from bot.texts import notify as t
from storage.models import Notification, Outage
from tests.factories import World, link, world
from tests.pushes import delivered, text_of


async def notes(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


Spec = tuple[str, dt.datetime, dt.datetime, str]  # resource, starts, ends (local), kind


async def announced(sessions, clock, *specs: Spec) -> tuple[World, list[OutageInfo]]:
    """The test world with resident 111 linked in its house, and outages there made by the staff, announced and
    delivered."""
    w = await world(sessions)
    await link(sessions, 111, w.account)
    made = [await create_outage(sessions, clock, house_id=w.house.id, resource=resource, starts=starts, ends=ends,
                                kind=kind, reason=None)
            for resource, starts, ends, kind in specs]
    await publish_outages(sessions, [o.id for o in made], clock)
    await delivered(sessions)
    return w, made


NOV_25 = (dt.datetime(2026, 11, 25, 11), dt.datetime(2026, 11, 25, 20))


async def test_new_outage_step_by_step(staff, sessions, clock):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)
    (r,) = await staff.send("/outage")
    assert "шаг 1" in r.text
    (r,) = await staff.send("Несуществующая 999")
    assert r.text == t.NO_HOUSE
    (r,) = await staff.send("Бауманская 44")
    assert r.buttons == ["г. Москва, ул. Бауманская, д. 44"]
    replies = await staff.click("г. Москва, ул. Бауманская, д. 44")
    assert "Горячая вода" in replies[-1].buttons
    replies = await staff.click("Горячая вода")
    assert "Шаг 3" in replies[-1].text
    (r,) = await staff.send("вчера")
    assert "Нужны дата и время" in r.text  # the step is kept
    (r,) = await staff.send("20.11 10:00")
    assert "Шаг 4" in r.text
    (r,) = await staff.send("20.11 09:00")
    assert "позже начала" in r.text
    (r,) = await staff.send("21.11 18:00")
    assert r.buttons == [t.BTN_PLANNED, t.BTN_EMERGENCY]
    replies = await staff.click(t.BTN_PLANNED)
    assert "Шаг 6" in replies[-1].text
    (r,) = await staff.send("замена задвижки")
    assert "(1 житель)" in r.text and "Плановое отключение горячей воды" in r.text and "замена задвижки" in r.text
    replies = await staff.click(t.BTN_PUBLISH)
    assert replies[-1].text == t.PUBLISHED.format(count="1 уведомление")
    (n,) = await notes(sessions)
    assert n.user_id == 111 and n.kind == "outage"
    async with sessions() as s:
        o = (await s.execute(select(Outage))).scalar_one()
    assert o.source == "staff" and o.revision == 1 and clock.to_local(o.starts_at).hour == 10


def button_data(client, text: str) -> list[tuple[int, str]]:
    """(message id, callback data) of every inline button with this text the chat shows now."""
    return [(mid, b.callback_data) for mid, markup in client.inline.items() if markup is not None
            for row in markup.inline_keyboard for b in row if b.text == text]


async def test_list_change_cancel_end(staff, sessions, clock):
    _w, (o, later) = await announced(
        sessions, clock, ("cold_water", dt.datetime(2026, 11, 19, 11), dt.datetime(2026, 11, 19, 20), "emergency"),
        ("gas", *NOV_25, "planned"))
    (r,) = await staff.send("/outages")
    assert f"№{o.id}" in r.text and f"№{later.id}" in r.text
    replies = await staff.click(t.BTN_EDIT.format(id=o.id))
    (r,) = await staff.send("19.11 22:00")
    assert "окончание изменено" in r.text and "Жителям — 1 уведомление" in r.text
    # the outage of 25.11 has not begun: it can be cancelled, not ended — no «завершить» for it
    assert t.BTN_END.format(id=o.id) in staff.visible_buttons()
    assert t.BTN_END.format(id=later.id) not in staff.visible_buttons()
    from bot.fsm.staff_outage import OutageAct, OutageActCD

    replies = await staff.click_data(OutageActCD(id=later.id, action=OutageAct.end, rev=later.revision).pack())
    assert "ещё не началось" in replies[-1].text and not replies[-1].buttons  # an old button: an alert
    replies = await staff.click(t.BTN_CANCEL_OUTAGE.format(id=later.id))
    assert "Отменить отключение" in replies[-1].text and len(await notes(sessions)) == 3  # asked, not done
    replies = await staff.click(t.BTN_SURE["cancelled"].format(id=later.id))
    assert "отменено" in replies[-1].text
    await staff.click(t.BTN_END.format(id=o.id))
    (sure_mid, sure_data), = button_data(staff, t.BTN_SURE["ended"].format(id=o.id))
    replies = await staff.click(t.BTN_SURE["ended"].format(id=o.id))
    assert "завершено" in replies[-1].text
    assert not button_data(staff, t.BTN_SURE["ended"].format(id=o.id))  # the question is answered: no buttons
    texts = [text_of(n) for n in await notes(sessions)]
    assert len(texts) == 5
    assert "Изменено" in texts[2] and "отменено" in texts[3] and "восстановлена" in texts[4]
    # a second press on the same buttons: nothing more
    replies = await staff.click(t.BTN_END.format(id=o.id))
    assert replies[-1].text == t.OUTAGE_NOT_ACTIVE
    replies = await staff.click_data(sure_data, sure_mid)  # a phone that still shows the old question
    assert len(await notes(sessions)) == 5


async def test_cancel_asks_first_and_no_keeps_it(staff, sessions, clock):
    _w, (o,) = await announced(sessions, clock, ("electricity", *NOV_25, "planned"))
    (n,) = await notes(sessions)
    assert text_of(n).startswith("💡")  # the icon of the resource, not a tap for every outage
    await staff.send("/outages")
    ask = (await staff.click(t.BTN_CANCEL_OUTAGE.format(id=o.id)))[-1]
    assert "электроэнергия" in ask.text.lower() and ask.buttons == [t.BTN_SURE["cancelled"].format(id=o.id),
                                                                    t.BTN_KEEP]
    replies = await staff.click(t.BTN_KEEP)
    assert replies[-1].text == t.KEPT.format(id=o.id)
    async with sessions() as s:
        assert (await s.get(Outage, o.id)).status == "active"
    assert len(await notes(sessions)) == 1


async def test_no_after_yes_does_not_say_kept(staff, sessions, clock):
    """«Да, отменить» answers the question (its buttons go); «Нет, оставить» under another question about the same
    outage, pressed after it, does not claim the cancelled outage was kept."""
    _w, (o,) = await announced(sessions, clock, ("gas", *NOV_25, "planned"))
    await staff.send("/outages")
    first = (await staff.click(t.BTN_CANCEL_OUTAGE.format(id=o.id)))[-1]
    await staff.click(t.BTN_CANCEL_OUTAGE.format(id=o.id))  # asked twice: two questions on screen
    replies = await staff.click(t.BTN_SURE["cancelled"].format(id=o.id))
    assert "отменено" in replies[-1].text
    assert [mid for mid, _ in button_data(staff, t.BTN_KEEP)] == [first.message_id]
    replies = await staff.click(t.BTN_KEEP, first.message_id)
    assert all(r.text != t.KEPT.format(id=o.id) for r in replies)
    assert replies[0].text == t.OUTAGE_NOT_ACTIVE and not button_data(staff, t.BTN_KEEP)
    async with sessions() as s:
        assert (await s.get(Outage, o.id)).status == "cancelled"
    assert len(await notes(sessions)) == 2


async def test_broadcast_to_one_house_with_confirmation(staff, sessions):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)
    (r,) = await staff.send("/broadcast")
    assert t.BTN_ALL_HOUSES in r.buttons
    (r,) = await staff.send("Петровско-Разумовский 12")
    replies = await staff.click(r.buttons[0])
    (r,) = await staff.send("Завтра уборка двора")
    assert "1 житель)" in r.text and "Завтра уборка двора" in r.text
    replies = await staff.click(t.BTN_SEND)
    assert replies[-1].text == t.BC_SENT.format(count="1 сообщение")
    (n,) = await notes(sessions)
    assert n.user_id == 222 and n.kind == "news"


async def test_broadcast_all_and_cancel(staff, sessions):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await link(sessions, 222, w.other_account)
    await staff.send("/broadcast")
    (r,) = await staff.send("Несуществующая 999")  # no such house: «Всем домам» is under the answer again
    assert r.text == t.NO_HOUSE and r.buttons == [t.BTN_ALL_HOUSES]
    await staff.click(t.BTN_ALL_HOUSES, r.message_id)
    (r,) = await staff.send("Всем привет")
    assert "2 жителя)" in r.text
    replies = await staff.click(t.BTN_CANCEL)
    assert replies[-1].text == t.STAFF_CANCELLED and await notes(sessions) == []


async def test_residents_cannot_use_staff_commands(client, sessions):
    await world(sessions)
    replies = await client.send("/outage")
    assert all("шаг 1" not in r.text for r in replies)


async def test_move_the_whole_period(staff, sessions, clock):
    _w, (o,) = await announced(sessions, clock,
                               ("hot_water", dt.datetime(2026, 11, 25, 10), dt.datetime(2026, 11, 25, 18), "planned"))
    await staff.send("/outages")
    (r,) = (await staff.click(t.BTN_EDIT.format(id=o.id)))[-1:]
    assert "25 ноября, 10:00 — 25 ноября, 18:00" in r.text
    (r,) = await staff.send("26.11 10:00 – 26.11 09:00")
    assert "позже начала" in r.text  # the step is kept
    (r,) = await staff.send("26.11 10:00 – 27.11 18:00")
    assert "срок изменён" in r.text and "Жителям — 1 уведомление" in r.text
    async with sessions() as s:
        moved = await s.get(Outage, o.id)
    assert clock.to_local(moved.starts_at) == dt.datetime(2026, 11, 26, 10, tzinfo=clock.tz)
    assert clock.to_local(moved.ends_at) == dt.datetime(2026, 11, 27, 18, tzinfo=clock.tz) and moved.revision == 2
    texts = [text_of(n) for n in await notes(sessions)]
    assert len(texts) == 2 and "Изменено" in texts[1] and "26 ноября" in texts[1]


def test_parse_period(clock):
    from bot.services.outages import OutageError, parse_period

    assert parse_period("22.11 18:00", clock) == (None, dt.datetime(2026, 11, 22, 18))
    assert parse_period("до 22.11 18:00", clock) == (None, dt.datetime(2026, 11, 22, 18))
    for text in ("21.11 10:00 – 22.11 18:00", "21.11 10:00-22.11 18:00", "21.11 10:00 по 22.11 18:00",
                 "21.11.2026 10:00 - 22.11.2026 18:00", "с 21.11 10:00 по 22.11 18:00", "С 21.11 10:00 до 22.11 18:00",
                 "с 21.11 10:00 – 22.11 18:00"):
        assert parse_period(text, clock) == (dt.datetime(2026, 11, 21, 10), dt.datetime(2026, 11, 22, 18)), text
    import pytest

    with pytest.raises(OutageError):
        parse_period("завтра 10:00 – сегодня 09:00", clock)


def test_feb_29_without_a_year_after_a_leap_february(settings):
    import pytest

    from bot.services.clock import FixedClock
    from bot.services.outages import OutageError, OutageReason, parse_local

    clock = FixedClock(settings.tz, dt.datetime(2028, 11, 20, 12))
    with pytest.raises(OutageError) as exc:
        parse_local("29.02 10:00", clock)
    assert exc.value.reason == OutageReason.no_feb_29
    assert parse_local("29.02.2032 10:00", clock) == dt.datetime(2032, 2, 29, 10)


async def test_forged_outage_buttons_get_an_alert(staff, sessions):
    from bot.fsm.staff_outage import OutageAct, OutageActCD
    from bot.texts import common as ct

    await world(sessions)
    for action in OutageAct:
        replies = await staff.click_data(OutageActCD(id=987654, action=action).pack())
        assert replies and all(r.text != ct.ERROR for r in replies), action
        assert replies[0].method == "answerCallbackQuery"
    (r,) = await staff.send("/window 1027700132195 abc")
    assert "Нужны два числа" in r.text
    (r,) = await staff.send("/export -5")
    assert "/export ГГГГ-ММ" in r.text


def test_a_passed_date_without_a_year_is_next_years_only_when_near(settings):
    import pytest

    from bot.services.clock import FixedClock
    from bot.services.outages import OutageError, OutageReason, parse_local

    clock = FixedClock(settings.tz, dt.datetime(2026, 12, 4, 12))
    assert parse_local("05.01 10:00", clock) == dt.datetime(2027, 1, 5, 10)  # typed in December: January's
    assert parse_local("03.12 10:00", clock) == dt.datetime(2026, 12, 3, 10)  # yesterday: an emergency under way
    assert parse_local("вчера в 9", clock) == dt.datetime(2026, 12, 3, 9)
    with pytest.raises(OutageError) as exc:
        parse_local("01.12 10:00", clock)  # a typo for 11.12, not an outage a year from now
    assert exc.value.reason == OutageReason.past_short_date
    assert parse_local("01.12.2027 10:00", clock) == dt.datetime(2027, 12, 1, 10)  # with its year it is taken


async def test_a_typo_in_the_new_end_is_refused_and_the_step_kept(staff, sessions, clock):
    _w, (o,) = await announced(sessions, clock, ("hot_water", *NOV_25, "planned"))
    await staff.send("/outages")
    await staff.click(t.BTN_EDIT.format(id=o.id))
    (r,) = await staff.send("10.11 18:00")  # on 19.11: passed this year, and next year's is a year off
    assert r.text == t.OUTAGE_ERRORS["past_short_date"]
    (r,) = await staff.send("26.11 18:00")  # the step is kept
    assert "окончание изменено" in r.text


async def test_a_period_across_the_new_year_shows_both_years(sessions, clock):
    _w, (o, same) = await announced(
        sessions, clock, ("heat", dt.datetime(2026, 12, 28, 10), dt.datetime(2027, 1, 3, 18), "planned"),
        ("gas", *NOV_25, "planned"))
    first, second = [text_of(n) for n in await notes(sessions)]
    assert "с 28 декабря 2026, 10:00 до 3 января 2027, 18:00" in first
    assert "с 25 ноября, 11:00 до 25 ноября, 20:00" in second  # one year: none shown
    info = await change_outage(sessions, clock, same.id, ends=dt.datetime(2027, 2, 1, 18))
    await publish_outages(sessions, [info.id], clock)
    changed = text_of((await notes(sessions))[-1])
    assert "25 ноября 2026, 11:00" in changed and "1 февраля 2027, 18:00" in changed
    assert o.id != same.id


async def _preview_for(staff, sessions, starts: str, ends: str):
    w = await world(sessions)
    await link(sessions, 111, w.account)
    await staff.send("/outage")
    await staff.send("Бауманская 44")
    await staff.click("г. Москва, ул. Бауманская, д. 44")
    await staff.click("Горячая вода")
    await staff.send(starts)
    await staff.send(ends)
    await staff.click(t.BTN_PLANNED)
    (preview,) = await staff.send("замена стояка")
    return preview


async def test_an_outage_of_years_is_flagged_in_the_preview_and_can_be_cancelled(staff, sessions):
    preview = await _preview_for(staff, sessions, "20.11.2026 10:00", "21.11.2030 18:00")  # «2030» for «2026»
    assert "продлится <b>1\u00a0463 дня</b> — до 21.11.2030 18:00" in preview.text
    assert "Проверьте дату окончания" in preview.text
    assert t.BTN_CANCEL in preview.buttons
    replies = await staff.click(t.BTN_CANCEL)
    assert replies[-1].text == t.STAFF_CANCELLED
    assert await notes(sessions) == []
    async with sessions() as s:
        assert (await s.execute(select(Outage))).first() is None


async def test_an_ordinary_outage_has_no_warning(staff, sessions):
    preview = await _preview_for(staff, sessions, "20.11 10:00", "03.12 18:00")  # 13 days: a riser replacement
    assert "Проверьте дату окончания" not in preview.text


def test_long_days():
    from bot.services.outages import long_days

    at = dt.datetime(2026, 11, 20, 10)
    assert long_days(at, at + dt.timedelta(days=14)) is None
    assert long_days(at, at + dt.timedelta(days=14, minutes=1)) == 15
    assert long_days(at, at + dt.timedelta(days=20)) == 20


async def test_a_new_end_years_away_asks_to_send_it_again_before_it_is_saved(staff, sessions, clock):
    _w, (o,) = await announced(sessions, clock, ("hot_water", *NOV_25, "planned"))
    await staff.send("/outages")
    await staff.click(t.BTN_EDIT.format(id=o.id))
    (r,) = await staff.send("25.11.2029 18:00")  # «2029» for «2026»
    assert "продлится <b>1\u00a0097 дней</b> — до 25.11.2029 18:00" in r.text and "отправьте то же ещё раз" in r.text
    async with sessions() as s:
        assert (await s.get(Outage, o.id)).revision == 1  # nothing saved, nobody told
    assert len(await notes(sessions)) == 1
    (r,) = await staff.send("26.11 18:00")  # the clerk corrects it: an ordinary end saves at once
    assert "окончание изменено" in r.text
    async with sessions() as s:
        assert clock.to_local((await s.get(Outage, o.id)).ends_at).date() == dt.date(2026, 11, 26)


async def test_a_long_new_end_sent_again_is_saved(staff, sessions, clock):
    _w, (o,) = await announced(sessions, clock, ("hot_water", *NOV_25, "planned"))
    await staff.send("/outages")
    await staff.click(t.BTN_EDIT.format(id=o.id))
    (r,) = await staff.send("до 20.12 18:00")  # a riser replacement that grew to 26 days: really so
    assert "продлится <b>26 дней</b>" in r.text
    (r,) = await staff.send("до 20.12 18:00")
    assert "окончание изменено" in r.text
    async with sessions() as s:
        assert clock.to_local((await s.get(Outage, o.id)).ends_at) == dt.datetime(2026, 12, 20, 18, tzinfo=clock.tz)
