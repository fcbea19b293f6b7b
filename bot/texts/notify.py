"""Words of the pushes: reminders, outages, meetings, news; and of the staff's outage and broadcast dialogs."""

from __future__ import annotations

import datetime as dt

MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря"]
MONTHS_NOM = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
              "ноябрь", "декабрь"]

RESOURCES = {
    "hot_water": "горячей воды",
    "cold_water": "холодной воды",
    "electricity": "электроэнергии",
    "heating": "отопления",
    "gas": "газа",
}
RESOURCE_NAMES = {  # nominative, for buttons and lists
    "hot_water": "Горячая вода",
    "cold_water": "Холодная вода",
    "electricity": "Электроэнергия",
    "heating": "Отопление",
    "gas": "Газ",
}
METER_RESOURCES = {
    "cold_water": "холодная вода",
    "hot_water": "горячая вода",
    "electricity": "электроэнергия",
    "gas": "газ",
    "heat": "тепло",
}
OUTAGE_KINDS = {"planned": "плановое", "emergency": "аварийное"}
OUTAGE_STATUSES = {"active": "действует", "cancelled": "отменено", "ended": "завершено"}

BTN_READINGS = "Передать показания"
BTN_MORE = "Подробнее"
BTN_VOTE = "Проголосовать"


def day_month(d: dt.date) -> str:
    return f"{d.day} {MONTHS_GEN[d.month - 1]}"


def when(t: dt.datetime) -> str:
    """Local time for people: «20 ноября, 10:00»."""
    return f"{t.day} {MONTHS_GEN[t.month - 1]}, {t:%H:%M}"


def period_name(period: str) -> str:
    year, month = period.split("-")
    return f"{MONTHS_NOM[int(month) - 1]} {year}"


# ------------------------------------------------------------------------------------------------ readings
READINGS_OPEN = (
    "📊 <b>Открыт приём показаний</b> за {period}: до <b>{last_day}</b>.\n"
    "Ещё нет показаний:\n{meters}\n\n"
    "Нажмите «Передать показания»."
)
READINGS_LAST = (
    "⏰ <b>Завтра последний день</b> приёма показаний за {period} — {last_day}.\n"
    "Ещё нет показаний:\n{meters}\n\n"
    "Без показаний начислят по среднему или по нормативу."
)
METER_LINE = "• {resource}, № {serial}"

# ------------------------------------------------------------------------------------------------ verification
VERIFICATION = {
    "d30": "🔧 Через месяц, <b>{date}</b>, истекает срок поверки счётчика: {meter}.",
    "d7": "🔧 Через неделю, <b>{date}</b>, истекает срок поверки счётчика: {meter}.",
    "d0": "🔧 <b>Сегодня</b>, {date}, истекает срок поверки счётчика: {meter}.",
}
VERIFICATION_TAIL = "\nПосле этой даты показания не примут и начислят по нормативу."
VERIFICATION_INFO = (
    "<b>Поверка счётчика</b>\n{meter}\nСрок поверки: <b>{date}</b>\n\n"
    "Что сделать:\n"
    "1. Вызовите аккредитованную метрологическую службу (список — на сайте Росаккредитации) "
    "или обратитесь в управляющую организацию.\n"
    "2. Сведения о поверке служба сама передаёт во ФГИС «Аршин»; сохраните свидетельство.\n"
    "3. Если счётчик непригоден — замените его и передайте в УК акт ввода в эксплуатацию."
)

# ------------------------------------------------------------------------------------------------ outages
OUTAGE_NEW = {
    "planned": "🚰 <b>Плановое отключение {resource}</b>",
    "emergency": "⚠️ <b>Аварийное отключение {resource}</b>",
}
OUTAGE_CHANGED = "✏️ <b>Изменено отключение {resource}</b>"
OUTAGE_CANCELLED = "✅ <b>Отключение {resource} отменено</b>"
OUTAGE_ENDED = "✅ <b>Подача {resource} восстановлена</b> раньше срока"
OUTAGE_EVE = "🔔 <b>Завтра отключение {resource}</b>"
OUTAGE_BODY = "{address}\nс {starts} до {ends}"
OUTAGE_REASON = "Причина: {reason}"
OUTAGE_INFO = (
    "<b>Отключение {resource}</b> — {kind}, {status}\n{address}\nс {starts} до {ends}{reason}\n\n"
    "Вопросы — диспетчеру УК{phone}."
)
OUTAGE_GONE = "Сведений об этом отключении больше нет."

# ------------------------------------------------------------------------------------------------ meetings
MEETING_OPEN = (
    "🗳 <b>Началось голосование</b> общего собрания собственников\n{address}\n«{title}»\n"
    "Голосование до <b>{ends}</b>."
)
MEETING_END = "🗳 <b>Завтра заканчивается голосование</b>\n{address}\n«{title}»\nВы ещё не проголосовали — до {ends}."

# ------------------------------------------------------------------------------------------------ push buttons
MENU_HINT = {
    "readings": "Нажмите «Передать показания» в меню ниже — покажу ваши счётчики.",
    "voting": "Нажмите «Голосование по дому» в меню ниже — там бюллетень.",
    "house": "Нажмите «Мой дом» в меню ниже.",
}

# ------------------------------------------------------------------------------------------------ news
NEWS = "📣 <b>Сообщение управляющей организации</b>\n\n{text}"
