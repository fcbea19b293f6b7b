"""What a clerk reads when a registry is refused: Russian reasons, never an exception's English text; formulas
without a computed value told from empty cells; a browser's «accounts (1).csv» taken as accounts.csv; a header
with no «;» or «,» one problem, not a dozen."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

import bot.services.registry as registry
from bot.services.registry import import_registry
from bot.texts import registry as t
from storage.models import Organization
from tests.test_registry_hostile import (
    _CONTENT_TYPES,
    _ROOT_RELS,
    ORG_HEADER,
    ORG_ROW,
    _cell,
    hostile_workbook,
    nothing_written,
)
from tests.test_registry_import import DEMO, UK, demo_copy, write_csv

TZ = ZoneInfo("Europe/Moscow")
# what Python, zipfile, openpyxl and the database drivers say — none of it may reach the clerk
ENGLISH = re.compile(r"\b(?:file|zip|not|is|error|index|list|range|invalid|value|type|no item|archive|"
                     r"unique|constraint|failed|syntax|token)\b", re.IGNORECASE)


def russian_only(report) -> None:
    assert not report.ok
    for line in report.errors:
        reason = line.split(": ", 2)[-1]
        assert not ENGLISH.search(reason), line


def org_sheet(path: Path, cells_row2: str, header: str = ORG_HEADER) -> Path:
    """organizations as one sheet written by hand: the header, then row 2 given as raw XML cells."""
    head = "".join(_cell(f"{chr(65 + i)}1", name) for i, name in enumerate(header.split(";")))
    return hostile_workbook(path, rows_xml=f'<row r="1">{head}</row><row r="2">{cells_row2}</row>')


def org_cells(**xml: str) -> str:
    """ORG_ROW's cells as inline strings, some of them replaced by raw XML (by letter)."""
    values = ORG_ROW.split(";")
    return "".join(xml.get(col, _cell(f"{col}2", v)) for col, v in zip("ABCD", values, strict=True))


# ------------------------------------------------------------------------------------------- 1: not a workbook


@pytest.mark.parametrize(("content", "reason"), [
    (b"PK\x03\x04garbage", t.NOT_XLSX),
    (b"", t.NOT_XLSX),
    ((DEMO / "organizations.csv").read_bytes(), t.TEXT_AS_XLSX),  # a CSV renamed .xlsx
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), t.OLD_XLS),  # Excel 97–2003, or a password
])
async def test_a_file_named_xlsx_that_is_no_workbook(sessions, tmp_path, content, reason):
    book = tmp_path / "registry.xlsx"
    book.write_bytes(content)
    report = await import_registry(sessions, book, TZ)
    assert report.errors == [f"registry.xlsx:1: файл: {reason}"]
    assert "File is not a zip file" not in report.render()
    russian_only(report)
    assert await nothing_written(sessions)


async def test_a_zip_that_is_no_workbook(sessions, tmp_path):
    book = tmp_path / "registry.xlsx"
    with zipfile.ZipFile(book, "w") as z:  # a zip, but no [Content_Types].xml, no workbook
        z.writestr("readme.txt", "hello")
    report = await import_registry(sessions, book, TZ)
    assert report.errors == [f"registry.xlsx:1: файл: {t.NOT_XLSX}"]
    # a workbook's parts without its workbook.xml
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
    report = await import_registry(sessions, book, TZ)
    assert report.errors == [f"registry.xlsx:1: файл: {t.NOT_XLSX}"]


def _header_then(row2: str) -> str:
    head = "".join(_cell(f"{col}1", name) for col, name in zip("ABCD", ORG_HEADER.split(";"), strict=True))
    return f'<row r="1">{head}</row>{row2}'


@pytest.mark.parametrize(("rows_xml", "line", "error"), [
    (_header_then('<row r="2"><c r="A2" t="s"><v>7</v></c></row>'), 2, t.SHEET_NO_SHARED_STRING),
    (_header_then('<row r="2"><c r="A2"'), 1, t.SHEET_XML_BROKEN),  # the XML ends in the middle of a tag
    (_header_then('<row r="2"><c r="A2"><v>много</v></c></row>'), 2, t.SHEET_BAD_CELL),  # a number that is not
])
async def test_a_broken_sheet_is_told_in_russian(sessions, tmp_path, rows_xml, line, error):
    report = await import_registry(sessions, hostile_workbook(tmp_path / "b.xlsx", rows_xml=rows_xml), TZ)
    assert report.errors == [f"b.xlsx, лист organizations:{line}: лист: " + t.BROKEN_SHEET.format(error=error)]
    russian_only(report)


async def test_a_database_refusal_is_told_in_russian(sessions, tmp_path, monkeypatch, caplog):
    async def refuse(*_args, **_kwargs):
        raise DBAPIError("INSERT INTO organizations …", {}, Exception("value too long for type character varying"))

    monkeypatch.setattr(registry, "write", refuse)
    folder = demo_copy(tmp_path, "organizations")
    with caplog.at_level("WARNING", logger="bot.services.registry"):
        report = await import_registry(sessions, folder, TZ)
    assert report.errors == [f"{folder}:1: —: {t.DB_REFUSED}"]
    russian_only(report)
    assert "value too long" in caplog.text  # the administrator still learns what the database said


