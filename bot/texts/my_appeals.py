"""«Собственные обращения»: the list, the view (the seed's figure 11), withdrawing, the rating, «Вернуть в работу»,
and the «Написать обращение» button other flows' dead ends show. Every value goes through ``fmt``."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable

from bot.services.appeals import mine
from bot.services.appeals.mine import Filter, Outcome
from bot.services.appeals.views import AppealView, ChangeView
from bot.texts.appeals import DECLARATION, UNLISTED, answer_way
from bot.texts.common import number as number_text
from bot.texts.common import phone as phone_text
from bot.texts.render import Html, count, escape, fmt, join
from bot.texts.vocab import APPEAL_RATING, APPEAL_STATUS
from storage.vocab import AppealRating, AppealRoute, AppealStatus

ToLocal = Callable[[dt.datetime], dt.datetime]

TITLE = "Собственные обращения"
TEXT_LIMIT = 3900  # what one message carries, under Telegram's 4 096 (plain text after the HTML is parsed)

RETURNED = "Возвращено в работу"
RATING = APPEAL_RATING
FILTER_NAMES = {
    Filter.all: "Все",
    **{Filter(s.value): w for s, w in APPEAL_STATUS.items()},
    Filter.overdue: "Просроченные",
}


# buttons
BTN_FILTER = "Статус: {name}"
BTN_SEARCH = "🔎 Найти по номеру"
BTN_ALL = "Показать все"
BTN_OPEN = "№ {number} · {topic}"
BTN_DRAFT = "📝 Черновик от {date}"
BTN_DRAFT_EDIT = "✏️ Изменить"
BTN_DRAFT_DELETE = "🗑 Удалить"
BTN_NEW = "Направить обращение или жалобу"
BTN_TO_LIST = "« К списку обращений"
BTN_TO_APPEAL = "« К обращению"
BTN_TEXT = "Показать текст полностью"
BTN_FILES = "Показать файлы ({n})"
BTN_ANSWERS = "Ответы на обращение ({n})"
BTN_HISTORY = "Изменения по обращению"
BTN_WITHDRAW = "Отозвать обращение"
BTN_KEEP = "Не отзывать"
BTN_REOPEN = "Вернуть в работу"
BTN_COMPLAIN = "Подать жалобу в ГЖИ"
BTN_WRITE = "✍️ Написать обращение"

# the list
LIST_HEAD = "<b>Собственные обращения</b>"
LIST_SHOWN = "Статус: <b>{flt}</b> · {total}"
LIST_SHOWN_PAGES = "Статус: <b>{flt}</b> · {total} · страница {page} из {pages}"
LIST_QUERY = "Поиск по номеру: <b>{query}</b>"
LIST_EMPTY = "У вас пока нет обращений. Нажмите «Направить обращение или жалобу», чтобы написать первое."
LIST_NONE_FILTER = "Обращений со статусом «{flt}» нет."
LIST_NONE_QUERY = "Обращение с номером «{query}» не найдено."
ROW = "{n}. <b>{head}</b>\n   {topic}\n   {status} · {date}{address}{overdue}"
ROW_NUMBER = "№ {number}"
ROW_DRAFT = "Черновик"
ROW_NO_TOPIC = "тема не выбрана"
ROW_SENT = "{date}"
ROW_CREATED = "создано {date}"
ROW_OVERDUE = "\n   ⚠️ <b>Просрочено</b>: ответ ждали до {date}"
FILTERS_ASK = "Какие обращения показать?"
SEARCH_ASK = (
    "Напишите номер обращения — целиком, например <i>2026-000123</i>, или только последние цифры: <i>123</i>."
)
SEARCH_BAD = (
    "Это не похоже на номер обращения. Напишите его цифрами, например <i>2026-000123</i> или <i>123</i>."
)

# the view (figure 11)
VIEW = (
    "<b>Просмотр обращения{number}</b>\n\n"
    "<b>ИНФОРМАЦИЯ О ЗАЯВИТЕЛЕ</b>\n"
    "Фамилия: {surname}\n"
    "Имя: {first_name}\n"
    "Отчество: {patronymic}\n"
    "E-mail: {email}\n"
    "Номер телефона: {phone}\n\n"
    "<i>{declaration}</i>\n"
    "<b>{email}</b>\n"
    "{declaration_bot}\n"
    "<b>ИНФОРМАЦИЯ ОБ ОБРАЩЕНИИ</b>\n"
    "Номер обращения: {number_plain}\n"
    "Статус обращения: <b>{status}</b>\n"
    "Дата создания обращения: {created}\n"
    "{sent}"
    "{due}"
    "Адрес дома/территории: {address}\n"
    "Номер помещения: {premises}\n"
    "Муниципальное образование: {municipality}\n"
    "Тема обращения: {topic}\n"
    "Адресат обращения: {addressee}\n"
    "{parent}"
    "Текст обращения:\n{text}\n"
    "Прикрепленные файлы: {files}\n"
    "{answers}"
    "{rating}"
)
NOT_GIVEN = "Информация не указана"
NO_FILES = "Нет прикрепленных файлов"
VIEW_SENT = "Дата отправки обращения: {date}\n"
VIEW_DUE = "Ожидаемая дата ответа: <b>{date}</b> ({left})\n"
VIEW_DUE_DONE = "Ожидаемая дата ответа: {date}\n"
DUE_LEFT = "осталось {n}"
DUE_TODAY = "срок истекает сегодня"
DUE_OVERDUE = "⚠️ <b>просрочено</b> на {n}"
WORKING_DAYS = ("рабочий день", "рабочих дня", "рабочих дней")
FILES = ("файл", "файла", "файлов")
ANSWERS = ("ответ", "ответа", "ответов")
VIEW_PARENT = "Жалоба на ответ по обращению: № {number}\n"
VIEW_TEXT_CUT = "…\n<i>(текст сокращён — «Показать текст полностью»)</i>"
VIEW_NO_ANSWERS = "\n<b>Ответы на обращение</b>: ответа пока нет\n"
VIEW_ANSWERS = "\n<b>Ответы на обращение</b>: {count}\n{last}"
VIEW_ANSWER_LAST = "{when}, {author}:\n{text}\n"
VIEW_RATING = "\nВаша оценка ответа: <b>{rating}</b>\n"
VIEW_RATE_ASK = "\nОцените ответ: решён ли ваш вопрос?\n"
VIEW_REOPEN_UNTIL = "Вернуть обращение в работу можно до {date}.\n"
VIEW_WITHDRAWN = "\nОбращение отозвано {date}. Причина: {reason}\n"

# the text, files, answers and history on request
FULL_TEXT_HEAD = "<b>Текст обращения{number}</b>{part}\n\n"
PART = " (часть {n} из {total})"
FILES_HEAD = "Файлы обращения{number}: {count}"
FILES_NONE = "У этого обращения нет прикрепленных файлов."
FILES_FAILED = "Не удалось отправить файлы: Telegram их больше не выдаёт. Их можно запросить у организации."
ANSWER_HEAD = "<b>Ответ на обращение{number}</b>{part}\n{when}, {author}\n\n"
ANSWER_FILES = "Файлы ответа: {count}"
ANSWERS_NONE = "Ответа на это обращение пока нет."
HISTORY_HEAD = "<b>Изменения по обращению{number}</b>{part}\n"
HISTORY_LINE = "\n{when} — <b>{status}</b>{who}{comment}"
HISTORY_COMMENT = "\n   {comment}"
HISTORY_BY_YOU = " (вы)"
HISTORY_BY = " ({name})"
HISTORY_EMPTY = "\nИзменений пока нет: обращение не отправлено."
AUTHOR_DEFAULT = "управляющая организация"

# withdraw
WITHDRAW_ASK = (
    "Отозвать обращение{number}?\n\n"
    "Напишите, почему вы его отзываете (например, «вопрос решён, спасибо»). После этого обращение получит статус "
    "«Отозвано», и организация перестанет его рассматривать."
)
# e-mailed by the bot: the bot e-mails the withdrawal to the same address
WITHDRAW_ASK_EMAILED = (
    "Отозвать обращение{number}?\n\n"
    "Напишите, почему вы его отзываете (например, «вопрос решён, спасибо»). После этого обращение получит статус "
    "«Отозвано», а бот отправит адресату — {org} — письмо об отзыве с вашей причиной на {email}, куда отправлял "
    "обращение."
)
# the resident's PDF: the bot cannot tell its addressee
WITHDRAW_ASK_OUTSIDE = (
    "Отозвать обращение{number}?\n\n"
    "Напишите, почему вы его отзываете (например, «вопрос решён, спасибо»). После этого обращение получит статус "
    "«Отозвано» в боте. {org} получает обращения не через бота, поэтому сообщить об отзыве в организацию нужно "
    "будет самостоятельно."
)
NOTE_BAD = "Нужен текст от {min} до {max} символов. Напишите ещё раз."
# the staff chat of the organization that runs the bot: its card shows the withdrawal and the reason
WITHDRAWN_OK = "Обращение{number} отозвано. Организация получит об этом сообщение."
# e-mailed by the bot: the withdrawal is e-mailed to the same address …
WITHDRAWN_MAILED = (
    "Обращение{number} отозвано. Адресату — {org} — бот отправил письмо об отзыве на {email}. Если вы подавали "
    "PDF обращения в ГИС ЖКХ или относили его адресату, отзовите обращение и там."
)
# … unless the letter could not go (no SMTP any more, the server refused)
WITHDRAWN_NOT_MAILED = (
    "Обращение{number} отозвано в боте, но письмо об отзыве на {email} отправить не удалось. Сообщите об отзыве "
    "адресату — {org} — сами, например письмом на {email}. Если вы подавали PDF обращения в ГИС ЖКХ или относили "
    "его адресату, отзовите обращение и там."
)
# the resident's PDF: the resident filed it themselves
WITHDRAWN_PDF = (
    "Обращение{number} отозвано в боте. {org} не работает в этом боте и об отзыве от него не узнает — сообщите "
    "об отзыве в организацию сами, тем же способом, каким отправляли обращение (в ГИС ЖКХ, по почте или лично)."
)
ADDRESSEE_DEFAULT = "Организация"
REFUSAL = {
    Outcome.not_found: "Это обращение не найдено среди ваших.",
    Outcome.draft: "Это обращение ещё не отправлено — его можно изменить или удалить.",
    Outcome.answered: "На это обращение уже получен ответ — отозвать его нельзя. Если вопрос не решён, "
    "оцените ответ «Не решён» и верните обращение в работу или подайте жалобу в ГЖИ.",
    Outcome.withdrawn: "Это обращение уже отозвано.",
    Outcome.redirected: "Обращение перенаправлено в другую организацию — она и ответит на него. "
    "Отозвать его здесь нельзя.",
    Outcome.not_answered: "Ответа на это обращение пока нет.",
    Outcome.too_late: "Прошло больше 30 дней после ответа — вернуть обращение в работу уже нельзя. "
    "Можно написать новое обращение или подать жалобу в ГЖИ.",
    Outcome.rated_otherwise: "Ответ оценён иначе, чем «Не решён», — вернуть обращение в работу нельзя. Если "
    "вопрос не решён, сначала оцените ответ «Не решён».",
}

# rating and reopen
RATED = "Спасибо! Ваша оценка: «{rating}»."
RATED_UNSOLVED = (
    "Жаль, что вопрос не решён. Вы можете вернуть обращение в работу с комментарием (до {until}) или подать "
    "жалобу в государственную жилищную инспекцию."
)
RATED_UNSOLVED_LATE = (
    "Жаль, что вопрос не решён. Прошло больше 30 дней после ответа, поэтому вернуть обращение в работу нельзя — "
    "подайте жалобу в государственную жилищную инспекцию."
)
REOPEN_ASK = (
    "Вернуть обращение{number} в работу?\n\n"
    "Напишите, что осталось нерешённым — комментарий получит организация вместе с обращением."
)
REOPENED = "Обращение{number} возвращено в работу — статус «На рассмотрении». Ожидаемая дата ответа: <b>{due}</b>."

# an old «Вернуть в работу» / «Подать жалобу в ГЖИ» (offered after «Не решён») pressed after the rating changed
# (an alert: at most 200 characters)
RATED_OTHERWISE = ("Оценка ответа теперь — «{rating}». Кнопка «{button}» действует только при оценке «Не решён»: "
                   "если вопрос не решён, сначала оцените ответ «Не решён».")

# notes under the staff card (plain text: the card's renderer escapes it); the applicant as the appeal names them,
# no verb that needs a gender
NOTE_APPLICANT = "Заявитель {name}"
NOTE_APPLICANT_UNNAMED = "Заявитель"
NOTE_WITHDRAWN = "{who}: обращение отозвано. Причина: {reason}"
NOTE_RATED = "{who}: ответ оценён — «{rating}»"
NOTE_REOPENED = "{who}: обращение возвращено в работу. Комментарий: {comment}"



# --------------------------------------------------------------------------------------------- helpers


def date(d: dt.date | dt.datetime) -> str:
    return f"{d:%d.%m.%Y}"


def moment(t: dt.datetime, to_local: ToLocal) -> str:
    return f"{to_local(t):%d.%m.%Y %H:%M}"


def number_suffix(number: str | None) -> str:
    return f" № {number}" if number else ""


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` characters (UTF-16, as Telegram counts) of ``text``, cut at a line or word boundary when
    one is near; (the part, whether it was cut)."""
    if _utf16(text) <= limit:
        return text, False
    part = text[:limit]
    while _utf16(part) > limit:
        part = part[:-1]
    for sep in ("\n", " "):
        at = part.rfind(sep)
        if at > limit * 0.6:
            part = part[:at]
            break
    return part.rstrip(), True


