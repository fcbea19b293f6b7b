"""Reading and validating a registry (FORMAT.md): files → typed rows, or ``file:row: column: reason`` problems.

Nothing here touches the database; references between files and to rows already stored are checked by
``load``. A row value is ``None`` for an empty cell; a column absent from the header is absent from the row
(``ParsedFile.columns`` says which were present), so an update leaves such a column alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import heapq
import io
import itertools
import logging
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

from bot.services.voting.staff import MAX_DAYS, MIN_DAYS
from bot.texts import registry as t
from bot.texts.common import number
from bot.texts.render import count
from storage.vocab import (
    REGISTRY_OUTAGE_RESOURCES,
    CapitalRepairFund,
    HouseCondition,
    HouseKind,
    LicenseStatus,
    Majority,
    OrgKind,
    OutageKind,
    PremisesKind,
    Resource,
)

log = logging.getLogger(__name__)

# ----------------------------------------------------------------------------------------------- limits
# A registry is data, and a hostile one must not take the bot down: every sheet or file is read lazily and
# stops at these limits with a problem line.

MAX_ROWS = 500_000  # data rows per sheet or file (the 100 000-account benchmark is a fifth of it)
MAX_COLUMNS = 100  # columns per sheet (the widest file, houses, has 26)
MAX_CELL = 32_767  # characters in a cell: what Excel itself holds
MAX_BOOK_MB = 1_024  # uncompressed XML of a workbook
EXCEL_ROWS = 1_048_576
DATE_YEARS = (1900, 2100)  # a date: registration, installation, verification, payment
EVENT_YEARS = (2000, 2100)  # a date-time of an outage or a meeting, a billing period
SHOWN = 1_000  # problems listed in the report; the rest are counted

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


class Problems:
    """Every problem counted, the first ``keep`` of them (in report order) kept: 200 000 junk rows cost a
    bounded heap, not a list of a million lines."""

    def __init__(self, keep: int = SHOWN) -> None:
        self.keep = keep
        self.total = 0
        self._heap: list[tuple[tuple[int, int, int], Problem]] = []  # max-heap by (order, line, seq)

    def append(self, problem: Problem) -> None:
        self.total += 1
        item = ((-problem.order, -problem.line, -problem.seq), problem)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, item)
        elif item[0] > self._heap[0][0]:  # comes earlier than the latest kept one
            heapq.heapreplace(self._heap, item)

    def first(self) -> list[Problem]:
        """The kept problems in report order."""
        return sorted(p for _, p in self._heap)

    @property
    def more(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - len(self._heap)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0


# ----------------------------------------------------------------------------------------------- values

BLANK = object()  # marks a value that failed to parse


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw: Any) -> str:
    """A cell as text: XLSX cells may come typed (1234567890.0, a date)."""
    if type(raw) is str:  # every CSV cell: the common case first
        return raw.strip()
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


def _clip(s: str, limit: int = 60) -> str:
    """A value quoted in a reason: a 100 KB junk cell is not repeated in full."""
    return s if len(s) <= limit else s[:limit] + "…"


@dataclass(frozen=True)
class NoValue:
    """A workbook cell that is not empty but holds no value to read: a formula never computed (openpyxl and other
    generators write the formula alone), or a formula's error (#REF!, #N/A). ``reason`` is the problem shown."""

    reason: str

    def __str__(self) -> str:
        return ""


FORMULA_NO_VALUE = NoValue(t.FORMULA_NO_VALUE)


def _cell(raw: Any) -> Any:
    """What every cell must be before its column's parser sees it: not longer than a spreadsheet cell, no NUL
    (PostgreSQL refuses it in text), a value and not a formula without one."""
    if isinstance(raw, str):
        if len(raw) > MAX_CELL:
            raise Invalid(t.CELL_TOO_LONG.format(length=number(len(raw)), limit=number(MAX_CELL)))
        if "\x00" in raw:
            raise Invalid(t.NUL_IN_CELL)
    elif type(raw) is NoValue:
        raise Invalid(raw.reason)
    return raw


def text(max_len: int | None = None) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = _SPACES.sub(" ", as_text(raw))
        if max_len is not None and len(value) > max_len:
            raise Invalid(f"не длиннее {max_len} символов (здесь {len(value)})")
        return value

    return parse


def enum(values: Iterable[str]) -> Callable[[Any], str]:
    """One of a vocabulary's values (``storage.vocab``), as the database stores it."""
    choices = tuple(str(v) for v in values)

    def parse(raw: Any) -> str:
        value = as_text(raw).lower()
        if value not in choices:
            raise Invalid(f"«{_clip(as_text(raw))}» — допустимо: {', '.join(choices)}")
        return value

    return parse


