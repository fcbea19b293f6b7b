"""«Голосование по дому»: the meetings a resident sees, who may vote (ЖК РФ ст. 47.1, the ГИС ЖКХ rule: an owner
whose right is registered in the ЕГРН), the decision written at once for every item and premises, closing at
``ends_at`` with the results stored, and who should get which meeting push.

No aiogram here; everything returns dataclasses and reason enums, the texts turn them into words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.houses import house_address
from bot.services.voting.tally import (
    Ballot,
    Choice,
    ItemSpec,
    Majority,
    Outcome,
    QuestionType,
    Tally,
    area_votes,
    house_total,
    m2,
    tally,
)
from storage.models import (
    Account,
    AccountLink,
    AgendaItem,
    House,
    Meeting,
    Organization,
    Owner,
    Premises,
    User,
    Vote,
)

Sessions = async_sessionmaker[AsyncSession]


class Phase(StrEnum):
    soon = "soon"  # announced, voting not open yet
    active = "active"  # «Голосование идёт»
    ended = "ended"  # «Завершено»


class Filter(StrEnum):
    active = "active"
    ended = "ended"
    soon = "soon"
    all = "all"


class Refusal(StrEnum):
    """Why this user cannot vote (or cannot vote now) on this meeting."""

    no_phone = "no_phone"  # no phone shared: the owner cannot be recognised
    tenant = "tenant"  # lives (has an account) in the house but is not an owner: «голосуют собственники»
    not_registered = "not_registered"  # an owner whose right is not registered in the ЕГРН
    not_yours = "not_yours"  # a meeting of a house that is not the user's (forged or stale button)
    not_started = "not_started"
    ended = "ended"
    already_sent = "already_sent"  # the decision was sent already
    bad_item = "bad_item"  # an agenda item of another meeting, or an incomplete ballot


def phase_of(m: Meeting, now: dt.datetime) -> Phase:
    if now < m.starts_at:
        return Phase.soon
    if now >= m.ends_at or m.closed_at is not None:
        return Phase.ended
    return Phase.active


@dataclass(frozen=True)
class MeetingRow:
    id: int
    title: str
    address: str
    phase: Phase
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Voice:
    """One premises (share) the user votes for."""

    owner_id: int
    premises: str
    nonresidential: bool
    share_num: int
    share_den: int
    votes: Fraction


@dataclass(frozen=True)
class AgendaLine:
    id: int
    number: int
    question: str
    question_type: QuestionType
    majority: Majority


@dataclass(frozen=True)
class StoredResult:
    """An item's result as stored at closing: m² rounded at 0.01 and the outcome decided on exact values."""

    number: int
    votes_for: Decimal
    votes_against: Decimal
    votes_abstain: Decimal
    outcome: Outcome


@dataclass
class Card:
    id: int
    meeting_id: str
    title: str
    address: str
    binding: bool  # the house decided to hold meetings electronically: a general meeting, else a survey
    evoting_decision: str | None
    initiator: str | None
    administrator: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    phase: Phase
    items: list[AgendaLine]
    total: Fraction  # all votes of the house
    participated: Fraction  # of the owners who sent a decision so far
    voices: list[Voice]  # what the user votes for (empty when they may not vote)
    refusal: Refusal | None  # why the user cannot vote; None: may vote (or has voted)
    sent_at: dt.datetime | None  # when the user's decision was sent
    my_choices: dict[int, Choice] = field(default_factory=dict)  # item id → choice, once sent
    uk_name: str = ""
    uk_phone: str | None = None
    closed: bool = False
    quorum: bool | None = None
    results: list[StoredResult] = field(default_factory=list)

    @property
    def my_votes(self) -> Fraction:
        return sum((v.votes for v in self.voices), Fraction(0))


# ------------------------------------------------------------------------------------------- who is who


