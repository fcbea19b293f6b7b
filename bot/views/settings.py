"""«Настройки» in words."""

from __future__ import annotations

from bot.services.notify.prefs import Prefs
from bot.services.notify.quiet import QuietError, covers, fmt_minutes
from bot.texts import settings as t
from bot.texts.render import Html, fmt


def quiet_label(p: Prefs) -> str:
    if p.quiet_from == p.quiet_to:
        return t.QUIET_NONE
    return t.QUIET_SPAN.format(start=fmt_minutes(p.quiet_from), end=fmt_minutes(p.quiet_to))


NOON = 12 * 60


def settings_text(p: Prefs) -> Html:
    none = p.quiet_from == p.quiet_to
    note = t.QUIET_NONE_NOTE if none else t.QUIET_NOTE.format(end=fmt_minutes(p.quiet_to))
    text = fmt(t.TITLE, quiet=quiet_label(p), default=t.QUIET_DEFAULT_MARK if p.quiet_is_default else "", note=note)
    if covers(p.quiet_from, p.quiet_to, NOON):
        text = Html(text + t.QUIET_DAYTIME)
    return text


def quiet_error(exc: QuietError) -> str:
    return t.QUIET_ERRORS[exc.reason.value]


def bad_quiet(exc: QuietError) -> Html:
    return fmt(t.BAD_QUIET, error=quiet_error(exc))
