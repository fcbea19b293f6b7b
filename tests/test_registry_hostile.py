"""Hostile registries are survived: a workbook that declares a million rows by sixteen thousand columns, cells
of 200 KB, NUL bytes, dates of the year 1 or 9999, numbers of five thousand digits, junk of thousands of rows —
each is a ``file:row: column: reason`` line, quickly and in little memory, and nothing is written."""

from __future__ import annotations

import csv
import datetime as dt
import time
import tracemalloc
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.services.registry import ImportReport, import_registry
from bot.services.registry import parse as registry_parse
from bot.texts import registry as t
from storage.models import Organization, Outage
from tests.test_registry_import import H1, UK, demo_copy, write_csv

TZ = ZoneInfo("Europe/Moscow")
ORG_HEADER = "ogrn;inn;name;kind"
ORG_ROW = f"{UK};7701234560;ООО «УК»;uk"

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def hostile_workbook(path: Path, far_cell: str = "XFD1048576", sheet: str = "organizations",
                     rows_xml: str | None = None) -> Path:
    """A workbook of one sheet written by hand (openpyxl would not write it): a header, a valid row, and one cell
    far away, with the sheet's dimension declared as all of Excel (A1:XFD1048576)."""
    far_row = int("".join(ch for ch in far_cell if ch.isdigit()))
    if rows_xml is None:
        header = "".join(_cell(f"{col}1", name) for col, name in zip("ABCD", ORG_HEADER.split(";"), strict=True))
        first = "".join(_cell(f"{col}2", v) for col, v in zip("ABCD", ORG_ROW.split(";"), strict=True))
        rows_xml = (f'<row r="1">{header}</row><row r="2">{first}</row>'
                    f'<row r="{far_row}">{_cell(far_cell, "x")}</row>')
    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:XFD1048576"/><sheetData>{rows_xml}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name=sheet))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