# ------------------------------------------------------------------------------------------- 2: formulas


async def test_a_formula_openpyxl_wrote_without_a_value(sessions, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "organizations"
    ws.append(["ogrn", "inn", "name", "kind", "short_name"])
    ws.append([UK, "7701234560", '=CONCAT("a","b")', "uk", "=C2"])  # saved as <f>…</f><v />: never computed
    book = tmp_path / "f.xlsx"
    wb.save(book)
    report = await import_registry(sessions, book, TZ)
    assert report.errors == [
        f"f.xlsx, лист organizations:2: name: {t.FORMULA_NO_VALUE}",
        f"f.xlsx, лист organizations:2: short_name: {t.FORMULA_NO_VALUE}",  # an optional column: not «empty» either
    ]
    assert "обязательное поле не заполнено" not in report.render()
    assert await nothing_written(sessions)


async def test_a_formula_without_any_value_element_and_a_shared_one(sessions, tmp_path):
    book = org_sheet(tmp_path / "f.xlsx", org_cells(C='<c r="C2"><f>CONCAT("ООО ","УК")</f></c>',
                                                    D='<c r="D2"><f t="shared" ref="D2:D3" si="0">A1</f></c>'))
    report = await import_registry(sessions, book, TZ)
    assert report.errors == [f"f.xlsx, лист organizations:2: name: {t.FORMULA_NO_VALUE}",
                             f"f.xlsx, лист organizations:2: kind: {t.FORMULA_NO_VALUE}"]


async def test_formulas_with_computed_values_are_read_as_their_values(sessions, tmp_path):
    """Excel and LibreOffice save the value they computed beside the formula: it is what is imported (text,
    number, and an empty text, which is an empty cell)."""
    header = ORG_HEADER + ";short_name"
    book = org_sheet(tmp_path / "f.xlsx", org_cells(
        B='<c r="B2"><f>7701234560*1</f><v>7701234560</v></c>',
        C='<c r="C2" t="str"><f>CONCAT("ООО ","«УК»")</f><v>ООО «УК»</v></c>',
    ) + '<c r="E2" t="str"><f>IF(1=1,"","x")</f><v></v></c>', header=header)
    report = await import_registry(sessions, book, TZ)
    assert report.ok, report.render()
    async with sessions() as s:
        org = await s.scalar(select(Organization))
        assert (org.inn, org.name, org.short_name) == ("7701234560", "ООО «УК»", None)


async def test_a_formula_error_is_not_imported_as_text(sessions, tmp_path):
    book = org_sheet(tmp_path / "e.xlsx", org_cells(C='<c r="C2" t="e"><f>VLOOKUP(A2,X!A:B,2,0)</f><v>#N/A</v></c>'))
    report = await import_registry(sessions, book, TZ)
    assert report.errors == ["e.xlsx, лист organizations:2: name: " + t.FORMULA_ERROR.format(value="#N/A")]


async def test_a_header_formula_without_a_value(sessions, tmp_path):
    head = "".join(_cell(f"{c}1", n) for c, n in zip("ABC", ["ogrn", "inn", "name"], strict=True))
    book = hostile_workbook(tmp_path / "h.xlsx", rows_xml=(f'<row r="1">{head}<c r="D1"><f>"kind"</f><v/></c></row>'
                                                          f"<row r=\"2\">{org_cells()}</row>"))
    report = await import_registry(sessions, book, TZ)
    assert report.errors[0] == f"h.xlsx, лист organizations:1: столбец 4: {t.FORMULA_NO_VALUE}"


# ------------------------------------------------------------------------------------------- 3: file names


@pytest.mark.parametrize("name", ["organizations (1).csv", "organizations(2).csv", "Organizations (12).CSV"])
async def test_a_browsers_copy_suffix_is_the_same_file(sessions, tmp_path, name):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / name).write_bytes((DEMO / "organizations.csv").read_bytes())
    report = await import_registry(sessions, folder, TZ)
    assert report.ok, report.render()
    assert list(report.counts) == [name] and report.counts[name].inserted == 4  # the summary names the real file


async def test_a_copy_beside_its_file_is_one_problem_naming_both(sessions, tmp_path):
    folder = demo_copy(tmp_path, "organizations", "houses")
    (folder / "organizations (1).csv").write_bytes((folder / "organizations.csv").read_bytes())
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == ["organizations (1).csv:1: файл: " + t.SAME_FILE_TWICE.format(
        file="organizations.csv", names="«organizations.csv» и «organizations (1).csv»")]
    assert await nothing_written(sessions)


