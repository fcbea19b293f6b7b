"""Лицевые счета: house search, finding an account in a house, proofs that it is the resident's, requests to the
УК's staff, linking and unlinking, the list of linked accounts and their debts.

Every function that acts on an account for a user re-checks that the user may: callback data can be forged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import staff_cards as cards
from bot.services.clock import Clock
from bot.services.houses import account_place, house_address, premises_label
from bot.services.numbers import ungroup_digits
from bot.services.users import ensure_user
from storage.models import (
    Account,
    AccountLink,
    Charge,
    House,
    LinkAttempt,
    LinkRequest,
    Organization,
    Owner,
    Payment,
    Premises,
    StaffCard,
    User,
)

Sessions = async_sessionmaker[AsyncSession]

MAX_BILL_FAILURES = 5
PENALTY_SERVICE = "Пени"
MANAGER_KINDS = ("uk", "tsj", "zhsk")

# --------------------------------------------------------------------------------------------- formatting





def short_person(name: str) -> str:
    """«Хабибуллин Ринат Ильдарович» → «Хабибуллин Р. И.»; an organization's name stays as it is."""
    words = name.split()
    if len(words) < 2 or any(c in name for c in "«\"'") or not all(w[:1].isupper() for w in words):
        return name.strip()
    return words[0] + " " + " ".join(f"{w[0]}." for w in words[1:3])


def org_name(o: Organization) -> str:
    return o.short_name or o.name


