"""The staff side of appeals: the card in the staff chat, its buttons and answers, the resident's pushes about
their appeal («На рассмотрении», «Ответ получен», «Перенаправлено»), the external appeal (the e-mail to the
addressee, the PDF for the resident), the answer e-mailed to the applicant and the morning digest."""

from __future__ import annotations

import datetime as dt

from bot.services.appeals.drafts import OrgItem
from bot.services.appeals.staff import Since
from bot.services.appeals.validate import ALLOWED_EXTENSIONS, FILE_MAX_BYTES, FILES_MAX, FileProblem
from bot.services.appeals.views import AppealView
from bot.texts.appeals import DECLARATION as DECLARATION
from bot.texts.common import phone as show_phone
from bot.texts.render import ALERT_LIMIT, Html, count, escape, fmt, plural
from bot.texts.vocab import APPEAL_RATING, APPEAL_STATUS
from storage.vocab import AppealStatus

STATUS = APPEAL_STATUS
RATING = APPEAL_RATING

GIS_HOWTO = ("Подать обращение в ГИС ЖКХ: dom.gosuslugi.ru → «Направить обращение или жалобу» — выберите адресата "
             "и приложите этот документ.")

BTN_TAKE = "Взять в работу"
BTN_ANSWER = "Ответить"
BTN_REDIRECT = "Перенаправить"
BTN_NO_REDIRECT = "« Не перенаправлять"  # under each step of «Перенаправить»
BTN_OPEN = "Открыть обращение"  # under a push to the resident: the appeal's view

# ------------------------------------------------------------------------------------------- the card

URGENT = "🆘 <b>СРОЧНО</b>\n"
CARD = (
    "{urgent}📨 <b>Обращение № {number}</b> от {sent}\n"
    "Статус: <b>{status}</b>\n"
    "Срок ответа: <b>{due}</b>{left}\n\n"
    "🏠 {address}{premises}\n"
    "Заявитель: {name}\n"
    "Телефон: {phone}\n"
    "E-mail: {email}\n"
    "Тема: {topic}\n"
    "{parent}"
    "\n<blockquote expandable>{text}</blockquote>{cut}\n"
    "{files}"
)
NO_PHONE = "не указан"
NO_EMAIL = "не указан"
PREMISES = ", {premises}"
PARENT = "Жалоба на ответ по обращению № {number}\n"
LEFT = " ({left} {days})"
LEFT_VERB = ("остался", "осталось", "осталось")
LEFT_TODAY = " (сегодня)"
OVERDUE = " ⚠️ <b>просрочено</b>"
CUT = "\n<i>Текст длиннее карточки — полностью в файле ниже.</i>"
FILES = "📎 Файлы: {n} — ниже\n"
WORKING_DAYS = ("рабочий день", "рабочих дня", "рабочих дней")
FULL_TEXT_CAPTION = "Полный текст обращения № {number}"
# under the status: what happened, newest last
TAKEN = "🛠 Взято в работу: {who}, {when}"
ANSWERED = "✅ Ответ: {who}, {when}"
REDIRECTED = "↪️ Перенаправлено: {org} — {who}, {when}"
WITHDRAWN = "🚫 Отозвано заявителем {when}{comment}"
REOPENED = "🔁 Возвращено в работу заявителем {when}{comment}"
RATED = "⭐ Оценка заявителя: {rating}"
COMMENT = ": «{comment}»"

ASK_ANSWER = ("✍️ {staff}, напишите ответ на обращение № {number} ответом на это сообщение: текст, фото с "
              "подписью или документы — заявитель получит его сразу.")
ASK_REDIRECT = ("↪️ {staff}, куда перенаправить обращение № {number}? Напишите ИНН, ОГРН или название "
                "организации ответом на это сообщение (/cancel — не перенаправлять).")
REDIRECT_PICK = "Найдено — выберите, куда перенаправить обращение № {number}:"
REDIRECT_NONE = "Организация «{query}» не найдена в реестре. Напишите ИНН, ОГРН или другое название."
REDIRECT_SAME = "Обращение и так адресовано этой организации — выберите другую."
REDIRECT_CANCELLED = "Обращение № {number} не перенаправлено."
REDIRECT_ITSELF = ("{org} (ИНН {inn}) — это ваша организация: обращение № {number} адресовано ей. Перенаправить его "
                   "можно только в другую организацию — напишите её ИНН, ОГРН или название.")
