"""owners.csv: the owners a file gives one premises may not hold more than the whole of it — exact fractions, refused
like any other problem, nothing written. Only the file's rows count: rows absent from an import are left alone and an
import cannot remove an owner (FORMAT.md), so a stored owner beside a new one is not refused (the clerk would have no
way to load the registry)."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy import select

from bot.services.registry import import_and_publish
from storage.models import Owner, Premises
from tests.test_registry_import import DEMO, H1, demo_copy, read_lines, row_counts, write_csv

HEADER = "house_guid;premises_number;owner_name;share"
KUZNETSOV = "Кузнецов Дмитрий Игоревич"  # the demo's sole owner of кв. 4 of H1, share 1
OVER = "доли собственников помещения {premises} (дом {house}) в сумме {total} — больше 1: {owners}"


def over(premises: str, total: str, owners: str, house: str = H1) -> str:
    return OVER.format(premises=premises, house=house, total=total, owners=owners)


async def load(sessions, path, clock, settings):
    report, _ = await import_and_publish(sessions, path, clock, settings.quiet_hours)
    return report


async def shares(sessions, number: str, house_guid: str = H1) -> dict[str, Fraction]:
    from storage.models import House

    async with sessions() as s:
        rows = await s.execute(
            select(Owner.owner_name, Owner.share_num, Owner.share_den).join(Premises, Premises.id == Owner.premises_id)
            .join(House, House.id == Premises.house_id)
            .where(House.house_guid == house_guid, Premises.number == number))
        return {r.owner_name: Fraction(r.share_num, r.share_den) for r in rows}


async def demo_loaded(sessions, clock, settings) -> None:
    report = await load(sessions, DEMO, clock, settings)
    assert report.ok, report.render()
    assert await shares(sessions, "4") == {KUZNETSOV: 1}


async def test_owners_in_one_file_over_the_whole_are_refused(sessions, tmp_path, clock, settings):
    await demo_loaded(sessions, clock, settings)
    before = await row_counts(sessions)
    write_csv(tmp_path / "r", "owners", [HEADER, f"{H1};4;{KUZNETSOV};1", f"{H1};4;Новикова Анна Сергеевна;0,5"])
    report = await load(sessions, tmp_path / "r", clock, settings)
    assert report.errors == ["owners.csv:2: share: " + over(
        "кв. 4", "3/2", f"{KUZNETSOV} — 1 (строка 2), Новикова Анна Сергеевна — 1/2 (строка 3)")]
    assert "Реестр не загружен, ничего не записано." in report.render()
    assert await row_counts(sessions) == before


async def test_a_file_row_of_a_stored_owner_replaces_it_counted_once(sessions, tmp_path, clock, settings):
    await demo_loaded(sessions, clock, settings)
    write_csv(tmp_path / "r", "owners", [HEADER, f"{H1};4;{KUZNETSOV};1/2", f"{H1};4;Новикова Анна Сергеевна;0,5"])
    report = await load(sessions, tmp_path / "r", clock, settings)
    assert report.ok, report.render()
    assert await shares(sessions, "4") == {KUZNETSOV: Fraction(1, 2), "Новикова Анна Сергеевна": Fraction(1, 2)}
    again = await load(sessions, tmp_path / "r", clock, settings)
    assert again.ok and again.counts["owners.csv"].unchanged == 2


async def test_shares_are_added_exactly(sessions, tmp_path, clock, settings):
    """0,1 + 0,2 + 0,7 is 1 (in floats 1.0000000000000002); 1/3 + 1/3 + 0,34 is 151/150."""
    folder = demo_copy(tmp_path)
    owners = [line for line in read_lines(folder, "owners") if f"{H1};4;" not in line]
    write_csv(folder, "owners", [*owners, f"{H1};4;Первый;0,1", f"{H1};4;Второй;0.2", f"{H1};4;Третий;7/10"])
    report = await load(sessions, folder, clock, settings)
    assert report.ok, report.render()
    assert sum((await shares(sessions, "4")).values()) == 1
    write_csv(tmp_path / "r", "owners", [HEADER, f"{H1};4;Первый;1/3", f"{H1};4;Второй;1/3", f"{H1};4;Третий;0,34"])
    report = await load(sessions, tmp_path / "r", clock, settings)
    assert report.errors == ["owners.csv:2: share: " + over(
        "кв. 4", "151/150", "Первый — 1/3 (строка 2), Второй — 1/3 (строка 3), Третий — 17/50 (строка 4)")]


async def test_many_owners_are_counted_not_all_named(sessions, tmp_path, clock, settings):
    await demo_loaded(sessions, clock, settings)
    write_csv(tmp_path / "r", "owners", [HEADER, *(f"{H1};4;Совладелец {i};1/5" for i in range(1, 8))])
    report = await load(sessions, tmp_path / "r", clock, settings)
    named = ", ".join(f"Совладелец {i} — 1/5 (строка {i + 1})" for i in range(1, 6))
    assert report.errors == ["owners.csv:2: share: " + over("кв. 4", "7/5", f"{named}, и ещё 2 собственника")]
