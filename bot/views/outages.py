"""Outages in words: the residents' notices and card, the staff's preview, list and questions.

Every value (an address, a reason from the registry or typed by a clerk) goes through ``fmt``, so «прорыв <трубы>
& <i>подвал» or «давление < 2 атм & ремонт» reaches people as written.
"""

from __future__ import annotations

import datetime as dt
import html

from bot.keyboards.paginator import Page
from bot.services.notify.notices import Change, OutageData, OutageEvent, OutageNotice
from bot.services.outages import OutageCard, OutageError, OutageInfo, OutageReason, long_days
from bot.texts import notify as t
from bot.texts import vocab
from bot.texts.render import Html, count, fmt, join
from storage.vocab import Resource

ICONS = {Resource.hot_water: "🚿", Resource.cold_water: "🚰", Resource.electricity: "💡", Resource.heat: "🌡",
         Resource.gas: "🔥"}


def _res(code: str) -> Resource | None:
    try:
        return Resource.heat if code == "heating" else Resource(code)  # a push queued before 0008
    except ValueError:
        return None


def genitive(code: str) -> str:
    """«горячей воды», «отопления» (the outage's ``heating`` is the meter's ``heat``)."""
    res = _res(code)
    return vocab.RESOURCE_GENITIVE[res] if res else code


def name(code: str) -> str:
    return vocab.resource_name(code)


def when(t_: dt.datetime, year: bool = False) -> str:
    """Local time for people: «20 ноября, 10:00» (``year``: «20 ноября 2027, 10:00»)."""
    return f"{vocab.day_month(t_)}{f' {t_.year}' if year else ''}, {t_:%H:%M}"


def span(starts: dt.datetime, ends: dt.datetime) -> tuple[str, str]:
    """Both ends of a period, each with its year when the two are in different years («с 28 декабря 2026, 10:00
    до 3 января 2027, 18:00»): a period that crosses the new year, or an end typed a year off, reads as it is."""
    year = starts.year != ends.year
    return when(starts, year), when(ends, year)


def when_day(t_: dt.datetime, today: dt.date) -> str:
    """«сегодня в 09:00», «завтра в 09:00», «20 ноября в 09:00» (when a push waiting for the morning goes)."""
    if t_.date() == today:
        day = "сегодня"
    elif t_.date() == today + dt.timedelta(days=1):
        day = "завтра"
    else:
        day = vocab.day_month(t_)
    return f"{day} в {t_:%H:%M}"


def _change_value(c: Change, value: str | None) -> str:
    if c.field in ("starts", "ends"):
        if not value:
            return "—"
        # the year when was and now are in different years («10 декабря 2026 → 1 декабря 2027»)
        years = {dt.datetime.fromisoformat(v).year for v in (c.was, c.now) if v}
        return when(dt.datetime.fromisoformat(value), len(years) > 1)
    if c.field == "kind":
        return t.OUTAGE_KINDS.get(value or "", value or "—")
    return value or t.NO_REASON


def notice_text(n: OutageNotice) -> Html:
    """The push of one state of an outage."""
    o: OutageData = n.outage
    res = genitive(o.resource)
    if n.event == OutageEvent.eve:
        head = fmt(t.OUTAGE_EVE, resource=res)
    elif n.event == OutageEvent.cancelled:
        head = fmt(t.OUTAGE_CANCELLED, resource=res)
    elif n.event == OutageEvent.ended:
        head = fmt(t.OUTAGE_ENDED, resource=res)
    elif n.event == OutageEvent.changed:
        head = fmt(t.OUTAGE_CHANGED, resource=res)
    else:
        head = fmt(t.OUTAGE_NEW[o.kind], resource=res, icon=ICONS.get(o.resource, ""))
    starts, ends = span(o.starts, o.ends)
    lines = [head, fmt(t.OUTAGE_BODY, address=o.address, starts=starts, ends=ends)]
    if n.changes:
        lines.append(Html(t.OUTAGE_CHANGES_HEAD))
        lines += [fmt(t.CHANGE_LINE, what=t.CHANGE_FIELDS.get(c.field, c.field), was=_change_value(c, c.was),
                      now=_change_value(c, c.now)) for c in n.changes]
    elif o.reason and o.status == "active":
        lines.append(fmt(t.OUTAGE_REASON, reason=o.reason))
    return join(lines)


