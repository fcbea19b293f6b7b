"""«Лицевые счета» and «Подключение лицевого счёта»: the words of the ГИС ЖКХ cabinet (seed 000: steps 1–5)."""

from __future__ import annotations

from decimal import Decimal

from bot.services.accounts import AccountCard, AccountSummary, OrgContact, Relation, RequestView
from bot.texts.common import number, phone
from bot.texts.render import Html, escape, fmt

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
BTN_KEEP = "« Не отклонять"
RELATION_BUTTONS = {Relation.owner: "Собственник", Relation.tenant: "Наниматель (арендатор)",
                    Relation.family: "Член семьи"}
RELATION_NAMES = {Relation.owner: "собственник", Relation.tenant: "наниматель (арендатор)",
                  Relation.family: "член семьи собственника или нанимателя"}

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
    "Лицевой счёт «{number}» не найден в доме {address}.\n"
    "Проверьте номер по квитанции и введите ещё раз (осталось попыток на сегодня: {left}). "
    "Если дом выбран неверно — нажмите /cancel и начните заново."
)
NUMBER_TOO_MANY = (
    "Лицевой счёт так и не найден в доме {address}, подключение остановлено.\n"
    "Попытки ввести номер на сегодня закончились — снова можно будет завтра, <b>{date}</b>. "
    "Проверьте адрес и номер по квитанции или обратитесь в вашу управляющую компанию:\n\n{contact}"
)
NUMBER_BLOCKED = (
    "Сегодня уже введено {max} неверных номеров лицевого счёта — проверить номер снова можно будет завтра, "
    "<b>{date}</b>.\n"
    "Проверьте номер по квитанции или обратитесь в вашу управляющую компанию:\n\n{contact}"
)
NUMBER_BLOCKED_ANYWHERE = (
    "Сегодня уже введено {max} неверных номеров лицевого счёта — проверить номер снова можно будет завтра, "
    "<b>{date}</b>.\n"
    "Номер есть в квитанции; подсказать его может организация, которая её выставляет:\n\n{contacts}"
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
    "или собственника в реестре лицевых счетов, проверка пройдёт сразу."
)
STEP_PROOF_OTHER = "Или выберите другой способ:"
CONTACT_NOT_OWN = (
    "Это чужой контакт. Нужен ваш собственный номер — нажмите кнопку «{share}» внизу."
)
PHONE_NO_MATCH = (
    "Номер {phone} не совпадает с номером плательщика или собственника этого помещения в реестре лицевых счетов.\n"
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
PROOF_HINT = "Подтвердите, что счёт ваш: кнопкой «{share}» внизу или одной из кнопок ниже."

STEP_APPLICANT = (
    "<b>Запрос в управляющую организацию</b>\n"
    "Сотрудник УК сверит ваши данные с реестром и подтвердит лицевой счёт.\n\n"
    "Как вас зовут? Напишите фамилию, имя и отчество — как в документах."
)
APPLICANT_BAD = (
    "Не понял имя. Напишите фамилию, имя и отчество буквами, например: <i>Иванов Иван Иванович</i>."
)
STEP_RELATION = "{name}, кем вы приходитесь плательщику по этому лицевому счёту?"
RELATION_HINT = "Выберите кнопкой, кем вы приходитесь плательщику: собственник, наниматель или член семьи."
REQUEST_RSO = (
    "Этот лицевой счёт выставляет <b>{provider}</b> — ресурсоснабжающая организация, а не управляющая. "
    "Сотрудники УК подтвердить его не могут: обратитесь в эту организацию.\n\n{contact}\n\n"
    "Или подтвердите счёт номером телефона либо суммой последней квитанции."
)
REQUESTS_TOO_MANY = (
    "Сегодня вы уже отправили в УК {sent} — это предел на день. Новый запрос можно будет отправить завтра, "
    "<b>{date}</b>, или обратиться в управляющую организацию напрямую:\n\n{contact}"
)
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
NO_MANAGER_CONTACT = "Контакты управляющей организации в реестре пока не размещены."

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
    "Плательщик в реестре: {payer}\n\n"
    "Заявитель: <b>{applicant}</b> — {relation}\n"
    "Телефон: {phone}\n"
    "Житель в Telegram: {user} (id {user_id})\n\n"
    "Подтвердите, что лицевой счёт принадлежит этому жителю. Можно ответить на карточку: "
    "«подтвердить» или «отклонить: причина»."
)
STAFF_NO_PHONE = "не сообщил"
STAFF_NO_APPLICANT = "не указан"
STAFF_APPROVED = "✅ Подтверждено: {staff}, {when}"
STAFF_REJECTED = "❌ Отклонено: {staff}, {when}\nПричина: {reason}"
STAFF_REJECTING = "✍️ Отклоняет {staff}: ждём причину отказа ответом на эту карточку или на вопрос бота под ней."
STAFF_ASK_REASON = (
    "{staff}, напишите причину отказа по запросу №{id} ответом на это сообщение (или на карточку) — её получит житель."
)
STAFF_ASK_REASON_ALERT = "Напишите причину отказа ответом на сообщение бота — её получит житель."
STAFF_REASON_BUSY = "Причину отказа по этому запросу уже пишет другой сотрудник."
STAFF_REASON_EMPTY = ("Нужна причина отказа текстом — её получит житель. Ответьте ещё раз на вопрос бота о причине "
                      "или на карточку.")
