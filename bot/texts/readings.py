"""Words of «Передать показания» and «Приборы учёта» (ГИС ЖКХ: «Внесение текущих показаний по приборам учёта»,
«История переданных показаний»), and how values, dates and periods are written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bot.texts.common import BTN_BACK, BTN_CANCEL, BTN_READINGS, BTN_SAVE, number
from bot.texts.render import count, plural
from bot.texts.vocab import METER_NAME, MONTHS_SHORT, UNIT
from bot.texts.vocab import period_name as period_name

TITLE = BTN_READINGS
BTN_ALL = "Передать все по очереди"
BTN_METERS = "Приборы учёта"
BTN_TODAY = "Сегодня"
BTN_YESTERDAY = "Вчера"
BTN_RIGHT = "Всё верно"
BTN_FIX = "Исправить"
BTN_SKIP = "Пропустить прибор"
BTN_HISTORY = "История переданных показаний"
BTN_CHART = "График расхода"
BTN_SUBMIT_ONE = "Передать показания"
SAVE, CANCEL, BACK = BTN_SAVE, BTN_CANCEL, BTN_BACK

ZONES = {1: ("",), 2: ("день", "ночь"), 3: ("пик", "полупик", "ночь")}


def resource(code: str) -> str:
    """What a meter measures: «Холодная вода», «Тепловая энергия»."""
    return METER_NAME.get(code, code)


def unit(code: str) -> str:
    return UNIT.get(code, "")


def zone_name(zones: int, zone: int) -> str:
    return ZONES.get(zones, ("",) * zones)[zone] if zones > 1 else ""


def num(v: Decimal | None) -> str:
    """100,000 — three decimals, comma, as a dial is read; «12 345,678» grouped like money."""
    return "—" if v is None else number(v, 3)


def example_value(last: Decimal | None) -> str:
    """How to type a value: the last one with a fraction, as typed — digits and a comma, not grouped."""
    if last is None:
        return "123,45"
    return f"{last:.3f}".replace(".", ",").replace(",000", ",5")


def date(d: dt.date | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "—"


def period_short(period: str) -> str:
    return f"{MONTHS_SHORT[int(period[5:7]) - 1]} {period[2:4]}"


def values_line(values: tuple[Decimal, ...], zones: int) -> str:
    if zones == 1:
        return num(values[0])
    return ", ".join(f"{zone_name(zones, i)} {num(v)}" for i, v in enumerate(values))


def times(ratio: Decimal) -> str:
    """«в 4,5 раза», «в 5 раз», «в 12 раз»."""
    if ratio >= 10:
        n = str(int(ratio.to_integral_value()))
    else:
        n = f"{ratio:.1f}".replace(".", ",").removesuffix(",0")
    if "," in n:
        return f"{n} раза"
    return f"{n} {plural(int(n), 'раз', 'раза', 'раз')}"


def meter_title(resource_code: str, serial: str) -> str:
    return f"{resource(resource_code)} № {serial}"


def meter_button(resource_code: str, serial: str) -> str:
    return f"{resource(resource_code)} {serial}"


# --------------------------------------------------------------------------------------------- list
LIST_HEAD = "<b>Передать показания</b>\nВнесение текущих показаний по приборам учёта."
LIST_ACCOUNT = "\n<b>Л/с {number}</b> — {provider}\n{address}, {premises}"
LIST_METER = "• {title}\n  последнее: <b>{last}</b>{unit} от {date}\n  поверка до {verification}{overdue}"
LIST_METER_NO_LAST = "• {title}\n  показаний ещё нет\n  поверка до {verification}{overdue}"
OVERDUE_MARK = " — <b>срок истёк</b>"
LIST_WINDOW = "\nПриём показаний: с {start} по {end} число месяца."
LIST_ACCOUNT_WINDOW = "Приём показаний: с {start} по {end} число месяца."
LIST_FOOT = "\nВыберите прибор или передайте все по очереди."
NO_ACCOUNTS = ("Чтобы передавать показания, сначала подключите лицевой счёт — кнопка ниже. "
               "Номер лицевого счёта есть в квитанции.")
NO_METERS = ("По вашим лицевым счетам приборы учёта не зарегистрированы. Если прибор установлен, сообщите "
             "в управляющую организацию — через «Обращения» или по телефону.{contacts}")

# --------------------------------------------------------------------------------------------- the dialog
ASK_VALUE = ("<b>{title}</b>\n"
             "Последнее показание: {last}\n"
             "{window}"
             "{replaces}"
             "{base}"
             "\nВведите показание{zone} — цифры до запятой (не больше {digits}) и до 3 после, "
             "например <code>{example}</code>.")
ASK_VALUE_ZONE = " зоны «{zone}» (Т{n})"
LAST_NONE = "нет"
LAST_VALUE = "<b>{value}</b> {unit} от {date}"
BASE = "Новое показание сравним с предыдущим: {value} {unit} от {date}.\n"
REPLACES = "За {period} уже передано {value} от {date}; новое показание заменит его.\n"
WINDOW_IN = "Приём показаний открыт (с {start} по {end} число): показания войдут в расчёт за {period}.\n"
WINDOW_OUT = ("Сейчас не период приёма показаний (с {start} по {end} число). Показания будут приняты и учтены "
              "в расчётном периоде <b>{period}</b>.\n")

SKIP_AT_SUMMARY = ("Показания этого прибора уже введены и ждут проверки в последнем сообщении: нажмите там «Сохранить» "
                   "или «Отменить».")
ASK_DATE = ("Показание: <b>{values}</b> {unit}\n\n"
            "Когда снято показание? Нажмите «Сегодня» или «Вчера» или введите дату в виде ДД.ММ.ГГГГ.")

BAD_VALUE = {
    "empty": "Введите показание цифрами, например <code>{example}</code>.",
    "negative": "Показание не может быть отрицательным. Введите число с прибора, например <code>{example}</code>.",
    "letters": ("В показании должны быть только цифры и запятая — без букв и других знаков. "
                "Например <code>{example}</code>."),
    "format": ("Не понял число. Введите цифры и одну запятую (или точку) перед дробной частью, "
               "например <code>{example}</code>."),
    "too_many_digits": ("На счётчике {digits} до запятой, а в показании больше. Проверьте число, "
                        "например <code>{example}</code>."),
    "too_many_decimals": "После запятой — не больше 3 цифр, например <code>{example}</code>.",
}
STILL_WAITING = "\n\nВведите показание ещё раз или нажмите /cancel."

LOWER = ("Показание {zone}<b>{value}</b> меньше предыдущего <b>{last}</b> от {date} — так не принимается.\n"
         "Проверьте число. Если прибор учёта заменили, сообщите об этом {whom}: "
         "новый прибор нужно зарегистрировать, после этого показания можно будет передавать.{contacts}")
TELL_UK = "в управляющую организацию"
TELL_PROVIDER = "поставщику услуги, который выставляет по нему счёт"
LOWER_ZONE = "зоны «{zone}» "
OVERDUE = ("Срок поверки прибора <b>{title}</b> истёк <b>{date}</b>.\n"
           "По правилам (постановление Правительства РФ № 354) показания прибора с истёкшим сроком поверки "
           "не используются для расчёта: плата начисляется по среднему потреблению, а затем по нормативу. "
           "Закажите поверку или замену прибора и сообщите о ней {whom}.{contacts}")
CONTACT = "\n{name}: тел. {phone}"
CONTACT_NO_PHONE = "\n{name}"
CONTACT_DISPATCHER = ", диспетчерская служба {phone}"
OVERDUE_SKIPPED = "\n\nЭтот прибор пропущен, переходим к следующему."
BAD_DATE = "Не понял дату. Введите её в виде ДД.ММ.ГГГГ, например {example}, или нажмите «Сегодня» / «Вчера»."
BEFORE_INSTALLED = ("Дата снятия не может быть раньше установки прибора ({date}). Введите дату ещё раз "
                    "или нажмите «Сегодня».")
FUTURE = "Дата снятия не может быть в будущем (сегодня {today}). Введите дату ещё раз."
BEFORE_LAST = ("Дата снятия не может быть раньше даты предыдущего показания ({date}). Введите дату ещё раз "
               "или нажмите «Сегодня».")

SPIKE = ("<b>Проверьте: расход в {times} больше обычного.</b>\n"
         "С {base_date}: {total} {unit}, обычно около {average} {unit} в месяц.\n"
         "Всё верно? Если да — продолжим, если ошиблись — введите показание заново.")
CEILING = ("<b>Проверьте: это около {rate} {unit} в месяц</b> — больше, чем обычно расходует {who} "
           "(до {ceiling} {unit} в месяц).\n"
           "{since}"
           "Всё верно? Если да — продолжим, если ошиблись — введите показание заново.")
CEILING_SINCE = "С {date}: {total} {unit}.\n"
CEILING_FIRST = "Это первое показание прибора: {value} {unit}{installed}.\n"
CEILING_INSTALLED = " с установки {date}"
CEILING_WHO_KNOWN = "квартира, где {residents}"
CEILING_WHO_UNKNOWN = "квартира"


def residents(n: int) -> str:
    """«зарегистрирован 1 человек», «зарегистрировано 3 человека»."""
    verb = "зарегистрирован" if plural(n, "1", "2", "5") == "1" else "зарегистрировано"
    return f"{verb} {count(n, 'человек', 'человека', 'человек')}"




CONFIRM = ("<b>Проверьте показания</b>\n"
           "{title}\n"
           "Л/с {account}, {address}, {premises}\n"
           "Показание: <b>{values}</b> {unit}\n"
           "Дата снятия: {date}\n"
           "{consumption}"
           "Расчётный период: {period}\n"
           "{replaces}")
CONSUMPTION = "Расход с {date}: <b>{total}</b> {unit}{zones}\n"
CONSUMPTION_ZONES = " ({parts})"
REPLACES_SHORT = "Заменит переданное ранее за этот период: {value} от {date}.\n"

SAVED = "Показания сохранены: {title} — <b>{values}</b> {unit} на {date}."
SAVED_CONSUMPTION = "\nРасход с {date}: <b>{total}</b> {unit}."
SAVED_FIRST = "\nЭто первое показание прибора в боте."
SAVED_PERIOD_IN = "\nУчтены в расчёте за {period}."
SAVED_PERIOD_OUT = ("\nСейчас не период приёма (с {start} по {end} число), показания будут учтены "
                    "в расчётном периоде <b>{period}</b>.")
SAVED_REPLACED = "\nПереданное ранее за этот период ({value}) заменено — в истории отмечено."
CANCELLED = "Передача показаний отменена, ничего не сохранено."
CANCELLED_AFTER_SAVED = ("Передача показаний отменена. Уже сохранено {saved}: {meters} — они учтены. "
                         "Остальные приборы не переданы.")
ROUND_DONE = "Готово: все приборы пройдены, сохранено {saved}."


def readings_count(n: int) -> str:
    """«1 показание», «2 показания», «5 показаний»."""
    return count(n, "показание", "показания", "показаний")


def digits_count(n: int) -> str:
    return count(n, "цифра", "цифры", "цифр")


def zones_count(n: int) -> str:
    return count(n, "тарифная зона", "тарифные зоны", "тарифных зон")


def rows_count(n: int) -> str:
    return count(n, "строка", "строки", "строк")



NOT_YOURS = "Нет доступа: этот прибор учёта не относится к вашим лицевым счетам."
ZONES_LOST = "Показания устарели — начните заново из «Передать показания»."
ALREADY_SAVED = "Эти показания уже сохранены."
CHANGED = ("Пока вы проверяли, по этому прибору передали показание за {period}: {value} от {date}. "
           "Ваше заменит его — проверьте ещё раз.\n\n")

# --------------------------------------------------------------------------------------------- meters
METERS_HEAD = "<b>Приборы учёта</b>\nКоммунальный ресурс, номер прибора, последние показания и дата."
CARD = ("<b>{title}</b>\n"
        "Л/с {account} — {provider}\n"
        "{address}, {premises}\n"
        "Тарифы: {zones}{zone_names}\n"
        "Разрядность: {digits} до запятой\n"
        "Установлен: {installed}\n"
        "Следующая поверка: {verification}{overdue}\n"
        "Последнее показание: {last}")
HISTORY_HEAD = "<b>История переданных показаний</b>\n{title}\n"
HISTORY_ITEM = "{date} — <b>{values}</b> {unit}, за {period}{mark}"
HISTORY_REPLACED = " <i>(заменено)</i>"
HISTORY_EMPTY = "Показаний через бот ещё не передавали."
HISTORY_REGISTRY = "\nПо данным УК на {date}: {values} {unit}"
CHART_CAPTION = ("Расход по месяцам (расчётные периоды) по вашим приборам учёта. Расход за несколько месяцев "
                 "без показаний поделён между ними поровну; у многотарифных приборов — по зонам.")
CHART_CAPTION_METER = ("Расход по месяцам (расчётные периоды): {title}. Расход за несколько месяцев без показаний "
                       "поделён между ними поровну.")
CHART_EMPTY = "Пока нечего показать: график появится, когда через бот будут переданы показания."
CHART_TITLE = "{resource}, {unit}"
CHART_TITLE_ZONES = " — по зонам: {zones}"

PAGE_SIZE = 8  # meters per page of a list: a message stays far below Telegram's 4096 characters
PAGE = "\nСтраница {page} из {pages}"

# --------------------------------------------------------------------------------------------- staff
EXPORT_USAGE = ("Выгрузка показаний для расчёта: <code>/export ГГГГ-ММ [csv] [ОГРН]</code>, например "
                "<code>/export 2026-11</code> — XLSX по всем поставщикам; <code>/export 2026-11 csv 1027700132195</code> "
                "— CSV только по одному поставщику (список — /window).")
EXPORT_CAPTION = "Показания за {period}{provider}: {rows}."
EXPORT_EMPTY = "За {period}{provider} показаний нет — файл пустой, только заголовки."
EXPORT_PROVIDER = ", ОГРН {ogrn}"
EXPORT_UNKNOWN_PROVIDER = "Организации с ОГРН {ogrn} нет в базе — проверьте номер (список: /window). Файл не создан."
WINDOWS_HEAD = ("<b>Окна приёма показаний</b> (числа месяца; показания в окне идут в расчёт этого месяца, "
                "после окна — следующего):")
WINDOWS_LINE = "{name}, ОГРН <code>{ogrn}</code>: {from_day}–{to_day}{mark}"
WINDOWS_DEFAULT_MARK = " (по умолчанию)"
WINDOWS_NONE = "В базе нет поставщиков — загрузите реестр."
WINDOWS_HOW = ("\n\nИзменить: <code>/window ОГРН 15-20</code>; вернуть общее окно ({from_day}–{to_day}): "
               "<code>/window ОГРН по умолчанию</code>.")
WINDOW_SET = "{name}: показания принимаются с {from_day} по {to_day} число{mark}. Жители увидят это в «Передать показания»."
METERS_LINE = "\n<b>{title}</b> (л/с {account})\nПоследнее: {last}\nПоверка до {verification}{overdue}"
OUT_OF_WINDOW = " (вне периода приёма {from_day}–{to_day} числа)"
WINDOW_PROBLEMS = {
    "ogrn_first": "Сначала ОГРН поставщика, потом окно: <code>/window 1027700132195 15-20</code>.",
    "format": "Нужны два числа месяца через дефис, например 15-20, или «по умолчанию».",
    "day_range": "Числа месяца — от 1 до 31.",
    "order": "Первый день окна должен быть не позже последнего (окно не переходит через конец месяца).",
    "unknown_provider": "Организации с ОГРН {ogrn} нет в базе — проверьте номер (список: /window).",
}
