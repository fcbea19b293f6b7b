"""``python -m bot run | migrate | import PATH | chat | export … | jobs …``"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys

from bot.config import Settings, SettingsError, load_settings

log = logging.getLogger("bot")


def _setup_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if settings.log_level != "DEBUG":
        # APScheduler logs every run of every job (the push sender runs each second): problems only
        logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


async def _migrate(settings: Settings) -> None:
    """Check that the database opens (a wrong DATABASE_URL is one line, not a traceback), then migrate."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from storage.db import create_engine
    from storage.migrate import upgrade

    where = make_url(settings.database_url).render_as_string(hide_password=True)
    try:
        engine = create_engine(settings.database_url)
    except OSError as exc:  # the SQLite file's folder cannot be made
        raise SettingsError(f"Настройка DATABASE_URL: не удаётся создать базу данных ({where}): {exc}") from None
    try:
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OSError, DBAPIError) as exc:  # refused, unknown host, no such database or role, wrong password
            reason = _first_line(exc.orig if isinstance(exc, DBAPIError) else exc)
            raise SettingsError(f"Настройка DATABASE_URL: не удаётся открыть базу данных ({where}): {reason}") from None
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _check_redis(settings: Settings) -> None:
    """With REDIS_URL the dialogs live in Redis: an unreachable Redis stops the start with one line."""
    if not settings.redis_url:
        return
    from redis.asyncio import Redis
    from redis.exceptions import RedisError
    from sqlalchemy.engine import make_url

    client = Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=5)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        where = make_url(settings.redis_url).render_as_string(hide_password=True)
        raise SettingsError(f"Настройка REDIS_URL: не удаётся подключиться к Redis ({where}): "
                            f"{_first_line(exc)}") from None
    finally:
        await client.aclose()


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    asyncio.run(_migrate(settings))
    print("Схема базы данных обновлена до последней версии.")
    return 0


def cmd_run(settings: Settings, _args: argparse.Namespace) -> int:
    if not settings.bot_token:
        raise SettingsError("Настройка BOT_TOKEN: не задана (получите токен у @BotFather и впишите в .env); "
                            "без токена попробуйте бота в терминале: python -m bot chat")
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.memory import limit_malloc_arenas
    from bot.runner import run_polling, run_webhook

    limit_malloc_arenas()
    asyncio.run(_migrate(settings))
    asyncio.run(_check_redis(settings))
    try:
        asyncio.run(run_webhook(settings) if settings.webhook_url else run_polling(settings))
    except TelegramUnauthorizedError:
        raise SettingsError("Настройка BOT_TOKEN: Telegram не принял токен (проверьте его у @BotFather)") from None
    except TelegramNetworkError as exc:
        if settings.telegram_api_url:
            raise SettingsError(f"Настройка TELEGRAM_API_URL: не удаётся связаться с Bot API "
                                f"({settings.telegram_api_url}): {exc.message}") from None
        raise SettingsError(f"Нет связи с Telegram (api.telegram.org): {exc.message} — проверьте сеть или задайте "
                            f"TELEGRAM_API_URL") from None
    return 0


