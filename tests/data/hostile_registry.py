"""A registry whose every free-text field holds what breaks HTML: «<», «>», «&», quotes and tags.

Written as the УК saves it from Excel (UTF-8 with a BOM, «;», CRLF, DD.MM.YYYY, decimal commas), in the format of
FORMAT.md. The pinned test clock is Thursday 19.11.2026 12:00 Moscow; dates are chosen around it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

UK_OGRN, UK_INN = "1167746123456", "7701234560"
GUID = "5d2b7a3e-1c44-4f0e-9a61-3b8f2c7d9e01"
ACCOUNT = "1100101"
PHONE = "+79161234501"
# a plain house next to it, where typed hostile text (a staff reason, a broadcast, a reading) is tried on its own
PLAIN_GUID = "a9e4c6b2-7f15-4d38-b2c0-6e1d4f8a5c27"
PLAIN_STREET = "ул. Простая"
PLAIN_ACCOUNT = "2200510"
PLAIN_PHONE = "+79263102010"
PLAIN_METER = "ХВ-0001"

# the hostile strings, each of which must reach the resident as it is written here
STREET = 'ул. <Тег> & Ко "Кавычки" <b>'
BUILDING = "11 <к2>"
PREMISES = '1<А> & "Б"'
ORG_NAME = 'ООО «УК <Тег> & Ко» "Кавычки" <b>'
ORG_SHORT = 'УК <Тег> & Ко <i>'
ORG_ADDRESS = "105005, г. Москва, <Тег> & Ко, д. 1"
BANK = 'ПАО <Банк> & "Ко"'
PAYER = 'Иванова <Мария> & "Ко"'
COUNCIL_CHAIR = "Петров <Пётр> & Ко"
COUNCIL_MEMBER = 'Сидоров "Сид" <b>'
CONTRACT = "ДУ-<11>&2016"
SERVICE = 'Содержание <дома> & "ремонт"'
CHANNEL = "Банк <Онлайн> & Ко"
COLD = "<b>ХВ-4"
HOT = "ГВ-<5>&6"
POWER = 'Э-<7>&"7"'
OWNER = "Иванова <Мария> & Ко <i>"
REASON = "прорыв <трубы> & <i>подвал"
EVE_REASON = "замена <задвижки> & промывка"
MEETING_TITLE = 'Собрание <ОСС> & "Итоги" <b>'
INITIATOR = "Совет <дома> & Ко"
AGENDA = 'Выбрать <совет> & "председателя" <i>'

HOSTILE_ADDRESS = (STREET, BUILDING)


def _write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    (folder / name).write_bytes(("\ufeff" + buf.getvalue()).encode())


def base_registry(folder: Path, *, outage_eve: bool = True) -> Path:
    """Organization, house, premises, account, meters, owners, charges, payments; an outage starting tomorrow (for
    the eve reminder) unless ``outage_eve`` is False."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, "organizations.csv",
           ["ogrn", "inn", "kpp", "name", "short_name", "kind", "legal_address", "actual_address", "postal_address",
            "phone", "dispatcher_phone", "email", "license_number", "license_issued_on", "license_status",
            "bank_account", "bank_name", "bic", "corr_account"],
           [[UK_OGRN, UK_INN, "770101001", ORG_NAME, ORG_SHORT, "uk", ORG_ADDRESS, ORG_ADDRESS, ORG_ADDRESS,
             "+7 (495) 123-45-67", "8 (495) 123-45-00", "info@uk.example", "077-000512", "28.04.2016", "active",
             "40702810538000123456", BANK, "044525225", "30101810400000000225"]])
    _write(folder, "houses.csv",
           ["house_guid", "region", "city", "street", "building", "postal_code", "municipality", "manager_ogrn",
            "kind", "year_built", "floors", "entrances", "total_area", "condition", "council_chair",
            "council_members", "contract_number", "contract_signed_on", "contract_starts_on", "contract_ends_on"],
           [[GUID, "Москва", "Москва", STREET, BUILDING, "105005", "округ <Басманный> & Ко", UK_OGRN, "mkd",
             "1978", "9", "3", "92,9", "исправный", COUNCIL_CHAIR, f"{COUNCIL_CHAIR}; {COUNCIL_MEMBER}", CONTRACT,
             "20.05.2016", "01.06.2016", "31.05.2027"],
            [PLAIN_GUID, "Москва", "Москва", PLAIN_STREET, "1", "127287", "", UK_OGRN, "mkd", "1965", "5", "4",
             "40", "исправный", "", "", "", "", "", ""]])
    _write(folder, "premises.csv", ["house_guid", "number", "kind", "total_area", "living_area", "residents"],
           [[GUID, PREMISES, "residential", "54,2", "32,1", "3"], [GUID, "2", "residential", "38,7", "19,4", "1"],
            [PLAIN_GUID, "10", "residential", "40", "20", "1"]])
    _write(folder, "accounts.csv",
           ["account_number", "provider_ogrn", "house_guid", "premises_number", "payer_name", "payer_phone"],
           [[ACCOUNT, UK_OGRN, GUID, PREMISES, PAYER, "+7 916 123-45-01"],
            ["1100102", UK_OGRN, GUID, "2", "Петров Алексей Николаевич", "+7 916 234-56-02"],
            [PLAIN_ACCOUNT, UK_OGRN, PLAIN_GUID, "10", "Соколова Анна Павловна", "+7 926 310-20-10"]])
    _write(folder, "meters.csv",
           ["serial_number", "account_number", "provider_ogrn", "resource", "tariff_zones", "digits",
            "installed_on", "next_verification_on", "last_value", "last_value_t2", "last_read_on"],
           [[COLD, ACCOUNT, UK_OGRN, "cold_water", "1", "5", "15.03.2021", "15.03.2027", "312,455", "", "20.10.2026"],
            # its поверка is due in 30 days: the verification reminder names it
            [HOT, ACCOUNT, UK_OGRN, "hot_water", "1", "5", "15.03.2021", "19.12.2026", "198,210", "", "20.10.2026"],
            [POWER, ACCOUNT, UK_OGRN, "electricity", "2", "6", "15.03.2021", "15.03.2030", "12345,6", "5432,1",
             "20.10.2026"],
            [PLAIN_METER, PLAIN_ACCOUNT, UK_OGRN, "cold_water", "1", "5", "15.03.2021", "15.03.2030", "100", "",
             "20.10.2026"]])
    _write(folder, "owners.csv", ["house_guid", "premises_number", "owner_name", "share", "phone", "egrn_record"],
           [[GUID, PREMISES, OWNER, "1", "+7 916 123-45-01", "77:01:0003012:1101-77/051/2017-3"]])
    _write(folder, "charges.csv", ["account_number", "provider_ogrn", "period", "service", "amount", "due_on"],
           [[ACCOUNT, UK_OGRN, "2026-10", SERVICE, "1689,96", "10.11.2026"],
            [ACCOUNT, UK_OGRN, "2026-10", "Пени", "12,50", "10.11.2026"]])
    _write(folder, "payments.csv", ["payment_id", "account_number", "provider_ogrn", "paid_on", "amount", "channel"],
           [["P-<1>&", ACCOUNT, UK_OGRN, "02.11.2026", "100,00", CHANNEL]])
    if outage_eve:
        _write(folder, "outages.csv", ["house_guid", "resource", "starts_at", "ends_at", "kind", "reason"],
               [[GUID, "cold_water", "20.11.2026 10:00", "20.11.2026 18:00", "planned", EVE_REASON]])
    return folder


def news_registry(folder: Path, *, ends: str = "27.11.2026 21:00") -> Path:
    """What a later import brings: a planned hot-water outage and a general meeting whose voting is open now."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, "outages.csv", ["house_guid", "resource", "starts_at", "ends_at", "kind", "reason"],
           [[GUID, "hot_water", "25.11.2026 09:00", ends, "planned", REASON]])
    _write(folder, "meetings.csv", ["meeting_id", "house_guid", "title", "initiator", "starts_at", "ends_at"],
           [["ОСС-<1>&", GUID, MEETING_TITLE, INITIATOR, "16.11.2026 10:00", "20.12.2026 20:00"]])
    _write(folder, "agenda.csv", ["meeting_id", "number", "question", "majority"],
           [["ОСС-<1>&", "1", AGENDA, "simple"]])
    return folder
