"""«Оплатить ЖКУ» (seeds 000 and 001: «Проверьте наименование УО и сумму оплаты» → «Оплатить» → the way to pay →
«Оплачено»): every word of the payment flow, and the views that turn the services' data into messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bot.services.accounts import OrgContact
from bot.services.payments import (
    AccountOption,
    AmountDue,
    AmountRefusal,
    CardUnavailable,
    FoundPayee,
    History,
    Methods,
    PayTarget,
    PrecheckoutRefusal,
    Receipt,
)
from bot.services.qr import QrProblem
from bot.texts.accounts import contact_lines, money, period_name
from bot.texts.common import BTN_PAY as BTN_PAY_MENU
from bot.texts.common import number
from bot.texts.render import Html, fmt, join

FLOW_TITLE = "Оплата ЖКУ"

BTN_PAY_ALL = "Оплатить всё — {sum}"
BTN_OTHER_SUM = "Другая сумма"
BTN_PAY = "Оплатить"
BTN_PAY_ACCOUNT = "Оплатить"  # on the account card in «Лицевые счета» and under the «Оплата ЖКУ» push
BTN_CHANGE_SUM = "Изменить сумму"
BTN_CANCEL = "Отменить"
BTN_CARD = "Картой в Telegram — комиссия {percent} % ({fee})"
BTN_CARD_FREE = "Картой в Telegram — без комиссии"
BTN_QR = "QR-код для приложения банка — без комиссии"
BTN_HISTORY = "История платежей"
BTN_ANY_ACCOUNT = "Оплатить по любому лицевому счёту"

NO_ACCOUNTS = (
    "<b>Оплата ЖКУ</b>\n\nПодключённых лицевых счетов пока нет. Подключите счёт в «Лицевые счета» — "
    "или оплатите по номеру лицевого счёта из квитанции."
)
CHOOSE_ACCOUNT = "<b>Оплата ЖКУ</b>\n\nВыберите лицевой счёт:"
ACCOUNT_BUTTON = "№ {number} — {provider}: {due}"
ACCOUNT_BUTTON_NO_DEBT = "№ {number} — {provider}: задолженности нет"

DUE_TITLE = "<b>Оплата ЖКУ</b> — лицевой счёт № {number}\n{address}\nПолучатель: {payee}"
DUE_PERIOD = "<b>За {period}:</b>"
DUE_LINE = "• {service}: {amount}"
DUE_PENALTIES = "Пени: {amount}"
DUE_PAID_PART = "Оплачено из начисленного: {amount}"
DUE_PERIOD_LEFT = "Осталось за месяц: {amount}"
DUE_TOTAL = "К оплате: <b>{amount}</b>"
DUE_NONE = "Задолженности нет."
DUE_OVERPAID = "Задолженности нет, переплата {amount}."
DUE_ADVANCE = "Можно внести аванс — нажмите «Другая сумма» или напишите сумму."
DUE_TYPE_HINT = "Или напишите другую сумму, например «1 500,50»."

ASK_AMOUNT = "Напишите сумму оплаты в рублях, например «1500» или «1 500,50»."
AMOUNT_REFUSALS = {
    AmountRefusal.not_a_number: "Не понял сумму «{text}». Напишите её цифрами, например «1500» или «1 500,50».",
    AmountRefusal.too_many_decimals: "В сумме не больше двух знаков после запятой — копейки, например «1 500,50».",
    AmountRefusal.not_positive: "Сумма должна быть больше нуля. Напишите, например, «1500».",
    AmountRefusal.too_large: "Слишком большая сумма: в боте можно оплатить не больше {cap} за раз. "
    "Проверьте, нет ли лишних нулей.",
}

CHECK = (
    "<b>Проверьте наименование получателя и сумму оплаты</b>\n\n"
    "Получатель: {payee}\n"
    "ИНН: {inn}\n"
    "Лицевой счёт: № {number}\n"
    "Адрес: {address}\n"
    "Период: {period}\n"
    "Сумма: <b>{amount}</b>"
)
NO_PERIOD = "текущий"

METHODS = "<b>Способ оплаты</b>\n\nСумма: {amount}"
METHOD_CARD_LINE = "• Картой в Telegram: к оплате <b>{total}</b> (сумма {amount} + комиссия {percent} % — {fee})"
METHOD_CARD_LINE_FREE = "• Картой в Telegram: к оплате <b>{total}</b>, без комиссии"
METHOD_QR_LINE = "• QR-код для приложения банка: к оплате <b>{amount}</b>, без комиссии"
CARD_WHY_NOT = {
    CardUnavailable.no_token: None,  # not set up: nothing to explain
    CardUnavailable.below_min: "Картой в Telegram — от {min}: для меньшей суммы оплатите по QR-коду.",
    CardUnavailable.above_max: "Картой в Telegram — не больше {max}: для большей суммы оплатите по QR-коду.",
}
QR_WHY_NOT = "QR-код не предлагается: в реестре нет полных банковских реквизитов получателя ({problems})."
QR_PROBLEMS = {
    QrProblem.name: "наименование",
    QrProblem.inn: "ИНН",
    QrProblem.kpp: "КПП",
    QrProblem.account: "расчётный счёт",
    QrProblem.bank_name: "банк",
    QrProblem.bic: "БИК",
    QrProblem.corr_account: "корр. счёт",
    QrProblem.corr_mismatch: "корр. счёт не совпадает с БИК",
    QrProblem.amount: "сумма",
}
NO_METHOD = (
    "Оплатить в боте сейчас не получится. Оплатите по квитанции в банке или обратитесь в {payee}."
)

QR_CAPTION = "QR-код для оплаты ЖКУ — {amount}. Отсканируйте его в приложении банка."
QR_DETAILS = (
    "<b>Реквизиты для оплаты</b>\n\n"
    "Получатель: {payee}\n"
    "ИНН: {inn}{kpp}\n"
    "Р/с: {account}\n"
    "Банк: {bank}\n"
    "БИК: {bic}\n"
    "К/с: {corr}\n"
    "Назначение: {purpose}\n"
    "Лицевой счёт: {number}\n"
    "Сумма: <b>{amount}</b>\n\n"
    "Оплата появится в «История платежей», когда получатель загрузит её из банка "
    "(обычно через 1–3 рабочих дня).{card_too}"
)
QR_NOT_BY_CARD_TOO = " Не оплачивайте тот же счёт ещё и картой."
QR_KPP = ", КПП: {kpp}"
PURPOSE = "Оплата ЖКУ за {period}, л/с {number}"
PURPOSE_NO_PERIOD = "Оплата ЖКУ, л/с {number}"

INVOICE_TITLE = "Оплата ЖКУ, л/с {number}"
INVOICE_DESCRIPTION = "{payee}, ИНН {inn}. Лицевой счёт № {number}, {address}. Период: {period}."
PRICE_SUM = "Оплата ЖКУ"
PRICE_COMMISSION = "Комиссия {percent} %"
RECEIPT_ITEM = "Оплата ЖКУ, л/с {number}"
RECEIPT_COMMISSION_ITEM = "Комиссия за оплату картой"
INVOICE_SENT = "Счёт выставлен: нажмите «Оплатить» в сообщении выше. Чек придёт на e-mail, который вы укажете."
INVOICE_FAILED = "Не удалось выставить счёт на оплату картой. Попробуйте позже или оплатите по QR-коду."

PRECHECKOUT_REFUSALS = {
    PrecheckoutRefusal.unknown: "Этот счёт не найден. Откройте «Оплатить ЖКУ» и выставьте новый.",
    PrecheckoutRefusal.other_user: "Этот счёт выставлен другому человеку. Чтобы оплатить, откройте бота и "
    "выберите «Оплатить ЖКУ».",
    PrecheckoutRefusal.paid: "Этот счёт уже оплачен. Повторно платить не нужно — смотрите «История платежей».",
    PrecheckoutRefusal.expired: "Счёт устарел (выставлен больше суток назад). Откройте «Оплатить ЖКУ» и "
    "выставьте новый.",
    PrecheckoutRefusal.amount: "Сумма не совпадает со счётом. Откройте «Оплатить ЖКУ» и выставьте новый счёт.",
    PrecheckoutRefusal.currency: "Оплата принимается только в рублях. Выставьте новый счёт в «Оплатить ЖКУ».",
}

PRECHECKOUT_ERROR = "Не удалось проверить счёт, деньги не списаны. Попробуйте оплатить ещё раз через минуту."

RECEIPT = (
    "✅ <b>Оплачено</b>\n\n"
    "Получатель: {payee}\n"
    "ИНН: {inn}\n"
    "Лицевой счёт: № {number}\n"
    "Адрес: {address}\n"
    "Период: {period}\n"
    "Сумма: {amount}\n"
    "Комиссия: {fee}\n"
    "Итого списано: <b>{total}</b>\n"
    "Дата и время: {when}\n"
    "Номер операции Telegram: {charge}\n"
    "{email}"
)
RECEIPT_EMAIL = "Кассовый чек придёт на {email}."
RECEIPT_NO_EMAIL = "Кассовый чек пришлёт платёжный сервис."
RECEIPT_OVERPAID = (
    "\n\n⚠️ Этот счёт уже был оплачен раньше — платёж сохранён, управляющая организация вернёт лишнее."
)
RECEIPT_UNKNOWN = (
    "Оплата получена, но счёт не найден в боте. Мы передали номер операции {charge} в управляющую организацию — "
    "с вами свяжутся."
)
STAFF_PAID = ("💳 Оплата в боте: л/с № {number}, {address} — {amount} (+ комиссия {fee}). "
              "Житель в Telegram: {user} (id {user_id}), операция {charge}")
STAFF_OVERPAID = ("⚠️ Повторная оплата одного счёта — вернуть: л/с № {number}, {address} — {amount} "
                  "(+ комиссия {fee}). Житель в Telegram: {user} (id {user_id}), операция {charge}")
STAFF_UNKNOWN = ("⚠️ Оплата без счёта в боте: {total}. Житель в Telegram: {user} (id {user_id}), операция {charge}, "
                 "payload {payload}")

CANCELLED = "Оплата отменена."

ANY_TITLE = (
    "<b>Оплатить ЖКУ по любому лицевому счёту</b>\n\n"
    "Напишите получателя платежа — название организации из квитанции, её ИНН или ОГРН."
)
PAYEE_BUTTON = "{name} (ИНН {inn})"
PAYEE_BAD = "Проверьте цифры: ИНН — 10 или 12 цифр, ОГРН — 13 или 15, и контрольная цифра должна сходиться. " \
    "Или напишите название организации (не короче 3 букв)."
PAYEE_NOT_FOUND = "Организация «{query}» не найдена среди получателей. Проверьте написание или введите ИНН."
PAYEE_CHOOSE = "Выберите получателя:"
ASK_NUMBER = "Получатель: <b>{payee}</b>\n\nНапишите номер лицевого счёта из квитанции."
NUMBER_BAD = (
    "Номер лицевого счёта — это от 1 до 30 букв и цифр, как в квитанции, например <i>1234567890</i>. "
    "Введите его ещё раз."
)
NUMBER_NOT_FOUND = (
    "Лицевой счёт «{number}» у получателя {payee} не найден. Проверьте номер по квитанции и введите ещё раз "
    "(осталось попыток на сегодня: {left})."
)
# the same day's limit as «Подключить лицевой счёт»: each look-up tells whether a number exists
NUMBER_TOO_MANY = (
    "Лицевой счёт «{number}» у получателя {payee} так и не найден, оплата по номеру остановлена.\n"
    "Попытки ввести номер на сегодня закончились — снова можно будет завтра, <b>{date}</b>.\n\n{still}"
)
NUMBER_BLOCKED = (
    "Сегодня уже введено {wrong} лицевого счёта — проверить номер снова можно будет завтра, <b>{date}</b>.\n\n"
    "{still}"
)
LOCKED_STILL = (
    "Оплатить квитанцию можно и сейчас — по QR-коду на ней в приложении вашего банка. "
    "Подключённые к вам лицевые счета оплачиваются как обычно — кнопкой «{pay}»."
)
LOCKED_ASK_PAYEE = "Номер лицевого счёта подскажет получатель:\n\n{contact}"
BY_NUMBER = "<b>Оплата ЖКУ</b> — лицевой счёт № {number}\n{address}\nПолучатель: {payee}\n\n{due}\n{hint}"
BY_NUMBER_FLAT_HIDDEN = ("<i>Квартира и сумма к оплате видны только в лицевом счёте, подключённом к вашему профилю; "
                         "сумму возьмите из квитанции.</i>")
BY_NUMBER_HINT = "Напишите сумму оплаты, например «1500» или «1 500,50»."
NOT_YOURS = "Этот лицевой счёт не подключён к вашему профилю."

HISTORY_TITLE = "<b>История платежей</b> — лицевой счёт № {number}\nЗа последние 12 месяцев"
HISTORY_MONTH = "<b>{month}</b>: начислено {charged}, оплачено {paid}"
HISTORY_ITEM = "• {date} — {amount} — Оплачено, {channel}"
HISTORY_EMPTY = "Платежей за последние 12 месяцев нет."
HISTORY_TOTAL = "Всего оплачено: <b>{total}</b>"
CHANNEL_CARD = "Картой в Telegram"
CHANNEL_UNKNOWN = "платёж"
CHANNEL_REFUND = " (повторный, к возврату)"


def account_button(o: AccountOption) -> str:
    if o.due > 0:
        return ACCOUNT_BUTTON.format(number=o.number, provider=o.provider, due=money(o.due))
    return ACCOUNT_BUTTON_NO_DEBT.format(number=o.number, provider=o.provider)


def payee_button(p: FoundPayee) -> str:
    return PAYEE_BUTTON.format(name=p.name, inn=p.inn)[:64]


def pay_all_button(due: Decimal) -> str:
    return BTN_PAY_ALL.format(sum=money(due))


def percent(value: Decimal) -> str:
    return number(value.normalize() if value == value.to_integral_value() else value)


def amount_due(d: AmountDue) -> Html:
    t = d.target
    parts: list[str | Html] = [fmt(DUE_TITLE, number=t.number, address=t.place, payee=t.payee_short), Html("")]
    for p in d.periods:
        parts.append(fmt(DUE_PERIOD, period=period_name(p.period)))
        parts += [fmt(DUE_LINE, service=ln.service, amount=money(ln.amount)) for ln in p.lines]
        if p.penalties:
            parts.append(fmt(DUE_PENALTIES, amount=money(p.penalties)))
        if p.paid:
            parts.append(fmt(DUE_PAID_PART, amount=money(p.paid)))
            parts.append(fmt(DUE_PERIOD_LEFT, amount=money(p.left)))
        parts.append(Html(""))
    if d.due > 0:
        parts += [fmt(DUE_TOTAL, amount=money(d.due)), Html(DUE_TYPE_HINT)]
    else:
        parts += [Html(DUE_NONE if d.due == 0 else fmt(DUE_OVERPAID, amount=money(-d.due))), Html(DUE_ADVANCE)]
    return join(parts)


def amount_refusal(refusal: AmountRefusal, text: str, cap: Decimal) -> Html:
    return fmt(AMOUNT_REFUSALS[refusal], text=text[:50], cap=money(cap))


def _period(period: str | None) -> str:
    return period_name(period) if period else NO_PERIOD


def check(t: PayTarget, amount: Decimal, period: str | None) -> Html:
    return fmt(CHECK, payee=t.payee.name, inn=t.payee.inn or "—", number=t.number, address=t.place,
               period=_period(period), amount=money(amount))


def card_button(m: Methods) -> str:
    if m.commission == 0:
        return BTN_CARD_FREE
    return BTN_CARD.format(percent=percent(m.percent), fee=money(m.commission))


def methods(t: PayTarget, m: Methods, qr_problems: list[QrProblem], invoice_min: Decimal,
            invoice_max: Decimal) -> Html:
    parts: list[str | Html] = [fmt(METHODS, amount=money(m.amount)), Html("")]
    if m.card is None:
        if m.commission > 0:
            parts.append(fmt(METHOD_CARD_LINE, total=money(m.card_total), amount=money(m.amount),
                             percent=percent(m.percent), fee=money(m.commission)))
        else:
            parts.append(fmt(METHOD_CARD_LINE_FREE, total=money(m.card_total)))
    if m.qr:
        parts.append(fmt(METHOD_QR_LINE, amount=money(m.amount)))
    why = CARD_WHY_NOT.get(m.card) if m.card else None
    if why:
        parts += [Html(""), fmt(why, min=money(invoice_min), max=money(invoice_max))]
    if not m.qr:
        parts += [Html(""), fmt(QR_WHY_NOT, problems=", ".join(QR_PROBLEMS[p] for p in qr_problems))]
    if m.card is not None and not m.qr:
        parts += [Html(""), fmt(NO_METHOD, payee=t.payee_short)]
    return join(parts)


def purpose(t: PayTarget, period: str | None) -> str:
    if period:
        return PURPOSE.format(period=period_name(period), number=t.number)
    return PURPOSE_NO_PERIOD.format(number=t.number)


def by_number(d: AmountDue) -> Html:
    """An account paid by its number: the house and the payee; the flat and the sum due only on a linked account."""
    t = d.target
    if t.flat_hidden:
        return fmt(BY_NUMBER, number=t.number, address=t.place, payee=t.payee_short, due=Html(BY_NUMBER_HINT),
                   hint=Html(BY_NUMBER_FLAT_HIDDEN))
    due = fmt(DUE_TOTAL, amount=money(d.due)) if d.due > 0 else Html(DUE_NONE)
    hint = Html(DUE_TYPE_HINT if d.due > 0 else BY_NUMBER_HINT)
    return fmt(BY_NUMBER, number=t.number, address=t.place, payee=t.payee_short, due=due, hint=hint)


def number_not_found(typed: str, payee: str, left: int) -> Html:
    return fmt(NUMBER_NOT_FOUND, number=typed, payee=payee, left=left)


def _still(contact: OrgContact | None) -> Html:
    """What the resident can still do when the numbers are locked for the day."""
    still = fmt(LOCKED_STILL, pay=BTN_PAY_MENU)
    return join([still, fmt(LOCKED_ASK_PAYEE, contact=contact_lines(contact))], "\n\n") if contact else still


def number_too_many(typed: str, payee: str, date: str, contact: OrgContact | None) -> Html:
    return fmt(NUMBER_TOO_MANY, number=typed, payee=payee, date=date, still=_still(contact))


def number_blocked(most: int, date: str, contact: OrgContact | None = None) -> Html:
    from bot.texts.render import count

    return fmt(NUMBER_BLOCKED, wrong=count(most, "неверный номер", "неверных номера", "неверных номеров"),
               date=date, still=_still(contact))


def qr_caption(amount: Decimal) -> Html:
    return fmt(QR_CAPTION, amount=money(amount))


def qr_details(t: PayTarget, amount: Decimal, period: str | None, card_offered: bool) -> Html:
    """The payee's details under the QR; the warning not to pay by card too only where a card was offered."""
    p = t.payee
    return fmt(QR_DETAILS, payee=p.name, inn=p.inn, kpp=fmt(QR_KPP, kpp=p.kpp) if p.kpp else Html(""),
               account=p.account, bank=p.bank_name, bic=p.bic, corr=p.corr_account, purpose=purpose(t, period),
               number=t.number, amount=money(amount), card_too=QR_NOT_BY_CARD_TOO if card_offered else "")