def aliased(words: dict[str, Any]) -> Callable[[Any], str]:
    """One of the registry's words, stored as the vocabulary value it stands for (outages' ``heating`` → heat)."""
    choices = [w for w in words if w != "heat"]  # the registry's own spelling is what a refusal lists

    def parse(raw: Any) -> str:
        value = as_text(raw).lower()
        if value not in words:
            raise Invalid(f"«{_clip(as_text(raw))}» — допустимо: {', '.join(choices)}")
        return str(words[value])

    return parse


_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
# patterns compiled once: a 100 000-row registry calls each parser hundreds of thousands of times
_SPACES = re.compile(r"\s+")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[\s\u00a0\u202f']\d{3})+(?:[.,]\d+)?")
_GROUPED_POINTS = re.compile(r"[+-]?\d{1,3}(?:[.,]\d{3})+[.,]\d+")
_INTEGER = re.compile(r"[+-]?\d+")
_DATETIME = re.compile(r"(\S+)[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")
_PERIOD_ISO, _PERIOD_RU = re.compile(r"(\d{4})-(\d{1,2})"), re.compile(r"(\d{1,2})\.(\d{4})")
_PHONE_CHARS, _NON_DIGITS = re.compile(r"\+?[\d\s().\-\u00a0]+"), re.compile(r"\D")
_UUID_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GUID_LIKE = re.compile(r"[0-9A-Za-z-]{1,36}")
_FRACTION = re.compile(r"(\d+)/(\d+)")


def decimal(places: int, *, positive: bool = False, nonnegative: bool = False,
            maximum: Decimal | None = None) -> Callable[[Any], Decimal]:
    quantum = Decimal(1).scaleb(-places)

    def parse(raw: Any) -> Decimal:
        if isinstance(raw, bool):
            raise Invalid("нужно число")
        if isinstance(raw, int | float):
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
            exact = _places(value) <= places
        else:
            s = as_text(raw)
            if _GROUPED.fullmatch(s) or _GROUPED_POINTS.fullmatch(s):
                raise Invalid(f"«{s}»: разделители разрядов не допускаются")
            if not _NUMBER.fullmatch(s):
                raise Invalid(f"«{s}» — не число")
            value = Decimal(s.replace(",", "."))
            # the places that count, read off the text (trailing zeros do not: 1,500 has one)
            sep = max(s.find(","), s.find("."))
            exact = sep < 0 or len(s[sep + 1:].rstrip("0")) <= places
        if not exact:
            raise Invalid(f"«{as_text(raw)}»: не больше {places} знаков после запятой")
        try:
            value = value.quantize(quantum)
        except InvalidOperation as exc:  # pragma: no cover - absurdly long numbers
            raise Invalid("слишком большое число") from exc
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
        if not _INTEGER.fullmatch(s):
            raise Invalid(f"«{_clip(s)}» — нужно целое число")
        if len(s) > 18:
            raise Invalid(t.NUMBER_TOO_LONG.format(value=_clip(s)))
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


def _in_years(value: dt.date, years: tuple[int, int], raw: Any) -> None:
    """«01.01.0001 00:00» or «31.12.9999» is a placeholder of some billing system, not a date."""
    lo, hi = years
    if not lo <= value.year <= hi:
        raise Invalid(t.YEAR_OUT_OF_RANGE.format(value=_clip(as_text(raw)), year=value.year, lo=lo, hi=hi))


def date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        s = as_text(raw)
        parsed = _date_from(s)
        if parsed is None:
            raise Invalid(f"«{_clip(s)}» — дата нужна в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")
        value = parsed
    _in_years(value, DATE_YEARS, raw)
    return value


def local_datetime(raw: Any) -> dt.datetime:
    """Naive local date-time as written; ``load`` converts it to UTC with the bot's TIMEZONE."""
    if isinstance(raw, dt.datetime):
        value = raw.replace(second=0, microsecond=0, tzinfo=None)
    else:
        s = as_text(raw)
        m = _DATETIME.fullmatch(s)
        day = _date_from(m.group(1)) if m else None
        if day is None or m is None:
            raise Invalid(f"«{_clip(s)}» — дата и время нужны в виде ДД.ММ.ГГГГ ЧЧ:ММ или ГГГГ-ММ-ДД ЧЧ:ММ")
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            raise Invalid(f"«{s}»: такого времени нет")
        value = dt.datetime.combine(day, dt.time(hour, minute))
    _in_years(value, EVENT_YEARS, raw)
    return value


def period(raw: Any) -> str:
    if isinstance(raw, dt.date):
        return f"{raw.year:04d}-{raw.month:02d}"
    s = as_text(raw)
    m = _PERIOD_ISO.fullmatch(s) or _PERIOD_RU.fullmatch(s)
    if not m:
        raise Invalid(f"«{_clip(s)}» — период нужен в виде ГГГГ-ММ")
    y, mo = (m.group(1), m.group(2)) if len(m.group(1)) == 4 else (m.group(2), m.group(1))
    if not 1 <= int(mo) <= 12:
        raise Invalid(f"«{s}»: такого месяца нет")
    lo, hi = EVENT_YEARS
    if not lo <= int(y) <= hi:
        raise Invalid(t.YEAR_OUT_OF_RANGE.format(value=s, year=int(y), lo=lo, hi=hi))
    return f"{int(y):04d}-{int(mo):02d}"


def phone(raw: Any) -> str:
    """+7XXXXXXXXXX from 8 916 123-45-67, +7 (916) 123-45-67, 9161234567, 79161234567 …"""
    s = as_text(raw)
    if not _PHONE_CHARS.fullmatch(s):
        raise Invalid(f"«{s}» — не номер телефона (один номер, только цифры, пробелы, скобки, дефисы)")
    digits = _NON_DIGITS.sub("", s)
    if len(digits) == 11 and digits[0] in "78" and not (s.startswith("+") and digits[0] == "8"):
        return "+7" + digits[1:]
    if len(digits) == 10 and not s.startswith("+"):
        return "+7" + digits
    raise Invalid(f"«{s}» — нужен российский номер: +7 и 10 цифр")


def inn(raw: Any) -> str:
    return _inn(as_text(raw))


@functools.lru_cache(maxsize=4096)  # a provider's ИНН/ОГРН repeats on every one of its accounts and meters
def _inn(s: str) -> str:
    try:
        return stdnum_inn.validate(s)
    except InvalidChecksum as exc:
        raise Invalid("неверная контрольная сумма ИНН") from exc
    except ValidationError as exc:
        raise Invalid(f"«{s}» — ИНН состоит из 10 (организация) или 12 (ИП, физлицо) цифр") from exc


def ogrn(raw: Any) -> str:
    """ОГРН (13) or ОГРНИП (15). stdnum checks the 13-digit form; for 15 digits it takes the remainder mod 13
    whole, whereas the rule (ФНС) takes its last digit when the remainder is 10–12, so we check that ourselves."""
    return _ogrn(as_text(raw))


@functools.lru_cache(maxsize=4096)
def _ogrn(s: str) -> str:
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
    if _UUID_CANONICAL.fullmatch(s):  # what str(uuid.UUID(s)) would give back anyway
        return s
    try:
        return str(uuid.UUID(s))
    except ValueError:
        pass
    if not _GUID_LIKE.fullmatch(s):
        raise Invalid(f"«{s}» — GUID дома из ФИАС/ГАР, например 0c5b2444-70a0-4932-980c-b4dc0d3f02b5")
    return s


def share(raw: Any) -> tuple[int, int]:
    """`1`, `1/2`, `0.25`, `0,25` → (numerator, denominator), 0 < share ≤ 1."""
    if isinstance(raw, dt.date):
        raise Invalid("Excel превратил долю в дату — задайте ячейке текстовый формат и впишите, например, 1/2")
    s = as_text(raw).replace(" ", "")
    try:
        if m := _FRACTION.fullmatch(s):
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


def _check_meeting(v: dict[str, Any]) -> list[tuple[str, str]]:
    """The voting lasts 7 to 60 days (ЖК РФ ст. 47.1 ч. 4; the same rule as /meeting in the staff chat), counted
    in calendar days from the first to the last (an end at 00:00 closes the day before)."""
    out = _check_dates("starts_at", "ends_at", "окончание должно быть позже начала")(v)
    a, b = v.get("starts_at"), v.get("ends_at")
    if out or a in (None, BLANK) or b in (None, BLANK):
        return out
    days = ((b - dt.timedelta(minutes=1)).date() - a.date()).days + 1
    if not MEETING_DAYS[0] <= days <= MEETING_DAYS[1]:
        out.append(("ends_at", t.MEETING_DAYS.format(days=count(days, *t.DAYS), low=MEETING_DAYS[0],
                                                     high=MEETING_DAYS[1])))
    return out


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
    if resource not in (None, BLANK) and zones not in (None, BLANK) and zones > 1 and resource != Resource.electricity:
        out.append(("tariff_zones", "несколько тарифных зон бывает только у счётчика электроэнергии"))
    if "tariff_zones" in v and zones is not BLANK:
        for col, zone in (("last_value_t2", 2), ("last_value_t3", 3)):
            if v.get(col) not in (None, BLANK) and (zones or 1) < zone:
                out.append((col, f"показание зоны {zone}, а тарифных зон у прибора {zones or 1}"))
    given = [col for col in ("last_value", "last_value_t2", "last_value_t3") if v.get(col) not in (None, BLANK)]
    if given and v.get("last_read_on") in (None, BLANK):
        # without its date the reading is neither the previous value of the next one nor the start of consumption
        out.append(("last_read_on", f"нужна дата показания, раз указано {given[0]}"))
    if given and "last_value" not in given:
        out.append(("last_value", f"показание зоны 1 не указано, а {given[0]} указано"))
    if given and zones not in (None, BLANK):
        for col, zone in (("last_value_t2", 2), ("last_value_t3", 3)):
            if zone <= zones and col not in given:
                out.append((col, f"у прибора {zones} тарифные зоны: нужно последнее показание каждой зоны"))
    if digits not in (None, BLANK):
        for col in ("last_value", "last_value_t2", "last_value_t3"):
            value = v.get(col)
            if value not in (None, BLANK) and value >= 10**digits:
                out.append((col, f"показание {value} не помещается в {digits} разрядов счётного механизма"))
    return out


MEETING_DAYS = (MIN_DAYS, MAX_DAYS)  # the voting period allowed, days: the rule of /meeting
MAJORITIES = tuple(str(m) for m in Majority)
QUESTION_TYPES = ("manager_choice", "capital_repair", "common_property", "council", "evoting_system",
                  "current_repair", "other")


def _check_majority(v: dict[str, Any]) -> list[tuple[str, str]]:
    """A majority weaker than the question's type requires (ЖК РФ ст. 46 ч. 1) is rejected."""
    from bot.services.voting.tally import Majority as Needed
    from bot.services.voting.tally import QuestionType, majority_problem

    qtype, majority = v.get("question_type"), v.get("majority")
    if qtype in (None, BLANK) or qtype not in QUESTION_TYPES:
        return []
    given = Needed(majority) if majority not in (None, BLANK) and majority in MAJORITIES else Needed.simple
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
        _req("kind", enum(OrgKind)), _opt("legal_address", text()), _opt("actual_address", text()),
        _opt("postal_address", text()), _opt("phone", phone), _opt("dispatcher_phone", phone),
        _opt("email", email), _opt("website", text(254)), _opt("registered_on", date),
        _opt("license_number", text(64)), _opt("license_issued_on", date),
        _opt("license_status", enum(LicenseStatus)), _opt("bank_account", bank_account),
        _opt("bank_name", text()), _opt("bic", bic), _opt("corr_account", bank_account),
        _opt("card_commission_percent", decimal(2, nonnegative=True, maximum=Decimal(10))),
        _opt("vat_code", integer(1, 12)),
    ), key=("ogrn",)),
    FileSpec("houses", (
        _req("house_guid", guid), _req("region", text(128)), _opt("district", text(128)), _opt("city", text(128)),
        _opt("settlement", text(128)), _req("street", text(256)), _req("building", text(64)),
        _opt("postal_code", postal_code), _opt("municipality", text(256)), _req("manager_ogrn", ogrn),
        _opt("kind", enum(HouseKind)), _opt("year_built", YEAR), _opt("year_commissioned", YEAR),
        _opt("floors", integer(1, 200)), _opt("entrances", integer(1, 100)), _opt("total_area", area()),
        _opt("condition", enum(HouseCondition)),
        _opt("wear_percent", decimal(2, nonnegative=True, maximum=Decimal(100))),
        _opt("last_capital_repair_year", YEAR),
        _opt("capital_repair_fund", enum(CapitalRepairFund)),
        _opt("council_chair", text()), _opt("council_members", text()), _opt("contract_number", text(64)),
        _opt("contract_signed_on", date), _opt("contract_starts_on", date), _opt("contract_ends_on", date),
        _opt("evoting_decision", text()),
    ), key=("house_guid",), check=_check_house),
    FileSpec("premises", (
        _req("house_guid", guid), _req("number", text(32)), _opt("kind", enum(PremisesKind)),
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
        _req("resource", enum(Resource)), _opt("tariff_zones", integer(1, 3)), _opt("digits", integer(1, 12)),
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
        _req("house_guid", guid), _req("resource", aliased(REGISTRY_OUTAGE_RESOURCES)), _req("starts_at", local_datetime),
        _req("ends_at", local_datetime), _opt("kind", enum(OutageKind)), _opt("reason", text()),
    ), key=("house_guid", "resource", "starts_at"),
        check=_check_dates("starts_at", "ends_at", "окончание должно быть позже начала")),
    FileSpec("meetings", (
        _req("meeting_id", text(64)), _req("house_guid", guid), _req("title", text()), _opt("initiator", text()),
        _opt("administrator", text()), _req("starts_at", local_datetime), _req("ends_at", local_datetime),
    ), key=("meeting_id",), check=_check_meeting),
    FileSpec("agenda", (
        _req("meeting_id", text(64)), _req("number", integer(1, 1000)), _req("question", text()),
        _opt("question_type", enum(QUESTION_TYPES)), _opt("majority", enum(Majority)),
    ), key=("meeting_id", "number"), check=_check_majority),
)
SPEC_BY_NAME = {s.name: s for s in SPECS}
ORDER = {s.name: i for i, s in enumerate(SPECS)}


