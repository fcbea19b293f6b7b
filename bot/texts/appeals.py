"""«Направить обращение или жалобу»: the words of the compose dialog (the seed's: «Расширенный поиск», «Другая
тема», «Отменить», «Сохранить», «Отправить», the confirmation and the 59-ФЗ declaration) and its screens."""

from __future__ import annotations

import datetime as dt

from bot.services.appeals import drafts, topics
from bot.services.appeals.validate import (
    FILE_MAX_BYTES,
    FILES_MAX,
    PREMISES_MAX_NUMBER,
    TEXT_MAX,
    TEXT_MIN,
    TOPIC_MAX,
    FileProblem,
    NameProblem,
    OrgIdProblem,
    PremisesProblem,
    TextProblem,
)
from bot.texts.common import phone as fmt_phone
from bot.texts.render import Html, count, escape, fmt, join
from storage.vocab import AppealRoute

TITLE = "Обращения"
FLOW = "Обращение"  # what /cancel calls the dialog (bot/texts/flows.py)

BTN_NEW = "Направить обращение или жалобу"
BTN_MINE = "Собственные обращения"
BTN_OK = "Верно"
BTN_SKIP = "Пропустить"
BTN_BACK = "« Назад"
BTN_SAVE = "Сохранить"
BTN_CANCEL = "Отменить"
BTN_SHARE_PHONE = "📱 Поделиться номером"
BTN_SEARCH_HOUSE = "🔎 Другой дом — найти по адресу"
BTN_OTHER_TOPIC = "Другая тема"
BTN_TOPIC_WHOLE = "{code}. Вся тема целиком — подтема не подходит"
BTN_TOPICS = "« К списку тем"
BTN_ORG_SEARCH = "🔎 Расширенный поиск"
BTN_RETRY = "Искать ещё раз"
BTN_DONE = "Готово"
BTN_CLEAR_TEXT = "Очистить текст"
BTN_CLEAR_FILES = "Убрать файлы"
BTN_NO_FILES = "Без файлов"
BTN_SEND = "Отправить"
BTN_CHANGE = "Изменить"
BTN_TO_REVIEW = "« К обращению"
BTN_YES = "Да"
BTN_NO = "Нет"
BTN_EDIT_DRAFT = "Продолжить"
BTN_DELETE_DRAFT = "Удалить черновик"

STEPS = 9

MENU = (
    "<b>Обращения</b>\n"
    "Обращение или жалоба в управляющую организацию, в жилищную инспекцию (ГЖИ) или ресурсоснабжающую "
    "организацию — с номером и сроком ответа. Ответ придёт в этот чат."
)
MENU_DRAFTS = "\n\nНе отправлено: {drafts}."

# the 59-ФЗ declaration, the seed's words (figures 4 and 11); the review card, the view, the staff card, the e-mail
# and the PDF all show this one, the e-mail after it
DECLARATION = (
    "Прошу считать данное обращение (информационное сообщение) официальным обращением, направленным в соответствии "
    "с Федеральным законом от 02.05.2006 № 59-ФЗ «О порядке рассмотрения обращений граждан Российской Федерации». "
    "В соответствии с ч. 4 ст. 10 Закона № 59-ФЗ ответ на данное обращение прошу направить по моему адресу в "
    "системе (в мой личный кабинет в ГИС ЖКХ), а также по следующему адресу электронной почты:"
)
# what happens to the appeal once sent, by its route: the review card says it before «Отправить» (``route_note``),
# the view of a sent one after the declaration (``answer_way``)
ROUTE_STAFF = "📨 <b>Куда:</b> {org} работает в этом боте — обращение получат сотрудники организации, ответ придёт в этот чат."
ROUTE_STAFF_MAIL = " Копия ответа — на ваш e-mail."
ROUTE_EMAIL = ("📧 <b>Куда:</b> {org} не работает в этом боте — бот отправит обращение на электронную почту адресата "
               "{org_email}, а вам — его PDF. Ответ пришлёт адресат на ваш e-mail, не в этот чат.")
ROUTE_PDF = ("📄 <b>Куда:</b> {org} не работает в этом боте, и бот не может отправить обращение адресату сам. После "
             "отправки вы получите PDF обращения — подайте его сами в ГИС ЖКХ (dom.gosuslugi.ru) или отправьте "
             "адресату по почте. Ответ придёт от адресата, не в этот чат.")
