"""«Оплата ЖКУ»: the reminder three days before a charge's due date (``charges.due_on``).

Each linked resident (active, «Оплата ЖКУ» on in «Настройки») of an account whose debt (all charges − all payments)
is above zero gets one push per account and billing period: the key ``user:payment_due:account:period`` makes a
second run add nothing. The window runs from ``DAYS_BEFORE`` days before the due date to the date itself, so a run
that came late (the bot was down) still reminds; an account paid off by then gets nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.clock import Clock
from bot.services.houses import house_address, premises_label
from bot.services.notify.notices import PaymentDueNotice, PushKind
from bot.services.notify.outbox import Push, enqueue
from storage.models import Account, AccountLink, Charge, House, Organization, Payment, Premises, User

DAYS_BEFORE = 3
CENT = Decimal("0.01")


async def _due_accounts(s: AsyncSession, today: dt.date) -> dict[int, tuple[str, dt.date, Decimal]]:
    """account → (its latest charged period, that period's due date, its charges) when today is within the
    reminder window."""
    latest = (select(Charge.account_id, func.max(Charge.period).label("period"))
              .group_by(Charge.account_id).subquery())
    rows = (await s.execute(
        select(Charge.account_id, Charge.period, func.max(Charge.due_on), func.sum(Charge.amount))
        .join(latest, (latest.c.account_id == Charge.account_id) & (latest.c.period == Charge.period))
        .group_by(Charge.account_id, Charge.period)
    )).all()
    return {account_id: (period, due_on, Decimal(charged or 0).quantize(CENT))
            for account_id, period, due_on, charged in rows
            if due_on - dt.timedelta(days=DAYS_BEFORE) <= today <= due_on}


def arrears(debt: Decimal, period_charged: Decimal) -> Decimal:
    """The part of the debt left from earlier periods (payments go to the oldest first): what is owed beyond the
    latest period's charges; its due date has passed."""
    return max(debt - max(period_charged, Decimal("0.00")), Decimal("0.00")).quantize(CENT)


async def _debts(s: AsyncSession, account_ids: list[int]) -> dict[int, Decimal]:
    charged = dict((await s.execute(select(Charge.account_id, func.sum(Charge.amount))
                                    .where(Charge.account_id.in_(account_ids))
                                    .group_by(Charge.account_id))).all())
    paid = dict((await s.execute(select(Payment.account_id, func.sum(Payment.amount))
                                 .where(Payment.account_id.in_(account_ids))
                                 .group_by(Payment.account_id))).all())
    return {a: (Decimal(charged.get(a) or 0) - Decimal(paid.get(a) or 0)).quantize(CENT) for a in account_ids}


async def due_pushes(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> list[Push]:
    today = clock.today()
    async with sessions() as s:
        due = await _due_accounts(s, today)
        if not due:
            return []
        debts = await _debts(s, sorted(due))
        owing = [a for a, debt in debts.items() if debt > 0]
        if not owing:
            return []
        rows = (await s.execute(
            select(AccountLink.user_id, Account, Premises, House, Organization)
            .join(Account, Account.id == AccountLink.account_id)
            .join(Premises, Premises.id == Account.premises_id).join(House, House.id == Premises.house_id)
            .join(Organization, Organization.id == Account.provider_id)
            .join(User, User.id == AccountLink.user_id)
            .where(AccountLink.account_id.in_(owing), User.is_active.is_(True), User.notify_payments.is_(True))
            .order_by(AccountLink.user_id, Account.id)
        )).all()
    pushes = []
    for user_id, acc, prem, house, org in rows:
        period, due_on, period_charged = due[acc.id]
        notice = PaymentDueNotice(account_id=acc.id, number=acc.account_number, provider=org.short_name or org.name,
                                  address=f"{house_address(house)}, {premises_label(prem)}", period=period,
                                  due_on=due_on, amount=debts[acc.id],
                                  arrears=arrears(debts[acc.id], period_charged))
        pushes.append(Push(user_id, PushKind.payment_due, str(acc.id), period, notice))
    return pushes


async def remind_payments(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """Queue the «Оплата ЖКУ» reminders due today; how many new pushes went into the outbox."""
    return await enqueue(sessions, await due_pushes(sessions, clock), clock)
