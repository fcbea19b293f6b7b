"""«Мой дом»: «Информация о доме», the premises, the УК card, the contract, the council, outages (seed 001)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from bot.fsm.accounts import HousePage
from bot.services.house_info import HouseInfo, OrgCard, OutageItem
from bot.texts.common import number, phone
from bot.texts.render import Html, fmt, join
from bot.texts.vocab import resource_name
from storage.vocab import OutageKind

BTN_CARD = "Информация о доме"
BTN_PREMISES = "Помещение"
BTN_MANAGER = "Управляющая организация"
BTN_CONTRACT = "Договор управления"
BTN_COUNCIL = "Совет дома"
BTN_OUTAGES = "Отключения"
BTN_CHOOSE = "« Другой дом"

NO_HOUSES = (
    "<b>Мой дом</b>\n\nСведения о доме доступны после подключения лицевого счёта. "
    "Нажмите «Подключить лицевой счёт» — понадобятся адрес дома и номер лицевого счёта из квитанции."
)
CHOOSE = "<b>Мой дом</b>\n\nВаши лицевые счета подключены в нескольких домах. Выберите дом:"

CARD_EMPTY = "Управляющая организация пока не разместила сведения о доме."
PREMISES_EMPTY = "Сведения о помещении не размещены."
CONTRACT_EMPTY = "Сведения о договоре управления не размещены."
COUNCIL_EMPTY = "Сведения о председателе и членах совета многоквартирного дома не размещены."
OUTAGES_EMPTY = "Текущих и плановых отключений по дому нет."
NOT_SET = "значение не указано"

KINDS = {"mkd": "многоквартирный дом", "house": "жилой дом"}
FUNDS = {"regional_operator": "на счёте регионального оператора", "special_account": "на специальном счёте"}
LICENSE = {"active": "действует", "suspended": "приостановлена", "revoked": "аннулирована"}
OUTAGE_KINDS = {OutageKind.planned: "плановое", OutageKind.emergency: "аварийное"}

FIELD = "{label}: {value}"
TITLED = "<b>{title}</b>\n{address}\n\n{body}"
CARD = "<b>Информация о доме</b>\n{address}\n\n{body}\n\nУправляющая организация: {manager}"
PREMISES_BLOCK = "<b>{label}</b>\n{rows}"
MANAGER = "<b>Управляющая организация</b>\n\n{rows}"
LICENSE_NUMBER = "№ {number}"
LICENSE_DATE = " от {date}"
CHAIR = "Председатель: {name}"
CHAIR_NONE = "Председатель: не избран"
MEMBERS = "Члены совета:"
MEMBER = "• {name}"
OUTAGE_LINE = "• <b>{resource}</b> ({kind}): {span}"
OUTAGE_REASON = "\n  {reason}"
OUTAGES_NOW = "<b>Сейчас:</b>\n{items}"
OUTAGES_PLANNED = "<b>Запланированы:</b>\n{items}"
AREA = "{value}\u00a0м²"
PERCENT = "{value} %"


def _num(value: Decimal | None) -> str:
    return "" if value is None else number(value)


def _date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def _fields(rows: list[tuple[str, object]]) -> list[Html]:
    """«Label: value» for the rows that have a value; empty fields are left out, not printed blank."""
    return [fmt(FIELD, label=label, value=value) for label, value in rows if value not in (None, "")]


def _area(value: Decimal | None) -> str | None:
    return AREA.format(value=_num(value)) if value else None


def _titled(title: str, info: HouseInfo, body: Html | str) -> Html:
    return fmt(TITLED, title=title, address=info.card.address, body=body)


def card(info: HouseInfo) -> Html:
    c = info.card
    rows = _fields([
        ("Тип дома", KINDS.get(c.kind)),
        ("Год постройки", c.year_built),
        ("Год ввода в эксплуатацию", c.year_commissioned),
        ("Количество этажей", c.floors),
        ("Количество подъездов", c.entrances),
        ("Общая площадь", _area(c.total_area)),
        ("Состояние", c.condition),
        ("Общий износ", PERCENT.format(value=_num(c.wear_percent)) if c.wear_percent is not None else None),
        ("Последний капитальный ремонт", c.last_capital_repair_year),
        ("Фонд капремонта", FUNDS.get(c.capital_repair_fund or "")),
    ])
    # the type alone says nothing: the house has data only when something else is filled
    body = join(rows) if len(rows) > 1 else CARD_EMPTY
    return fmt(CARD, address=c.address, body=body, manager=c.manager)


def premises(info: HouseInfo) -> Html:
    blocks = []
    for p in info.premises:
        rows = _fields([
            ("Общая площадь", _area(p.total_area)),
            ("Жилая площадь", _area(p.living_area)),
            ("Кол-во проживающих", p.residents if p.residents is not None else NOT_SET),
            ("Кадастровый номер", p.cadastral_number),
            ("Лицевые счета", ", ".join(p.accounts)),
        ])
        blocks.append(fmt(PREMISES_BLOCK, label=p.label, rows=join(rows)))
    body = join(blocks, "\n\n") if blocks else PREMISES_EMPTY
    return _titled(BTN_PREMISES, info, body)


def manager(o: OrgCard) -> Html:
    rows = _fields([
        ("Полное наименование", o.name),
        ("Сокращённое наименование", o.short_name),
        ("ОГРН", o.ogrn),
        ("ИНН", o.inn),
        ("КПП", o.kpp),
        ("Дата регистрации", _date(o.registered_on)),
        ("Юридический адрес", o.legal_address),
        ("Фактический адрес", o.actual_address),
        ("Почтовый адрес", o.postal_address),
        ("Телефон", phone(o.phone) or None),
        ("Диспетчерская служба", phone(o.dispatcher_phone) or None),
        ("E-mail", o.email),
        ("Сайт", o.website),
        ("Лицензия", (LICENSE_NUMBER.format(number=o.license_number)
                      + (LICENSE_DATE.format(date=_date(o.license_issued_on)) if o.license_issued_on else ""))
         if o.license_number else None),
        ("Статус лицензии", LICENSE.get(o.license_status or "")),
    ])
    return fmt(MANAGER, rows=join(rows))


def contract(info: HouseInfo) -> Html:
    c = info.contract
    if c.empty:
        return _titled(BTN_CONTRACT, info, CONTRACT_EMPTY)
    rows = _fields([
        ("Номер", c.number),
        ("Дата заключения", _date(c.signed_on)),
        ("Дата вступления в силу", _date(c.starts_on)),
        ("Планируемая дата окончания", _date(c.ends_on)),
        ("Управляющая организация", c.manager),
    ])
    return _titled(BTN_CONTRACT, info, join(rows))


def council(info: HouseInfo) -> Html:
    c = info.council
    title = "Совет многоквартирного дома"
    if not c.chair and not c.members:
        return _titled(title, info, COUNCIL_EMPTY)
    lines = [fmt(CHAIR, name=c.chair) if c.chair else fmt(CHAIR_NONE)]
    if c.members:
        lines.append(fmt(MEMBERS))
        lines += [fmt(MEMBER, name=m) for m in c.members]
    return _titled(title, info, join(lines))


def _outage(o: OutageItem, to_local: Callable[[dt.datetime], dt.datetime]) -> Html:
    start, end = to_local(o.starts_at), to_local(o.ends_at)
    span = (f"{start:%d.%m.%Y %H:%M} – {end:%H:%M}" if start.date() == end.date()
            else f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}")
    line = fmt(OUTAGE_LINE, resource=resource_name(o.resource), kind=OUTAGE_KINDS.get(o.kind, o.kind), span=span)
    if o.reason:
        line = Html(line + fmt(OUTAGE_REASON, reason=o.reason))
    return line


def outages(info: HouseInfo, to_local: Callable[[dt.datetime], dt.datetime]) -> Html:
    if not info.current and not info.planned:
        return _titled(BTN_OUTAGES, info, OUTAGES_EMPTY)
    parts = []
    if info.current:
        parts.append(fmt(OUTAGES_NOW, items=join([_outage(o, to_local) for o in info.current])))
    if info.planned:
        parts.append(fmt(OUTAGES_PLANNED, items=join([_outage(o, to_local) for o in info.planned])))
    return _titled(BTN_OUTAGES, info, join(parts, "\n\n"))


def page(which: HousePage, info: HouseInfo, to_local: Callable[[dt.datetime], dt.datetime]) -> Html:
    """The page of «Мой дом» a button asks for."""
    if which == HousePage.premises:
        return premises(info)
    if which == HousePage.manager:
        return manager(info.manager)
    if which == HousePage.contract:
        return contract(info)
    if which == HousePage.council:
        return council(info)
    if which == HousePage.outages:
        return outages(info, to_local)
    return card(info)