STAFF_REASON_TOO_LONG = ("Причина длиннее {limit} символов — сократите её и ответьте ещё раз на вопрос бота о причине "
                         "или на карточку.")
STAFF_KEPT = "Запрос снова ждёт решения."
STAFF_NOT_ASKING = "Этот запрос не ждёт причины отказа."
STAFF_REPLY_HINT = (
    "Ответом на карточку запроса №{id} напишите «подтвердить» — или «отклонить: причина» (её получит житель)."
)
STAFF_REPLY_DONE = "Запрос №{id}: {verdict}"
STAFF_REPLY_APPROVE_WORDS = ("подтвердить", "подтверждаю", "подтверждено", "да", "+", "ок", "ok")
STAFF_REPLY_REJECT_WORDS = ("отклонить", "отклоняю", "отклонено", "отказать", "отказываю", "отказ")
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
    "Причина: {reason}\n\n"
    "Если это ошибка, обратитесь в управляющую организацию:\n\n{contact}"
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


def contact_lines(c: OrgContact) -> Html:
    lines = [fmt("<b>{name}</b> — {kind}", name=c.name, kind=ORG_KINDS.get(c.kind, "организация").lower())]
    if c.phone:
        lines.append(fmt("Телефон: {phone}", phone=phone(c.phone)))
    if c.dispatcher_phone:
        lines.append(fmt("Диспетчерская: {phone}", phone=phone(c.dispatcher_phone)))
    if c.email:
        lines.append(fmt("E-mail: {email}", email=c.email))
    if c.website:
        lines.append(fmt("Сайт: {site}", site=c.website))
    return Html("\n".join(lines))


def manager_lines(c: OrgContact | None) -> Html:
    return contact_lines(c) if c else Html(NO_MANAGER_CONTACT)


def no_house(contacts: list[OrgContact]) -> Html:
    body = Html("\n\n".join(contact_lines(c) for c in contacts) or NO_CONTACTS)
    return fmt(NO_HOUSE, contacts=body)


def staff_unreachable(contact: OrgContact | None) -> Html:
    return fmt(STAFF_UNREACHABLE, contact=contact_lines(contact) if contact else Html(STAFF_NO_CONTACT))


def request_rso(provider: OrgContact) -> Html:
    return fmt(REQUEST_RSO, provider=provider.name, contact=contact_lines(provider))


def requests_too_many(sent: int, date: str, manager: OrgContact | None) -> Html:
    from bot.texts.render import count

    return fmt(REQUESTS_TOO_MANY, sent=count(sent, "запрос", "запроса", "запросов"), date=date,
               contact=manager_lines(manager))


def number_not_found(typed: str, address: str, left: int) -> Html:
    return fmt(NUMBER_NOT_FOUND, number=typed, address=address, left=left)


def number_too_many(address: str, date: str, manager: OrgContact | None) -> Html:
    return fmt(NUMBER_TOO_MANY, address=address, date=date, contact=manager_lines(manager))


def number_blocked(most: int, date: str, manager: OrgContact | None) -> Html:
    return fmt(NUMBER_BLOCKED, max=most, date=date, contact=manager_lines(manager))