ANSWER_WAY = {
    AppealRoute.staff: "Ответ придёт в этот чат.",
    AppealRoute.email: "Обращение отправлено адресату по электронной почте: ответ придёт от него на указанный "
    "e-mail, не в этот чат.",
    AppealRoute.pdf: "Адресат не работает в этом боте: обращение подаётся ему PDF-файлом (в ГИС ЖКХ или по почте), "
    "ответ придёт от адресата, не в этот чат.",
}
CONFIRM = (
    "Перед отправкой обращения убедитесь в правильности введенных данных. После отправки обращение будет недоступно "
    "для редактирования. Отправить обращение?"
)

# ----------------------------------------------------------------------------------------------- the steps


def step(n: int, title: str) -> str:
    return f"<b>Шаг {n} из {STEPS}. {title}</b>\n"


def ask_name(f: drafts.Fields, parent_number: str | None = None) -> Html:
    head = ""
    if parent_number:
        head = fmt("<b>Жалоба в ГИС ЖКХ (ГЖИ) на ответ по обращению № {n}</b>\n"
                   "Тема, текст и файлы перенесены из того обращения — проверьте и дополните.\n\n", n=parent_number)
    name = " ".join(p for p in (f.surname, f.first_name, f.patronymic) if p)
    if name and not (f.surname and f.first_name):
        body = fmt("Из профиля Telegram: <b>{name}</b> — нужны фамилия и имя.\n\nНапишите фамилию, имя и "
                   "отчество, например «Иванов Иван Иванович».", name=name)
    elif name:
        body = fmt("Фамилия Имя Отчество: <b>{name}</b>\n\nЕсли верно — нажмите «Верно». Иначе напишите фамилию, "
                   "имя и отчество, например «Иванов Иван Иванович».", name=name)
    else:
        body = Html("Напишите фамилию, имя и отчество, например «Иванов Иван Иванович».")
    return Html(head + step(1, "Заявитель") + body)


NAME_PROBLEM = {
    NameProblem.too_few: "Нужны хотя бы фамилия и имя, например «Иванов Иван Иванович».",
    NameProblem.too_many: "Слишком много слов: напишите фамилию, имя и отчество — три слова.",
    NameProblem.not_a_name: "Это не похоже на фамилию, имя и отчество: только буквы, дефис и апостроф.",
}


def ask_phone(f: drafts.Fields) -> Html:
    now = fmt("Сейчас: <b>{p}</b> — нажмите «Верно», чтобы оставить.\n", p=fmt_phone(f.phone)) if f.phone else ""
    return Html(step(2, "Телефон") + now + "Поделитесь номером кнопкой внизу или напишите его, например "
                "«+7 916 123-45-67». Телефон не обязателен — можно «Пропустить».")


BAD_PHONE = "Не понял номер «{text}». Напишите его с кодом, например «+7 916 123-45-67», или нажмите «Пропустить»."
NOT_OWN_CONTACT = "Это чужой контакт. Поделитесь своим номером кнопкой «📱 Поделиться номером» или напишите его."
PHONE_SET = "Телефон: {phone}"
PHONE_SKIPPED = "Телефон не указан."
GOING_BACK = "Возвращаемся на шаг назад."


def ask_email(f: drafts.Fields) -> Html:
    now = fmt("Сейчас: <b>{e}</b> — нажмите «Верно», чтобы оставить.\n", e=f.email) if f.email else ""
    return Html(step(3, "Электронная почта") + now + "Напишите адрес электронной почты для ответа, например "
                "«ivanov@mail.ru». Организации, работающие в этом боте, ответят и в этот чат.")


BAD_EMAIL = "Адрес «{text}» не похож на электронную почту. Напишите его так: «ivanov@mail.ru»."


def ask_house(places: list[drafts.Place], chosen: str | None) -> Html:
    now = fmt("Сейчас: <b>{a}</b>\n", a=chosen) if chosen else ""
    tail = ("Выберите дом кнопкой или напишите улицу и номер дома, например «Бауманская 44»." if places else
            "Напишите улицу и номер дома, например «Бауманская 44».")
    return Html(step(4, "Адрес дома") + now + tail)


