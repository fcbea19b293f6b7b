"""Words shared by every flow: the menu, greetings, /help, /cancel, errors, hints."""

from __future__ import annotations

from decimal import Decimal

# main menu (reply keyboard) — the words of the ГИС ЖКХ cabinet
BTN_ACCOUNTS = "Лицевые счета"
BTN_READINGS = "Передать показания"
BTN_PAY = "Оплатить ЖКУ"
BTN_APPEALS = "Обращения"
BTN_VOTING = "Голосование по дому"
BTN_HOUSE = "Мой дом"
BTN_SETTINGS = "Настройки"
MAIN_MENU = [[BTN_ACCOUNTS, BTN_READINGS], [BTN_PAY, BTN_APPEALS], [BTN_VOTING, BTN_HOUSE], [BTN_SETTINGS]]

BTN_CANCEL = "Отменить"
BTN_SAVE = "Сохранить"
BTN_BACK = "« Назад"
BTN_NEXT = "Далее »"

COMMANDS = [
    ("start", "Начало работы и главное меню"),
    ("menu", "Главное меню"),
    ("cancel", "Отменить текущее действие"),
    ("pay", "Оплатить ЖКУ"),
    ("appeal", "Направить обращение или жалобу"),
    ("appeals", "Собственные обращения"),
    ("vote", "Голосование по дому"),
    ("help", "Что умеет бот"),
]

START_NEW = (
    "Здравствуйте, {name}!\n\n"
    "Я помогаю жителям многоквартирных домов с тем, что есть в личном кабинете <b>ГИС ЖКХ</b>:\n"
    "• подключить лицевой счёт и видеть задолженность;\n"
    "• передавать показания приборов учёта;\n"
    "• оплачивать ЖКУ;\n"
    "• направлять обращения и жалобы в управляющую организацию;\n"
    "• голосовать на общем собрании собственников;\n"
    "• узнавать о доме, УК и отключениях воды и света.\n\n"
    "Начните с подключения лицевого счёта — номер есть в квитанции."
)
START_AGAIN = "С возвращением, {name}! Выберите действие в меню ниже."
MENU = "Главное меню. Выберите действие:"
HELP = (
    "<b>Что я умею</b>\n"
    f"«{BTN_ACCOUNTS}» — подключить лицевой счёт, задолженность, отключить счёт.\n"
    f"«{BTN_READINGS}» — показания приборов учёта с датой снятия.\n"
    f"«{BTN_PAY}» (/pay) — оплата начислений.\n"
    f"«{BTN_APPEALS}» — обращения и жалобы в УК (/appeal — новое), их статус и ответы (/appeals).\n"
    f"«{BTN_VOTING}» (/vote) — электронное общее собрание собственников.\n"
    f"«{BTN_HOUSE}» — сведения о доме, УК, совете дома, отключениях.\n"
    f"«{BTN_SETTINGS}» — какие уведомления присылать.\n\n"
    "/menu — главное меню, /cancel — отменить текущее действие из любого шага, /help — эта справка."
)

NOT_READY = "Раздел «{section}» пока в разработке — скоро появится здесь. Остальные разделы меню работают."

CANCELLED = "{flow}: отменено. Введённые данные удалены, ничего не сохранено."
CANCELLED_GENERIC = "Действие отменено. Введённые данные удалены, ничего не сохранено."
CANCELLED_DRAFT_KEPT = ("{flow}: отменено. Несохранённые изменения удалены; черновик остался в «Не отправлено» таким, "
                        "каким был сохранён.")
CANCELLED_DRAFT_AUTOSAVED = ("{flow}: прервано. Всё введённое сохранено в черновике: «Обращения» → «Собственные "
                             "обращения» → «Не отправлено» — оттуда можно продолжить или удалить его.")
CANCELLED_GENERIC_FLOW = "Действие"
NOTHING_TO_CANCEL = "Отменять нечего — вы в главном меню."

UNKNOWN_INPUT = "Я не понял сообщение. Выберите действие кнопкой меню ниже или напишите /help."
UNKNOWN_IN_STATE = "{hint}\n\nЧтобы выйти без сохранения, нажмите /cancel."
STALE_BUTTON = "Эта кнопка больше не действует. Откройте раздел заново из меню."
ERROR = "Извините, что-то пошло не так. Мы уже разбираемся; попробуйте ещё раз чуть позже."
NOT_YOURS = "Нет доступа: эти данные вам не принадлежат."