def chunks(text: str, limit: int) -> list[str]:
    """The whole ``text`` in pieces of at most ``limit`` characters, split at line or word boundaries."""
    out = []
    rest = text
    while rest:
        part, was_cut = cut(rest, limit)
        if not part:  # nothing but separators left
            break
        out.append(part)
        rest = rest[len(part):].lstrip() if was_cut else ""
    return out or [""]


_TAG = re.compile(r"<[^>]*>")


def plain_len(fragment: str) -> int:
    """What Telegram counts of an HTML message: the text without its tags, entities decoded."""
    return _utf16(html.unescape(_TAG.sub("", fragment)))


def status_word(v: AppealView | mine.Row) -> str:
    return APPEAL_STATUS[v.status]


# --------------------------------------------------------------------------------------------- the list


def list_screen(ol: mine.OwnList, to_local: ToLocal) -> Html:
    flt_name = FILTER_NAMES[ol.flt]
    parts: list[Html | str] = [Html(LIST_HEAD)]
    if ol.counts[Filter.all] == 0:
        return join([*parts, LIST_EMPTY], "\n\n")
    if ol.query:
        parts.append(fmt(LIST_QUERY, query=ol.query))
    if ol.total == 0:
        parts.append(fmt(LIST_NONE_QUERY, query=ol.query) if ol.query else fmt(LIST_NONE_FILTER, flt=flt_name))
        return join(parts, "\n\n")
    total = count(ol.total, "обращение", "обращения", "обращений")
    if ol.pages > 1:
        parts.append(fmt(LIST_SHOWN_PAGES, flt=flt_name, total=total, page=ol.page + 1, pages=ol.pages))
    else:
        parts.append(fmt(LIST_SHOWN, flt=flt_name, total=total))
    first = ol.page * mine.PAGE_SIZE
    for i, r in enumerate(ol.rows, start=first + 1):
        parts.append(row(i, r, to_local))
    return join(parts, "\n\n")