def invoice_title(t: PayTarget) -> str:
    return INVOICE_TITLE.format(number=t.number)[:32]


def invoice_description(t: PayTarget, period: str | None) -> str:
    return INVOICE_DESCRIPTION.format(payee=t.payee_short, inn=t.payee.inn, number=t.number, address=t.place,
                                      period=_period(period))[:255]


def price_commission(value: Decimal) -> str:
    return PRICE_COMMISSION.format(percent=percent(value))


def receipt_item(t: PayTarget) -> str:
    return RECEIPT_ITEM.format(number=t.number)[:128]


def _when(at_utc: dt.datetime, tz) -> str:
    return at_utc.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%d.%m.%Y %H:%M")


def receipt(r: Receipt, tz) -> Html:
    email = fmt(RECEIPT_EMAIL, email=r.email) if r.email else Html(RECEIPT_NO_EMAIL)
    text = fmt(RECEIPT, payee=r.payee, inn=r.payee_inn, number=r.account_number, address=r.address,
               period=_period(r.period), amount=money(r.amount), fee=money(r.commission), total=money(r.total),
               when=_when(r.paid_at, tz), charge=r.telegram_charge_id, email=email)
    return Html(text + (RECEIPT_OVERPAID if r.refund_due else ""))


def staff_line(r: Receipt, user_name: str) -> Html:
    """The payment for the staff chat: the account, the address, who paid (their Telegram name) and the charge."""
    template = STAFF_OVERPAID if r.refund_due else STAFF_PAID
    return fmt(template, number=r.account_number, address=r.address, amount=money(r.amount), fee=money(r.commission),
               user=user_name, user_id=r.user_id, charge=r.telegram_charge_id)


