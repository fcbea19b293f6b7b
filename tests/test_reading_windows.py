"""Staff set a provider's own reading window with /window (the registry format has no column for it); residents
and the billing period follow it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.services.reading_windows import WindowError, parse_window
from bot.services.readings import Window
from storage.models import Organization
from tests.factories import RSO_OGRN, UK_OGRN, link, world


def test_parse_window():
    assert parse_window("15-20") == Window(15, 20)
    assert parse_window("с 1 по 10") == Window(1, 10)
    assert parse_window(" 5 – 25 числа ") == Window(5, 25)
    assert parse_window("по умолчанию") is None and parse_window("-") is None
    for bad in ("20-15", "0-10", "10-32", "двадцатое", "", "15"):
        with pytest.raises(WindowError):
            parse_window(bad)


async def test_window_list_set_and_reset(staff, sessions):
    await world(sessions)
    (r,) = await staff.send("/window")
    assert f"<code>{UK_OGRN}</code>: 20–25 (по умолчанию)" in r.text and RSO_OGRN in r.text
    assert "ГЖИ" not in r.text and "инспекц" not in r.text.lower()  # not a provider

    (r,) = await staff.send(f"/window {RSO_OGRN} 1-10")
    assert "с 1 по 10 число" in r.text
    async with sessions() as s:
        rso = (await s.execute(select(Organization).where(Organization.ogrn == RSO_OGRN))).scalar_one()
    assert (rso.reading_window_from, rso.reading_window_to) == (1, 10)

    (r,) = await staff.send(f"/window {RSO_OGRN} 10-1")
    assert "не позже последнего" in r.text
    (r,) = await staff.send("/window 1111111111111 1-10")
    assert "нет в базе" in r.text
    (r,) = await staff.send("/window 1-10")
    assert "Сначала ОГРН" in r.text

    (r,) = await staff.send(f"/window {RSO_OGRN} по умолчанию")
    assert "с 20 по 25 число (по умолчанию)" in r.text
    async with sessions() as s:
        rso = (await s.execute(select(Organization).where(Organization.ogrn == RSO_OGRN))).scalar_one()
    assert rso.reading_window_from is None and rso.reading_window_to is None


async def test_residents_follow_the_providers_window(staff, client, sessions, clock):
    w = await world(sessions)
    await link(sessions, client.user.id, w.account, w.power_account)
    clock.set(dt.datetime(2026, 11, 5, 12))
    await staff.send(f"/window {RSO_OGRN} 1-10")
    r = (await client.send("Передать показания"))[-1]
    assert "Приём показаний: с 1 по 10 число" in r.text and "Приём показаний: с 20 по 25 число" in r.text


async def test_residents_cannot_set_windows(client, sessions):
    await world(sessions)
    replies = await client.send(f"/window {RSO_OGRN} 1-10")
    assert all("число" not in r.text for r in replies)
    async with sessions() as s:
        rso = (await s.execute(select(Organization).where(Organization.ogrn == RSO_OGRN))).scalar_one()
    assert rso.reading_window_from is None