# ----------------------------------------------------------------------------------------------- sources


Rows = Iterator[tuple[int, list[Any]]]


@dataclass
class Table:
    """One file or sheet as read: its header and its data rows (read lazily) with their spreadsheet row
    numbers. A row read past a limit ends the rows with a problem."""

    spec: FileSpec
    label: str  # how problems name it: accounts.csv, or registry.xlsx, лист accounts
    name: str  # how the summary names it: accounts.csv, or лист accounts
    header: list[Any]
    rows: Rows
    size: int  # about how many data rows (for the progress bar)
    sheet: bool = False
    copy: bool = False  # a file named with a browser's copy suffix, «accounts (1).csv», taken as accounts.csv


def _nonblank(rows: Rows) -> Rows:
    """CSV rows (lists of text) with a cell that is not blank."""
    return ((line, r) for line, r in rows if "".join(r).strip())


def _too_long(line: int, where: str) -> str:
    return t.TOO_LONG.format(what=where, limit=number(MAX_ROWS))


def _csv_records(content: str, delimiter: str) -> Iterator[list[str]]:
    """csv.reader refuses a field over 128 KB with an exception; here any field is read (the file is in
    memory anyway) and ``parse_table`` refuses a cell over ``MAX_CELL`` with its row and column."""
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    while True:
        old = csv.field_size_limit(len(content) + 1)
        try:
            record = next(reader)
        except StopIteration:
            return
        finally:
            csv.field_size_limit(old)
        yield record


