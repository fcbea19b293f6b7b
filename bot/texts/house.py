"""«Мой дом»: «Информация о доме», the premises, the УК card, the contract, the council, outages (seed 001)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from html import escape

from bot.services.house_info import HouseInfo, OrgCard, OutageItem
from bot.texts.common import number, phone

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
RESOURCES = {"hot_water": "Горячая вода", "cold_water": "Холодная вода", "electricity": "Электроэнергия",
             "heating": "Отопление", "gas": "Газ"}
OUTAGE_KINDS = {"planned": "плановое", "emergency": "аварийное"}


def _num(value: Decimal | None) -> str:
    return "" if value is None else number(value)


def _date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else ""


def _fields(rows: list[tuple[str, object]]) -> list[str]:
    """«Label: value» for the rows that have a value; empty fields are left out, not printed blank."""
    return [f"{label}: {escape(str(value))}" for label, value in rows if value not in (None, "")]


def card(info: HouseInfo) -> str:
    c = info.card
    rows = _fields([
        ("Тип дома", KINDS.get(c.kind)),
        ("Год постройки", c.year_built),
        ("Год ввода в эксплуатацию", c.year_commissioned),
        ("Этажей", c.floors),
        ("Подъездов", c.entrances),
        ("Общая площадь", f"{_num(c.total_area)}\u00a0м²" if c.total_area else None),
        ("Состояние", c.condition),
        ("Общий износ", f"{_num(c.wear_percent)} %" if c.wear_percent is not None else None),
        ("Последний капитальный ремонт", c.last_capital_repair_year),
        ("Фонд капремонта", FUNDS.get(c.capital_repair_fund or "")),
    ])
    # the type alone says nothing: the house has data only when something else is filled
    body = "\n".join(rows) if len(rows) > 1 else CARD_EMPTY
    return (f"<b>Информация о доме</b>\n{escape(c.address)}\n\n{body}\n\n"
            f"Управляющая организация: {escape(c.manager)}")


def premises(info: HouseInfo) -> str:
    blocks = []
    for p in info.premises:
        rows = _fields([
            ("Общая площадь", f"{_num(p.total_area)}\u00a0м²" if p.total_area else None),
            ("Жилая площадь", f"{_num(p.living_area)}\u00a0м²" if p.living_area else None),
            ("Кол-во проживающих", p.residents if p.residents is not None else NOT_SET),
            ("Кадастровый номер", p.cadastral_number),
            ("Лицевые счета", ", ".join(p.accounts)),
        ])
        blocks.append(f"<b>{escape(p.label)}</b>\n" + "\n".join(rows))
    body = "\n\n".join(blocks) or PREMISES_EMPTY
    return f"<b>Помещение</b>\n{escape(info.card.address)}\n\n{body}"


def manager(o: OrgCard) -> str:
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
        ("Лицензия", (f"№ {o.license_number}" + (f" от {_date(o.license_issued_on)}" if o.license_issued_on
                                                  else "")) if o.license_number else None),
        ("Статус лицензии", LICENSE.get(o.license_status or "")),
    ])
    return "<b>Управляющая организация</b>\n\n" + "\n".join(rows)


def contract(info: HouseInfo) -> str:
    c = info.contract
    if c.empty:
        return f"<b>Договор управления</b>\n{escape(info.card.address)}\n\n{CONTRACT_EMPTY}"
    rows = _fields([
        ("Номер", c.number),
        ("Дата заключения", _date(c.signed_on)),
        ("Дата вступления в силу", _date(c.starts_on)),
        ("Планируемая дата окончания", _date(c.ends_on)),
        ("Управляющая организация", c.manager),
    ])
    return f"<b>Договор управления</b>\n{escape(info.card.address)}\n\n" + "\n".join(rows)


def council(info: HouseInfo) -> str:
    c = info.council
    head = f"<b>Совет многоквартирного дома</b>\n{escape(info.card.address)}\n\n"
    if not c.chair and not c.members:
        return head + COUNCIL_EMPTY
    lines = [f"Председатель: {escape(c.chair)}" if c.chair else "Председатель: не избран"]
    if c.members:
        lines.append("Члены совета:")
        lines += [f"• {escape(m)}" for m in c.members]
    return head + "\n".join(lines)


def _outage(o: OutageItem, to_local: Callable[[dt.datetime], dt.datetime]) -> str:
    start, end = to_local(o.starts_at), to_local(o.ends_at)
    span = (f"{start:%d.%m.%Y %H:%M} – {end:%H:%M}" if start.date() == end.date()
            else f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}")
    line = f"• <b>{RESOURCES.get(o.resource, o.resource)}</b> ({OUTAGE_KINDS.get(o.kind, o.kind)}): {span}"
    if o.reason:
        line += f"\n  {escape(o.reason)}"
    return line


def outages(info: HouseInfo, to_local: Callable[[dt.datetime], dt.datetime]) -> str:
    head = f"<b>Отключения</b>\n{escape(info.card.address)}\n\n"
    if not info.current and not info.planned:
        return head + OUTAGES_EMPTY
    parts = []
    if info.current:
        parts.append("<b>Сейчас:</b>\n" + "\n".join(_outage(o, to_local) for o in info.current))
    if info.planned:
        parts.append("<b>Запланированы:</b>\n" + "\n".join(_outage(o, to_local) for o in info.planned))
    return head + "\n\n".join(parts)