def number_blocked_anywhere(most: int, date: str, contacts: list[OrgContact]) -> Html:
    """The lockout when no house is known (the tries went on paying by number): whom the bot serves."""
    body = Html("\n\n".join(contact_lines(c) for c in contacts) or NO_CONTACTS)
    return fmt(NUMBER_BLOCKED_ANYWHERE, max=most, date=date, contacts=body)


def check(s: AccountSummary) -> Html:
    return fmt(CHECK, address=s.address, premises=s.premises, number=s.number, provider=s.provider, payer=s.payer)


def debt_line(card: AccountCard) -> Html:
    d = card.debt
    if d.due > 0:
        return fmt("Задолженность: <b>{due}</b>{mark}", due=money(d.due), mark=" — просрочено ❗" if d.overdue else "")
    if d.due < 0:
        return fmt("Переплата: <b>{over}</b>", over=money(-d.due))
    return Html("Задолженности нет")


def card_short(card: AccountCard) -> Html:
    return fmt("{mark}<b>№ {number}</b> — {provider}\n{address}, {premises}\n{debt}",
               mark="❗ " if card.in_debt else "", number=card.number, provider=card.provider,
               address=card.address, premises=card.premises, debt=debt_line(card))


def account_list(cards: list[AccountCard]) -> Html:
    if not cards:
        return Html(LIST_EMPTY)
    blocks = [Html(LIST_TITLE)] + [card_short(c) for c in cards] + [Html(LIST_MORE)]
    return Html("\n\n".join(blocks))


def card_full(card: AccountCard) -> Html:
    d = card.debt
    lines = [
        fmt("<b>Лицевой счёт № {number}</b>", number=card.number),
        fmt("Адрес: {address}, {premises}", address=card.address, premises=card.premises),
        fmt("Организация: {provider}", provider=card.provider),
        fmt("Плательщик: {payer}", payer=card.payer),
        "",
    ]
    if d.period is None:
        lines.append("Начислений по этому лицевому счёту пока нет.")
    else:
        lines.append(fmt("<b>Начислено за {period}:</b>", period=period_name(d.period)))
        lines += [fmt("• {service}: {amount}", service=line.service, amount=money(line.amount)) for line in d.lines]
        if d.penalties:
            lines.append(fmt("Пени: {amount}", amount=money(d.penalties)))
        lines.append(fmt("Итого за месяц: <b>{amount}</b>", amount=money(d.period_total)))
        if d.due_on:
            lines.append(fmt("Оплатить до: {date}", date=date(d.due_on)))
        lines.append("")
        lines.append(fmt("Всего начислено: {amount}", amount=money(d.charged)))
        lines.append(fmt("Оплачено: {amount}", amount=money(d.paid)))
    lines.append(debt_line(card))
    return Html("\n".join(lines))


def unlink_ask(card: AccountCard) -> Html:
    return fmt(UNLINK_ASK, number=card.number, address=card.address, premises=card.premises)


def unlinked(number: str) -> Html:
    return fmt(UNLINKED, number=number)


def linked(number: str, created: bool) -> Html:
    return fmt(LINKED if created else ALREADY_LINKED, number=number)


def telegram_name(view: RequestView) -> Html:
    if view.username:
        return fmt("{name} (@{username})", name=view.user_name, username=view.username)
    return escape(view.user_name)


def staff_self_linked(view: RequestView, method: str | None, when: str) -> Html:
    """The staff message of a request made moot: the resident linked the account by a proof of their own."""
    verdict = fmt(STAFF_SELF_LINKED, method=STAFF_LINKED_BY.get(method or "", "другим способом"), when=when)
    return Html(f"{staff_request(view)}\n\n{verdict}")


def staff_request(view: RequestView) -> Html:
    s = view.summary
    from bot.texts.common import phone as show_phone

    return fmt(STAFF_REQUEST, id=view.id, address=s.address, premises=s.premises, number=s.number,
               provider=s.provider, payer=view.payer_full, applicant=view.applicant_name or STAFF_NO_APPLICANT,
               relation=RELATION_NAMES.get(view.relation, "—") if view.relation else "—",
               phone=show_phone(view.phone) if view.phone else STAFF_NO_PHONE,
               user=telegram_name(view), user_id=view.user_id)


def staff_who(name: str, staff_id: int) -> str:
    return f"{name} (id {staff_id})"