def _csv_rows(records: Iterator[list[str]], spec: FileSpec, label: str, problems: Problems) -> Rows:
    for line, record in enumerate(records, start=2):
        if line > MAX_ROWS + 1:
            problems.append(Problem(ORDER[spec.name], line, label, "—", _too_long(line, t.WHAT_FILE)))
            return
        yield line, record


# what a browser adds to a file it saves again into the same folder: «accounts (1).csv», «accounts(2).csv»
_COPY_SUFFIX = re.compile(r"(.+?)\s*\(\d{1,3}\)")


def _csv_spec(stem: str) -> tuple[FileSpec | None, bool]:
    """The file a CSV's name (without .csv) stands for, and whether it carries a browser's copy suffix."""
    name = stem.strip().lower()
    if name in SPEC_BY_NAME:
        return SPEC_BY_NAME[name], False
    copy = _COPY_SUFFIX.fullmatch(name)
    if copy and copy[1] in SPEC_BY_NAME:
        return SPEC_BY_NAME[copy[1]], True
    return None, False


def _csv_tables(folder: Path, problems: Problems) -> list[Table]:
    tables = []
    try:
        paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    except OSError as exc:
        problems.append(Problem(-1, 1, str(folder), "путь", _os_error(exc, folder=True)))
        return []
    for path in paths:
        spec, copy = _csv_spec(path.stem)
        if spec is None:
            problems.append(Problem(-1, 1, path.name, "файл", _unknown_file(path.stem)))
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(ORDER[spec.name], 1, path.name, "файл", _os_error(exc)))
            continue
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            problems.append(Problem(ORDER[spec.name], line, path.name, "файл",
                                    "файл не в кодировке UTF-8 (сохраните как «CSV UTF-8»)"))
            continue
        del data
        first = content.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
        records = _csv_records(content, delimiter)
        header = next(records, None)
        if header is None:
            problems.append(Problem(ORDER[spec.name], 1, path.name, "файл", "пустой файл: нет строки заголовка"))
            continue
        while header and not header[-1].strip():  # Excel's trailing «;;;»
            header.pop()
        rows = _nonblank(_csv_rows(records, spec, path.name, problems))
        tables.append(Table(spec, path.name, path.name if copy else spec.file, header, rows, content.count("\n"),
                            copy=copy))
    return sorted(tables, key=lambda tb: tb.copy)  # a file under its own name is the one read for references


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter  # openpyxl (and numpy with it) only when a book is read

    try:
        return get_column_letter(column)
    except ValueError:
        return str(column)


