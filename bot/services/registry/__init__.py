"""Registry import (``python -m bot import PATH``): a folder of CSVs or one XLSX workbook, as FORMAT.md says.

``parse`` reads and validates the files, ``load`` checks references and writes; all or nothing.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.registry.load import TARGETS, Progress, check_owner_shares, check_references, preload, write
from bot.services.registry.parse import ParsedFile, Problem, Problems, open_tables, parse_table
from bot.services.registry.report import Counts, ImportReport
from bot.services.voting.guard import check_started_agendas
from bot.texts import registry as t
from storage.db import refresh_statistics

__all__ = ["Counts", "ImportReport", "import_and_publish", "import_path", "import_registry"]

log = logging.getLogger(__name__)

BIG_FILE = 5_000  # rows; bigger files get a progress bar
ANALYZE_AFTER_ROWS = 1_000  # rows written to a table, after which its planner statistics are refreshed

def _progress_bar(enabled: bool) -> Progress:
    """Wraps an iteration in a tqdm bar on stderr when enabled and the file is big; ``chunked`` items are lists
    of rows and advance the bar by their length."""

    def progress(items: Iterable[Any], total: int, label: str, chunked: bool = False) -> Iterator[Any]:
        if not enabled or total < BIG_FILE:
            yield from items
            return
        from tqdm import tqdm

        with tqdm(total=total, desc=label, file=sys.stderr, unit=" стр.", leave=False) as bar:
            for item in items:
                yield item
                bar.update(len(item) if chunked else 1)

    return progress


def _rejected(problems: Problems) -> ImportReport:
    return ImportReport(ok=False, errors=[str(p) for p in problems.first()], more=problems.more)


async def import_registry(sessions: async_sessionmaker[AsyncSession], path: str | Path, tz: ZoneInfo,
                          progress: bool = False, clock: Clock | None = None) -> ImportReport:
    """Validate the whole registry, then write it in one transaction — or write nothing and list every problem.
    ``clock`` (default: the wall clock in ``tz``) dates the import: the «year not yet come» check, ``updated_at``."""
    clock = clock or Clock(tz)
    problems = Problems()
    bar = _progress_bar(progress)
    tables, close = open_tables(Path(path), problems)
    files: dict[str, ParsedFile] = {}
    try:
        for table in tables:
            parsed = parse_table(table, tz, problems, bar, today=clock.today())
            if parsed is not None:  # a second file of one kind is a problem; the first is the one referenced
                files.setdefault(table.spec.name, parsed)
    finally:
        close()
    async with sessions() as session:
        conn = await session.connection()
        engine = session.bind
        try:
            ids = await preload(conn)
            check_references(files, ids, problems)
            await check_owner_shares(conn, files, ids, problems)
            await check_started_agendas(conn, files, clock.utcnow(), problems)
            if problems:
                await session.rollback()
                return _rejected(problems)
            written = await write(conn, files, ids, bar, now=clock.utcnow())
            await session.commit()
            changed = {name: written.counts.get(pf.name or pf.spec.file) for name, pf in files.items()}
            bulk = [TARGETS[name].table.name for name, c in changed.items()
                    if c is not None and c.inserted + c.updated >= ANALYZE_AFTER_ROWS]
        except DBAPIError as exc:
            await session.rollback()
            # the driver's words are English and technical: for the bot's administrator, in the log
            log.warning("registry %s: the database refused the write: %s", path,
                        str(exc.orig if exc.orig is not None else exc).splitlines()[0])
            refused = Problems()
            refused.append(Problem(-1, 1, str(path), "—", t.DB_REFUSED))
            return _rejected(refused)
        except BaseException:
            await session.rollback()
            raise
    if bulk:  # the bot's next reads plan on the new rows' statistics, not on a guess (PostgreSQL)
        await refresh_statistics(engine, bulk)
    return ImportReport(ok=True, counts=written.counts, changed_outage_ids=written.changed_outage_ids,
                        changed_meeting_ids=written.changed_meeting_ids)


async def import_and_publish(sessions: async_sessionmaker[AsyncSession], path: str | Path, clock: Clock,
                             quiet_hours: str, progress: bool = False) -> tuple[ImportReport, int]:
    """Load the registry, then queue the pushes it calls for (new or changed outages, meetings that opened);
    the sender of the running bot delivers them. The CLI and the staff chat's file import both come here.
    Returns the report and how many pushes were queued."""
    from bot.services.notify.reminders import publish_meetings
    from bot.services.outages import publish_outages

    report = await import_registry(sessions, path, clock.tz, progress=progress, clock=clock)
    pushes = 0
    if report.ok:
        pushes += await publish_outages(sessions, report.changed_outage_ids, clock, quiet_hours)
        pushes += await publish_meetings(sessions, report.changed_meeting_ids, clock)
    return report, pushes


async def import_path(database_url: str, path: str | Path, tz: ZoneInfo, progress: bool = True) -> ImportReport:
    """The CLI's entry: its own engine for one import."""
    from storage.db import create_engine, session_factory

    engine = create_engine(database_url)
    try:
        return await import_registry(session_factory(engine), path, tz, progress=progress)
    finally:
        await engine.dispose()
