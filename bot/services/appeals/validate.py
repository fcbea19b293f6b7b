"""Checks of what a resident enters into an appeal. Each returns the clean value or a reason code (the handlers
have the Russian words for each code, ``bot.texts.appeals``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

from bot.services.accounts import normalize_phone as normalize_phone  # the phone: +7XXXXXXXXXX

TEXT_MIN = 10
TEXT_MAX = 10_000
TOPIC_MAX = 250
NAME_MAX = 100
FILES_MAX = 10
FILE_MAX_BYTES = 50 * 1024 * 1024  # «Размер файла не должен превышать 50 Мб»
# «Допустимые форматы файлов: PDF, RTF, doc, docx, xls, xlsx, JPEG, JPG, TIFF»
ALLOWED_EXTENSIONS = ("pdf", "rtf", "doc", "docx", "xls", "xlsx", "jpeg", "jpg", "tiff", "tif")
ALLOWED_MIME = {
    "application/pdf": "pdf", "application/rtf": "rtf", "text/rtf": "rtf", "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/jpeg": "jpg", "image/tiff": "tiff",
}

@dataclass(frozen=True)
class Applicant:
    surname: str | None
    first_name: str | None
    patronymic: str | None


_NAME_WORD = re.compile(r"[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'’\-]*")


def _name_part(word: str | None) -> str | None:
    word = (word or "").strip()
    if not word or len(word) > NAME_MAX or not _NAME_WORD.fullmatch(word):
        return None
    return word[0].upper() + word[1:]


def from_profile(first_name: str | None, last_name: str | None) -> Applicant:
    """The Telegram profile's names as a first guess: «Иван Петрович» + «Сидоров» → Сидоров Иван Петрович.
    Whatever does not look like a name (emoji, a nickname) is left empty for the resident to type."""
    words = (first_name or "").split()
    return Applicant(_name_part(last_name), _name_part(words[0]) if words else None,
                     _name_part(" ".join(words[1:])) if len(words) > 1 else None)


class NameProblem(StrEnum):
    too_few = "too_few"  # a surname and a name are needed
    too_many = "too_many"
    not_a_name = "not_a_name"


def parse_full_name(text: str) -> Applicant | NameProblem:
    """«Сидоров Иван Петрович» (surname, name, patronymic; the patronymic may be absent)."""
    words = (text or "").split()
    if len(words) < 2:
        return NameProblem.too_few
    if len(words) > 3:
        return NameProblem.too_many
    parts = [_name_part(w) for w in words]
    if any(p is None for p in parts):
        return NameProblem.not_a_name
    return Applicant(parts[0], parts[1], parts[2] if len(parts) == 3 else None)


_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*"
                    r"[A-Za-z0-9])?)*\.[A-Za-zА-Яа-я]{2,}")


def normalize_email(text: str) -> str | None:
    s = (text or "").strip()
    if len(s) > 254 or not _EMAIL.fullmatch(s) or ".." in s:
        return None
    local, _, domain = s.rpartition("@")
    return f"{local}@{domain.lower()}"


class PremisesProblem(StrEnum):
    empty = "empty"  # nothing but «кв.»
    zero = "zero"  # «0», «кв. 00»: no premises has that number
    format = "format"  # not a number like «12», «12А», «пом. 1», «5/2» (or over 20 characters)
    too_big = "too_big"  # «999999»: more than any house has


PREMISES_MAX_LEN = 20
PREMISES_MAX_NUMBER = 9999
_PREMISES = re.compile(r"[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё .\-/]*")
_FLAT_PREFIX = re.compile(r"^(?:квартира|кв\.?|№)\s*(?=\d|$)", re.IGNORECASE)


def parse_premises_number(text: str | None) -> str | PremisesProblem:
    """A typed premises number, as the registry writes numbers: «кв. 12», «квартира 12», «№ 12» → «12»; «12А»,
    «пом. 1», «5/2» as typed (spaces collapsed). Whether the house has it is ``drafts.find_premises``'s part."""
    s = _FLAT_PREFIX.sub("", " ".join((text or "").split()))
    if not s:
        return PremisesProblem.empty
    if len(s) > PREMISES_MAX_LEN or not _PREMISES.fullmatch(s):
        return PremisesProblem.format
    numbers = [int(d) for d in re.findall(r"\d+", s)]
    if not numbers:
        return PremisesProblem.format
    if all(n == 0 for n in numbers):
        return PremisesProblem.zero
    if numbers[0] > PREMISES_MAX_NUMBER:
        return PremisesProblem.too_big
    return s


