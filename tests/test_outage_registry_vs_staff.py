"""An outage both in the registry and changed by the staff in the bot: a re-import of the unchanged row leaves the
staff's change alone (no revert, no duplicate, no second notice); a changed row wins and residents hear it once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.outages import change_outage, create_outage
from bot.services.registry import import_and_publish
from storage.models import House, Notification, Outage
from tests.factories import link, old_house
from tests.pushes import text_of
from tests.test_import_pushes import DEMO, HOUSE_1, _accounts_of

HEADER = "\ufeffhouse_guid;resource;starts_at;ends_at;kind;reason\n"


def registry(folder: Path, *rows: str) -> str:
    folder.mkdir(exist_ok=True)
    (folder / "outages.csv").write_text(HEADER + "".join(f"{HOUSE_1};{r}\n" for r in rows), encoding="utf-8")
    return str(folder)


async def outages(sessions) -> list[Outage]:
    async with sessions() as s:
        return list((await s.execute(select(Outage).order_by(Outage.id))).scalars())


async def notices(sessions) -> list[str]:
    async with sessions() as s:
        return [text_of(n) for n in (await s.execute(
            select(Notification).where(Notification.kind.like("outage%")).order_by(Notification.id))).scalars()]


async def imported(settings, sessions, clock, folder: str):
    report, _ = await import_and_publish(sessions, folder, clock, settings.quiet_hours)
    assert report.ok, report.render()
    return report


async def setup(settings, sessions, clock, tmp_path) -> tuple[str, Outage]:
    await imported(settings, sessions, clock, str(DEMO))
    await link(sessions, 701, (await _accounts_of(sessions, HOUSE_1))[0])
    folder = registry(tmp_path / "r", "hot_water;02.12.2026 10:00;02.12.2026 18:00;planned;Ремонт")
    await imported(settings, sessions, clock, folder)
    (o,) = [o for o in await outages(sessions) if o.reason == "Ремонт"]
    return folder, o


async def test_unchanged_row_keeps_the_staffs_new_end(settings, sessions, clock, tmp_path):
    folder, o = await setup(settings, sessions, clock, tmp_path)
    await change_outage(sessions, clock, o.id, ends=dt.datetime(2026, 12, 2, 20))
    before = len(await notices(sessions))

    report = await imported(settings, sessions, clock, folder)

    (after,) = [x for x in await outages(sessions) if x.id == o.id]
    assert clock.to_local(after.ends_at).hour == 20 and after.revision == 2
    assert len(await notices(sessions)) == before and report.counts["outages.csv"].unchanged == 1


async def test_unchanged_row_after_the_staff_moved_the_start_makes_no_duplicate(settings, sessions, clock, tmp_path):
    folder, o = await setup(settings, sessions, clock, tmp_path)
    await change_outage(sessions, clock, o.id, starts=dt.datetime(2026, 12, 3, 10), ends=dt.datetime(2026, 12, 3, 18))
    count = len(await outages(sessions))

    await imported(settings, sessions, clock, folder)

    assert len(await outages(sessions)) == count
    (after,) = [x for x in await outages(sessions) if x.id == o.id]
    assert clock.to_local(after.starts_at).day == 3


async def test_a_changed_row_wins_and_is_told_once(settings, sessions, clock, tmp_path):
    folder, o = await setup(settings, sessions, clock, tmp_path)
    await change_outage(sessions, clock, o.id, ends=dt.datetime(2026, 12, 2, 20))
    before = len(await notices(sessions))

    folder = registry(tmp_path / "r", "hot_water;02.12.2026 10:00;02.12.2026 16:00;planned;Ремонт задвижки")
    await imported(settings, sessions, clock, folder)
    await imported(settings, sessions, clock, folder)

    (after,) = [x for x in await outages(sessions) if x.id == o.id]
    assert clock.to_local(after.ends_at).hour == 16 and after.reason == "Ремонт задвижки" and after.revision == 3
    texts = await notices(sessions)
    assert len(texts) == before + 1 and "Ремонт задвижки" in texts[-1]


async def test_registry_row_at_the_start_of_a_staff_outage_takes_it_over(settings, sessions, clock, tmp_path):
    await imported(settings, sessions, clock, str(DEMO))
    async with sessions() as s:
        house = (await s.execute(select(House).where(House.house_guid == HOUSE_1))).scalar_one()
    made = await create_outage(sessions, clock, house_id=house.id, resource="gas", starts=dt.datetime(2026, 12, 5, 9),
                               ends=dt.datetime(2026, 12, 5, 13), kind="planned", reason=None)
    count = len(await outages(sessions))

    await imported(settings, sessions, clock, registry(tmp_path / "r", "gas;05.12.2026 09:00;05.12.2026 15:00;planned;Поверка"))

    assert len(await outages(sessions)) == count
    (after,) = [x for x in await outages(sessions) if x.id == made.id]
    assert clock.to_local(after.ends_at).hour == 15 and after.reason == "Поверка"
    assert after.source == "registry"  # the staff's /outages marks it «(из реестра)» from now on


async def test_upgrade_keeps_the_key_of_outages_imported_before(tmp_path):
    from sqlalchemy import text

    from storage.db import create_engine
    from storage.migrate import upgrade

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(engine, "0001")  # a database as the previous release left it
    async with engine.begin() as conn:
        await old_house(conn)
        await conn.execute(text(
            "INSERT INTO outages (house_id, resource, starts_at, ends_at, kind, status, source, revision, "
            "created_at, updated_at) VALUES (1, 'gas', '2026-12-05 06:00:00', '2026-12-05 10:00:00', 'planned', "
            "'active', 'registry', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    await upgrade(engine)
    async with engine.begin() as conn:
        row = (await conn.execute(text("SELECT starts_at, registry_starts_at, registry_digest FROM outages"))).one()
    await engine.dispose()
    assert row[0] == row[1] and row[2] is None


async def test_upgrade_stores_an_outage_of_heating_as_heat_and_a_reimport_finds_it(settings, tmp_path):
    """Migration 0008: outages said 'heating' where meters say 'heat'; the stored row becomes 'heat' and the
    registry file, which keeps its word «heating», updates that row instead of adding a second one."""
    from sqlalchemy import text

    from bot.services.clock import FixedClock
    from storage.db import create_engine, session_factory
    from storage.migrate import upgrade

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(engine, "0007_cards")
    async with engine.begin() as conn:
        await old_house(conn)
        await conn.execute(text(
            "INSERT INTO outages (house_id, resource, starts_at, ends_at, registry_starts_at, kind, status, source, "
            "revision, created_at, updated_at) VALUES (1, 'heating', '2026-12-05 06:00:00', '2026-12-05 10:00:00', "
            "'2026-12-05 06:00:00', 'planned', 'active', 'registry', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    await upgrade(engine)
    async with engine.begin() as conn:
        assert (await conn.execute(text("SELECT resource FROM outages"))).scalars().all() == ["heat"]
        with pytest.raises(Exception, match="(?i)check|constraint"):
            await conn.execute(text("UPDATE outages SET resource = 'heating'"))
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "outages.csv").write_text(HEADER + "g;heating;05.12.2026 09:00;05.12.2026 14:00;planned;Промывка\n",
                                        encoding="utf-8")
    clock = FixedClock(settings.tz, dt.datetime(2026, 11, 19, 12, 0))
    report, _ = await import_and_publish(session_factory(engine), folder, clock, "")
    assert report.ok, report.render()
    async with engine.begin() as conn:
        rows = (await conn.execute(text("SELECT resource, reason FROM outages"))).all()
    await engine.dispose()
    assert [tuple(r) for r in rows] == [("heat", "Промывка")]
