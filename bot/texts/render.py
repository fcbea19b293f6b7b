"""The one place where values meet HTML.

Every message is HTML (``parse_mode=HTML``), and every value put into it — a street from the registry, a meter
serial, a staff reason, a typed name, a file name — is data: ``fmt`` escapes each value it formats, so «ул. <Тег>
& Ко» reaches the resident as written and never breaks the message. A fragment that is already HTML (rendered by
another view) is passed as ``Html(...)`` and kept as it is. Nothing else in the bot builds HTML from values.
"""

from __future__ import annotations

import html
import string
from typing import Any


class Html(str):
    """A string that is already safe HTML (a rendered fragment, a template constant): ``fmt`` keeps it as is."""

    __slots__ = ()


def escape(value: Any) -> Html:
    """Any value as HTML text: ``<``, ``>``, ``&`` and quotes escaped. ``Html`` fragments pass unchanged."""
    if isinstance(value, Html):
        return value
    return Html(html.escape("" if value is None else str(value), quote=True))


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Html):
            return str(value)
        return html.escape(super().format_field(value, format_spec), quote=True)


_FORMATTER = _Formatter()


def fmt(template: str, /, *args: Any, **values: Any) -> Html:
    """``template.format(...)`` with every value escaped (the template itself is trusted HTML)."""
    return Html(_FORMATTER.vformat(template, args, values))


def bold(value: Any) -> Html:
    return Html(f"<b>{escape(value)}</b>")


def join(parts: Any, sep: str = "\n") -> Html:
    """Join fragments: ``Html`` kept, plain strings escaped."""
    return Html(sep.join(escape(p) for p in parts))


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for ``n``: 1 сообщение, 2 сообщения, 5 сообщений, 11 сообщений, 21 сообщение."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count(n: int, one: str, few: str, many: str) -> str:
    """«1 сообщение», «2 сообщения», «5 сообщений» (the number grouped as the bot writes numbers)."""
    from bot.texts.common import number

    return f"{number(n)} {plural(n, one, few, many)}"
