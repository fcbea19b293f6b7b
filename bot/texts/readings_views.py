"""The screens of «Передать показания», «Приборы учёта» and the staff's /export and /window: the services' data
turned into words. Every value from the registry or from a person (an address, a serial, an organization's name,
a typed value) goes through ``fmt``/``escape``, so «ул. <Тег> & Ко» or a serial «<b>ХВ-4» reaches the resident as
written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from bot.services import readings as svc
from bot.services.charts import Panel
from bot.services.reading_windows import ProviderWindow, WindowError
from bot.texts import readings as t
from bot.texts.common import phone
from bot.texts.render import Html, fmt, join

OVERDUE_MARK = Html(t.OVERDUE_MARK)
NOTHING = Html("")


def contacts(items: list[svc.Contact] | tuple[svc.Contact, ...]) -> Html:
    """The УК's phone and its dispatchers' phone, one line per УК (where a dead end sends the resident)."""
    lines = []
    for c in items:
        if c.phone:
            line = fmt(t.CONTACT, name=c.name, phone=phone(c.phone))
        elif c.dispatcher_phone:
            line = fmt(t.CONTACT_NO_PHONE, name=c.name)
        else:
            continue
        if c.dispatcher_phone:
            line = Html(line + fmt(t.CONTACT_DISPATCHER, phone=phone(c.dispatcher_phone)))
        lines.append(line)
    return join(lines, "")


def _contacts_of(info: svc.MeterInfo | None) -> Html:
    return contacts([info.manager]) if info is not None and info.manager is not None else NOTHING


def _registrar(info: svc.MeterInfo) -> tuple[str, Html]:
    """Whom to tell of a replaced or verified meter, and their contacts: the РСО that bills the account directly
    (a meter of electricity under a direct contract), else the УК."""
    if info.billing is not None:
        return t.TELL_PROVIDER, contacts([info.billing])
    return t.TELL_UK, _contacts_of(info)


def point_text(p: svc.Point | None, info: svc.MeterInfo) -> Html:
    """«<b>105,500</b> м³ от 18.11.2026» — or «нет»."""
    if p is None:
        return fmt(t.LAST_NONE)
    return fmt(t.LAST_VALUE, value=t.values_line(p.values, info.zones), unit=t.unit(info.resource),
               date=t.date(p.taken_on))


def last_text(info: svc.MeterInfo) -> Html:
    """The meter's last reading — the one definition every screen shows (the newest point)."""
    return point_text(info.last, info)


def window_text(period: svc.PeriodInfo) -> Html:
    tmpl = t.WINDOW_IN if period.in_window else t.WINDOW_OUT
    return fmt(tmpl, start=period.window.from_day, end=period.window.to_day, period=t.period_name(period.period))


def example(info: svc.MeterInfo, zone: int = 0) -> str:
    """An example value for ``zone``: the last value of that zone (not of the first one) when known."""
    if info.base is not None and zone < len(info.base.values):
        return t.example_value(info.base.values[zone])
    return t.example_value(None)


def title(info: svc.MeterInfo) -> str:
    return t.meter_title(info.resource, info.serial)


# --------------------------------------------------------------------------------------------- lists


def meter_list(ml: svc.MeterList, shown: list[svc.MeterInfo], page: int, pages: int) -> Html:
    """«Передать показания»: the meters of the page, grouped by account."""
    if not ml.has_accounts:
        return fmt(t.NO_ACCOUNTS)
    if not ml.meters:
        return fmt(t.NO_METERS, contacts=contacts(ml.contacts))
    windows = {m.period.window for m in ml.meters}
    lines = [fmt(t.LIST_HEAD)]
    account = None
    for m in shown:
        if m.account_id != account:
            account = m.account_id
            lines.append(fmt(t.LIST_ACCOUNT, number=m.account_number, provider=m.provider, address=m.address,
                             premises=m.premises))
            if len(windows) > 1:  # providers take readings on different days: say it per account
                lines.append(fmt(t.LIST_ACCOUNT_WINDOW, start=m.period.window.from_day, end=m.period.window.to_day))
        overdue = OVERDUE_MARK if m.overdue else NOTHING
        if m.last is None:
            lines.append(fmt(t.LIST_METER_NO_LAST, title=title(m), verification=t.date(m.next_verification_on),
                             overdue=overdue))
        else:
            lines.append(fmt(t.LIST_METER, title=title(m), last=t.values_line(m.last.values, m.zones),
                             unit="\u00a0" + t.unit(m.resource), date=t.date(m.last.taken_on),
                             verification=t.date(m.next_verification_on), overdue=overdue))
    if len(windows) == 1:
        w = next(iter(windows))
        lines.append(fmt(t.LIST_WINDOW, start=w.from_day, end=w.to_day))
    if pages > 1:
        lines.append(fmt(t.PAGE, page=page + 1, pages=pages))
    lines.append(fmt(t.LIST_FOOT))
    return join(lines)


