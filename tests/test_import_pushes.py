"""`python -m bot import` queues the pushes an import calls for: an outage reaches every linked resident of its
house exactly once, and nobody in the other house."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.services.registry import import_and_publish
from storage.models import Account, House, Notification
from tests.factories import link
from tests.pushes import text_of

DEMO = Path(__file__).resolve().parent.parent / "demo" / "registry"
HOUSE_1 = "5d2b7a3e-1c44-4f0e-9a61-3b8f2c7d9e01"
HOUSE_2 = "a9e4c6b2-7f15-4d38-b2c0-6e1d4f8a5c27"


async def _accounts_of(sessions, guid: str) -> list[Account]:
    async with sessions() as s:
        from storage.models import Premises

        rows = await s.execute(select(Account).join(Premises, Premises.id == Account.premises_id)
                               .join(House, House.id == Premises.house_id).where(House.house_guid == guid))
        return list(rows.scalars())


async def test_outage_import_reaches_its_house_once(settings, sessions, clock, tmp_path):
    report, pushes = await import_and_publish(sessions, str(DEMO), clock, settings.quiet_hours)
    assert report.ok and pushes == 0  # nobody linked yet

    house_1, house_2 = await _accounts_of(sessions, HOUSE_1), await _accounts_of(sessions, HOUSE_2)
    await link(sessions, 701, house_1[0])
    await link(sessions, 702, house_1[1])
    await link(sessions, 703, house_2[0])

    folder = tmp_path / "outage"
    folder.mkdir()
    (folder / "outages.csv").write_text(
        "\ufeffhouse_guid;resource;starts_at;ends_at;kind;reason\n"
        f"{HOUSE_1};cold_water;01.12.2026 10:00;01.12.2026 18:00;emergency;Авария на вводе\n",
        encoding="utf-8")
    for _ in range(2):  # the same file twice: nothing twice
        report, _pushes = await import_and_publish(sessions, str(folder), clock, settings.quiet_hours)
        assert report.ok, report.render()

    async with sessions() as s:
        rows = (await s.execute(select(Notification).where(Notification.kind.like("outage%")))).scalars().all()
    per_user: dict[int, int] = {}
    for n in rows:
        if "Авария на вводе" in text_of(n) or "холодн" in text_of(n).lower():
            per_user[n.user_id] = per_user.get(n.user_id, 0) + 1
    assert per_user == {701: 1, 702: 1}
    assert all(n.user_id != 703 for n in rows)
