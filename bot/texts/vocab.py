"""Words spelled once: resources, months. Every view takes them from here."""

from __future__ import annotations

import datetime as dt

from storage.vocab import AppealRating, AppealStatus, Resource

# nominative (buttons, lists), genitive («отключение горячей воды»), the unit of a meter
RESOURCE_NAME = {
    Resource.cold_water: "Холодная вода",
    Resource.hot_water: "Горячая вода",
    Resource.electricity: "Электроэнергия",
    Resource.gas: "Газ",
    Resource.heat: "Отопление",
}
RESOURCE_GENITIVE = {
    Resource.cold_water: "холодной воды",
    Resource.hot_water: "горячей воды",
    Resource.electricity: "электроэнергии",
    Resource.gas: "газа",
    Resource.heat: "отопления",
}
METER_NAME = {  # what a meter measures: a heat meter counts «тепловая энергия», not «отопление»
    **RESOURCE_NAME,
    Resource.heat: "Тепловая энергия",
}
UNIT = {
    Resource.cold_water: "м³",
    Resource.hot_water: "м³",
    Resource.electricity: "кВт·ч",
    Resource.gas: "м³",
    Resource.heat: "Гкал",
}

# an appeal's status as residents and staff read it (the seed's «Не отправлено», «Отправлено»)
APPEAL_STATUS = {
    AppealStatus.draft: "Не отправлено",
    AppealStatus.sent: "Отправлено",
    AppealStatus.in_work: "На рассмотрении",
    AppealStatus.answered: "Ответ получен",
    AppealStatus.redirected: "Перенаправлено",
    AppealStatus.withdrawn: "Отозвано",
}
# the resident's rating of an answer
APPEAL_RATING = {
    AppealRating.solved: "Вопрос решён",
    AppealRating.partly: "Решён частично",
    AppealRating.unsolved: "Не решён",
}

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
          "декабрь")
MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                   "ноября", "декабря")
MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def resource_name(code: str) -> str:
    """Nominative name of a resource code; ``heating`` (the registry's outage word) is heat."""
    return RESOURCE_NAME.get(_resource(code), code)


def _resource(code: str) -> Resource | str:
    if code == "heating":
        return Resource.heat
    try:
        return Resource(code)
    except ValueError:
        return code


def period_name(period: str) -> str:
    """«2026-11» → «ноябрь 2026»."""
    year, month = period[:4], int(period[5:7])
    return f"{MONTHS[month - 1]} {year}"


def day_month(d: dt.date) -> str:
    """«5 декабря»."""
    return f"{d.day} {MONTHS_GENITIVE[d.month - 1]}"