async def _user_houses(s: AsyncSession, user_id: int) -> set[int]:
    """Houses of the user's linked accounts, and houses where the user's shared phone is an owner's."""
    linked = (await s.execute(
        select(Premises.house_id).join(Account, Account.premises_id == Premises.id)
        .join(AccountLink, AccountLink.account_id == Account.id).where(AccountLink.user_id == user_id)
    )).scalars().all()
    phone = await s.scalar(select(User.phone).where(User.id == user_id))
    owned: list[int] = []
    if phone:
        owned = list((await s.execute(
            select(Premises.house_id).join(Owner, Owner.premises_id == Premises.id).where(Owner.phone == phone)
        )).scalars().all())
    return set(linked) | set(owned)


async def _right(s: AsyncSession, user_id: int, house_id: int) -> tuple[Refusal | None, list[Voice]]:
    """May this user vote in this house: (None, the premises they vote for) or (the reason, [])."""
    phone = await s.scalar(select(User.phone).where(User.id == user_id))
    if not phone:
        return Refusal.no_phone, []
    rows = (await s.execute(
        select(Owner, Premises).join(Premises, Premises.id == Owner.premises_id)
        .where(Premises.house_id == house_id, Owner.phone == phone).order_by(Premises.id, Owner.id)
    )).all()
    if not rows:
        return Refusal.tenant, []
    voices = [Voice(o.id, p.number, p.kind == "nonresidential", o.share_num, o.share_den,
                    area_votes(p.total_area, o.share_num, o.share_den))
              for o, p in rows if o.egrn_record]
    if not voices:
        return Refusal.not_registered, []
    return None, voices


async def _total(s: AsyncSession, house: House) -> Fraction:
    areas = (await s.execute(select(Premises.total_area).where(Premises.house_id == house.id))).scalars().all()
    return house_total(house.total_area, areas)


async def _ballots(s: AsyncSession, meeting: Meeting) -> list[Ballot]:
    rows = (await s.execute(
        select(Vote.owner_id, Vote.agenda_item_id, Vote.choice, Owner.share_num, Owner.share_den,
               Premises.total_area)
        .join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
        .join(Owner, Owner.id == Vote.owner_id).join(Premises, Premises.id == Owner.premises_id)
        .where(AgendaItem.meeting_id == meeting.id)
    )).all()
    weights: dict[int, Fraction] = {}
    choices: dict[int, dict[int, Choice]] = {}
    for owner_id, item_id, choice, num, den, area in rows:
        if owner_id not in weights:  # one row per item voted: the owner's weight once
            weights[owner_id] = area_votes(area, num, den)
            choices[owner_id] = {}
        choices[owner_id][item_id] = Choice(choice)
    return [Ballot(o, weights[o], choices[o]) for o in weights]


async def _items(s: AsyncSession, meeting_id: int) -> list[AgendaItem]:
    return list((await s.execute(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.number)
    )).scalars().all())


# ------------------------------------------------------------------------------------------- the screens


async def my_meetings(sessions: Sessions, user_id: int, flt: Filter, now: dt.datetime) -> list[MeetingRow]:
    """The meetings of the user's houses, the running ones first, then the announced, then the ended."""
    async with sessions() as s:
        houses = await _user_houses(s, user_id)
        if not houses:
            return []
        rows = (await s.execute(
            select(Meeting, House).join(House, House.id == Meeting.house_id)
            .where(Meeting.house_id.in_(houses)).order_by(Meeting.ends_at.desc(), Meeting.id.desc())
        )).all()
    order = {Phase.active: 0, Phase.soon: 1, Phase.ended: 2}
    out = [MeetingRow(m.id, m.title, house_address(h), phase_of(m, now), m.starts_at, m.ends_at) for m, h in rows]
    if flt != Filter.all:
        out = [r for r in out if r.phase.value == flt.value]
    return sorted(out, key=lambda r: order[r.phase])


async def has_houses(sessions: Sessions, user_id: int) -> bool:
    async with sessions() as s:
        return bool(await _user_houses(s, user_id))


