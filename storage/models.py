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
from storage.vocab import (
    AppealFileKind,
    AppealRating,
    AppealRoute,
    AppealStatus,
    CapitalRepairFund,
    HouseKind,
    LicenseStatus,
    LinkMethod,
    Majority,
    OrgKind,
    OutageKind,
    OutageStatus,
    PaymentSource,
    PremisesKind,
    PushStatus,
    ReadingSource,
    RequestStatus,
    Resource,
    VoteChoice,
    sql_in,
)

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
        CheckConstraint(sql_in("kind", OrgKind), name="kind"),
        CheckConstraint(sql_in("license_status", LicenseStatus, nullable=True), name="license_status"),
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
    # payments in the bot: the card commission in % (NULL: the CARD_COMMISSION_PERCENT setting) and the НДС code
    # of the fiscal receipt (NULL: the VAT_CODE setting)
    card_commission_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal(5, 2))
    vat_code: Mapped[int | None] = mapped_column(SmallInteger)
    # reading submission window (day of month, inclusive); NULL means the bot's default
    reading_window_from: Mapped[int | None] = mapped_column(SmallInteger)
    reading_window_to: Mapped[int | None] = mapped_column(SmallInteger)


class House(TimestampMixin, Base):
    __tablename__ = "houses"
    __table_args__ = (
        CheckConstraint(sql_in("kind", HouseKind), name="kind"),
        CheckConstraint(sql_in("capital_repair_fund", CapitalRepairFund, nullable=True), name="capital_repair_fund"),
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
        CheckConstraint(sql_in("kind", PremisesKind), name="kind"),
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
        CheckConstraint(sql_in("resource", Resource), name="resource"),
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
        CheckConstraint(sql_in("source", PaymentSource), name="source"),
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
    # the pending payment it paid; a second success of one pending payment is kept and marked for a refund
    # (NULL, as for imported payments, means no)
    pending_id: Mapped[int | None] = mapped_column(ForeignKey("pending_payments.id", ondelete="SET NULL"),
                                                   index=True)
    refund_due: Mapped[bool | None] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))  # where the provider sent the fiscal receipt
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # naive UTC, made in the bot


