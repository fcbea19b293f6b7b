"""Issue 9 in «Передать показания»: the monthly ceiling («Всё верно?» for a first or a one-registry-value reading far
above any plausible month), zones and spread months in the chart, /cancel after some meters of «по очереди» were
saved, one definition of the last reading, and the reminder push's buttons pressed from any state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select, update

from bot.fsm.accounts import LinkAccount
from bot.fsm.readings import MeterAction, MeterCD
from bot.services import readings as svc
from bot.texts import common as ct
from bot.texts import readings as t
from storage.models import Meter, Premises, Reading
from tests.factories import link, world

COLD = "Холодная вода ХВ-001"
HOT = "Горячая вода ГВ-001"
POWER = "Электроэнергия Э-777"
PUSH_MESSAGE = 5000  # a reminder push the bot sent earlier: the client never saw its buttons in a dialog


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


async def new_meter(sessions, account_id: int, **fields) -> int:
    values = dict(serial_number="НОВЫЙ-1", account_id=account_id, resource="electricity", digits=6,
                  next_verification_on=dt.date(2032, 1, 1))
    values.update(fields)
    async with sessions.begin() as s:
        m = Meter(**values)
        s.add(m)
        await s.flush()
        return m.id


# --------------------------------------------------------------------------------------------- the ceiling


async def test_first_reading_of_999999_kwh_asks_is_it_right(dp, client, sessions, w):
    mid = await new_meter(sessions, w.power_account.id)
    await client.send(t.TITLE)
    await client.click("Электроэнергия НОВЫЙ-1")
    await client.send("999999")
    check = (await client.click(t.BTN_TODAY))[-1]
    assert "Всё верно?" in check.text and check.buttons == [t.BTN_RIGHT, t.BTN_FIX]
    assert "первое показание прибора: 999\u00a0999,000" in check.text
    assert "зарегистрировано 3 человека" in check.text  # 3 × 600 kWh
    assert (await state_of(dp, client))[0] == "SubmitReading:spike"
    assert await readings(sessions) == []
    # «Исправить»: the value again; a plausible first reading goes straight to the summary
    prompt = (await client.click(t.BTN_FIX))[-1]
    assert "Введите показание" in prompt.text
    await client.send("12345")
    summary = (await client.click(t.BTN_TODAY))[-1]
    assert "Проверьте показания" in summary.text
    await client.click(t.SAVE)
    (r,) = await readings(sessions)
    assert (r.meter_id, r.value) == (mid, Decimal("12345.000"))


async def test_first_reading_since_installation_uses_the_months_since(client, sessions, w):
    await new_meter(sessions, w.power_account.id, installed_on=dt.date(2026, 9, 19))  # two months ago
    await client.send(t.TITLE)
    await client.click("Электроэнергия НОВЫЙ-1")
    await client.send("4000")  # 2 000 kWh a month > 1 800
    check = (await client.click(t.BTN_TODAY))[-1]
    assert "Всё верно?" in check.text and "с установки 19.09.2026" in check.text
    summary = (await client.click(t.BTN_RIGHT))[-1]
    assert "Проверьте показания" in summary.text


async def test_plus_100_m3_of_hot_water_after_one_registry_value_asks(client, sessions, w):
    await client.send(t.TITLE)
    await client.click(HOT)
    await client.send("150")  # registry 50 on 20.10: +100 m³ in a month, 3 residents × 15
    check = (await client.click(t.BTN_TODAY))[-1]
    assert "Всё верно?" in check.text and "около 100,000\u00a0м³ в месяц" in check.text
    assert "до 45,000\u00a0м³ в месяц" in check.text and "С 20.10.2026: 100,000\u00a0м³" in check.text


async def test_the_ceiling_scales_with_the_registered_residents(client, sessions, w):
    async with sessions.begin() as s:
        await s.execute(update(Premises).where(Premises.id == w.flat.id).values(residents=8))
    await client.send(t.TITLE)
    await client.click(HOT)
    await client.send("150")  # 8 × 15 = 120 m³: plausible for eight people
    summary = (await client.click(t.BTN_TODAY))[-1]
    assert "Проверьте показания" in summary.text


def test_ceilings_per_resident_and_unknown_residents():
    c = svc.Ceilings({"hot_water": Decimal(15)})
    assert c.monthly("hot_water", 2) == Decimal(30)
    assert c.monthly("hot_water", None) == Decimal(45) and c.monthly("hot_water", 0) == Decimal(45)
    assert c.monthly("gas", 2) is None


def test_settings_give_a_ceiling_per_resource(settings):
    assert settings.reading_ceilings == {"cold_water": Decimal(20), "hot_water": Decimal(15),
                                         "electricity": Decimal(600), "gas": Decimal(150), "heat": Decimal(3)}


def test_a_zero_ceiling_is_refused_with_its_name():
    from bot.config import SettingsError, load_settings

    with pytest.raises(SettingsError, match="READING_CEILING_GAS"):
        load_settings(_env_file=None, reading_ceiling_gas="0")


# --------------------------------------------------------------------------------------------- the chart


async def test_two_tariff_chart_shows_the_zones(client, sessions, w):
    W = svc.Window(20, 25)
    async with sessions.begin() as s:
        s.add(Reading(meter_id=w.power.id, value=Decimal(1300), value_t2=Decimal(540), taken_on=dt.date(2026, 11, 18),
                      period="2026-11", submitted_at=dt.datetime(2026, 11, 18, 9), user_id=client.user.id,
                      source="bot"))
    (power,) = await svc.monthly_consumption(sessions, client.user.id, dt.date(2026, 11, 19), W, months=3,
                                             meter_id=w.power.id)
    assert power.zones == 2 and power.periods == ["2026-09", "2026-10", "2026-11"]
    assert power.values == [None, None, Decimal(140)]
    assert power.parts == ([None, None, Decimal(100)], [None, None, Decimal(40)])
    await client.send(t.TITLE)
    photo = (await client.click_data(MeterCD(action=MeterAction.chart, meter_id=w.power.id).pack()))[-1]
    assert photo.method == "sendPhoto" and photo.raw.photo.data.startswith(b"\x89PNG")


# --------------------------------------------------------------------------------------------- /cancel in a round


@pytest.mark.parametrize("how", ["/cancel", "Отменить", "button"])
async def test_cancel_after_some_meters_of_the_round_names_what_was_saved(dp, client, sessions, w, how):
    await client.send(t.TITLE)
    await client.click(t.BTN_ALL)
    await client.send("101")
    await client.click(t.BTN_TODAY)
    await client.click(t.SAVE)  # cold saved, hot asked
    replies = await (client.click(t.CANCEL) if how == "button" else client.send(how))
    text = replies[-1].text
    assert "ничего не сохранено" not in text
    assert "Уже сохранено 1 показание: Холодная вода № ХВ-001" in text and "Остальные приборы не переданы" in text
    assert (await state_of(dp, client))[0] is None
    assert [r.meter_id for r in await readings(sessions)] == [w.cold.id]


async def test_cancel_before_anything_saved_still_says_nothing_was_saved(dp, client, w):
    await client.send(t.TITLE)
    await client.click(t.BTN_ALL)
    (reply,) = await client.send("/cancel")
    assert "Передача показаний: отменено" in reply.text and "ничего не сохранено" in reply.text


# --------------------------------------------------------------------------------------------- the last reading


async def test_list_and_prompt_show_the_same_last_reading(client, sessions, w):
    await client.send(t.TITLE)
    await client.click(COLD)
    await client.send("105,5")
    await client.click(t.BTN_TODAY)
    await client.click(t.SAVE)
    (lst,) = await client.send(t.TITLE)
    assert "последнее: <b>105,500</b>\u00a0м³ от 19.11.2026" in lst.text
    (_, prompt) = await client.click(COLD)
    assert "Последнее показание: <b>105,500</b>\u00a0м³ от 19.11.2026" in prompt.text
    assert "Новое показание сравним с предыдущим: 100,000\u00a0м³ от 20.10.2026" in prompt.text
    await client.click(t.BTN_METERS)
    (_, card) = await client.click(COLD)
    assert "Последнее показание: <b>105,500</b>\u00a0м³ от 19.11.2026" in card.text


# --------------------------------------------------------------------------------------------- the push's buttons


async def test_reminder_button_opens_the_meters_prompt_from_inside_another_dialog(dp, bot, client, w):
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    await dp.storage.set_state(key, LinkAccount.number)
    replies = await client.click_data(MeterCD(action=MeterAction.submit, meter_id=w.cold.id).pack(), PUSH_MESSAGE)
    texts = [r.text for r in replies]
    assert any("Подключение лицевого счёта: отменено" in x for x in texts)
    assert "Холодная вода № ХВ-001" in texts[-1] and "Введите показание" in texts[-1]
    assert (await state_of(dp, client))[0] == "SubmitReading:value"
    await client.send("101")
    summary = (await client.click(t.BTN_TODAY))[-1]
    assert "Проверьте показания" in summary.text


async def test_reminder_button_without_a_dialog(dp, client, w):
    replies = await client.click_data(MeterCD(action=MeterAction.submit, meter_id=w.hot.id).pack(), PUSH_MESSAGE)
    assert "Горячая вода № ГВ-001" in replies[-1].text and "Введите показание" in replies[-1].text
    assert (await state_of(dp, client))[0] == "SubmitReading:value"


async def test_reminder_button_with_a_foreign_or_forged_meter_changes_nothing(dp, bot, client, sessions, w):
    foreign = await new_meter(sessions, w.other_account.id)
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    await dp.storage.set_state(key, LinkAccount.number)
    await dp.storage.set_data(key, {"house_id": 1})
    for data in (MeterCD(action=MeterAction.submit, meter_id=foreign).pack(),
                 MeterCD(action=MeterAction.submit, meter_id=2**31 - 1).pack()):  # no such meter
        replies = await client.click_data(data, PUSH_MESSAGE)
        assert [(r.method, r.text, r.raw.show_alert) for r in replies] == [
            ("answerCallbackQuery", t.NOT_YOURS, True)]
    for forged in ("rdm:s:99999999999999999999:0", f"rdm:s:{10**12}:0"):  # no id column holds them
        replies = await client.click_data(forged, PUSH_MESSAGE)
        assert [(r.method, r.text) for r in replies] == [("answerCallbackQuery", ct.STALE_BUTTON)]
    assert await state_of(dp, client) == ("LinkAccount:number", {"house_id": 1})


async def test_reminder_list_button_opens_the_list(dp, bot, client, w):
    key = StorageKey(bot_id=bot.id, chat_id=client.chat.id, user_id=client.user.id)
    await dp.storage.set_state(key, LinkAccount.number)
    replies = await client.click_data(MeterCD(action=MeterAction.readings).pack(), PUSH_MESSAGE)
    lst = replies[-1]
    assert "Передать показания" in lst.text and COLD in lst.buttons and t.BTN_ALL in lst.buttons
    replies = await client.click(COLD)
    assert "Подключение лицевого счёта: отменено" in replies[-2].text
    assert "Введите показание" in replies[-1].text


async def test_readings_button_inside_the_dialog_says_it_was_left(dp, client, w):
    await client.send(t.TITLE)
    await client.click(COLD)
    await client.send("101")
    replies = await client.send(t.TITLE)
    assert "Передача показаний: отменено" in replies[0].text and "Передать показания" in replies[-1].text
    assert (await state_of(dp, client))[0] is None


async def test_lower_value_dead_end_gives_the_uk_phones(client, w):
    await client.send(t.TITLE)
    await client.click(COLD)
    (reply,) = await client.send("99")
    assert "меньше предыдущего" in reply.text and "ООО «УК Тестовая»: тел. +7 495 123-45-67" in reply.text
    assert "диспетчерская служба +7 495 765-43-21" in reply.text


async def test_lower_value_of_a_meter_billed_by_the_rso_points_to_the_rso(client, w):
    """An electricity meter under a direct contract: the РСО that bills it registers a new one, not the УК."""
    await client.send(t.TITLE)
    await client.click(POWER)
    (reply,) = await client.send("1100")  # below the day zone's 1 200
    assert "меньше предыдущего" in reply.text and t.TELL_PROVIDER in reply.text
    assert "АО «Энергосбыт»: тел. +7 495 000-00-01" in reply.text and "УК Тестовая" not in reply.text


async def test_an_id_beyond_the_column_is_refused_on_every_meter_button(dp, client, w):
    await client.send(t.TITLE)
    for action in (MeterAction.submit, MeterAction.card, MeterAction.history, MeterAction.chart):
        # 2³¹ fits no INTEGER id: the button does not even unpack (bot/fsm/ids.py), a stale button
        replies = await client.click_data(f"rdm:{action.value}:{2**31}:0")
        assert [(r.method, r.text) for r in replies] == [("answerCallbackQuery", ct.STALE_BUTTON)], action
    assert (await state_of(dp, client))[0] is None


def test_chart_panels_of_a_two_tariff_series_are_stacked_by_zone():
    from bot.texts import readings_views as v

    series = svc.ResourceSeries("electricity", ["2026-10", "2026-11"], [None, Decimal(140)], 2,
                                ([None, Decimal(100)], [None, Decimal(40)]))
    (panel,) = v.chart_panels([series])
    assert panel.title == "Электроэнергия, кВт·ч — по зонам: день / ночь"
    assert panel.labels == ["окт 26", "ноя 26"] and panel.values == [None, Decimal(140)]
    assert panel.zones == [("день", [None, Decimal(100)]), ("ночь", [None, Decimal(40)])]
    (single,) = v.chart_panels([svc.ResourceSeries("cold_water", ["2026-11"], [Decimal(5)])])
    assert single.title == "Холодная вода, м³" and single.zones == []