def _sheet_rows(wb: Any, ws: Any, problems: Problems, order: int, label: str) -> Rows:
    """The rows of a sheet straight from its XML (openpyxl's own parser, as its read-only sheets use it), lazily: only the rows and cells the file holds (a declared
    dimension of A1:XFD1048576 costs nothing), no more than ``MAX_COLUMNS`` columns and ``MAX_ROWS`` data rows,
    dates converted here so that a date out of every range is a problem, not a traceback."""
    from openpyxl.utils.datetime import from_excel

    date_styles = wb._date_formats
    with wb._archive.open(ws._worksheet_path) as src:
        # numbers stay numbers: this loop turns date-styled ones into dates itself
        parser = _sheet_parser()(src, ws._shared_strings, data_only=True, epoch=wb.epoch)
        line = 0
        try:
            for line, cells in parser.parse():
                if line > EXCEL_ROWS:
                    problems.append(Problem(order, line, label, "—", t.BEYOND_SHEET.format(line=number(line))))
                    return
                values: dict[int, Any] = {}
                for cell in cells:
                    value, column = cell["value"], cell["column"]
                    if is_blank(value):
                        continue
                    if column > MAX_COLUMNS:
                        problems.append(Problem(order, line, label, t.COLUMN.format(letter=_letter(column)),
                                                t.TOO_WIDE.format(limit=MAX_COLUMNS, letter=_letter(column))))
                        return
                    if cell["data_type"] == "e":  # a formula's error, cached as its text: no value
                        value = NoValue(t.FORMULA_ERROR.format(value=_clip(as_text(value), 20)))
                    elif cell["data_type"] == "n" and cell["style_id"] in date_styles:
                        try:
                            value = from_excel(value, wb.epoch)
                        except (OverflowError, ValueError, TypeError):
                            value = f"#{value}"  # refused as no date by the column's parser
                    values[column] = value
                if not values:
                    continue
                if line > MAX_ROWS + 1:
                    problems.append(Problem(order, line, label, "—", _too_long(line, t.WHAT_SHEET)))
                    return
                row = [None] * max(values)
                for column, value in values.items():
                    row[column - 1] = value
                yield line, row
        except Exception as exc:  # a hand-made XML can break openpyxl's parser in many ways
            at = max(parser.row_counter, line, 1)
            log.debug("registry sheet %s is broken at row %d: %r", label, at, exc)
            problems.append(Problem(order, at, label, "лист", t.BROKEN_SHEET.format(error=_sheet_error(exc))))


