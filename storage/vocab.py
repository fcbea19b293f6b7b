"""One vocabulary for the whole bot: resources, kinds and statuses as enums.

The models' check constraints, the registry parser, the services and the texts all use these, so a value is
spelled once. Values are what the database stores. The registry's own words map onto them in the parser (the
outages file says ``heating`` where a meter says ``heat``: both are ``Resource.heat`` here).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Resource(StrEnum):
    cold_water = "cold_water"
    hot_water = "hot_water"
    electricity = "electricity"
    gas = "gas"
    heat = "heat"  # отопление / тепловая энергия


# the registry's outages file (FORMAT.md) says ``heating`` for what a meter calls ``heat``: the parser maps it
REGISTRY_OUTAGE_RESOURCES: dict[str, Resource] = {
    "hot_water": Resource.hot_water,
    "cold_water": Resource.cold_water,
    "electricity": Resource.electricity,
    "heating": Resource.heat,
    "heat": Resource.heat,
    "gas": Resource.gas,
}


class OrgKind(StrEnum):
    uk = "uk"
    tsj = "tsj"
    zhsk = "zhsk"
    rso = "rso"
    gzhi = "gzhi"
    other = "other"


class LicenseStatus(StrEnum):
    """The license of an УК to manage apartment buildings."""

    active = "active"
    suspended = "suspended"
    revoked = "revoked"


class HouseKind(StrEnum):
    mkd = "mkd"  # многоквартирный дом
    house = "house"  # жилой дом


class HouseCondition(StrEnum):
    """A house's condition as ГИС ЖКХ spells it (the registry's words are Russian)."""

    sound = "исправный"
    dilapidated = "ветхий"
    emergency = "аварийный"


class CapitalRepairFund(StrEnum):
    regional_operator = "regional_operator"
    special_account = "special_account"


class Majority(StrEnum):
    """What decides an agenda item (ЖК РФ ст. 46 ч. 1)."""

    simple = "simple"
    more_than_half_all = "more_than_half_all"
    two_thirds_all = "two_thirds_all"
    unanimous = "unanimous"


class PaymentSource(StrEnum):
    registry = "registry"
    bot = "bot"


class AppealStatus(StrEnum):
    """An appeal's status, as ГИС ЖКХ names them (bot/texts/vocab.py has the words)."""

    draft = "draft"  # «Не отправлено»: saved, editable, deletable
    sent = "sent"  # «Отправлено»: has a number and a due date, never editable again
    in_work = "in_work"  # «На рассмотрении»: taken into work by the staff (or returned to work by the resident)
    answered = "answered"  # «Ответ получен»
    redirected = "redirected"  # «Перенаправлено»: the staff forwarded it to another organization (59-ФЗ ст. 8 ч. 3)
    withdrawn = "withdrawn"  # «Отозвано» by the resident before an answer


class AppealRating(StrEnum):
    """The resident's rating of an answer."""

    solved = "solved"  # «Вопрос решён»
    partly = "partly"  # «Решён частично»
    unsolved = "unsolved"  # «Не решён»


class AppealRoute(StrEnum):
    """Where a sent appeal went."""

    staff = "staff"  # the staff chat of the organization that runs the bot
    email = "email"  # e-mailed to the addressee (SMTP_URL), and the PDF to the resident
    pdf = "pdf"  # the PDF to the resident only, to file in ГИС ЖКХ


class AppealFileKind(StrEnum):
    photo = "photo"
    document = "document"


class VoteChoice(StrEnum):
    for_ = "for"
    against = "against"
    abstain = "abstain"


class OutageKind(StrEnum):
    planned = "planned"
    emergency = "emergency"


class OutageStatus(StrEnum):
    active = "active"
    cancelled = "cancelled"
    ended = "ended"


class PremisesKind(StrEnum):
    residential = "residential"
    nonresidential = "nonresidential"


class LinkMethod(StrEnum):
    phone = "phone"
    bill_total = "bill_total"
    staff = "staff"


class RequestStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class ReadingSource(StrEnum):
    bot = "bot"
    registry = "registry"
    staff = "staff"


class PushStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"


def sql_in(column: str, values: type[StrEnum] | Iterable[str], nullable: bool = False) -> str:
    """The SQL of a check constraint that holds ``column`` to the enum's values, in their order (portable:
    SQLite, PostgreSQL)."""
    listed = ",".join(f"'{str(v)}'" for v in values)
    check = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {check}" if nullable else check
