"""Registry import (FORMAT.md): the demo registry, idempotence, XLSX, all-or-nothing rejection, identifiers."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.services.registry import import_registry
from bot.services.registry.parse import Invalid, ogrn, phone, share
from storage.models import (
    Account,
    AgendaItem,
    Base,
    Charge,
    House,
    Meeting,
    Meter,
    Organization,
    Outage,
    Owner,
    Payment,
    Premises,
)

DEMO = Path(__file__).resolve().parent.parent / "demo" / "registry"
TZ = ZoneInfo("Europe/Moscow")
UK, RSO = "1167746123456", "1057746886427"
H1 = "5d2b7a3e-1c44-4f0e-9a61-3b8f2c7d9e01"
REGISTRY_TABLES = [Organization, House, Premises, Account, Meter, Owner, Charge, Payment, Outage, Meeting,
                   AgendaItem]


def write_csv(folder: Path, name: str, lines: list[str], *, bom: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.csv").write_text(("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n", encoding="utf-8")


def demo_copy(tmp_path: Path, *names: str) -> Path:
    """The demo registry, or some of its files, in a folder the test may change."""
    folder = tmp_path / "registry"
    folder.mkdir(exist_ok=True)
    for f in DEMO.glob("*.csv"):
        if not names or f.stem in names:
            shutil.copy(f, folder / f.name)
    return folder


def read_lines(folder: Path, name: str) -> list[str]:
    return (folder / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()


async def row_counts(sessions) -> dict[str, int]:
    async with sessions() as s:
        return {m.__tablename__: await s.scalar(select(func.count()).select_from(m)) for m in REGISTRY_TABLES}


def summary(report) -> dict[str, tuple[int, int, int]]:
    return {k: (c.inserted, c.updated, c.unchanged) for k, c in report.counts.items()}


# ------------------------------------------------------------------------------------------- the demo


async def test_demo_registry_imports(sessions):
    report = await import_registry(sessions, DEMO, TZ)
    assert report.ok, report.render()
    assert summary(report)["accounts.csv"] == (9, 0, 0)
    assert await row_counts(sessions) == {
        "organizations": 4, "houses": 2, "premises": 8, "accounts": 9, "meters": 12, "owners": 11,
        "charges": 82, "payments": 9, "outages": 1, "meetings": 1, "agenda_items": 4,
    }
    assert "Реестр загружен." in report.render()
    async with sessions() as s:
        house = await s.scalar(select(House).where(House.house_guid == H1))
        assert house.search_text == "москва бауманская 11 к2 105005"  # region and postal code too
        assert house.total_area == Decimal("258.3")
        assert house.council_members == "Иванова Мария Сергеевна; Петров Алексей Николаевич; Кузнецов Дмитрий Игоревич"
        # 8 (916) 234-56-02 → +79162345602
        phones = set(await s.scalars(select(Account.payer_phone)))
        assert "+79162345602" in phones and "+79161234501" in phones and None in phones
        electric = await s.scalar(select(Meter).where(Meter.resource == "electricity"))
        assert (electric.tariff_zones, electric.digits) == (2, 6)
        assert electric.last_value_t2 == Decimal("5432.1")
        water = await s.scalar(select(Meter).where(Meter.serial_number == "ХВ-5120333"))
        assert (water.tariff_zones, water.digits) == (1, 5)  # defaults for empty cells
        overdue = await s.scalar(select(Meter).where(Meter.serial_number == "ГВ-3920118"))
        assert overdue.next_verification_on == dt.date(2026, 10, 1)
        shares = {o.owner_name: (o.share_num, o.share_den) for o in await s.scalars(select(Owner))}
        assert shares["Смирнов Кирилл Андреевич"] == (1, 3)
        assert shares["Волкова Елена Викторовна"] == (1, 2)
        outage = await s.scalar(select(Outage))
        # 08.12.2026 09:00 Moscow (UTC+3) is stored as naive UTC
        assert (outage.starts_at, outage.ends_at) == (dt.datetime(2026, 12, 8, 6), dt.datetime(2026, 12, 21, 18))
        assert (outage.kind, outage.status, outage.revision, outage.reason) == (
            "planned", "active", 1, "Гидравлические испытания")
        assert report.changed_outage_ids == [outage.id]
        meeting = await s.scalar(select(Meeting))
        assert report.changed_meeting_ids == [meeting.id]
        majorities = list(await s.scalars(select(AgendaItem.majority).order_by(AgendaItem.number)))
        assert majorities == ["simple", "more_than_half_all", "two_thirds_all", "two_thirds_all"]
        payment = await s.scalar(select(Payment).where(Payment.external_id == "ПР-2026-11-00001"))
        assert payment.source == "registry" and payment.channel == "Почта России"
        # due_on empty → the 15th of the next month (ЖК РФ ст. 155 ч. 1 since 01.03.2026)
        due = await s.scalar(select(Charge.due_on).join(Account).where(
            Account.account_number == "2200512", Charge.period == "2026-10").limit(1))
        assert due == dt.date(2026, 11, 15)


async def test_same_folder_twice_changes_nothing(sessions):
    first = await import_registry(sessions, DEMO, TZ)
    assert first.ok, first.render()
    async with sessions() as s:
        stamps = {a.id: a.updated_at for a in await s.scalars(select(Account))}
    second = await import_registry(sessions, DEMO, TZ)
    assert second.ok, second.render()
    assert all(c.inserted == 0 and c.updated == 0 for c in second.counts.values()), second.render()
    assert second.counts["charges.csv"].unchanged == 82
    assert second.changed_outage_ids == [] and second.changed_meeting_ids == []
    async with sessions() as s:
        assert {a.id: a.updated_at for a in await s.scalars(select(Account))} == stamps


async def test_xlsx_workbook_imports_the_same(sessions, tmp_path):
    """One sheet per file, cells typed the way Excel keeps them: numbers, dates, phone numbers as numbers."""
    from openpyxl import Workbook

    from bot.services.registry.parse import date, decimal

    wb = Workbook()
    wb.remove(wb.active)
    typed_dates = {"installed_on", "next_verification_on", "last_read_on", "registered_on", "paid_on"}
    for f in sorted(DEMO.glob("*.csv")):
        import csv

        rows = list(csv.reader(f.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
        ws = wb.create_sheet(f.stem)
        header = rows[0]
        ws.append(header)
        for r in rows[1:]:
            out: list[object] = []
            for col, cell in zip(header, r, strict=True):
                value: object = cell
                if cell and col in typed_dates:
                    value = dt.datetime.combine(date(cell), dt.time())
                elif cell and col in ("total_area", "living_area", "amount", "last_value"):
                    value = float(decimal(3)(cell))
                elif cell and col == "account_number" and cell.isdigit():
                    value = int(cell)
                elif cell and col == "payer_phone" and cell.startswith("+7") and cell[1:].isdigit():
                    value = int(cell[1:])
                elif cell and col == "floors":
                    value = float(cell)
                out.append(value if value != "" else None)
            ws.append(out)
    book = tmp_path / "registry.xlsx"
    wb.save(book)

    report = await import_registry(sessions, book, TZ)
    assert report.ok, report.render()
    assert summary(report)["лист meters"] == (12, 0, 0)  # named as the workbook names it
    assert "лист organizations" in report.render() and ".csv" not in report.render()
    # the same data as CSV changes nothing: every typed cell was read as the text would be
    again = await import_registry(sessions, DEMO, TZ)
    assert again.ok, again.render()
    assert all(c.inserted == 0 and c.updated == 0 for c in again.counts.values()), again.render()


async def test_xlsx_problems_name_the_sheet(sessions, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "organizations"
    ws.append(["ogrn", "inn", "name", "kind"])
    ws.append([int(UK), 7701234561, "ООО «Тест»", "uk"])
    book = tmp_path / "r.xlsx"
    wb.save(book)
    report = await import_registry(sessions, book, TZ)
    assert report.errors == ["r.xlsx, лист organizations:2: inn: неверная контрольная сумма ИНН"]


# ------------------------------------------------------------------------------------------- the format


async def test_semicolons_bom_russian_dates_decimal_commas(sessions, tmp_path):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", ["ogrn;inn;name;kind;registered_on", f"{UK};7701234560;ООО «УК»;uk;14.03.2016"])
    write_csv(folder, "houses", ["house_guid;region;street;building;manager_ogrn;total_area",
                                 f"{H1};Москва;ул. Ленина;5 к2;{UK};1 234,5"])
    write_csv(folder, "premises", ["house_guid;number;total_area", f"{H1};1;49,55", f"{H1};2;50.1"])
    write_csv(folder, "outages", ["house_guid;resource;starts_at;ends_at",
                                  f"{H1};cold_water;2026-12-01 10:00;01.12.2026 14:30"])
    report = await import_registry(sessions, folder, TZ)
    # a thousands separator is refused; everything else fits
    assert report.errors == ["houses.csv:2: total_area: «1 234,5»: разделители разрядов не допускаются"]
    write_csv(folder, "houses", ["house_guid,region,street,building,manager_ogrn,total_area",
                                 f'{H1},Москва,ул. Ленина,5 к2,{UK},"1234,5"'], bom=False)
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    async with sessions() as s:
        assert await s.scalar(select(Organization.registered_on)) == dt.date(2016, 3, 14)
        assert await s.scalar(select(House.total_area)) == Decimal("1234.5")
        assert set(await s.scalars(select(Premises.total_area))) == {Decimal("49.55"), Decimal("50.1")}
        outage = await s.scalar(select(Outage))
        assert (outage.starts_at, outage.ends_at) == (dt.datetime(2026, 12, 1, 7), dt.datetime(2026, 12, 1, 11, 30))
        assert outage.kind == "planned"


async def test_rejected_with_every_problem_and_nothing_written(sessions, tmp_path):
    folder = demo_copy(tmp_path)
    orgs = read_lines(folder, "organizations")
    orgs[2] = orgs[2].replace(";7736451206;", ";7736451207;")  # the РСО's ИНН, row 3
    write_csv(folder, "organizations", orgs)
    meters = read_lines(folder, "meters")
    meters.append(f"ХВ-0000001;9999999;{UK};cold_water;1;5;01.01.2024;01.01.2030;1;;;20.10.2026")  # row 14
    write_csv(folder, "meters", meters)
    premises = read_lines(folder, "premises")
    premises[2] = premises[2].replace(";38,7;", ";-38,7;")  # row 3
    write_csv(folder, "premises", premises)

    report = await import_registry(sessions, folder, TZ)
    assert not report.ok
    assert report.errors == [
        "organizations.csv:3: inn: неверная контрольная сумма ИНН",
        "premises.csv:3: total_area: должно быть больше нуля (здесь -38,7)",
        f"meters.csv:14: account_number: лицевой счёт 9999999 (поставщик ОГРН {UK}) не найден ни в accounts.csv, "
        "ни в базе",
    ]
    assert report.render().endswith("Реестр не загружен, ничего не записано.")
    assert set((await row_counts(sessions)).values()) == {0}


async def test_rejected_import_leaves_earlier_data_alone(sessions, tmp_path):
    assert (await import_registry(sessions, DEMO, TZ)).ok
    before = await row_counts(sessions)
    folder = demo_copy(tmp_path, "accounts", "meters")
    accounts = read_lines(folder, "accounts")
    accounts[1] = accounts[1].replace("Иванова Мария Сергеевна", "Иванова Мария Сергеевна (изм.)")
    accounts.append(f"1100199;{UK};{H1};1;;;Новый плательщик;+7 999 000-00-00")
    write_csv(folder, "accounts", accounts)
    meters = read_lines(folder, "meters")
    meters.append(f"ХВ-1;1100101;{UK};gas;2;;;01.01.2030;;;;")
    write_csv(folder, "meters", meters)
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == [
        "meters.csv:14: tariff_zones: несколько тарифных зон бывает только у счётчика электроэнергии"]
    assert await row_counts(sessions) == before
    async with sessions() as s:
        assert await s.scalar(select(func.count()).where(Account.payer_name.like("%(изм.)"))) == 0


async def test_unknown_and_missing_columns(sessions, tmp_path):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", ["ogrn;inn;name;kind;phon", f"{UK};7701234560;ООО «УК»;uk;+7 495 1234567"])
    write_csv(folder, "houses", ["house_guid;region;street;manager_ogrn", f"{H1};Москва;ул. Ленина;{UK}"])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == [
        "organizations.csv:1: phon: неизвестный столбец (опечатка?) в organizations.csv",
        "houses.csv:1: building: нет обязательного столбца",
    ]


async def test_every_problem_of_a_row_and_required_cells(sessions, tmp_path):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", [
        "ogrn;inn;kpp;name;kind;bic;bank_account;phone;license_status",
        f"{UK};7701234560;77010100;;ук;04452522;4070281053800012345;+7 495 12;active",
    ])
    report = await import_registry(sessions, folder, TZ)
    columns = [e.split(": ")[1] for e in report.errors]
    assert columns == ["kpp", "name", "kind", "bic", "bank_account", "phone"]
    assert report.errors[1] == "organizations.csv:2: name: обязательное поле не заполнено"


async def test_corrected_row_updates(sessions, tmp_path):
    assert (await import_registry(sessions, DEMO, TZ)).ok
    folder = demo_copy(tmp_path, "accounts", "outages")
    accounts = read_lines(folder, "accounts")
    accounts[2] = accounts[2].replace("8 (916) 234-56-02", "+7 916 000-11-22")
    write_csv(folder, "accounts", accounts)
    outages = read_lines(folder, "outages")
    outages[1] = outages[1].replace("21.12.2026 21:00", "18.12.2026 21:00")
    write_csv(folder, "outages", outages)
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    assert summary(report) == {"accounts.csv": (0, 1, 8), "outages.csv": (0, 1, 0)}
    async with sessions() as s:
        account = await s.scalar(select(Account).where(Account.account_number == "1100102"))
        assert account.payer_phone == "+79160001122"
        assert account.payer_name == "Петров Алексей Николаевич"
        outage = await s.scalar(select(Outage))
        assert outage.ends_at == dt.datetime(2026, 12, 18, 18) and outage.revision == 2
        assert report.changed_outage_ids == [outage.id]


async def test_rows_may_reference_what_an_earlier_import_stored(sessions, tmp_path):
    assert (await import_registry(sessions, demo_copy(tmp_path, "organizations", "houses", "premises")
                                  , TZ)).ok
    later = tmp_path / "later"
    later.mkdir()
    for name in ("accounts", "meters", "agenda", "meetings"):
        shutil.copy(DEMO / f"{name}.csv", later / f"{name}.csv")
    report = await import_registry(sessions, later, TZ)
    assert report.ok, report.render()
    only_agenda = tmp_path / "agenda_only"
    # a new agenda item is accepted before the meeting's voting starts (16.11.2026), refused after
    from bot.services.clock import FixedClock

    BEFORE_VOTING = FixedClock(TZ, dt.datetime(2026, 11, 1, 12, 0))
    write_csv(only_agenda, "agenda", ["meeting_id;number;question", "ОСС-2026-11;5;Разное"])
    write_csv(only_agenda, "charges", ["account_number;provider_ogrn;period;service;amount",
                                       f"ЭС-77-004501;{RSO};2026-11;Электроснабжение;1 999,00"])
    report = await import_registry(sessions, only_agenda, TZ, clock=BEFORE_VOTING)
    assert report.errors == ["charges.csv:2: amount: «1 999,00»: разделители разрядов не допускаются"]
    write_csv(only_agenda, "charges", ["account_number;provider_ogrn;period;service;amount",
                                       f"ЭС-77-004501;{RSO};2026-11;Электроснабжение;1999"])
    report = await import_registry(sessions, only_agenda, TZ, clock=BEFORE_VOTING)
    assert report.ok, report.render()
    async with sessions() as s:
        meeting_id = await s.scalar(select(Meeting.id))
        assert await s.scalar(select(func.count()).select_from(AgendaItem)) == 5
        assert await s.scalar(select(Charge.due_on)) == dt.date(2026, 12, 15)
    assert report.changed_meeting_ids == [meeting_id]


async def test_duplicate_key_in_a_file(sessions, tmp_path):
    folder = demo_copy(tmp_path, "organizations", "houses", "premises")
    premises = read_lines(folder, "premises")
    premises.append(premises[2].replace(";38,7;", ";39;"))  # the same house and number again: row 10
    write_csv(folder, "premises", premises)
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == [
        "premises.csv:10: house_guid: повтор: строка с тем же ключом (house_guid, number) уже есть в строке 3"]


async def test_unknown_file_and_empty_folder(sessions, tmp_path):
    folder = tmp_path / "r"
    write_csv(folder, "meter", ["serial_number"])
    report = await import_registry(sessions, folder, TZ)
    assert len(report.errors) == 1 and report.errors[0].startswith("meter.csv:1: файл: неизвестный файл «meter»")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not (await import_registry(sessions, empty, TZ)).ok


# ------------------------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(("raw", "expected"), [
    ("+7 (916) 123-45-67", "+79161234567"),
    ("8 916 123 45 67", "+79161234567"),
    ("89161234567", "+79161234567"),
    ("79161234567", "+79161234567"),
    ("9161234567", "+79161234567"),
    ("+7-916-123-45-67", "+79161234567"),
    (89161234567, "+79161234567"),
    (79161234567.0, "+79161234567"),
])
def test_phone_normalised(raw, expected):
    assert phone(raw) == expected


@pytest.mark.parametrize("raw", ["+8 916 123 45 67", "123-45-67", "+1 916 123 4567", "8916123456x", "916123456789"])
def test_phone_refused(raw):
    with pytest.raises(Invalid):
        phone(raw)


def test_ogrn_and_ogrnip():
    assert ogrn("1027700132195") == "1027700132195"
    assert ogrn("321774600123451") == "321774600123451"  # ОГРНИП, 15 digits
    # remainder 10..12: the check digit is its last digit (stdnum would refuse this valid number)
    base = next(b for b in range(30477460000000, 30477460001000) if b % 13 >= 10)
    assert ogrn(f"{base}{base % 13 % 10}")
    for bad, reason in [("1027700132196", "контрольная"), ("321774600123452", "контрольная"),
                        ("102770013219", "13 цифр"), ("521774600123451", "начинается с 3 или 4")]:
        with pytest.raises(Invalid, match=reason):
            ogrn(bad)


@pytest.mark.parametrize(("raw", "expected"), [
    ("1", (1, 1)), ("1/2", (1, 2)), ("2/4", (1, 2)), ("0.25", (1, 4)), ("0,5", (1, 2)), ("1/3", (1, 3)),
    (0.25, (1, 4)), (1, (1, 1)),
])
def test_share_parsed(raw, expected):
    assert share(raw) == expected


@pytest.mark.parametrize("raw", ["0", "3/2", "1/0", "1,5", "половина", "-1/2"])
def test_share_refused(raw):
    with pytest.raises(Invalid):
        share(raw)


def test_share_turned_into_a_date_by_excel():
    with pytest.raises(Invalid, match="дату"):
        share(dt.datetime(2026, 2, 1))


# ------------------------------------------------------------------------------------------- the CLI


def test_cli_import_exit_codes(tmp_path, monkeypatch):
    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)  # no .env of the developer
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    assert main(["import", "--quiet", str(DEMO)]) == 0
    bad = demo_copy(tmp_path, "organizations")
    orgs = read_lines(bad, "organizations")
    orgs[1] = orgs[1].replace(";7701234560;", ";7701234561;")
    write_csv(bad, "organizations", orgs)
    assert main(["import", "--quiet", str(bad)]) == 1
    assert main(["import", "--quiet", str(tmp_path / "nowhere")]) == 1


def test_every_registry_table_is_covered():
    """Keeps REGISTRY_TABLES in step with the model (the rejection test counts these)."""
    names = {t.name for t in Base.metadata.sorted_tables}
    assert {m.__tablename__ for m in REGISTRY_TABLES} <= names


async def test_trailing_delimiters_quotes_and_iso_dates(sessions, tmp_path):
    """Excel's trailing «;», quoted values with the delimiter inside, ISO dates, an upper-case header."""
    folder = tmp_path / "r"
    write_csv(folder, "organizations", ["OGRN;INN;Name;Kind;Registered_On;;",
                                        f'{UK};7701234560;"ООО ""УК; Дом""";uk;2016-03-14;;'], bom=False)
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    async with sessions() as s:
        org = await s.scalar(select(Organization))
        assert (org.name, org.registered_on) == ('ООО "УК; Дом"', dt.date(2016, 3, 14))


