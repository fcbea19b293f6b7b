"""The one place where values meet HTML.

Every message is HTML (``parse_mode=HTML``), and every value put into it — a street from the registry, a meter
serial, a staff reason, a typed name, a file name — is data: ``fmt`` escapes each value it formats, so «ул. <Тег>
& Ко» reaches the resident as written and never breaks the message. A fragment that is already HTML (rendered by
another view) is passed as ``Html(...)`` and kept as it is. Nothing else in the bot builds HTML from values.
"""

from __future__ import annotations

import html
import re
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


# ------------------------------------------------------------------------------------------- Telegram's limit

ALERT_LIMIT = 200  # characters of a callback query's alert (Telegram's limit)
TEXT_LIMIT = 4000  # characters of one message as the user sees it (Telegram takes 4096; a margin kept)
_TOKEN = re.compile(r"<[^>]*>|&#?[0-9a-zA-Z]+;|.", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")


def _units(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _cut_point(text: str, limit: int) -> tuple[int, tuple[tuple[str, str], ...]] | None:
    """Where a page of ``text`` (HTML) must end — after a paragraph, else a line, else a word, else anywhere
    between characters — and the tags open there; None when the whole text fits."""
    units, stack = 0, ()
    best: dict[str, tuple[int, int, tuple]] = {}  # kind → (position, units before it, open tags)
    prev = ""
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.startswith("<") and len(tok) > 1:
            tag = _TAG.match(tok)
            if tag:
                stack = stack[:-1] if tag[1] else (*stack, (tag[2].lower(), tok))
            continue
        size = _units(html.unescape(tok) if tok.startswith("&") else tok)
        if units + size > limit:
            for kind in ("para", "line", "word"):
                if kind in best and best[kind][1] >= limit // 2:
                    return best[kind][0], best[kind][2]
            return m.start(), stack
        units += size
        if tok == "\n":
            best["para" if prev == "\n" else "line"] = (m.end(), units, stack)
        elif tok == " ":
            best["word"] = (m.end(), units, stack)
        prev = tok
    return None


def pages(text: str, limit: int = TEXT_LIMIT) -> list[Html]:
    """A screen as the messages Telegram takes: each at most ``limit`` characters as the user sees them, cut between
    paragraphs where possible; a tag open at a cut is closed there and opened again on the next page."""
    out: list[Html] = []
    rest = str(text)
    while (cut := _cut_point(rest, limit)) is not None:
        i, stack = cut
        out.append(Html(rest[:i].rstrip() + "".join(f"</{name}>" for name, _ in reversed(stack))))
        tail = rest[i:].lstrip()
        if not html.unescape(re.sub(r"<[^>]*>", "", tail)).strip():
            return out
        rest = "".join(raw for _, raw in stack) + tail
    out.append(Html(rest))
    return out


def fits(text: str, limit: int = TEXT_LIMIT) -> bool:
    return _cut_point(str(text), limit) is None