def staff_unknown(total_kopecks: int, user_id: int, user_name: str, charge: str, payload: str) -> Html:
    return fmt(STAFF_UNKNOWN, total=money(Decimal(total_kopecks) / 100), user=user_name, user_id=user_id,
               charge=charge, payload=payload[:128])


def channel(method: str | None, channel_name: str | None, refund_due: bool) -> str:
    name = CHANNEL_CARD if method == "card" else (channel_name or CHANNEL_UNKNOWN)
    return name + (CHANNEL_REFUND if refund_due else "")


def history(h: History) -> Html:
    parts: list[str | Html] = [fmt(HISTORY_TITLE, number=h.target.number), Html("")]
    if not any(m.items for m in h.months):
        parts.append(Html(HISTORY_EMPTY))
    for m in h.months:
        parts.append(fmt(HISTORY_MONTH, month=period_name(m.month), charged=money(m.charged), paid=money(m.total)))
        parts += [fmt(HISTORY_ITEM, date=i.paid_on.strftime("%d.%m.%Y"), amount=money(i.amount),
                      channel=channel(i.method, i.channel, i.refund_due)) for i in m.items]
    parts += [Html(""), fmt(HISTORY_TOTAL, total=money(h.total))]
    return join(parts)


# ---------------------------------------------------------------------------------------------- staff export

