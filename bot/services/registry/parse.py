"""Reading and validating a registry (FORMAT.md): files → typed rows, or ``file:row: column: reason`` problems.

Nothing here touches the database; references between files and to rows already stored are checked by
``load``. A row value is ``None`` for an empty cell; a column absent from the header is absent from the row
(``ParsedFile.columns`` says which were present), so an update leaves such a column alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

# ----------------------------------------------------------------------------------------------- problems


class Invalid(ValueError):
    """A value that does not fit its column; the message is the reason shown to staff (Russian)."""


_seq = itertools.count()


@dataclass(frozen=True, order=True)
class Problem:
    """Sorted file by file (in import order), row by row, and within a row in the order found."""

    order: int  # the file's position in the import order
    line: int
    label: str = field(compare=False)
    column: str = field(compare=False)
    reason: str = field(compare=False)
    seq: int = field(default_factory=lambda: next(_seq))

    def __str__(self) -> str:
        return f"{self.label}:{self.line}: {self.column}: {self.reason}"


# ----------------------------------------------------------------------------------------------- values

BLANK = object()  # marks a value that failed to parse


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: Any) -> str:
    """A cell as text: XLSX cells may come typed (1234567890.0, a date)."""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M") if (raw.hour, raw.minute) != (0, 0) else raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def text(max_len: int | None = None) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = re.sub(r"\s+", " ", as_text(raw))
        if max_len is not None and len(value) > max_len:
            raise Invalid(f"не длиннее {max_len} символов (здесь {len(value)})")
        return value

    return parse


def enum(*choices: str) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = as_text(raw).lower()
        if value not in choices:
            raise Invalid(f"«{as_text(raw)}» — допустимо: {', '.join(choices)}")
        return value

    return parse


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def decimal(places: int, *, positive: bool = False, nonnegative: bool = False,
            maximum: Decimal | None = None) -> Callable[[Any], Decimal]:
    def parse(raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise Invalid("нужно число")
        if isinstance(raw, int | float):
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        else:
            s = as_text(raw)
            if re.fullmatch(r"[+-]?\d{1,3}(?:[\s\u00a0\u202f']\d{3})+(?:[.,]\d+)?", s) or (
                re.fullmatch(r"[+-]?\d{1,3}(?:[.,]\d{3})+[.,]\d+", s)
            ):
                raise Invalid(f"«{s}»: разделители разрядов не допускаются")
            if not _NUMBER.fullmatch(s):
                raise Invalid(f"«{s}» — не число")
            value = Decimal(s.replace(",", "."))
        try:
            value = value.quantize(Decimal(1).scaleb(-places)) if _places(value) <= places else value
        except InvalidOperation as exc:  # pragma: no cover - absurdly long numbers
            raise Invalid("слишком большое число") from exc
        if _places(value) > places:
            raise Invalid(f"«{as_text(raw)}»: не больше {places} знаков после запятой")
        if positive and value <= 0:
            raise Invalid(f"должно быть больше нуля (здесь {as_text(raw)})")
        if nonnegative and value < 0:
            raise Invalid(f"не может быть отрицательным (здесь {as_text(raw)})")
        if maximum is not None and value > maximum:
            raise Invalid(f"не больше {maximum} (здесь {as_text(raw)})")
        return value

    return parse


def _places(value: Decimal) -> int:
    exp = value.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def money(*, positive: bool = False) -> Callable[[Any], Decimal]:
    return decimal(2, positive=positive, maximum=Decimal("999999999999.99"))


def area() -> Callable[[Any], Decimal]:
    return decimal(2, positive=True, maximum=Decimal("9999999999.99"))


def integer(lo: int, hi: int) -> Callable[[Any], int]:
    def parse(raw: Any) -> int:
        s = as_text(raw)
        if not re.fullmatch(r"[+-]?\d+", s):
            raise Invalid(f"«{s}» — нужно целое число")
        value = int(s)
        if not lo <= value <= hi:
            raise Invalid(f"от {lo} до {hi} (здесь {value})")
        return value

    return parse


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_RU_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _date_from(s: str) -> dt.date | None:
    if m := _ISO_DATE.fullmatch(s):
        y, mo, d = m.groups()
    elif m := _RU_DATE.fullmatch(s):
        d, mo, y = m.groups()
    else:
        return None
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError as exc:
        raise Invalid(f"«{s}»: такой даты нет") from exc


def date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    s = as_text(raw)
    value = _date_from(s)
    if value is None:
        raise Invalid(f"«{s}» — дата нужна в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")
    return value


def local_datetime(raw: Any) -> dt.datetime:
    """Naive local date-time as written; ``load`` converts it to UTC with the bot's TIMEZONE."""
    if isinstance(raw, dt.datetime):
        return raw.replace(second=0, microsecond=0, tzinfo=None)
    s = as_text(raw)
    m = re.fullmatch(r"(\S+)[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?", s)
    day = _date_from(m.group(1)) if m else None
    if day is None or m is None:
        raise Invalid(f"«{s}» — дата и время нужны в виде ДД.ММ.ГГГГ ЧЧ:ММ или ГГГГ-ММ-ДД ЧЧ:ММ")
    hour, minute = int(m.group(2)), int(m.group(3))
    if hour > 23 or minute > 59:
        raise Invalid(f"«{s}»: такого времени нет")
    return dt.datetime.combine(day, dt.time(hour, minute))