def meters_screen(ml: svc.MeterList, shown: list[svc.MeterInfo], page: int, pages: int) -> Html:
    """«Приборы учёта»: resource, serial, last reading, verification."""
    if not ml.has_accounts:
        return fmt(t.NO_ACCOUNTS)
    if not ml.meters:
        return fmt(t.NO_METERS, contacts=contacts(ml.contacts))
    lines = [fmt(t.METERS_HEAD)]
    for m in shown:
        lines.append(fmt(t.METERS_LINE, title=title(m), account=m.account_number, last=last_text(m),
                         verification=t.date(m.next_verification_on),
                         overdue=OVERDUE_MARK if m.overdue else NOTHING))
    if pages > 1:
        lines.append(fmt(t.PAGE, page=page + 1, pages=pages))
    return join(lines)


def card(m: svc.MeterInfo) -> Html:
    zone_names = ""
    if m.zones > 1:
        zone_names = " (" + ", ".join(t.zone_name(m.zones, i) for i in range(m.zones)) + ")"
    return fmt(t.CARD, title=title(m), account=m.account_number, provider=m.provider, address=m.address,
               premises=m.premises, zones=t.zones_count(m.zones), zone_names=zone_names,
               digits=t.digits_count(m.digits), installed=t.date(m.installed_on),
               verification=t.date(m.next_verification_on), overdue=OVERDUE_MARK if m.overdue else NOTHING,
               last=last_text(m))


def history(m: svc.MeterInfo, items: list[svc.HistoryItem]) -> Html:
    lines = [fmt(t.HISTORY_HEAD, title=title(m))]
    if not items:
        lines.append(fmt(t.HISTORY_EMPTY))
    u = t.unit(m.resource)
    for it in items:
        lines.append(fmt(t.HISTORY_ITEM, date=t.date(it.taken_on), values=t.values_line(it.values, m.zones),
                         unit=u, period=t.period_name(it.period),
                         mark=Html(t.HISTORY_REPLACED) if it.superseded else NOTHING))
    reg = m.registry
    if reg is not None:
        lines.append(fmt(t.HISTORY_REGISTRY, date=t.date(reg.taken_on), values=t.values_line(reg.values, m.zones),
                         unit=u))
    return join(lines)


def chart_title(s: svc.ResourceSeries) -> str:
    """A panel's title (matplotlib text, not HTML); a multi-tariff panel names its zones."""
    text = t.CHART_TITLE.format(resource=t.resource(s.resource), unit=t.unit(s.resource))
    if s.zones > 1:
        text += t.CHART_TITLE_ZONES.format(zones=" / ".join(t.zone_name(s.zones, z) for z in range(s.zones)))
    return text


def chart_panels(series: list[svc.ResourceSeries]) -> list[Panel]:
    """The chart's panels: a title with the unit, month labels, the values (per zone for multi-tariff meters)."""
    return [Panel(s.resource, chart_title(s), [t.period_short(p) for p in s.periods], s.values,
                  [(t.zone_name(s.zones, z), part) for z, part in enumerate(s.parts)]) for s in series]


def chart_caption(info: svc.MeterInfo | None) -> Html:
    if info is None:
        return fmt(t.CHART_CAPTION)
    return fmt(t.CHART_CAPTION_METER, title=title(info))


# --------------------------------------------------------------------------------------------- the dialog


def overdue(info: svc.MeterInfo, skipped: bool = False) -> Html:
    whom, reach = _registrar(info)
    text = fmt(t.OVERDUE, title=title(info), date=t.date(info.next_verification_on), whom=whom, contacts=reach)
    return Html(text + t.OVERDUE_SKIPPED) if skipped else text