class TextProblem(StrEnum):
    too_short = "too_short"
    too_long = "too_long"


def check_text(text: str) -> TextProblem | None:
    n = len(text.strip())
    if n < TEXT_MIN:
        return TextProblem.too_short
    if n > TEXT_MAX:
        return TextProblem.too_long
    return None


def clean_topic(text: str) -> str | None:
    """A typed topic («Другая тема»): one line, up to 250 characters."""
    s = " ".join((text or "").split())
    return s if 0 < len(s) <= TOPIC_MAX else None


class FileProblem(StrEnum):
    type = "type"  # not one of the seed's formats
    size = "size"  # over 50 MB
    count = "count"  # the 11th file


def file_extension(file_name: str | None, mime_type: str | None) -> str | None:
    suffix = PurePath(file_name or "").suffix.lower().lstrip(".")
    if suffix:
        return suffix
    return ALLOWED_MIME.get((mime_type or "").lower())


def check_file(file_name: str | None, mime_type: str | None, size: int | None, already: int,
               photo: bool = False) -> FileProblem | None:
    """A document or a photo the resident sends; ``already``: how many files the appeal has. The type is judged by
    the file name's extension (what the resident sees), and by the MIME type when the name has none; a photo sent
    as a photo is a JPEG."""
    if already >= FILES_MAX:
        return FileProblem.count
    if not photo and file_extension(file_name, mime_type) not in ALLOWED_EXTENSIONS:
        return FileProblem.type
    if size is not None and size > FILE_MAX_BYTES:
        return FileProblem.size
    return None


class OrgQueryKind(StrEnum):
    inn = "inn"
    ogrn = "ogrn"
    name = "name"


class OrgIdProblem(StrEnum):
    inn_length = "inn_length"  # digits, but not 10 or 12
    inn_checksum = "inn_checksum"
    ogrn_checksum = "ogrn_checksum"
    ogrnip_checksum = "ogrnip_checksum"
    short_name = "short_name"  # fewer than 3 letters to search by


@dataclass(frozen=True)
class OrgQuery:
    kind: OrgQueryKind
    value: str


def parse_org_query(text: str) -> OrgQuery | OrgIdProblem:
    """«Расширенный поиск»: digits are an ИНН (10, 12) or an ОГРН (13) / ОГРНИП (15), checked by their check
    digits; anything else is a part of the name."""
    s = (text or "").strip()
    digits = re.sub(r"[\s\-]", "", s)
    if digits.isdigit():
        # python-stdnum loads pydoc with it (1.3 MB a process): imported by the search that needs it, not at start
        from stdnum.exceptions import InvalidChecksum, ValidationError
        from stdnum.ru import inn as stdnum_inn
        from stdnum.ru import ogrn as stdnum_ogrn

        if len(digits) in (10, 12):
            try:
                return OrgQuery(OrgQueryKind.inn, stdnum_inn.validate(digits))
            except (InvalidChecksum, ValidationError):
                return OrgIdProblem.inn_checksum
        if len(digits) == 13:
            try:
                return OrgQuery(OrgQueryKind.ogrn, stdnum_ogrn.validate(digits))
            except (InvalidChecksum, ValidationError):
                return OrgIdProblem.ogrn_checksum
        if len(digits) == 15:
            # ОГРНИП: the remainder of the first 14 digits by 13, its last digit (ФНС's rule; stdnum takes it whole)
            if digits[0] in "34" and int(digits[:-1]) % 13 % 10 == int(digits[-1]):
                return OrgQuery(OrgQueryKind.ogrn, digits)
            return OrgIdProblem.ogrnip_checksum
        return OrgIdProblem.inn_length
    name = " ".join(s.split())
    if len(re.sub(r"[^A-Za-zА-Яа-яЁё0-9]", "", name)) < 3:
        return OrgIdProblem.short_name
    return OrgQuery(OrgQueryKind.name, name[:200])