HOUSE_SEARCH = step(4, "Адрес дома") + "Напишите улицу и номер дома, например «Бауманская 44»."
HOUSE_FOUND = "Найдено {found}. Выберите дом кнопкой или уточните адрес:"
HOUSE_NOT_FOUND = ("Дом по адресу «{text}» не найден. Проверьте улицу и номер дома и напишите ещё раз, например "
                   "«Бауманская 44».")
HOUSE_NOT_FOUND_MINE = " Или выберите свой дом кнопкой."
HOUSE_BAD_QUERY = "Напишите улицу и номер дома словами, например «Бауманская 44»."


UNLISTED = " (нет в реестре дома)"


def ask_premises(place: drafts.Place, f: drafts.Fields, current: str | None) -> Html:
    lines = [fmt("Дом: <b>{a}</b>", a=place.address)]
    if place.municipality:
        lines.append(fmt("Муниципальное образование: {m}", m=place.municipality))
    if current:
        lines.append(fmt("Сейчас: <b>{p}</b>{u}", p=current, u=UNLISTED if _unlisted(f) else ""))
    tail = ("Выберите помещение кнопкой, напишите номер квартиры или нажмите «Пропустить»." if place.premises else
            "Напишите номер квартиры (помещения) или нажмите «Пропустить», если обращение о доме в целом.")
    return Html(step(5, "Помещение") + join(lines) + "\n\n" + tail)


def _unlisted(f: drafts.Fields) -> bool:
    """A typed number the resident confirmed although the house's registry list does not have it."""
    return bool(f.premises_number) and not f.premises_id


PREMISES_PROBLEM = {
    PremisesProblem.format: "Напишите номер помещения цифрами, например «12», «12А» или «пом. 1» (не длиннее 20 "
    "знаков), или нажмите «Пропустить».",
    PremisesProblem.empty: "Напишите номер помещения после «кв.», например «кв. 12», или нажмите «Пропустить».",
    PremisesProblem.zero: "Помещения с номером 0 не бывает. Напишите номер квартиры, например «12», или нажмите "
    "«Пропустить», если обращение о доме в целом.",
    PremisesProblem.too_big: "Номер «{text}» слишком большой для помещения — в доме не бывает больше "
    f"{PREMISES_MAX_NUMBER} квартир. Проверьте номер и напишите ещё раз.",
}
BAD_PREMISES = PREMISES_PROBLEM[PremisesProblem.format]
PREMISES_KEPT = "Сейчас остаётся: {p}."
PREMISES_UNKNOWN = ("В списке помещений этого дома в реестре ГИС ЖКХ нет «{p}». {listed}\n\n"
                    "Выберите помещение из списка кнопкой или напишите номер ещё раз. Если помещение в реестр ещё не "
                    "внесено (например, дом новый), подтвердите номер: «{confirm}».")
PREMISES_LISTED = "В списке: {items}."
PREMISES_LISTED_NONE = "Помещения этого дома в реестр не внесены."
PREMISES_PAGE = "Помещения дома в реестре ГИС ЖКХ ({n}), страница {page} из {pages}:"
BTN_PREMISES_CONFIRM = "Указать {p} — нет в реестре"
BTN_PREMISES_KEEP = "Оставить «{p}»"
BTN_PREMISES_PREV = "‹ Предыдущие"
BTN_PREMISES_NEXT = "Следующие ›"
LISTED_MAX = 300  # characters of the summary of the house's list


def _flat_number(label: str) -> int | None:
    head, _, number = label.partition(" ")
    return int(number) if head == "кв." and number.isdigit() else None