def normalize_phone(raw: str) -> str | None:
    """Any Russian way of writing a number → +7XXXXXXXXXX; None when it is not a Russian mobile/landline."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if len(digits) == 10:
        return "+7" + digits
    return None


_MONEY = re.compile(r"^([-−]?)(\d{1,12})(?:[.,](\d{1,2}))?$")
_CURRENCY = re.compile(r"(руб(лей|ля|ль)?\.?|р\.|₽|rub)", re.IGNORECASE)


def parse_money(text: str) -> Decimal | None:
    """«4 908,94», «4908.94», «4908,94 руб», «4908» → Decimal; anything else (also «49 08,94»: spaces only
    between groups of three) → None.

    A leading minus is allowed: a bill whose recalculation exceeds its charges totals below zero."""
    s = _CURRENCY.sub("", text or "").strip()
    m = _MONEY.fullmatch(ungroup_digits(s) or "")
    if not m:
        return None
    try:
        sign = "-" if m.group(1) else ""
        return Decimal(f"{sign}{m.group(2)}.{(m.group(3) or '0').ljust(2, '0')}")
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        return None


_SUM_MARK = re.compile(r"\d[.,]\d{1,2}\s*\D*$|" + _CURRENCY.pattern, re.IGNORECASE)


def parse_typed_sum(text: str) -> Decimal | None:
    """A sum typed where a sum is not asked for yet (the proof step): only one that cannot be anything else —
    with kopecks or a currency sign («2 082,03», «2082.03», «2082 руб»). A bare number may be the account
    number typed again, and must not cost a try."""
    if not _SUM_MARK.search(text or ""):
        return None
    return parse_money(text)


def normalize_account_number(raw: str) -> str | None:
    """Spaces and dashes dropped, upper case; None unless 1–30 letters and digits remain."""
    s = re.sub(r"[\s\-‐-―_./№#]", "", raw or "").upper().replace("Ё", "Е")
    if not re.fullmatch(r"[0-9A-ZА-Я]{1,30}", s):
        return None
    return s


# --------------------------------------------------------------------------------------------- house search




@dataclass(frozen=True)
class OrgContact:
    name: str
    kind: str
    phone: str | None
    dispatcher_phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None


def _contact(o: Organization) -> OrgContact:
    return OrgContact(name=org_name(o), kind=o.kind, phone=o.phone, dispatcher_phone=o.dispatcher_phone,
                      email=o.email, website=o.website, address=o.actual_address or o.legal_address)


async def help_contacts(sessions: Sessions, limit: int = 5) -> list[OrgContact]:
    """«Нет моего дома»: the housing inspectorate (ГЖИ) and the managing organizations in the registry."""
    async with sessions() as s:
        gzhi = (await s.execute(select(Organization).where(Organization.kind == "gzhi")
                                .order_by(Organization.id).limit(limit))).scalars().all()
        managers = (await s.execute(select(Organization).where(Organization.kind.in_(MANAGER_KINDS))
                                    .order_by(Organization.id).limit(limit))).scalars().all()
    return [_contact(o) for o in [*gzhi, *managers]]


async def _manager(s: AsyncSession, account_id: int) -> OrgContact | None:
    row = (await s.execute(
        select(Organization).join(House, House.manager_id == Organization.id)
        .join(Premises, Premises.house_id == House.id).join(Account, Account.premises_id == Premises.id)
        .where(Account.id == account_id)
    )).scalar_one_or_none()
    return _contact(row) if row else None


async def manager_contact(sessions: Sessions, account_id: int) -> OrgContact | None:
    """The УК of the house the account is in (who confirms accounts when the bot cannot reach it)."""
    async with sessions() as s:
        return await _manager(s, account_id)


async def house_manager(sessions: Sessions, house_id: int) -> OrgContact | None:
    """The УК of a house: where a dead end of the linking flow sends the resident."""
    async with sessions() as s:
        row = (await s.execute(select(Organization).join(House, House.manager_id == Organization.id)
                               .where(House.id == house_id))).scalar_one_or_none()
    return _contact(row) if row else None


# --------------------------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class AccountChoice:
    account_id: int
    provider: str


@dataclass(frozen=True)
class FoundAccount:
    status: str  # found | not_found | bad_number | already_linked | choose (several providers use the number)
    account_id: int | None = None
    number: str = ""
    choices: tuple[AccountChoice, ...] = ()


async def find_account(sessions: Sessions, user_id: int, house_id: int, raw_number: str) -> FoundAccount:
    """An account of a premises in this house by its number (or ЕЛС, or ИЖКУ). Tells nothing else about it —
    but the names of the organizations when several of them (the УК, an РСО) bill under the same number."""
    wanted = normalize_account_number(raw_number)
    if wanted is None:
        return FoundAccount("bad_number")
    async with sessions() as s:
        rows = (await s.execute(
            select(Account.id, Account.account_number, Account.els, Account.jku_id, Organization.short_name,
                   Organization.name)
            .join(Premises, Premises.id == Account.premises_id)
            .join(Organization, Organization.id == Account.provider_id)
            .where(Premises.house_id == house_id).order_by(Account.id)
        )).all()
        matches = [r for r in rows if wanted in {normalize_account_number(v or "") for v in r[1:4]}]
        if not matches:
            return FoundAccount("not_found", number=wanted)
        linked = set((await s.execute(select(AccountLink.account_id).where(
            AccountLink.user_id == user_id, AccountLink.account_id.in_([r.id for r in matches])))).scalars())
    free = [r for r in matches if r.id not in linked]
    if not free:
        return FoundAccount("already_linked", matches[0].id, matches[0].account_number)
    if len(free) == 1:
        return FoundAccount("found", free[0].id, free[0].account_number)
    # the number as the bills print it («УР-701», not «УР701») when the organizations print it alike
    printed = {r.account_number for r in free}
    number = printed.pop() if len(printed) == 1 and normalize_account_number(free[0].account_number) == wanted \
        else wanted
    return FoundAccount("choose", number=number,
                        choices=tuple(AccountChoice(r.id, r.short_name or r.name) for r in free))


# --------------------------------------------------------------------------------------------- proofs


async def _save_phone(s: AsyncSession, user_id: int, raw_phone: str) -> str | None:
    """The phone the user shared, saved on the user (they chose to share it); normalised, or None if not Russian."""
    phone = normalize_phone(raw_phone)
    user = await ensure_user(s, user_id)
    if phone:
        user.phone = phone
    else:
        digits = re.sub(r"\D", "", raw_phone or "")
        if digits:
            user.phone = ("+" + digits)[:16]
    return phone


async def prove_by_phone(sessions: Sessions, user_id: int, account_id: int, raw_phone: str) -> bool:
    """The user's own phone (from the contact button) against the payer's and the owners' phones on record.

    The phone is saved on the user either way: the user chose to share it."""
    async with sessions.begin() as s:
        phone = await _save_phone(s, user_id, raw_phone)
        if phone is None:
            return False
        acc = await s.get(Account, account_id)
        if acc is None:
            return False
        if normalize_phone(acc.payer_phone or "") == phone:
            return True
        owners = (await s.execute(select(Owner.phone).where(Owner.premises_id == acc.premises_id))).scalars()
        return any(normalize_phone(p or "") == phone for p in owners)


MAX_PHONE_ACCOUNTS = 8  # accounts offered for one shared phone (a number on a whole house's rows is not a person's)


@dataclass(frozen=True)
class PhoneAccounts:
    """The accounts the user's own phone proves: the payer's phone or an owner's phone of its premises on record."""

    phone: str | None  # +7XXXXXXXXXX; None when the shared number is not a Russian one
    accounts: tuple[AccountSummary, ...] = ()
    linked: int = 0  # when none is left to offer: how many of the phone's accounts are the user's already
    too_many: bool = False  # more than MAX_PHONE_ACCOUNTS: offered none, the flow by address and number instead