def period(raw: Any) -> str:
    if isinstance(raw, dt.date):
        return f"{raw.year:04d}-{raw.month:02d}"
    s = as_text(raw)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", s) or re.fullmatch(r"(\d{1,2})\.(\d{4})", s)
    if not m:
        raise Invalid(f"«{s}» — период нужен в виде ГГГГ-ММ")
    y, mo = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
    if not 1 <= int(mo) <= 12:
        raise Invalid(f"«{s}»: такого месяца нет")
    return f"{int(y):04d}-{int(mo):02d}"


def phone(raw: Any) -> str:
    """+7XXXXXXXXXX from 8 916 123-45-67, +7 (916) 123-45-67, 9161234567, 79161234567 …"""
    s = as_text(raw)
    if not re.fullmatch(r"\+?[\d\s().\-\u00a0]+", s):
        raise Invalid(f"«{s}» — не номер телефона (один номер, только цифры, пробелы, скобки, дефисы)")
    digits = re.sub(r"\D", "", s)
    if len(digits) == 11 and digits[0] in "78" and not (s.startswith("+") and digits[0] == "8"):
        return "+7" + digits[1:]
    if len(digits) == 10 and not s.startswith("+"):
        return "+7" + digits
    raise Invalid(f"«{s}» — нужен российский номер: +7 и 10 цифр")


def inn(raw: Any) -> str:
    s = as_text(raw)
    try:
        return stdnum_inn.validate(s)
    except InvalidChecksum as exc:
        raise Invalid("неверная контрольная сумма ИНН") from exc
    except ValidationError as exc:
        raise Invalid(f"«{s}» — ИНН состоит из 10 (организация) или 12 (ИП, физлицо) цифр") from exc


def ogrn(raw: Any) -> str:
    """ОГРН (13) or ОГРНИП (15). stdnum checks the 13-digit form; for 15 digits it takes the remainder mod 13
    whole, whereas the rule (ФНС) takes its last digit when the remainder is 10–12, so we check that ourselves."""
    s = as_text(raw)
    if not s.isdigit() or len(s) not in (13, 15):
        raise Invalid(f"«{s}» — ОГРН состоит из 13 цифр, ОГРНИП из 15")
    if len(s) == 13:
        try:
            return stdnum_ogrn.validate(s)
        except InvalidChecksum as exc:
            raise Invalid("неверная контрольная цифра ОГРН") from exc
        except (InvalidComponent, InvalidLength) as exc:
            raise Invalid(f"«{s}» — ОГРН не может начинаться с 0") from exc
    if s[0] not in "34":
        raise Invalid(f"«{s}» — ОГРНИП начинается с 3 или 4")
    if int(s[:-1]) % 13 % 10 != int(s[-1]):
        raise Invalid("неверная контрольная цифра ОГРНИП")
    return s