def row(n: int, r: mine.Row, to_local: ToLocal) -> Html:
    head = fmt(ROW_NUMBER, number=r.number) if r.number else ROW_DRAFT
    when = (fmt(ROW_SENT, date=date(to_local(r.sent_at))) if r.sent_at
            else fmt(ROW_CREATED, date=date(to_local(r.created_at))))
    return fmt(ROW, n=n, head=head, topic=(r.topic or ROW_NO_TOPIC)[:120], status=APPEAL_STATUS[r.status],
               date=when, address=f" · {r.address}" if r.address else "",
               overdue=fmt(ROW_OVERDUE, date=date(r.due_on)) if r.overdue and r.due_on else "")


def open_button(r: mine.Row, to_local: ToLocal) -> str:
    if r.number is None:
        return BTN_DRAFT.format(date=f"{to_local(r.created_at):%d.%m}")
    label = BTN_OPEN.format(number=r.number, topic=r.topic or ROW_NO_TOPIC)
    label = ("⚠️ " + label) if r.overdue else label
    return label if len(label) <= 48 else label[:47] + "…"


def filter_button(flt: Filter, n: int) -> str:
    return f"{FILTER_NAMES[flt]} ({n})"


# --------------------------------------------------------------------------------------------- the view


def _or_not_given(value: str | None) -> str:
    return value if value else NOT_GIVEN


