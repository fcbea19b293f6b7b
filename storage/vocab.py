"""One vocabulary for the whole bot: resources, kinds and statuses as enums.

The models' check constraints, the registry parser, the services and the texts all use these, so a value is
spelled once. Values are what the database stores. The registry's own words map onto them in the parser (the
outages file says ``heating`` where a meter says ``heat``: both are ``Resource.heat`` here).
"""

from __future__ import annotations

from enum import StrEnum


class Resource(StrEnum):
    cold_water = "cold_water"
    hot_water = "hot_water"
    electricity = "electricity"
    gas = "gas"
    heat = "heat"  # отопление / тепловая энергия


class OrgKind(StrEnum):
    uk = "uk"
    tsj = "tsj"
    zhsk = "zhsk"
    rso = "rso"
    gzhi = "gzhi"
    other = "other"


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


def sql_in(column: str, values: type[StrEnum], nullable: bool = False) -> str:
    """The SQL of a check constraint that holds ``column`` to the enum's values (portable: SQLite, PostgreSQL)."""
    listed = ",".join(f"'{v.value}'" for v in values)
    check = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {check}" if nullable else check
