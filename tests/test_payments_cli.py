"""``python -m bot export payments``: the staff /payments file from the command line."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from storage.models import Payment
from tests.factories import RSO_OGRN, UK_OGRN, world

D = Decimal


async def seed(sessions) -> None:
    w = await world(sessions)
    async with sessions.begin() as s:
        s.add(_user(111))
        await s.flush()
        s.add_all([
            Payment(source="bot", account_id=w.account.id, paid_on=dt.date(2026, 11, 19), amount=D("1500.50"),
                    user_id=111, method="card", commission=D("22.51"), telegram_charge_id="tg-1",
                    provider_charge_id="pr-1", paid_at=dt.datetime(2026, 11, 19, 9, 0)),
            Payment(source="bot", account_id=w.power_account.id, paid_on=dt.date(2026, 11, 20), amount=D("300.00"),
                    user_id=111, method="card", commission=D("0.00"), telegram_charge_id="=tg-2",
                    provider_charge_id="pr-2", paid_at=dt.datetime(2026, 11, 20, 9, 0), refund_due=True),
            Payment(source="bot", account_id=w.account.id, paid_on=dt.date(2026, 10, 19), amount=D("10.00"),
                    user_id=111, method="card", commission=D("0.00"), telegram_charge_id="tg-old",
                    provider_charge_id="pr-old", paid_at=dt.datetime(2026, 10, 19, 9, 0)),
            Payment(source="registry", external_id="PAY-CLI-9", account_id=w.account.id, paid_on=dt.date(2026, 11, 5),
                    amount=D("99.00"), channel="Сбербанк"),
        ])


def _user(user_id: int):
    from storage.models import User

    return User(id=user_id, first_name="Ринат")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_export_payments(tmp_path, monkeypatch, capsys, fmt):
    from bot.__main__ import main
    from storage.db import create_engine, session_factory

    monkeypatch.chdir(tmp_path)  # no .env of the developer
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["migrate"]) == 0

    async def fill() -> None:
        engine = create_engine(url)
        await seed(session_factory(engine))
        await engine.dispose()

    asyncio.run(fill())
    capsys.readouterr()
    assert main(["export", "payments", "--period", "2026-11", "--format", fmt]) == 0
    assert "строк — 2, к возврату — 1" in capsys.readouterr().out
    out = tmp_path / f"payments_2026-11.{fmt}"
    if fmt == "csv":
        lines = out.read_text("utf-8-sig").splitlines()
        assert lines[0].startswith("Поставщик (ОГРН);Лицевой счёт;Плательщик (Telegram id);Сумма;Комиссия")
        # the refund first; a charge id that looks like a formula stays text; the registry's and October's are not here
        assert lines[1].split(";")[:7] == [RSO_OGRN, "ЭЛ-0012", "111", "300,00", "0,00", "карта в Telegram", "'=tg-2"]
        assert lines[2].split(";")[:7] == [UK_OGRN, "1234567890", "111", "1500,50", "22,51", "карта в Telegram", "tg-1"]
        assert len(lines) == 3
    else:
        assert load_workbook(out).active.title == "Платежи 2026-11"
        rows = list(load_workbook(out).active.iter_rows(min_row=2, values_only=True))
        assert [(r[1], r[3]) for r in rows] == [("ЭЛ-0012", 300), ("1234567890", 1500.5)]
    assert main(["export", "payments", "--period", "2026-11", "--provider", UK_OGRN, "--format", fmt,
                 "-o", "uk." + fmt]) == 0
    if fmt == "csv":
        text = (tmp_path / "uk.csv").read_text("utf-8-sig")
        assert "tg-1" in text and "tg-2" not in text
    assert main(["export", "payments", "--period", "ноябрь"]) == 2
    assert main(["export", "payments", "--period", "2026-11", "--provider", "1027700000001", "-o", "typo.xlsx"]) == 2
    assert not (tmp_path / "typo.xlsx").exists()
