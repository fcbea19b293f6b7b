"""organizations.csv's optional payment columns: card_commission_percent and vat_code (FORMAT.md)."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.registry import import_registry
from storage.models import Organization

TZ = ZoneInfo("Europe/Moscow")
HEADER = "ogrn;inn;name;kind;card_commission_percent;vat_code"


def write(folder, *rows: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "organizations.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


async def test_commission_and_vat_code_are_imported_and_empty_means_the_setting(sessions, tmp_path):
    folder = tmp_path / "r"
    write(folder, "1027700132195;7707083893;ООО «УК»;uk;1,5;6", "1057746555811;7736520080;АО «РСО»;rso;;")
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    async with sessions() as s:
        rows = {o.ogrn: (o.card_commission_percent, o.vat_code)
                for o in (await s.execute(select(Organization))).scalars()}
    assert rows == {"1027700132195": (Decimal("1.50"), 6), "1057746555811": (None, None)}


async def test_out_of_range_values_are_refused_with_the_column(sessions, tmp_path):
    folder = tmp_path / "r"
    write(folder, "1027700132195;7707083893;ООО «УК»;uk;10,5;13")
    report = await import_registry(sessions, folder, TZ)
    assert not report.ok
    assert any("card_commission_percent" in e for e in report.errors), report.errors
    assert any("vat_code" in e for e in report.errors), report.errors
