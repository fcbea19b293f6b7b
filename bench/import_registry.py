"""Registry import benchmark: 100k accounts + 100k meters (and the 100k premises and 1k houses they need).

    .venv/bin/python bench/import_registry.py [--accounts 100000] [--pg postgresql+asyncpg://…]
    .venv/bin/python bench/import_registry.py --hostile


Generates a valid registry the way staff export it (semicolons, a BOM, DD.MM.YYYY dates, decimal commas) into a
temp folder, imports it into a fresh migrated database, prints the time and rows/s, then imports the same folder
again (which must change nothing) and prints that time too. Figures only; no thresholds.

``--hostile``: imports the 1.7 KB workbook that declares A1:XFD1048576 with one far cell (the one
tests/test_registry_hostile.py builds) and prints how long the refusal took and the peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bot.services.registry import import_registry
from storage.db import create_engine, session_factory
from storage.migrate import upgrade
from storage.models import Base

UK_OGRN, UK_INN = "1167746123456", "7701234560"
RSO_OGRN, RSO_INN = "1057746886427", "7736451206"
PER_HOUSE = 100


def write(folder: Path, name: str, header: str, lines) -> int:
    n = 0
    with (folder / f"{name}.csv").open("w", encoding="utf-8-sig", newline="") as f:
        f.write(header + "\r\n")
        for line in lines:
            f.write(line + "\r\n")
            n += 1
    return n


def generate(folder: Path, accounts: int) -> int:
    rnd = random.Random(42)
    houses = [str(uuid.UUID(int=rnd.getrandbits(128), version=4)) for _ in range(-(-accounts // PER_HOUSE))]
    streets = ["ул. Бауманская", "проезд Петровско-Разумовский", "ул. Ленина", "Ленинградский пр-т", "ул. Мира"]
    rows = write(folder, "organizations", "ogrn;inn;kpp;name;short_name;kind", [
        f"{UK_OGRN};{UK_INN};770101001;Общество с ограниченной ответственностью «УК Бенчмарк»;ООО «УК Бенчмарк»;uk",
        f"{RSO_OGRN};{RSO_INN};773601001;Акционерное общество «Энергосбыт Бенчмарк»;АО «Энергосбыт Бенчмарк»;rso",
    ])
    rows += write(folder, "houses", "house_guid;region;city;street;building;manager_ogrn;year_built;total_area", (
        f"{g};Москва;Москва;{streets[i % len(streets)]};{i // len(streets) + 1} к{i % 3 + 1};{UK_OGRN};"
        f"{1950 + i % 70};{PER_HOUSE * 52},5" for i, g in enumerate(houses)))
    flats = [(houses[i // PER_HOUSE], str(i % PER_HOUSE + 1)) for i in range(accounts)]
    rows += write(folder, "premises", "house_guid;number;total_area;living_area;residents", (
        f"{g};{n};{30 + int(n) % 60},{int(n) % 10};{20 + int(n) % 30},5;{int(n) % 5}" for g, n in flats))
    rows += write(folder, "accounts", "account_number;provider_ogrn;house_guid;premises_number;payer_name;payer_phone",
                  (f"{1_000_000 + i};{UK_OGRN};{g};{n};Плательщик {i} Иванович;8 (9{i % 100:02d}) {i % 1000:03d}-"
                   f"{i // 1000 % 100:02d}-{i % 97:02d}" for i, (g, n) in enumerate(flats)))
    rows += write(folder, "meters", "serial_number;account_number;provider_ogrn;resource;tariff_zones;installed_on;"
                                    "next_verification_on;last_value;last_read_on", (
        f"СЧ-{i:08d};{1_000_000 + i};{UK_OGRN};{'cold_water' if i % 2 else 'hot_water'};1;"
        f"{i % 28 + 1:02d}.0{i % 9 + 1}.2022;{i % 28 + 1:02d}.0{i % 9 + 1}.2028;{i % 1000},{i % 1000:03d};20.10.2026"
        for i in range(accounts)))
    return rows


async def fresh_engine(url: str):
    engine = create_engine(url)
    await upgrade(engine)
    if engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    return engine


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process of this machine has used; 0 when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


async def server_cpu(engine) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving this database, when the server runs on this machine: on a
    busy machine wall time says little, CPU time says what the import cost the client and the server."""
    if engine.dialect.name != "postgresql":
        return {}
    async with engine.connect() as conn:
        pids = (await conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
                ).scalars().all()
    return {pid: _proc_cpu(pid) for pid in pids}


async def run(url: str, folder: Path, rows: int) -> None:
    engine = await fresh_engine(url)
    sessions = session_factory(engine)
    tz = ZoneInfo("Europe/Moscow")
    try:
        for label in ("first import", "same folder again"):
            before = await server_cpu(engine)
            start, cpu = time.perf_counter(), time.process_time()
            report = await import_registry(sessions, folder, tz, progress=True)
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            after = await server_cpu(engine)
            if not report.ok:
                print(report.render())
                raise SystemExit(1)
            changed = sum(c.inserted + c.updated for c in report.counts.values())
            server = sum(v - before.get(pid, 0.0) for pid, v in after.items())
            load = os.getloadavg()[0]
            print(f"{engine.dialect.name:10} {label:18} {took:7.1f} s  {rows / took:9,.0f} rows/s  "
                  f"rows written: {changed:,}  (CPU: this process {cpu:.1f} s"
                  + (f", PostgreSQL {server:.1f} s" if after else "") + f"; load average {load:.1f})")
    finally:
        await engine.dispose()


async def hostile(url: str, folder: Path) -> None:
    import tracemalloc

    from tests.test_registry_hostile import hostile_workbook

    book = hostile_workbook(folder / "hostile.xlsx")
    engine = await fresh_engine(url)
    try:
        tracemalloc.start()
        start = time.perf_counter()
        report = await import_registry(session_factory(engine), book, ZoneInfo("Europe/Moscow"))
        took = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        await engine.dispose()
    print(report.render())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    print(f"hostile.xlsx ({book.stat().st_size:,} bytes): refused={not report.ok} in {took * 1000:.0f} ms, "
          f"Python peak {peak / 2**20:.1f} MB, process max RSS {rss:.0f} MB")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--accounts", type=int, default=100_000, help="accounts (and meters, and premises)")
    p.add_argument("--pg", metavar="URL", help="also run against this PostgreSQL database (it is TRUNCATEd!)")
    p.add_argument("--hostile", action="store_true", help="import the hostile workbook instead")
    args = p.parse_args()
    if args.hostile:
        with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
            asyncio.run(hostile(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", Path(tmp)))
        return
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as tmp:
        folder = Path(tmp) / "registry"
        folder.mkdir()
        start = time.perf_counter()
        rows = generate(folder, args.accounts)
        print(f"generated {rows:,} rows ({args.accounts:,} accounts + {args.accounts:,} meters) "
              f"in {time.perf_counter() - start:.1f} s")
        asyncio.run(run(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", folder, rows))
        if args.pg:
            asyncio.run(run(args.pg, folder, rows))


if __name__ == "__main__":
    main()
