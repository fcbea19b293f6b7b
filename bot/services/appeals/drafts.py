"""Composing an appeal: what a draft holds (``Fields``, kept in the dialog's FSM data and, on «Сохранить», in the
database as «Не отправлено»), the defaults a new one starts from, the places and addressees to choose from, and
sending it: a number, the date, the due date, the route — in one transaction, never half-written.

A sent appeal is never edited again: ``save_draft`` and ``submit`` touch only the resident's own drafts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.accounts import MANAGER_KINDS, org_name
from bot.services.appeals import deadlines, topics
from bot.services.appeals.validate import (
    FILES_MAX,
    OrgQuery,
    OrgQueryKind,
    check_text,
    from_profile,
)
from bot.services.clock import Clock
from bot.services.houses import house_address, natural_key, premises_label
from storage.models import (
    Account,
    AccountLink,
    Appeal,
    AppealFile,
    AppealStatusChange,
    House,
    Organization,
    Premises,
    User,
)
from storage.vocab import AppealFileKind, AppealRating, AppealRoute, AppealStatus, OrgKind, PremisesKind

Sessions = async_sessionmaker[AsyncSession]
ORG_SEARCH_LIMIT = 10


# --------------------------------------------------------------------------------------------- the draft


@dataclass
class FileRef:
    """A file as Telegram gave it: re-sent by ``file_id``, never downloaded to be kept."""

    file_id: str
    file_unique_id: str
    kind: str = AppealFileKind.document.value  # photo | document
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None


@dataclass
class Fields:
    """Everything an appeal holds before it is sent; JSON-safe (``as_dict`` / ``from_dict``) for the FSM storage."""

    surname: str | None = None
    first_name: str | None = None
    patronymic: str | None = None
    phone: str | None = None
    email: str | None = None
    house_id: int | None = None
    premises_id: int | None = None
    premises_number: str | None = None  # typed, when the premises is not in the registry
    topic_code: str | None = None
    custom_topic: str | None = None  # «Другая тема»
    addressee_id: int | None = None
    text: str = ""
    files: list[FileRef] = field(default_factory=list)
    parent_id: int | None = None  # the appeal this one follows (a complaint to the ГЖИ about its answer)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Fields:
        data = dict(data or {})
        files = [FileRef(**f) for f in data.pop("files", None) or []]
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known, files=files[:FILES_MAX])

    @property
    def topic(self) -> topics.Topic | None:
        return topics.get(self.topic_code)

    @property
    def topic_title(self) -> str | None:
        t = self.topic
        if t is None:
            return None
        return self.custom_topic if t.typed else t.title


class Missing(StrEnum):
    """A field an appeal cannot be sent without (the seed's asterisks)."""

    name = "name"  # surname and name
    email = "email"
    house = "house"
    topic = "topic"
    addressee = "addressee"
    text = "text"


def missing(f: Fields) -> list[Missing]:
    out: list[Missing] = []
    if not (f.surname and f.first_name):
        out.append(Missing.name)
    if not f.email:
        out.append(Missing.email)
    if not f.house_id:
        out.append(Missing.house)
    t = f.topic
    if t is None or (t.typed and not f.custom_topic):
        out.append(Missing.topic)
    if not f.addressee_id:
        out.append(Missing.addressee)
    if check_text(f.text) is not None:
        out.append(Missing.text)
    return out


async def defaults(sessions: Sessions, user_id: int) -> Fields:
    """A new appeal: the applicant from the Telegram profile, the phone the resident shared, the e-mail they gave
    last (their latest appeal's, or the receipt e-mail of a payment); the house when they have exactly one."""
    async with sessions() as s:
        user = await s.get(User, user_id)
        last = (await s.execute(select(Appeal).where(Appeal.user_id == user_id, Appeal.email.is_not(None))
                                .order_by(Appeal.id.desc()).limit(1))).scalar_one_or_none()
        places = await _places(s, user_id)
    applicant = from_profile(user.first_name if user else None, user.last_name if user else None)
    f = Fields(surname=applicant.surname, first_name=applicant.first_name, patronymic=applicant.patronymic,
               phone=(last.phone if last and last.phone else None) or (user.phone if user else None),
               email=(last.email if last else None) or (user.email if user else None))
    if last is not None and last.surname and last.first_name:  # what they typed before beats the profile
        f.surname, f.first_name, f.patronymic = last.surname, last.first_name, last.patronymic
    if len(places) == 1:
        f.house_id = places[0].house_id
        if len(places[0].premises) == 1:
            f.premises_id = places[0].premises[0].id
    return f


# --------------------------------------------------------------------------------------------- places


@dataclass(frozen=True)
class PremisesItem:
    id: int
    label: str  # «кв. 12»


@dataclass(frozen=True)
class Place:
    house_id: int
    address: str
    municipality: str | None
    premises: list[PremisesItem]  # the resident's own premises in this house (from their linked accounts)


def municipality_of(h: House) -> str | None:
    """«Муниципальное образование заполнится автоматически»: the registry's, or the city / settlement."""
    return h.municipality or h.city or h.settlement or h.district


async def _places(s: AsyncSession, user_id: int) -> list[Place]:
    rows = (await s.execute(
        select(House, Premises).join(Premises, Premises.house_id == House.id)
        .join(Account, Account.premises_id == Premises.id).join(AccountLink, AccountLink.account_id == Account.id)
        .where(AccountLink.user_id == user_id).order_by(House.id, Premises.id)
    )).all()
    by_house: dict[int, tuple[House, dict[int, PremisesItem]]] = {}
    for h, p in rows:
        by_house.setdefault(h.id, (h, {}))[1].setdefault(p.id, PremisesItem(p.id, premises_label(p)))
    return [Place(h.id, house_address(h), municipality_of(h), list(ps.values())) for h, ps in by_house.values()]


async def my_places(sessions: Sessions, user_id: int) -> list[Place]:
    """The houses of the resident's linked accounts, each with their premises there."""
    async with sessions() as s:
        return await _places(s, user_id)


async def place(sessions: Sessions, user_id: int, house_id: int) -> Place | None:
    """A house chosen by button or found by search; its premises are the resident's own there (maybe none)."""
    async with sessions() as s:
        h = await s.get(House, house_id)
        if h is None:
            return None
        mine = [p for p in await _places(s, user_id) if p.house_id == house_id]
    return Place(h.id, house_address(h), municipality_of(h), mine[0].premises if mine else [])


_LOOKALIKES = str.maketrans("abcehkmoptxy", "абсенкмортху")  # Latin letters typed for Cyrillic ones: «12a»


def _premises_key(number: str) -> str:
    """A premises number as compared: any case, no spaces or dots, Latin lookalikes read as Cyrillic."""
    return "".join(number.split()).replace(".", "").casefold().translate(_LOOKALIKES)


def typed_premises_label(number: str) -> str:
    """A premises number typed by the resident, shown as the registry's are (``premises_label``): «999» → «кв.
    999» (a typed number is taken for a flat), «пом. 3» as typed."""
    return premises_label(Premises(number=number, kind=PremisesKind.residential.value))


@dataclass(frozen=True)
class PremisesLookup:
    """A typed number against the house's premises in the registry."""

    found: PremisesItem | None  # the registry's premises with that number
    label: str  # how the typed number is shown: the registry's label when found, «кв. 999» otherwise
    house: list[PremisesItem]  # every premises of the house in the registry, in the order of their numbers


async def house_premises(sessions: Sessions, house_id: int) -> list[PremisesItem]:
    """The house's premises in the registry, «кв. 2» before «кв. 10»."""
    async with sessions() as s:
        rows = (await s.execute(select(Premises).where(Premises.house_id == house_id))).scalars().all()
    items = [PremisesItem(p.id, premises_label(p)) for p in rows]
    return sorted(items, key=lambda x: natural_key(x.label))


async def find_premises(sessions: Sessions, house_id: int, number: str) -> PremisesLookup:
    """Is a typed number (``validate.parse_premises_number``) one of the house's premises? «12а», «12 А» and
    «12A» are the registry's «12А»; «пом. 1» and «пом 1» are «пом. 1»."""
    async with sessions() as s:
        rows = (await s.execute(select(Premises).where(Premises.house_id == house_id))).scalars().all()
    key = _premises_key(number)
    found = next((p for p in rows if key in (_premises_key(p.number), _premises_key(premises_label(p)))), None)
    items = sorted((PremisesItem(p.id, premises_label(p)) for p in rows), key=lambda x: natural_key(x.label))
    item = PremisesItem(found.id, premises_label(found)) if found else None
    return PremisesLookup(item, item.label if item else typed_premises_label(number), items)


async def premises_in_house(sessions: Sessions, house_id: int, premises_id: int) -> PremisesItem | None:
    """A premises picked by button: only one of this house's (a forged or stale id gets None)."""
    async with sessions() as s:
        p = await s.get(Premises, premises_id)
    return PremisesItem(p.id, premises_label(p)) if p is not None and p.house_id == house_id else None


# --------------------------------------------------------------------------------------------- addressees


@dataclass(frozen=True)
class OrgItem:
    id: int
    name: str  # the short name, or the full one
    full_name: str
    kind: str  # storage.vocab.OrgKind
    inn: str
    ogrn: str
    phone: str | None
    dispatcher_phone: str | None
    email: str | None
    address: str | None
    uses_bot: bool  # runs this bot: its appeals go to the staff chat (it manages a house in the registry)


async def _uses_bot(s: AsyncSession, org: Organization) -> bool:
    if org.kind not in MANAGER_KINDS:
        return False
    return bool(await s.scalar(select(exists().where(House.manager_id == org.id))))


async def org_item(s: AsyncSession, org: Organization) -> OrgItem:
    return OrgItem(org.id, org_name(org), org.name, org.kind, org.inn, org.ogrn, org.phone, org.dispatcher_phone,
                   org.email, org.actual_address or org.postal_address or org.legal_address, await _uses_bot(s, org))


async def get_org(sessions: Sessions, org_id: int) -> OrgItem | None:
    async with sessions() as s:
        org = await s.get(Organization, org_id)
        return await org_item(s, org) if org else None


def _in_region(org: Organization, region: str) -> bool:
    words = [w for w in region.lower().replace("респ", " ").replace("обл", " ").split() if len(w) > 3]
    text = " ".join(filter(None, [org.name, org.short_name, org.legal_address, org.actual_address,
                                  org.postal_address])).lower()
    return any(w[:-1] in text for w in words) if words else False


async def addressees(sessions: Sessions, house_id: int) -> list[OrgItem]:
    """Whom an appeal about this house may go to, in this order: the house's managing organization, the ГЖИ of the
    region (an inspection whose name or address names the house's region; every ГЖИ in the registry when none
    does), the РСО that bill accounts in the house."""
    async with sessions() as s:
        h = await s.get(House, house_id)
        if h is None:
            return []
        out = [await s.get(Organization, h.manager_id)]
        gzhi = list((await s.execute(select(Organization).where(Organization.kind == OrgKind.gzhi.value)
                                     .order_by(Organization.id))).scalars())
        regional = [g for g in gzhi if _in_region(g, h.region)]
        out += regional or gzhi
        out += list((await s.execute(
            select(Organization).where(Organization.kind == OrgKind.rso.value, Organization.id.in_(
                select(Account.provider_id).join(Premises, Premises.id == Account.premises_id)
                .where(Premises.house_id == house_id))).order_by(Organization.id))).scalars())
        seen: set[int] = set()
        items = []
        for org in out:
            if org is not None and org.id not in seen:
                seen.add(org.id)
                items.append(await org_item(s, org))
        return items


def default_addressee(choices: list[OrgItem], topic: topics.Topic | None) -> OrgItem | None:
    """The topic's addressee kind among the house's choices; the managing organization otherwise."""
    kind = topic.addressee if topic else topics.AddresseeKind.manager
    wanted = {topics.AddresseeKind.gzhi: {OrgKind.gzhi.value}, topics.AddresseeKind.rso: {OrgKind.rso.value}}.get(
        kind, set(MANAGER_KINDS))
    for c in choices:
        if c.kind in wanted:
            return c
    return choices[0] if choices else None


async def search_orgs(sessions: Sessions, query: OrgQuery) -> list[OrgItem]:
    """«Расширенный поиск»: by ИНН, ОГРН/ОГРНИП (exact) or by a part of the name (full or short, any case)."""
    async with sessions() as s:
        stmt = select(Organization)
        if query.kind is OrgQueryKind.inn:
            stmt = stmt.where(Organization.inn == query.value)
        elif query.kind is OrgQueryKind.ogrn:
            stmt = stmt.where(Organization.ogrn == query.value)
        else:
            # case-insensitive on SQLite for Cyrillic too: both sides lowered in Python's sense where SQL cannot
            rows = (await s.execute(stmt.order_by(Organization.id))).scalars().all()
            needle = query.value.lower()
            found = [o for o in rows if needle in (o.name or "").lower() or needle in (o.short_name or "").lower()]
            return [await org_item(s, o) for o in found[:ORG_SEARCH_LIMIT]]
        rows = (await s.execute(stmt.order_by(Organization.id).limit(ORG_SEARCH_LIMIT))).scalars().all()
        return [await org_item(s, o) for o in rows]


# --------------------------------------------------------------------------------------------- drafts


def _apply(a: Appeal, f: Fields) -> None:
    a.surname, a.first_name, a.patronymic = f.surname, f.first_name, f.patronymic
    a.phone, a.email = f.phone, f.email
    a.house_id, a.premises_id, a.premises_number = f.house_id, f.premises_id, f.premises_number
    a.topic_code = f.topic_code
    a.topic = f.topic_title
    a.addressee_id, a.text, a.parent_id = f.addressee_id, f.text, f.parent_id
    t = f.topic
    a.urgent = bool(t and t.emergency)


async def _own_draft(s: AsyncSession, user_id: int, appeal_id: int) -> Appeal | None:
    return (await s.execute(select(Appeal).where(Appeal.id == appeal_id, Appeal.user_id == user_id,
                                                 Appeal.status == AppealStatus.draft.value)
                            .with_for_update())).scalar_one_or_none()


async def _write_files(s: AsyncSession, appeal_id: int, files: list[FileRef]) -> None:
    await s.execute(delete(AppealFile).where(AppealFile.appeal_id == appeal_id, AppealFile.answer_id.is_(None)))
    for i, f in enumerate(files[:FILES_MAX]):
        s.add(AppealFile(appeal_id=appeal_id, position=i, kind=f.kind, file_id=f.file_id,
                         file_unique_id=f.file_unique_id, file_name=f.file_name, mime_type=f.mime_type,
                         size=f.size))


async def _valid_refs(s: AsyncSession, user_id: int, f: Fields) -> Fields:
    """Ids from the dialog's data that point at nothing any more (a house removed by a later import) are dropped,
    so the draft never fails on a foreign key."""
    if f.house_id and await s.get(House, f.house_id) is None:
        f.house_id = f.premises_id = None
    if f.premises_id:
        p = await s.get(Premises, f.premises_id)
        if p is None or p.house_id != f.house_id:
            f.premises_id = None
    if f.addressee_id and await s.get(Organization, f.addressee_id) is None:
        f.addressee_id = None
    if f.parent_id:
        parent = await s.get(Appeal, f.parent_id)
        if parent is None or parent.user_id != user_id:  # a follow-up only of the resident's own appeal
            f.parent_id = None
    return f


async def save_draft(sessions: Sessions, user_id: int, f: Fields, now_utc: dt.datetime,
                     appeal_id: int | None = None) -> int | None:
    """«Сохранить»: the draft (a new one, or ``appeal_id`` if it is still this resident's draft); its id. None when
    ``appeal_id`` is not a draft of theirs any more (sent from another device, deleted)."""
    async with sessions.begin() as s:
        f = await _valid_refs(s, user_id, f)
        if appeal_id:
            a = await _own_draft(s, user_id, appeal_id)
            if a is None:
                return None
        else:
            a = Appeal(user_id=user_id, status=AppealStatus.draft.value, created_at=now_utc)
            s.add(a)
        _apply(a, f)
        a.updated_at = now_utc
        await s.flush()
        await _write_files(s, a.id, f.files)
        return a.id


async def load_draft(sessions: Sessions, user_id: int, appeal_id: int) -> Fields | None:
    """A saved draft back into the dialog; None when it is not this resident's draft."""
    async with sessions() as s:
        a = (await s.execute(select(Appeal).where(Appeal.id == appeal_id, Appeal.user_id == user_id,
                                                  Appeal.status == AppealStatus.draft.value))).scalar_one_or_none()
        if a is None:
            return None
        files = (await s.execute(select(AppealFile).where(AppealFile.appeal_id == a.id,
                                                          AppealFile.answer_id.is_(None))
                                 .order_by(AppealFile.position, AppealFile.id))).scalars().all()
    t = topics.get(a.topic_code)
    return Fields(surname=a.surname, first_name=a.first_name, patronymic=a.patronymic, phone=a.phone, email=a.email,
                  house_id=a.house_id, premises_id=a.premises_id, premises_number=a.premises_number,
                  topic_code=a.topic_code, custom_topic=a.topic if t and t.typed else None,
                  addressee_id=a.addressee_id, text=a.text or "", parent_id=a.parent_id,
                  files=[FileRef(x.file_id, x.file_unique_id, x.kind, x.file_name, x.mime_type, x.size)
                         for x in files])


async def delete_draft(sessions: Sessions, user_id: int, appeal_id: int) -> bool:
    """Only a draft is ever deleted; a sent appeal stays (it can be withdrawn)."""
    async with sessions.begin() as s:
        done = await s.execute(delete(Appeal).where(Appeal.id == appeal_id, Appeal.user_id == user_id,
                                                    Appeal.status == AppealStatus.draft.value))
        return done.rowcount == 1


# --------------------------------------------------------------------------------------------- sending


class SendProblem(StrEnum):
    incomplete = "incomplete"  # a required field is empty (``missing`` names which)
    gone = "gone"  # the draft is not a draft of this resident any more (sent or deleted elsewhere)
    stale = "stale"  # the house or the addressee was removed from the registry meanwhile


class SendError(Exception):
    def __init__(self, problem: SendProblem, missing: list[Missing] | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.missing = missing or []


@dataclass(frozen=True)
class Sent:
    id: int
    number: str  # «2026-000123»; shown as «№ 2026-000123»
    sent_at: dt.datetime  # UTC
    sent_on: dt.date  # the local date
    due_on: dt.date
    route: AppealRoute  # staff: the staff chat; external: e-mail and/or the PDF for the resident
    urgent: bool


def route_for(addressee: OrgItem, email_configured: bool) -> AppealRoute:
    """An appeal to the organization that runs the bot goes to its staff chat; any other (the ГЖИ, an РСО, an
    organization found by search) never does: it is e-mailed when the bot can send e-mail and the addressee has an
    address, and the resident gets the PDF in any case."""
    if addressee.uses_bot:
        return AppealRoute.staff
    return AppealRoute.email if email_configured and addressee.email else AppealRoute.pdf


def planned_route(addressee: OrgItem, email_configured: bool, staff_chat: bool) -> AppealRoute:
    """Where the appeal will go once sent, for the review card to say before «Отправить»: ``route_for``, and the
    staff route without a staff chat (STAFF_CHAT_ID empty) is the resident's PDF, as delivery does."""
    route = route_for(addressee, email_configured)
    return AppealRoute.pdf if route is AppealRoute.staff and not staff_chat else route


async def _next_number(s: AsyncSession, year: int) -> str:
    prefix = f"{year:04d}-"
    last = await s.scalar(select(func.max(Appeal.number)).where(Appeal.number.like(prefix + "%")))
    seq = int(last[len(prefix):]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


async def submit(sessions: Sessions, user_id: int, f: Fields, clock: Clock, email_configured: bool,
                 appeal_id: int | None = None) -> Sent:
    """«Отправить» → «Да»: the appeal gets its number, the date, the due date and its route, and is never editable
    again. ``appeal_id``: the draft it was (its row becomes the sent appeal); a new row otherwise. Raises
    ``SendError``."""
    gaps = missing(f)
    if gaps:
        raise SendError(SendProblem.incomplete, gaps)
    now_utc = clock.utcnow()
    today = clock.today()
    for _attempt in range(5):  # two appeals sent at the same instant may pick one number: the loser retries
        try:
            async with sessions.begin() as s:
                house = await s.get(House, f.house_id)
                org = await s.get(Organization, f.addressee_id)
                if house is None or org is None:
                    raise SendError(SendProblem.stale)
                checked = await _valid_refs(s, user_id, Fields.from_dict(f.as_dict()))
                if appeal_id:
                    a = await _own_draft(s, user_id, appeal_id)
                    if a is None:
                        raise SendError(SendProblem.gone)
                else:
                    a = Appeal(user_id=user_id, created_at=now_utc)
                    s.add(a)
                item = await org_item(s, org)
                route = route_for(item, email_configured)
                _apply(a, checked)
                a.municipality = municipality_of(house)
                a.number = await _next_number(s, today.year)
                a.status = AppealStatus.sent.value
                a.route = route.value
                a.sent_at = a.updated_at = now_utc
                a.due_on = deadlines.due_date(today, org.kind == OrgKind.gzhi.value, checked.topic)
                await s.flush()
                await _write_files(s, a.id, checked.files)
                s.add(AppealStatusChange(appeal_id=a.id, status=AppealStatus.sent.value, changed_by=user_id,
                                         changed_at=now_utc))
                return Sent(a.id, a.number, now_utc, today, a.due_on, route, a.urgent)
        except IntegrityError as exc:
            if "number" not in str(exc.orig).lower():  # only a taken number is worth another try
                raise
            continue
    raise RuntimeError("could not give the appeal a unique number")


async def set_route(sessions: Sessions, appeal_id: int, route: AppealRoute) -> None:
    """Delivery changed its mind (the e-mail failed: the resident's PDF is the route)."""
    async with sessions.begin() as s:
        await s.execute(update(Appeal).where(Appeal.id == appeal_id).values(route=route.value))


async def drafts_count(sessions: Sessions, user_id: int) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(Appeal).where(
            Appeal.user_id == user_id, Appeal.status == AppealStatus.draft.value)) or 0)



@dataclass(frozen=True)
class LeftOut:
    """A file of the appeal or of its answers that did not fit into the complaint (``FILES_MAX``)."""

    ref: FileRef
    from_answer: bool
    position: int  # 1-based among the files of the appeal (or of that answer), as the resident saw them


def pick_files(appeal_files: list[FileRef], answers_files: list[list[FileRef]]) -> tuple[list[FileRef],
                                                                                         list[LeftOut]]:
    """The files a complaint about an answer carries over, at most ``FILES_MAX``: all of them when they fit;
    otherwise the answers' files first (the newest answer's first — they are what is disputed), then the appeal's
    in order. The kept ones stay in their order (the appeal's, then the answers'); (kept, left out)."""
    tagged = [(False, i, f) for i, f in enumerate(appeal_files, 1)]
    tagged += [(True, i, f) for files in answers_files for i, f in enumerate(files, 1)]
    if len(tagged) <= FILES_MAX:
        return [f for _a, _i, f in tagged], []
    n_appeal = len(appeal_files)
    by_answer: list[list[int]] = []
    k = n_appeal
    for files in answers_files:
        by_answer.append(list(range(k, k + len(files))))
        k += len(files)
    priority = [i for idxs in reversed(by_answer) for i in idxs] + list(range(n_appeal))
    kept = set(priority[:FILES_MAX])
    return ([f for i, (_a, _p, f) in enumerate(tagged) if i in kept],
            [LeftOut(f, a, p) for i, (a, p, f) in enumerate(tagged) if i not in kept])


@dataclass(frozen=True)
class Followup:
    """What a complaint to the ГЖИ about an answer starts from: the first appeal and its answer (the compose
    dialog writes the opening of the text from these)."""

    parent_id: int
    parent_number: str
    parent_sent_on: dt.date | None  # local date
    parent_addressee: str | None
    answer_text: str | None  # the latest answer
    answered_on: dt.date | None
    left_out: tuple[LeftOut, ...] = ()  # files beyond FILES_MAX that the complaint could not carry over


@dataclass(frozen=True)
class RatedOtherwise:
    """«Подать жалобу в ГЖИ» (offered after «Не решён») about an answer the resident has rated otherwise since."""

    rating: AppealRating


async def followup(sessions: Sessions, user_id: int, parent_id: int,
                   clock: Clock) -> tuple[Fields, Followup] | RatedOtherwise | None:
    """A new appeal to the ГЖИ prefilled from the resident's answered appeal: the applicant, house, premises, topic,
    text and files (the appeal's and its answer's, ``pick_files``; those left out are named in ``left_out``)
    carried over, the ГЖИ of the region as the addressee. None when the appeal is not the resident's or was never
    sent; ``RatedOtherwise`` when its answer is rated «Вопрос решён» / «Решён частично» now (the complaint says
    the question is not solved). ``f.text`` is the appeal's own text: the dialog writes the complaint's text around
    it."""
    from bot.services.appeals.views import load  # views imports this module

    async with sessions() as s:
        v = await load(s, parent_id)
    if v is None or v.user_id != user_id or v.number is None:
        return None
    if v.rating is not None and v.rating is not AppealRating.unsolved:  # as mine.rated_otherwise (it imports us)
        return RatedOtherwise(v.rating)
    f = Fields(surname=v.surname, first_name=v.first_name, patronymic=v.patronymic, phone=v.phone, email=v.email,
               house_id=v.house_id, topic_code=v.topic_code, text=v.text, parent_id=v.id,
               custom_topic=v.topic if v.topic_entry and v.topic_entry.typed else None)
    async with sessions() as s:
        a = await s.get(Appeal, parent_id)
        f.premises_id, f.premises_number = a.premises_id, a.premises_number
    f.files, left_out = pick_files(list(v.files), [list(ans.files) for ans in v.answers])
    if v.house_id:
        choices = await addressees(sessions, v.house_id)
        gzhi = next((c for c in choices if c.kind == OrgKind.gzhi.value), None)
        f.addressee_id = gzhi.id if gzhi else None
    last = v.answers[-1] if v.answers else None
    info = Followup(v.id, v.number, clock.to_local(v.sent_at).date() if v.sent_at else None,
                    v.addressee.name if v.addressee else None, last.text if last else None,
                    clock.to_local(last.created_at).date() if last else None, tuple(left_out))
    return f, info