async def card(sessions: Sessions, user_id: int, meeting_id: int, now: dt.datetime,
               participation: bool = True) -> Card | None:
    """The meeting's card for this user; None when the meeting is not of the user's houses (or does not exist).
    ``participation=False``: the votes so far are not summed (the ballot's presses need only the user's right)."""
    async with sessions() as s:
        row = (await s.execute(
            select(Meeting, House, Organization).join(House, House.id == Meeting.house_id)
            .join(Organization, Organization.id == House.manager_id).where(Meeting.id == meeting_id)
        )).first()
        if row is None or row[0].house_id not in await _user_houses(s, user_id):
            return None
        m, h, uk = row
        items = await _items(s, m.id)
        refusal, voices = await _right(s, user_id, h.id)
        total = await _total(s, h)
        ballots = await _ballots(s, m) if participation else []
        mine = {v.owner_id for v in voices}
        my_votes = (await s.execute(
            select(Vote.agenda_item_id, Vote.choice, Vote.voted_at).where(
                Vote.owner_id.in_(mine), Vote.agenda_item_id.in_([i.id for i in items]))
        )).all() if mine and items else []
    phase = phase_of(m, now)
    if refusal is None and phase != Phase.active:
        refusal = Refusal.not_started if phase == Phase.soon else Refusal.ended
    sent_at = min((r.voted_at for r in my_votes), default=None)
    if sent_at is not None and refusal is None:
        refusal = Refusal.already_sent
    c = Card(
        id=m.id, meeting_id=m.meeting_id, title=m.title, address=house_address(h), binding=bool(h.evoting_decision),
        evoting_decision=h.evoting_decision, initiator=m.initiator, administrator=m.administrator,
        starts_at=m.starts_at, ends_at=m.ends_at, phase=phase,
        items=[AgendaLine(i.id, i.number, i.question, QuestionType(i.question_type or "other"),
                          Majority(i.majority or "simple")) for i in items],
        total=total, participated=sum((b.votes for b in ballots), Fraction(0)), voices=voices, refusal=refusal,
        sent_at=sent_at, my_choices={r.agenda_item_id: Choice(r.choice) for r in my_votes},
        uk_name=uk.short_name or uk.name, uk_phone=uk.phone, closed=m.closed_at is not None, quorum=m.quorum,
    )
    if m.closed_at is not None:
        c.results = [StoredResult(i.number, i.votes_for or Decimal(0), i.votes_against or Decimal(0),
                                  i.votes_abstain or Decimal(0), Outcome(i.outcome)) for i in items if i.outcome]
    return c


async def ballot_check(sessions: Sessions, user_id: int, meeting_id: int, item_id: int | None,
                       now: dt.datetime) -> Refusal | None:
    """May the user answer now (an item of this meeting, when given)? Re-checked on every press of the ballot."""
    c = await card(sessions, user_id, meeting_id, now)
    if c is None:
        return Refusal.not_yours
    if c.refusal is not None:
        return c.refusal
    if item_id is not None and item_id not in {i.id for i in c.items}:
        return Refusal.bad_item
    return None


@dataclass(frozen=True)
class Sent:
    refusal: Refusal | None
    sent_at: dt.datetime | None  # the decision's time (the earlier one when it was sent already)
    premises: int = 0  # how many premises (shares) it was written for


async def submit(sessions: Sessions, user_id: int, meeting_id: int, choices: dict[int, Choice],
                 now: dt.datetime) -> Sent:
    """Write the decision for every agenda item and every premises of the user, in one transaction. The database's
    unique (agenda item, owner) makes a second device or a double tap fail as a whole: it is told
    ``already_sent`` with the first decision's time."""
    c = await card(sessions, user_id, meeting_id, now, participation=False)
    if c is None:
        return Sent(Refusal.not_yours, None)
    if c.refusal is not None:
        return Sent(c.refusal, c.sent_at)
    if set(choices) != {i.id for i in c.items}:
        return Sent(Refusal.bad_item, None)
    try:
        async with sessions.begin() as s:
            s.add_all([Vote(agenda_item_id=item_id, owner_id=v.owner_id, user_id=user_id, choice=choice.value,
                            voted_at=now) for v in c.voices for item_id, choice in choices.items()])
    except IntegrityError:
        again = await card(sessions, user_id, meeting_id, now)
        return Sent(Refusal.already_sent, again.sent_at if again else None)
    return Sent(None, now, len(c.voices))


