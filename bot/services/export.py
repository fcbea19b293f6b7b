"""Readings for billing: the readings that count for a billing period (superseded ones left out), one row per
tariff zone, as CSV (``;``, UTF-8 with BOM, decimal comma — what Excel opens as is) or XLSX.

Every text in these files (a serial number, a street, an account number — registry data anybody could have
typed) is written as text, never as a formula: ``=HYPERLINK(…)`` in a meter serial stays a string (OWASP's
CSV-injection rule, in ``is_formula_like`` and the two cell writers that use it).

Previous value and consumption: the meter's newest point taken on or before the reading that is not a reading of
the same period nor of a later one (see ``bot.services.readings``: registry value or an earlier bot reading). A
reading of the next period may carry the same date (sent the day after the window closed, read the day before):
it never becomes the previous value of this period's reading, so a period's file does not change afterwards.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.houses import house_address, premises_label
from bot.services.readings import (
    base_point,
    meter_points,
    reading_values,
    saved_base,
)
from storage.models import Account, House, Meter, Organization, Premises, Reading

Sessions = async_sessionmaker[AsyncSession]

FORMATS = ("xlsx", "csv")
HEADERS = ("Поставщик (ОГРН)", "Лицевой счёт", "Адрес", "Помещение", "Заводской номер прибора", "Ресурс",
           "Тарифная зона", "Предыдущее показание", "Показание", "Расход", "Дата снятия", "Передано")
RESOURCES = {"cold_water": "Холодная вода", "hot_water": "Горячая вода", "electricity": "Электроэнергия",
             "gas": "Газ", "heat": "Тепловая энергия"}
ZONES = {1: ("",), 2: ("день", "ночь"), 3: ("пик", "полупик", "ночь")}


def valid_period(text: str) -> str | None:
    """'2026-11' → '2026-11'; also ГГГГ.ММ / ММ.ГГГГ; None when it is not a month."""
    s = (text or "").strip()
    m = re.fullmatch(r"(\d{4})[-./](\d{1,2})", s) or None
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    else:
        m = re.fullmatch(r"(\d{1,2})[-./](\d{4})", s)
        if not m:
            return None
        mo, y = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12 or not 2000 <= y <= 2100:
        return None
    return f"{y:04d}-{mo:02d}"


@dataclass(frozen=True)
class ExportRow:
    provider_ogrn: str
    account: str
    address: str
    premises: str
    serial: str
    resource: str
    zone: str
    previous: Decimal | None
    value: Decimal
    consumption: Decimal | None
    taken_on: dt.date
    submitted_at: dt.datetime  # local, naive


async def export_rows(sessions: Sessions, period: str, tz: ZoneInfo, provider_ogrn: str | None = None) -> list[ExportRow]:
    stmt = (
        select(Reading, Meter, Account, Organization, Premises, House)
        .join(Meter, Reading.meter_id == Meter.id)
        .join(Account, Meter.account_id == Account.id)
        .join(Organization, Account.provider_id == Organization.id)
        .join(Premises, Account.premises_id == Premises.id)
        .join(House, Premises.house_id == House.id)
        .where(Reading.period == period, Reading.superseded_by_id.is_(None))
        .order_by(Organization.ogrn, House.street, House.building, Premises.number, Account.account_number,
                  Meter.serial_number, Reading.id)
    )
    if provider_ogrn:
        stmt = stmt.where(Organization.ogrn == provider_ogrn)
    async with sessions() as s:
        rows = (await s.execute(stmt)).all()
        meter_ids = list({row[1].id for row in rows})
        effective: dict[int, list[Reading]] = {mid: [] for mid in meter_ids}
        if meter_ids:
            for r in (await s.execute(select(Reading).where(Reading.meter_id.in_(meter_ids),
                                                            Reading.superseded_by_id.is_(None)))).scalars():
                effective[r.meter_id].append(r)
    out: list[ExportRow] = []
    for r, m, a, o, p, h in rows:
        points = [p for p in meter_points(m, effective[m.id]) if p.period is None or p.period < period]
        # the registry's value of the meter may have been overwritten since: then what the reading was counted
        # from when it was saved
        base = base_point(points, period, up_to=r.taken_on) or saved_base(r, m.tariff_zones)
        values = reading_values(r, m.tariff_zones)
        names = ZONES.get(m.tariff_zones, ("",) * m.tariff_zones)
        submitted = r.submitted_at.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None, microsecond=0)
        for zone, value in enumerate(values):
            prev = base.values[zone] if base is not None else None
            out.append(ExportRow(o.ogrn, a.account_number, house_address(h), premises_label(p), m.serial_number,
                                 RESOURCES.get(m.resource, m.resource), names[zone] if m.tariff_zones > 1 else "",
                                 prev, value, None if prev is None else value - prev, r.taken_on, submitted))
    return out


# what makes a spreadsheet take a cell for a formula (OWASP, CSV injection): = + - @, a tab, a carriage return
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: str) -> str:
    """A text for a CSV cell: a formula-like one gets a leading apostrophe, so a spreadsheet shows it as text."""
    return "'" + value if is_formula_like(value) else value


def xlsx_row(ws: Any, values: list[Any]) -> None:
    """Append a row; every text is a string cell (openpyxl would make «=…» a formula), a formula-like one is
    also marked quote-prefixed, as Excel marks a text typed after an apostrophe."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if is_formula_like(cell.value):
                cell.quotePrefix = True