def premises_summary(labels: list[str]) -> str:
    """The house's list in short: «кв. 1–4, кв. 7, пом. 1» (runs of flats as ranges), «…» past ``LISTED_MAX``."""
    parts: list[str] = []
    run: list[int] = []

    def close() -> None:
        if run:
            parts.append(f"кв. {run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(f"кв. {n}" for n in run))
            run.clear()

    for label in labels:
        n = _flat_number(label)
        if n is not None and (not run or n == run[-1] + 1):
            run.append(n)
            continue
        close()
        if n is not None:
            run.append(n)
        else:
            parts.append(label)
    close()
    out = ", ".join(parts)
    return out if len(out) <= LISTED_MAX else out[:LISTED_MAX].rsplit(",", 1)[0] + ", …"


def premises_unknown(typed: str, labels: list[str], kept: str | None) -> Html:
    """A typed number that is not in the house's list: said so, the list in short, what the step keeps."""
    listed = fmt(PREMISES_LISTED, items=premises_summary(labels)) if labels else Html(PREMISES_LISTED_NONE)
    text = fmt(PREMISES_UNKNOWN, p=typed, listed=listed, confirm=BTN_PREMISES_CONFIRM.format(p=typed))
    return Html(text + ("\n" + fmt(PREMISES_KEPT, p=kept) if kept else ""))


def premises_problem(problem: PremisesProblem, text: str, kept: str | None) -> Html:
    body = fmt(PREMISES_PROBLEM[problem], text=text)
    return Html(body + (" " + fmt(PREMISES_KEPT, p=kept) if kept else ""))


def premises_page(n: int, page: int, pages: int) -> Html:
    return fmt(PREMISES_PAGE, n=n, page=page + 1, pages=pages)


def ask_topic(parent: topics.Topic | None, current: str | None = None) -> Html:
    if parent is None:
        now = fmt("Сейчас: <b>{c}</b> — нажмите «Верно», чтобы оставить.\n", c=current) if current else ""
        return Html(step(6, "Тема обращения") + now + "Внимательно выберите тему. Если ни одна не подходит — "
                    "«Другая тема».")
    return Html(step(6, "Тема обращения") + fmt("<b>{c}. {t}</b>\nВыберите подтему:", c=parent.code,
                                                  t=parent.title))


ASK_CUSTOM_TOPIC = step(6, "Тема обращения") + f"Напишите название темы одной строкой (до {TOPIC_MAX} символов)."
BAD_CUSTOM_TOPIC = f"Название темы — одной строкой, от 1 до {TOPIC_MAX} символов. Сейчас: {{n}}."


def emergency(topic: topics.Topic, dispatcher: str | None, manager: str | None) -> Html:
    lines = [fmt("⚠️ <b>{t}</b> — это авария: звоните сразу, не дожидаясь ответа на обращение.", t=topic.title)]
    if topic.gas:
        lines.append(Html("Запах газа: <b>104</b> — аварийная газовая служба, <b>112</b> — единый номер "
                          "экстренных служб. Не включайте свет и электроприборы, откройте окна, выйдите из "
                          "помещения."))
    if dispatcher:
        lines.append(fmt("Аварийно-диспетчерская служба{org}: <b>{p}</b>",
                         org=f" ({manager})" if manager else "", p=fmt_phone(dispatcher)))
    elif not topic.gas:
        lines.append(Html("Единый номер экстренных служб: <b>112</b>."))
    lines.append(Html("Обращение будет отмечено как срочное."))
    return join(lines)


def ask_addressee(default: drafts.OrgItem | None, chosen: drafts.OrgItem | None) -> Html:
    now = fmt("Сейчас: <b>{n}</b>\n", n=chosen.name) if chosen else ""
    hint = fmt("По этой теме обычно отвечает: {n}.\n", n=default.name) if default and not chosen else ""
    return Html(step(7, "Адресат обращения") + now + hint + "Выберите адресата. Если нужного нет — "
                "«Расширенный поиск» по названию, ИНН или ОГРН.")


ASK_ORG = step(7, "Расширенный поиск") + "Напишите название организации, её ИНН (10 или 12 цифр) или ОГРН (13 цифр)."
ORG_PROBLEM = {
    OrgIdProblem.inn_length: "В ИНН 10 цифр (у организации) или 12 (у предпринимателя), в ОГРН — 13, в ОГРНИП — 15. "
    "Проверьте число цифр.",
    OrgIdProblem.inn_checksum: "ИНН {text} введён с ошибкой: не сходится контрольная цифра. Проверьте номер.",
    OrgIdProblem.ogrn_checksum: "ОГРН {text} введён с ошибкой: не сходится контрольная цифра. Проверьте номер.",
    OrgIdProblem.ogrnip_checksum: "ОГРНИП {text} введён с ошибкой: не сходится контрольная цифра. Проверьте номер.",
    OrgIdProblem.short_name: "Для поиска по названию напишите хотя бы 3 буквы.",
}
ORG_NOT_FOUND = "Организация «{text}» не найдена. Попробуйте другое название, ИНН или ОГРН."
ORG_FOUND = "Найдено {found}. Выберите адресата:"


def ask_text(current: str) -> Html:
    n = len(current.strip())
    now = f"Сейчас в тексте {count(n, 'символ', 'символа', 'символов')}. Допишите или нажмите «Готово».\n" if n else ""
    return Html(step(8, "Текст обращения") + now + f"Напишите вопросы к адресату: от {TEXT_MIN} до "
                f"{TEXT_MAX:_} символов".replace("_", "\u00a0") + ". Длинный текст можно прислать несколькими "
                "сообщениями, затем нажмите «Готово».")


def text_taken(n: int) -> str:
    return (f"Принято. В тексте {count(n, 'символ', 'символа', 'символов')} из {TEXT_MAX:_}".replace("_", "\u00a0")
            + ". Допишите или нажмите «Готово».")


def text_too_long(total: int) -> str:
    return (f"С этим сообщением текст был бы {count(total, 'символ', 'символа', 'символов')} — больше "
            f"{TEXT_MAX:_}".replace("_", "\u00a0") + ". Это сообщение не добавлено: сократите его.")


TEXT_PROBLEM = {
    TextProblem.too_short: f"Текст слишком короткий: нужно хотя бы {TEXT_MIN} символов. Сейчас: {{n}}.",
    TextProblem.too_long: f"Текст слишком длинный: не больше {TEXT_MAX:_}".replace("_", "\u00a0")
    + " символов. Сейчас: {n}.",
}
TEXT_CLEARED = "Текст очищен. Напишите его заново."
TEXT_ONLY = "На этом шаге нужен текст обращения. Файлы — на следующем шаге."


def ask_files(f: drafts.Fields) -> Html:
    now = (f"Прикреплено: {count(len(f.files), 'файл', 'файла', 'файлов')} из {FILES_MAX}.\n" if f.files else "")
    return Html(step(9, "Файлы") + now + "Пришлите фото или документы (PDF, RTF, doc, docx, xls, xlsx, JPEG, JPG, "
                f"TIFF), каждый не больше {FILE_MAX_BYTES // (1024 * 1024)} МБ, всего не больше {FILES_MAX}. Затем "
                "«Готово». Файлы не обязательны — «Без файлов».")


def file_taken(name: str, n: int) -> Html:
    return fmt("Файл «{name}» прикреплён ({n} из {max}).", name=name, n=n, max=FILES_MAX)


FILE_PROBLEM = {
    FileProblem.type: "Файл «{name}» не принят: такой тип файла нельзя прикрепить. Можно PDF, RTF, doc, docx, xls, "
    "xlsx, JPEG, JPG, TIFF.",
    FileProblem.size: "Файл «{name}» не принят: {size} — больше " + f"{FILE_MAX_BYTES // (1024 * 1024)} МБ.",
    FileProblem.count: "Файл «{name}» не принят: уже прикреплено " + f"{FILES_MAX} файлов — это наибольшее число.",
}
FILES_ONLY = "На этом шаге ждём фото или документы. Когда всё прислали — «Готово», без файлов — «Без файлов»."
FILES_CLEARED = "Файлы убраны. Пришлите нужные заново или нажмите «Без файлов»."
PHOTO_NAME = "фото {n}"


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " МБ"


# ----------------------------------------------------------------------------------------------- the card

FIELD_NAMES = {
    "name": "Заявитель",
    "phone": "Телефон",
    "email": "Электронная почта",
    "house": "Адрес дома",
    "premises": "Помещение",
    "topic": "Тема",
    "addressee": "Адресат",
    "text": "Текст",
    "files": "Файлы",
}
MISSING_NAMES = {
    drafts.Missing.name: "фамилия и имя заявителя",
    drafts.Missing.email: "электронная почта",
    drafts.Missing.house: "адрес дома",
    drafts.Missing.topic: "тема",
    drafts.Missing.addressee: "адресат",
    drafts.Missing.text: f"текст (от {TEXT_MIN} символов)",
}
NOT_SET = "не указано"


def route_note(route: AppealRoute, org: drafts.OrgItem, answer_mailed: bool) -> Html:
    """What will happen to the appeal once sent, true to its route; ``answer_mailed``: the bot e-mails the staff's
    answer to the applicant too (SMTP set, an e-mail given)."""
    if route is AppealRoute.staff:
        return Html(fmt(ROUTE_STAFF, org=org.name) + (ROUTE_STAFF_MAIL if answer_mailed else ""))
    if route is AppealRoute.email:
        return fmt(ROUTE_EMAIL, org=org.name, org_email=org.email or "")
    return fmt(ROUTE_PDF, org=org.name)


def answer_way(route: AppealRoute | None) -> str:
    """After the declaration in the view: where the answer comes from (nothing for a draft)."""
    return ANSWER_WAY.get(route, "") if route else ""


def review(f: drafts.Fields, place: drafts.Place | None, premises: str | None, org: drafts.OrgItem | None,
           parent_number: str | None, draft_saved: bool, route: Html | None = None) -> Html:
    """The card before «Отправить»; ``route``: what will happen once it is sent (``route_note``), up front."""
    t = f.topic
    name = " ".join(p for p in (f.surname, f.first_name, f.patronymic) if p)
    lines: list[str] = [Html("<b>Обращение — проверьте перед отправкой</b>")]
    if t is not None and t.emergency:
        lines.append(Html("⚠️ <b>Срочное</b> — аварийная тема"))
    if parent_number:
        lines.append(fmt("Жалоба на ответ по обращению № {n}", n=parent_number))
    if route:
        lines += [Html(""), route]
    lines += [
        Html(""),
        fmt("<b>Заявитель:</b> {v}", v=name or NOT_SET),
        fmt("<b>Телефон:</b> {v}", v=fmt_phone(f.phone) if f.phone else NOT_SET),
        fmt("<b>Электронная почта:</b> {v}", v=f.email or NOT_SET),
        fmt("<b>Адрес дома:</b> {v}", v=place.address if place else NOT_SET),
        fmt("<b>Помещение:</b> {v}{u}", v=premises or NOT_SET, u=UNLISTED if premises and _unlisted(f) else ""),
    ]
    if place and place.municipality:
        lines.append(fmt("<b>Муниципальное образование:</b> {v}", v=place.municipality))
    topic = f"{t.code}. {f.topic_title}" if t and not t.typed else (f"Другая тема: {f.custom_topic}"
                                                                    if t and f.custom_topic else None)
    lines += [
        fmt("<b>Тема:</b> {v}", v=topic or NOT_SET),
        fmt("<b>Адресат:</b> {v}", v=org.name if org else NOT_SET),
    ]
    text = f.text.strip()
    if text:
        shown = text if len(text) <= 1500 else text[:1500].rstrip() + " …"
        lines.append(fmt("<b>Текст</b> ({n}):\n{v}", n=count(len(text), "символ", "символа", "символов"), v=shown))
    else:
        lines.append(fmt("<b>Текст:</b> {v}", v=NOT_SET))
    if f.files:
        names = ", ".join(_short(x.file_name or PHOTO_NAME.format(n=i + 1)) for i, x in enumerate(f.files))
        lines.append(fmt("<b>Файлы</b> ({n}): {v}", n=len(f.files), v=names))
    else:
        lines.append(Html("<b>Файлы:</b> нет"))
    lines += [Html(""), fmt("{d} {email}", d=DECLARATION, email=f.email or NOT_SET)]
    gaps = drafts.missing(f)
    if gaps:
        lines += [Html(""), fmt("Не заполнено: {v}.", v=", ".join(MISSING_NAMES[g] for g in gaps))]
    if draft_saved:
        lines.append(Html("\n<i>Черновик сохранён в «Не отправлено».</i>"))
    return join(lines)


def _short(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def incomplete(gaps: list[drafts.Missing]) -> str:
    return ("Обращение нельзя отправить: не заполнено — " + ", ".join(MISSING_NAMES[g] for g in gaps)
            + ". Нажмите «Изменить» и заполните.")


CHANGE = "Что изменить?"
SAVED = "Черновик сохранён в «Собственные обращения» → «Не отправлено». Продолжить можно в любой момент."
SAVE_GONE = "Этот черновик уже отправлен или удалён на другом устройстве. Сохранён новый черновик."
CANCELLED_DRAFT = "{flow}: отменено. Черновик остался в «Не отправлено» таким, каким был сохранён."
CANCELLED = "{flow}: отменено. Введённые данные удалены, ничего не сохранено."
SEND_GONE = "Это обращение уже отправлено или удалено на другом устройстве — повторно оно не отправлено."
SEND_STALE = "Дом или адресат пропали из реестра, пока вы писали. Выберите их заново: «Изменить»."
NOT_YOUR_DRAFT = "Черновик не найден: он уже отправлен, удалён или принадлежит другому жителю."
DRAFT_OPENED = "Черновик открыт. Проверьте и отправьте или измените."
ASK_DELETE = "Удалить черновик?"
DELETED = "Черновик удалён."
NOT_DELETED = "Черновик оставлен в «Не отправлено»."


def sent(s: drafts.Sent, org: drafts.OrgItem | None, state_body: bool, days: int) -> Html:
    lines = [Html("✅ <b>Отправлено</b>"),
             fmt("Обращение <b>№ {n}</b> от {d:%d.%m.%Y}", n=s.number, d=s.sent_on)]
    if s.urgent:
        lines.append(Html("⚠️ Срочное"))
    if org is not None:
        lines.append(fmt("Адресат: {n}", n=org.name))
    if state_body:
        wording = f"30 дней после регистрации ({count(days, 'день', 'дня', 'дней')} с учётом регистрации)"
    else:
        wording = count(days, "рабочий день", "рабочих дня", "рабочих дней")
    lines.append(fmt("Ответ ожидается до <b>{d:%d.%m.%Y}</b> — {w}.", d=s.due_on, w=wording))
    return join(lines)


def delivered(route: str, org: drafts.OrgItem | None) -> Html:
    name = org.name if org else ""
    if route == "staff":
        return fmt("Обращение передано в {n}. Ответ придёт в этот чат.", n=name)
    if route == "email":
        return fmt("{n} не работает в этом боте: обращение направлено на электронную почту адресата {e}. Ниже — "
                   "PDF обращения с контактами адресата.", n=name, e=(org.email if org else "") or "")
    lines = [fmt("{n} не работает в этом боте. Ниже — PDF обращения: подайте его в ГИС ЖКХ (dom.gosuslugi.ru) "
                 "или отправьте адресату.", n=name)]
    if org is not None:
        contacts = [c for c in (org.email, fmt_phone(org.phone) if org.phone else None, org.address) if c]
        if contacts:
            lines.append(fmt("Контакты адресата: {c}", c="; ".join(contacts)))
    return join(lines)


def menu(drafts_n: int) -> Html:
    if drafts_n:
        return Html(MENU + escape(MENU_DRAFTS.format(drafts=count(drafts_n, "черновик", "черновика",
                                                                    "черновиков"))))
    return Html(MENU)


FOLLOWUP_DEMAND = "Ответ меня не устраивает: вопрос не решён. Прошу провести проверку."
FOLLOWUP_NO_ANSWER = "Ответа не получено."
FOLLOWUP_QUOTE = "Текст обращения: "
FOLLOWUP_TEXT_CUT = "(текст обращения сокращён; полностью — в обращении № {number})"
FOLLOWUP_ANSWER_CUT = "(ответ сокращён; полностью — в обращении № {number})"
FOLLOWUP_QUOTE_MIN = 300  # characters of the appeal's text kept when even the answer has to be shortened


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, «…» included, cut at a line or a word when one is near."""
    if len(text) <= limit:
        return text
    part = text[:max(limit - 1, 0)]
    at = max(part.rfind("\n"), part.rfind(" "))
    if at > len(part) * 0.6:
        part = part[:at]
    return part.rstrip() + "…"


def followup_text(parent_number: str, sent_on: dt.date | None, addressee: str | None, answer: str | None,
                  answered_on: dt.date | None, text: str, limit: int = TEXT_MAX) -> tuple[str, bool]:
    """The text of a complaint to the ГЖИ about an answer (plain text: it is the appeal's own text) and whether it
    had to be shortened. It always keeps what it is about (the appeal's number and date), the answer and the
    demand; over ``limit`` the quoted appeal gives way first (with «…» and where to read it whole), and only when
    the answer alone is too long is it shortened too."""
    head = f"Жалоба на ответ по обращению № {parent_number}"
    if sent_on:
        head += f" от {sent_on:%d.%m.%Y}"
    if addressee:
        head += f" в {addressee}"
    head += "."
    answer_label = f"Ответ{f' от {answered_on:%d.%m.%Y}' if answered_on else ''}: "
    original, answered = text.strip(), (answer or "").strip()

    def whole(quote: str, ans: str) -> str:
        return "\n\n".join([head, FOLLOWUP_QUOTE + quote, answer_label + ans if answer else FOLLOWUP_NO_ANSWER,
                             FOLLOWUP_DEMAND])

    full = whole(original, answered)
    if len(full) <= limit:
        return full, False
    text_cut = "\n" + FOLLOWUP_TEXT_CUT.format(number=parent_number)
    room = limit - len(whole("", answered)) - len(text_cut)
    if room >= min(FOLLOWUP_QUOTE_MIN, len(original)):
        return whole(_shorten(original, room) + text_cut, answered), True
    quote = original if len(original) <= FOLLOWUP_QUOTE_MIN else _shorten(original, FOLLOWUP_QUOTE_MIN) + text_cut
    answer_cut = "\n" + FOLLOWUP_ANSWER_CUT.format(number=parent_number)
    room = limit - len(whole(quote, "")) - len(answer_cut)
    return whole(quote, _shorten(answered, max(room, 1)) + answer_cut), True


FOLLOWUP_SHORTENED = ("Текст обращения № {number} в жалобе сокращён, чтобы она уместилась в {max} символов; ответ "
                      "и требование провести проверку сохранены.")
FOLLOWUP_FILES_LEFT_OUT = ("Прикрепить можно не больше {max} файлов: файлы ответа перенесены первыми, не вошли "
                           "{what}. Они остались в обращении № {number}.")
FOLLOWUP_FROM_APPEAL = "из обращения — {names}"
FOLLOWUP_FROM_ANSWER = "из ответа — {names}"


def _left_out_name(x: drafts.LeftOut) -> str:
    if x.ref.file_name:
        return f"«{_short(x.ref.file_name)}»"
    return PHOTO_NAME.format(n=x.position)


def followup_note(parent_number: str, shortened: bool, left_out: tuple[drafts.LeftOut, ...] | list) -> Html | None:
    """What the prefilling of a complaint had to leave out, said before its card (None when nothing was)."""
    lines: list[Html] = []
    if shortened:
        lines.append(fmt(FOLLOWUP_SHORTENED, number=parent_number, max=f"{TEXT_MAX:_}".replace("_", "\u00a0")))
    if left_out:
        groups = []
        for from_answer, words in ((False, FOLLOWUP_FROM_APPEAL), (True, FOLLOWUP_FROM_ANSWER)):
            names = [_left_out_name(x) for x in left_out if x.from_answer is from_answer]
            if names:
                groups.append(fmt(words, names=", ".join(names)))
        lines.append(fmt(FOLLOWUP_FILES_LEFT_OUT, max=FILES_MAX, what=Html("; ".join(groups)),
                         number=parent_number))
    return join(lines) if lines else None


STEP_HINTS = {
    "name": "Обращение, шаг 1: нажмите «Верно» или напишите фамилию, имя и отчество.",
    "phone": "Обращение, шаг 2: поделитесь номером кнопкой внизу, напишите его или нажмите «Пропустить».",
    "email": "Обращение, шаг 3: напишите адрес электронной почты, например «ivanov@mail.ru».",
    "house": "Обращение, шаг 4: выберите дом кнопкой или напишите улицу и номер дома.",
    "premises": "Обращение, шаг 5: выберите помещение, напишите номер квартиры или нажмите «Пропустить».",
    "topic": "Обращение, шаг 6: выберите тему кнопкой.",
    "custom_topic": "Обращение, шаг 6: напишите название темы одной строкой.",
    "addressee": "Обращение, шаг 7: выберите адресата кнопкой или нажмите «Расширенный поиск».",
    "org_search": "Обращение, шаг 7: напишите название, ИНН или ОГРН организации.",
    "text": "Обращение, шаг 8: напишите текст обращения и нажмите «Готово».",
    "files": "Обращение, шаг 9: пришлите фото или документы, затем «Готово», или нажмите «Без файлов».",
    "review": "Обращение: нажмите «Отправить», «Сохранить», «Изменить» или «Отменить».",
    "change": "Обращение: выберите кнопкой, что изменить.",
    "confirm": "Обращение: нажмите «Да», чтобы отправить, или «Нет», чтобы вернуться.",
    "delete": "Удалить черновик? Нажмите «Да» или «Нет».",
}