async def measured(sessions, path: Path) -> tuple[ImportReport, float, int]:
    """The report, the seconds it took and the peak of memory Python allocated meanwhile (bytes)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        report = await import_registry(sessions, path, TZ)
        took = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return report, took, peak


async def nothing_written(sessions) -> bool:
    async with sessions() as s:
        return await s.scalar(select(func.count()).select_from(Organization)) == 0


# ------------------------------------------------------------------------------------------- workbooks


async def test_a_declared_million_rows_by_xfd_with_one_far_cell_is_refused_fast_and_small(sessions, tmp_path):
    book = hostile_workbook(tmp_path / "hostile.xlsx")
    assert book.stat().st_size < 2_000  # 1.7 KB that unpacks to Excel's whole sheet if read naively
    report, took, peak = await measured(sessions, book)
    assert not report.ok
    assert report.errors == [
        "hostile.xlsx, лист organizations:1048576: столбец XFD: "
        + t.TOO_WIDE.format(limit=registry_parse.MAX_COLUMNS, letter="XFD")
    ]
    # loose bounds (the naive read needs gigabytes and minutes): not a timing test, a «did not blow up» test
    assert peak < 50 * 2**20, f"peak {peak / 2**20:.0f} MB"
    assert took < 10, f"{took:.1f} s"
    assert await nothing_written(sessions)


async def test_a_far_cell_in_the_first_column_is_past_the_row_limit(sessions, tmp_path):
    report, took, peak = await measured(sessions, hostile_workbook(tmp_path / "long.xlsx", far_cell="A1048576"))
    assert report.errors == [
        "long.xlsx, лист organizations:1048576: —: "
        + t.TOO_LONG.format(what="листе", limit="500\u00a0000")
    ]
    assert peak < 50 * 2**20 and took < 10
    assert await nothing_written(sessions)


async def test_a_row_number_beyond_excel_and_broken_xml(sessions, tmp_path):
    book = hostile_workbook(tmp_path / "far.xlsx", far_cell="A99999999999")
    report = await import_registry(sessions, book, TZ)
    assert report.errors == ["far.xlsx, лист organizations:99999999999: —: "
                             + t.BEYOND_SHEET.format(line="99\u00a0999\u00a0999\u00a0999")]
    broken = hostile_workbook(tmp_path / "broken.xlsx", rows_xml=(
        f'<row r="1">{_cell("A1", "ogrn")}{_cell("B1", "inn")}{_cell("C1", "name")}{_cell("D1", "kind")}</row>'
        '<row r="2"><c r="A2" t="s"><v>7</v></c></row>'))  # a shared string that is not there
    report = await import_registry(sessions, broken, TZ)
    assert len(report.errors) == 1
    assert report.errors[0].startswith("broken.xlsx, лист organizations:2: лист: лист повреждён, дальше не читался")


async def test_an_unknown_sheet_with_a_far_cell_is_named_not_read(sessions, tmp_path):
    report = await import_registry(sessions, hostile_workbook(tmp_path / "x.xlsx", sheet="Лист1",
                                                              far_cell="C1048576"), TZ)
    assert len(report.errors) == 1 and report.errors[0].startswith("x.xlsx, лист Лист1:1: лист: неизвестный лист")


async def test_a_date_cell_out_of_every_range_is_a_problem(sessions, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "outages"
    ws.append(["house_guid", "resource", "starts_at", "ends_at"])
    ws.append([H1, "hot_water", 1e12, dt.datetime(2026, 12, 1, 10)])  # a serial no calendar has
    ws["C2"].number_format = "DD.MM.YYYY HH:MM"
    ws.append([H1, "hot_water", dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31, 23, 59)])
    book = tmp_path / "dates.xlsx"
    wb.save(book)
    report = await import_registry(sessions, book, TZ)
    errors = [e for e in report.errors if ": house_guid: " not in e]  # no such house: not the point here
    assert [e.split(": ", 2)[:2] for e in errors] == [
        ["dates.xlsx, лист outages:2", "starts_at"],
        ["dates.xlsx, лист outages:3", "starts_at"], ["dates.xlsx, лист outages:3", "ends_at"],
    ]
    assert "дата и время нужны" in errors[0]
    assert errors[1].endswith("год 1900 — допустимы годы с 2000 по 2100")
    assert errors[2].endswith("год 9999 — допустимы годы с 2000 по 2100")


async def test_a_long_cell_in_a_workbook(sessions, tmp_path):
    # openpyxl and Excel cut a cell at 32 767 characters when they write; a hand-made file need not
    header = "".join(_cell(f"{col}1", name) for col, name in zip("ABCD", ORG_HEADER.split(";"), strict=True))
    row = "".join(_cell(f"{col}2", v) for col, v in zip("ABCD", [UK, "7701234560", "Я" * 200_000, "uk"],
                                                         strict=True))
    book = hostile_workbook(tmp_path / "long.xlsx", rows_xml=f'<row r="1">{header}</row><row r="2">{row}</row>')
    report = await import_registry(sessions, book, TZ)
    assert report.errors == ["long.xlsx, лист organizations:2: name: в ячейке 200\u00a0000 символов, "
                             "а можно не больше 32\u00a0767"]


async def test_a_book_that_unpacks_too_big_is_not_opened(sessions, tmp_path, monkeypatch):
    monkeypatch.setattr(registry_parse, "MAX_BOOK_MB", -1)
    report = await import_registry(sessions, hostile_workbook(tmp_path / "b.xlsx"), TZ)
    assert len(report.errors) == 1 and report.errors[0].startswith("b.xlsx:1: файл: книга распаковывается в 0 МБ")


async def test_references_of_a_workbook_name_its_sheets(sessions, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "premises"
    ws.append(["house_guid", "number", "total_area"])
    ws.append([H1, "1", 50])
    book = tmp_path / "refs.xlsx"
    wb.save(book)
    report = await import_registry(sessions, book, TZ)
    assert report.errors == [f"refs.xlsx, лист premises:2: house_guid: дом {H1} не найден ни на листе houses, "
                             "ни в базе"]


# ------------------------------------------------------------------------------------------- CSV cells


async def test_a_cell_over_128_kb_in_a_csv(sessions, tmp_path):
    folder = tmp_path / "r"
    limit = csv.field_size_limit()
    write_csv(folder, "organizations", [ORG_HEADER, f"{UK};7701234560;{'Я' * 200_000};uk"])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == ["organizations.csv:2: name: в ячейке 200\u00a0000 символов, а можно не больше 32\u00a0767"]
    assert csv.field_size_limit() == limit  # the module's limit is as it was
    assert await nothing_written(sessions)


async def test_a_nul_byte_in_a_text_cell(sessions, tmp_path):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", [ORG_HEADER, f"{UK};7701234560;ООО «УК\x00»;uk"])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == ["organizations.csv:2: name: " + t.NUL_IN_CELL]


async def test_years_of_placeholder_dates_are_refused(sessions, tmp_path):
    folder = demo_copy(tmp_path, "organizations", "houses")
    write_csv(folder, "outages", [
        "house_guid;resource;starts_at;ends_at;reason",
        f"{H1};hot_water;01.01.0001 00:00;02.01.0001 00:00;заглушка биллинга",
        f"{H1};hot_water;01.12.2026 10:00;31.12.9999 23:59;без срока",
        f"{H1};hot_water;0001-01-01 00:00;2026-12-01 10:00;ISO",
    ])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == [
        "outages.csv:2: starts_at: «01.01.0001 00:00»: год 1 — допустимы годы с 2000 по 2100",
        "outages.csv:2: ends_at: «02.01.0001 00:00»: год 1 — допустимы годы с 2000 по 2100",
        "outages.csv:3: ends_at: «31.12.9999 23:59»: год 9999 — допустимы годы с 2000 по 2100",
        "outages.csv:4: starts_at: «0001-01-01 00:00»: год 1 — допустимы годы с 2000 по 2100",
    ]
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Outage)) == 0


@pytest.mark.parametrize(("raw", "ok"), [("01.01.1900", True), ("31.12.2100", True), ("31.12.1899", False),
                                          ("01.01.2101", False), ("01.01.0001", False)])
def test_date_years(raw, ok):
    if ok:
        assert registry_parse.date(raw).year in (1900, 2100)
    else:
        with pytest.raises(registry_parse.Invalid, match="допустимы годы с 1900 по 2100"):
            registry_parse.date(raw)


def test_periods_and_numbers_out_of_range():
    with pytest.raises(registry_parse.Invalid, match="год 1999"):
        registry_parse.period("1999-12")
    assert registry_parse.period("2100-12") == "2100-12"
    with pytest.raises(registry_parse.Invalid, match="слишком большое число"):
        registry_parse.integer(1, 200)("9" * 5000)  # int() of it would raise ValueError (4300 digits)


async def test_a_5000_digit_number_is_a_problem_not_a_traceback(sessions, tmp_path):
    folder = demo_copy(tmp_path, "organizations")
    write_csv(folder, "houses", ["house_guid;region;street;building;manager_ogrn;floors;total_area",
                                 f"{H1};Москва;ул. Ленина;1;{UK};{'9' * 5000};{'9' * 5000}"])
    report = await import_registry(sessions, folder, TZ)
    cols = [e.split(": ")[1] for e in report.errors]
    assert cols == ["floors", "total_area"], report.errors
    assert all(len(e) < 400 for e in report.errors)  # the value is not echoed in full


# ------------------------------------------------------------------------------------------- many problems


async def test_the_report_stops_after_the_first_1000_problems(sessions, tmp_path):
    folder = tmp_path / "junk"
    rows = 20_000
    write_csv(folder, "organizations", [ORG_HEADER] + [f"junk{i};x;;uk" for i in range(rows)])
    report = await import_registry(sessions, folder, TZ)
    assert not report.ok
    assert len(report.errors) == 1000 and report.problems == 3 * rows  # ogrn, inn, name on every row
    assert report.errors[0] == "organizations.csv:2: ogrn: «junk0» — ОГРН состоит из 13 цифр, ОГРНИП из 15"
    assert report.errors[-1].startswith("organizations.csv:335: ogrn:")  # 333 rows of three, then one, in order
    text = report.render()
    assert text.splitlines()[-2] == "… и ещё 59\u00a0000 проблем"
    assert text.splitlines()[-1] == "Всего 60\u00a0000 проблем. Реестр не загружен, ничего не записано."
    assert len(text) < 200_000  # 200k junk rows printed 107 MB before


def test_problems_keep_the_first_in_report_order():
    problems = registry_parse.Problems(keep=3)
    for line in (9, 2, 7, 3, 5, 2):
        problems.append(registry_parse.Problem(0, line, "f.csv", "c", f"r{line}"))
    problems.append(registry_parse.Problem(-1, 40, "g.csv", "c", "earlier file"))
    assert [(p.order, p.line) for p in problems.first()] == [(-1, 40), (0, 2), (0, 2)]
    assert len(problems) == 7 and problems.more == 4


@pytest.mark.parametrize(("n", "line"), [(1, "… и ещё 1 проблема"), (3, "… и ещё 3 проблемы"),
                                         (11, "… и ещё 11 проблем"), (21, "… и ещё 21 проблема"),
                                         (1234, "… и ещё 1\u00a0234 проблемы")])
def test_more_problems_in_russian(n, line):
    assert ImportReport(ok=False, errors=["x"] * 1000, more=n).render().splitlines()[1000] == line


async def test_csv_rows_past_the_limit(sessions, tmp_path, monkeypatch):
    monkeypatch.setattr(registry_parse, "MAX_ROWS", 3)
    folder = tmp_path / "r"
    write_csv(folder, "organizations", [ORG_HEADER] + [ORG_ROW] * 5)
    report = await import_registry(sessions, folder, TZ)
    # rows 2–4 read (3 and 4 repeat the key of row 2), row 5 is past the limit and the rest is not read
    assert report.errors[-1] == "organizations.csv:5: —: " + t.TOO_LONG.format(what="файле", limit="3")
    assert len(report.errors) == 3


async def test_a_meters_last_reading_comes_with_its_date_and_every_zone(sessions, tmp_path):
    """A last value without its date could be neither the previous reading (the «меньше предыдущего» check) nor
    the start of consumption, so it would be silently ignored: such a row is refused instead."""
    folder = demo_copy(tmp_path, "organizations", "houses", "premises", "accounts")
    write_csv(folder, "meters", [
        "serial_number;account_number;provider_ogrn;resource;tariff_zones;next_verification_on;last_value;"
        "last_value_t2;last_read_on",
        "ХВ-1;1100101;1167746123456;cold_water;1;01.01.2030;10;;",
        "Э-1;1100101;1167746123456;electricity;2;01.01.2030;100;;20.10.2026",
        "Э-2;1100101;1167746123456;electricity;2;01.01.2030;;50;20.10.2026",
        "ХВ-2;1100101;1167746123456;cold_water;1;01.01.2030;;;",  # no reading at all: fine
    ])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == [
        "meters.csv:2: last_read_on: нужна дата показания, раз указано last_value",
        "meters.csv:3: last_value_t2: у прибора 2 тарифные зоны: нужно последнее показание каждой зоны",
        "meters.csv:4: last_value: показание зоны 1 не указано, а last_value_t2 указано",
    ]
