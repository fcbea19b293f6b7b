"""«Оплатить ЖКУ»: the sum a resident types, the amount due with its breakdown, the card commission, the pending
payment an invoice names, the pre-checkout re-check, the successful payment recorded once, the history.

Plain Python: no aiogram, no Russian sentences — dataclasses and reason enums; the texts turn them into words.
Money is ``Decimal`` rounded half-up at the kopeck; Telegram's amounts are integer kopecks.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.accounts import PENALTY_SERVICE, OrgContact, org_name
from bot.services.export import csv_text, xlsx_row
from bot.services.houses import account_place, house_address, premises_label
from bot.services.qr import Payee, payee_problems
from bot.services.users import ensure_user
from storage.models import (
    Account,
    AccountLink,
    Charge,
    Organization,
    Payment,
    PendingPayment,
    User,
)

Sessions = async_sessionmaker[AsyncSession]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000.00")  # one payment in the bot: a typo's extra zeros stop here
PENDING_TTL = dt.timedelta(days=1)  # an invoice older than this is not paid any more: a new one is made
CURRENCY = "RUB"


def kopecks(value: Decimal) -> int:
    return int((value.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())


# --------------------------------------------------------------------------------------------- the typed sum


class AmountRefusal(StrEnum):
    not_a_number = "not_a_number"
    too_many_decimals = "too_many_decimals"  # 1500,555
    not_positive = "not_positive"  # 0, −5
    too_large = "too_large"  # above MAX_AMOUNT


@dataclass(frozen=True)
class AmountParse:
    value: Decimal | None
    refusal: AmountRefusal | None = None


_CURRENCY_WORDS = re.compile(r"(рублей|рубля|рубль|руб\.?|р\.|₽|rub)\s*$", re.IGNORECASE)
_PLAIN = re.compile(r"(\d+)(?:[.,](\d+))?")
_GROUPED = re.compile(r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+)(?:[.,](\d+))?")


def parse_amount(text: str, cap: Decimal = MAX_AMOUNT) -> AmountParse:
    """«1500», «1 500,50», «1500.5», «1 500 ₽» → Decimal with kopecks; spaces only between groups of three."""
    s = _CURRENCY_WORDS.sub("", (text or "").strip()).strip()
    negative = s[:1] in ("-", "−")
    if negative:
        s = s[1:].strip()
    m = _PLAIN.fullmatch(s) or _GROUPED.fullmatch(s)
    if not m:
        return AmountParse(None, AmountRefusal.not_a_number)
    whole, frac = re.sub(r"\D", "", m.group(1)), m.group(2) or ""
    if len(frac) > 2:
        return AmountParse(None, AmountRefusal.too_many_decimals)
    try:
        value = Decimal(f"{whole}.{frac.ljust(2, '0')}")
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return AmountParse(None, AmountRefusal.not_a_number)
    if negative or value <= 0:
        return AmountParse(None, AmountRefusal.not_positive)
    if value > cap:
        return AmountParse(None, AmountRefusal.too_large)
    return AmountParse(value)


def commission(amount: Decimal, percent: Decimal) -> Decimal:
    """The card commission: ``amount × percent / 100`` rounded half-up to the kopeck."""
    return (amount * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------- amount due


@dataclass(frozen=True)
class DueLine:
    service: str
    amount: Decimal  # negative: a recalculation


@dataclass(frozen=True)
class PeriodDue:
    """One billing period still (partly) unpaid: its charges by service, пени apart, and what remains of it."""

    period: str  # YYYY-MM
    lines: list[DueLine]
    penalties: Decimal
    charged: Decimal
    paid: Decimal  # the part of the payments that went to this period (oldest periods are paid first)
    left: Decimal


@dataclass(frozen=True)
class PayTarget:
    """Whom and for what: the account and its payee (the organization that bills it)."""

    account_id: int
    number: str
    address: str  # the house
    premises: str  # the flat; "" when hidden (an account paid by number that the payer has not linked)
    provider_id: int
    payee: Payee
    payee_short: str
    commission_percent: Decimal | None  # the organization's own; None: the bot's setting
    vat_code: int | None

    @property
    def qr_ready(self) -> bool:
        return not payee_problems(self.payee)

    @property
    def flat_hidden(self) -> bool:
        """Paid by number by someone who has not linked the account: no flat and no debt on their screens."""
        return not self.premises

    @property
    def place(self) -> str:
        """The address as shown: the house and the flat, or the house alone when the flat is hidden."""
        return f"{self.address}, {self.premises}" if self.premises else self.address


@dataclass(frozen=True)
class AmountDue:
    target: PayTarget
    charged: Decimal
    paid: Decimal
    due: Decimal  # charges − payments; ≤ 0: nothing to pay (an advance payment is still possible)
    periods: list[PeriodDue] = field(default_factory=list)  # the open ones, oldest first
    period: str | None = None  # what a payment is for: the latest charged period

    @property
    def penalties(self) -> Decimal:
        return sum((p.penalties for p in self.periods), Decimal("0.00"))


def _is_penalty(service: str) -> bool:
    return service.strip().casefold() == PENALTY_SERVICE.casefold()


def breakdown(charges: list[tuple[str, str, Decimal]], paid: Decimal) -> list[PeriodDue]:
    """Charges (period, service, amount) against the payments' sum, the oldest period paid first; the periods
    that stay open, each with its services (пени apart, recalculations as negative lines)."""
    periods: dict[str, list[tuple[str, Decimal]]] = {}
    for period, service, amount in sorted(charges, key=lambda c: c[0]):
        periods.setdefault(period, []).append((service, Decimal(amount).quantize(CENT)))
    left_to_apply = paid
    out = []
    for period, rows in periods.items():
        charged = sum((a for _, a in rows), Decimal("0.00"))
        applied = min(max(charged, Decimal("0.00")), max(left_to_apply, Decimal("0.00")))
        left_to_apply -= applied
        left = charged - applied
        if left > 0:
            out.append(PeriodDue(period, [DueLine(s, a) for s, a in rows if not _is_penalty(s)],
                                 sum((a for s, a in rows if _is_penalty(s)), Decimal("0.00")), charged, applied,
                                 left))
    return out


async def _target(s: AsyncSession, account_id: int) -> PayTarget | None:
    row = await account_place(s, account_id)
    if row is None:
        return None
    acc, prem, house, org = row
    payee = Payee(org.name, org.inn, org.kpp, org.bank_account, org.bank_name, org.bic, org.corr_account)
    return PayTarget(acc.id, acc.account_number, house_address(house), premises_label(prem), org.id, payee,
                     org.short_name or org.name, org.card_commission_percent, org.vat_code)


async def _linked(s: AsyncSession, user_id: int, account_id: int) -> bool:
    return (await s.execute(select(AccountLink.id).where(
        AccountLink.user_id == user_id, AccountLink.account_id == account_id))).first() is not None


async def _seen_by(s: AsyncSession, user_id: int, target: PayTarget) -> PayTarget:
    """The target as this user may see it: the flat only on an account linked to them (a number typed for someone
    else's account must not tell a stranger which flat it belongs to)."""
    return target if await _linked(s, user_id, target.account_id) else replace(target, premises="")


async def _amount_due(s: AsyncSession, target: PayTarget) -> AmountDue:
    charges = [(r.period, r.service, r.amount) for r in (await s.execute(
        select(Charge.period, Charge.service, Charge.amount).where(Charge.account_id == target.account_id)
        .order_by(Charge.period, Charge.id))).all()]
    paid = Decimal((await s.execute(select(func.sum(Payment.amount))
                                    .where(Payment.account_id == target.account_id))).scalar() or 0).quantize(CENT)
    charged = sum((Decimal(a) for _, _, a in charges), Decimal("0.00")).quantize(CENT)
    period = max((p for p, _, _ in charges), default=None)
    return AmountDue(target, charged, paid, charged - paid, breakdown(charges, paid), period)


async def amount_due(sessions: Sessions, user_id: int, account_id: int) -> AmountDue | None:
    """The amount due of a linked account; None when the account is not linked to this user."""
    async with sessions() as s:
        if not await _linked(s, user_id, account_id):
            return None
        target = await _target(s, account_id)
        return await _amount_due(s, target) if target else None


async def target_of(sessions: Sessions, account_id: int) -> PayTarget | None:
    """The account and payee alone, the flat included: not for a screen of an account paid by number (see
    ``due_by_number``)."""
    async with sessions() as s:
        return await _target(s, account_id)


async def due_by_number(sessions: Sessions, user_id: int, account_id: int) -> AmountDue | None:
    """An account paid by its number: the payee and the house; the flat and the sum due are for the screens of an
    account linked to this user only (a stranger typing numbers must not learn who lives where, nor their debt)."""
    async with sessions() as s:
        target = await _target(s, account_id)
        if target is None:
            return None
        return await _amount_due(s, await _seen_by(s, user_id, target))


@dataclass(frozen=True)
class AccountOption:
    account_id: int
    number: str
    provider: str
    address: str
    due: Decimal


async def payable_accounts(sessions: Sessions, user_id: int) -> list[AccountOption]:
    async with sessions() as s:
        ids = (await s.execute(select(AccountLink.account_id).where(AccountLink.user_id == user_id)
                               .order_by(AccountLink.id))).scalars().all()
        out = []
        for account_id in ids:
            target = await _target(s, account_id)
            if target is None:
                continue
            due = await _amount_due(s, target)
            out.append(AccountOption(account_id, target.number, target.payee_short, target.address, due.due))
    return out


# --------------------------------------------------------------------------------------------- by number


@dataclass(frozen=True)
class FoundPayee:
    provider_id: int
    name: str
    inn: str


class PayeeRefusal(StrEnum):
    bad_query = "bad_query"  # digits of a wrong length, or a check digit wrong
    not_found = "not_found"


async def find_payees(sessions: Sessions, query: str) -> tuple[list[FoundPayee], PayeeRefusal | None]:
    """The registry's organizations by ИНН (10/12 digits, check digits), ОГРН (13/15) or a part of the name."""
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.ru import inn as stdnum_inn
    from stdnum.ru import ogrn as stdnum_ogrn

    q = (query or "").strip()
    digits = re.sub(r"\s", "", q)
    async with sessions() as s:
        stmt = select(Organization).where(Organization.kind.in_(("uk", "tsj", "zhsk", "rso", "other")))
        if digits.isdigit():
            if len(digits) in (10, 12):
                try:
                    stdnum_inn.validate(digits)
                except StdnumError:
                    return [], PayeeRefusal.bad_query
                stmt = stmt.where(Organization.inn == digits)
            elif len(digits) == 13:
                try:
                    stdnum_ogrn.validate(digits)
                except StdnumError:
                    return [], PayeeRefusal.bad_query
                stmt = stmt.where(Organization.ogrn == digits)
            elif len(digits) == 15:
                if int(digits[:-1]) % 13 % 10 != int(digits[-1]):
                    return [], PayeeRefusal.bad_query
                stmt = stmt.where(Organization.ogrn == digits)
            else:
                return [], PayeeRefusal.bad_query
            rows = (await s.execute(stmt.order_by(Organization.id).limit(10))).scalars().all()
        else:
            if len(q) < 3:
                return [], PayeeRefusal.bad_query
            words = q.casefold().replace("ё", "е").split()
            rows = [o for o in (await s.execute(stmt.order_by(Organization.id))).scalars().all()
                    if all(w in f"{o.name} {o.short_name or ''}".casefold().replace("ё", "е") for w in words)][:10]
    found = [FoundPayee(o.id, o.short_name or o.name, o.inn) for o in rows]
    return found, (None if found else PayeeRefusal.not_found)


async def payee_by_id(sessions: Sessions, provider_id: int) -> FoundPayee | None:
    async with sessions() as s:
        o = await s.get(Organization, provider_id)
    return FoundPayee(o.id, o.short_name or o.name, o.inn) if o else None


async def payee_contact(sessions: Sessions, provider_id: int) -> OrgContact | None:
    """Whom to ask for the right account number: the payee's phones and addresses."""
    async with sessions() as s:
        o = await s.get(Organization, provider_id)
    if o is None:
        return None
    return OrgContact(name=org_name(o), kind=o.kind, phone=o.phone, dispatcher_phone=o.dispatcher_phone,
                      email=o.email, website=o.website, address=o.actual_address or o.legal_address)


class NumberRefusal(StrEnum):
    bad_number = "bad_number"  # not 1–30 letters and digits: looked nothing up, tells nothing
    not_found = "not_found"  # a wrong number: counted against the day's tries


async def find_account_of(sessions: Sessions, provider_id: int, raw_number: str
                          ) -> tuple[int | None, NumberRefusal | None]:
    """The account billed by this organization under this number (as printed, or its ЕЛС / ИЖКУ)."""
    from bot.services.accounts import normalize_account_number

    wanted = normalize_account_number(raw_number)
    if wanted is None:
        return None, NumberRefusal.bad_number
    async with sessions() as s:
        rows = (await s.execute(select(Account.id, Account.account_number, Account.els, Account.jku_id)
                                .where(Account.provider_id == provider_id))).all()
    for r in rows:
        if wanted in {normalize_account_number(v or "") for v in r[1:4]}:
            return r.id, None
    return None, NumberRefusal.not_found


# --------------------------------------------------------------------------------------------- methods


class CardUnavailable(StrEnum):
    no_token = "no_token"
    below_min = "below_min"
    above_max = "above_max"


@dataclass(frozen=True)
class Methods:
    amount: Decimal
    percent: Decimal
    commission: Decimal
    card_total: Decimal
    card: CardUnavailable | None  # None: the card is offered
    qr: bool  # the payee has complete bank details


def methods(target: PayTarget, amount: Decimal, *, token_set: bool, default_percent: Decimal,
            invoice_min: Decimal, invoice_max: Decimal) -> Methods:
    percent = target.commission_percent if target.commission_percent is not None else default_percent
    fee = commission(amount, percent)
    total = amount + fee
    card = None
    if not token_set:
        card = CardUnavailable.no_token
    elif total < invoice_min:
        card = CardUnavailable.below_min
    elif total > invoice_max:
        card = CardUnavailable.above_max
    return Methods(amount, percent, fee, total, card, target.qr_ready)


# --------------------------------------------------------------------------------------------- card: pending


@dataclass(frozen=True)
class Pending:
    id: int
    payload: str
    amount: Decimal
    commission: Decimal
    period: str | None

    @property
    def total(self) -> Decimal:
        return self.amount + self.commission


def make_payload(pending_id: int, nonce: str) -> str:
    return f"pay:{pending_id}:{nonce}"


_PAYLOAD = re.compile(r"pay:(\d{1,18}):([0-9a-f]{32})")


def parse_payload(payload: str) -> tuple[int, str] | None:
    m = _PAYLOAD.fullmatch(payload or "")
    return (int(m.group(1)), m.group(2)) if m else None


async def create_pending(sessions: Sessions, user_id: int, account_id: int, amount: Decimal, fee: Decimal,
                         period: str | None, now_utc: dt.datetime) -> Pending:
    """The pending payment an invoice will name; written (and committed) before ``sendInvoice``."""
    nonce = secrets.token_hex(16)
    async with sessions.begin() as s:
        await ensure_user(s, user_id)
        row = PendingPayment(user_id=user_id, account_id=account_id, nonce=nonce, amount=amount, commission=fee,
                             period=period, status="pending", created_at=now_utc)
        s.add(row)
        await s.flush()
        return Pending(row.id, make_payload(row.id, nonce), amount, fee, period)


class PrecheckoutRefusal(StrEnum):
    unknown = "unknown"  # no such pending payment (or a forged payload)
    other_user = "other_user"  # a forwarded invoice paid by someone else
    paid = "paid"
    expired = "expired"
    amount = "amount"  # the total does not match to the kopeck
    currency = "currency"


async def precheckout(sessions: Sessions, user_id: int, payload: str, currency: str, total_amount: int,
                      now_utc: dt.datetime) -> PrecheckoutRefusal | None:
    """Telegram asks whether to take the money (answer within 10 s): one short read. None means yes."""
    parsed = parse_payload(payload)
    if parsed is None:
        return PrecheckoutRefusal.unknown
    pending_id, nonce = parsed
    async with sessions() as s:
        row = (await s.execute(select(PendingPayment.user_id, PendingPayment.nonce, PendingPayment.status,
                                      PendingPayment.amount, PendingPayment.commission, PendingPayment.created_at)
                               .where(PendingPayment.id == pending_id))).first()
    if row is None or not hmac.compare_digest(row.nonce, nonce):
        return PrecheckoutRefusal.unknown
    if row.user_id != user_id:
        return PrecheckoutRefusal.other_user
    if row.status != "pending":
        return PrecheckoutRefusal.paid
    if now_utc - row.created_at > PENDING_TTL:
        return PrecheckoutRefusal.expired
    if currency != CURRENCY:
        return PrecheckoutRefusal.currency
    if total_amount != kopecks(Decimal(row.amount) + Decimal(row.commission)):
        return PrecheckoutRefusal.amount
    return None


# --------------------------------------------------------------------------------------------- card: success


class SuccessStatus(StrEnum):
    recorded = "recorded"
    duplicate = "duplicate"  # the same charge delivered again: counted once
    overpayment = "overpayment"  # a second, different charge of one pending payment: kept, to refund
    unknown = "unknown"  # no pending payment behind it: the staff must look


@dataclass(frozen=True)
class Receipt:
    payment_id: int
    payee: str
    payee_inn: str
    account_number: str
    address: str
    period: str | None
    amount: Decimal
    commission: Decimal
    paid_at: dt.datetime  # naive UTC
    telegram_charge_id: str
    provider_charge_id: str | None
    email: str | None
    refund_due: bool
    user_id: int

    @property
    def total(self) -> Decimal:
        return self.amount + self.commission


@dataclass(frozen=True)
class Success:
    status: SuccessStatus
    receipt: Receipt | None = None


async def _receipt(s: AsyncSession, pay: Payment, period: str | None) -> Receipt:
    target = await _seen_by(s, pay.user_id or 0, await _target(s, pay.account_id))
    return Receipt(pay.id, target.payee.name, target.payee.inn or "", target.number, target.place, period,
                   Decimal(pay.amount), Decimal(pay.commission or 0), pay.paid_at or pay.created_at,
                   pay.telegram_charge_id or "", pay.provider_charge_id, pay.email, bool(pay.refund_due),
                   pay.user_id or 0)


async def record_success(sessions: Sessions, user_id: int, payload: str, telegram_charge_id: str,
                         provider_charge_id: str | None, email: str | None, now_utc: dt.datetime,
                         today: dt.date) -> Success:
    """A successful payment, recorded once: keyed by Telegram's charge id (unique in the database)."""
    parsed = parse_payload(payload)
    async with sessions.begin() as s:
        existing = (await s.execute(select(Payment).where(Payment.telegram_charge_id == telegram_charge_id)
                                    )).scalar_one_or_none()
        if existing is not None:
            pending = await s.get(PendingPayment, existing.pending_id) if existing.pending_id else None
            return Success(SuccessStatus.duplicate, await _receipt(s, existing, pending.period if pending else None))
        pending = await s.get(PendingPayment, parsed[0]) if parsed else None
        if pending is None or not hmac.compare_digest(pending.nonce, parsed[1]):
            return Success(SuccessStatus.unknown)
        user = await ensure_user(s, user_id)
        if email:
            user.email = email[:254]
        # of two successes of one pending payment only one turns it paid; the other is an overpayment
        won = (await s.execute(update(PendingPayment).where(PendingPayment.id == pending.id,
                                                            PendingPayment.status == "pending")
                               .values(status="paid", paid_at=now_utc))).rowcount == 1
        pay = Payment(source="bot", account_id=pending.account_id, paid_on=today, amount=pending.amount,
                      commission=pending.commission, user_id=user_id, method="card",
                      telegram_charge_id=telegram_charge_id, provider_charge_id=provider_charge_id,
                      pending_id=pending.id, refund_due=not won, email=email, paid_at=now_utc)
        try:
            async with s.begin_nested():
                s.add(pay)
        except IntegrityError:  # the same update handled at this very moment by another replica
            return Success(SuccessStatus.duplicate)
        await s.flush()
        receipt = await _receipt(s, pay, pending.period)
    return Success(SuccessStatus.recorded if won else SuccessStatus.overpayment, receipt)


# --------------------------------------------------------------------------------------------- history


@dataclass(frozen=True)
class HistoryItem:
    paid_on: dt.date
    amount: Decimal
    channel: str | None  # the billing system's words, as imported
    method: str | None  # card: made in the bot
    refund_due: bool = False


@dataclass(frozen=True)
class HistoryMonth:
    month: str  # YYYY-MM of the payment date
    items: list[HistoryItem]
    total: Decimal
    charged: Decimal  # charges of the billing period with this number


@dataclass(frozen=True)
class History:
    target: PayTarget
    months: list[HistoryMonth]
    total: Decimal


def _months_back(today: dt.date, n: int) -> list[str]:
    y, m = today.year, today.month
    out = []
    for _ in range(n):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out


async def history(sessions: Sessions, user_id: int, account_id: int, today: dt.date) -> History | None:
    """The payments of the last 12 months (imported and made in the bot), newest month first; None when the
    account is not linked to this user."""
    months = _months_back(today, 12)
    since = dt.date(int(months[-1][:4]), int(months[-1][5:]), 1)
    async with sessions() as s:
        if not await _linked(s, user_id, account_id):
            return None
        target = await _target(s, account_id)
        rows = (await s.execute(select(Payment).where(Payment.account_id == account_id, Payment.paid_on >= since)
                                .order_by(Payment.paid_on.desc(), Payment.id.desc()))).scalars().all()
        charged = dict((await s.execute(select(Charge.period, func.sum(Charge.amount)).where(
            Charge.account_id == account_id, Charge.period.in_(months)).group_by(Charge.period))).all())
    by_month: dict[str, list[HistoryItem]] = {}
    for p in rows:
        by_month.setdefault(p.paid_on.strftime("%Y-%m"), []).append(
            HistoryItem(p.paid_on, Decimal(p.amount), p.channel, p.method, bool(p.refund_due)))
    out = [HistoryMonth(m, by_month.get(m, []), sum((i.amount for i in by_month.get(m, [])), Decimal("0.00")),
                        Decimal(charged.get(m) or 0).quantize(CENT))
           for m in months if m in by_month or charged.get(m)]
    return History(target, out, sum((mo.total for mo in out), Decimal("0.00")))


async def user_email(sessions: Sessions, user_id: int) -> str | None:
    async with sessions() as s:
        return (await s.execute(select(User.email).where(User.id == user_id))).scalar_one_or_none()


# --------------------------------------------------------------------------------------------- staff export


@dataclass(frozen=True)
class ExportLine:
    provider_ogrn: str
    account: str
    user_id: int | None
    amount: Decimal
    commission: Decimal
    method: str | None
    telegram_charge_id: str | None
    provider_charge_id: str | None
    paid_at: dt.datetime  # local, naive
    refund_due: bool


async def export_payments(sessions: Sessions, period: str, tz, provider_ogrn: str | None = None) -> list[ExportLine]:
    """The payments made in the bot in a month (by the local date), for reconciliation with the billing system:
    the overpayments to refund first, then by time."""
    year, month = int(period[:4]), int(period[5:7])
    first = dt.date(year, month, 1)
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    stmt = (select(Payment, Organization.ogrn, Account.account_number)
            .join(Account, Account.id == Payment.account_id).join(Organization, Organization.id == Account.provider_id)
            .where(Payment.source == "bot", Payment.paid_on >= first, Payment.paid_on < nxt))
    if provider_ogrn:
        stmt = stmt.where(Organization.ogrn == provider_ogrn)
    async with sessions() as s:
        rows = (await s.execute(stmt)).all()
    out = [ExportLine(ogrn, number, p.user_id, Decimal(p.amount), Decimal(p.commission or 0), p.method,
                      p.telegram_charge_id, p.provider_charge_id,
                      (p.paid_at or p.created_at).replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None),
                      bool(p.refund_due)) for p, ogrn, number in rows]
    return sorted(out, key=lambda e: (not e.refund_due, e.paid_at))


