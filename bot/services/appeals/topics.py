"""The topic catalogue of an appeal, as data: two levels, the seed's numbers and names verbatim (figure 7: 1–9 and
6.1–6.5), the other sub-topics modelled on ГИС ЖКХ's classifier. Each topic says whom it goes to by default, how
many working days an organization has to answer it, and whether it is an emergency (the dispatcher's phone is shown
at once and the staff card is marked urgent).

Deadlines, for an organization (a state body always has 30 days, ``deadlines``):
- 10 working days for a written appeal to a managing organization (Правила осуществления деятельности по
  управлению МКД, ПП РФ от 15.05.2013 № 416) — the default;
- 3 working days for a consumer's complaint about communal services or the bill for them (Правила предоставления
  коммунальных услуг, ПП РФ от 06.05.2011 № 354, п. 31 пп. «к»);
- 1 working day for an emergency (the emergency itself goes to the dispatcher by phone at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AddresseeKind(StrEnum):
    manager = "manager"  # the house's managing organization (УК, ТСЖ, ЖСК)
    gzhi = "gzhi"  # the state housing inspection of the region
    rso = "rso"  # a resource supplier of the house


DEFAULT_DAYS = 10
COMMUNAL_DAYS = 3
EMERGENCY_DAYS = 1


@dataclass(frozen=True)
class Topic:
    code: str  # «2», «6.1»
    title: str
    addressee: AddresseeKind = AddresseeKind.manager
    days: int = DEFAULT_DAYS  # working days for an organization's answer
    emergency: bool = False
    gas: bool = False  # a gas smell: 104 (the gas emergency service) before anything else
    typed: bool = False  # «Другая тема»: the resident types the name

    @property
    def parent(self) -> str | None:
        return self.code.rpartition(".")[0] or None


OTHER = "4"

_M, _G, _R = AddresseeKind.manager, AddresseeKind.gzhi, AddresseeKind.rso

CATALOGUE: tuple[Topic, ...] = (
    Topic("1", "Проблемы, относящиеся к придомовой территории"),
    Topic("1.1", "Уборка придомовой территории"),
    Topic("1.2", "Уборка снега и наледи, сосульки"),
    Topic("1.3", "Вывоз мусора, контейнерная площадка"),
    Topic("1.4", "Освещение придомовой территории"),
    Topic("1.5", "Детская и спортивная площадка"),
    Topic("1.6", "Озеленение, покос травы"),
    Topic("1.7", "Проезд, тротуары, парковка во дворе"),
    Topic("2", "Проблемы, относящиеся к внутридомовой территории."),
    Topic("2.1", "Протечка кровли", days=EMERGENCY_DAYS, emergency=True),
    Topic("2.2", "Затопление, прорыв трубы", days=EMERGENCY_DAYS, emergency=True),
    Topic("2.3", "Уборка подъезда"),
    Topic("2.4", "Лифт"),
    Topic("2.5", "Освещение в подъезде"),
    Topic("2.6", "Подвал, чердак, технические помещения"),
    Topic("2.7", "Входные двери, окна, домофон"),
    Topic("2.8", "Мусоропровод"),
    Topic("2.9", "Дезинсекция и дератизация"),
    Topic("3", "Проблемы, связанные с ошибками в квитанциях, оплате, договорах и т.п.", days=COMMUNAL_DAYS),
    Topic("3.1", "Ошибка в начислениях", days=COMMUNAL_DAYS),
    Topic("3.2", "Не учтена оплата", days=COMMUNAL_DAYS),
    Topic("3.3", "Не учтены показания приборов учёта", days=COMMUNAL_DAYS),
    Topic("3.4", "Перерасчёт", days=COMMUNAL_DAYS),
    Topic("3.5", "Договор управления, договор на коммунальные услуги"),
    Topic("3.6", "Подключение лицевого счёта к системе"),
    Topic(OTHER, "Другая тема", typed=True),
    Topic("5", "Оказание коммунальных услуг", days=COMMUNAL_DAYS),
    Topic("5.1", "Холодное водоснабжение", days=COMMUNAL_DAYS),
    Topic("5.2", "Горячее водоснабжение", days=COMMUNAL_DAYS),
    Topic("5.3", "Водоотведение (канализация)", days=COMMUNAL_DAYS),
    Topic("5.4", "Отопление", days=COMMUNAL_DAYS),
    Topic("5.5", "Электроснабжение", addressee=_R, days=COMMUNAL_DAYS),
    Topic("5.6", "Газоснабжение", addressee=_R, days=COMMUNAL_DAYS),
    Topic("5.7", "Обращение с твёрдыми коммунальными отходами", addressee=_R, days=COMMUNAL_DAYS),
    Topic("5.8", "Нет электроэнергии", days=EMERGENCY_DAYS, emergency=True),
    Topic("5.9", "Запах газа", days=EMERGENCY_DAYS, emergency=True, gas=True),
    Topic("6", "Оказание услуг по содержанию и ремонту"),
    Topic("6.1", "Качество оказания услуг по содержанию и ремонту"),
    Topic("6.2", "Сроки оказания услуг по содержанию и ремонту"),
    Topic("6.3", "Цены (тарифы) на предоставляемые услуги по содержанию и ремонту"),
    Topic("6.4", "Размер оплаты за предоставляемые услуги по содержанию и ремонту"),
    Topic("6.5", "Объем и перечень предоставляемых услуг по содержанию и ремонту"),
    Topic("7", "Предоставление информации"),
    Topic("7.1", "Раскрытие информации управляющей организацией"),
    Topic("7.2", "Информация о начислениях и задолженности"),
    Topic("7.3", "Информация о приборах учёта и показаниях"),
    Topic("7.4", "Информация о капитальном ремонте"),
    Topic("8", "Нарушения со стороны УК, ТСЖ, ЖСК, ЖК или иного СПК", addressee=_G),
    Topic("8.1", "Неисполнение договора управления", addressee=_G),
    Topic("8.2", "Нарушение лицензионных требований", addressee=_G),
    Topic("8.3", "Нераскрытие информации в ГИС ЖКХ", addressee=_G),
    Topic("8.4", "Нарушения при проведении общего собрания собственников", addressee=_G),
    Topic("9", "Комфортная городская среда"),
    Topic("9.1", "Благоустройство двора"),
    Topic("9.2", "Общественные пространства"),
    Topic("9.3", "Предложения по благоустройству"),
)

_BY_CODE = {t.code: t for t in CATALOGUE}
ROOTS: tuple[Topic, ...] = tuple(t for t in CATALOGUE if t.parent is None)


def get(code: str | None) -> Topic | None:
    return _BY_CODE.get(code) if code else None


def children(code: str) -> tuple[Topic, ...]:
    return tuple(t for t in CATALOGUE if t.parent == code)


def is_leaf(code: str) -> bool:
    return bool(_BY_CODE.get(code)) and not children(code)