def ask_value(info: svc.MeterInfo, zone: int) -> Html:
    """The value prompt. «Последнее показание» is the meter's last reading as in the list; when that is this
    period's reading (the new one replaces it), the prompt also says what the new one is compared with."""
    replaces = base = NOTHING
    if zone == 0 and info.current is not None:
        replaces = fmt(t.REPLACES, period=t.period_name(info.period.period),
                       value=t.values_line(info.current.values, info.zones), date=t.date(info.current.taken_on))
        if info.base is not None:
            base = fmt(t.BASE, value=t.values_line(info.base.values, info.zones), unit=t.unit(info.resource),
                       date=t.date(info.base.taken_on))
    zone_part = NOTHING
    if info.zones > 1:
        zone_part = fmt(t.ASK_VALUE_ZONE, zone=t.zone_name(info.zones, zone), n=zone + 1)
    return fmt(t.ASK_VALUE, title=title(info), last=last_text(info),
               window=window_text(info.period) if zone == 0 else NOTHING, replaces=replaces, base=base,
               zone=zone_part, digits=info.digits, example=example(info, zone))


def bad_value(problem: svc.ValueProblem, info: svc.MeterInfo, zone: int) -> Html:
    return Html(fmt(t.BAD_VALUE[problem.value], digits=t.digits_count(info.digits), example=example(info, zone))
                + t.STILL_WAITING)


def ask_date(values: tuple[Decimal, ...], info: svc.MeterInfo) -> Html:
    return fmt(t.ASK_DATE, values=t.values_line(values, info.zones), unit=t.unit(info.resource))


def bad_date(today: dt.date) -> Html:
    return fmt(t.BAD_DATE, example=t.date(today - dt.timedelta(days=1)))


def refusal(e: svc.ReadingRefused, info: svc.MeterInfo | None, today: dt.date,
            entered: Decimal | None = None) -> Html:
    if e.reason is svc.Refusal.overdue and info is not None:
        return overdue(info)
    if e.reason is svc.Refusal.lower and e.last is not None and info is not None:
        zone = fmt(t.LOWER_ZONE, zone=t.zone_name(info.zones, e.zone)) if info.zones > 1 else NOTHING
        whom, reach = _registrar(info)
        return fmt(t.LOWER, zone=zone, value=t.num(entered), last=t.num(e.last.values[e.zone]),
                   date=t.date(e.last.taken_on), whom=whom, contacts=reach)
    if e.reason is svc.Refusal.future:
        return fmt(t.FUTURE, today=t.date(today))
    if e.reason is svc.Refusal.before_last:
        return fmt(t.BEFORE_LAST, date=t.date(e.date))
    if e.reason is svc.Refusal.before_installed:
        return fmt(t.BEFORE_INSTALLED, date=t.date(e.date))
    if e.reason is svc.Refusal.zones:
        return fmt(t.ZONES_LOST)
    return fmt(t.NOT_YOURS)


def join_blocks(*blocks: Html) -> Html:
    return join(blocks, "\n\n")


def still_waiting(text: Html) -> Html:
    return Html(text + t.STILL_WAITING)


def confirm(a: svc.Assessment, changed: bool = False) -> Html:
    info = a.meter
    u = t.unit(info.resource)
    consumption = NOTHING
    if a.total is not None and a.base is not None and a.consumption is not None:
        zones = NOTHING
        if info.zones > 1:
            zones = fmt(t.CONSUMPTION_ZONES, parts=t.values_line(a.consumption, info.zones))
        consumption = fmt(t.CONSUMPTION, date=t.date(a.base.taken_on), total=t.num(a.total), unit=u, zones=zones)
    replaces = NOTHING
    if a.replaces is not None:
        replaces = fmt(t.REPLACES_SHORT, value=t.values_line(a.replaces.values, info.zones),
                       date=t.date(a.replaces.taken_on))
    period = fmt("{name}", name=t.period_name(info.period.period))
    if not info.period.in_window:
        period = Html(period + fmt(t.OUT_OF_WINDOW, from_day=info.period.window.from_day,
                                   to_day=info.period.window.to_day))
    text = fmt(t.CONFIRM, title=title(info), account=info.account_number, address=info.address,
               premises=info.premises, values=t.values_line(a.values, info.zones), unit=u, date=t.date(a.taken_on),
               consumption=consumption, period=period, replaces=replaces)
    if changed and a.replaces is not None:
        note = fmt(t.CHANGED, period=t.period_name(info.period.period),
                   value=t.values_line(a.replaces.values, info.zones), date=t.date(a.replaces.taken_on))
        return Html(note + text)
    return text