async def test_two_copies_without_the_file_are_one_problem_too(sessions, tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    for name in ("houses (1).csv", "houses (2).csv"):
        (folder / name).write_bytes((DEMO / "houses.csv").read_bytes())
    write_csv(folder, "organizations", [ORG_HEADER, ORG_ROW])
    report = await import_registry(sessions, folder, TZ)
    assert [e for e in report.errors if ": файл: " in e] == ["houses (1).csv:1: файл: " + t.SAME_FILE_TWICE.format(
        file="houses.csv", names="«houses (1).csv» и «houses (2).csv»")]


async def test_a_problem_in_a_copy_names_the_copy(sessions, tmp_path):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", [ORG_HEADER, f"{UK};7701234561;ООО «УК»;uk"])
    (folder / "organizations.csv").rename(folder / "organizations (3).csv")
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == ["organizations (3).csv:2: inn: неверная контрольная сумма ИНН"]


@pytest.mark.parametrize(("stem", "known"), [("houses_1_", "houses.csv"), ("houses - копия", "houses.csv"),
                                             ("Houses-2026-11", "houses.csv")])
async def test_a_known_name_with_something_after_it_is_told_what_to_rename(sessions, tmp_path, stem, known):
    """«houses_1_» is what the staff chat's upload makes of «houses (1).csv» (bot/handlers/staff_help.py)."""
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / f"{stem}.csv").write_bytes((DEMO / "houses.csv").read_bytes())
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == [f"{stem}.csv:1: файл: " + t.UNKNOWN_LOOKS_LIKE.format(what="файл", name=stem,
                                                                                   known=known)]


async def test_a_sheet_copy_is_told_what_to_rename(sessions, tmp_path):
    book = hostile_workbook(tmp_path / "x.xlsx", sheet="houses (2)", far_cell="A3")
    report = await import_registry(sessions, book, TZ)
    assert report.errors == ["x.xlsx, лист houses (2):1: лист: " + t.UNKNOWN_LOOKS_LIKE.format(
        what="лист", name="houses (2)", known="houses")]


# ------------------------------------------------------------------------------------------- 4: delimiters


@pytest.mark.parametrize(("header", "row", "found"), [
    ("ogrn\tinn\tname\tkind", f"{UK}\t7701234560\tООО «УК»\tuk", t.FOUND_TAB),
    ("ogrn\tinn", f"{UK}\t7701234560", t.FOUND_TAB),
    ("ogrninnnamekind", UK, t.FOUND_GLUED.format(header="ogrninnnamekind")),
    ("OGRN INN NAME KIND", f"{UK} 7701234560", t.FOUND_SPACE),
    ("ogrn|inn|name|short_name|kind", f"{UK}|7701234560", t.FOUND_CHAR.format(char="|")),
])
async def test_a_header_without_semicolons_or_commas_is_one_problem(sessions, tmp_path, header, row, found):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", [header, row])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == ["organizations.csv:1: заголовок: " + t.NO_DELIMITER.format(found=found)]
    assert report.errors[0].count("«;» или «,»") == 1


async def test_the_tab_header_in_words(sessions, tmp_path):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", ["ogrn\tinn\tname\tkind"])
    report = await import_registry(sessions, folder, TZ)
    assert report.errors == ["organizations.csv:1: заголовок: разделитель не распознан: нужен «;» или «,» "
                             "(в строке заголовка — табуляция)"]


@pytest.mark.parametrize(("header", "problems"), [
    ("short_name", ["ogrn", "inn", "name", "kind"]),  # one known column: the columns are missing, as before
    ("ogrn", ["inn", "name", "kind"]),
    ("organization", ["organization", "ogrn", "inn", "name", "kind"]),  # no known name in it: a typo
])
async def test_a_one_column_header_is_not_a_delimiter_problem(sessions, tmp_path, header, problems):
    folder = tmp_path / "r"
    write_csv(folder, "organizations", [header, UK])
    report = await import_registry(sessions, folder, TZ)
    assert [e.split(": ")[1] for e in report.errors] == problems, report.errors


async def test_a_whole_csv_header_in_one_cell_of_a_sheet(sessions, tmp_path):
    book = hostile_workbook(tmp_path / "one.xlsx", rows_xml=(f'<row r="1">{_cell("A1", ORG_HEADER)}</row>'
                                                            f'<row r="2">{_cell("A2", ORG_ROW)}</row>'))
    report = await import_registry(sessions, book, TZ)
    assert report.errors == ["one.xlsx, лист organizations:1: столбец A: "
                             + t.HEADER_IN_ONE_CELL.format(header=ORG_HEADER)]


async def test_semicolon_and_comma_files_still_load(sessions, tmp_path):
    write_csv(tmp_path / "c", "organizations", ["ogrn,inn,name,kind", f'{UK},7701234560,"ООО «УК», Москва",uk'])
    report = await import_registry(sessions, tmp_path / "c", TZ)
    assert report.ok, report.render()
    async with sessions() as s:
        assert await s.scalar(select(Organization.name)) == "ООО «УК», Москва"
    report = await import_registry(sessions, demo_copy(tmp_path, "organizations"), TZ)
    assert report.ok, report.render()