async def accounts_by_phone(sessions: Sessions, user_id: int, raw_phone: str) -> PhoneAccounts:
    """A contact shared outside the linking flow: the accounts it proves that are not yet the user's, in the order
    of their numbers. The phone is saved on the user, as in the flow."""
    async with sessions.begin() as s:
        phone = await _save_phone(s, user_id, raw_phone)
        if phone is None:
            return PhoneAccounts(None)
        owned = select(Owner.premises_id).where(Owner.phone == phone)
        proven = (Account.payer_phone == phone) | Account.premises_id.in_(owned)
        mine = select(AccountLink.account_id).where(AccountLink.user_id == user_id)
        ids = (await s.execute(
            select(Account.id).where(proven, Account.id.not_in(mine))
            .order_by(Account.account_number, Account.id).limit(MAX_PHONE_ACCOUNTS + 1)
        )).scalars().all()
        if len(ids) > MAX_PHONE_ACCOUNTS:  # an office or dispatcher number on many rows, not one resident's
            return PhoneAccounts(phone, too_many=True)
        if not ids:
            linked = (await s.execute(select(func.count()).where(proven, Account.id.in_(mine)))).scalar_one()
            return PhoneAccounts(phone, linked=linked)
        return PhoneAccounts(phone, await _summaries(s, ids))


async def _failures(s: AsyncSession, user_id: int, account_id: int, day: dt.date) -> int:
    return (await s.execute(select(LinkAttempt.failures).where(
        LinkAttempt.user_id == user_id, LinkAttempt.account_id == account_id, LinkAttempt.day == day
    ))).scalar_one_or_none() or 0


async def bill_attempts_left(sessions: Sessions, user_id: int, account_id: int, today: dt.date) -> int:
    async with sessions() as s:
        return max(0, MAX_BILL_FAILURES - await _failures(s, user_id, account_id, today))


