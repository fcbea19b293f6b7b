"""Money, areas and meter values are exact on every engine: never a binary float in the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select, text

from storage.models import Charge, Reading
from tests.factories import old_house, world


async def test_sums_are_exact_and_nothing_is_stored_as_a_float(sessions, backend):
    w = await world(sessions)
    async with sessions.begin() as s:
        for i in range(10):  # 0.1 + 0.2 is not 0.3 in binary floats
            s.add(Charge(account_id=w.account.id, period=f"2031-{i + 1:02d}", service="Тест", amount=Decimal("0.10"),
                         due_on=dt.date(2031, 12, 10)))
            s.add(Charge(account_id=w.account.id, period=f"2031-{i + 1:02d}", service="Тест 2",
                         amount=Decimal("0.20"), due_on=dt.date(2031, 12, 10)))
        s.add(Reading(meter_id=w.cold.id, value=Decimal("1234.567"), taken_on=dt.date(2031, 1, 20), period="2031-01",
                      source="registry"))
    async with sessions() as s:
        total = (await s.execute(select(func.sum(Charge.amount)).where(Charge.period.like("2031-%")))).scalar_one()
        value = (await s.execute(select(Reading.value).where(Reading.period == "2031-01"))).scalar_one()
        assert total == Decimal("3.00") and isinstance(total, Decimal)
        assert value == Decimal("1234.567") and str(value) == "1234.567"
        if backend == "sqlite":
            kinds = {r[0] for r in await s.execute(text("SELECT DISTINCT typeof(amount) FROM charges"))}
            kinds |= {r[0] for r in await s.execute(text("SELECT DISTINCT typeof(value) FROM readings"))}
            assert kinds == {"integer"}
            assert (await s.execute(text("SELECT value FROM readings WHERE period = '2031-01'"))).scalar_one() \
                == 1234567


async def test_upgrade_turns_stored_floats_into_integers(tmp_path):
    from sqlalchemy import text

    from storage.db import create_engine
    from storage.migrate import upgrade
    from storage.models import Organization

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(engine, "0002")  # a database as the previous release left it
    async with engine.begin() as conn:
        await old_house(conn, total_area="3120.7")
        await conn.execute(text(
            "INSERT INTO premises (id, house_id, number, kind, total_area, created_at, updated_at) "
            "VALUES (1, 1, '1', 'residential', 54.3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        await conn.execute(text(
            "INSERT INTO accounts (id, account_number, provider_id, premises_id, payer_name, created_at, updated_at) "
            "VALUES (1, '100', 1, 1, 'Иванов И. И.', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        await conn.execute(text(
            "INSERT INTO charges (account_id, period, service, amount, due_on, created_at, updated_at) "
            "VALUES (1, '2026-10', 'Содержание', 1689.96, '2026-11-10', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    await upgrade(engine)
    async with engine.begin() as conn:
        raw = (await conn.execute(text("SELECT amount, typeof(amount) FROM charges"))).one()
        area = (await conn.execute(text("SELECT total_area, wear_percent FROM houses"))).one()
    async with engine.connect() as conn:
        amount = (await conn.execute(select(Charge.amount))).scalar_one()
        org = (await conn.execute(select(Organization.name))).scalar_one()
    await engine.dispose()
    assert tuple(raw) == (168996, "integer") and tuple(area) == (312070, None)
    assert amount == Decimal("1689.96") and org == "УК"