def cmd_chat(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.chat import run_chat

    if settings.log_level != "DEBUG":  # the conversation is the output; keep the logs to problems
        logging.getLogger().setLevel(logging.WARNING)
    asyncio.run(_migrate(settings))
    asyncio.run(_check_redis(settings))
    asyncio.run(run_chat(settings))
    return 0


async def _import(settings: Settings, path: str, progress: bool):
    from bot.services.clock import Clock
    from bot.services.registry import import_and_publish
    from storage.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        return await import_and_publish(session_factory(engine), path, Clock(settings.tz), settings.quiet_hours,
                                        progress=progress)
    finally:
        await engine.dispose()


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    asyncio.run(_migrate(settings))
    report, pushes = asyncio.run(_import(settings, args.path, progress=not args.quiet))
    if not report.ok:
        print(report.render(), file=sys.stderr)
        return 1
    print(report.render())
    if pushes:
        print(f"Уведомлений жителям поставлено в очередь: {pushes} (их отправит запущенный бот).")
    return 0


async def _run_jobs(settings: Settings, name: str, at: dt.datetime | None = None) -> list[str]:
    from bot.app import build_bot
    from bot.scheduler import run_job
    from bot.services.clock import Clock, FixedClock
    from bot.services.leader import open_lease
    from storage.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    bot = build_bot(settings, retry=False) if settings.bot_token else None  # the push sender paces itself
    clock = FixedClock(settings.tz, at) if at else Clock(settings.tz)
    # the pushes are sent here only under the scheduler's lease, as a replica's leader sends them
    lease = open_lease(settings.database_url) if bot is not None else None
    try:
        return await run_job(name, session_factory(engine), settings, clock, bot, lease)
    finally:
        if lease is not None:
            await lease.close()
        if bot is not None:
            await bot.session.close()
        await engine.dispose()


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    from bot.scheduler import JOBS

    if args.action == "list" or not args.name:
        if args.action == "run":
            print("Укажите задачу: python -m bot jobs run NAME", file=sys.stderr)
        for job in JOBS.values():
            print(f"{job.name:<13} {job.schedule}")
        return 0 if args.action == "list" else 2
    if args.name not in JOBS:
        print(f"Нет задачи {args.name!r}. Есть: {', '.join(JOBS)}", file=sys.stderr)
        return 2
    at = None
    if args.at:
        try:
            at = dt.datetime.strptime(args.at.strip(), "%d.%m.%Y %H:%M")
        except ValueError:
            print(f"--at: нужны дата и время ДД.ММ.ГГГГ ЧЧ:ММ, а не {args.at!r}", file=sys.stderr)
            return 2
    asyncio.run(_migrate(settings))
    for line in asyncio.run(_run_jobs(settings, args.name, at)):
        print(line)
    if not settings.bot_token and JOBS[args.name].queues_pushes:
        print("Уведомления поставлены в очередь; чтобы отправить их, задайте BOT_TOKEN.")
    return 0


def cmd_export(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.services import export
    from storage.db import create_engine, session_factory

    if args.what == "protocol":
        return cmd_export_protocol(settings, args)
    if args.what == "payments":
        return cmd_export_payments(settings, args)
    period = export.valid_period(args.period or "")
    if period is None:
        print(f"--period: нужен месяц в виде ГГГГ-ММ, например 2026-11 (получено {args.period!r})", file=sys.stderr)
        return 2

    async def run() -> tuple[bytes, int] | None:
        engine = create_engine(settings.database_url)
        try:
            sessions = session_factory(engine)
            if args.provider and not await export.provider_known(sessions, args.provider):
                return None
            return await export.export_readings(sessions, period, args.format, settings.tz, args.provider)
        finally:
            await engine.dispose()

    asyncio.run(_migrate(settings))
    result = asyncio.run(run())
    if result is None:
        print(f"--provider: организации с ОГРН {args.provider!r} нет в базе — проверьте номер; файл не записан",
              file=sys.stderr)
        return 2
    data, rows = result
    out = Path(args.output or export.file_name(period, args.format, args.provider))
    out.write_bytes(data)
    print(f"Показания за {period}: строк — {rows}; файл {out}")
    return 0


def cmd_export_payments(settings: Settings, args: argparse.Namespace) -> int:
    """``export payments --period ГГГГ-ММ [--provider ОГРН] [--format xlsx|csv] [-o FILE]``: the payments made in
    the bot in a month, for reconciliation — the same file the staff chat's /payments sends."""
    from pathlib import Path

    from bot.services import export
    from bot.services import payments as pay
    from bot.texts import payments as tp
    from storage.db import create_engine, session_factory

    period = export.valid_period(args.period or "")
    if period is None:
        print(f"--period: нужен месяц в виде ГГГГ-ММ, например 2026-11 (получено {args.period!r})", file=sys.stderr)
        return 2

    async def run() -> list[pay.ExportLine] | None:
        engine = create_engine(settings.database_url)
        try:
            sessions = session_factory(engine)
            if args.provider and not await export.provider_known(sessions, args.provider):
                return None
            return await pay.export_payments(sessions, period, settings.tz, args.provider)
        finally:
            await engine.dispose()

    asyncio.run(_migrate(settings))
    lines = asyncio.run(run())
    if lines is None:
        print(f"--provider: организации с ОГРН {args.provider!r} нет в базе — проверьте номер; файл не записан",
              file=sys.stderr)
        return 2
    out = Path(args.output or pay.export_name(period, args.provider, args.format))
    out.write_bytes(pay.export_file(lines, tp.EXPORT_HEADERS, tp.EXPORT_STATUSES, args.format,
                                    methods=tp.EXPORT_METHODS, sheet=tp.EXPORT_SHEET.format(period=period)))
    refunds = sum(e.refund_due for e in lines)
    print(f"Платежи в боте за {period}: строк — {len(lines)}, к возврату — {refunds}; файл {out}")
    return 0


def cmd_export_protocol(settings: Settings, args: argparse.Namespace) -> int:
    """``export protocol MEETING_ID [-o FILE]``: the protocol PDF of a closed meeting (the same the resident gets)."""
    from pathlib import Path

    from bot.services import protocol_pdf
    from bot.services.clock import Clock
    from storage.db import create_engine, session_factory

    if not args.meeting:
        print("export protocol: укажите номер собрания (meeting_id из meetings.csv)", file=sys.stderr)
        return 2

    async def run() -> bytes | None:
        engine = create_engine(settings.database_url)
        try:
            return await protocol_pdf.export_protocol(session_factory(engine), args.meeting,
                                                      Clock(settings.tz).to_local)
        finally:
            await engine.dispose()

    asyncio.run(_migrate(settings))
    pdf = asyncio.run(run())
    if pdf is None:
        print(f"Собрания {args.meeting!r} нет или голосование ещё не завершено; файл не записан", file=sys.stderr)
        return 2
    out = Path(args.output or protocol_pdf.file_name(args.meeting))
    out.write_bytes(pdf)
    print(f"Протокол собрания {args.meeting}: файл {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Бот ГИС ЖКХ: жители и управляющая организация")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("run", help="запустить бота (long polling, или webhook при WEBHOOK_URL); перед стартом применяет миграции").set_defaults(
        func=cmd_run)
    sub.add_parser("migrate", help="создать или обновить схему базы данных").set_defaults(func=cmd_migrate)
    imp = sub.add_parser("import", help="загрузить реестр: папка CSV или файл .xlsx (формат: FORMAT.md)")
    imp.add_argument("path", help="папка с CSV-файлами или книга .xlsx")
    imp.add_argument("-q", "--quiet", action="store_true", help="без индикатора хода загрузки")
    imp.set_defaults(func=cmd_import)
    sub.add_parser("chat", help="поговорить с ботом в терминале, без Telegram").set_defaults(func=cmd_chat)
    exp = sub.add_parser("export", help="выгрузить данные для расчёта: export readings --period ГГГГ-ММ")
    exp.add_argument("what", choices=["readings", "payments", "protocol"],
                     help="что выгрузить: readings — показания приборов учёта, payments — платежи в боте "
                          "(для сверки), protocol — протокол собрания")
    exp.add_argument("meeting", nargs="?", help="для protocol: номер собрания (meeting_id)")
    exp.add_argument("--period", help="для readings и payments: расчётный период ГГГГ-ММ")
    exp.add_argument("--provider", help="ОГРН поставщика (УК или РСО); без него — все")
    exp.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", help="xlsx (по умолчанию) или csv")
    exp.add_argument("-o", "--output",
                     help="куда записать файл (по умолчанию readings_ГГГГ-ММ.формат или payments_ГГГГ-ММ.формат)")
    exp.set_defaults(func=cmd_export)
    jobs = sub.add_parser("jobs", help="задачи по расписанию: jobs list | jobs run NAME (запустить сейчас)")
    jobs.add_argument("action", choices=["list", "run"])
    jobs.add_argument("name", nargs="?", help="имя задачи из jobs list")
    jobs.add_argument("--at", metavar="'ДД.ММ.ГГГГ ЧЧ:ММ'",
                      help="выполнить так, как будто сейчас это время (местное): проверить, кому что уйдёт")
    jobs.set_defaults(func=cmd_jobs)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        _setup_logging(settings)
        return args.func(settings, args)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