EXPORT_USAGE = (
    "Платежи в боте за месяц: <code>/payments ГГГГ-ММ [ОГРН] [csv|xlsx]</code>, например "
    "<code>/payments 2026-11</code>. Переплаты к возврату — первыми строками."
)
EXPORT_UNKNOWN_PROVIDER = "Организация с ОГРН {ogrn} не найдена в реестре."
EXPORT_CAPTION = "Платежи в боте за {period}{provider}: {rows}{refunds}."
EXPORT_EMPTY = "Платежей в боте за {period}{provider} нет."
EXPORT_PROVIDER = ", ОГРН {ogrn}"
EXPORT_REFUNDS = "; к возврату: {n}"
EXPORT_HEADERS = ("Поставщик (ОГРН)", "Лицевой счёт", "Плательщик (Telegram id)", "Сумма", "Комиссия", "Способ",
                  "Операция Telegram", "Операция провайдера", "Дата и время", "Статус")
EXPORT_STATUSES = ("оплачено", "переплата — вернуть")
EXPORT_METHODS = {"card": "карта в Telegram"}
EXPORT_SHEET = "Платежи {period}"


def export_caption(period: str, ogrn: str | None, rows: int, refunds: int) -> Html:
    from bot.texts.render import count

    provider = fmt(EXPORT_PROVIDER, ogrn=ogrn) if ogrn else Html("")
    if not rows:
        return fmt(EXPORT_EMPTY, period=period_name(period), provider=provider)
    return fmt(EXPORT_CAPTION, period=period_name(period), provider=provider,
               rows=count(rows, "платёж", "платежа", "платежей"),
               refunds=fmt(EXPORT_REFUNDS, n=refunds) if refunds else Html(""))