# what became of an appeal a redirect step (a button, a typed name, /cancel) outlived: from the database
REDIRECT_STATE = {
    AppealStatus.redirected: "Обращение № {number} уже перенаправлено в {org}{by}.",
    AppealStatus.answered: "На обращение № {number} уже дан ответ{by} — перенаправить его нельзя.",
    AppealStatus.withdrawn: "Обращение № {number} отозвано заявителем{when} — перенаправить его нельзя.",
    AppealStatus.draft: "Обращение не отправлено.",
}
REDIRECT_STATE_BY = " — {who}, {when}"
REDIRECT_STATE_WHEN = " {when}"
ORG_PROBLEMS = {
    "inn_length": "ИНН — 10 цифр у организации или 12 у ИП. Проверьте и напишите ещё раз.",
    "inn_checksum": "В ИНН ошибка: не сходится контрольная цифра. Проверьте и напишите ещё раз.",
    "ogrn_length": "ОГРН — 13 цифр, ОГРНИП — 15. Проверьте и напишите ещё раз.",
    "ogrn_checksum": "В ОГРН ошибка: не сходится контрольная цифра. Проверьте и напишите ещё раз.",
    "ogrnip_checksum": "В ОГРНИП ошибка: не сходится контрольная цифра. Проверьте и напишите ещё раз.",
    "short_name": "Слишком коротко: напишите хотя бы 3 буквы названия, ИНН или ОГРН.",
}
ORG_PROBLEM_OTHER = "Не понял. Напишите ИНН, ОГРН или название организации."

DONE_TAKEN = "Взято в работу — заявитель получил «На рассмотрении»"
DONE_ANSWERED = "✅ Ответ на обращение № {number} отправлен заявителю."
DONE_ANSWER_PART = "📎 Добавлено к ответу на обращение № {number}."
DONE_REDIRECTED = "↪️ Обращение № {number} перенаправлено: {org}{mailed}. Заявитель уведомлён."
DONE_MAILED = ", письмо отправлено на {email}"
NOT_MAILED = ", письмо не отправлено (нет e-mail или SMTP_URL) — заявитель получил PDF"
TAKEN_ALREADY = "Уже на рассмотрении"
MISSING = "Обращение не найдено."
CLOSED = {
    AppealStatus.withdrawn: "Обращение № {number} отозвано заявителем — ни отвечать на него, ни брать в работу больше нельзя.",
    AppealStatus.redirected: "Обращение № {number} перенаправлено в другую организацию — ни отвечать на него, ни брать в работу здесь больше нельзя.",
    AppealStatus.draft: "Обращение не отправлено.",
}
NOT_TAKEABLE = "Обращение в статусе «{status}» — взять его в работу нельзя."
NOT_REDIRECTABLE = "Обращение в статусе «{status}» — перенаправить его нельзя."
EMPTY_ANSWER = "Ответ пустой: напишите текст или пришлите фото или документ с подписью."
ANSWER_TOO_LONG = "Ответ длиннее {limit} символов — сократите его или приложите документом."
COMMAND_NOT_ANSWER = "Команда в ответ на карточку не отправлена заявителю. Ответ — текстом, фото или документом."
WRONG_FILE = "Этот вид сообщения нельзя приложить к ответу: пришлите текст, фото или документ."
# an answer's file the appeal flow does not take (the residents' list, bot.services.appeals.validate)
ALLOWED_TYPES = ", ".join(e.upper() for e in ALLOWED_EXTENSIONS)
ANSWER_FILE_PROBLEM = {
    FileProblem.type: "такой тип файла к ответу приложить нельзя. Можно: " + ALLOWED_TYPES + ".",
    FileProblem.size: "{size} — больше " + f"{FILE_MAX_BYTES // (1024 * 1024)} МБ.",
    FileProblem.count: f"к ответу уже приложено {FILES_MAX} файлов — это наибольшее число.",
}
ANSWER_FILE_REFUSED = "⚠️ Файл «{name}» не принят, и это сообщение не отправлено заявителю: {why}"
ANSWER_FILE_PHOTO = "фото"

