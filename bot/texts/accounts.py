"""«Лицевые счета» and «Подключение лицевого счёта»: the words of the ГИС ЖКХ cabinet (seed 000: steps 1–5)."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from bot.services.accounts import AccountCard, AccountSummary, OrgContact, RequestView
from bot.texts.common import number, phone

FLOW_TITLE = "Подключение лицевого счёта"

BTN_LINK = "Подключить лицевой счёт"
BTN_NO_HOUSE = "Нет моего дома"
BTN_PREV = "« Назад"
BTN_NEXT = "Далее »"
BTN_SHARE_PHONE = "📱 Поделиться номером телефона"
BTN_BILL = "Ввести сумму последней квитанции"
BTN_STAFF = "Запросить подтверждение у УК"
BTN_CONNECT = "Подключить"
BTN_CANCEL = "Отменить"
BTN_UNLINK = "Отключить"
BTN_UNLINK_YES = "Да, отключить"
BTN_UNLINK_NO = "Нет, оставить"
BTN_TO_LIST = "« К списку счетов"
BTN_APPROVE = "Подтвердить"
BTN_REJECT = "Отклонить"

START_OFFER = (
    "У вас ещё нет подключённых лицевых счетов. Подключите лицевой счёт — и здесь будут начисления, "
    "задолженность, показания и сведения о доме."
)

LIST_TITLE = "<b>Список подключённых лицевых счетов</b>"
LIST_EMPTY = (
    "<b>Список подключённых лицевых счетов</b>\n\n"
    "Подключённых лицевых счетов пока нет. Нажмите «Подключить лицевой счёт» — понадобятся адрес дома "
    "и номер лицевого счёта из квитанции."
)
LIST_MORE = (
    "Аналогично подключаются иные лицевые счета (электричество, газ и т.д.), если вы платите за эти услуги "
    "отдельно."
)

STEP_ADDRESS = (
    "<b>Подключение лицевого счёта</b>\n"
    "Шаг 1 из 4. <b>Адрес дома</b>\n\n"
    "Напишите улицу и номер дома, например: <i>Бауманская 44</i> или <i>ул Ленина д 5 к2</i>.\n"
    "Можно часть адреса — я покажу подходящие дома из справочника."
)
ADDRESS_EMPTY = "Не вижу адреса. Напишите улицу и номер дома, например: <i>Бауманская 44</i>."
ADDRESS_NOT_FOUND = (
    "По запросу «{query}» дом не найден.\n"
    "Проверьте написание или напишите короче — только улицу и номер дома. "
    "Если дома нет в справочнике, нажмите «Нет моего дома»."
)
ADDRESS_FOUND = "Найдено домов: <b>{total}</b>. Выберите свой дом:"
ADDRESS_FOUND_PAGE = "Найдено домов: <b>{total}</b> (страница {page} из {pages}). Выберите свой дом:"
NO_HOUSE = (
    "<b>Нет моего дома</b>\n\n"
    "Дом появляется в справочнике, когда управляющая организация размещает сведения о нём. "
    "Если вашего дома нет — сообщите об этом в Госжилинспекцию или обратитесь в вашу управляющую компанию.\n\n"
    "{contacts}\n\n"
    "Можно попробовать другой адрес — просто напишите его."
)
NO_CONTACTS = "Контакты организаций в реестре пока не размещены."

STEP_NUMBER = (
    "Дом: <b>{address}</b>\n\n"
    "Шаг 2 из 4. <b>Номер лицевого счёта</b>\n"
    "Введите номер лицевого счёта или иной идентификатор плательщика (ЕЛС, ИЖКУ) — он есть в квитанции. "
    "Пробелы и дефисы можно не убирать."
)
NUMBER_BAD = (
    "Номер лицевого счёта — это от 1 до 30 букв и цифр, как в квитанции, например <i>1234567890</i>. "
    "Введите его ещё раз."
)
NUMBER_NOT_FOUND = (
    "Лицевой счёт № {number} не найден в доме {address}.\n"
    "Проверьте номер по квитанции и введите ещё раз (осталось попыток на сегодня: {left}). "
    "Если дом выбран неверно — нажмите /cancel и начните заново."
)
NUMBER_TOO_MANY = (
    "Лицевой счёт так и не найден в доме {address}, подключение остановлено.\n"
    "Попытки ввести номер на сегодня закончились — снова можно будет завтра, <b>{date}</b>. "
    "Проверьте адрес и номер по квитанции или обратитесь в вашу управляющую компанию."
)
NUMBER_BLOCKED = (
    "Сегодня уже введено {max} неверных номеров лицевого счёта — проверить номер снова можно будет завтра, "
    "<b>{date}</b>.\n"
    "Проверьте номер по квитанции или обратитесь в вашу управляющую компанию."
)
NUMBER_CHOOSE = (
    "Под номером № {number} в этом доме лицевые счета нескольких организаций. "
    "Выберите организацию, которая выставляет вашу квитанцию:"
)
ALREADY_LINKED = "Лицевой счёт № {number} уже подключён к вашему кабинету — он есть в «Лицевые счета»."

STEP_PROOF = (
    "Лицевой счёт найден.\n\n"
    "Шаг 3 из 4. <b>Подтвердите, что это ваш счёт</b>\n"
    "Быстрее всего — нажмите кнопку «{share}» внизу: если номер совпадает с номером плательщика "
    "или собственника в реестре УК, проверка пройдёт сразу."
)
STEP_PROOF_OTHER = "Или выберите другой способ:"
CONTACT_NOT_OWN = (
    "Это чужой контакт. Нужен ваш собственный номер — нажмите кнопку «{share}» внизу."
)
PHONE_NO_MATCH = (
    "Номер {phone} не совпадает с номером плательщика или собственника этого помещения в реестре УК.\n"
    "Подтвердите другим способом:"
)
STEP_BILL = (
    "Введите <b>сумму последней квитанции</b> по этому лицевому счёту — все начисления за последний месяц, "
    "включая пени, с копейками. Например: <i>4 908,94</i>.\n"
    "Попыток на сегодня: {left}."
)
BILL_BAD = "Не понял сумму. Введите её цифрами, как в квитанции, например: <i>4 908,94</i>."
BILL_WRONG = "Сумма не совпадает с последней квитанцией. Осталось попыток на сегодня: {left}."
BILL_BLOCKED = (
    "Слишком много неверных попыток: сумму по этому лицевому счёту можно ввести снова завтра.\n"
    "Сейчас можно подтвердить номером телефона или запросить подтверждение у УК."
)
BILL_NONE = (
    "По этому лицевому счёту ещё нет начислений, сверить сумму не с чем. "
    "Подтвердите номером телефона или запросите подтверждение у УК."
)
PROOF_HINT = "Подтвердите, что счёт ваш: кнопкой «{share}» внизу или кнопками выше."

STAFF_SENT = (
    "Запрос отправлен в управляющую организацию. Когда сотрудник его рассмотрит, я напишу здесь.\n"
    "Обычно это занимает рабочий день."
)
STAFF_ALREADY = "Запрос по этому лицевому счёту уже отправлен в УК и ждёт рассмотрения. Я напишу, когда будет ответ."
STAFF_UNREACHABLE = (
    "Связаться с управляющей организацией через бота сейчас нельзя.\n{contact}\n"
    "Попросите подключить лицевой счёт — или подтвердите другим способом."
)
STAFF_NO_CONTACT = "Обратитесь в вашу управляющую организацию."

CHECK = (
    "Шаг 4 из 4. <b>Проверьте данные</b>\n\n"
    "Адрес: {address}\n"
    "Помещение: {premises}\n"
    "Лицевой счёт: <b>№ {number}</b>\n"
    "Организация: {provider}\n"
    "Плательщик: {payer}\n\n"
    "Всё верно? Нажмите «Подключить»."
)
LINKED = "✅ Лицевой счёт № {number} подключён."
LINK_CANCELLED = "Подключение лицевого счёта отменено. Ничего не сохранено."

UNLINK_ASK = (
    "Отключить лицевой счёт <b>№ {number}</b> ({address}, {premises})?\n"
    "Задолженность и показания по нему перестанут быть видны здесь. Подключить снова можно в любой момент."
)
UNLINKED = "Лицевой счёт № {number} отключён."
NOT_LINKED = "Этот лицевой счёт не подключён к вашему кабинету."

# to the staff chat
STAFF_REQUEST = (
    "<b>Запрос на подключение лицевого счёта</b> №{id}\n\n"
    "Адрес: {address}\n"
    "Помещение: {premises}\n"
    "Лицевой счёт: <b>№ {number}</b> ({provider})\n"
    "Плательщик в реестре: {payer}\n"
    "Житель в Telegram: {user} (id {user_id})\n\n"
    "Подтвердите, что лицевой счёт принадлежит этому жителю."
)
STAFF_APPROVED = "✅ Подтверждено: {staff}, {when}"
STAFF_REJECTED = "❌ Отклонено: {staff}, {when}"
STAFF_DECIDED_ALREADY = "Этот запрос уже рассмотрен ({status})."
STAFF_STATUS = {"approved": "подтверждён", "rejected": "отклонён", "pending": "ждёт"}
STAFF_MISSING = "Запрос не найден — возможно, он отозван."
STAFF_ONLY = "Эти кнопки — только для сотрудников управляющей организации."
STAFF_SELF_LINKED = "☑️ Житель подключил лицевой счёт сам ({method}), {when}. Подтверждать не нужно."
STAFF_LINKED_BY = {
    "phone": "номер телефона совпал с реестром",
    "bill_total": "назвал сумму последней квитанции",
    "staff": "подтверждено сотрудником УК",
}
STAFF_SELF_LINKED_ALERT = (
    "Житель уже подключил этот лицевой счёт сам — подтверждать не нужно. Жителю ничего не отправлено."
)
STAFF_DONE_APPROVE = "Подтверждено, житель получит сообщение."
STAFF_DONE_REJECT = "Отклонено, житель получит сообщение."

# to the resident
RESIDENT_APPROVED = (
    "✅ Управляющая организация подтвердила лицевой счёт № {number} ({address}, {premises}). "
    "Он подключён — смотрите «Лицевые счета»."
)
RESIDENT_REJECTED = (
    "❌ Управляющая организация отклонила запрос на подключение лицевого счёта № {number} ({address}).\n"
    "Если это ошибка, обратитесь в вашу управляющую организацию."
)

MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь"]
ORG_KINDS = {"uk": "Управляющая организация", "tsj": "ТСЖ", "zhsk": "ЖСК", "rso": "Ресурсоснабжающая организация",
             "gzhi": "Государственная жилищная инспекция", "other": "Организация"}


def money(value: Decimal) -> str:
    """Decimal('1234.5') → «1 234,50 ₽» (a no-break space between the groups and before «₽»)."""
    return f"{number(value, 2)}\u00a0₽"


def period_name(period: str) -> str:
    """«2026-10» → «октябрь 2026»."""
    try:
        year, month = period.split("-")
        return f"{MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return period


def date(d) -> str:
    return d.strftime("%d.%m.%Y")


def contact_lines(c: OrgContact) -> str:
    lines = [f"<b>{escape(c.name)}</b> — {ORG_KINDS.get(c.kind, 'организация').lower()}"]
    if c.phone:
        lines.append(f"Телефон: {escape(phone(c.phone))}")
    if c.dispatcher_phone:
        lines.append(f"Диспетчерская: {escape(phone(c.dispatcher_phone))}")
    if c.email:
        lines.append(f"E-mail: {escape(c.email)}")
    if c.website:
        lines.append(f"Сайт: {escape(c.website)}")
    return "\n".join(lines)


def no_house(contacts: list[OrgContact]) -> str:
    body = "\n\n".join(contact_lines(c) for c in contacts) or NO_CONTACTS
    return NO_HOUSE.format(contacts=body)


def staff_unreachable(contact: OrgContact | None) -> str:
    return STAFF_UNREACHABLE.format(contact=contact_lines(contact) if contact else STAFF_NO_CONTACT)


def check(s: AccountSummary) -> str:
    return CHECK.format(address=escape(s.address), premises=escape(s.premises), number=escape(s.number),
                        provider=escape(s.provider), payer=escape(s.payer))


def debt_line(card: AccountCard) -> str:
    d = card.debt
    if d.due > 0:
        return f"Задолженность: <b>{money(d.due)}</b>" + (" — просрочено ❗" if d.overdue else "")
    if d.due < 0:
        return f"Переплата: <b>{money(-d.due)}</b>"
    return "Задолженности нет"


def card_short(card: AccountCard) -> str:
    mark = "❗ " if card.in_debt else ""
    return (f"{mark}<b>№ {escape(card.number)}</b> — {escape(card.provider)}\n"
            f"{escape(card.address)}, {escape(card.premises)}\n{debt_line(card)}")


def account_list(cards: list[AccountCard]) -> str:
    if not cards:
        return LIST_EMPTY
    blocks = [LIST_TITLE] + [card_short(c) for c in cards] + [LIST_MORE]
    return "\n\n".join(blocks)


def card_full(card: AccountCard) -> str:
    d = card.debt
    lines = [
        f"<b>Лицевой счёт № {escape(card.number)}</b>",
        f"Адрес: {escape(card.address)}, {escape(card.premises)}",
        f"Организация: {escape(card.provider)}",
        f"Плательщик: {escape(card.payer)}",
        "",
    ]
    if d.period is None:
        lines.append("Начислений по этому лицевому счёту пока нет.")
    else:
        lines.append(f"<b>Начислено за {period_name(d.period)}:</b>")
        lines += [f"• {escape(line.service)}: {money(line.amount)}" for line in d.lines]
        if d.penalties:
            lines.append(f"Пени: {money(d.penalties)}")
        lines.append(f"Итого за месяц: <b>{money(d.period_total)}</b>")
        if d.due_on:
            lines.append(f"Оплатить до: {date(d.due_on)}")
        lines.append("")
        lines.append(f"Всего начислено: {money(d.charged)}")
        lines.append(f"Оплачено: {money(d.paid)}")
    lines.append(debt_line(card))
    return "\n".join(lines)


def unlink_ask(card: AccountCard) -> str:
    return UNLINK_ASK.format(number=escape(card.number), address=escape(card.address),
                             premises=escape(card.premises))


def telegram_name(view: RequestView) -> str:
    name = escape(view.user_name)
    return f"{name} (@{escape(view.username)})" if view.username else name


def staff_self_linked(view: RequestView, method: str | None, when: str) -> str:
    """The staff message of a request made moot: the resident linked the account by a proof of their own."""
    verdict = STAFF_SELF_LINKED.format(method=STAFF_LINKED_BY.get(method or "", "другим способом"), when=when)
    return f"{staff_request(view)}\n\n{verdict}"


def staff_request(view: RequestView) -> str:
    s = view.summary
    return STAFF_REQUEST.format(id=view.id, address=escape(s.address), premises=escape(s.premises),
                                number=escape(s.number), provider=escape(s.provider),
                                payer=escape(view.payer_full), user=telegram_name(view), user_id=view.user_id)
PHONE_MATCHED = "✅ Номер телефона совпал."
BILL_MATCHED = "✅ Сумма совпадает с последней квитанцией."