CHART_CHARGED = "Начислено, ₽"
CHART_PAID = "Оплачено, ₽"
CHART_TITLE = "Лицевой счёт № {number}: начислено и оплачено по месяцам"


def history_chart(h: History) -> bytes | None:
    """The picture «начислено / оплачено» by month (oldest first); None when there is nothing to draw."""
    from bot.services.charts import Panel, monthly_bars
    from bot.texts.vocab import MONTHS_SHORT

    months = list(reversed(h.months))
    if not months:
        return None
    labels = [f"{MONTHS_SHORT[int(m.month[5:]) - 1]} {m.month[2:4]}" for m in months]
    return monthly_bars([Panel("charged", CHART_CHARGED, labels, [m.charged for m in months]),
                         Panel("paid", CHART_PAID, labels, [m.total for m in months])],
                        CHART_TITLE.format(number=h.target.number))


# ------------------------------------------------------------------------------------------------ the push
PAYMENT_DUE = (
    "💳 <b>Оплата ЖКУ</b>\n"
    "Лицевой счёт <b>№ {number}</b> ({provider}), {address}.\n"
    "За {period} к оплате <b>{amount}</b> до {due_on}.\n"
    "{arrears}"
    "Если вы уже оплатили, не обращайте внимания: платёж появится в течение нескольких дней."
)
PAYMENT_DUE_ARREARS = ("Кроме того, долг за прошлые месяцы — <b>{arrears}</b>: срок его оплаты уже прошёл. "
                       "Всего к оплате <b>{total}</b>.\n")