def test_value_sets_are_the_vocabulary():
    """The registry accepts for a kind, resource or status exactly what the database's check constraint allows."""
    from bot.services.registry.parse import SPEC_BY_NAME
    from storage import vocab

    cases = [("organizations", "kind", vocab.OrgKind), ("organizations", "license_status", vocab.LicenseStatus),
             ("houses", "kind", vocab.HouseKind), ("houses", "capital_repair_fund", vocab.CapitalRepairFund),
             ("premises", "kind", vocab.PremisesKind), ("meters", "resource", vocab.Resource),
             ("outages", "kind", vocab.OutageKind),
             ("agenda", "majority", vocab.Majority)]
    for file, column, values in cases:
        parse = SPEC_BY_NAME[file].column(column).parse
        assert [parse(str(v).upper()) for v in values] == [str(v) for v in values]
        with pytest.raises(Invalid, match="допустимо: " + ", ".join(str(v) for v in values)):
            parse("steam")
    # the outages file says «heating» (FORMAT.md) for what a meter calls «heat»: stored as the one vocabulary's heat
    parse = SPEC_BY_NAME["outages"].column("resource").parse
    assert [parse(w) for w in ("HOT_WATER", "cold_water", "electricity", "heating", "gas")] == [
        "hot_water", "cold_water", "electricity", "heat", "gas"]
    with pytest.raises(Invalid, match="допустимо: hot_water, cold_water, electricity, heating, gas"):
        parse("steam")


