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
VERIFICATION_AHEAD = "🔧 {when}, <b>{date}</b>, истекает срок поверки счётчика: {meter}."
VERIFICATION_TODAY = "🔧 <b>Сегодня</b>, {date}, истекает срок поверки счётчика: {meter}."
VERIFICATION_TAIL = "\nПосле этой даты показания не примут и начислят по нормативу."
VERIFICATION_PAST = (
    "🔧 <b>{date}</b> истёк срок поверки счётчика: {meter}.\n"
    "Пока счётчик не поверят, показания по нему не примут и начислят по нормативу."
)


def _days(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} день"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} дня"
    return f"{n} дней"


def verification_text(days_left: int, due: dt.date, meter: str) -> str:
    """The reminder as of today: «Через месяц» / «Через неделю» only when it is so; a run that came late (the bot
    was down) names the days really left, or says the date has passed."""
    date = day_month(due)
    if days_left < 0:
        return VERIFICATION_PAST.format(date=date, meter=meter)
    if days_left == 0:
        return VERIFICATION_TODAY.format(date=date, meter=meter) + VERIFICATION_TAIL
    when = {30: "Через месяц", 7: "Через неделю", 1: "Завтра"}.get(days_left, f"Через {_days(days_left)}")
    return VERIFICATION_AHEAD.format(when=when, date=date, meter=meter) + VERIFICATION_TAIL
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
    "planned": "{icon} <b>Плановое отключение {resource}</b>",
    "emergency": "⚠️ <b>Аварийное отключение {resource}</b>",
}
OUTAGE_ICONS = {"hot_water": "🚿", "cold_water": "🚰", "electricity": "💡", "heating": "🌡", "gas": "🔥"}
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
METER_GONE = "Сведений об этом счётчике нет: возможно, лицевой счёт отключён."

# ------------------------------------------------------------------------------------------------ staff
ASK_HOUSE = "<b>Новое отключение</b>, шаг 1 из 6: напишите адрес дома, например «Бауманская 44»."
NO_HOUSE = "Дом не найден. Проверьте улицу и номер дома и напишите ещё раз."
PICK_HOUSE = "Выберите дом:"
ASK_RESOURCE = "{address}\nШаг 2 из 6: что отключают?"
ASK_STARTS = "Шаг 3 из 6: начало — дата и время, например «20.11 10:00» или «завтра 9:00»."
ASK_ENDS = "Шаг 4 из 6: окончание — дата и время, например «21.11 18:00»."
ASK_KIND = "Шаг 5 из 6: отключение плановое или аварийное?"
ASK_REASON = "Шаг 6 из 6: причина одной строкой (её увидят жители) или «-», если без причины."
BAD_INPUT = "{error}"
PREVIEW = "<b>Так увидят жители</b> ({count} чел.):\n\n{text}\n\nОпубликовать?"
BTN_PUBLISH = "Опубликовать"
BTN_CANCEL = "Отменить"
BTN_PLANNED = "Плановое"
BTN_EMERGENCY = "Аварийное"
PUBLISHED = "Опубликовано. Уведомлений жителям: {count}."
NO_OUTAGES = "Действующих и предстоящих отключений нет. Новое — /outage."
OUTAGES_HEAD = "<b>Отключения</b> (действующие и предстоящие):"
OUTAGE_LINE = "№{id} · {address}\n{resource}, {kind}: {starts} — {ends}{source}"
OUTAGE_NOT_ACTIVE = "Это отключение уже отменено или завершено."
BTN_EDIT = "№{id}: изменить срок"
BTN_CANCEL_OUTAGE = "№{id}: отменить"
BTN_END = "№{id}: завершить"
ASK_NEW_ENDS = ("Отключение №{id}: {starts} — {ends}.\nНовое окончание — дата и время, например «22.11 18:00»; "
                "или новый срок целиком: «21.11 10:00 – 22.11 18:00».")
ASK_SURE = {
    "cancelled": "Отменить отключение №{id}?\n{resource}, {address}: {starts} — {ends}.\n"
                 "Жители дома получат уведомление «отменено».",
    "ended": "Завершить отключение №{id} сейчас?\n{resource}, {address}: {starts} — {ends}.\n"
             "Жители дома получат уведомление, что подача восстановлена.",
}
BTN_SURE = {"cancelled": "Да, отменить №{id}", "ended": "Да, завершить №{id}"}
BTN_KEEP = "Нет, оставить"
KEPT = "Отключение №{id} оставлено без изменений."
OUTAGE_UPDATED = "Отключение №{id}: {what}. Уведомлений жителям: {count}."
WHAT_CHANGED = {"cancelled": "отменено", "ended": "завершено", "edit": "окончание изменено", "moved": "срок изменён"}
BC_ASK_TARGET = "<b>Рассылка</b>: кому? Нажмите «Всем домам» или напишите адрес дома."
BTN_ALL_HOUSES = "Всем домам"
BC_ALL = "всем домам"
BC_ASK_TEXT = "Кому: {target}.\nНапишите текст сообщения."
BC_PREVIEW = "<b>Так увидят жители</b> ({target}, {count} чел.):\n\n{text}\n\nОтправить?"
BTN_SEND = "Отправить"
BC_SENT = "Рассылка поставлена в очередь: {count} сообщений."
NO_STAFF_DIALOG = "Отменять нечего."
STAFF_CANCELLED = "Отменено, ничего не сохранено."
NO_REASON_WORDS = frozenset({"-", "—", "нет"})  # typed at the reason step: no reason
FROM_REGISTRY = " (из реестра)"