# ------------------------------------------------------------------------------------------- the resident

TOLD_TAKEN = ("🛠 Ваше обращение <b>№ {number}</b> — <b>На рассмотрении</b>.\n"
              "{org} ответит до <b>{due}</b>.")
TOLD_ANSWER = ("✅ <b>Ответ получен</b> на ваше обращение <b>№ {number}</b> ({topic})\n"
               "от {org}, {when}:\n\n<blockquote expandable>{text}</blockquote>{files}\n\n"
               "Оцените ответ в «Собственных обращениях».")
TOLD_ANSWER_FILES = "\n📎 Файлы ответа — ниже."
TOLD_ANSWER_MORE = "\n<i>Продолжение ответа — ниже.</i>"
TOLD_ANSWER_PART = "📎 Ещё к ответу на обращение № {number}:"
TOLD_REDIRECTED = ("↪️ Ваше обращение <b>№ {number}</b> — <b>Перенаправлено</b> по компетенции (ч. 3 ст. 8 "
                   "Закона № 59-ФЗ) в <b>{org}</b>.\n{contacts}{mailed}\n"
                   "Обращение — в PDF ниже: его можно подать и самому в ГИС ЖКХ (dom.gosuslugi.ru → «Направить "
                   "обращение или жалобу»).")
TOLD_EXTERNAL = ("📄 Обращение <b>№ {number}</b>: адресат — <b>{org}</b>. Эта организация не отвечает через "
                 "бота, поэтому в чат УК обращение не попало.\n{contacts}{mailed}\n"
                 "Обращение — в PDF ниже: подайте его в ГИС ЖКХ (dom.gosuslugi.ru → «Направить обращение или "
                 "жалобу»), приложив этот файл, или отнесите адресату. Срок ответа — <b>{due}</b>.")
TOLD_MAILED = "\n📧 Мы отправили его на {email}.\n"
TOLD_NOT_MAILED = ""  # the blank line before «Обращение — в PDF ниже» is the template's
CONTACT_ADDRESS = "Адрес: {v}\n"
CONTACT_PHONE = "Телефон: {v}\n"
CONTACT_EMAIL = "E-mail: {v}\n"

# ------------------------------------------------------------------------------------------- the digest

DIGEST = ("☀️ <b>Обращения на {date}</b>\n"
          "🆕 Новые: <b>{new}</b>\n"
          "🛠 В работе: <b>{in_work}</b>\n"
          "⏰ Срок сегодня: <b>{today}</b>\n"
          "⚠️ Просрочены: <b>{overdue}</b>\n{hint}")
DIGEST_HINT = "\nКнопка с номером — карточка обращения."
DIGEST_EMPTY = "\nОткрытых обращений нет."
DIGEST_MORE = "\n…и ещё {n} — в карточках выше по чату."
DIGEST_MARK = {"overdue": "⚠️", "today": "⏰", "new": "🆕", "in_work": "🛠"}
CARD_REPOSTED = "Карточка обращения № {number} — ниже."

# ------------------------------------------------------------------------------------------- e-mail and PDF

MAIL_SUBJECT = "Обращение № {number}: {topic}"  # the topic is put on one line
MAIL_ANSWER_SUBJECT = "Ответ на обращение № {number}"
MAIL_REDIRECT_NOTE = ("Обращение перенаправлено по компетенции в соответствии с ч. 3 ст. 8 Федерального закона "
                      "от 02.05.2006 № 59-ФЗ организацией {org}.")
