"""Writing a validated registry: references checked against the import and the database, then a bulk upsert.

Everything happens in one transaction. First the existing keys are read and every reference is checked; only
when there is no problem at all are rows written, table by table in dependency order. Each row is compared with
the stored one: unchanged rows are not touched (``updated_at`` stays), changed rows are updated by id, new rows
are inserted with executemany in chunks. Columns absent from a file's header are left as stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from sqlalchemy import Table, bindparam, func, insert, literal_column, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.services.address import house_search_text
from bot.services.houses import premises_label
from bot.services.outages import drop_stale_pushes
from bot.services.registry.parse import (
    BLANK,
    ORDER,
    SPEC_BY_NAME,
    ParsedFile,
    Problem,
    Problems,
    _clip,
    source_phrase,
)
from bot.services.registry.report import Counts
from bot.texts import registry as t
from storage.models import (
    Account,
    AgendaItem,
    Charge,
    House,
    Meeting,
    Meter,
    Organization,
    Outage,
    Owner,
    Payment,
    Premises,
    utcnow,
)

CHUNK = 5_000  # rows per executemany: bounded memory, a progress bar that moves



class Progress(Protocol):
    def __call__(self, items: Iterable[Any], total: int, label: str, chunked: bool = False) -> Iterator[Any]: ...


@dataclass
class Ids:
    """Natural keys → ids of the parent rows, kept current while tables are written."""

    org: dict[str, int] = field(default_factory=dict)  # ogrn
    house: dict[str, int] = field(default_factory=dict)  # house_guid
    premises: dict[tuple[int, str], int] = field(default_factory=dict)  # (house_id, number)
    account: dict[tuple[str, int], int] = field(default_factory=dict)  # (account_number, provider_id)
    meeting: dict[str, int] = field(default_factory=dict)  # meeting_id

    async def refresh(self, conn: AsyncConnection, what: str) -> None:
        if what == "organizations":
            t = Organization.__table__
            self.org = {r.ogrn: r.id for r in await conn.execute(select(t.c.id, t.c.ogrn))}
        elif what == "houses":
            t = House.__table__
            self.house = {r.house_guid: r.id for r in await conn.execute(select(t.c.id, t.c.house_guid))}
        elif what == "premises":
            t = Premises.__table__
            self.premises = {(r.house_id, r.number): r.id
                             for r in await conn.execute(select(t.c.id, t.c.house_id, t.c.number))}
        elif what == "accounts":
            t = Account.__table__
            self.account = {(r.account_number, r.provider_id): r.id
                            for r in await conn.execute(select(t.c.id, t.c.account_number, t.c.provider_id))}
        elif what == "meetings":
            t = Meeting.__table__
            self.meeting = {r.meeting_id: r.id for r in await conn.execute(select(t.c.id, t.c.meeting_id))}

    # natural keys → ids (None when unknown)
    def premises_id(self, guid: str, number: str) -> int | None:
        house_id = self.house.get(guid)
        return None if house_id is None else self.premises.get((house_id, number))

    def account_id(self, number: str, ogrn: str) -> int | None:
        provider_id = self.org.get(ogrn)
        return None if provider_id is None else self.account.get((number, provider_id))


# ----------------------------------------------------------------------------------------------- references


def check_references(files: dict[str, ParsedFile], ids: Ids, problems: Problems) -> None:
    """Every house, premises, account, organization and meeting a row names must be in this import or stored."""

    def imported(name: str) -> dict[tuple, int]:
        return files[name].keys if name in files else {}

    book = any(pf.sheet for pf in files.values())

    def where(name: str) -> str:  # «в houses.csv» or «на листе houses»
        return source_phrase(name, book)

    orgs, houses, premises = imported("organizations"), imported("houses"), imported("premises")
    accounts, meetings = imported("accounts"), imported("meetings")

    def has_org(ogrn: str) -> bool:
        return (ogrn,) in orgs or ogrn in ids.org

    def has_house(guid: str) -> bool:
        return (guid,) in houses or guid in ids.house

    def has_premises(guid: str, number: str) -> bool:
        return (guid, number) in premises or ids.premises_id(guid, number) is not None

    def has_account(number: str, ogrn: str) -> bool:
        return (number, ogrn) in accounts or ids.account_id(number, ogrn) is not None

    def refs(name: str, v: dict[str, Any]) -> Iterator[tuple[str, str]]:
        def given(*cols: str) -> bool:
            return all(isinstance(v.get(c), str) for c in cols)

        for col in ("manager_ogrn", "provider_ogrn"):
            if name in ("houses", "accounts") and given(col) and not has_org(v[col]):
                yield col, f"организация с ОГРН {v[col]} не найдена ни {where('organizations')}, ни в базе"
        if name in ("premises", "outages", "meetings") and given("house_guid") and not has_house(v["house_guid"]):
            yield "house_guid", f"дом {v['house_guid']} не найден ни {where('houses')}, ни в базе"
        if name in ("accounts", "owners") and given("house_guid", "premises_number"):
            if not has_house(v["house_guid"]):
                yield "house_guid", f"дом {v['house_guid']} не найден ни {where('houses')}, ни в базе"
            elif not has_premises(v["house_guid"], v["premises_number"]):
                yield "premises_number", (f"помещение «{v['premises_number']}» дома {v['house_guid']} "
                                          f"не найдено ни {where('premises')}, ни в базе")
        if name in ("meters", "charges", "payments") and given("account_number", "provider_ogrn"):
            if not has_account(v["account_number"], v["provider_ogrn"]):
                yield "account_number", (f"лицевой счёт {v['account_number']} (поставщик ОГРН "
                                         f"{v['provider_ogrn']}) не найден ни {where('accounts')}, ни в базе")
        if name == "agenda" and given("meeting_id") and not (
                (v["meeting_id"],) in meetings or v["meeting_id"] in ids.meeting):
            yield "meeting_id", f"собрание {v['meeting_id']} не найдено ни {where('meetings')}, ни в базе"

    for name, pf in files.items():
        for row in pf.rows:
            for column, reason in refs(name, row.values):
                problems.append(Problem(ORDER[name], row.line, pf.label, column, reason))


# ----------------------------------------------------------------------------------------------- owners' shares

SHARES_LISTED = 5  # owners named in a refusal; the rest are counted


async def check_owner_shares(conn: AsyncConnection, files: dict[str, ParsedFile], ids: Ids,
                             problems: Problems) -> None:
    """The owners a file gives one premises may not hold more than the whole of it: their shares, in exact
    fractions, add up to at most 1 (below 1 is fine: not every owner may be known). Only the file's own rows are
    added: rows absent from an import are left alone (FORMAT.md) and an import cannot remove an owner, so an
    owner stored from before beside a new one in the file (a flat sold) is not refused here — that would leave the
    clerk no way to load the registry at all."""
    pf = files.get("owners")
    if pf is None:
        return
    # (house_guid, number) → owner_name → (share, the file's row)
    given: dict[tuple[str, str], dict[str, tuple[Fraction, int]]] = defaultdict(dict)
    unknown: set[tuple[str, str]] = set()  # a row's share did not parse: its total is unknown (and refused anyway)
    for row in pf.rows:
        v = row.values
        if row.key is None or pf.keys.get(row.key) != row.line:  # no key, or a repeated one: already a problem
            continue
        premises = (v["house_guid"], v["premises_number"])
        if v.get("share") in (None, BLANK):
            unknown.add(premises)
            continue
        given[premises][v["owner_name"]] = (Fraction(*v["share"]), row.line)
    over = {premises: owners for premises, owners in given.items()
            if premises not in unknown and sum(share for share, _ in owners.values()) > 1}
    if not over:
        return
    stored = {pid: premises for premises in over if (pid := ids.premises_id(*premises)) is not None}
    kinds = await _premises_kinds(conn, files, stored)
    for (guid, number), owners in over.items():
        listed = sorted(owners.items(), key=lambda kv: kv[1][1])
        who = [t.SHARE_OF.format(name=_clip(name), share=share, where=t.SHARE_ROW.format(line=line))
               for name, (share, line) in listed[:SHARES_LISTED]]
        if len(listed) > SHARES_LISTED:
            who.append(t.shares_more(len(listed) - SHARES_LISTED))
        label = premises_label(Premises(number=number, kind=kinds.get((guid, number), "residential")))
        problems.append(Problem(ORDER["owners"], listed[0][1][1], pf.label, "share", t.SHARES_OVER_ONE.format(
            premises=label, house=guid, total=sum(share for share, _ in owners.values()), owners=", ".join(who))))


async def _premises_kinds(conn: AsyncConnection, files: dict[str, ParsedFile],
                          stored: dict[int, tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(house_guid, number) → kind, of the stored premises given and of premises.csv (which wins), to name them."""
    kinds: dict[tuple[str, str], str] = {}
    if stored:
        p = Premises.__table__
        # all of them, filtered here: a list of ids as parameters has a limit (SQLite: 32 766)
        kinds = {stored[r.id]: r.kind for r in await conn.execute(select(p.c.id, p.c.kind)) if r.id in stored}
    for row in files["premises"].rows if "premises" in files else []:
        v = row.values
        if isinstance(v.get("house_guid"), str) and isinstance(v.get("number"), str):
            kind = v.get("kind")
            if isinstance(kind, str):
                kinds[(v["house_guid"], v["number"])] = kind
            elif "kind" in v:  # an empty cell: the default
                kinds[(v["house_guid"], v["number"])] = "residential"
    return kinds