def _num(v: Decimal | None) -> str:
    return "" if v is None else f"{v:.3f}".replace(".", ",")


def to_csv(rows: list[ExportRow]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(HEADERS)
    for r in rows:
        texts = [csv_text(v) for v in (r.provider_ogrn, r.account, r.address, r.premises, r.serial, r.resource,
                                       r.zone)]
        w.writerow([*texts, _num(r.previous), _num(r.value), _num(r.consumption), r.taken_on.strftime("%d.%m.%Y"),
                    r.submitted_at.strftime("%d.%m.%Y %H:%M")])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(rows: list[ExportRow], period: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = f"Показания {period}"
    xlsx_row(ws, list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        xlsx_row(ws, [r.provider_ogrn, r.account, r.address, r.premises, r.serial, r.resource, r.zone, r.previous,
                      r.value, r.consumption, r.taken_on, r.submitted_at])
        n = ws.max_row
        for col in "HIJ":
            ws[f"{col}{n}"].number_format = "0.000"
        ws[f"K{n}"].number_format = "DD.MM.YYYY"
        ws[f"L{n}"].number_format = "DD.MM.YYYY HH:MM"
    for col, width in zip("ABCDEFGHIJKL", (16, 14, 36, 10, 18, 16, 10, 14, 14, 12, 12, 17), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(rows: list[ExportRow], period: str, fmt: str) -> bytes:
    return to_xlsx(rows, period) if fmt == "xlsx" else to_csv(rows)


def file_name(period: str, fmt: str, provider_ogrn: str | None = None) -> str:
    return f"readings_{period}{'_' + provider_ogrn if provider_ogrn else ''}.{fmt}"


async def provider_known(sessions: Sessions, provider_ogrn: str) -> bool:
    """Whether an organization with this ОГРН is in the database (a mistyped one would give an empty file)."""
    async with sessions() as s:
        found = await s.execute(select(Organization.id).where(Organization.ogrn == provider_ogrn.strip()))
        return found.first() is not None


async def export_readings(sessions: Sessions, period: str, fmt: str, tz: ZoneInfo,
                          provider_ogrn: str | None = None) -> tuple[bytes, int]:
    """The file's bytes and the number of rows."""
    rows = await export_rows(sessions, period, tz, provider_ogrn)
    return render(rows, period, fmt), len(rows)