def phone(value: str | None) -> str:
    """«+7 843 231-00-44» from the stored «+78432310044»; anything else as it is."""
    if value and len(value) == 12 and value.startswith("+7") and value[1:].isdigit():
        d = value[2:]
        return f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"
    return value or ""


GROUP_SEPARATOR = "\u00a0"  # no-break: a phone never wraps «1 082,02» between its groups


def number(value: Decimal | int, places: int | None = None) -> str:
    """Decimal('3120.7') → «3 120,7»; with ``places`` exactly that many decimals (``places=2``: «3 120,70»).
    Groups of three joined by a no-break space, a decimal comma, «−» for a minus — money, areas, readings alike."""
    d = Decimal(value)
    if places is not None:
        d = d.quantize(Decimal(1).scaleb(-places))
        text = f"{abs(d):.{places}f}"
    else:
        text = f"{abs(d).normalize():f}"
    whole, _, frac = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sign = "−" if d < 0 else ""
    return sign + GROUP_SEPARATOR.join(groups) + (f",{frac}" if frac else "")
DEFAULT_NAME = "сосед"  # «Здравствуйте, сосед!» when Telegram gives no first name
IN_FLOW = "Сейчас идёт «{title}»."
IN_DIALOG = "Сейчас идёт диалог."

# the УК's staff: the staff chat's menu and /help there (and in each ADMIN_IDS private chat)
STAFF_COMMANDS = [
    ("help", "Команды сотрудников УК"),
    ("outage", "Новое отключение: дом, ресурс, сроки, причина"),
    ("outages", "Текущие отключения: изменить срок, отменить, завершить"),
    ("broadcast", "Рассылка жителям дома или всех домов"),
    ("export", "Выгрузка показаний для расчёта: /export ГГГГ-ММ"),
    ("window", "Окно приёма показаний поставщика"),
    ("payments", "Платежи в боте за месяц: /payments ГГГГ-ММ"),
    ("meetings", "Собрания собственников: участие, протоколы"),
    ("meeting", "Новое собрание: дом, повестка, сроки"),
    ("import", "Загрузить реестр: пришлите CSV или XLSX"),
    ("cancel", "Отменить текущее действие"),
]
STAFF_HELP = (
    "<b>Команды сотрудников УК</b>\n"
    "/outage — новое отключение: дом, ресурс, сроки, причина; жители получат уведомление.\n"
    "/outages — текущие отключения: изменить срок, отменить, завершить.\n"
    "/broadcast — рассылка жителям дома или всех домов.\n"
    "/export ГГГГ-ММ [csv] [ОГРН] — выгрузка показаний для расчёта.\n"
    "/window — окна приёма показаний; /window ОГРН 15-20 — задать окно поставщика.\n"
    "/payments ГГГГ-ММ [ОГРН] [csv] — платежи, сделанные в боте, для сверки с расчётной системой; переплаты "
    "к возврату — первыми.\n"
    "/meetings — собрания собственников домов: участие, итоги, протоколы.\n"
    "/meeting — новое собрание по шагам: дом, название, администратор, сроки, повестка.\n"
    "/import — загрузить реестр: пришлите сюда файл CSV (например <i>houses.csv</i>) или книгу XLSX — "
    "с подписью /import или без неё.\n"
    "/cancel — отменить текущее действие; /help — этот список.\n\n"
    "<b>Запросы жителей</b> приходят сюда карточками: нажмите «Подтвердить» или «Отклонить» (бот спросит "
    "причину — её получит житель), или ответьте на карточку: «подтвердить» либо «отклонить: причина».\n"
    "<b>Обращения жителей</b> — тоже карточками: «Взять в работу», «Ответить» (или ответьте на карточку текстом, "
    "фото, документами)."
)
STAFF_HELP_ADMIN = "\n\n<i>Эти команды работают здесь и в чате сотрудников УК.</i>"
STAFF_UNKNOWN_COMMAND = "Не знаю команды {command}. Команды сотрудников — /help."
STAFF_NOTHING_TO_CANCEL = "Отменять нечего: сейчас нет начатого действия."
STAFF_REPLY_UNKNOWN = (
    "Это сообщение бота не ждёт ответа. Команды сотрудников — /help; на карточку запроса можно ответить "
    "«подтвердить» или «отклонить: причина»."
)