# ------------------------------------------------------------------------------------------- the end


async def meeting_tally(sessions: Sessions, meeting_id: int) -> Tally | None:
    async with sessions() as s:
        m = await s.get(Meeting, meeting_id)
        if m is None:
            return None
        h = await s.get(House, m.house_id)
        total = await _total(s, h)
        items = [ItemSpec(i.id, i.number, Majority(i.majority or "simple")) for i in await _items(s, m.id)]
        return tally(total, items, await _ballots(s, m))


async def close_meeting(sessions: Sessions, meeting_id: int, now: dt.datetime) -> bool:
    """Close a meeting whose voting has ended: compute the results once and store them. False when it is not over
    yet or was closed already (so a job may call it as often as it likes)."""
    async with sessions.begin() as s:
        m = await s.get(Meeting, meeting_id, with_for_update=True)
        if m is None or m.closed_at is not None or now < m.ends_at:
            return False
        h = await s.get(House, m.house_id)
        items = await _items(s, m.id)
        r = tally(await _total(s, h), [ItemSpec(i.id, i.number, Majority(i.majority or "simple")) for i in items],
                  await _ballots(s, m))
        by_id = {x.item_id: x for x in r.items}
        for i in items:
            x = by_id[i.id]
            i.votes_for, i.votes_against, i.votes_abstain = m2(x.votes_for), m2(x.votes_against), m2(x.votes_abstain)
            i.outcome = x.outcome.value
        m.total_votes, m.participated_votes = m2(r.total), m2(r.participated)
        m.voters, m.quorum, m.closed_at = r.voters, r.quorum, now
    return True


async def close_due(sessions: Sessions, now: dt.datetime) -> list[int]:
    """The scheduler's job: close every meeting whose ``ends_at`` has passed. Returns the ids it closed."""
    async with sessions() as s:
        ids = (await s.execute(select(Meeting.id).where(Meeting.ends_at <= now, Meeting.closed_at.is_(None))
                               .order_by(Meeting.id))).scalars().all()
    return [i for i in ids if await close_meeting(sessions, i, now)]


# ------------------------------------------------------------------------------------------- pushes


class PushKind(StrEnum):
    opened = "meeting_open"  # voting opened: to everyone who may vote
    eve = "meeting_end"  # the day before the end: to those who may vote and have not sent a decision
    results = "meeting_results"  # the results: to everyone who may vote


@dataclass(frozen=True)
class MeetingPush:
    user_id: int
    meeting_id: int
    kind: PushKind
    binding: bool  # «общее собрание» or «опрос собственников»


async def owner_reach(sessions: Sessions, house_id: int) -> tuple[int, int]:
    """The house's owners with an ЕГРН record (those who may vote), and how many of them the bot knows — an
    active user has shared that owner's phone."""
    async with sessions() as s:
        owners = (select(Owner.id, Owner.phone).join(Premises, Premises.id == Owner.premises_id)
                  .where(Premises.house_id == house_id, Owner.egrn_record.is_not(None)))
        total = await s.scalar(select(func.count()).select_from(owners.subquery())) or 0
        known = await s.scalar(select(func.count(func.distinct(Owner.id))).select_from(Owner)
                               .join(Premises, Premises.id == Owner.premises_id).join(User, User.phone == Owner.phone)
                               .where(Premises.house_id == house_id, Owner.egrn_record.is_not(None),
                                      User.is_active.is_(True))) or 0
    return total, known