def _pattern(regex: str, reason: str, upper: bool = False) -> Callable[[Any], str]:
    compiled = re.compile(regex)

    def parse(raw: Any) -> str:
        s = as_text(raw)
        if upper:
            s = s.upper()
        if not compiled.fullmatch(s):
            raise Invalid(f"«{s}» — {reason}")
        return s

    return parse


kpp = _pattern(r"\d{4}[0-9A-Z]{2}\d{3}", "КПП состоит из 9 символов (ННННППXXX)", upper=True)
bic = _pattern(r"\d{9}", "БИК состоит из 9 цифр")
bank_account = _pattern(r"\d{20}", "счёт состоит из 20 цифр")
account_number = _pattern(r"[0-9A-Za-zА-Яа-яЁё-]{1,30}", "лицевой счёт: от 1 до 30 букв, цифр и дефисов")
postal_code = _pattern(r"\d{6}", "индекс состоит из 6 цифр")
els = _pattern(r"[0-9A-ZА-ЯЁ]{10}", "ЕЛС состоит из 10 букв и цифр", upper=True)
cadastral = _pattern(r"\d{2}:\d{2}:\d{1,7}:\d{1,10}", "кадастровый номер вида 77:09:0004011:1234")
email = _pattern(r"(?=.{3,254}$)[^@\s]+@[^@\s]+\.[^@\s]+", "не адрес электронной почты")


def guid(raw: Any) -> str:
    s = as_text(raw)
    try:
        return str(uuid.UUID(s))
    except ValueError:
        pass
    if not re.fullmatch(r"[0-9A-Za-z-]{1,36}", s):
        raise Invalid(f"«{s}» — GUID дома из ФИАС/ГАР, например 0c5b2444-70a0-4932-980c-b4dc0d3f02b5")
    return s


def share(raw: Any) -> tuple[int, int]:
    """`1`, `1/2`, `0.25`, `0,25` → (numerator, denominator), 0 < share ≤ 1."""
    if isinstance(raw, dt.date):
        raise Invalid("Excel превратил долю в дату — задайте ячейке текстовый формат и впишите, например, 1/2")
    s = as_text(raw).replace(" ", "")
    try:
        if m := re.fullmatch(r"(\d+)/(\d+)", s):
            if int(m.group(2)) == 0:
                raise Invalid(f"«{s}»: знаменатель не может быть нулём")
            value = Fraction(int(m.group(1)), int(m.group(2)))
        elif _NUMBER.fullmatch(s):
            value = Fraction(Decimal(s.replace(",", ".")))
        else:
            raise Invalid(f"«{s}» — доля нужна в виде 1, 1/2 или 0,25")
    except (ValueError, InvalidOperation) as exc:  # pragma: no cover - guarded by the patterns
        raise Invalid(f"«{s}» — доля нужна в виде 1, 1/2 или 0,25") from exc
    if not 0 < value <= 1:
        raise Invalid(f"«{s}»: доля должна быть больше 0 и не больше 1")
    if value.denominator > 1_000_000:
        raise Invalid(f"«{s}»: слишком мелкая доля (знаменатель больше миллиона)")
    return value.numerator, value.denominator


# ----------------------------------------------------------------------------------------------- files


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str  # the file name without .csv, also the XLSX sheet name
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # cross-column checks on a row whose columns all parsed: (column, reason) problems
    check: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _req(name: str, parse: Callable[[Any], Any]) -> Column:
    return Column(name, parse, required=True)


def _opt(name: str, parse: Callable[[Any], Any]) -> Column:
    return Column(name, parse)


def _check_dates(first: str, second: str, reason: str) -> Callable[[dict[str, Any]], list[tuple[str, str]]]:
    def check(v: dict[str, Any]) -> list[tuple[str, str]]:
        a, b = v.get(first), v.get(second)
        if a is not None and b is not None and a is not BLANK and b is not BLANK and not b > a:
            return [(second, reason)]
        return []

    return check


