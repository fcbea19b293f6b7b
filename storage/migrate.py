"""Schema migrations: Alembic is the only way the schema is made."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _upgrade_on(connection, cfg: Config, revision: str) -> None:  # runs inside run_sync
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to the newest revision (or to ``revision``), on an engine the caller owns."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # replicas starting together migrate one after another: the next one waits here, then finds the head
            # (the bot's namespace of advisory locks, LOCK_CLASS of bot/services/leader.py; 0: migrations)
            await conn.execute(text("SELECT pg_advisory_xact_lock(1196116017, 0)"))
        await conn.run_sync(_upgrade_on, cfg, revision)
