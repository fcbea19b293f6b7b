"""«Голосование по дому»: every word of the resident's screens, the staff's /meetings and the protocol."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from bot.services.voting.service import Card, Filter, MeetingRow, Phase, Refusal, Voice
from bot.services.voting.staff import MAX_TITLE, last_minute
from bot.services.voting.tally import REQUIRED_MAJORITY, Choice, Majority, Outcome, QuestionType, m2, percent
from bot.texts.common import number as grouped
from bot.texts.render import Html, bold, count, escape, fits, fmt, join, plural, shorten

ToLocal = Callable[[dt.datetime], dt.datetime]

TITLE = "🗳 <b>Голосование по дому</b>"
NO_HOUSES = ("🗳 <b>Голосование по дому</b>\n\nЗдесь появятся собрания собственников вашего дома. Подключите "
             "лицевой счёт — и бот покажет собрания дома, где вы живёте.")
EMPTY = {
    Filter.active: "Сейчас голосований нет.",
    Filter.ended: "Завершённых собраний нет.",
    Filter.soon: "Объявленных собраний нет.",
    Filter.all: "Собраний по вашим домам пока нет.",
}
FILTERS = {Filter.active: "Голосование идёт", Filter.soon: "Скоро", Filter.ended: "Завершено", Filter.all: "Все"}
PHASES = {Phase.active: "голосование идёт", Phase.soon: "скоро", Phase.ended: "завершено"}
PHASE_ICON = {Phase.active: "🟢", Phase.soon: "🕓", Phase.ended: "⚪️"}
CHOICES = {Choice.yes: "За", Choice.no: "Против", Choice.abstain: "Воздержался"}
CHOICES_PLURAL = {Choice.yes: "за", Choice.no: "против", Choice.abstain: "воздержались"}
OUTCOMES = {Outcome.adopted: "Решение принято", Outcome.rejected: "Решение не принято",
            Outcome.no_quorum: "Кворума нет — решение не принято"}
MAJORITIES = {
    Majority.simple: "большинство голосов участников собрания",
    Majority.more_than_half_all: "более 50 % голосов всех собственников",
    Majority.two_thirds_all: "не менее 2/3 голосов всех собственников",
    Majority.unanimous: "все собственники",
}
QUESTION_TYPES = {
    QuestionType.manager_choice: "выбор способа управления / управляющей организации",
    QuestionType.capital_repair: "капитальный ремонт",
    QuestionType.common_property: "пользование общим имуществом",
    QuestionType.council: "совет дома",
    QuestionType.evoting_system: "собрания в информационной системе",
    QuestionType.current_repair: "текущий ремонт и содержание",
    QuestionType.other: "прочие вопросы",
}
KIND_BINDING = "общее собрание собственников (электронное голосование)"
KIND_SURVEY = "опрос собственников"
SURVEY_NOTE = ("⚠️ В доме нет решения собственников о проведении собраний в электронной форме (ЖК РФ ст. 44 ч. 2 "
               "п. 3.1, ст. 47.1), поэтому это <b>опрос собственников</b>: его итоги — мнение, а не решение общего "
               "собрания.")
BINDING_NOTE = "Решение о проведении собраний в электронной форме: {decision}."

BTN_VOTE = "🗳 Голосовать"
BTN_SEND = "✅ Отправить решение"
BTN_CHANGE = "✏️ Изменить"
BTN_BACK = "« Назад"
BTN_LIST = "« К списку собраний"
BTN_PROTOCOL = "📄 Протокол"
BTN_CARD = "« К собранию"

REFUSALS = {
    Refusal.no_phone: ("Чтобы проголосовать, <b>поделитесь номером телефона</b> кнопкой внизу: по нему бот найдёт "
                       "вас среди собственников дома."),
    Refusal.tenant: ("На собрании <b>голосуют собственники</b> помещений дома (ЖК РФ ст. 47.1). Ваш номер не "
                     "указан у собственников этого дома."),
    Refusal.not_registered: ("Вы собственник, но ваше <b>право не зарегистрировано в ЕГРН</b> — голосовать на "
                             "электронном собрании могут собственники с зарегистрированным правом."),
    Refusal.not_yours: "Это собрание не вашего дома.",
    Refusal.not_started: "Голосование ещё не началось: оно откроется {starts}.",
    Refusal.ended: "Голосование завершено {ends} — изменить ничего нельзя.",
    Refusal.already_sent: "Ваше решение уже принято {when} — изменить его нельзя.",
    Refusal.bad_item: "Этот вопрос не из повестки этого собрания.",
}
ASK_UK = "Если это ошибка, обратитесь в {uk}{phone}."
ALERT = {
    Refusal.no_phone: "Сначала поделитесь номером телефона.",
    Refusal.tenant: "Голосуют собственники помещений дома.",
    Refusal.not_registered: "Право собственности не зарегистрировано в ЕГРН.",
    Refusal.not_yours: "Нет доступа: это собрание не вашего дома.",
    Refusal.not_started: "Голосование ещё не началось.",
    Refusal.ended: "Голосование завершено — изменить ничего нельзя.",
    Refusal.already_sent: "Ваше решение уже принято — изменить его нельзя.",
    Refusal.bad_item: "Этот вопрос не из повестки этого собрания.",
}
ALREADY_AT = "Ваше решение уже принято {when} — изменить его нельзя."
SENT = ("✅ <b>Решение отправлено</b> {when}.\n{premises}\nИтоги по вопросам будут видны после окончания "
        "голосования {ends}.")
ASK_PHONE_DONE = "Номер сохранён."
CONTACT_NOT_OWN = "Это не ваш номер. Нажмите кнопку «📱 Поделиться номером телефона» внизу."
SHARE_HINT = "Нажмите «📱 Поделиться номером телефона» внизу или «Отмена»."
NO_PDF = "Протокол будет готов после окончания голосования."


def when(x: dt.datetime, to_local: ToLocal) -> str:
    return f"{to_local(x):%d.%m.%Y в %H:%M}"


def until(x: dt.datetime, to_local: ToLocal) -> str:
    """The end of voting: «20.12.2026 в 23:59» for a meeting stored as ending at 00:00 of 21.12, else as it is."""
    return f"{last_minute(to_local(x)):%d.%m.%Y в %H:%M}"


def last_day(x: dt.datetime, to_local: ToLocal) -> str:
    return f"{last_minute(to_local(x)):%d.%m.%Y}"


# ------------------------------------------------------------------------------------------- Telegram's limit

TITLE_CHARS = MAX_TITLE  # a registry's title may be longer: the ballot's and the lists' headings cut it
LIST_TITLE_CHARS = 120
CARD_QUESTION_CHARS = 200  # a card too long for one message lists the questions cut; the ballot shows each whole
SUMMARY_QUESTION_CHARS = 150


def area(x: Fraction | Decimal) -> str:
    d = m2(x) if isinstance(x, Fraction) else Decimal(x).quantize(Decimal("0.01"))
    whole, _, frac = f"{d:.2f}".partition(".")
    neg = whole.startswith("-")
    whole = whole.lstrip("-")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ("-" if neg else "") + "\u00a0".join(groups) + "," + frac + "\u00a0м²"


def pct(x: Decimal) -> str:
    return f"{x:.2f}".replace(".", ",") + "\u00a0%"


def days_left(ends_at: dt.datetime, now: dt.datetime) -> str:
    days = max(0, (ends_at - now).days)
    if days == 0:
        return "последний день"
    return f"осталось {days} {plural(days, 'день', 'дня', 'дней')}"


def list_screen(rows: list[MeetingRow], flt: Filter, to_local: ToLocal) -> Html:
    if not rows:
        return fmt(TITLE + "\n\n{empty}", empty=EMPTY[flt])
    lines = [fmt(TITLE + " — {f}", f=FILTERS[flt].lower())]
    for r in rows:
        lines.append(fmt("{icon} {title}\n    {address}, {a} — {b}", icon=PHASE_ICON[r.phase],
                         title=bold(shorten(r.title, LIST_TITLE_CHARS)), address=r.address,
                         a=f"{to_local(r.starts_at):%d.%m}", b=last_day(r.ends_at, to_local)))
    return join(lines, "\n\n")


def quorum_bar(participated: Fraction, total: Fraction) -> Html:
    p = percent(participated, total)
    filled = min(10, int(p // 10))
    bar = "▰" * filled + "▱" * (10 - filled)
    return fmt("{bar} {p}\nПринято решений от собственников {x} из {y}, {p}; кворум — более 50 %",
               bar=bar, p=pct(p), x=area(participated), y=area(total))


def voice_line(v: Voice, total: Fraction) -> str:
    share = "" if v.share_num == v.share_den else f", доля {v.share_num}/{v.share_den}"
    kind = "пом." if v.nonresidential else "кв."
    return f"{kind} {v.premises}{share}: {area(v.votes)} ({pct(percent(v.votes, total))})"


def refusal_text(c: Card, to_local: ToLocal) -> Html:
    r = c.refusal
    if r is None:
        return Html("")
    if r == Refusal.already_sent:
        return fmt(REFUSALS[r], when=when(c.sent_at, to_local))
    if r == Refusal.ended:
        return fmt(REFUSALS[r], ends=until(c.ends_at, to_local))
    if r == Refusal.not_started:
        return fmt(REFUSALS[r], starts=when(c.starts_at, to_local))
    text = Html(REFUSALS[r])
    ask = fmt(ASK_UK, uk=c.uk_name, phone=f" по телефону {c.uk_phone}" if c.uk_phone else "")
    return Html(f"{text}\n{ask}")


def card_screen(c: Card, to_local: ToLocal, now: dt.datetime) -> Html:
    """The meeting's card; when the whole agenda does not fit one message, its questions are listed cut (each is
    shown whole on its ballot step); a card still too long goes as several messages (``pages``)."""
    text = _card(c, to_local, now, None)
    return text if fits(text) else _card(c, to_local, now, CARD_QUESTION_CHARS)


def _card(c: Card, to_local: ToLocal, now: dt.datetime, cut: int | None) -> Html:
    parts = [fmt("🗳 <b>{title}</b>", title=c.title),
             fmt("{kind}\n{address}", kind=(KIND_BINDING if c.binding else KIND_SURVEY).capitalize(),
                 address=c.address)]
    who = []
    if c.initiator:
        who.append(fmt("Инициатор: {x}", x=c.initiator))
    if c.administrator:
        who.append(fmt("Администратор: {x}", x=c.administrator))
    period = fmt("Голосование: {a} — {b}", a=when(c.starts_at, to_local), b=until(c.ends_at, to_local))
    if c.phase == Phase.active:
        period = fmt("{p} ({left})", p=period, left=days_left(c.ends_at, now))
    elif c.phase == Phase.ended:
        period = fmt("{p} (завершено)", p=period)
    who.append(period)
    parts.append(join(who))
    parts.append(Html(SURVEY_NOTE) if not c.binding else fmt(BINDING_NOTE, decision=c.evoting_decision))
    agenda = [Html("<b>Повестка дня</b>")]
    res = {r.number: r for r in c.results}
    for i in c.items:
        agenda.append(fmt("{n}. {q}", n=i.number, q=i.question if cut is None else shorten(i.question, cut)))
        if i.id in c.my_choices:
            agenda.append(fmt("    ваш ответ: {a}", a=CHOICES[c.my_choices[i.id]]))
        r = res.get(i.number)
        if r is not None:
            agenda.append(fmt("    за {f} · против {a} · возд. {ab} — {o}", f=area(r.votes_for),
                              a=area(r.votes_against), ab=area(r.votes_abstain), o=OUTCOMES[r.outcome]))
    parts.append(join(agenda))
    if c.voices:
        mine = [fmt("<b>Ваши голоса</b>: {x} ({p} всех голосов дома)", x=area(c.my_votes),
                    p=pct(percent(c.my_votes, c.total)))]
        mine += [escape("• " + voice_line(v, c.total)) for v in c.voices]
        parts.append(join(mine))
    parts.append(quorum_bar(c.participated, c.total))
    if c.refusal is not None:
        parts.append(refusal_text(c, to_local))
    return join(parts, "\n\n")


def question_screen(c: Card, position: int, answer: Choice | None) -> Html:
    item = c.items[position]
    head = fmt("🗳 <b>{title}</b>\n\n<b>Вопрос {n} из {total}</b>", title=shorten(c.title, TITLE_CHARS), n=position + 1,
               total=len(c.items))
    body = fmt("{q}\n\n<i>Решение принимает: {maj}</i>", q=item.question, maj=MAJORITIES[item.majority])
    tail = fmt("Ваш ответ: <b>{a}</b>", a=CHOICES[answer]) if answer else Html("Выберите ответ кнопкой.")
    return join([head, body, tail], "\n\n")


def summary_screen(c: Card, answers: dict[int, Choice]) -> Html:
    """The review before «Отправить решение»; the questions cut when the whole agenda does not fit one message."""
    text = _summary(c, answers, None)
    return text if fits(text) else _summary(c, answers, SUMMARY_QUESTION_CHARS)


def _summary(c: Card, answers: dict[int, Choice], cut: int | None) -> Html:
    lines = [fmt("🗳 <b>{title}</b>\n\n<b>Проверьте ваше решение</b>", title=shorten(c.title, TITLE_CHARS))]
    for i in c.items:
        lines.append(fmt("{n}. {q}\n    — <b>{a}</b>", n=i.number, q=i.question if cut is None else
                         shorten(i.question, cut), a=CHOICES[answers[i.id]]))
    lines.append(fmt("Решение будет подано за {premises}: {votes}.", premises=premises_word(len(c.voices)),
                     votes=area(c.my_votes)))
    lines.append(Html("Отправить решение? После отправки изменить его нельзя."))
    return join(lines, "\n\n")


def premises_word(n: int) -> str:
    return f"{n} {plural(n, 'помещение', 'помещения', 'помещений')}"


def sent_screen(c: Card, sent_at: dt.datetime, premises: int, to_local: ToLocal) -> Html:
    return fmt(SENT, when=when(sent_at, to_local), premises=f"Подано за {premises_word(premises)}.",
               ends=until(c.ends_at, to_local))


# ------------------------------------------------------------------------------------------- pushes (texts)

# «общее собрание» only where the house decided to hold meetings electronically (ЖК РФ ст. 44 ч. 2 п. 3.1, ст. 47.1);
# None: a push queued before the push knew it
PUSH_KIND = {True: "общее собрание собственников", False: "опрос собственников", None: "собрание собственников"}
PUSH_OPENED = "🗳 <b>Началось голосование</b>: {kind}\n{address}\n«{title}»\nГолосование до <b>{ends}</b>."
PUSH_EVE = ("🗳 <b>Завтра заканчивается голосование</b>: {kind}\n{address}\n«{title}»\n"
            "Вы ещё не проголосовали — до {ends}.")
PUSH_SURVEY_NOTE = ("\n\nЭто опрос: его итоги — мнение собственников, а не решение общего собрания (в доме нет "
                    "решения о проведении собраний в электронной форме).")
PUSH_RESULTS = "🗳 <b>Итоги голосования</b>: {kind}\n{address}\n«{title}»\n\n{items}"
PUSH_RESULT_LINE = "{number}. {question} — <b>{outcome}</b>"
PUSH_RESULT_SHORT = "Вопрос {number} — <b>{outcome}</b>"
PUSH_NO_QUORUM = "\n\nКворума не было: решения не приняты."
PUSH_PROTOCOL = "\n\nПротокол — по кнопке ниже."
SURVEY_OUTCOMES = {Outcome.adopted: "большинство за", Outcome.rejected: "большинства за нет",
                   Outcome.no_quorum: "кворума нет"}
PUSH_QUESTION_CHARS = 150  # a long question is cut in the push; the protocol has it whole
PUSH_MAX_CHARS = 3500  # Telegram takes 4096: with many items only the numbers and outcomes are listed


def push_kind(binding: bool | None) -> str:
    return PUSH_KIND[binding]


def _cut(text: str, limit: int = PUSH_QUESTION_CHARS) -> str:
    return shorten(text, limit)


def push_meeting(eve: bool, address: str, title: str, ends: str, binding: bool | None) -> Html:
    """«Началось голосование» / «Завтра заканчивается» (the push view fills it from a MeetingNotice)."""
    text = fmt(PUSH_EVE if eve else PUSH_OPENED, kind=push_kind(binding), address=address,
               title=shorten(title, TITLE_CHARS), ends=ends)
    return Html(text + PUSH_SURVEY_NOTE) if binding is False else text


def push_results(address: str, title: str, binding: bool, quorum: bool, items: list[tuple[int, str, str]]) -> Html:
    """«Итоги голосования»: the decision on each item (number, question, Outcome value)."""
    words = OUTCOMES if binding else SURVEY_OUTCOMES

    def lines(short: bool) -> Html:
        return join([fmt(PUSH_RESULT_SHORT, number=n, outcome=words[Outcome(o)]) if short else
                     fmt(PUSH_RESULT_LINE, number=n, question=_cut(q), outcome=words[Outcome(o)])
                     for n, q, o in items])

    body = lines(short=False)
    if len(body) > PUSH_MAX_CHARS:
        body = lines(short=True)
    text = fmt(PUSH_RESULTS, kind=push_kind(binding), address=address, title=shorten(title, TITLE_CHARS),
               items=body)
    tail = (PUSH_NO_QUORUM if not quorum else "") + (PUSH_SURVEY_NOTE if not binding else "") + PUSH_PROTOCOL
    return Html(text + tail)


# ------------------------------------------------------------------------------------------- staff

STAFF_TITLE = "🗳 <b>Собрания собственников</b>"
STAFF_EMPTY = "Собраний пока нет. Загрузите meetings.csv и agenda.csv командой импорта реестра."


def staff_meetings(rows: list[tuple[MeetingRow, Fraction, Fraction]], to_local: ToLocal) -> Html:
    if not rows:
        return fmt(STAFF_TITLE + "\n\n{e}", e=STAFF_EMPTY)
    lines = [Html(STAFF_TITLE)]
    for r, part, total in rows[:30]:
        lines.append(fmt("{icon} {title} — {phase}\n    {address}, {a} — {b}\n    участие: {x} из {y}, {p}",
                         icon=PHASE_ICON[r.phase], title=bold(shorten(r.title, LIST_TITLE_CHARS)),
                         phase=PHASES[r.phase], address=r.address, a=f"{to_local(r.starts_at):%d.%m}",
                         b=last_day(r.ends_at, to_local), x=area(part),
                         y=area(total), p=pct(percent(part, total))))
    return join(lines, "\n\n")


# ------------------------------------------------------------------------------------------- the protocol PDF


class Protocol:
    """The words of the protocol PDF (Приказ Минстроя России № 266/пр от 30.04.2025)."""

    TITLE_BINDING = "Протокол общего собрания собственников помещений в многоквартирном доме"
    TITLE_SURVEY = "Протокол опроса собственников помещений в многоквартирном доме"
    SUBTITLE = "по адресу: {address}"
    NUMBER = "№ {number} от {date}"
    AGENDA_TITLE = "«{title}»"
    PLACE = "Место проведения: {address}; голосование — в чат-боте управляющей организации."
    FORM = "Форма проведения: заочное голосование с использованием информационной системы (ЖК РФ ст. 47.1)."
    DECISION = "Решение собственников о проведении собраний в электронной форме: {decision}."
    SURVEY_NOTE = ("Решения собственников о проведении общих собраний в электронной форме (ЖК РФ ст. 44 ч. 2 п. 3.1, "
                   "ст. 47.1) нет: это опрос собственников, его итоги не являются решением общего собрания.")
    INITIATOR = "Инициатор собрания: {x}"
    ADMINISTRATOR = "Администратор собрания: {x}"
    NOT_GIVEN = "не указан"
    PERIOD = "Период голосования: с {a} по {b}"
    TOTAL = "Общее количество голосов собственников помещений в доме: {x} м² (100 %)"
    PARTICIPATED = "Приняли участие в голосовании собственники, обладающие {x} м² — {p} % голосов ({n} чел.)"
    QUORUM_YES = "Кворум имеется (более 50 % голосов, ЖК РФ ст. 45 ч. 3): собрание правомочно."
    QUORUM_NO = "Кворума нет (нужно более 50 % голосов, ЖК РФ ст. 45 ч. 3): собрание неправомочно."
    RESULTS = "Итоги голосования по вопросам повестки дня"
    QUESTION = "Вопрос {n}. {q}"
    MAJORITY = "Решение принимается: {m}"
    MAJORITIES = {
        "simple": "большинством голосов принявших участие в собрании",
        "more_than_half_all": "более чем 50 % голосов от общего числа голосов собственников",
        "two_thirds_all": "не менее 2/3 голосов от общего числа голосов собственников",
        "unanimous": "всеми собственниками (100 % голосов)",
    }
    FOR, AGAINST, ABSTAIN = "За", "Против", "Воздержались"
    ANSWER = "{label}: {x} м² — {p} % {base}"
    BASE_ALL = "от общего числа голосов"
    BASE_PART = "от числа голосов участников"
    OUTCOMES = {"adopted": "Решение принято", "rejected": "Решение не принято",
                "no_quorum": "Кворума нет — решение не принято"}
    SURVEY_OUTCOMES = {"adopted": "Большинство за (итог опроса, не решение собрания)",
                       "rejected": "Большинства нет (итог опроса)", "no_quorum": "Кворума нет"}
    PICTURE = "Вопрос {n}: итоги, %"
    ANNEXES = "Приложения"
    ANNEX_1 = "Приложение № 1 — реестр собственников, принявших участие в голосовании."
    REGISTER_TITLE = "Приложение № 1 к протоколу № {number}: реестр собственников, принявших участие в голосовании"
    COL_NAME, COL_PREMISES, COL_SHARE, COL_VOTES, COL_DATE = "Собственник", "Помещение", "Доля", "Голоса, м²", "Дата"


# ------------------------------------------------------------------------------------------- staff /meeting

SM_ASK_HOUSE = "🗳 Новое собрание, шаг 1: напишите адрес дома, например «Бауманская 44»."
SM_NO_HOUSE = "Такого дома не нашлось. Напишите улицу и номер дома ещё раз."
SM_PICK_HOUSE = "Выберите дом:"
SM_ASK_TITLE = ("Шаг 2: {address} — {kind}.\nНапишите название собрания, например «Годовое общее собрание "
                "собственников».")
SM_ASK_ADMIN = "Шаг 3: администратор собрания (ЖК РФ ст. 47.1). Напишите, кто проводит голосование, или «-» — {uk}."
SM_ASK_PERIOD = ("Шаг 4: период голосования — две даты через тире, например «{example}». От {min} до {max} дней"
                 "{binding}.")
SM_BINDING_RULE = "; общее собрание начинается не раньше чем через 10 дней после сообщения о нём — с {date}"
SM_PERIOD_BAD = "Не понял даты. Напишите две даты ДД.ММ.ГГГГ через тире, например «{example}»."
SM_PERIOD_NO_SUCH_DATE = "Такой даты нет: «{date}». Проверьте день и месяц и напишите даты ещё раз."
SM_PERIOD_PROBLEMS = {
    "ends_before_start": "Окончание раньше начала: сначала дата начала, через тире — дата окончания.",
    "too_short": "Голосование слишком короткое: нужно не меньше 7 дней.",
    "too_long": "Голосование слишком длинное: не больше 60 дней.",
    "too_soon": ("Общее собрание можно начать не раньше чем через 10 дней после сообщения о нём (ЖК РФ ст. 45 ч. 4) — "
                 "с {date}."),
    "in_past": "Начало уже прошло — выберите даты не раньше сегодняшней.",
}
SM_ASK_QUESTION = "Шаг 5: напишите вопрос {n} повестки дня полностью."
SM_TITLE_TOO_LONG = "Название слишком длинное: {n}, а можно не больше {max}. Сократите его и пришлите ещё раз."
SM_ADMIN_TOO_LONG = ("Слишком длинно: {n}, а можно не больше {max}. Напишите, кто проводит голосование, "
                     "короче, или «-».")
SM_QUESTION_TOO_LONG = ("Вопрос слишком длинный: {n}, а можно не больше {max}. Сократите его или разделите "
                        "на несколько вопросов и пришлите ещё раз — вопрос {k} пока не добавлен.")
SM_ASK_QTYPE = "Какой это вопрос? От этого зависит, каким большинством он решается (ЖК РФ ст. 46 ч. 1)."
SM_ADDED = ("Вопрос {n} добавлен: {type} — решает {majority}.\nНапишите следующий вопрос или нажмите «Готово».")
SM_NO_ITEMS = "В повестке пока нет вопросов — напишите первый."
SM_PREVIEW = "🗳 <b>Проверьте собрание</b>\n\n{body}\n\nОпубликовать?"
SM_PUBLISHED = ("✅ Собрание опубликовано: № {number}.\nСобственников с записью в ЕГРН (они голосуют): {owners}, "
                "из них в боте (поделились номером телефона): {in_bot}.")
SM_PUSHED = "\nОтправляем {pushes} о начале голосования."
SM_PUSH_LATER = "\nУведомления о начале голосования уйдут {date}, когда оно откроется."
NOTICES = ("уведомление", "уведомления", "уведомлений")
SM_CANCELLED = "Новое собрание отменено, ничего не сохранено."
BTN_DONE = "Готово"
BTN_PUBLISH = "✅ Опубликовать"
BTN_CANCEL_MEETING = "Отменить"


def sm_preview(d, to_local_date) -> Html:
    lines = [fmt("<b>{title}</b>", title=d.title),
             fmt("{kind}\n{address}", kind=(KIND_BINDING if d.binding else KIND_SURVEY).capitalize(),
                 address=d.address),
             fmt("Инициатор: {x}\nАдминистратор: {a}", x=d.manager, a=d.administrator or d.manager),
             fmt("Голосование: {a} — {b}", a=to_local_date(d.first), b=to_local_date(d.last))]
    agenda = [Html("<b>Повестка дня</b>")]
    for n, (q, qt) in enumerate(d.items, 1):
        agenda.append(fmt("{n}. {q}\n    {t}; решает {m}", n=n, q=q, t=QUESTION_TYPES[qt],
                          m=MAJORITIES[REQUIRED_MAJORITY[qt]]))
    lines.append(join(agenda))
    return fmt(SM_PREVIEW, body=join(lines, "\n\n"))


def sm_published(number: str, owners: int, in_bot: int, started: bool, queued: int, first: str) -> Html:
    """«Собрание опубликовано»: who may vote, how many of them the bot reaches, and the opening push: queued now
    (how many) or at the start of voting."""
    text = fmt(SM_PUBLISHED, number=number, owners=grouped(owners), in_bot=grouped(in_bot))
    tail = fmt(SM_PUSHED, pushes=count(queued, *NOTICES)) if started else fmt(SM_PUSH_LATER, date=first)
    return Html(text + tail)


def chars(n: int) -> str:
    return count(n, "символ", "символа", "символов")


def count_owners(n: int) -> str:
    return count(n, "собственник", "собственника", "собственников")