class PendingPayment(Base):
    """An invoice sent to a resident: written before ``sendInvoice``; its id and nonce are the invoice payload."""

    __tablename__ = "pending_payments"
    __table_args__ = (
        CheckConstraint("status IN ('pending','paid')", name="status"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("commission >= 0", name="commission_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(Money)  # what goes against the debt
    commission: Mapped[Decimal] = mapped_column(Money)
    period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM the payment is for
    status: Mapped[str] = mapped_column(String(8), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)  # naive UTC, from the service's clock
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Outage(TimestampMixin, Base):
    __tablename__ = "outages"
    __table_args__ = (
        UniqueConstraint("house_id", "resource", "starts_at"),
        CheckConstraint(sql_in("resource", Resource), name="resource"),
        CheckConstraint(sql_in("kind", OutageKind), name="kind"),
        CheckConstraint(sql_in("status", OutageStatus), name="status"),
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
        CheckConstraint(sql_in("majority", Majority), name="majority"),
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
    notify_payments: Mapped[bool] = mapped_column(Boolean, default=True)
    # quiet hours as minutes after local midnight; NULL means the bot's default
    quiet_from: Mapped[int | None] = mapped_column(SmallInteger)
    quiet_to: Mapped[int | None] = mapped_column(SmallInteger)


class AccountLink(Base):
    __tablename__ = "account_links"
    __table_args__ = (
        UniqueConstraint("user_id", "account_id"),
        CheckConstraint(sql_in("method", LinkMethod), name="method"),
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
    __table_args__ = (
        CheckConstraint(sql_in("status", RequestStatus), name="status"),
        CheckConstraint("relation IS NULL OR relation IN ('owner','tenant','family')", name="relation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # what the resident told the staff: their name as in documents, who they are to the payer
    applicant_name: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str | None] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(16))  # the phone the resident shared, if they did
    reason: Mapped[str | None] = mapped_column(Text)  # the staff's reason for a rejection


class StaffCard(Base):
    """A card in the staff chat (a link request now; appeals and payments later): which message it is, whether a
    staff member is being asked for a reason, the outcome and who decided. One card per subject of a kind."""

    __tablename__ = "staff_cards"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id"),
        CheckConstraint("status IN ('open','asking','decided')", name="status"),
        Index("ix_staff_cards_chat_message", "chat_id", "message_id"),
        Index("ix_staff_cards_chat_prompt", "chat_id", "prompt_message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Integer)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)  # «напишите причину …» in reply to it
    status: Mapped[str] = mapped_column(String(8), default="open")
    asked_by: Mapped[int | None] = mapped_column(BigInteger)  # the staff member asked for a reason
    outcome: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_by_name: Mapped[str | None] = mapped_column(String(256))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Reading(Base):
    __tablename__ = "readings"
    __table_args__ = (
        CheckConstraint(sql_in("source", ReadingSource), name="source"),
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
    """An appeal or complaint (the seed «Как написать обращение или жалобу», figures 4–11). A draft holds what was
    entered so far (every field may be empty); a sent appeal has a number, a due date and all its fields, and is
    never edited again — what happens to it afterwards is its answers and status changes."""

    __tablename__ = "appeals"
    __table_args__ = (
        CheckConstraint(sql_in("status", AppealStatus), name="status"),
        CheckConstraint(sql_in("rating", AppealRating, nullable=True), name="rating"),
        CheckConstraint(sql_in("route", AppealRoute, nullable=True), name="route"),
        Index("ix_appeals_user_status", "user_id", "status"),
        Index("ix_appeals_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[str | None] = mapped_column(String(16), unique=True)  # «2026-000123», given when sent
    status: Mapped[str] = mapped_column(String(10), default=AppealStatus.draft.value)
    # the applicant (ИНФОРМАЦИЯ О ЗАЯВИТЕЛЕ)
    surname: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    # ИНФОРМАЦИЯ ОБ ОБРАЩЕНИИ
    house_id: Mapped[int | None] = mapped_column(ForeignKey("houses.id"), index=True)
    premises_id: Mapped[int | None] = mapped_column(ForeignKey("premises.id"))
    premises_number: Mapped[str | None] = mapped_column(String(32))  # as typed, when not in the registry
    municipality: Mapped[str | None] = mapped_column(String(256))  # from the house, when sent
    topic_code: Mapped[str | None] = mapped_column(String(8))  # the catalogue's number, «2.1»; «4» = Другая тема
    topic: Mapped[str | None] = mapped_column(String(256))  # the topic's name when sent, or the typed one
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    addressee_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="SET NULL"))  # follow-up of
    route: Mapped[str | None] = mapped_column(String(8))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rating: Mapped[str | None] = mapped_column(String(10))
    rated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AppealFile(Base):
    """A file of an appeal (``answer_id`` NULL) or of an answer, kept as Telegram's ``file_id`` (no download)."""

    __tablename__ = "appeal_files"
    __table_args__ = (CheckConstraint(sql_in("kind", AppealFileKind), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("appeal_answers.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger, default=0)
    kind: Mapped[str] = mapped_column(String(10), default=AppealFileKind.document.value)
    file_id: Mapped[str] = mapped_column(String(256))
    file_unique_id: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(256))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(BigInteger)


class AppealAnswer(Base):
    __tablename__ = "appeal_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(BigInteger)  # the staff member's Telegram id
    author_name: Mapped[str | None] = mapped_column(String(256))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AppealStatusChange(Base):
    """«Изменения по обращению»: every status an appeal went through, who changed it and why."""

    __tablename__ = "appeal_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    changed_by: Mapped[int | None] = mapped_column(BigInteger)  # a Telegram id (the resident or a staff member)
    changed_by_name: Mapped[str | None] = mapped_column(String(256))
    comment: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Vote(Base):
    __tablename__ = "votes"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", "owner_id"),
        CheckConstraint(sql_in("choice", VoteChoice), name="choice"),
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
        CheckConstraint(sql_in("status", PushStatus), name="status"),
        Index("ix_notifications_due", "status", "not_before"),
        Index("ix_notifications_next", "status", "urgent", "id"),  # the sender's pass: urgent first, by id
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # user:kind:subject:period
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # what the push says, as data (a notice of its kind); the push view renders text and buttons when it is sent
    payload: Mapped[dict | None] = mapped_column(JSON)
    # a photo or a document sent with it: {"type": "photo"|"document", "file_id": …} or {…, "path": …}
    media: Mapped[dict | None] = mapped_column(JSON)
    # the text as delivered (written when sent); rows queued before 0005 hold their text and buttons here
    text: Mapped[str | None] = mapped_column(Text)
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