def _sheet_error(exc: Exception) -> str:
    """What broke a sheet, in the clerk's words (the parser's message is English and is logged, not shown)."""
    from xml.etree.ElementTree import ParseError

    # openpyxl reads with ElementTree, or with defusedxml when it is installed (which refuses entities and DTDs)
    if isinstance(exc, ParseError) or type(exc).__module__.startswith("defusedxml"):
        return t.SHEET_XML_BROKEN
    if isinstance(exc, IndexError):  # «<c t="s"><v>7</v>» with fewer shared strings
        return t.SHEET_NO_SHARED_STRING
    return t.SHEET_BAD_CELL


@functools.cache
def _sheet_parser() -> type:
    """openpyxl's sheet parser that tells a formula without a computed value from an empty cell: with
    ``data_only`` both come as None (openpyxl itself writes ``<f>…</f><v />``; Excel and LibreOffice write the
    value they computed, which is read as usual). A formula that computed an empty text (``t="str"``, ``<v></v>``)
    is an empty cell."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class SheetParser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cached = element.find(VALUE_TAG)
                if cached is None or (not cached.text and element.get("t", "n") != "str"):
                    cell["value"], cell["data_type"] = FORMULA_NO_VALUE, "f"
            return cell

    return SheetParser


def _book_size_mb(path: Path) -> int:
    with zipfile.ZipFile(path) as z:
        return sum(i.file_size for i in z.infolist()) // 2**20


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 .xls, and an .xlsx encrypted with a password


def _not_a_book(path: Path) -> str:
    """Why a file named .xlsx is not a workbook, from its first bytes."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError as exc:
        return _os_error(exc)
    if head.startswith(OLE2):
        return t.OLD_XLS
    if head and not head.startswith(b"PK"):
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:  # maybe cut in the middle of a letter
            text = head[: exc.start].decode("utf-8-sig", errors="ignore") if exc.start > len(head) - 4 else ""
        if text and all(ch.isprintable() or ch in "\r\n\t" for ch in text):
            return t.TEXT_AS_XLSX
    return t.NOT_XLSX


def _os_error(exc: OSError, folder: bool = False) -> str:
    log.debug("registry path not readable: %r", exc)
    if isinstance(exc, PermissionError):
        return t.NO_ACCESS_FOLDER if folder else t.NO_ACCESS
    return t.UNREADABLE_FOLDER if folder else t.UNREADABLE_FILE