async def _latest_period_total(s: AsyncSession, account_id: int) -> Decimal | None:
    period = (await s.execute(select(func.max(Charge.period)).where(Charge.account_id == account_id))).scalar()
    if period is None:
        return None
    total = (await s.execute(select(func.sum(Charge.amount)).where(
        Charge.account_id == account_id, Charge.period == period))).scalar()
    return Decimal(total or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class BillCheck:
    status: str  # ok | wrong | blocked | no_bill
    left: int


async def check_bill_total(sessions: Sessions, user_id: int, account_id: int, amount: Decimal,
                           today: dt.date) -> BillCheck:
    """The total of the last bill (all charges of the latest period), to the kopeck; 5 wrong a day, then no."""
    async with sessions.begin() as s:
        await ensure_user(s, user_id)
        failures = await _failures(s, user_id, account_id, today)
        if failures >= MAX_BILL_FAILURES:
            return BillCheck("blocked", 0)
        total = await _latest_period_total(s, account_id)
        if total is None:
            return BillCheck("no_bill", MAX_BILL_FAILURES - failures)
        if amount.quantize(Decimal("0.01")) == total:
            return BillCheck("ok", MAX_BILL_FAILURES - failures)
        if failures == 0:
            try:
                async with s.begin_nested():
                    s.add(LinkAttempt(account_id=account_id, user_id=user_id, day=today, failures=1))
            except IntegrityError:  # a parallel wrong answer created the row first
                failures = -1
        if failures != 0:
            await s.execute(update(LinkAttempt).where(
                LinkAttempt.user_id == user_id, LinkAttempt.account_id == account_id, LinkAttempt.day == today
            ).values(failures=LinkAttempt.failures + 1))
        now_failures = await _failures(s, user_id, account_id, today)
    left = max(0, MAX_BILL_FAILURES - now_failures)
    return BillCheck("blocked" if left == 0 else "wrong", left)


# --------------------------------------------------------------------------------------------- check and link


@dataclass(frozen=True)
class AccountSummary:
    """«Проверьте данные»: shown only after the proof."""

    account_id: int
    number: str
    address: str
    premises: str
    provider: str
    payer: str  # «Хабибуллин Р. И.»
    house_id: int = 0  # the account's house («Написать обращение» about it)


async def _summary(s: AsyncSession, account_id: int) -> AccountSummary | None:
    row = await account_place(s, account_id)
    if row is None:
        return None
    acc, prem, house, org = row
    return AccountSummary(acc.id, acc.account_number, house_address(house), premises_label(prem), org_name(org),
                          short_person(acc.payer_name), house.id)


async def account_summary(sessions: Sessions, account_id: int) -> AccountSummary | None:
    async with sessions() as s:
        return await _summary(s, account_id)


async def _summaries(s: AsyncSession, account_ids: Sequence[int]) -> tuple[AccountSummary, ...]:
    """Those of the accounts that still exist, in the order given."""
    found = [await _summary(s, i) for i in account_ids]
    return tuple(f for f in found if f is not None)


async def account_summaries(sessions: Sessions, account_ids: list[int]) -> tuple[AccountSummary, ...]:
    async with sessions() as s:
        return await _summaries(s, account_ids)


@dataclass(frozen=True)
class ClosedRequest:
    """A request to the УК's staff that the resident's own proof made moot: its staff message is to say so."""

    view: RequestView
    method: str  # how the resident proved it: phone | bill_total


@dataclass(frozen=True)
class LinkResult:
    created: bool  # False: it was linked already
    closed: list[ClosedRequest] = field(default_factory=list)


async def link_account(sessions: Sessions, user_id: int, account_id: int, method: str,
                       now_utc: dt.datetime, approved_by: int | None = None) -> LinkResult:
    """Link. A proof of the resident's own (phone, bill total) also closes their requests to the УК for this
    account still waiting for the staff."""
    async with sessions.begin() as s:
        await ensure_user(s, user_id)
        created = await _link(s, user_id, account_id, method, now_utc, approved_by)
        closed = []
        if method != "staff":
            closed = [ClosedRequest(v, method) for v in await _close_pending(s, user_id, account_id, now_utc)]
        return LinkResult(created, closed)


async def _close_pending(s: AsyncSession, user_id: int, account_id: int, now_utc: dt.datetime) -> list[RequestView]:
    """Close the user's pending requests for an account that is linked to them now.

    They become 'approved' with decided_by left NULL: nobody of the staff decided — the resident proved the
    account theirs (phone or bill total), which is what the staff were asked to confirm. A staff decision always
    sets decided_by, so NULL there means «closed by the resident's own proof»."""
    ids = (await s.execute(select(LinkRequest.id).where(
        LinkRequest.user_id == user_id, LinkRequest.account_id == account_id, LinkRequest.status == "pending"
    ))).scalars().all()
    views = []
    for request_id in ids:
        # a staff member pressing at this very moment wins the request; then it is not ours to close
        done = await s.execute(update(LinkRequest).where(LinkRequest.id == request_id,
                                                         LinkRequest.status == "pending")
                               .values(status="approved", decided_by=None, decided_at=now_utc))
        if done.rowcount == 1:
            card = await cards.of_subject(s, cards.CardKind.link, request_id)
            if card is not None:
                await cards.close(s, card.id, "self_linked", None, None, now_utc)
            req = await s.get(LinkRequest, request_id)
            await s.refresh(req)
            views.append(await _view(s, req))
    return views


async def _link(s: AsyncSession, user_id: int, account_id: int, method: str, now_utc: dt.datetime,
                approved_by: int | None) -> bool:
    exists = (await s.execute(select(AccountLink.id).where(
        AccountLink.user_id == user_id, AccountLink.account_id == account_id))).first()
    if exists:
        return False
    try:
        async with s.begin_nested():
            s.add(AccountLink(user_id=user_id, account_id=account_id, method=method, proven_at=now_utc,
                              approved_by=approved_by))
    except IntegrityError:  # linked by a parallel update
        return False
    return True


# --------------------------------------------------------------------------------------------- staff requests

MAX_REQUESTS_A_DAY = 3  # requests to the УК's staff one resident may post a local day (all accounts together)


class Relation(StrEnum):
    """Who the resident is to the payer of the account, as they tell the staff."""

    owner = "owner"  # собственник
    tenant = "tenant"  # наниматель, арендатор
    family = "family"  # член семьи собственника или нанимателя


_NAME = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:(?:\. ?|[-'’ ])[A-Za-zА-Яа-яЁё]+)*\.?")


def clean_applicant_name(raw: str) -> str | None:
    """The resident's name as typed («иванов  иван» → «иванов иван»): 2–100 characters of letters with spaces,
    hyphens, apostrophes and dots between them, at least two letters; None for anything else."""
    name = " ".join((raw or "").split())
    if not 2 <= len(name) <= 100 or not _NAME.fullmatch(name):
        return None
    return name


@dataclass(frozen=True)
class RequestView:
    id: int
    user_id: int
    user_name: str
    username: str | None
    summary: AccountSummary
    payer_full: str
    status: str
    decided_by: int | None
    decided_at: dt.datetime | None
    staff_message_id: int | None = None  # the request's card in the staff chat
    applicant_name: str | None = None
    relation: Relation | None = None
    phone: str | None = None
    reason: str | None = None  # the staff's reason for a rejection
    decided_by_name: str | None = None
    card_id: int | None = None


class Gate(StrEnum):
    """May the resident ask the УК's staff to confirm this account now?"""

    ok = "ok"
    rso = "rso"  # an РСО bills it: the УК's staff cannot confirm it, the РСО can
    pending = "pending"  # a request for this account waits for the staff already
    too_many = "too_many"  # MAX_REQUESTS_A_DAY requests today
    missing = "missing"  # the account vanished from the registry


@dataclass(frozen=True)
class RequestGate:
    gate: Gate
    provider: OrgContact | None = None  # who bills the account (for ``rso``)


@dataclass(frozen=True)
class NewRequest:
    gate: Gate
    view: RequestView | None = None
    provider: OrgContact | None = None


async def _view(s: AsyncSession, req: LinkRequest) -> RequestView:
    user = await s.get(User, req.user_id)
    acc = await s.get(Account, req.account_id)
    summary = await _summary(s, req.account_id)
    card = await cards.of_subject(s, cards.CardKind.link, req.id)
    name = " ".join(p for p in (user.first_name if user else "", user.last_name if user else None) if p)
    return RequestView(req.id, req.user_id, name or str(req.user_id), user.username if user else None,
                       summary, acc.payer_name if acc else "", req.status, req.decided_by, req.decided_at,
                       card.message_id if card and card.message_id is not None else req.staff_message_id,
                       req.applicant_name, Relation(req.relation) if req.relation else None, req.phone, req.reason,
                       card.decided_by_name if card else None, card.id if card else None)


def _day_start_utc(clock: Clock) -> dt.datetime:
    local = clock.now()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(dt.UTC).replace(tzinfo=None)


async def _gate(s: AsyncSession, user_id: int, account_id: int, clock: Clock) -> RequestGate:
    row = (await s.execute(select(Organization).join(Account, Account.provider_id == Organization.id)
                           .where(Account.id == account_id))).scalar_one_or_none()
    if row is None:
        return RequestGate(Gate.missing)
    if row.kind == "rso":
        return RequestGate(Gate.rso, _contact(row))
    pending = (await s.execute(select(LinkRequest.id).where(
        LinkRequest.user_id == user_id, LinkRequest.account_id == account_id, LinkRequest.status == "pending"
    ))).first()
    if pending:
        return RequestGate(Gate.pending)
    today = (await s.execute(select(func.count(LinkRequest.id)).where(
        LinkRequest.user_id == user_id, LinkRequest.created_at >= _day_start_utc(clock)))).scalar() or 0
    if today >= MAX_REQUESTS_A_DAY:
        return RequestGate(Gate.too_many)
    return RequestGate(Gate.ok)


async def request_gate(sessions: Sessions, user_id: int, account_id: int, clock: Clock) -> RequestGate:
    """Checked when the resident picks «Запросить подтверждение у УК», before their name is asked."""
    async with sessions() as s:
        return await _gate(s, user_id, account_id, clock)


async def create_link_request(sessions: Sessions, user_id: int, account_id: int, applicant_name: str,
                              relation: Relation, first_name: str, last_name: str | None, username: str | None,
                              clock: Clock) -> NewRequest:
    """The request and its (not yet posted) staff card, when the gate lets it through (checked again here: the
    name step may have taken a while, and another request may have been posted meanwhile)."""
    async with sessions.begin() as s:
        user = await ensure_user(s, user_id, first_name)
        if (user.first_name, user.last_name, user.username) != (first_name or "", last_name, username):
            user.first_name, user.last_name, user.username = first_name or "", last_name, username
        gate = await _gate(s, user_id, account_id, clock)
        if gate.gate is not Gate.ok:
            return NewRequest(gate.gate, provider=gate.provider)
        now = clock.utcnow()
        req = LinkRequest(user_id=user_id, account_id=account_id, status="pending", applicant_name=applicant_name,
                          relation=relation.value, phone=user.phone, created_at=now, updated_at=now)
        s.add(req)
        await s.flush()
        await cards.create(s, cards.CardKind.link, req.id, now)
        return NewRequest(Gate.ok, await _view(s, req))


async def set_request_message(sessions: Sessions, request_id: int, chat_id: int, message_id: int) -> None:
    async with sessions.begin() as s:
        await s.execute(update(LinkRequest).where(LinkRequest.id == request_id)
                        .values(staff_message_id=message_id))
        card = await cards.of_subject(s, cards.CardKind.link, request_id)
        if card is not None:
            await s.execute(update(StaffCard).where(StaffCard.id == card.id)
                            .values(chat_id=chat_id, message_id=message_id))


async def drop_request(sessions: Sessions, request_id: int) -> None:
    """The request never reached the staff chat: forget it (and its card), so the resident can ask again."""
    async with sessions.begin() as s:
        req = await s.get(LinkRequest, request_id)
        if req is not None and req.status == "pending":
            card = await cards.of_subject(s, cards.CardKind.link, request_id)
            if card is not None:
                await cards.forget(s, card.id)
            await s.delete(req)


async def request_view(sessions: Sessions, request_id: int) -> RequestView | None:
    async with sessions() as s:
        req = await s.get(LinkRequest, request_id)
        return await _view(s, req) if req else None


class Outcome(StrEnum):
    decided = "decided"
    already = "already"  # decided before (by another press, another staff member)
    self_linked = "self_linked"  # the resident linked the account themselves
    missing = "missing"
    busy = "busy"  # another staff member is writing the reason for a rejection
    asking = "asking"  # «Отклонить»: the reason is awaited from this staff member


@dataclass(frozen=True)
class StaffDecision:
    outcome: Outcome
    view: RequestView | None = None
    linked: bool = False  # approved and the link was created now
    staff_message_id: int | None = None
    method: str | None = None  # self_linked: how the resident linked it
    manager: OrgContact | None = None  # the УК of the house: the resident is given its phones on a rejection
    card: cards.Card | None = None  # asking: the card waiting for the reason


def closed_by_resident(view: RequestView) -> bool:
    """Approved with nobody of the staff deciding: closed by the resident's own proof (see ``_close_pending``)."""
    return view.status == "approved" and view.decided_by is None


async def _moot(s: AsyncSession, req: LinkRequest, card: cards.Card | None, staff_id: int,
                now_utc: dt.datetime) -> StaffDecision | None:
    """Why a staff member's press decides nothing (missing, decided, linked by the resident, another staff member
    writing a reason); None when it may decide."""
    if req.status != "pending":
        view = await _view(s, req)
        if closed_by_resident(view):
            return StaffDecision(Outcome.self_linked, view, staff_message_id=view.staff_message_id,
                                 method=await _link_method(s, req.user_id, req.account_id))
        return StaffDecision(Outcome.already, view, staff_message_id=view.staff_message_id)
    if card is not None and card.status is cards.CardStatus.asking and card.asked_by != staff_id:
        return StaffDecision(Outcome.busy, await _view(s, req), staff_message_id=card.message_id)
    method = await _link_method(s, req.user_id, req.account_id)
    if method is not None:  # linked meanwhile (a request from before requests were closed on linking)
        await _close_pending(s, req.user_id, req.account_id, now_utc)
        await s.refresh(req)
        view = await _view(s, req)
        return StaffDecision(Outcome.self_linked, view, staff_message_id=view.staff_message_id, method=method)
    return None


async def begin_rejection(sessions: Sessions, request_id: int, staff_id: int,
                          now_utc: dt.datetime) -> StaffDecision:
    """«Отклонить» pressed: the card waits for this staff member's reason (outcome ``asking``) — or why not."""
    async with sessions.begin() as s:
        req = await s.get(LinkRequest, request_id)
        if req is None:
            return StaffDecision(Outcome.missing)
        card = await cards.of_subject(s, cards.CardKind.link, request_id)
        moot = await _moot(s, req, card, staff_id, now_utc)
        if moot is not None:
            return moot
        if card is None:
            return StaffDecision(Outcome.missing)
    asked = await cards.ask_reason(sessions, card.id, staff_id)
    view = await request_view(sessions, request_id)
    if asked is None:  # another press got there first
        return StaffDecision(Outcome.busy if view and view.status == "pending" else Outcome.already, view)
    return StaffDecision(Outcome.asking, view, staff_message_id=asked.message_id, card=asked)


async def decide_request(sessions: Sessions, request_id: int, staff_id: int, approve: bool, now_utc: dt.datetime,
                         staff_name: str | None = None, reason: str | None = None) -> StaffDecision:
    """Approve (links the account) or reject (with the staff's reason) — once; the card is closed in the same
    transaction. While a staff member writes a rejection's reason, only they may decide."""
    async with sessions.begin() as s:
        req = await s.get(LinkRequest, request_id)
        if req is None:
            return StaffDecision(Outcome.missing)
        card = await cards.of_subject(s, cards.CardKind.link, request_id)
        moot = await _moot(s, req, card, staff_id, now_utc)
        if moot is not None:
            return moot
        # only one of two staff members pressing at once wins
        done = await s.execute(update(LinkRequest).where(LinkRequest.id == request_id,
                                                         LinkRequest.status == "pending")
                               .values(status="approved" if approve else "rejected", decided_by=staff_id,
                                       decided_at=now_utc, reason=None if approve else reason))
        if done.rowcount != 1:
            await s.refresh(req)
            view = await _view(s, req)
            return StaffDecision(Outcome.already, view, staff_message_id=view.staff_message_id)
        if card is not None:
            await cards.close(s, card.id, "approved" if approve else "rejected", staff_id, staff_name, now_utc,
                              None if approve else reason)
        await s.refresh(req)
        linked = False
        if approve:
            linked = await _link(s, req.user_id, req.account_id, "staff", now_utc, staff_id)
        manager = await _manager(s, req.account_id)
        view = await _view(s, req)
        return StaffDecision(Outcome.decided, view, linked, view.staff_message_id, manager=manager)


# --------------------------------------------------------------------------------------------- list and debts


@dataclass(frozen=True)
class ServiceLine:
    service: str
    amount: Decimal


@dataclass(frozen=True)
class Debt:
    charged: Decimal
    paid: Decimal
    due: Decimal  # charges − payments; negative is an overpayment
    period: str | None  # latest period, YYYY-MM
    lines: list[ServiceLine] = field(default_factory=list)  # latest period without Пени
    penalties: Decimal = Decimal("0.00")  # Пени of the latest period
    period_total: Decimal = Decimal("0.00")
    due_on: dt.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class AccountCard:
    account_id: int
    number: str
    address: str
    premises: str
    provider: str
    payer: str
    debt: Debt

    @property
    def in_debt(self) -> bool:
        return self.debt.due > 0


_CENT = Decimal("0.01")


async def _debt(s: AsyncSession, account_id: int, today: dt.date) -> Debt:
    charged = Decimal((await s.execute(select(func.sum(Charge.amount))
                                       .where(Charge.account_id == account_id))).scalar() or 0)
    paid = Decimal((await s.execute(select(func.sum(Payment.amount))
                                    .where(Payment.account_id == account_id))).scalar() or 0)
    charged, paid = charged.quantize(_CENT), paid.quantize(_CENT)
    due = charged - paid
    period = (await s.execute(select(func.max(Charge.period)).where(Charge.account_id == account_id))).scalar()
    if period is None:
        return Debt(charged, paid, due, None)
    rows = (await s.execute(select(Charge.service, Charge.amount, Charge.due_on).where(
        Charge.account_id == account_id, Charge.period == period).order_by(Charge.id))).all()
    lines = [ServiceLine(r.service, Decimal(r.amount).quantize(_CENT)) for r in rows
             if r.service.strip().casefold() != PENALTY_SERVICE.casefold()]
    penalties = sum((Decimal(r.amount) for r in rows if r.service.strip().casefold() == PENALTY_SERVICE.casefold()),
                    Decimal("0")).quantize(_CENT)
    period_total = sum((Decimal(r.amount) for r in rows), Decimal("0")).quantize(_CENT)
    due_on = min((r.due_on for r in rows if r.due_on), default=None)
    return Debt(charged, paid, due, period, lines, penalties, period_total, due_on,
                overdue=bool(due > 0 and due_on and today > due_on))


async def _card(s: AsyncSession, account_id: int, today: dt.date) -> AccountCard | None:
    summary = await _summary(s, account_id)
    if summary is None:
        return None
    return AccountCard(summary.account_id, summary.number, summary.address, summary.premises, summary.provider,
                       summary.payer, await _debt(s, account_id, today))


async def _link_method(s: AsyncSession, user_id: int, account_id: int) -> str | None:
    """How the account was linked to the user; None when it is not."""
    return (await s.execute(select(AccountLink.method).where(
        AccountLink.user_id == user_id, AccountLink.account_id == account_id))).scalar_one_or_none()


async def _linked(s: AsyncSession, user_id: int, account_id: int) -> bool:
    return (await s.execute(select(AccountLink.id).where(
        AccountLink.user_id == user_id, AccountLink.account_id == account_id))).first() is not None


async def list_accounts(sessions: Sessions, user_id: int, today: dt.date) -> list[AccountCard]:
    async with sessions() as s:
        ids = (await s.execute(select(AccountLink.account_id).where(AccountLink.user_id == user_id)
                               .order_by(AccountLink.id))).scalars().all()
        cards = [await _card(s, i, today) for i in ids]
    return [c for c in cards if c is not None]


async def account_card(sessions: Sessions, user_id: int, account_id: int, today: dt.date) -> AccountCard | None:
    """The card of a linked account; None when the account is not linked to this user."""
    async with sessions() as s:
        if not await _linked(s, user_id, account_id):
            return None
        return await _card(s, account_id, today)


async def unlink_account(sessions: Sessions, user_id: int, account_id: int) -> AccountSummary | None:
    """Unlink; None when it was not linked to this user."""
    async with sessions.begin() as s:
        link = (await s.execute(select(AccountLink).where(
            AccountLink.user_id == user_id, AccountLink.account_id == account_id))).scalar_one_or_none()
        if link is None:
            return None
        summary = await _summary(s, account_id)
        await s.delete(link)
        return summary


async def linked_count(sessions: Sessions, user_id: int) -> int:
    async with sessions() as s:
        return (await s.execute(select(func.count(AccountLink.id))
                                .where(AccountLink.user_id == user_id))).scalar() or 0
