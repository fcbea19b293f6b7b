"""`python -m bot jobs run NAME [--at 'ДД.ММ.ГГГГ ЧЧ:ММ']`: an operator sees who would get a reminder at a given
time, and running it twice queues nothing twice."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select

from bot.__main__ import main
from storage.db import create_engine, session_factory
from storage.models import Account, Notification
from tests.factories import link
from tests.test_import_pushes import DEMO


def _db(url: str, work) -> object:
    async def go():
        engine = create_engine(url)
        try:
            return await work(session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_jobs_run_at_a_given_time(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_TOKEN", "")
    monkeypatch.setenv("REDIS_URL", "")
    assert main(["import", str(DEMO)]) == 0

    async def link_first(sessions):
        async with sessions() as s:
            account = (await s.execute(select(Account).order_by(Account.id))).scalars().first()
        await link(sessions, 901, account)

    _db(url, link_first)
    capsys.readouterr()
    assert main(["jobs", "run", "readings", "--at", "20.12.2026 10:00"]) == 0
    assert "в очереди: 1" in capsys.readouterr().out
    assert main(["jobs", "run", "readings", "--at", "20.12.2026 10:05"]) == 0
    assert "в очереди: 0" in capsys.readouterr().out

    async def pushes(sessions):
        async with sessions() as s:
            return [(n.user_id, n.kind) for n in (await s.execute(select(Notification))).scalars()]

    assert [p for p in _db(url, pushes) if p[1].startswith("reading")] == [(901, "readings_open")]


def test_jobs_run_refuses_a_bad_time(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    assert main(["jobs", "run", "readings", "--at", "32.12.2026 10:00"]) == 2
    assert "ДД.ММ.ГГГГ ЧЧ:ММ" in capsys.readouterr().err


async def test_meetings_close_job_closes_an_ended_meeting_once(settings, sessions, clock):
    """The scheduler's «meetings_close»: after ``ends_at`` the meeting is closed and its results stored, once."""
    from bot.scheduler import run_job
    from bot.services.clock import FixedClock
    from bot.services.registry import import_and_publish
    from storage.models import Meeting

    report, _ = await import_and_publish(sessions, DEMO, clock, settings.quiet_hours)
    assert report.ok
    before = FixedClock(settings.tz, dt.datetime(2026, 12, 20, 19, 55))  # voting ends 20.12.2026 20:00
    after = FixedClock(settings.tz, dt.datetime(2026, 12, 20, 20, 5))
    assert "0 собраний закрыто" in "\n".join(await run_job("meetings_close", sessions, settings, before, None))
    assert "1 собрание закрыто" in "\n".join(await run_job("meetings_close", sessions, settings, after, None))
    assert "0 собраний закрыто" in "\n".join(await run_job("meetings_close", sessions, settings, after, None))
    async with sessions() as s:
        meeting = (await s.execute(select(Meeting))).scalar_one()
    assert meeting.closed_at is not None and meeting.total_votes is not None