def _xlsx_tables(path: Path, problems: Problems) -> tuple[list[Table], Any]:
    try:
        size = _book_size_mb(path)
    except OSError as exc:
        problems.append(Problem(-1, 1, path.name, "файл", _os_error(exc)))
        return [], None
    except Exception as exc:  # BadZipFile, and whatever else a broken archive's directory raises
        log.debug("registry book %s is not a zip: %r", path.name, exc)
        problems.append(Problem(-1, 1, path.name, "файл", _not_a_book(path)))
        return [], None
    if size > MAX_BOOK_MB:
        problems.append(Problem(-1, 1, path.name, "файл",
                                t.BOOK_TOO_BIG.format(size=number(size), limit=number(MAX_BOOK_MB))))
        return [], None
    from openpyxl import load_workbook  # some 20 MB (numpy with it): only when a book is read

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file: a zip that is no workbook, a bad part
        log.debug("registry book %s does not open: %r", path.name, exc)
        problems.append(Problem(-1, 1, path.name, "файл", t.NOT_XLSX))
        return [], None
    try:
        return _book_tables(path, wb, problems), wb
    except Exception as exc:  # a sheet the workbook lists but the archive lacks, and the like
        log.debug("registry book %s is broken: %r", path.name, exc)
        wb.close()
        problems.append(Problem(-1, 1, path.name, "файл", t.NOT_XLSX))
        return [], None