async def test_bulk_import_refreshes_planner_statistics(sessions, tmp_path, backend):
    """A big load is followed by ANALYZE of the tables it filled (PostgreSQL), so the bot's next reads use the
    indexes at once instead of scanning every account until autovacuum gets there; a small one is left to it."""
    from sqlalchemy import text

    folder = tmp_path / "r"
    write_csv(folder, "organizations", ["ogrn;inn;name;kind", f"{UK};7701234560;ООО «УК»;uk"])
    write_csv(folder, "houses", ["house_guid;region;street;building;manager_ogrn", f"{H1};Москва;ул. Ленина;5;{UK}"])
    write_csv(folder, "premises", ["house_guid;number;total_area"] + [f"{H1};{i};50" for i in range(1, 1201)])
    write_csv(folder, "accounts", ["account_number;provider_ogrn;house_guid;premises_number;payer_name"]
              + [f"{9000000 + i};{UK};{H1};{i};Жилец {i}" for i in range(1, 1201)])
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    if backend != "postgresql":
        return
    async with sessions() as s:  # ANALYZE sets the row estimate (TRUNCATE and a fresh table leave it unknown)
        estimates = dict((await s.execute(text(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('premises', 'accounts')"))).all())
    assert estimates == {"premises": 1200, "accounts": 1200}