def _check_house(v: dict[str, Any]) -> list[tuple[str, str]]:
    return _check_dates("contract_starts_on", "contract_ends_on", "окончание договора раньше его начала")(v)


YEAR_COLUMNS = ("year_built", "year_commissioned", "last_capital_repair_year")


def _check_years(v: dict[str, Any], today: dt.date) -> list[tuple[str, str]]:
    """A house's year may not lie more than five years ahead of the import's day."""
    return [(col, f"год {v[col]} ещё не наступил") for col in YEAR_COLUMNS
            if v.get(col) not in (None, BLANK) and v[col] > today.year + 5]


def _check_premises(v: dict[str, Any]) -> list[tuple[str, str]]:
    total, living = v.get("total_area"), v.get("living_area")
    if total not in (None, BLANK) and living not in (None, BLANK) and living > total:
        return [("living_area", f"жилая площадь {living} больше общей {total}")]
    return []


def _check_meter(v: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    resource, zones, digits = v.get("resource"), v.get("tariff_zones"), v.get("digits")
    if resource not in (None, BLANK) and zones not in (None, BLANK) and zones > 1 and resource != "electricity":
        out.append(("tariff_zones", "несколько тарифных зон бывает только у счётчика электроэнергии"))
    if "tariff_zones" in v and zones is not BLANK:
        for col, zone in (("last_value_t2", 2), ("last_value_t3", 3)):
            if v.get(col) not in (None, BLANK) and (zones or 1) < zone:
                out.append((col, f"показание зоны {zone}, а тарифных зон у прибора {zones or 1}"))
    if digits not in (None, BLANK):
        for col in ("last_value", "last_value_t2", "last_value_t3"):
            value = v.get(col)
            if value not in (None, BLANK) and value >= 10**digits:
                out.append((col, f"показание {value} не помещается в {digits} разрядов счётного механизма"))
    return out


ORG_KINDS = ("uk", "tsj", "zhsk", "rso", "gzhi", "other")
RESOURCES = ("cold_water", "hot_water", "electricity", "gas", "heat")
OUTAGE_RESOURCES = ("hot_water", "cold_water", "electricity", "heating", "gas")
MAJORITIES = ("simple", "more_than_half_all", "two_thirds_all", "unanimous")
QUESTION_TYPES = ("manager_choice", "capital_repair", "common_property", "council", "evoting_system",
                  "current_repair", "other")


def _check_majority(v: dict[str, Any]) -> list[tuple[str, str]]:
    """A majority weaker than the question's type requires (ЖК РФ ст. 46 ч. 1) is rejected."""
    from bot.services.voting.tally import Majority, QuestionType, majority_problem

    qtype, majority = v.get("question_type"), v.get("majority")
    if qtype in (None, BLANK) or qtype not in QUESTION_TYPES:
        return []
    given = Majority(majority) if majority not in (None, BLANK) and majority in MAJORITIES else Majority.simple
    required = majority_problem(QuestionType(qtype), given)
    if required is None:
        return []
    return [("majority", f"вопрос типа {qtype} требует большинства не слабее {required.value} (ЖК РФ ст. 46 ч. 1), "
                         f"а указано {given.value}")]
YEAR = integer(1700, 2100)
READING = decimal(3, nonnegative=True, maximum=Decimal("999999999999.999"))  # Numeric(15, 3)

SPECS: tuple[FileSpec, ...] = (
    FileSpec("organizations", (
        _req("ogrn", ogrn), _req("inn", inn), _opt("kpp", kpp), _req("name", text()), _opt("short_name", text()),
        _req("kind", enum(*ORG_KINDS)), _opt("legal_address", text()), _opt("actual_address", text()),
        _opt("postal_address", text()), _opt("phone", phone), _opt("dispatcher_phone", phone),
        _opt("email", email), _opt("website", text(254)), _opt("registered_on", date),
        _opt("license_number", text(64)), _opt("license_issued_on", date),
        _opt("license_status", enum("active", "suspended", "revoked")), _opt("bank_account", bank_account),
        _opt("bank_name", text()), _opt("bic", bic), _opt("corr_account", bank_account),
    ), key=("ogrn",)),
    FileSpec("houses", (
        _req("house_guid", guid), _req("region", text(128)), _opt("district", text(128)), _opt("city", text(128)),
        _opt("settlement", text(128)), _req("street", text(256)), _req("building", text(64)),
        _opt("postal_code", postal_code), _opt("municipality", text(256)), _req("manager_ogrn", ogrn),
        _opt("kind", enum("mkd", "house")), _opt("year_built", YEAR), _opt("year_commissioned", YEAR),
        _opt("floors", integer(1, 200)), _opt("entrances", integer(1, 100)), _opt("total_area", area()),
        _opt("condition", enum("исправный", "ветхий", "аварийный")),
        _opt("wear_percent", decimal(2, nonnegative=True, maximum=Decimal(100))),
        _opt("last_capital_repair_year", YEAR),
        _opt("capital_repair_fund", enum("regional_operator", "special_account")),
        _opt("council_chair", text()), _opt("council_members", text()), _opt("contract_number", text(64)),
        _opt("contract_signed_on", date), _opt("contract_starts_on", date), _opt("contract_ends_on", date),
        _opt("evoting_decision", text()),
    ), key=("house_guid",), check=_check_house),
    FileSpec("premises", (
        _req("house_guid", guid), _req("number", text(32)), _opt("kind", enum("residential", "nonresidential")),
        _req("total_area", area()), _opt("living_area", area()), _opt("residents", integer(0, 1000)),
        _opt("cadastral_number", cadastral),
    ), key=("house_guid", "number"), check=_check_premises),
    FileSpec("accounts", (
        _req("account_number", account_number), _req("provider_ogrn", ogrn), _req("house_guid", guid),
        _req("premises_number", text(32)), _opt("els", els), _opt("jku_id", text(40)),
        _req("payer_name", text()), _opt("payer_phone", phone),
    ), key=("account_number", "provider_ogrn")),
    FileSpec("meters", (
        _req("serial_number", text(64)), _req("account_number", account_number), _req("provider_ogrn", ogrn),
        _req("resource", enum(*RESOURCES)), _opt("tariff_zones", integer(1, 3)), _opt("digits", integer(1, 12)),
        _opt("installed_on", date), _req("next_verification_on", date),
        _opt("last_value", READING), _opt("last_value_t2", READING),
        _opt("last_value_t3", READING), _opt("last_read_on", date),
    ), key=("serial_number", "account_number", "provider_ogrn"), check=_check_meter),
    FileSpec("owners", (
        _req("house_guid", guid), _req("premises_number", text(32)), _req("owner_name", text()),
        _req("share", share), _opt("phone", phone), _opt("egrn_record", text(64)), _opt("registered_on", date),
    ), key=("house_guid", "premises_number", "owner_name")),
    FileSpec("charges", (
        _req("account_number", account_number), _req("provider_ogrn", ogrn), _req("period", period),
        _req("service", text(128)), _req("amount", money()), _opt("due_on", date),
    ), key=("account_number", "provider_ogrn", "period", "service")),
    FileSpec("payments", (
        _req("payment_id", text(64)), _req("account_number", account_number), _req("provider_ogrn", ogrn),
        _req("paid_on", date), _req("amount", money(positive=True)), _opt("channel", text(128)),
    ), key=("payment_id",)),
    FileSpec("outages", (
        _req("house_guid", guid), _req("resource", enum(*OUTAGE_RESOURCES)), _req("starts_at", local_datetime),
        _req("ends_at", local_datetime), _opt("kind", enum("planned", "emergency")), _opt("reason", text()),
    ), key=("house_guid", "resource", "starts_at"),
        check=_check_dates("starts_at", "ends_at", "окончание должно быть позже начала")),
    FileSpec("meetings", (
        _req("meeting_id", text(64)), _req("house_guid", guid), _req("title", text()), _opt("initiator", text()),
        _opt("administrator", text()), _req("starts_at", local_datetime), _req("ends_at", local_datetime),
    ), key=("meeting_id",), check=_check_dates("starts_at", "ends_at", "окончание должно быть позже начала")),
    FileSpec("agenda", (
        _req("meeting_id", text(64)), _req("number", integer(1, 1000)), _req("question", text()),
        _opt("question_type", enum(*QUESTION_TYPES)), _opt("majority", enum(*MAJORITIES)),
    ), key=("meeting_id", "number"), check=_check_majority),
)
SPEC_BY_NAME = {s.name: s for s in SPECS}
ORDER = {s.name: i for i, s in enumerate(SPECS)}


# ----------------------------------------------------------------------------------------------- sources


@dataclass
class Table:
    """One file or sheet as read: its header and its data rows with their spreadsheet row numbers."""

    spec: FileSpec
    label: str  # how problems name it: accounts.csv, or registry.xlsx[accounts]
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    size: int  # number of data rows (for the progress bar)


def _decode(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8-sig")


def _csv_tables(folder: Path, problems: list[Problem]) -> list[Table]:
    tables = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        spec = SPEC_BY_NAME.get(path.stem.strip().lower())
        if spec is None:
            problems.append(Problem(-1, 1, path.name, "файл", _unknown_file(path.stem)))
            continue
        try:
            content = _decode(path)
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[: exc.start].count(b"\n") + 1
            problems.append(Problem(ORDER[spec.name], line, path.name, "файл",
                                    "файл не в кодировке UTF-8 (сохраните как «CSV UTF-8»)"))
            continue
        first = content.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
        records = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
        if not records:
            problems.append(Problem(ORDER[spec.name], 1, path.name, "файл", "пустой файл: нет строки заголовка"))
            continue
        data = [(i, r) for i, r in enumerate(records[1:], start=2) if any(c.strip() for c in r)]
        header = records[0]
        while header and not header[-1].strip():  # Excel's trailing «;;;»
            header.pop()
        tables.append(Table(spec, path.name, header, iter(data), len(data)))
    return tables


def _xlsx_tables(path: Path, problems: list[Problem]) -> tuple[list[Table], Any]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        problems.append(Problem(-1, 1, path.name, "файл", f"не удалось открыть книгу XLSX: {exc}"))
        return [], None
    tables = []
    for ws in wb.worksheets:
        title = ws.title.strip().lower().removesuffix(".csv")
        label = f"{path.name}[{ws.title}]"
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        spec = SPEC_BY_NAME.get(title)
        if spec is None:
            if any(not is_blank(c) for r in rows for c in r):
                problems.append(Problem(-1, 1, label, "лист", _unknown_file(ws.title, sheet=True)))
            continue
        if not rows or all(is_blank(c) for c in rows[0]):
            problems.append(Problem(ORDER[spec.name], 1, label, "лист", "нет строки заголовка"))
            continue
        header = list(rows[0])
        while header and is_blank(header[-1]):
            header.pop()
        data = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(not is_blank(c) for c in r)]
        tables.append(Table(spec, label, header, iter(data), len(data)))
    return tables, wb


def _unknown_file(name: str, sheet: bool = False) -> str:
    what = "лист" if sheet else "файл"
    known = ", ".join(s.name if sheet else s.file for s in SPECS)
    return f"неизвестный {what} «{name}» (опечатка?); в реестре бывают: {known}"


def open_tables(path: Path, problems: list[Problem]) -> tuple[list[Table], Callable[[], None]]:
    """The tables of a folder of CSVs or of one XLSX workbook, and a function that closes what was opened."""
    if path.is_dir():
        tables = _csv_tables(path, problems)
        close: Callable[[], None] = lambda: None  # noqa: E731
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        tables, wb = _xlsx_tables(path, problems)
        close = wb.close if wb is not None else (lambda: None)
    elif path.is_file() and path.suffix.lower() == ".csv":
        problems.append(Problem(-1, 1, path.name, "файл", "укажите папку с CSV-файлами, а не один файл"))
        return [], lambda: None
    else:
        problems.append(Problem(-1, 1, str(path), "путь", "нет такой папки или книги .xlsx"))
        return [], lambda: None
    seen: dict[str, str] = {}
    for t in tables:
        if t.spec.name in seen:
            problems.append(Problem(ORDER[t.spec.name], 1, t.label, "файл",
                                    f"{t.spec.file} уже есть в реестре ({seen[t.spec.name]})"))
        seen[t.spec.name] = t.label
    if not tables and not problems:
        problems.append(Problem(-1, 1, str(path), "путь", "нет ни одного файла реестра (organizations.csv, …)"))
    return tables, close


# ----------------------------------------------------------------------------------------------- rows


@dataclass
class ParsedRow:
    line: int
    values: dict[str, Any]
    ok: bool
    key: tuple | None


@dataclass
class ParsedFile:
    spec: FileSpec
    label: str
    columns: list[str]
    rows: list[ParsedRow] = field(default_factory=list)
    # keys of every row whose key columns parsed, valid or not (so one bad cell does not cascade)
    keys: dict[tuple, int] = field(default_factory=dict)


def parse_table(table: Table, tz: ZoneInfo, problems: list[Problem],
                progress: Callable[[Iterator[Any], int, str], Iterator[Any]] = lambda rows, _n, _l: rows,
                today: dt.date | None = None) -> ParsedFile | None:
    """``today``: the import's local day (from the caller's clock); checks relative to it are skipped without it."""
    spec, order = table.spec, ORDER[table.spec.name]

    def problem(line: int, column: str, reason: str) -> None:
        problems.append(Problem(order, line, table.label, column, reason))

    header: list[str] = []
    bad_header = False
    for pos, raw in enumerate(table.header, start=1):
        name = as_text(raw).lower() if not is_blank(raw) else ""
        if not name:
            problem(1, f"столбец {pos}", "пустое имя столбца")
            bad_header = True
        elif spec.column(name) is None:
            problem(1, name, f"неизвестный столбец (опечатка?) в {spec.file}")
            bad_header = True
        elif name in header:
            problem(1, name, "столбец повторяется")
            bad_header = True
        header.append(name)
    for col in spec.columns:
        if col.required and col.name not in header:
            problem(1, col.name, "нет обязательного столбца")
            bad_header = True
    if bad_header:
        return None

    parsed = ParsedFile(spec, table.label, header)
    columns = [spec.column(name) for name in header]
    for line, cells in progress(table.rows, table.size, table.label):
        values: dict[str, Any] = {}
        ok = True
        if len(cells) > len(header) and any(not is_blank(c) for c in cells[len(header):]):
            problem(line, "—", f"в строке {len(cells)} значений, а столбцов {len(header)} (лишний разделитель?)")
            ok = False
        for i, col in enumerate(columns):
            assert col is not None
            raw = cells[i] if i < len(cells) else None
            if is_blank(raw):
                values[col.name] = None
                if col.required:
                    problem(line, col.name, "обязательное поле не заполнено")
                    ok = False
                continue
            try:
                values[col.name] = col.parse(raw)
            except Invalid as exc:
                problem(line, col.name, str(exc))
                values[col.name] = BLANK
                ok = False
        checks = list(spec.check(values)) if spec.check is not None else []
        if spec.name == "houses" and today is not None:
            checks += _check_years(values, today)
        for column, reason in checks:
            problem(line, column, reason)
            ok = False
        for name in ("starts_at", "ends_at"):
            if isinstance(values.get(name), dt.datetime):
                values[name] = values[name].replace(tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)
        key = tuple(values.get(k) for k in spec.key)
        if any(k is None or k is BLANK for k in key):
            parsed.rows.append(ParsedRow(line, values, False, None))
            continue
        if key in parsed.keys:
            problem(line, spec.key[0], f"повтор: строка с тем же ключом ({', '.join(spec.key)}) уже есть "
                                       f"в строке {parsed.keys[key]}")
            ok = False
        else:
            parsed.keys[key] = line
        parsed.rows.append(ParsedRow(line, values, ok, key))
    return parsed