MAIL_SKIPPED = "Файл «{name}» ({size}) не вложен в письмо: {why}. {where}"
MAIL_SKIP_WHY = {
    "big": "он больше 20 МБ, а бот получает из Telegram файлы до 20 МБ",
    "total": "почтовый сервер не принял письмо такого размера",
    "failed": "Telegram не отдал его боту",
}
MAIL_WHERE_APPEAL = "Файл хранится в Telegram у заявителя; по запросу на {contact} его направят другим способом."
MAIL_WHERE_ANSWER = "Его можно открыть в чате с ботом в Telegram, в ответе на обращение."
MAIL_ANSWER = ("Здравствуйте, {name}!\n\n"
               "На ваше обращение № {number} от {sent} ({topic}) получен ответ от {org}, {when}:\n\n{text}\n\n"
               "Ответ и файлы к нему — также в чате с ботом в Telegram: «Обращения» → «Собственные обращения».")
MAIL_WITHDRAW_SUBJECT = "Отзыв обращения № {number}"
MAIL_WITHDRAW = ("Заявитель {name} отзывает обращение № {number} от {sent} ({topic}), направленное вам по "
                 "электронной почте.\n\nПричина отзыва: {reason}\n\nОбращение отозвано {when} в чате с ботом.")
MAIL_FOOTER = "Письмо отправлено ботом ГИС ЖКХ в Telegram по обращению гражданина; ответ — на адрес заявителя."

LABEL = {
    "title": "Обращение № {number}",
    "applicant": "ИНФОРМАЦИЯ О ЗАЯВИТЕЛЕ",
    "surname": "Фамилия",
    "first_name": "Имя",
    "patronymic": "Отчество",
    "email": "E-mail",
    "phone": "Номер телефона",
    "appeal": "ИНФОРМАЦИЯ ОБ ОБРАЩЕНИИ",
    "number": "Номер обращения",
    "status": "Статус обращения",
    "created": "Дата создания обращения",
    "sent": "Дата отправки",
    "due": "Ожидаемая дата ответа",
    "topic": "Тема обращения",
    "address": "Адрес дома/территории",
    "premises": "Номер помещения",
    "municipality": "Муниципальное образование",
    "addressee": "Адресат",
    "text": "Текст обращения",
    "files": "Прикрепленные файлы",
    "no_files": "Нет прикрепленных файлов",
    "parent": "Жалоба на ответ по обращению",
    "contacts": "КОНТАКТЫ АДРЕСАТА",
    "org_address": "Адрес",
    "org_phone": "Телефон",
    "org_email": "E-mail",
    "inn": "ИНН / ОГРН",
    "howto": "КАК ПОДАТЬ",
    "none": "Информация не указана",
    "photo": "фото",
}


def _date(d: dt.date | dt.datetime | None) -> str:
    return d.strftime("%d.%m.%Y") if d else "—"


def size(n: int | None) -> str:
    if not n:
        return "размер неизвестен"
    mb = n / (1024 * 1024)
    return f"{mb:.1f} МБ".replace(".", ",") if mb >= 1 else f"{max(1, n // 1024)} КБ"


def status(s: AppealStatus) -> str:
    return STATUS.get(s, s.value)


def _when(local: dt.datetime | None) -> str:
    return local.strftime("%d.%m.%Y %H:%M") if local else ""


def redirect_state(s: Since, local: dt.datetime | None, alert: bool = False) -> str:
    """What became of the appeal: «уже перенаправлено в …», «уже дан ответ», «отозвано», or «не перенаправлено»
    while it can still be redirected. ``local``: when that happened, local time. ``alert``: plain text for a
    callback query's alert (Telegram shows no HTML there), cut to its limit; else HTML, every value escaped."""
    def render(template: str, **values: object) -> str:
        return template.format(**values) if alert else fmt(template, **values)

    template = REDIRECT_STATE.get(s.status)
    if template is None:
        return render(REDIRECT_CANCELLED, number=s.number or "—")
    when = _when(local)
    by = render(REDIRECT_STATE_BY, who=s.by, when=when) if s.by and when else ""
    at = render(REDIRECT_STATE_WHEN, when=when) if when else ""
    out = render(template, number=s.number or "—", org=s.org or "другую организацию", by=by, when=at)
    return out[:ALERT_LIMIT] if alert else out


def answer_file_refused(name: str | None, problem: FileProblem, size_bytes: int | None) -> Html:
    """A staff answer's file refused: which file, why; the types the appeal flow takes are named."""
    return fmt(ANSWER_FILE_REFUSED, name=name or ANSWER_FILE_PHOTO,
               why=ANSWER_FILE_PROBLEM[problem].format(size=size(size_bytes)))


