"""QA on a registry nobody had seen (Казань): staff-saved CSVs → house search by the spellings residents type."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.services.address import normalize
from bot.services.houses import search_houses
from bot.services.registry import import_registry
from bot.texts import accounts as t
from bot.texts import common as ct

UK = "1161690123451"  # ИНН 1655123453
H1, H2, H3, H4 = (f"3f1e0c9a-8b7d-4e21-9c33-aa11bb22cc0{i}" for i in (1, 2, 3, 4))
REGISTRY = {
    "organizations": "ogrn;inn;kpp;name;short_name;kind\r\n"
                     f"{UK};1655123453;165501001;ООО «УК «Казанский Кремль»»;УК «Кремль»;uk\r\n",
    "houses": "house_guid;region;city;street;building;postal_code;manager_ogrn\r\n"
              f"{H1};Татарстан Респ;Казань;ул. Баумана;44;420111;{UK}\r\n"
              f"{H2};Татарстан Респ;Казань;улица Ленина;5 к2;;{UK}\r\n"
              f"{H3};Татарстан Респ;Казань;Петровско-Разумовский проезд;7 стр. 1;;{UK}\r\n"
              f"{H4};Татарстан Респ;Казань;ул. Фёдоровская;12А;;{UK}\r\n",
    "premises": "house_guid;number;total_area\r\n"
                f"{H1};1;100,5\r\n",
    "accounts": "account_number;provider_ogrn;house_guid;premises_number;payer_name;payer_phone\r\n"
                f"КЗ-440001;{UK};{H1};1;Хабибуллин Рустем Ильдарович;8 (916) 123-45-67\r\n",
}
H1_ADDR = "г. Казань, ул. Баумана, д. 44"
H2_ADDR = "г. Казань, улица Ленина, д. 5 к2"
H3_ADDR = "г. Казань, Петровско-Разумовский проезд, д. 7 стр. 1"
H4_ADDR = "г. Казань, ул. Фёдоровская, д. 12А"


@pytest.fixture
async def kazan(sessions, tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    for name, body in REGISTRY.items():
        (folder / f"{name}.csv").write_bytes(("\ufeff" + body).encode())
    report = await import_registry(sessions, folder, ZoneInfo("Europe/Moscow"))
    assert report.ok, report.errors


@pytest.mark.parametrize(("query", "address"), [
    ("баумана 44", H1_ADDR), ("Баумана, д.44", H1_ADDR), ("44 баумана", H1_ADDR),
    # a copy of the address from a bill: the region and the postal code are part of the house
    ("Республика Татарстан, г. Казань, ул. Баумана, д. 44", H1_ADDR), ("420111, Баумана 44", H1_ADDR),
    # the flat typed after the house is not a part of the house
    ("баумана 44 кв 1", H1_ADDR), ("Баумана, д. 44, кв. 12а", H1_ADDR), ("баумана 44 квартира 7", H1_ADDR),
    ("ул Ленина д 5 к2", H2_ADDR), ("ленина 5/2", H2_ADDR), ("Ленина 5-2", H2_ADDR),
    ("петровско-разумовский 7/1", H3_ADDR), ("пр-д Петровско-Разумовский, 7, строение 1", H3_ADDR),
    # a letter of the house number written apart
    ("федоровская 12 а", H4_ADDR), ("ул. Фёдоровская, д. 12-А", H4_ADDR), ("фёдоровская д.12 лит. А", H4_ADDR),
])
async def test_house_search_spellings_of_an_unseen_registry(kazan, sessions, query, address):
    found = await search_houses(sessions, query)
    assert [i.address for i in found.items] == [address], query


@pytest.mark.parametrize("query", ["ленина 2", "баумана 44 к2", "федоровская 12 б", "татарстан баумана 45"])
async def test_house_search_still_needs_the_right_number(kazan, sessions, query):
    assert (await search_houses(sessions, query)).items == []


def test_normalize_keeps_housing_apart_from_letters():
    assert normalize("5 к 2") == ["5", "к2"]
    assert normalize("7 с 1") == ["7", "с1"]
    assert normalize("12 а") == ["12а"]
    assert normalize("дом 44 кв 5") == ["44"]


async def test_resident_links_by_full_bill_address_and_phone(kazan, client):
    await client.send(ct.BTN_ACCOUNTS)
    await client.click(t.BTN_LINK)
    replies = await client.send("420111, Республика Татарстан, г. Казань, ул. Баумана, д. 44, кв. 1")
    assert H1_ADDR in replies[-1].buttons
    await client.click(H1_ADDR)
    await client.send("кз 440001")
    replies = await client.share_contact("79161234567")
    assert "Хабибуллин Р. И." in replies[-1].text
    await client.click(t.BTN_CONNECT)
    (reply,) = await client.send(ct.BTN_ACCOUNTS)
    assert "№ КЗ-440001" in reply.text