# ----------------------------------------------------------------------------------------------- tables


DUE_DAY = 15  # ЖК РФ ст. 155 ч. 1 as in force from 01.03.2026: paid by the 15th of the next month (FORMAT.md)


def _default_due_on(period: str) -> dt.date:
    y, m = int(period[:4]), int(period[5:7])
    return dt.date(y + m // 12, m % 12 + 1, DUE_DAY)


DIGITS = {"electricity": 6}  # water, gas, heat: 5


@dataclass(frozen=True)
class Target:
    table: Table
    unique: tuple[str, ...]
    # file values (present columns only) → model attributes; parents resolved through Ids
    build: Callable[[dict[str, Any], Ids], dict[str, Any]]
    # fills defaults and derived attributes on a full row (insert) or a stored row overlaid with the file's
    derive: Callable[[dict[str, Any]], None] = lambda row: None
    insert_extra: dict[str, Any] = field(default_factory=dict)


def _same(values: dict[str, Any], *skip: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in skip}


def _default(**defaults: Any) -> Callable[[dict[str, Any]], None]:
    def derive(row: dict[str, Any]) -> None:
        for k, v in defaults.items():
            if row.get(k) is None:
                row[k] = v

    return derive


def _build_house(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    row = _same(v, "manager_ogrn")
    row["manager_id"] = ids.org[v["manager_ogrn"]]
    return row


def _derive_house(row: dict[str, Any]) -> None:
    if row.get("kind") is None:
        row["kind"] = "mkd"
    row["search_text"] = house_search_text(row.get("city"), row.get("settlement"), row["street"], row["building"],
                                           row.get("region"), row.get("district"), row.get("postal_code"))


def _build_premises(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    return {**_same(v, "house_guid"), "house_id": ids.house[v["house_guid"]]}


def _build_account(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    row = _same(v, "provider_ogrn", "house_guid", "premises_number")
    row["provider_id"] = ids.org[v["provider_ogrn"]]
    row["premises_id"] = ids.premises_id(v["house_guid"], v["premises_number"])
    return row


def _build_by_account(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    row = _same(v, "account_number", "provider_ogrn")
    row["account_id"] = ids.account_id(v["account_number"], v["provider_ogrn"])
    return row


def _derive_meter(row: dict[str, Any]) -> None:
    if row.get("tariff_zones") is None:
        row["tariff_zones"] = 1
    if row.get("digits") is None:
        row["digits"] = DIGITS.get(row["resource"], 5)


def _build_owner(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    row = _same(v, "house_guid", "premises_number", "share")
    row["premises_id"] = ids.premises_id(v["house_guid"], v["premises_number"])
    row["share_num"], row["share_den"] = v["share"]
    return row


def _derive_charge(row: dict[str, Any]) -> None:
    if row.get("due_on") is None:
        row["due_on"] = _default_due_on(row["period"])


def _build_payment(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    row = _build_by_account(_same(v, "payment_id"), ids)
    row["external_id"] = v["payment_id"]
    return row


def _build_outage(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    row = {**_same(v, "house_guid"), "house_id": ids.house[v["house_guid"]]}
    row["registry_starts_at"] = row["starts_at"]
    row["source"] = "registry"  # a registry row at the start of a staff-made outage takes it over: /outages says so
    row["registry_digest"] = hashlib.sha1(repr((
        row["starts_at"].isoformat(), row["ends_at"].isoformat(), row.get("kind") or "planned", row.get("reason") or "",
    )).encode()).hexdigest()
    return row


def _build_meeting(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    return {**_same(v, "house_guid"), "house_id": ids.house[v["house_guid"]]}


# what residents read in an outage notice: a change of these is news, a change of the bookkeeping is not
OUTAGE_VISIBLE = ("starts_at", "ends_at", "kind", "reason")


def _build_agenda(v: dict[str, Any], ids: Ids) -> dict[str, Any]:
    return {**v, "meeting_id": ids.meeting[v["meeting_id"]]}


TARGETS: dict[str, Target] = {
    "organizations": Target(Organization.__table__, ("ogrn",), lambda v, ids: dict(v)),
    "houses": Target(House.__table__, ("house_guid",), _build_house, _derive_house),
    "premises": Target(Premises.__table__, ("house_id", "number"), _build_premises,
                       _default(kind="residential")),
    "accounts": Target(Account.__table__, ("account_number", "provider_id"), _build_account),
    "meters": Target(Meter.__table__, ("serial_number", "account_id"), _build_by_account, _derive_meter),
    "owners": Target(Owner.__table__, ("premises_id", "owner_name"), _build_owner),
    "charges": Target(Charge.__table__, ("account_id", "period", "service"), _build_by_account, _derive_charge),
    "payments": Target(Payment.__table__, ("external_id",), _build_payment, insert_extra={"source": "registry"}),
    # matched on the registry's own start (the staff may have moved the outage since); a start that is no registry
    # key may be an outage the staff made in the bot: write() falls back to the current start
    "outages": Target(Outage.__table__, ("house_id", "resource", "registry_starts_at"), _build_outage,
                      _default(kind="planned"), insert_extra={"status": "active", "source": "registry",
                                                              "revision": 1}),
    "meetings": Target(Meeting.__table__, ("meeting_id",), _build_meeting),
    "agenda": Target(AgendaItem.__table__, ("meeting_id", "number"), _build_agenda,
                     _default(majority="simple", question_type="other")),
}
PARENTS = ("organizations", "houses", "premises", "accounts", "meetings")
SKIP = ("id", "created_at", "updated_at")


@dataclass
class Written:
    counts: dict[str, Counts] = field(default_factory=dict)
    changed_outage_ids: list[int] = field(default_factory=list)
    changed_meeting_ids: list[int] = field(default_factory=list)


async def write(conn: AsyncConnection, files: dict[str, ParsedFile], ids: Ids, progress: Progress,
                now: dt.datetime | None = None) -> Written:
    """``now``: naive UTC of the import (the caller's clock), stamped on what it changes."""
    now = now or utcnow()
    out = Written()
    meetings_changed: set[int] = set()
    for name in SPEC_BY_NAME:
        if name not in files:
            continue
        pf, target = files[name], TARGETS[name]
        t = target.table
        value_cols = [c.name for c in t.columns if c.name not in SKIP]
        stored = list((await conn.execute(select(t))).mappings())
        existing = {tuple(r[k] for k in target.unique): r for r in stored}
        # outages: a row whose start is not a known registry key may be an outage the staff made in the bot
        by_start = {(r["house_id"], r["resource"], r["starts_at"]): r for r in stored} if name == "outages" else {}
        # payments: a card payment made in the bot that the billing system now brings back (its payment_id is the
        # payment provider's or Telegram's charge id) is that same payment, linked — never a second one
        by_charge = _bot_charges(stored) if name == "payments" else {}
        counts = Counts()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        changed_ids: list[int] = []
        revised: list[tuple[int, int]] = []  # outages residents must hear about again: (id, new revision)
        for row in pf.rows:
            new = target.build(row.values, ids)
            key = tuple(new[k] for k in target.unique)
            old = existing.get(key) or by_start.get(key)
            if old is None and by_charge:
                old = _bot_payment_of(by_charge, new)
            if old is None:
                full = {c: None for c in value_cols if c not in target.insert_extra}
                full.update(target.insert_extra)
                full.update(new)
                target.derive(full)
                full["created_at"] = full["updated_at"] = now
                inserts.append(full)
                counts.inserted += 1
                continue
            if name == "outages" and old["registry_digest"] == new["registry_digest"]:
                counts.unchanged += 1  # the registry says what it said last time: the staff's changes stand
                continue
            merged = {c: old[c] for c in value_cols}
            merged.update(new)
            target.derive(merged)
            if all(merged[c] == old[c] for c in value_cols):
                counts.unchanged += 1
                continue
            if name != "outages":
                changed_ids.append(old["id"])
            elif not any(merged[c] != old[c] for c in OUTAGE_VISIBLE):
                # only the bookkeeping: the first import since the digest was kept, or the registry now says what
                # the staff already set — nothing for residents
                updates.append(merged | {"id": old["id"]})
                if old["registry_digest"] is None:
                    counts.unchanged += 1
                else:
                    counts.updated += 1
                continue
            elif old["status"] == "active":
                merged["revision"] = (old["revision"] or 1) + 1
                changed_ids.append(old["id"])
                revised.append((old["id"], merged["revision"]))
            # else: the staff cancelled or ended this outage and residents were told so; a registry correction
            # (a typo in the reason, another end) is stored but is no news to them
            updates.append(merged | {"id": old["id"]})
            counts.updated += 1
        if inserts:
            await _insert(conn, t, inserts, progress, f"{pf.label}: запись")
        if updates:
            cols = sorted({c for u in updates for c in u} - {"id"}) + ["updated_at"]
            stmt = (update(t).where(t.c.id == bindparam("_id"))
                    .values({c: bindparam(f"_{c}") for c in cols}))
            params = [{"_id": u["id"], **{f"_{c}": u.get(c, now) for c in cols if c != "updated_at"},
                       "_updated_at": now} for u in updates]
            for chunk in progress(_chunks(params), len(params), f"{pf.label}: обновление", chunked=True):
                await conn.execute(stmt, chunk)
        for outage_id, revision in revised:  # what the outbox still holds of them says what is no longer true
            await drop_stale_pushes(conn, outage_id, revision)
        if name in PARENTS and inserts:
            await ids.refresh(conn, name)
        if name in ("outages", "meetings", "agenda") and (inserts or changed_ids):
            new_ids = await _ids_of(conn, t, target.unique, inserts)
            if name == "outages":
                out.changed_outage_ids = sorted(set(changed_ids) | set(new_ids))
            elif name == "meetings":
                meetings_changed |= set(changed_ids) | set(new_ids)
            else:
                rows = await conn.execute(select(t.c.meeting_id).where(t.c.id.in_(set(changed_ids) | set(new_ids))))
                meetings_changed |= {r.meeting_id for r in rows}
        out.counts[pf.name or pf.spec.file] = counts
    out.changed_meeting_ids = sorted(meetings_changed)
    return out


def _bot_charges(stored: list[Any]) -> dict[str, Any]:
    """Bot payments not yet linked to a registry row, by their provider's and by Telegram's charge id."""
    out: dict[str, Any] = {}
    for r in stored:
        if r["source"] == "bot" and r["external_id"] is None:
            for charge_id in (r["provider_charge_id"], r["telegram_charge_id"]):
                if charge_id:
                    out.setdefault(charge_id, r)
    return out


def _bot_payment_of(by_charge: dict[str, Any], new: dict[str, Any]) -> Any | None:
    """The bot payment a registry payment is, when its payment_id is that payment's charge id on the same account;
    it is then taken (one registry row links one bot payment)."""
    bot = by_charge.get(new["external_id"])
    if bot is None or bot["account_id"] != new["account_id"]:
        return None
    for charge_id in (bot["provider_charge_id"], bot["telegram_charge_id"]):
        by_charge.pop(charge_id, None)
    return bot


class _Column(ARRAY):  # type: ignore[type-arg]
    """A column's values as one PostgreSQL array parameter, already converted (see ``_insert``): the cast
    (``$1::NUMERIC(12, 2)[]``) tells asyncpg how to encode it."""

    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:
        return None


async def _insert(conn: AsyncConnection, t: Table, rows: list[dict[str, Any]], progress: Progress,
                  label: str) -> None:
    """New rows in chunks. PostgreSQL: one ``INSERT … SELECT * FROM unnest(<one array per column>)`` per chunk —
    a statement of a dozen parameters instead of executemany's round trip per row (100k accounts: ~1 s, not
    ~4 s); SQLite (in-process, no round trips): executemany."""
    cols = list(dict.fromkeys(c for r in rows[:1] for c in r))
    cols += sorted({c for r in rows for c in r} - set(cols))
    dialect = conn.dialect
    if dialect.name == "postgresql":
        arrays = [bindparam(f"a{i}", type_=_Column(t.c[c].type)) for i, c in enumerate(cols)]
        stmt = t.insert().from_select(cols, select(literal_column("*")).select_from(func.unnest(*arrays)))
        # each column's own bind conversion, applied here once per value (ARRAY's would check every element)
        procs = [t.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
        for chunk in progress(_chunks(rows), len(rows), label, chunked=True):
            params = {}
            for i, (c, proc) in enumerate(zip(cols, procs, strict=True)):
                values = [r.get(c) for r in chunk]
                params[f"a{i}"] = [proc(v) for v in values] if proc is not None else values
            await conn.execute(stmt, params)
        return
    stmt = insert(t)
    for chunk in progress(_chunks(rows), len(rows), label, chunked=True):
        await conn.execute(stmt, chunk)


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i:i + CHUNK]


async def _ids_of(conn: AsyncConnection, t: Table, unique: tuple[str, ...], rows: list[dict[str, Any]]) -> list[int]:
    """Ids of just-inserted rows (few: outages, meetings, agenda items), found by their unique key."""
    if not rows:
        return []
    wanted = {tuple(r[k] for k in unique) for r in rows}
    found = await conn.execute(select(t.c.id, *(t.c[k] for k in unique)))
    return [r[0] for r in found if tuple(r[1:]) in wanted]


async def preload(conn: AsyncConnection) -> Ids:
    ids = Ids()
    for name in PARENTS:
        await ids.refresh(conn, name)
    return ids