def due_line(v: AppealView, today: dt.date) -> Html:
    if v.due_on is None:
        return Html("")
    left = v.working_days_left(today)
    if left is None:  # answered, withdrawn, redirected: the date it was due, no countdown
        return fmt(VIEW_DUE_DONE, date=date(v.due_on))
    if v.overdue(today):
        n = max(1, -left)
        return fmt(VIEW_DUE, date=date(v.due_on), left=Html(fmt(DUE_OVERDUE, n=count(n, *WORKING_DAYS))))
    if left == 0:
        return fmt(VIEW_DUE, date=date(v.due_on), left=DUE_TODAY)
    return fmt(VIEW_DUE, date=date(v.due_on), left=fmt(DUE_LEFT, n=count(left, *WORKING_DAYS)))


def _topic(v: AppealView) -> str:
    if not v.topic:
        return NOT_GIVEN
    entry = v.topic_entry
    return f"{entry.code} {v.topic}" if entry and not entry.typed else v.topic


def _addressee(v: AppealView) -> str:
    if v.addressee is None:
        return NOT_GIVEN
    return v.addressee.name


def _answers_part(v: AppealView, to_local: ToLocal, budget: int) -> Html:
    if v.status is AppealStatus.draft:
        return Html("")
    if not v.answers:
        return Html(VIEW_NO_ANSWERS) if v.status in (AppealStatus.sent, AppealStatus.in_work) else Html("")
    last = v.answers[-1]
    text, was_cut = cut(last.text, max(budget, 100))
    last_html = fmt(VIEW_ANSWER_LAST, when=moment(last.created_at, to_local),
                    author=last.author_name or AUTHOR_DEFAULT, text=text + ("…" if was_cut else ""))
    return fmt(VIEW_ANSWERS, count=count(len(v.answers), *ANSWERS), last=last_html)


