"""The data model of the whole product.

Registry data (``../shared/registry/FORMAT.md``) is keyed by its natural keys, enforced by unique constraints;
what the bot records itself (users, links, readings, payments, appeals, votes, pushes) references it by foreign
keys. Money, areas and meter values are ``ExactDecimal`` (``Decimal`` in Python; NUMERIC on PostgreSQL, integer
kopecks / thousandths on SQLite), never float. Date-times are stored as naive UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import ExactDecimal

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = ExactDecimal(14, 2)
Area = ExactDecimal(12, 2)
MeterValue = ExactDecimal(15, 3)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, server_default=func.now()
    )


# --------------------------------------------------------------------------------------------- registry


class Organization(TimestampMixin, Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("kind IN ('uk','tsj','zhsk','rso','gzhi','other')", name="kind"),
        CheckConstraint(
            "license_status IS NULL OR license_status IN ('active','suspended','revoked')", name="license_status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ogrn: Mapped[str] = mapped_column(String(15), unique=True)
    inn: Mapped[str] = mapped_column(String(12))
    kpp: Mapped[str | None] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(Text)
    short_name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    legal_address: Mapped[str | None] = mapped_column(Text)
    actual_address: Mapped[str | None] = mapped_column(Text)
    postal_address: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(String(16))
    dispatcher_phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(254))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    license_number: Mapped[str | None] = mapped_column(String(64))
    license_issued_on: Mapped[dt.date | None] = mapped_column(Date)
    license_status: Mapped[str | None] = mapped_column(String(10))
    bank_account: Mapped[str | None] = mapped_column(String(20))
    bank_name: Mapped[str | None] = mapped_column(Text)
    bic: Mapped[str | None] = mapped_column(String(9))
    corr_account: Mapped[str | None] = mapped_column(String(20))
    # reading submission window (day of month, inclusive); NULL means the bot's default
    reading_window_from: Mapped[int | None] = mapped_column(SmallInteger)
    reading_window_to: Mapped[int | None] = mapped_column(SmallInteger)


class House(TimestampMixin, Base):
    __tablename__ = "houses"
    __table_args__ = (
        CheckConstraint("kind IN ('mkd','house')", name="kind"),
        CheckConstraint(
            "capital_repair_fund IS NULL OR capital_repair_fund IN ('regional_operator','special_account')",
            name="capital_repair_fund",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    house_guid: Mapped[str] = mapped_column(String(36), unique=True)
    region: Mapped[str] = mapped_column(String(128))
    district: Mapped[str | None] = mapped_column(String(128))
    city: Mapped[str | None] = mapped_column(String(128))
    settlement: Mapped[str | None] = mapped_column(String(128))
    street: Mapped[str] = mapped_column(String(256))
    building: Mapped[str] = mapped_column(String(64))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    municipality: Mapped[str | None] = mapped_column(String(256))
    manager_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="mkd")
    year_built: Mapped[int | None] = mapped_column(SmallInteger)
    year_commissioned: Mapped[int | None] = mapped_column(SmallInteger)
    floors: Mapped[int | None] = mapped_column(SmallInteger)
    entrances: Mapped[int | None] = mapped_column(SmallInteger)
    total_area: Mapped[Decimal | None] = mapped_column(Area)
    condition: Mapped[str | None] = mapped_column(String(32))
    wear_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal(5, 2))
    last_capital_repair_year: Mapped[int | None] = mapped_column(SmallInteger)
    capital_repair_fund: Mapped[str | None] = mapped_column(String(20))
    council_chair: Mapped[str | None] = mapped_column(Text)
    council_members: Mapped[str | None] = mapped_column(Text)
    contract_number: Mapped[str | None] = mapped_column(String(64))
    contract_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    contract_starts_on: Mapped[dt.date | None] = mapped_column(Date)
    contract_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    # the owners' decision to hold general meetings by electronic voting here (ЖК РФ ст. 44 ч. 2 п. 3.1, ст. 47.1),
    # e.g. «протокол № 3 от 12.03.2026»; NULL: a vote in this house is an opinion survey, not a general meeting
    evoting_decision: Mapped[str | None] = mapped_column(Text)
    # normalised address words for search (lower case, ё→е, no type words); filled by the importer
    search_text: Mapped[str] = mapped_column(Text, default="")

    manager: Mapped[Organization] = relationship(lazy="raise")


class Premises(TimestampMixin, Base):
    __tablename__ = "premises"
    __table_args__ = (
        UniqueConstraint("house_id", "number"),
        CheckConstraint("kind IN ('residential','nonresidential')", name="kind"),
        CheckConstraint("total_area > 0", name="total_area_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("houses.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="residential")
    total_area: Mapped[Decimal] = mapped_column(Area)
    living_area: Mapped[Decimal | None] = mapped_column(Area)
    residents: Mapped[int | None] = mapped_column(SmallInteger)
    cadastral_number: Mapped[str | None] = mapped_column(String(40))


class Account(TimestampMixin, Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("account_number", "provider_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_number: Mapped[str] = mapped_column(String(30), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    premises_id: Mapped[int] = mapped_column(ForeignKey("premises.id"), index=True)
    els: Mapped[str | None] = mapped_column(String(10))
    jku_id: Mapped[str | None] = mapped_column(String(40))
    payer_name: Mapped[str] = mapped_column(Text)
    payer_phone: Mapped[str | None] = mapped_column(String(16), index=True)


class Meter(TimestampMixin, Base):
    __tablename__ = "meters"
    __table_args__ = (
        UniqueConstraint("serial_number", "account_id"),
        CheckConstraint("resource IN ('cold_water','hot_water','electricity','gas','heat')", name="resource"),
        CheckConstraint("tariff_zones BETWEEN 1 AND 3", name="tariff_zones"),
        CheckConstraint("digits BETWEEN 1 AND 12", name="digits"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial_number: Mapped[str] = mapped_column(String(64))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    resource: Mapped[str] = mapped_column(String(16))
    tariff_zones: Mapped[int] = mapped_column(SmallInteger, default=1)
    digits: Mapped[int] = mapped_column(SmallInteger)
    installed_on: Mapped[dt.date | None] = mapped_column(Date)
    next_verification_on: Mapped[dt.date] = mapped_column(Date)
    last_value: Mapped[Decimal | None] = mapped_column(MeterValue)
    last_value_t2: Mapped[Decimal | None] = mapped_column(MeterValue)
    last_value_t3: Mapped[Decimal | None] = mapped_column(MeterValue)
    last_read_on: Mapped[dt.date | None] = mapped_column(Date)


class Owner(TimestampMixin, Base):
    __tablename__ = "owners"
    __table_args__ = (
        UniqueConstraint("premises_id", "owner_name"),
        CheckConstraint("share_num > 0 AND share_den > 0 AND share_num <= share_den", name="share"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    premises_id: Mapped[int] = mapped_column(ForeignKey("premises.id", ondelete="CASCADE"), index=True)
    owner_name: Mapped[str] = mapped_column(Text)
    # the share as an exact fraction (1/3 is not a finite decimal)
    share_num: Mapped[int] = mapped_column(Integer)
    share_den: Mapped[int] = mapped_column(Integer)
    phone: Mapped[str | None] = mapped_column(String(16), index=True)
    egrn_record: Mapped[str | None] = mapped_column(String(64))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)


class Charge(TimestampMixin, Base):
    __tablename__ = "charges"
    __table_args__ = (UniqueConstraint("account_id", "period", "service"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    service: Mapped[str] = mapped_column(String(128))
    amount: Mapped[Decimal] = mapped_column(Money)
    due_on: Mapped[dt.date] = mapped_column(Date)


class Payment(TimestampMixin, Base):
    """A payment: imported from the billing system (``external_id``) or made in the bot (Telegram charge ids)."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("source IN ('registry','bot')", name="source"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    channel: Mapped[str | None] = mapped_column(String(128))
    # made in the bot
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str | None] = mapped_column(String(16))  # wallet | card
    commission: Mapped[Decimal | None] = mapped_column(Money)
    telegram_charge_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    provider_charge_id: Mapped[str | None] = mapped_column(String(128))