def card(v: AppealView, today: dt.date, sent_local: dt.datetime | None, text_preview: str, cut: bool,
         events: list[Html], note: str | None) -> Html:
    left = ""
    if v.overdue(today):
        left = OVERDUE
    else:
        days = v.working_days_left(today)
        if days is not None:
            left = LEFT_TODAY if days <= 0 else fmt(LEFT, left=plural(days, *LEFT_VERB),
                                                    days=count(days, *WORKING_DAYS))
    body = fmt(CARD, urgent=Html(URGENT) if v.urgent else "", number=v.number or "—", sent=_date(sent_local),
               status=status(v.status), due=_date(v.due_on), left=Html(left), address=v.address or "—",
               premises=fmt(PREMISES, premises=v.premises) if v.premises else "", name=v.full_name or "—",
               phone=show_phone(v.phone) if v.phone else NO_PHONE, email=v.email or NO_EMAIL,
               topic=" ".join(p for p in (v.topic_code if v.topic_code and not (v.topic_entry and v.topic_entry.typed)
                                          else None, v.topic) if p) or "—",
               parent=fmt(PARENT, number=v.parent_number) if v.parent_number else "", text=text_preview,
               cut=Html(CUT) if cut else "", files=fmt(FILES, n=len(v.files)) if v.files else "")
    tail = "\n".join(events)
    out = body.rstrip("\n")
    if tail:
        out += "\n\n" + tail
    if note:
        out += "\n\n" + fmt("💬 {note}", note=note)
    return Html(out)


def contacts(org: OrgItem) -> Html:
    parts = []
    if org.address:
        parts.append(fmt(CONTACT_ADDRESS, v=org.address))
    if org.phone:
        parts.append(fmt(CONTACT_PHONE, v=show_phone(org.phone)))
    if org.email:
        parts.append(fmt(CONTACT_EMAIL, v=org.email))
    return Html("".join(parts))


def digest(date: dt.date, new: int, in_work: int, today: int, overdue: int, more: int) -> Html:
    total = new + in_work
    hint = DIGEST_EMPTY if not total else DIGEST_HINT + (fmt(DIGEST_MORE, n=more) if more else "")
    return fmt(DIGEST, date=_date(date), new=new, in_work=in_work, today=today, overdue=overdue, hint=Html(hint))


def escape_text(value: str) -> Html:
    return escape(value)


def applicant_rows(v: AppealView) -> list[tuple[str, str]]:
    none = LABEL["none"]
    return [(LABEL["surname"], v.surname or none), (LABEL["first_name"], v.first_name or none),
            (LABEL["patronymic"], v.patronymic or none), (LABEL["email"], v.email or none),
            (LABEL["phone"], show_phone(v.phone) if v.phone else none)]


def appeal_rows(v: AppealView, sent_on: dt.date | None, addressee: OrgItem | None) -> list[tuple[str, str]]:
    """Figure 11's «ИНФОРМАЦИЯ ОБ ОБРАЩЕНИИ», as (label, value) rows for the e-mail and the PDF."""
    none = LABEL["none"]
    rows = [(LABEL["number"], v.number or none), (LABEL["status"], status(v.status)),
            (LABEL["sent"], _date(sent_on)), (LABEL["due"], _date(v.due_on)),
            (LABEL["topic"], v.topic or none), (LABEL["address"], v.address or none),
            (LABEL["premises"], v.premises or none), (LABEL["municipality"], v.municipality or none)]
    if addressee is not None:
        rows.append((LABEL["addressee"], f"{addressee.full_name} (ИНН {addressee.inn}, ОГРН {addressee.ogrn})"))
    if v.parent_number:
        rows.append((LABEL["parent"], f"№ {v.parent_number}"))
    return rows


def file_names(files: list) -> list[str]:
    out = []
    for i, f in enumerate(files, 1):
        name = f.file_name or (f"фото-{i}.jpg" if f.kind == "photo" else f"файл-{i}")
        out.append(f"{name} ({size(f.size)})")
    return out