def export_name(period: str, provider_ogrn: str | None, fmt: str) -> str:
    """«payments_2026-11.xlsx», «payments_2026-11_1027700000001.csv»: the staff /payments and the CLI name it alike."""
    return f"payments_{period}{'_' + provider_ogrn if provider_ogrn else ''}.{fmt}"


def export_file(lines: list[ExportLine], headers: tuple[str, ...], statuses: tuple[str, str], fmt: str, *,
                methods: dict[str, str], sheet: str) -> bytes:
    """CSV (UTF-8 with BOM, «;») or XLSX; ``statuses``: the words for (paid, to refund), ``methods`` for the
    stored methods («card»), ``sheet`` the XLSX sheet's title."""
    import csv
    import io

    table = [[e.provider_ogrn, e.account, e.user_id, e.amount, e.commission, methods.get(e.method or "", e.method or ""),
              e.telegram_charge_id or "", e.provider_charge_id or "", e.paid_at, statuses[e.refund_due]]
             for e in lines]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
        w.writerow(headers)
        for row in table:
            w.writerow([csv_text(f"{v:.2f}".replace(".", ",") if isinstance(v, Decimal) else
                                 v.strftime("%d.%m.%Y %H:%M") if isinstance(v, dt.datetime) else
                                 "" if v is None else str(v)) for v in row])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]  # Excel's limit
    ws.append(list(headers))
    for row in table:
        xlsx_row(ws, row)  # texts as string cells, a formula-like one quote-prefixed (no apostrophe in the value)
        for col in "DE":
            ws[f"{col}{ws.max_row}"].number_format = "0.00"
        ws[f"I{ws.max_row}"].number_format = "DD.MM.YYYY HH:MM"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