def staff_decided(view: RequestView, approve: bool, who: str, when: str) -> Html:
    verdict = (fmt(STAFF_APPROVED, staff=who, when=when) if approve
               else fmt(STAFF_REJECTED, staff=who, when=when, reason=view.reason or "—"))
    return Html(f"{staff_request(view)}\n\n{verdict}")


def staff_rejecting(view: RequestView, who: str) -> Html:
    return Html(f"{staff_request(view)}\n\n{fmt(STAFF_REJECTING, staff=who)}")


def resident_decided(view: RequestView, approve: bool, manager: OrgContact | None) -> Html:
    s = view.summary
    if approve:
        return fmt(RESIDENT_APPROVED, number=s.number, address=s.address, premises=s.premises)
    return fmt(RESIDENT_REJECTED, number=s.number, address=s.address, reason=view.reason or "—",
               contact=manager_lines(manager))


PHONE_MATCHED = "✅ Номер телефона совпал."
# a contact shared outside «Подключить лицевой счёт» (a keyboard left from before, a phone sent on its own)
PHONE_FOUND_ONE = "✅ Ваш номер телефона совпал с номером плательщика или собственника в реестре лицевых счетов."
PHONE_FOUND_MANY = (
    "✅ Ваш номер телефона совпал с номером плательщика или собственника у нескольких лицевых счетов. "
    "Выберите, какой подключить (остальные можно подключить потом так же):"
)
PHONE_FOUND_NONE = (
    "Номер {phone} не найден у плательщиков и собственников в реестре лицевых счетов.\n"
    "Чтобы подключить лицевой счёт, нажмите «{link}» и укажите адрес дома и номер счёта из квитанции."
)
PHONE_ALL_LINKED = (
    "Лицевые счета с номером {phone} уже подключены к вашему кабинету — они есть в «Лицевые счета». "
    "Чтобы подключить другой счёт, нажмите «{link}»."
)
PHONE_TOO_MANY = (
    "Номер {phone} указан в реестре лицевых счетов у слишком многих лицевых счетов, чтобы подключить их по нему. "
    "Нажмите «{link}» и укажите адрес дома и номер счёта из квитанции."
)
PHONE_NOT_RUSSIAN = (
    "Номер {phone} — не российский, по нему лицевой счёт не найти. "
    "Нажмите «{link}» и укажите адрес дома и номер счёта из квитанции."
)
PHONE_CONTACT_NOT_OWN = (
    "Это чужой контакт. Чтобы подключить лицевой счёт по телефону, нажмите «{link}»: "
    "на шаге подтверждения бот попросит ваш собственный номер."
)
PHONE_PICK_HINT = "Выберите лицевой счёт кнопкой или нажмите /cancel."


def phone_choice(s: AccountSummary) -> str:
    """A button of the phone's accounts (plain text: a button is not HTML)."""
    return f"№ {s.number} — {s.provider}: {s.address}, {s.premises}"


BILL_MATCHED = "✅ Сумма совпадает с последней квитанцией."

# the registry sent to the staff chat as a file
IMPORT_ASK_FILE = (
    "Пришлите файл реестра сюда: CSV (например <i>houses.csv</i>, имя — как в FORMAT.md) или книгу XLSX. "
    "Подпись /import не обязательна."
)
IMPORT_WRONG_TYPE = (
    "Файл «{name}» — не реестр: нужен CSV (organizations.csv, houses.csv, …) или книга XLSX."
)
IMPORT_TOO_BIG = "Файл «{name}» больше {limit} МБ — Telegram не даёт боту скачать такой. Загрузите его командой python -m bot import."
IMPORT_STARTED = "Загружаю реестр из «{name}»…"
IMPORT_IN_DIALOG = ("Файл «{name}» не загружен: сейчас открыт диалог «{flow}». Закончите его или нажмите /cancel — "
                    "и пришлите файл ещё раз.")
IMPORT_DOWNLOAD_FAILED = "Не удалось скачать файл «{name}» из Telegram — пришлите его ещё раз."
IMPORT_PUSHES = "Уведомлений жителям поставлено в очередь: {pushes}."
IMPORT_REPORT_FILE = "import_report.txt"
IMPORT_REJECTED_FILE = (
    "Реестр из «{name}» не загружен, ничего не записано. Ошибок: {errors} — список в файле "
    "(файл:строка: столбец: причина)."
)
IMPORT_DONE_FILE = "Реестр из «{name}» загружен — отчёт в файле."