class Outage(TimestampMixin, Base):
    __tablename__ = "outages"
    __table_args__ = (
        UniqueConstraint("house_id", "resource", "starts_at"),
        CheckConstraint("resource IN ('hot_water','cold_water','electricity','heating','gas')", name="resource"),
        CheckConstraint("kind IN ('planned','emergency')", name="kind"),
        CheckConstraint("status IN ('active','cancelled','ended')", name="status"),
        CheckConstraint("ends_at > starts_at", name="period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("houses.id", ondelete="CASCADE"), index=True)
    resource: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(10), default="planned")
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="active")
    source: Mapped[str] = mapped_column(String(8), default="registry")  # registry | staff
    # bumped on every change that residents must hear about; part of the push key
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # the registry's own key start and a digest of the row as last imported: a re-import of an unchanged row
    # leaves the staff's changes alone (a moved start or end, a cancel), a changed row wins
    registry_starts_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    registry_digest: Mapped[str | None] = mapped_column(String(40))


class Meeting(TimestampMixin, Base):
    __tablename__ = "meetings"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(String(64), unique=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("houses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    initiator: Mapped[str | None] = mapped_column(Text)
    administrator: Mapped[str | None] = mapped_column(Text)  # ЖК РФ ст. 47.1: who runs the vote
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # the results, computed once when the meeting is closed at ends_at (NULL while voting goes on)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    total_votes: Mapped[Decimal | None] = mapped_column(Area)  # all votes of the house, m²
    participated_votes: Mapped[Decimal | None] = mapped_column(Area)  # of the owners who took part, m²
    voters: Mapped[int | None] = mapped_column(Integer)
    quorum: Mapped[bool | None] = mapped_column(Boolean)


class AgendaItem(TimestampMixin, Base):
    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number"),
        CheckConstraint(
            "majority IN ('simple','more_than_half_all','two_thirds_all','unanimous')", name="majority"
        ),
        CheckConstraint(
            "question_type IN ('manager_choice','capital_repair','common_property','council','evoting_system',"
            "'current_repair','other')", name="question_type"
        ),
        CheckConstraint("outcome IS NULL OR outcome IN ('adopted','rejected','no_quorum')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    majority: Mapped[str] = mapped_column(String(20), default="simple")
    # the kind of question (ЖК РФ ст. 44 ч. 2); its majority is at least what ст. 46 ч. 1 requires for it
    question_type: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    # stored results (m², rounded at 0.01; the outcome was decided on the exact values)
    votes_for: Mapped[Decimal | None] = mapped_column(Area)
    votes_against: Mapped[Decimal | None] = mapped_column(Area)
    votes_abstain: Mapped[Decimal | None] = mapped_column(Area)
    outcome: Mapped[str | None] = mapped_column(String(10))


# --------------------------------------------------------------------------------------------- bot's own


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram user id
    first_name: Mapped[str] = mapped_column(String(256), default="")
    last_name: Mapped[str | None] = mapped_column(String(256))
    username: Mapped[str | None] = mapped_column(String(64))
    language_code: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(16), index=True)  # only once the user shared it
    email: Mapped[str | None] = mapped_column(String(254))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)  # false once the user blocked the bot
    blocked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # notification settings
    notify_readings: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_verification: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_outages: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_meetings: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_news: Mapped[bool] = mapped_column(Boolean, default=True)
    # quiet hours as minutes after local midnight; NULL means the bot's default
    quiet_from: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_to: Mapped[int | None] = mapped_column(SmallInteger)


class AccountLink(Base):
    __tablename__ = "account_links"
    __table_args__ = (
        UniqueConstraint("user_id", "account_id"),
        CheckConstraint("method IN ('phone','bill_total','staff')", name="method"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(12))
    proven_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(BigInteger)  # staff member, for method = 'staff'


class LinkAttempt(Base):
    """Wrong answers to the bill-total question, counted per account and local day."""

    __tablename__ = "link_attempts"
    __table_args__ = (UniqueConstraint("account_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(Date)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class LinkRequest(TimestampMixin, Base):
    """A resident asks the УК's staff to confirm that an account is theirs."""

    __tablename__ = "link_requests"
    __table_args__ = (CheckConstraint("status IN ('pending','approved','rejected')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)


class Reading(Base):
    __tablename__ = "readings"
    __table_args__ = (
        CheckConstraint("source IN ('bot','registry','staff')", name="source"),
        CheckConstraint("value >= 0", name="value_nonnegative"),
        Index("ix_readings_meter_period", "meter_id", "period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.id", ondelete="CASCADE"))
    value: Mapped[Decimal] = mapped_column(MeterValue)  # the only zone, or T1 (день / пик)
    value_t2: Mapped[Decimal | None] = mapped_column(MeterValue)
    value_t3: Mapped[Decimal | None] = mapped_column(MeterValue)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))  # billing period it counts for, YYYY-MM
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(8), default="bot")
    # a later reading of the same meter in the same period replaces this one; history keeps both
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("readings.id", ondelete="SET NULL"))
    # the reading its consumption was counted from when it was saved (the registry's value of the meter may be
    # overwritten by a later import; the export for billing then still knows the previous value)
    prev_value: Mapped[Decimal | None] = mapped_column(MeterValue)
    prev_value_t2: Mapped[Decimal | None] = mapped_column(MeterValue)
    prev_value_t3: Mapped[Decimal | None] = mapped_column(MeterValue)
    prev_taken_on: Mapped[dt.date | None] = mapped_column(Date)


class Appeal(TimestampMixin, Base):
    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(
            "status IN ('sent','registered','in_work','answered','withdrawn','closed')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    house_id: Mapped[int] = mapped_column(ForeignKey("houses.id"), index=True)
    premises_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id"))
    addressee_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    topic: Mapped[str] = mapped_column(String(128))
    custom_topic: Mapped[str | None] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(10), default="appeal")  # appeal | complaint
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="sent")
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)


class AppealFile(Base):
    __tablename__ = "appeal_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(256))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(BigInteger)


class AppealAnswer(Base):
    __tablename__ = "appeal_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(BigInteger)  # staff member's Telegram id
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AppealStatusChange(Base):
    __tablename__ = "appeal_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    changed_by: Mapped[int | None] = mapped_column(BigInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", "owner_id"),
        CheckConstraint("choice IN ('for','against','abstain')", name="choice"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("owners.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(8))
    voted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Notification(Base):
    """The push outbox and its log: one row per push, its key unique, so no push is ever sent twice."""

    __tablename__ = "notifications"
    __table_args__ = (
        # 'sending': claimed by the sender just before the API call (a crash there must not repeat the push)
        CheckConstraint("status IN ('pending','sending','sent','failed','skipped')", name="status"),
        Index("ix_notifications_due", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # user:kind:subject:period
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list | None] = mapped_column(JSON)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)


class FsmRecord(Base):
    """Dialog state and data of one chat/user (aiogram's StorageKey), kept across restarts."""

    __tablename__ = "fsm_records"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
