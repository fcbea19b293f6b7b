"""«Передать показания» through the real Dispatcher: the list, every check, zones, dates, the spike question,
the window and period, supersede, «Передать все по очереди», «Приборы учёта», history and chart."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from bot.fsm.readings import MeterAction, MeterCD
from bot.texts import common as ct
from bot.texts import readings as t
from storage.models import Meter, Organization, Reading
from tests.factories import link, world

COLD = "Холодная вода ХВ-001"
HOT = "Горячая вода ГВ-001"
POWER = "Электроэнергия Э-777"


async def state_of(dp, client) -> tuple[str | None, dict]:
    ctx = dp.fsm.get_context(client.bot, client.chat.id, client.user.id)
    return await ctx.get_state(), await ctx.get_data()


async def readings(sessions) -> list[Reading]:
    async with sessions() as s:
        return list((await s.execute(select(Reading).order_by(Reading.id))).scalars())


@pytest.fixture
async def w(sessions, client):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    return w


async def open_cold(client) -> None:
    await client.send(t.TITLE)
    (_, prompt) = await client.click(COLD)
    assert "Введите показание" in prompt.text


# --------------------------------------------------------------------------------------------- the list


async def test_list_shows_meters_of_all_linked_accounts(client, w):
    (reply,) = await client.send(t.TITLE)
    text = reply.text
    for piece in ("ХВ-001", "ГВ-001", "Э-777", "100,000", "50,000", "20.10.2026", "поверка до 01.01.2030",
                  "день 1\u00a0200,000, ночь 500,000", "Л/с 1234567890", "Л/с ЭЛ-0012", "с 20 по 25"):
        assert piece in text, piece
    assert reply.buttons == [COLD, HOT, POWER, t.BTN_ALL, t.BTN_METERS]


async def test_without_accounts_asks_to_link_first(client, sessions):
    await world(sessions)
    (reply,) = await client.send(t.TITLE)
    assert reply.text == t.NO_ACCOUNTS
    from bot.texts import accounts as ta

    assert reply.buttons == [ta.BTN_LINK]  # not a dead end: linking starts from here
    replies = await client.click(ta.BTN_LINK)
    assert "Шаг 1 из 4" in replies[-1].text


async def test_readings_is_no_longer_a_stub(client, w):
    (reply,) = await client.send(t.TITLE)
    assert "в разработке" not in reply.text


# --------------------------------------------------------------------------------------------- happy path


async def test_cold_water_with_yesterdays_date_is_saved(dp, client, sessions, w):
    await open_cold(client)
    (reply,) = await client.send("105,5")
    assert "105,500" in reply.text and reply.buttons == [t.BTN_TODAY, t.BTN_YESTERDAY, t.CANCEL]
    assert (await state_of(dp, client))[0] == "SubmitReading:date"
    replies = await client.click(t.BTN_YESTERDAY)
    summary = replies[-1]
    assert "Проверьте показания" in summary.text
    assert "Дата снятия: 18.11.2026" in summary.text and "Расход с 20.10.2026: <b>5,500</b>" in summary.text
    assert summary.buttons == [t.SAVE, t.CANCEL]
    assert await readings(sessions) == []  # nothing before «Сохранить»
    replies = await client.click(t.SAVE)
    done = replies[-1].text
    assert "Показания сохранены" in done and "Расход с 20.10.2026: <b>5,500</b>\u00a0м³" in done
    assert "ноябрь 2026" in done
    (r,) = await readings(sessions)
    assert (r.meter_id, r.value, r.value_t2, r.taken_on, r.period, r.user_id, r.source, r.superseded_by_id) == (
        w.cold.id, Decimal("105.500"), None, dt.date(2026, 11, 18), "2026-11", client.user.id, "bot", None)
    assert r.submitted_at == dt.datetime(2026, 11, 19, 9, 0)  # 12:00 Moscow, naive UTC
    assert (await state_of(dp, client))[0] is None
    # the registry's value stays what billing accepted; the list shows the bot's reading as the last one
    async with sessions() as s:
        assert (await s.get(Meter, w.cold.id)).last_value == Decimal("100.000")
    (lst,) = await client.send(t.TITLE)
    assert "105,500</b>\u00a0м³ от 18.11.2026" in lst.text


async def test_value_with_dot_and_today(client, sessions, w):
    await open_cold(client)
    await client.send("101.25")
    await client.click(t.BTN_TODAY)
    await client.click(t.SAVE)
    (r,) = await readings(sessions)
    assert r.value == Decimal("101.250") and r.taken_on == dt.date(2026, 11, 19)


@pytest.mark.parametrize("typed", ["1 050,5", "1\u00a0050,5", "1\u202f050,5"])
async def test_value_with_thousands_separator_is_accepted(dp, client, sessions, w, typed):
    await open_cold(client)
    (reply,) = await client.send(typed)
    state, data = await state_of(dp, client)
    assert state == "SubmitReading:date" and data["values"] == ["1050.500"]
    check = (await client.click(t.BTN_TODAY))[-1]
    assert "Всё верно?" in check.text  # 950 m³ of cold water in a month: above the ceiling
    await client.click(t.BTN_RIGHT)
    await client.click(t.SAVE)
    (r,) = await readings(sessions)
    assert r.value == Decimal("1050.500")


async def test_equal_value_is_accepted_with_zero_consumption(client, sessions, w):
    await open_cold(client)
    await client.send("100")
    summary = (await client.click(t.BTN_TODAY))[-1]
    assert "Расход с 20.10.2026: <b>0,000</b>" in summary.text
    done = (await client.click(t.SAVE))[-1]
    assert "Расход с 20.10.2026: <b>0,000</b>" in done.text
    assert len(await readings(sessions)) == 1


async def test_cancel_button_saves_nothing(dp, client, sessions, w):
    await open_cold(client)
    await client.send("105")
    await client.click(t.BTN_TODAY)
    (_, _, reply) = await client.click(t.CANCEL)
    assert reply.text == t.CANCELLED
    assert await readings(sessions) == [] and (await state_of(dp, client))[0] is None


# --------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("typed", "problem"), [
    ("12,3,4", "format"),
    ("abc", "letters"),
    ("-5", "negative"),
    ("1e9", "letters"),
    ("123456", "too_many_digits"),
    ("101,2345", "too_many_decimals"),
    ("   ", "empty"),
    ("12 3,4", "format"),
    ("1 2", "format"),
])
async def test_bad_values_are_refused_and_dialog_stays(dp, client, sessions, w, typed, problem):
    await open_cold(client)
    (reply,) = await client.send(typed)
    expected = t.BAD_VALUE[problem].split("{")[0][:30]
    assert expected in reply.text and "/cancel" in reply.text
    assert (await state_of(dp, client))[0] == "SubmitReading:value"
    # the dialog is intact: a good value goes on
    (reply,) = await client.send("105")
    assert (await state_of(dp, client))[0] == "SubmitReading:date"
    assert await readings(sessions) == []


async def test_lower_value_is_refused_with_advice(dp, client, sessions, w):
    await open_cold(client)
    (reply,) = await client.send("99,999")
    assert "меньше предыдущего" in reply.text and "100,000" in reply.text and "заменили" in reply.text
    assert "управляющую организацию" in reply.text
    assert (await state_of(dp, client))[0] == "SubmitReading:value"
    assert await readings(sessions) == []


async def test_future_date_refused_then_typed_date_accepted(dp, client, sessions, w):
    await open_cold(client)
    await client.send("105")
    (reply,) = await client.send("20.11.2026")
    assert "в будущем" in reply.text
    assert (await state_of(dp, client))[0] == "SubmitReading:date"
    assert (await state_of(dp, client))[1]["values"] == ["105.000"]  # the value is kept
    (reply,) = await client.send("19.10.2026")
    assert "раньше даты предыдущего показания (20.10.2026)" in reply.text
    (reply,) = await client.send("32.11.2026")
    assert "Не понял дату" in reply.text
    (reply,) = await client.send("15.11.2026")
    assert "Проверьте показания" in reply.text and "15.11.2026" in reply.text
    await client.click(t.SAVE)
    (r,) = await readings(sessions)
    assert r.taken_on == dt.date(2026, 11, 15)


async def test_last_reading_date_itself_is_allowed(client, sessions, w):
    await open_cold(client)
    await client.send("100,5")
    (reply,) = await client.send("20.10.2026")
    assert "Проверьте показания" in reply.text


async def test_meter_past_verification_is_refused_with_its_date(dp, client, sessions, w):
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(next_verification_on=dt.date(2026, 11, 1)))
    (lst,) = await client.send(t.TITLE)
    assert "поверка до 01.11.2026 — <b>срок истёк</b>" in lst.text
    replies = await client.click(COLD)
    reply = replies[-1]
    assert "истёк <b>01.11.2026</b>" in reply.text and "354" in reply.text
    assert "по среднему" in reply.text and "по нормативу" in reply.text
    assert (await state_of(dp, client))[0] is None
    assert await readings(sessions) == []


async def test_forged_meter_id_is_refused_and_nothing_shown(dp, client, sessions, w):
    async with sessions.begin() as s:
        foreign = Meter(serial_number="ЧУЖОЙ-1", account_id=w.other_account.id, resource="cold_water", digits=5,
                        next_verification_on=dt.date(2030, 1, 1), last_value=Decimal(7), last_read_on=dt.date(2026, 10, 1))
        s.add(foreign)
        await s.flush()
        fid = foreign.id
    await client.send(t.TITLE)
    for action in (MeterAction.submit, MeterAction.card, MeterAction.history, MeterAction.chart):
        replies = await client.click_data(MeterCD(action=action, meter_id=fid).pack())
        assert [(r.method, r.text) for r in replies] == [("answerCallbackQuery", t.NOT_YOURS)]
    assert (await state_of(dp, client))[0] is None


# --------------------------------------------------------------------------------------------- zones


async def test_two_tariff_meter_asks_both_zones_and_keeps_the_first(dp, client, sessions, w):
    await client.send(t.TITLE)
    (_, prompt) = await client.click(POWER)
    assert "зоны «день» (Т1)" in prompt.text and "1\u00a0200,000" in prompt.text
    (reply,) = await client.send("1300")
    assert "зоны «ночь» (Т2)" in reply.text
    (reply,) = await client.send("499")  # night lower than 500
    assert "зоны «ночь»" in reply.text and "меньше предыдущего" in reply.text
    state, data = await state_of(dp, client)
    assert state == "SubmitReading:value" and data["values"] == ["1300.000"]
    (reply,) = await client.send("ночь")
    assert (await state_of(dp, client))[1]["values"] == ["1300.000"]
    (reply,) = await client.send("550,5")
    assert "день 1\u00a0300,000, ночь 550,500" in reply.text
    summary = (await client.click(t.BTN_TODAY))[-1]
    assert "Расход с 20.10.2026: <b>150,500</b>\u00a0кВт·ч (день 100,000, ночь 50,500)" in summary.text
    await client.click(t.SAVE)
    (r,) = await readings(sessions)
    assert (r.value, r.value_t2, r.value_t3) == (Decimal("1300.000"), Decimal("550.500"), None)


async def test_three_tariff_zone_names(client, sessions, w):
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.power.id).values(tariff_zones=3, last_value_t3=Decimal(10)))
    await client.send(t.TITLE)
    (_, prompt) = await client.click(POWER)
    assert "«пик»" in prompt.text
    assert "«полупик»" in (await client.send("1201"))[0].text
    assert "«ночь»" in (await client.send("501"))[0].text
    (reply,) = await client.send("11")
    assert "пик 1\u00a0201,000, полупик 501,000, ночь 11,000" in reply.text


# --------------------------------------------------------------------------------------------- spike


async def add_history(sessions, meter_id: int, user_id: int, points: list[tuple[dt.date, str, str]]) -> None:
    async with sessions.begin() as s:
        for day, value, period in points:
            s.add(Reading(meter_id=meter_id, value=Decimal(value), taken_on=day, period=period, user_id=user_id,
                          submitted_at=dt.datetime.combine(day, dt.time(9))))


async def test_spike_asks_and_fix_goes_back(dp, client, sessions, w):
    # usual: 10 m³ over 31 days (20.08 → 20.09) and 10 m³ over 30 days (20.09 → 20.10): ~10 a month
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(last_value=Decimal(80),
                                                                         last_read_on=dt.date(2026, 8, 20)))
    await add_history(sessions, w.cold.id, client.user.id,
                      [(dt.date(2026, 9, 20), "90", "2026-09"), (dt.date(2026, 10, 20), "100", "2026-10")])
    await open_cold(client)
    # 50 in 30 days; usual 20 m³ / 61 days = 0.3279 a day, over at least a month (30.4375 days) 9.980 → 5.01
    await client.send("150")
    reply = (await client.click(t.BTN_TODAY))[-1]
    assert "Проверьте: расход в 5 раз больше обычного" in reply.text
    assert "обычно около 9,980\u00a0м³ в месяц" in reply.text
    assert reply.buttons == [t.BTN_RIGHT, t.BTN_FIX]
    assert (await state_of(dp, client))[0] == "SubmitReading:spike"
    replies = await client.click(t.BTN_FIX)
    assert "Введите показание" in replies[-1].text
    assert (await state_of(dp, client))[0] == "SubmitReading:value"
    await client.send("150")
    await client.click(t.BTN_TODAY)
    replies = await client.click(t.BTN_RIGHT)
    assert "Проверьте показания" in replies[-1].text
    await client.click(t.SAVE)
    assert [r.value for r in await readings(sessions)][-1] == Decimal("150.000")


async def test_no_history_no_spike_question_within_the_ceiling(client, w):
    await open_cold(client)
    await client.send("150")  # 50 m³ in a month, 3 residents × 20 m³: plausible
    reply = (await client.click(t.BTN_TODAY))[-1]
    assert "Проверьте показания" in reply.text


# --------------------------------------------------------------------------------------------- window/period


async def test_inside_window_counts_for_this_month(client, clock, sessions, w):
    clock.set(dt.datetime(2026, 11, 22, 10, 0))
    await open_cold(client)
    prompt = client.history[-1].text
    assert "Приём показаний открыт" in prompt and "ноябрь 2026" in prompt
    await client.send("104")
    await client.click(t.BTN_TODAY)
    done = (await client.click(t.SAVE))[-1].text
    assert "Учтены в расчёте за ноябрь 2026" in done
    assert (await readings(sessions))[0].period == "2026-11"


async def test_after_window_counts_for_next_month(client, clock, sessions, w):
    clock.set(dt.datetime(2026, 11, 26, 10, 0))
    await open_cold(client)
    assert "<b>декабрь 2026</b>" in client.history[-1].text
    await client.send("104")
    await client.click(t.BTN_TODAY)
    done = (await client.click(t.SAVE))[-1].text
    assert "не период приёма" in done and "декабрь 2026" in done
    assert (await readings(sessions))[0].period == "2026-12"


async def test_provider_window_overrides_default(client, clock, sessions, w):
    async with sessions.begin() as s:
        await s.execute(update(Organization).where(Organization.id == w.uk.id)
                        .values(reading_window_from=15, reading_window_to=19))
    await open_cold(client)  # the 19th: inside the УК's 15–19
    assert "Приём показаний открыт (с 15 по 19 число)" in client.history[-1].text


async def test_second_reading_in_period_supersedes_first(client, sessions, w):
    await open_cold(client)
    await client.send("150")  # a typo
    await client.click(t.BTN_TODAY)
    await client.click(t.SAVE)
    await open_cold(client)
    prompt = client.history[-1].text
    assert "уже передано 150,000" in prompt and "заменит" in prompt
    assert "100,000" in prompt  # compared with what was there before the typo
    await client.send("105")  # lower than the typo, but not than October's
    summary = (await client.click(t.BTN_TODAY))[-1].text
    assert "Расход с 20.10.2026: <b>5,000</b>" in summary and "Заменит" in summary
    done = (await client.click(t.SAVE))[-1].text
    assert "заменено" in done
    first, second = await readings(sessions)
    assert first.superseded_by_id == second.id and second.superseded_by_id is None
    # history keeps both, the first marked
    await client.send(t.TITLE)
    await client.click(t.BTN_METERS)
    await client.click(COLD)
    (_, hist) = await client.click(t.BTN_HISTORY)
    assert "105,000" in hist.text and "150,000</b>\u00a0м³, за ноябрь 2026 <i>(заменено)</i>" in hist.text


# --------------------------------------------------------------------------------------------- round, menu, cancel


async def test_all_in_turn(dp, client, sessions, w):
    await client.send(t.TITLE)
    replies = await client.click(t.BTN_ALL)
    assert "Холодная вода № ХВ-001" in replies[-1].text and t.BTN_SKIP in replies[-1].buttons
    await client.send("101")
    await client.click(t.BTN_TODAY)
    replies = await client.click(t.SAVE)
    assert "Показания сохранены" in replies[-2].text and "Горячая вода № ГВ-001" in replies[-1].text
    replies = await client.click(t.BTN_SKIP)
    assert "Электроэнергия № Э-777" in replies[-1].text
    await client.send("1201")
    await client.send("501")
    await client.click(t.BTN_TODAY)
    replies = await client.click(t.SAVE)
    assert replies[-1].text == "Готово: все приборы пройдены, сохранено 2 показания."
    assert [r.meter_id for r in await readings(sessions)] == [w.cold.id, w.power.id]
    assert (await state_of(dp, client))[0] is None


async def test_an_old_skip_button_does_not_throw_away_values_waiting_at_the_summary(dp, client, sessions, w):
    await client.send(t.TITLE)
    replies = await client.click(t.BTN_ALL)
    prompt = replies[-1].message_id  # its «Пропустить прибор» stays on the screen
    await client.send("101")
    summary = (await client.click(t.BTN_TODAY))[-1]
    assert "Проверьте показания" in summary.text
    (alert,) = await client.click(t.BTN_SKIP, message_id=prompt)
    assert alert.text == t.SKIP_AT_SUMMARY and alert.raw.show_alert
    assert (await state_of(dp, client))[0] == "SubmitReading:confirm"
    replies = await client.click(t.SAVE)
    assert "Показания сохранены" in replies[-2].text and "Горячая вода № ГВ-001" in replies[-1].text
    assert [r.meter_id for r in await readings(sessions)] == [w.cold.id]


async def test_all_in_turn_skips_overdue_meter(client, sessions, w):
    async with sessions.begin() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(next_verification_on=dt.date(2026, 1, 1)))
    await client.send(t.TITLE)
    replies = await client.click(t.BTN_ALL)
    texts = [r.text for r in replies]
    assert any("истёк <b>01.01.2026</b>" in x and "пропущен" in x for x in texts)
    assert "Горячая вода № ГВ-001" in texts[-1]


async def test_menu_button_and_cancel_leave_the_dialog(dp, client, sessions, w):
    await open_cold(client)
    await client.send("105")
    replies = await client.send(ct.BTN_HOUSE)
    assert (await state_of(dp, client))[0] != "SubmitReading:date"
    assert not any("Не понял дату" in r.text for r in replies)
    await open_cold(client)
    (reply,) = await client.send("/cancel")
    assert "Передача показаний: отменено" in reply.text
    assert await readings(sessions) == []


async def test_photo_in_dialog_gets_the_step_hint(client, w):
    from aiogram.types import PhotoSize

    await open_cold(client)
    replies = await client.feed(message=client._message(photo=[PhotoSize(file_id="p", file_unique_id="p", width=1,
                                                                         height=1)]))
    assert "введите показание прибора цифрами" in replies[0].text


async def test_stale_save_button_after_saving(client, sessions, w):
    await open_cold(client)
    await client.send("105")
    summary = (await client.click(t.BTN_TODAY))[-1]
    await client.click(t.SAVE)
    from bot.fsm.readings import ConfirmAction, ConfirmCD

    (reply,) = await client.click_data(ConfirmCD(action=ConfirmAction.save).pack(), summary.message_id)
    assert reply.text == ct.STALE_BUTTON
    assert len(await readings(sessions)) == 1


# --------------------------------------------------------------------------------------------- meters, history, chart


async def test_meter_card_history_and_chart(client, bot, sessions, w):
    await add_history(sessions, w.cold.id, client.user.id, [(dt.date(2026, 9, 20), "90", "2026-09")])
    await open_cold(client)
    await client.send("112,5")
    await client.click(t.BTN_YESTERDAY)
    await client.click(t.SAVE)
    await client.send(t.TITLE)
    (_, menu) = await client.click(t.BTN_METERS)
    assert "Приборы учёта" in menu.text and "112,500" in menu.text
    (_, card) = await client.click(COLD)
    assert "Следующая поверка: 01.01.2030" in card.text and "112,500</b>\u00a0м³ от 18.11.2026" in card.text
    (_, hist) = await client.click(t.BTN_HISTORY)
    assert "История переданных показаний" in hist.text
    assert "18.11.2026 — <b>112,500</b>\u00a0м³, за ноябрь 2026" in hist.text
    assert hist.text.index("18.11.2026") < hist.text.index("20.09.2026")
    await client.click(t.BACK)
    replies = await client.click(t.BTN_CHART)
    photo = replies[-1]
    # QA: the chart of one meter said «по вашим приборам учёта» — it names the meter now
    assert photo.method == "sendPhoto" and photo.text.startswith(
        "Расход по месяцам (расчётные периоды): Холодная вода № ХВ-001.")
    data = photo.raw.photo.data
    assert data.startswith(b"\x89PNG")
    await client.click(t.BACK)  # the card → «Приборы учёта»
    photo = (await client.click(t.BTN_CHART))[-1]
    assert photo.method == "sendPhoto" and photo.text == t.CHART_CAPTION  # all meters


async def test_chart_without_readings(client, w):
    await client.send(t.TITLE)
    await client.click(t.BTN_METERS)
    replies = await client.click(t.BTN_CHART)
    assert replies[-1].text == t.CHART_EMPTY


async def test_long_meter_lists_paginate(client, sessions, w):
    async with sessions.begin() as s:
        for i in range(18):  # 20 meters in all with the two of the factory account
            s.add(Meter(serial_number=f"ХВ-{i:04d}", account_id=w.account.id, resource="cold_water", digits=5,
                        next_verification_on=dt.date(2030, 1, 1)))
    (reply,) = await client.send(ct.BTN_READINGS)
    assert "Страница 1 из 3" in reply.text and len(reply.text) < 4096
    assert ct.BTN_NEXT in reply.buttons and ct.BTN_BACK not in reply.buttons
    assert t.BTN_ALL in reply.buttons
    replies = await client.click(ct.BTN_NEXT)
    assert "Страница 2 из 3" in replies[-1].text and ct.BTN_BACK in replies[-1].buttons
    replies = await client.click(ct.BTN_NEXT)
    assert "Страница 3 из 3" in replies[-1].text and ct.BTN_NEXT not in replies[-1].buttons
    # forged page numbers are clamped, not an error
    replies = await client.click_data(MeterCD(action=MeterAction.readings, page=99).pack())
    assert "Страница 3 из 3" in replies[-1].text
    replies = await client.click(t.BTN_METERS)
    assert "Страница 1 из 3" in replies[-1].text and len(replies[-1].text) < 4096


# --------------------------------------------------------------------------------------------- QA: save once


async def test_double_tap_on_save_saves_once(client, sessions, w):
    """QA: two taps on «Сохранить» (a slow network) were handled side by side: the reading was saved twice, two
    confirmations came and the history showed the same value «заменено» by itself."""
    await open_cold(client)
    await client.send("105")
    await client.click(t.BTN_TODAY)
    mid = max(client.inline)
    data = next(b.callback_data for row in client.inline[mid].inline_keyboard for b in row if b.text == t.SAVE)
    await asyncio.gather(client.click_data(data, mid), client.click_data(data, mid))
    replies = client.new_replies()
    (r,) = await readings(sessions)
    assert r.value == 105 and r.superseded_by_id is None
    sent = [x for x in client.history if x.method == "sendMessage" and "Показания сохранены" in x.text]
    assert len(sent) == 1, [x.text for x in client.history[-6:]] + [x.text for x in replies]


async def test_a_reading_sent_by_someone_else_meanwhile_is_shown_before_saving(client, make_client, sessions, w):
    """Two residents of one flat: the summary said nothing is replaced, but the other one saved a reading for
    this period meanwhile — «Сохранить» shows the summary again against it instead of replacing it unseen."""
    other = make_client(user_id=222, first_name="Алсу")
    await link(sessions, other.user.id, w.account)
    await open_cold(client)
    await client.send("105")
    await client.click(t.BTN_TODAY)
    await open_cold(other)
    await other.send("107")
    await other.click(t.BTN_TODAY)
    await other.click(t.SAVE)
    (again,) = [x for x in await client.click(t.SAVE) if x.method == "sendMessage" and x.chat_id == client.chat.id]
    assert "передали показание за ноябрь 2026: 107,000" in again.text and "Проверьте показания" in again.text
    assert "Заменит переданное ранее за этот период: 107,000" in again.text
    assert [r.value for r in await readings(sessions)] == [107]
    done = [x.text for x in await client.click(t.SAVE) if x.chat_id == client.chat.id]
    assert any("Показания сохранены" in x and "(107,000) заменено" in x for x in done), done
    first, second = await readings(sessions)
    assert (first.value, second.value, first.superseded_by_id) == (107, 105, second.id)


async def test_each_zone_prompt_gives_that_zones_example(client, w):
    """QA: the «ночь» prompt and its refusals gave the «день» value as the example (1200,5 for a 500 night)."""
    await client.send(t.TITLE)
    (_, prompt) = await client.click(POWER)
    assert "например <code>1200,5</code>" in prompt.text
    (reply,) = await client.send("1300")
    assert "зоны «ночь» (Т2)" in reply.text and "например <code>500,5</code>" in reply.text
    (reply,) = await client.send("5о1")
    assert "<code>500,5</code>" in reply.text


async def test_save_under_an_earlier_summary_does_not_save_the_current_dialog(client, sessions, w):
    """QA: «Сохранить» under the cold-water summary, pressed after the resident went on to the electricity meter,
    saved the electricity reading (and not the cold water one the message showed). Buttons of an earlier
    dialog or attempt now only say they are stale."""
    await open_cold(client)
    await client.send("105")
    cold_summary = (await client.click(t.BTN_TODAY))[-1]
    await client.send(t.TITLE)
    await client.click(POWER)
    await client.send("1300")
    await client.send("550")
    power_summary = (await client.click(t.BTN_TODAY))[-1]
    assert "Электроэнергия" in power_summary.text
    (reply,) = await client.click(t.SAVE, cold_summary.message_id)
    assert reply.text == ct.STALE_BUTTON
    (reply,) = await client.click(t.CANCEL, cold_summary.message_id)
    assert reply.text == ct.STALE_BUTTON
    assert await readings(sessions) == []
    # the same meter opened again: the first summary's button does not save the second attempt's values
    await open_cold(client)
    await client.send("106")
    first = (await client.click(t.BTN_TODAY))[-1]
    await open_cold(client)
    await client.send("107")
    second = (await client.click(t.BTN_TODAY))[-1]
    assert "107,000" in second.text
    (reply,) = await client.click(t.SAVE, first.message_id)
    assert reply.text == ct.STALE_BUTTON and await readings(sessions) == []
    done = await client.click(t.SAVE, second.message_id)
    assert any("Показания сохранены" in x.text for x in done)
    assert [r.value for r in await readings(sessions)] == [107]


async def test_list_says_each_providers_window_when_they_differ(client, sessions, w):
    """QA: with the УК on 15–19 and the РСО on the default 20–25 the list said nothing about when readings are
    taken; now each account says its own days."""
    async with sessions.begin() as s:
        await s.execute(update(Organization).where(Organization.id == w.uk.id)
                        .values(reading_window_from=15, reading_window_to=19))
    (reply,) = await client.send(t.TITLE)
    uk, rso = reply.text.split("Л/с ЭЛ-0012")
    assert "Приём показаний: с 15 по 19 число месяца." in uk
    assert "Приём показаний: с 20 по 25 число месяца." in rso and "с 15 по 19" not in rso


async def test_date_typed_as_a_word(client, w):
    """QA: «вчера» typed instead of pressed was «Не понял дату»."""
    await open_cold(client)
    await client.send("105")
    summary = (await client.send("Вчера"))[-1]
    assert "Дата снятия: 18.11.2026" in summary.text