async def push_recipients(sessions: Sessions, meeting_id: int, kind: PushKind) -> list[MeetingPush]:
    """Who should get this meeting push: the active users whose shared phone is a registered owner's in the
    meeting's house (never a tenant, never an owner without an ЕГРН record); for ``eve`` only those who have not
    sent a decision. The outbox wiring (quiet hours, «Настройки» → «Голосования») is the push machinery's."""
    async with sessions() as s:
        m = await s.get(Meeting, meeting_id)
        if m is None:
            return []
        h = await s.get(House, m.house_id)
        owners = (select(Owner.id, Owner.phone).join(Premises, Premises.id == Owner.premises_id)
                  .where(Premises.house_id == m.house_id, Owner.egrn_record.is_not(None), Owner.phone.is_not(None))
                  .subquery())
        rows = (await s.execute(
            select(User.id, owners.c.id).join(owners, owners.c.phone == User.phone)
            .where(User.is_active.is_(True), User.notify_meetings.is_(True))
        )).all()
        voted: set[int] = set()
        if kind == PushKind.eve:
            voted = set((await s.execute(
                select(Vote.owner_id).join(AgendaItem, AgendaItem.id == Vote.agenda_item_id)
                .where(AgendaItem.meeting_id == m.id).group_by(Vote.owner_id)
            )).scalars().all())
    users: dict[int, bool] = {}
    for user_id, owner_id in rows:
        users[user_id] = users.get(user_id, False) or owner_id not in voted
    return [MeetingPush(u, m.id, kind, bool(h.evoting_decision)) for u, pending in sorted(users.items())
            if kind != PushKind.eve or pending]


async def participation(sessions: Sessions, house_ids: list[int] | None, now: dt.datetime) -> list[tuple[MeetingRow, Fraction, Fraction]]:
    """Staff /meetings: every meeting (of these houses) with the votes of those who took part and of the house."""
    async with sessions() as s:
        q = select(Meeting, House).join(House, House.id == Meeting.house_id).order_by(Meeting.ends_at.desc())
        if house_ids is not None:
            q = q.where(Meeting.house_id.in_(house_ids))
        out = []
        for m, h in (await s.execute(q)).all():
            b = await _ballots(s, m)
            out.append((MeetingRow(m.id, m.title, house_address(h), phase_of(m, now), m.starts_at, m.ends_at),
                        sum((x.votes for x in b), Fraction(0)), await _total(s, h)))
    return out


async def voters_count(sessions: Sessions, meeting_id: int) -> int:
    async with sessions() as s:
        return await s.scalar(select(func.count(func.distinct(Vote.owner_id))).join(
            AgendaItem, AgendaItem.id == Vote.agenda_item_id).where(AgendaItem.meeting_id == meeting_id)) or 0


async def save_phone(sessions: Sessions, user_id: int, raw_phone: str) -> str | None:
    """The phone the user shared with the contact button (their own), normalised; None when it is no phone."""
    from bot.services.accounts import normalize_phone

    phone = normalize_phone(raw_phone)
    if phone is None:
        return None
    async with sessions.begin() as s:
        user = await s.get(User, user_id)
        if user is None:
            s.add(User(id=user_id, phone=phone))
        else:
            user.phone = phone
    return phone


# ------------------------------------------------------------------------------------------- the protocol


@dataclass(frozen=True)
class RegisterLine:
    """Annex: one owner who took part (name, premises, share, votes, date)."""

    owner_name: str
    premises: str
    share: str
    votes: Decimal
    voted_at: dt.datetime


@dataclass(frozen=True)
class ProtocolItem:
    number: int
    question: str
    question_type: QuestionType
    majority: Majority
    votes_for: Decimal
    votes_against: Decimal
    votes_abstain: Decimal
    pct_for: Decimal
    pct_against: Decimal
    pct_abstain: Decimal
    base_is_all: bool  # the % are of all votes of the house (else of those who took part)
    outcome: Outcome