def check(a: svc.Assessment) -> Html:
    """«Всё верно?» before the summary: far above the usual (the 3× check) or above the monthly ceiling."""
    u = t.unit(a.meter.resource)
    if a.spike and a.ratio is not None and a.base is not None:
        return fmt(t.SPIKE, times=t.times(a.ratio), base_date=t.date(a.base.taken_on), total=t.num(a.total),
                   unit=u, average=t.num(a.average_monthly))
    info = a.meter
    if a.base is not None and a.total is not None:
        since = fmt(t.CEILING_SINCE, date=t.date(a.base.taken_on), total=t.num(a.total), unit=u)
    else:
        installed = fmt(t.CEILING_INSTALLED, date=t.date(info.installed_on)) if info.installed_on else NOTHING
        since = fmt(t.CEILING_FIRST, value=t.values_line(a.values, info.zones), unit=u, installed=installed)
    who = (fmt(t.CEILING_WHO_KNOWN, residents=t.residents(info.residents)) if info.residents
           else fmt(t.CEILING_WHO_UNKNOWN))
    return fmt(t.CEILING, rate=t.num(a.monthly_rate), unit=u, who=who, ceiling=t.num(a.ceiling), since=since)


def saved(s: svc.Saved) -> Html:
    a, info = s.assessment, s.assessment.meter
    u = t.unit(info.resource)
    parts = [fmt(t.SAVED, title=title(info), values=t.values_line(a.values, info.zones), unit=u,
                 date=t.date(a.taken_on))]
    if a.total is not None and a.base is not None:
        parts.append(fmt(t.SAVED_CONSUMPTION, date=t.date(a.base.taken_on), total=t.num(a.total), unit=u))
    else:
        parts.append(fmt(t.SAVED_FIRST))
    p = s.period
    if p.in_window:
        parts.append(fmt(t.SAVED_PERIOD_IN, period=t.period_name(p.period)))
    else:
        parts.append(fmt(t.SAVED_PERIOD_OUT, start=p.window.from_day, end=p.window.to_day,
                         period=t.period_name(p.period)))
    if a.replaces is not None:
        parts.append(fmt(t.SAVED_REPLACED, value=t.values_line(a.replaces.values, info.zones)))
    return join(parts, "")


def cancelled(saved_titles: list[str]) -> Html:
    """What «Отменить» or /cancel says: nothing saved, or which meters of «по очереди» were saved already."""
    if not saved_titles:
        return fmt(t.CANCELLED)
    return fmt(t.CANCELLED_AFTER_SAVED, saved=t.readings_count(len(saved_titles)), meters=", ".join(saved_titles))


def round_done(n: int) -> Html:
    return fmt(t.ROUND_DONE, saved=t.readings_count(n))


# --------------------------------------------------------------------------------------------- staff


def export_caption(period: str, rows: int, ogrn: str | None) -> Html:
    provider = fmt(t.EXPORT_PROVIDER, ogrn=ogrn) if ogrn else NOTHING
    return fmt(t.EXPORT_CAPTION if rows else t.EXPORT_EMPTY, period=t.period_name(period),
               rows=t.rows_count(rows), provider=provider)


def export_unknown_provider(ogrn: str) -> Html:
    return fmt(t.EXPORT_UNKNOWN_PROVIDER, ogrn=ogrn)


def _mark(w: ProviderWindow) -> str:
    return "" if w.own else t.WINDOWS_DEFAULT_MARK


def windows(items: list[ProviderWindow], default: svc.Window) -> Html:
    if not items:
        return fmt(t.WINDOWS_NONE)
    lines = [fmt(t.WINDOWS_HEAD)] + [
        fmt(t.WINDOWS_LINE, name=w.name, ogrn=w.ogrn, from_day=w.window.from_day, to_day=w.window.to_day,
            mark=_mark(w)) for w in items]
    return Html(join(lines) + fmt(t.WINDOWS_HOW, from_day=default.from_day, to_day=default.to_day))


def window_set(w: ProviderWindow) -> Html:
    return fmt(t.WINDOW_SET, name=w.name, from_day=w.window.from_day, to_day=w.window.to_day, mark=_mark(w))


def window_error(e: WindowError) -> Html:
    return fmt(t.WINDOW_PROBLEMS[e.problem.value], ogrn=e.ogrn or "")