def _rating_part(v: AppealView, to_local: ToLocal) -> Html:
    if v.status is AppealStatus.withdrawn:
        last = next((c for c in reversed(v.history) if c.status is AppealStatus.withdrawn), None)
        if last is not None:
            return fmt(VIEW_WITHDRAWN, date=date(to_local(last.changed_at)), reason=last.comment or "—")
        return Html("")
    if v.status is not AppealStatus.answered:
        return Html("")
    if v.rating is None:
        return Html(VIEW_RATE_ASK)
    return fmt(VIEW_RATING, rating=RATING[v.rating])


def view_screen(v: AppealView, today: dt.date, to_local: ToLocal) -> tuple[Html, bool]:
    """The appeal as figure 11 shows it, in one message; (the text, whether the appeal's text was shortened to
    fit — then «Показать текст полностью» sends it whole)."""
    common = dict(
        number=number_suffix(v.number), surname=_or_not_given(v.surname), first_name=_or_not_given(v.first_name),
        patronymic=_or_not_given(v.patronymic), email=_or_not_given(v.email),
        phone=phone_text(v.phone) if v.phone else NOT_GIVEN, declaration=DECLARATION,
        declaration_bot=answer_way(v.route) + "\n" if v.route else "", number_plain=v.number or "—",
        status=status_word(v),
        created=date(to_local(v.created_at)),
        sent=fmt(VIEW_SENT, date=date(to_local(v.sent_at))) if v.sent_at else "",
        due=due_line(v, today), address=_or_not_given(v.address),
        premises=_or_not_given(v.premises) + (UNLISTED if v.premises_unlisted else ""),
        municipality=_or_not_given(v.municipality), topic=_topic(v), addressee=_addressee(v),
        parent=fmt(VIEW_PARENT, number=v.parent_number) if v.parent_number else "",
        files=count(len(v.files), *FILES) if v.files else NO_FILES, rating=_rating_part(v, to_local),
    )
    skeleton = fmt(VIEW, text="", answers=_answers_part(v, to_local, 0), **common)
    room = TEXT_LIMIT - plain_len(skeleton) - 80
    answers_budget = min(600, max(100, room // 3))
    answers = _answers_part(v, to_local, answers_budget)
    room -= answers_budget
    body, was_cut = cut(v.text or "—", max(room, 200))
    text_html = Html(escape(body) + (VIEW_TEXT_CUT if was_cut else ""))
    return fmt(VIEW, text=text_html, answers=answers, **common), was_cut


def full_text(v: AppealView) -> list[Html]:
    parts = chunks(v.text or "—", TEXT_LIMIT - 200)
    n = len(parts)
    return [Html(fmt(FULL_TEXT_HEAD, number=number_suffix(v.number),
                     part=fmt(PART, n=i, total=n) if n > 1 else "") + escape(p))
            for i, p in enumerate(parts, start=1)]


def answer_messages(v: AppealView, to_local: ToLocal) -> list[tuple[Html, list]]:
    """Each answer in full (split when long), with the answer's files to send after its last part."""
    out: list[tuple[Html, list]] = []
    for a in v.answers:
        parts = chunks(a.text or "—", TEXT_LIMIT - 400)
        n = len(parts)
        for i, p in enumerate(parts, start=1):
            head = fmt(ANSWER_HEAD, number=number_suffix(v.number), part=fmt(PART, n=i, total=n) if n > 1 else "",
                       when=moment(a.created_at, to_local), author=a.author_name or AUTHOR_DEFAULT)
            out.append((Html(head + escape(p)), a.files if i == n else []))
    return out


def _history_line(v: AppealView, i: int, c: ChangeView, to_local: ToLocal) -> Html:
    status = RETURNED if mine.returned_by_resident(v, i) else APPEAL_STATUS[c.status]
    if c.changed_by == v.user_id:
        who = HISTORY_BY_YOU
    elif c.changed_by_name:
        who = fmt(HISTORY_BY, name=c.changed_by_name)
    else:
        who = ""
    comment = fmt(HISTORY_COMMENT, comment=cut(c.comment, 1500)[0]) if c.comment else ""
    return fmt(HISTORY_LINE, when=moment(c.changed_at, to_local), status=status, who=who, comment=comment)


def history_messages(v: AppealView, to_local: ToLocal) -> list[Html]:
    """«Изменения по обращению»: every status with its date, who and why; several messages when it is long."""
    lines = [_history_line(v, i, c, to_local) for i, c in enumerate(v.history)] or [Html(HISTORY_EMPTY)]
    groups: list[list[Html]] = [[]]
    size = 0
    for line in lines:
        n = plain_len(line)
        if groups[-1] and size + n > TEXT_LIMIT - 200:
            groups.append([])
            size = 0
        groups[-1].append(line)
        size += n
    total = len(groups)
    return [Html(fmt(HISTORY_HEAD, number=number_suffix(v.number),
                     part=fmt(PART, n=i, total=total) if total > 1 else "") + "".join(g))
            for i, g in enumerate(groups, start=1)]


def files_head(v: AppealView) -> Html:
    return fmt(FILES_HEAD, number=number_suffix(v.number), count=count(len(v.files), *FILES))


def answer_files_head(n: int) -> Html:
    return fmt(ANSWER_FILES, count=count(n, *FILES))


def withdraw_ask(v: AppealView) -> Html:
    if v.route is AppealRoute.staff:
        return fmt(WITHDRAW_ASK, number=number_suffix(v.number))
    org = v.addressee.name if v.addressee else ADDRESSEE_DEFAULT
    if v.route is AppealRoute.email and v.addressee is not None and v.addressee.email:
        return fmt(WITHDRAW_ASK_EMAILED, number=number_suffix(v.number), org=org, email=v.addressee.email)
    return fmt(WITHDRAW_ASK_OUTSIDE, number=number_suffix(v.number), org=org)


def reopen_ask(v: AppealView) -> Html:
    return fmt(REOPEN_ASK, number=number_suffix(v.number))


def note_bad() -> Html:
    return fmt(NOTE_BAD, min=mine.NOTE_MIN, max=number_text(mine.NOTE_MAX))


def withdrawn_ok(number: str | None, route: AppealRoute | None = AppealRoute.staff, org: str | None = None,
                 email: str | None = None, mailed: bool = False) -> Html:
    """What a withdrawal did, true to the route: the staff chat's card says it, an e-mailed addressee got a letter
    (``mailed``) or must be told by the resident, the addressee of a PDF hears nothing from the bot."""
    if route is AppealRoute.staff:
        return fmt(WITHDRAWN_OK, number=number_suffix(number))
    if route is AppealRoute.email and email:
        words = WITHDRAWN_MAILED if mailed else WITHDRAWN_NOT_MAILED
        return fmt(words, number=number_suffix(number), org=org or ADDRESSEE_DEFAULT, email=email)
    return fmt(WITHDRAWN_PDF, number=number_suffix(number), org=org or ADDRESSEE_DEFAULT)


def reopened(number: str | None, due: dt.date | None) -> Html:
    return fmt(REOPENED, number=number_suffix(number), due=date(due) if due else "—")


def rated(rating: AppealRating) -> Html:
    return fmt(RATED, rating=RATING[rating])


def unsolved(until: dt.datetime | None, can_reopen: bool, to_local: ToLocal) -> Html:
    if not can_reopen:
        return Html(RATED_UNSOLVED_LATE)
    return fmt(RATED_UNSOLVED, until=date(to_local(until)) if until else "—")


def refusal(outcome: Outcome) -> str:
    return REFUSAL.get(outcome, REFUSAL[Outcome.not_found])


def rated_otherwise(rating: AppealRating | None, button: str) -> str:
    """The alert of a «Не решён» follow-up pressed after the answer was rated otherwise."""
    return RATED_OTHERWISE.format(rating=RATING[rating] if rating else "—", button=button)


def _who(applicant: str | None) -> str:
    return NOTE_APPLICANT.format(name=applicant) if applicant else NOTE_APPLICANT_UNNAMED


def note_withdrawn(applicant: str | None, reason: str) -> str:
    return NOTE_WITHDRAWN.format(who=_who(applicant), reason=reason)


def note_rated(applicant: str | None, rating: AppealRating) -> str:
    return NOTE_RATED.format(who=_who(applicant), rating=RATING[rating])


def note_reopened(applicant: str | None, comment: str) -> str:
    return NOTE_REOPENED.format(who=_who(applicant), comment=comment)