@dataclass(frozen=True)
class ProtocolData:
    """What the protocol (Приказ Минстроя России № 266/пр от 30.04.2025) says, from the stored results."""

    number: str
    drawn_at: dt.datetime  # the end of voting: the protocol's date
    title: str
    address: str
    binding: bool
    evoting_decision: str | None
    initiator: str | None
    administrator: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    total: Decimal
    participated: Decimal
    participation_pct: Decimal
    voters: int
    quorum: bool
    items: list[ProtocolItem]
    register: list[RegisterLine]


async def protocol_data(sessions: Sessions, meeting_id: int) -> ProtocolData | None:
    """The protocol of a closed meeting; None while it is not closed. Percentages come from the exact tally."""
    r = await meeting_tally(sessions, meeting_id)
    async with sessions() as s:
        m = await s.get(Meeting, meeting_id)
        if m is None or m.closed_at is None or r is None:
            return None
        h = await s.get(House, m.house_id)
        items = await _items(s, m.id)
        reg_rows = (await s.execute(
            select(Owner.owner_name, Premises.number, Owner.share_num, Owner.share_den, Premises.total_area,
                   func.min(Vote.voted_at))
            .join(Owner, Owner.id == Vote.owner_id).join(Premises, Premises.id == Owner.premises_id)
            .join(AgendaItem, AgendaItem.id == Vote.agenda_item_id).where(AgendaItem.meeting_id == m.id)
            .group_by(Owner.id, Owner.owner_name, Premises.number, Owner.share_num, Owner.share_den,
                      Premises.total_area, Premises.id)
            .order_by(Premises.id, Owner.owner_name)
        )).all()
    by_id = {x.item_id: x for x in r.items}
    out = []
    for i in items:
        x = by_id[i.id]
        out.append(ProtocolItem(
            i.number, i.question, QuestionType(i.question_type or "other"), x.majority,
            *(x.shown(c)[0] for c in Choice), *(x.shown(c)[1] for c in Choice),
            x.majority != Majority.simple, Outcome(i.outcome) if i.outcome else x.outcome))
    return ProtocolData(
        number=m.meeting_id, drawn_at=m.ends_at, title=m.title, address=house_address(h),
        binding=bool(h.evoting_decision), evoting_decision=h.evoting_decision, initiator=m.initiator,
        administrator=m.administrator, starts_at=m.starts_at, ends_at=m.ends_at, total=m2(r.total),
        participated=m2(r.participated), participation_pct=r.participation_percent, voters=r.voters,
        quorum=r.quorum, items=out,
        register=[RegisterLine(name, num, "1" if sn == sd else f"{sn}/{sd}", m2(area_votes(a, sn, sd)), at)
                  for name, num, sn, sd, a, at in reg_rows],
    )


async def protocol_key(sessions: Sessions, meeting_id: int) -> str | None:
    """The meeting's number (the registry's meeting_id, or the one the bot gave it)."""
    async with sessions() as s:
        return await s.scalar(select(Meeting.meeting_id).where(Meeting.id == meeting_id))


@dataclass(frozen=True)
class ItemResult:
    number: int
    question: str
    outcome: Outcome


@dataclass(frozen=True)
class Results:
    """A closed meeting's stored results, for the «итоги голосования» push."""

    meeting_id: int
    title: str
    address: str
    binding: bool
    quorum: bool
    items: list[ItemResult]


async def results(sessions: Sessions, meeting_id: int) -> Results | None:
    """The stored results of a closed meeting; None while it is not closed (or does not exist)."""
    async with sessions() as s:
        row = (await s.execute(select(Meeting, House).join(House, House.id == Meeting.house_id)
                               .where(Meeting.id == meeting_id))).first()
        if row is None or row[0].closed_at is None:
            return None
        m, h = row
        items = await _items(s, m.id)
    return Results(m.id, m.title, house_address(h), bool(h.evoting_decision), bool(m.quorum),
                   [ItemResult(i.number, i.question, Outcome(i.outcome)) for i in items if i.outcome])
