"""QA of issues 4 and 5 on a registry nobody on the team had seen (two houses under two managers, an РСО, a
two- and a three-tariff meter, a 4-digit dial, a meter past verification, a meter without a last reading), plus the
regressions found while trying it: a date before the meter was installed, the eve reminder right after the
announcement, a staff outage starting years ago, quiet hours with equal ends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services import outages
from bot.services.notify.quiet import parse_quiet_hours
from bot.services.registry import import_and_publish
from bot.texts import readings as t
from bot.texts import settings as ts
from storage.models import Account, Notification, Outage, Reading
from tests.factories import link

HOUSE_A = "3f1c2b4a-9d8e-4c7b-a6f5-0e1d2c3b4a51"
HOUSE_B = "7a6b5c4d-3e2f-4a1b-8c9d-0f1e2d3c4b62"
UK_A, TSJ_B, RSO = "1041655012343", "1171690007774", "1051600005555"

REGISTRY = {
    "organizations": [
        "ogrn;inn;kpp;name;short_name;kind",
        f"{UK_A};1655123453;165501001;Общество с ограниченной ответственностью «Волжский дом»;"
        "ООО «Волжский дом»;uk",
        f"{TSJ_B};1690127771;169001001;Товарищество собственников жилья «Кремлёвская 9»;ТСЖ «Кремлёвская 9»;tsj",
        f"{RSO};1654332214;165401001;Акционерное общество «Казаньэнергосбыт»;АО «Казаньэнергосбыт»;rso",
    ],
    "houses": [
        "house_guid;region;city;street;building;manager_ogrn;total_area",
        f"{HOUSE_A};Татарстан Респ;Казань;ул. Баумана;44;{UK_A};150,5",
        f"{HOUSE_B};Татарстан Респ;Казань;ул. Кремлёвская;9 к1;{TSJ_B};60",
    ],
    "premises": ["house_guid;number;total_area", f"{HOUSE_A};5;50,5", f"{HOUSE_A};6;100", f"{HOUSE_B};7;60"],
    "accounts": [
        "account_number;provider_ogrn;house_guid;premises_number;payer_name;payer_phone",
        f"A-0005;{UK_A};{HOUSE_A};5;Гарипов Рустам Ильдарович;+7 (917) 100-00-05",
        f"E-0005;{RSO};{HOUSE_A};5;Гарипов Рустам Ильдарович;8 917 100 00 05",
        f"A-0006;{UK_A};{HOUSE_A};6;Сафина Алсу Маратовна;+79171000006",
        f"B-0007;{TSJ_B};{HOUSE_B};7;Орлов Пётр Ильич;+7 917 100-00-07",
    ],
    "meters": [
        "serial_number;account_number;provider_ogrn;resource;tariff_zones;digits;installed_on;next_verification_on;"
        "last_value;last_value_t2;last_value_t3;last_read_on",
        f"CW-501;A-0005;{UK_A};cold_water;1;5;01.02.2022;01.02.2028;100,500;;;21.11.2026",
        f"HW-502;A-0005;{UK_A};hot_water;1;4;01.02.2022;01.02.2028;9876,5;;;20.10.2026",
        f"EL-503;E-0005;{RSO};electricity;2;6;01.02.2022;01.02.2030;12345,6;5432,1;;20.10.2026",
        f"EL-601;A-0006;{UK_A};electricity;3;6;01.02.2022;01.02.2030;1000;2000;3000;20.10.2026",
        f"CW-602;A-0006;{UK_A};cold_water;1;5;01.02.2020;01.11.2026;50;;;20.10.2026",
        f"CW-701;B-0007;{TSJ_B};cold_water;;;10.11.2026;01.06.2029;;;;",
        f"HW-702;B-0007;{TSJ_B};hot_water;;;;01.06.2029;20,2;;;20.10.2026",
    ],
}


def write(folder: Path, files: dict[str, list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in files.items():  # as Excel saves it: BOM, `;`, CRLF
        (folder / f"{name}.csv").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return folder


async def account(sessions, number: str) -> Account:
    async with sessions() as s:
        return (await s.execute(select(Account).where(Account.account_number == number))).scalar_one()


@pytest.fixture
async def reg(settings, sessions, clock, tmp_path):
    clock.set(dt.datetime(2026, 11, 23, 12, 0))
    report, _ = await import_and_publish(sessions, str(write(tmp_path / "registry", REGISTRY)), clock, settings.quiet_hours)
    assert report.ok, report.render()
    return {n: await account(sessions, n) for n in ("A-0005", "E-0005", "A-0006", "B-0007")}


async def notes(sessions) -> list[Notification]:
    async with sessions() as s:
        return list((await s.execute(select(Notification).order_by(Notification.id))).scalars())


# --------------------------------------------------------------------------------------------- readings


async def test_unseen_registry_meters_through_the_dialog(client, sessions, reg):
    await link(sessions, client.user.id, reg["A-0005"], reg["E-0005"], reg["A-0006"])
    (reply,) = await client.send(t.TITLE)
    assert "CW-602" in reply.text and "01.11.2026" in reply.text
    # past verification: refused with its date, nothing asked
    (_, refusal) = await client.click("Холодная вода CW-602")
    assert "01.11.2026" in refusal.text and "Введите показание" not in refusal.text
    # three tariffs: пик / полупик / ночь
    await client.send(t.TITLE)
    (_, prompt) = await client.click("Электроэнергия EL-601")
    assert "«пик»" in prompt.text
    assert "«полупик»" in (await client.send("1001"))[0].text
    assert "«ночь»" in (await client.send("2002"))[0].text
    (reply,) = await client.send("3003")
    assert "пик 1\u00a0001,000, полупик 2\u00a0002,000, ночь 3\u00a0003,000" in reply.text
    await client.send("/cancel")
    # a 4-digit dial: five whole digits are refused, the step stays
    await client.send(t.TITLE)
    await client.click("Горячая вода HW-502")
    (reply,) = await client.send("10000")
    assert "4 цифр" in reply.text and "ещё раз" in reply.text
    (reply,) = await client.send("9877,125")
    assert reply.buttons[:2] == [t.BTN_TODAY, t.BTN_YESTERDAY]


async def test_meter_without_last_reading_and_date_before_installation(client, sessions, reg):
    await link(sessions, client.user.id, reg["B-0007"])
    await client.send(t.TITLE)
    (_, prompt) = await client.click("Холодная вода CW-701")
    assert "Введите показание" in prompt.text
    await client.send("12,5")
    (reply,) = await client.send("01.01.2020")  # installed 10.11.2026
    assert "раньше установки прибора (10.11.2026)" in reply.text
    assert reply.buttons[:2] == [t.BTN_TODAY, t.BTN_YESTERDAY]  # still on the date step
    (reply,) = await client.send("10.11.2026")
    assert "Проверьте показания" in reply.text
    replies = await client.click(t.BTN_SAVE)
    assert any("Показания сохранены" in r.text for r in replies)
    async with sessions() as s:
        (r,) = (await s.execute(select(Reading))).scalars().all()
    assert r.taken_on == dt.date(2026, 11, 10) and r.period == "2026-11"


# --------------------------------------------------------------------------------------------- outages


async def test_unseen_registry_outage_reaches_house_a_once(settings, sessions, clock, reg, tmp_path):
    await link(sessions, 501, reg["A-0005"], reg["E-0005"])  # two accounts in house A: one push
    await link(sessions, 502, reg["A-0006"])
    await link(sessions, 503, reg["B-0007"])
    folder = write(tmp_path / "outage", {"outages": [
        "house_guid;resource;starts_at;ends_at;kind;reason",
        f"{HOUSE_A};cold_water;01.12.2026 10:00;01.12.2026 16:00;planned;Промывка",
    ]})
    for _ in range(2):
        report, _ = await import_and_publish(sessions, str(folder), clock, settings.quiet_hours)
        assert report.ok
    assert await outages.publish_active(sessions, clock) == 0
    assert sorted(n.user_id for n in await notes(sessions)) == [501, 502]


async def test_no_eve_reminder_right_after_the_announcement(sessions, clock, reg):
    await link(sessions, 501, reg["A-0005"])
    clock.set(dt.datetime(2026, 11, 23, 17, 0))
    async with sessions.begin() as s:
        house_a = (await s.get(Account, reg["A-0005"].id)).premises_id
        from storage.models import Premises

        house_id = (await s.get(Premises, house_a)).house_id
        fresh = Outage(house_id=house_id, resource="electricity", kind="emergency", status="active",
                       source="staff", revision=1, starts_at=clock.to_utc(dt.datetime(2026, 11, 24, 9)),
                       ends_at=clock.to_utc(dt.datetime(2026, 11, 24, 15)))
        old = Outage(house_id=house_id, resource="gas", kind="planned", status="active", source="staff",
                     revision=1, starts_at=clock.to_utc(dt.datetime(2026, 11, 24, 10)),
                     ends_at=clock.to_utc(dt.datetime(2026, 11, 24, 18)))
        s.add_all([fresh, old])
        await s.flush()
        fresh_id, old_id = fresh.id, old.id
    # the gas outage was announced a week ago, the emergency an hour before the eve run
    clock.set(dt.datetime(2026, 11, 16, 12, 0))
    assert await outages.publish_outages(sessions, [old_id], clock) == 1
    clock.set(dt.datetime(2026, 11, 23, 17, 0))
    assert await outages.publish_outages(sessions, [fresh_id], clock) == 1
    clock.set(dt.datetime(2026, 11, 23, 18, 0))
    assert await outages.remind_eve(sessions, clock) == 1
    eve = [n for n in await notes(sessions) if n.kind == "outage_eve"]
    assert [n.key for n in eve] == [f"501:outage_eve:o{old_id}:202611241000"]


async def test_staff_outage_start_years_ago_is_refused(staff, sessions, clock, reg):
    clock.set(dt.datetime(2026, 11, 23, 12, 0))
    await staff.send("/outage")
    await staff.send("Баумана 44")
    await staff.click("г. Казань, ул. Баумана, д. 44")
    await staff.click("Холодная вода")
    (r,) = await staff.send("01.01.2020 10:00")
    assert "больше суток назад" in r.text  # the step stays
    (r,) = await staff.send("сегодня 09:00")  # an emergency under way since this morning is fine
    assert "Шаг 4" in r.text
    with pytest.raises(outages.OutageError):
        await outages.create_outage(sessions, clock, house_id=1, resource="gas",
                                    starts=dt.datetime(2026, 10, 1, 10), ends=dt.datetime(2026, 12, 1, 10),
                                    kind="planned", reason=None)


# --------------------------------------------------------------------------------------------- settings


def test_quiet_hours_with_equal_ends_are_refused():
    with pytest.raises(ValueError, match="same_ends"):  # a QuietError: the reason, worded by the texts
        parse_quiet_hours("22:00-22:00")
    assert parse_quiet_hours("нет") == (0, 0)


async def test_quiet_hours_equal_ends_keep_the_step(client):
    await client.send("/start")
    await client.send("Настройки")
    await client.click("🌙 Тихие часы: 22:00–09:00")
    (reply,) = await client.send("07:00-07:00")
    assert reply.text.startswith("Не понял") and "совпадают" in reply.text
    (reply,) = await client.send("23:00-07:00")
    assert "<b>23:00–07:00</b>" in reply.text and ts.QUIET_DEFAULT_MARK not in reply.text


# --------------------------------------------------------------------------------------------- chart


def test_chart_numbers_use_a_decimal_comma_and_no_exponent():
    from bot.services.charts import Panel, monthly_bars, number_label

    assert [number_label(y) for y in (0.5, 0.0, 122.8, 1234567.5, 10.0)] == ["0,5", "0", "122,8",
                                                                                   "1\u00a0234\u00a0567,5", "10"]
    png = monthly_bars([Panel("cold_water", "Холодная вода, м³", ["окт 26", "ноя 26"], [Decimal("0.5"),
                                                                                          Decimal(0)])])
    assert png.startswith(b"\x89PNG")