def _book_tables(path: Path, wb: Any, problems: Problems) -> list[Table]:
    tables = []
    for ws in wb.worksheets:
        title = ws.title.strip().lower().removesuffix(".csv")
        label = t.BOOK_SHEET.format(book=path.name, name=ws.title)
        spec = SPEC_BY_NAME.get(title)
        if spec is None:
            if next(_sheet_rows(wb, ws, problems, -1, label), None) is not None:
                problems.append(Problem(-1, 1, label, "лист", _unknown_file(ws.title, sheet=True)))
            continue
        rows = _sheet_rows(wb, ws, problems, ORDER[spec.name], label)
        first = next(rows, None)
        if first is None or first[0] != 1:
            problems.append(Problem(ORDER[spec.name], 1, label, "лист", "нет строки заголовка"))
            continue
        header = first[1]
        # for the progress bar only: the declared dimension, unless the sheet's XML is too small to hold it
        size = min(ws.max_row or 0, MAX_ROWS, wb._archive.getinfo(ws._worksheet_path).file_size // 20)
        tables.append(Table(spec, label, t.SHEET.format(name=ws.title), header, rows, size, sheet=True))
    return tables


def _unknown_file(name: str, sheet: bool = False) -> str:
    what = "лист" if sheet else "файл"
    # a known name with something after it: «accounts_1_», «accounts - копия», «accounts ноябрь»
    like = _LOOKS_LIKE.match(name.strip().lower())
    if like:
        spec = SPEC_BY_NAME[like[1]]
        return t.UNKNOWN_LOOKS_LIKE.format(what=what, name=_clip(name), known=spec.name if sheet else spec.file)
    known = ", ".join(s.name if sheet else s.file for s in SPECS)
    return f"неизвестный {what} «{_clip(name)}» (опечатка?); в реестре бывают: {known}"


_LOOKS_LIKE = re.compile(r"(" + "|".join(sorted(SPEC_BY_NAME, key=len, reverse=True)) + r")[\W_\d]")


def open_tables(path: Path, problems: Problems) -> tuple[list[Table], Callable[[], None]]:
    """The tables of a folder of CSVs or of one XLSX workbook, and a function that closes what was opened.
    Rows are read while ``parse_table`` goes through them, so problems of reading come then."""
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
    seen: dict[str, list[Table]] = {}
    for tb in tables:
        seen.setdefault(tb.spec.name, []).append(tb)
    for same in seen.values():
        first, spec = same[0], same[0].spec  # accounts (1).csv alone is accounts.csv
        if len(same) > 1 and any(tb.copy for tb in same):  # accounts.csv and accounts (1).csv: one problem naming them all
            copy = next(tb for tb in same if tb.copy)
            problems.append(Problem(ORDER[spec.name], 1, copy.label, "файл", t.SAME_FILE_TWICE.format(
                file=spec.file, names=t.names([tb.label for tb in same]))))
            continue
        for tb in same[1:]:
            problems.append(Problem(ORDER[spec.name], 1, tb.label, "файл",
                                    f"{spec.file} уже есть в реестре ({first.label})"))
    if not tables and not problems:
        problems.append(Problem(-1, 1, str(path), "путь", "нет ни одного файла реестра (organizations.csv, …)"))
    return tables, close


def source_phrase(spec_name: str, sheet: bool) -> str:
    """Where a referenced row would be: «в houses.csv» or «на листе houses»."""
    spec = SPEC_BY_NAME[spec_name]
    return t.ON_SHEET.format(name=spec.name) if sheet else t.IN_FILE.format(file=spec.file)


# ----------------------------------------------------------------------------------------------- rows


def _undelimited(header: list[Any], spec: FileSpec, sheet: bool) -> tuple[str, str] | None:
    """(column, reason) when the header is one cell that holds several column names: a CSV delimited by a TAB,
    by spaces or by nothing at all («ogrninnnamekind»), or a sheet with the whole CSV header in one cell. One
    problem then, not an unknown column and every required one missing."""
    cells = [(pos, raw) for pos, raw in enumerate(header, start=1) if not is_blank(raw) and type(raw) is not NoValue]
    if len(cells) != 1:
        return None
    pos, raw = cells[0]
    line = as_text(raw)
    if spec.column(line.lower()) is not None:
        return None
    names = list(_column_names(spec).finditer(line.lower()))
    gaps = [line[a.end():b.start()] for a, b in itertools.pairwise(names)]
    if "\t" in line:
        found = t.FOUND_TAB
    elif len(names) < 2:
        return None
    else:
        gap = max(set(gaps), key=gaps.count)
        if not gap:
            found = t.FOUND_GLUED.format(header=_clip(line))
        elif not gap.strip():
            found = t.FOUND_SPACE
        else:
            found = t.FOUND_CHAR.format(char=_clip(gap.strip(), 5))
            if not sheet and gap.strip() in (";", ","):  # a quoted header: the delimiter is there
                return None
    if sheet:
        return t.COLUMN.format(letter=_letter(pos)), t.HEADER_IN_ONE_CELL.format(header=_clip(line))
    return t.HEADER, t.NO_DELIMITER.format(found=found)


@functools.cache
def _column_names(spec: FileSpec) -> re.Pattern[str]:
    """A file's column names, the longest first (so that «short_name» is not read as «name»)."""
    return re.compile("|".join(re.escape(c.name) for c in sorted(spec.columns, key=lambda c: -len(c.name))))


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
    name: str = ""  # how the summary names it (accounts.csv, лист accounts)
    sheet: bool = False
    rows: list[ParsedRow] = field(default_factory=list)
    # keys of every row whose key columns parsed, valid or not (so one bad cell does not cascade)
    keys: dict[tuple, int] = field(default_factory=dict)


def parse_table(table: Table, tz: ZoneInfo, problems: Problems,
                progress: Callable[[Iterator[Any], int, str], Iterator[Any]] = lambda rows, _n, _l: rows,
                today: dt.date | None = None) -> ParsedFile | None:
    """``today``: the import's local day (from the caller's clock); checks relative to it are skipped without it."""
    spec, order = table.spec, ORDER[table.spec.name]

    def problem(line: int, column: str, reason: str) -> None:
        problems.append(Problem(order, line, table.label, column, _clip(reason, 300)))

    undelimited = _undelimited(table.header, spec, table.sheet)
    if undelimited is not None:
        problem(1, *undelimited)
        return None
    header: list[str] = []
    bad_header = False
    for pos, raw in enumerate(table.header, start=1):
        name = as_text(raw).lower() if not is_blank(raw) else ""
        if type(raw) is NoValue:
            problem(1, f"столбец {pos}", raw.reason)
            bad_header = True
        elif not name:
            problem(1, f"столбец {pos}", "пустое имя столбца")
            bad_header = True
        elif spec.column(name) is None:
            problem(1, _clip(name), f"неизвестный столбец (опечатка?) {source_phrase(spec.name, table.sheet)}")
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

    parsed = ParsedFile(spec, table.label, header, table.name, table.sheet)
    columns = [spec.column(name) for name in header]
    width = len(header)
    for line, cells in progress(table.rows, table.size, table.label):
        values: dict[str, Any] = {}
        ok = True
        if len(cells) > width and any(not is_blank(c) for c in cells[width:]):
            problem(line, "—", f"в строке {len(cells)} значений, а столбцов {width} (лишний разделитель?)")
            ok = False
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        for col, raw in zip(columns, cells, strict=False):
            assert col is not None
            if raw is None or (isinstance(raw, str) and not raw.strip()):  # is_blank, inline: 2M calls
                values[col.name] = None
                if col.required:
                    problem(line, col.name, "обязательное поле не заполнено")
                    ok = False
                continue
            try:
                values[col.name] = col.parse(_cell(raw))
            except Invalid as exc:
                problem(line, col.name, str(exc))
                values[col.name] = BLANK
                ok = False
            except (ValueError, ArithmeticError, TypeError):  # a value no validator foresaw: a problem all the same
                problem(line, col.name, t.UNREADABLE.format(value=_clip(as_text(raw))))
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