def contacts(org_name: str | None, phone: str | None, dispatcher: str | None) -> Html:
    """Whom to ask: the УК's phone and its dispatcher's (every dead end that sends a resident to the УК)."""
    parts = [fmt(t.CONTACTS_HEAD, org=fmt(t.CONTACT_ORG, name=org_name) if org_name else "")]
    if phone:
        parts.append(fmt(t.CONTACT_PHONE, phone=phone))
    if dispatcher and dispatcher != phone:
        parts.append(fmt(t.CONTACT_DISPATCHER, phone=dispatcher))
    if not phone and not dispatcher:
        parts.append(Html(t.CONTACT_NONE))
    return join(parts, "")


def card_text(card: OutageCard) -> Html:
    """«Подробнее»: the outage now, and the УК's and dispatcher's phones."""
    o = card.outage
    starts, ends = span(o.starts, o.ends)
    return fmt(t.OUTAGE_INFO, resource=genitive(o.resource), kind=t.OUTAGE_KINDS.get(o.kind, o.kind),
               status=t.OUTAGE_STATUSES.get(o.status, o.status), address=o.address, starts=starts, ends=ends, reason=fmt("\n" + t.OUTAGE_REASON, reason=o.reason) if o.reason else "",
               contacts=contacts(card.org_name, card.org_phone, card.dispatcher_phone))


# ------------------------------------------------------------------------------------------------ staff
def people(n: int) -> str:
    return count(n, *t.PEOPLE)


def notices(n: int) -> str:
    """«1 уведомление», «3 уведомления», «5 уведомлений»."""
    return count(n, *t.NOTICES)


def preview_text(notice: OutageNotice, recipients: int, waits_until: dt.datetime | None, today: dt.date) -> Html:
    text = fmt(t.PREVIEW, count=people(recipients), text=notice_text(notice))
    o = notice.outage
    if (days := long_days(o.starts, o.ends)) is not None:
        text = Html(text + fmt(t.LONG_NOTE, days=count(days, *t.DAYS), ends=o.ends.strftime("%d.%m.%Y %H:%M")))
    if waits_until is not None:
        text = Html(text + fmt(t.QUIET_NOTE, when=when_day(waits_until, today)))
    return text


def outages_list(page: Page[OutageInfo]) -> Html:
    head = Html(t.OUTAGES_HEAD) if page.pages == 1 else fmt(t.OUTAGES_HEAD_PAGES, page=page.page + 1,
                                                            pages=page.pages, total=page.total)
    lines = [head] + [
        fmt(t.OUTAGE_LINE, id=o.id, address=o.address, resource=name(o.resource),
            kind=t.OUTAGE_KINDS.get(o.kind, o.kind), starts=starts, ends=ends,
            source=t.FROM_REGISTRY if o.source == "registry" else "")
        for o in page.items for starts, ends in [span(o.starts, o.ends)]
    ]
    return join(lines, "\n\n")


def ask_new_ends(o: OutageInfo) -> Html:
    starts, ends = span(o.starts, o.ends)
    return fmt(t.ASK_NEW_ENDS, id=o.id, starts=starts, ends=ends)


def long_edit(outage_id: int, days: int, ends: dt.datetime) -> Html:
    return fmt(t.LONG_EDIT, id=outage_id, days=count(days, *t.DAYS), ends=ends.strftime("%d.%m.%Y %H:%M"))


def ask_sure(o: OutageInfo, status: str) -> Html:
    starts, ends = span(o.starts, o.ends)
    return fmt(t.ASK_SURE[status], id=o.id, resource=name(o.resource), address=o.address, starts=starts, ends=ends)


def error_text(exc: OutageError) -> Html:
    """Why the clerk's input or change was refused; a change that lost to another clerk's says what happened."""
    o = exc.outage
    if o is not None and exc.reason in (OutageReason.cancelled, OutageReason.ended, OutageReason.changed_meanwhile):
        starts, ends = span(o.starts, o.ends)
        return fmt(t.MEANWHILE, id=o.id, what=t.MEANWHILE_WHAT[exc.reason.value], starts=starts, ends=ends)
    return fmt(t.OUTAGE_ERRORS[exc.reason.value])


def error_alert(exc: OutageError) -> str:
    """``error_text`` for an alert (plain text, not HTML)."""
    return html.unescape(error_text(exc))


def updated(outage_id: int, what: str, pushes: int) -> Html:
    return fmt(t.OUTAGE_UPDATED, id=outage_id, what=t.WHAT_CHANGED[what], count=notices(pushes))


def published(pushes: int, waits_until: dt.datetime | None, today: dt.date) -> Html:
    if waits_until is None:
        return fmt(t.PUBLISHED, count=notices(pushes))
    return fmt(t.PUBLISHED_MORNING, count=notices(pushes), when=when_day(waits_until, today))
